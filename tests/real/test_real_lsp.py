"""The whole path against a real Ollama serving the bundled model: LSP, CLI, cancel, a killed server.

Assertions are on structure and behaviour, never on the model's wording. Generations are kept short
(maxTokens) so that these few tests stay within a couple of minutes on two CPU cores.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

import pytest
from lsprotocol import types as lsp

from tests.lsp.editor import start_editor
from tests.lsp.test_document import assert_spec_markdown, guide_lines
from tests.support.real_ollama import MODEL, start_ollama

pytestmark = pytest.mark.real_ollama

SHORT = {"maxTokens": 400, "timeout": 300, "temperature": 0.1, "seed": 1}


async def stop(editor) -> None:
    await editor.client.shutdown_session()
    await editor.client.stop()


async def test_document_hover_and_preview_with_the_bundled_model(ollama_host, project, tmp_path):
    editor = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": ollama_host, **SHORT})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        before = editor.text(uri)
        resolved = await editor.document(uri, (8, 0), (12, 0))
        assert resolved.edit is not None, [m.message for m in editor.client.messages]
        after = editor.text(uri)
        assert len(guide_lines(after)) == 1
        body_start = after.index("# --- blockguide ")
        comment = after[body_start:after.index("# --- end blockguide ---") + len("# --- end blockguide ---\n")]
        assert after.replace(comment, "", 1) == before  # every original line intact
        md = "\n".join(l[2:] for l in comment.split("\n")[1:-2])
        assert_spec_markdown(md)
        assert "from textkit.slug import slugify" in md  # the real import path, whatever the model wrote
        assert f"({MODEL})" in comment.split("\n")[0]
        # hover over the documented function shows the same guide
        line = after.split("\n").index('def slugify(text: str, sep: str = "-") -> str:')
        hover = await editor.hover(uri, line + 2, 8)
        assert hover is not None and hover.contents.value.startswith(md + "\n\n---\n\n*blockguide: ")
        assert f"drafted with `{MODEL}` (phrase)" in hover.contents.value  # the bundled model phrases
        # preview on another block: a guide, no edit
        action = await editor.action(uri, (line + 8, 0), (line + 12, 0), title="Preview guide")
        result = await editor.command(action.command.command, *action.command.arguments)
        assert_spec_markdown(result["markdown"])
        assert editor.text(uri) == after
    finally:
        await stop(editor)


def test_cli_prints_a_guide_with_the_bundled_model(ollama_host, project, tmp_path):
    env = {**os.environ, "BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cli-cache")}
    out = subprocess.run(
        [sys.executable, "-m", "blockguide", "doc", str(project / "src/textkit/slug.py"), "--symbol", "Slugger",
         "--host", ollama_host, "--max-tokens", "400", "--timeout", "300"],
        capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    assert_spec_markdown(out.stdout.strip())
    assert "from textkit.slug import Slugger" in out.stdout


async def test_cancel_during_generation_leaves_the_document_alone(ollama_host, project, tmp_path):
    editor = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": ollama_host, **SHORT})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        before = editor.text(uri)
        action = await editor.action(uri, (15, 0), (20, 0))
        msg_id, pending = editor.request(lsp.CODE_ACTION_RESOLVE, action)
        await editor.wait_for(lambda: any(
            getattr(r, "message", "") and r.message.startswith("generating (")
            for rs in editor.client.progress_reports.values() for r in rs), timeout=120)
        editor.cancel(msg_id)
        with pytest.raises(Exception, match="(?i)cancel"):
            await asyncio.wait_for(pending, 30)
        assert editor.text(uri) == before
        # still usable: listing and hover answer at once
        assert [a.title for a in await editor.actions(uri, (16, 8))][0] == "Document this block"
        assert await editor.hover(uri, 16, 8) is None
    finally:
        await stop(editor)


async def test_ollama_killed_mid_generation_gives_the_guide_from_the_code_and_says_why(project, tmp_path,
                                                                                    ollama_host):
    """The real server dies while it streams: the guide built from the code alone (marked `(none)`) is inserted
    with a warning that says why; never half of the model's text."""
    server = start_ollama()  # a private one: this test kills it
    editor = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": server.host, **SHORT})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        before = editor.text(uri)
        pending = asyncio.ensure_future(editor.resolve(await editor.action(uri, (8, 0), (12, 0))))
        await editor.wait_for(lambda: any(
            getattr(r, "message", "") and r.message.startswith("generating (")
            for rs in editor.client.progress_reports.values() for r in rs), timeout=120)
        server.kill()
        resolved = await asyncio.wait_for(pending, 60)
        assert resolved.edit is not None and editor.apply(resolved.edit)
        after = editor.text(uri)
        assert "(none) ---" in after and f"({MODEL}) ---" not in after
        assert all(line in after.split("\n") for line in before.split("\n"))  # every line of the code kept
        message = editor.client.messages[-1]
        assert message.type == lsp.MessageType.Warning
        assert re.search(r"broke during generation|Cannot reach Ollama|ended the answer early", message.message)
    finally:
        server.stop()
        await stop(editor)


async def test_a_model_that_does_not_exist_says_how_to_get_it(ollama_host, project, tmp_path):
    editor = await start_editor(project, tmp_path / "cache",
                                settings={"ollamaHost": ollama_host, "model": "no-such-model:1b", **SHORT})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        resolved = await editor.resolve(await editor.action(uri, (8, 0), (12, 0)))
        assert resolved.edit is None
        assert "ollama pull no-such-model:1b" in editor.client.messages[-1].message
    finally:
        await stop(editor)
