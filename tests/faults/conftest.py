"""Fixtures for the fault tests: editors on the replayed Ollama, and the checks every fault ends with.

Every fault test ends the same way: a clear message, no edit or a complete one, the server still
answering, nothing lost. `Survival` holds those checks so that each test states only its fault.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import subprocess
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp

from tests.conftest import APP, SLUG
from tests.lsp.editor import Editor, start_editor
from tests.replay.fake_ollama import FakeOllama

SLUG_BLOCK = ((8, 0), (12, 0))  # `def slugify` … `return`, 0-based, in SLUG
_names = itertools.count()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with -m 'not slow')")


def write_project(root: Path) -> Path:
    pkg = root / "src" / "textkit"
    pkg.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "textkit"\nversion = "0"\n')
    (pkg / "__init__.py").write_text("")
    (pkg / "slug.py").write_text(SLUG)
    (root / "app.py").write_text(APP)
    return root


def guide_free(text: str, comment: str = "#") -> str:
    """The text with every inserted blockguide comment guide taken out (to compare with the original)."""
    out, inside = [], False
    for line in text.split("\n"):
        body = line.strip()
        if body.startswith(comment) and "--- blockguide " in body and body.endswith("---") and "end blockguide" not in body:
            inside = True
            continue
        if inside:
            if body == f"{comment} --- end blockguide ---":
                inside = False
            continue
        out.append(line)
    return "\n".join(out)


def shown_since(editor: Editor, mark: int) -> list[lsp.ShowMessageParams]:
    return list(editor.client.messages[mark:])


class Survival:
    """One editor session and the checks each fault ends with."""

    def __init__(self, editor: Editor, project: Path, fake: FakeOllama) -> None:
        self.editor = editor
        self.project = project
        self.fake = fake
        self.original: dict[str, str] = {}  # uri → the text it was opened with

    def fresh_copy(self, text: str | None = None, suffix: str = ".py", language: str | None = None) -> str:
        """A new file in the project, opened in the editor; returns its URI. Without `text`: SLUG with a
        comment that makes the slugify block unique, so no stored guide answers for it."""
        n = next(_names)
        if text is None:
            text = SLUG.replace("    return text.strip(sep)\n", f"    return text.strip(sep)  # copy {n}\n")
        path = self.project / "src" / "textkit" / f"copy_{n}{suffix}"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))  # byte for byte: no newline translation
        uri = self.editor.open(path, language=language, text=text)
        self.original[uri] = text
        return uri

    async def still_answers(self, uri: str | None = None, timeout: float = 15.0) -> None:
        """A listing and a hover are answered in time: the server is alive and not stuck."""
        uri = uri or self.fresh_copy()
        actions = await asyncio.wait_for(self.editor.actions(uri, *SLUG_BLOCK), timeout)
        assert isinstance(actions, list)
        await asyncio.wait_for(self.editor.hover(uri, 0, 0), timeout)

    async def still_documents(self) -> None:
        """A normal run on a fresh copy works end to end (the fault left no broken state behind)."""
        self.fake.reset()
        uri = self.fresh_copy()
        resolved = await asyncio.wait_for(self.editor.document(uri, *SLUG_BLOCK), 30)
        assert resolved.edit is not None, [m.message for m in self.editor.client.messages[-3:]]
        assert guide_free(self.editor.text(uri)) == self.original[uri]

    def message(self, mark: int, *expected: str, kinds=(lsp.MessageType.Error, lsp.MessageType.Warning)) -> str:
        """The one message shown since `mark` that says what happened; every `expected` part is in it."""
        shown = [m for m in shown_since(self.editor, mark) if m.type in kinds]
        assert shown, "the user was told nothing"
        text = " | ".join(m.message for m in shown)
        for part in expected:
            assert re.search(part, text, re.IGNORECASE), f"{part!r} not in what the user saw: {text}"
        assert "Traceback" not in text and "Error in server" not in text, text
        return text

    def progress_closed(self) -> None:
        """Every progress bar that began has ended (no spinner left turning in the editor)."""
        for token, reports in self.editor.client.progress_reports.items():
            if reports and reports[0].kind == "begin":
                assert reports[-1].kind == "end", f"progress {token} never ended: {[r.kind for r in reports]}"


@pytest_asyncio.fixture
async def session(project, fake, tmp_path):
    """A fresh editor session on the replayed Ollama (timeout 2 s)."""
    ed = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": fake.url, "timeout": 2})
    yield Survival(ed, project, fake)
    await stop_editor(ed)


@pytest.fixture(scope="module")
def module_fake():
    with FakeOllama() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(module_fake, tmp_path_factory):
    """One editor session for a whole module (tests marked with loop_scope="module"): every fault must leave
    it working for the next one, which is part of what is tested. Starting a server costs seconds."""
    root = write_project(tmp_path_factory.mktemp("proj"))
    ed = await start_editor(root, tmp_path_factory.mktemp("cache"),
                            settings={"ollamaHost": module_fake.url, "timeout": 2})
    session = Survival(ed, root, module_fake)
    yield session
    await stop_editor(ed)


@pytest.fixture
def clean(shared):
    """The shared session with the replayed Ollama's script emptied and its messages marked."""
    shared.fake.reset()
    return shared


async def stop_editor(ed: Editor) -> None:
    try:
        await asyncio.wait_for(ed.client.shutdown_session(), 10)
    except Exception:  # noqa: BLE001 - the test already failed or stopped the server itself
        pass
    await ed.client.stop()


class InProcess:
    """`blockguide doc ARGS` through cli.main in this process: the same code, without paying a Python start
    and a cold jedi per run (the subprocess tests cover what only a fresh process shows)."""

    def __init__(self, capsys, monkeypatch, cache: Path) -> None:
        self.capsys, self.monkeypatch, self.cache = capsys, monkeypatch, cache

    def __call__(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        from blockguide import cli

        self.monkeypatch.delenv("OLLAMA_HOST", raising=False)
        self.monkeypatch.delenv("BLOCKGUIDE_DEBUG", raising=False)
        self.monkeypatch.setenv("BLOCKGUIDE_CACHE_DIR", str(self.cache))
        for k, v in (env or {}).items():
            self.monkeypatch.setenv(k, v)
        self.capsys.readouterr()
        code = cli.main(["doc", *args])
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(["blockguide", "doc", *args], code, out, err)


@pytest.fixture
def doc(capsys, monkeypatch, tmp_path) -> InProcess:
    return InProcess(capsys, monkeypatch, tmp_path / "cache")
