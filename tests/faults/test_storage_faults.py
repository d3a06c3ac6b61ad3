"""The guide cache (SQLite at $BLOCKGUIDE_CACHE_DIR) corrupted, tampered with, locked, read-only, on a full
disk or not creatable: blockguide rebuilds it or works without it, and never crashes.

Each scenario runs a real `blockguide serve` (over a raw pipe) that documents a block twice and hovers; the
scenarios are independent, so they run side by side and the tests check what each one saw.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SLUG
from tests.faults.conftest import write_project
from tests.faults.rawlsp import RawServer
from tests.replay.fake_ollama import FakeOllama

CAPS = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
        "workspace": {"workspaceEdit": {"documentChanges": True}}}
SLUGIFY = {"start": {"line": 8, "character": 0}, "end": {"line": 12, "character": 0}}
SLUGGER = {"start": {"line": 15, "character": 0}, "end": {"line": 20, "character": 0}}


@dataclass
class Outcome:
    edits: list[bool] = field(default_factory=list)  # per resolve: an edit came back
    errors: list[str] = field(default_factory=list)  # error answers and error-level logs or popups
    warnings: list[str] = field(default_factory=list)
    hover: bool = False
    chats: list[int] = field(default_factory=list)  # model calls per run (0: the run came from the store)
    seconds: list[float] = field(default_factory=list)
    alive: bool = False
    note: str = ""


def stored_guides(cache: Path) -> int:
    con = sqlite3.connect(cache / "guides.sqlite3")
    try:
        return con.execute("SELECT COUNT(*) FROM guides").fetchone()[0]
    finally:
        con.close()


SETTINGS = {"timeout": 10, "references": 0}


def fill_store(cache: Path, fake: FakeOllama, root: Path) -> None:
    """A store that holds a guide for the slugify block under the key the server will look for."""
    from blockguide.jobs import draft as drafting
    from blockguide.cache import GuideCache
    from blockguide.core import languages
    from blockguide.core.syntax import blocks
    from blockguide.core.syntax.source import Source
    from blockguide.core.types import Example, Guide, Step
    from blockguide.settings import parse

    settings, _ = parse({"ollamaHost": fake.url, **SETTINGS})
    block = blocks.snap(Source(languages.LANGUAGES["python"], SLUG), 8, 12)
    store = GuideCache(cache / "guides.sqlite3")
    store.put(block.hash, drafting.cache_key(settings), Guide(
        "How to Use This Code Block", "Stored earlier.", (Step("Slug", "It makes a slug."),),
        Example("python", "slugify('A B')"), "blockguide-tiny"))
    store.close()
    assert stored_guides(cache) == 1


def run_session(cache: Path, fake_url_or_fake, root: Path, runs: int = 2, during=None, preexec_fn=None,
                env: dict | None = None) -> Outcome:
    fake = fake_url_or_fake
    out = Outcome()
    server = RawServer(env={"BLOCKGUIDE_CACHE_DIR": str(cache), **(env or {})}, preexec_fn=preexec_fn)
    try:
        server.initialize(root, settings={"ollamaHost": fake.url, **SETTINGS}, capabilities=CAPS)
        path = root / "src" / "textkit" / "slug.py"
        uri = path.resolve().as_uri()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": SLUG}})
        for i in range(runs):
            if during is not None and i == 1:
                during()
            chats = len(fake.chat_requests)
            started = time.monotonic()
            listed = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": SLUGIFY,
                                                                 "context": {"diagnostics": []}})
            resolved = server.request("codeAction/resolve", listed["result"][0], timeout=60)
            out.seconds.append(time.monotonic() - started)
            out.chats.append(len(fake.chat_requests) - chats)
            if "error" in resolved:
                out.errors.append(resolved["error"]["message"])
                out.edits.append(False)
            else:
                out.edits.append(resolved["result"].get("edit") is not None)
        hover = server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": 10, "character": 8}})
        out.hover = "result" in hover and hover["result"] is not None
        if "error" in hover:
            out.errors.append(hover["error"]["message"])
        out.alive = server.alive()
        for m in server.messages:
            if m.get("method") in ("window/logMessage", "window/showMessage"):
                (out.errors if m["params"]["type"] == 1 else out.warnings).append(m["params"]["message"])
    finally:
        server.close()
    return out


# --- how each scenario breaks the store -----------------------------------------------------------------


def garbage_at_start(cache: Path, fake, root) -> Outcome:
    cache.mkdir(parents=True)
    (cache / "guides.sqlite3").write_bytes(b"this is not an SQLite database\n" * 200)
    out = run_session(cache, fake, root)
    out.note = ",".join(sorted(p.name.split("-")[0] for p in cache.iterdir()))
    return out


def truncated_at_start(cache: Path, fake, root) -> Outcome:
    fill_store(cache, fake, root)
    db = cache / "guides.sqlite3"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3] + b"\x00" * 512)
    return run_session(cache, fake, root)


def corrupted_while_running(cache: Path, fake, root) -> Outcome:
    def smash() -> None:
        for name in ("guides.sqlite3", "guides.sqlite3-wal"):
            p = cache / name
            if p.exists():
                data = bytearray(p.read_bytes())
                for i in range(100, len(data), 211):
                    data[i] ^= 0x5A
                p.write_bytes(bytes(data))

    return run_session(cache, fake, root, runs=3, during=smash)


def tampered_entries(cache: Path, fake, root) -> Outcome:
    fill_store(cache, fake, root)
    con = sqlite3.connect(cache / "guides.sqlite3")
    bad = json.dumps({"title": 5, "description": None, "steps": [{"label": [], "detail": {}}],
                      "example": {"language": 1, "code": 2}, "notes": 7})
    con.execute("UPDATE guides SET guide = ?", (bad,))
    con.commit()
    con.close()
    return run_session(cache, fake, root)


def wrong_schema(cache: Path, fake, root) -> Outcome:
    cache.mkdir(parents=True)
    con = sqlite3.connect(cache / "guides.sqlite3")
    con.execute("CREATE TABLE guides (something TEXT, else_ INTEGER)")
    con.commit()
    con.close()
    return run_session(cache, fake, root)


def locked_by_another_process(cache: Path, fake, root) -> Outcome:
    fill_store(cache, fake, root)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"con = sqlite3.connect({str(cache / 'guides.sqlite3')!r}, isolation_level=None)\n"
        "con.execute('PRAGMA journal_mode=DELETE'); con.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True); sys.stdin.read()\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        return run_session(cache, fake, root, runs=3)
    finally:
        holder.stdin.close()
        holder.wait(10)


@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` and its files unwritable even for root (immutable attribute), or skip."""
    paths = [folder, *folder.iterdir()]
    if os.geteuid() != 0:
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        undo = lambda: [p.chmod(0o755 if p.is_dir() else 0o644) for p in paths]  # noqa: E731
    else:
        tool = shutil.which("chattr")
        ok = tool and subprocess.run([tool, "+i", *map(str, paths)], capture_output=True).returncode == 0
        if not ok:
            pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
        undo = lambda: subprocess.run([tool, "-i", *map(str, paths)], capture_output=True)  # noqa: E731
    try:
        yield
    finally:
        undo()


