"""Helix: `hx` is not packaged in Debian bookworm, so the editor itself is not run. What is checked:
docs/editors/helix-languages.toml parses, names every language blockguide supports, gives Helix a request
timeout long enough for drafting, and its `config` is valid settings; and a session with the capabilities
Helix declares (helix-lsp/src/client.rs, `Client::initialize`, helix-editor/helix master) and that `config`
as initializationOptions and workspace/configuration (Helix answers a section by walking `config`)
documents a block through codeAction/resolve and hovers it, with no settings warning.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.protocol import default_converter

import tests.lsp.editor as editor_module
from blockguide.settings import Settings, parse

SNIPPET = Path(__file__).resolve().parents[2] / "docs" / "editors" / "helix-languages.toml"
HELIX_LANGUAGES = {"python", "javascript", "jsx", "typescript", "tsx", "go", "rust", "java", "c", "cpp"}

# What Helix sends in `initialize` (the parts a server can act on).
HELIX_CAPABILITIES = {
    "workspace": {
        "configuration": True, "didChangeConfiguration": {"dynamicRegistration": False},
        "workspaceFolders": True, "applyEdit": True, "executeCommand": {"dynamicRegistration": False},
        "workspaceEdit": {"documentChanges": True, "resourceOperations": ["create", "rename", "delete"],
                          "failureHandling": "abort", "normalizesLineEndings": False},
    },
    "textDocument": {
        "hover": {"contentFormat": ["markdown"]},
        "codeAction": {
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source",
                "source.organizeImports"]}},
            "isPreferredSupport": True, "disabledSupport": True, "dataSupport": True,
            "resolveSupport": {"properties": ["edit", "command"]},
        },
        "publishDiagnostics": {"versionSupport": True, "tagSupport": {"valueSet": [1, 2]}},
    },
    "window": {"workDoneProgress": True},
    "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
}


def snippet() -> dict:
    return tomllib.loads(SNIPPET.read_text())


def test_the_helix_snippet_is_valid_for_blockguide():
    conf = snippet()
    server = conf["language-server"]["blockguide"]
    assert server["command"] == "blockguide" and server["args"] == ["serve"]
    assert server["timeout"] >= Settings().timeout  # Helix's own default (20 s) would cut drafting off
    settings, problems = parse(server["config"])
    assert problems == [] and settings.model == "blockguide-tiny"
    names = [lang["name"] for lang in conf["language"]]
    assert set(names) == HELIX_LANGUAGES and len(names) == len(set(names))
    assert all("blockguide" in lang["language-servers"] for lang in conf["language"])


@pytest.fixture
def helix_caps(monkeypatch):
    caps = default_converter().structure(HELIX_CAPABILITIES, lsp.ClientCapabilities)
    monkeypatch.setattr(editor_module, "client_capabilities", lambda name: caps)


async def test_a_session_as_helix_runs_it(project, fake, tmp_path, helix_caps):
    config = snippet()["language-server"]["blockguide"]["config"]
    config["blockguide"]["ollamaHost"] = fake.url  # the user's own server, here the replayed one
    ed = await editor_module.start_editor(project, tmp_path / "cache", client_name="helix", settings=config,
                                          pull_settings=config["blockguide"])
    try:
        uri = ed.open(project / "src/textkit/slug.py")
        before = ed.text(uri)
        action = await ed.action(uri, (8, 0), (8, 1))  # Helix's cursor: a one-character selection
        assert action.edit is None and action.command is None  # resolve carries the edit
        resolved = await ed.resolve(action)
        assert resolved.edit is not None and ed.apply(resolved.edit)
        after = ed.text(uri)
        assert after.count("# --- blockguide ") == 1 and after.replace(resolved.edit.document_changes[0]
                                                                        .edits[0].new_text, "", 1) == before
        line = after.split("\n").index('def slugify(text: str, sep: str = "-") -> str:')
        hover = await ed.hover(uri, line + 1, 4)
        assert hover is not None and "How to Use This Code Block" in hover.contents.value
        assert not [m for m in ed.client.messages if "blockguide." in m.message]  # no settings warning
    finally:
        await ed.client.shutdown_session()
        await ed.client.stop()