def read_only_store(cache: Path, fake, root) -> Outcome:
    fill_store(cache, fake, root)
    with read_only(cache):
        return run_session(cache, fake, root)


def not_creatable(cache: Path, fake, root) -> Outcome:
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the cache folder should be\n")
    return run_session(cache, fake, root)


def full_disk_rlimit(cache: Path, fake, root) -> Outcome:
    """Writes past 24 KB fail (EFBIG), as on a full disk; the store starts with a guide in it."""
    fill_store(cache, fake, root)
    limit = (cache / "guides.sqlite3").stat().st_size + 4096

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return run_session(cache, fake, root, preexec_fn=small_files)


def full_disk_tmpfs(cache: Path, fake, root) -> Outcome:
    """A real full file system: a 256 KB tmpfs, filled up (skipped where mounting is not allowed)."""
    cache.mkdir(parents=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(cache)],
                                           capture_output=True).returncode != 0:
        return Outcome(note="skip")
    try:
        fd = os.open(cache / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        return run_session(cache, fake, root)
    finally:
        subprocess.run(["umount", "-l", str(cache)], capture_output=True)


SCENARIOS = {f.__name__.replace("_", "-"): f for f in [
    garbage_at_start, truncated_at_start, corrupted_while_running, tampered_entries, wrong_schema,
    locked_by_another_process, read_only_store, not_creatable, full_disk_rlimit, full_disk_tmpfs]}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    def one(name: str):
        base = tmp_path_factory.mktemp(name)
        root = write_project(base / "proj")
        with FakeOllama() as fake:  # one each: model calls are counted per scenario
            try:
                return SCENARIOS[name](base / "cache", fake, root)
            except pytest.skip.Exception as exc:
                return Outcome(note=f"skip: {exc}")

    with ThreadPoolExecutor(4) as pool:
        futures = {name: pool.submit(one, name) for name in SCENARIOS}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_broken_store_never_breaks_documenting(outcomes, scenario: str) -> None:
    out = outcomes[scenario]
    if out.note.startswith("skip"):
        pytest.skip(out.note)
    assert out.alive
    assert out.edits and all(out.edits), out  # every run inserted its guide
    assert not out.errors, out.errors  # no error answer, no error-level log or popup
    assert out.hover  # the inserted guide shows on hover (it is in the text) whatever the store did
    assert all(s < 15 for s in out.seconds), out.seconds


def test_a_damaged_store_is_moved_aside_and_rebuilt(outcomes) -> None:
    out = outcomes["garbage-at-start"]
    assert set(out.note.split(",")) == {"guides.broken", "guides.sqlite3"}, out.note
    assert out.chats[0] > 0 and out.chats[1] == 0  # the rebuilt store served the second run
    assert any("damaged" in w and "moving it to" in w for w in out.warnings), out.warnings


def test_a_store_filled_earlier_is_used(outcomes) -> None:
    for name in ("read-only-store", "full-disk-rlimit"):
        if not outcomes[name].note.startswith("skip"):
            assert outcomes[name].chats == [0, 0], (name, outcomes[name])  # read, though it cannot be written


def test_a_locked_store_costs_its_busy_timeout_once(outcomes) -> None:
    out = outcomes["locked-by-another-process"]
    assert all(c > 0 for c in out.chats)  # nothing could be read or stored...
    assert out.seconds[1] < 1.5 and out.seconds[2] < 1.5, out.seconds  # ...but it waited for the lock once


def test_tampered_entries_are_skipped_not_rendered(outcomes) -> None:
    out = outcomes["tampered-entries"]
    assert out.chats[0] > 0 and any("unreadable entry skipped" in w for w in out.warnings), out.warnings


@pytest.mark.parametrize("store", ["garbage", "not-creatable", "tampered"])
def test_cli_with_a_broken_store(doc, tmp_path, store: str) -> None:
    path = tmp_path / "slug.py"
    path.write_text(SLUG)
    if store == "garbage":
        doc.cache.mkdir(parents=True)
        (doc.cache / "guides.sqlite3").write_bytes(b"\x00garbage" * 999)
    elif store == "not-creatable":
        doc.cache.write_text("a file, not a folder\n")
    for _ in range(2):
        result = doc(str(path), "--symbol", "slugify", "--model", "none", "--write")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        if store == "tampered" and stored_guides(doc.cache):
            con = sqlite3.connect(doc.cache / "guides.sqlite3")
            con.execute("UPDATE guides SET guide = '{\"title\": 1}'")
            con.commit()
            con.close()
    assert path.read_text().count("# --- end blockguide ---") == 1
