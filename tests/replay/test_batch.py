"""`blockguide doc PATH... --all`: every definition, bounded concurrency, resumable, written once, summary."""

from __future__ import annotations

import asyncio
import ast
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blockguide.cli.terminal import Reporter
from blockguide.jobs import batch
from blockguide.cache import GuideCache
from blockguide.core.syntax.blocks import documented_block
from blockguide.core.syntax.markers import find_guides
from blockguide.core.syntax.source import Source
from blockguide.core.languages import for_path
from blockguide.llm import make_backend
from blockguide.settings import Settings
from tests.conftest import SLUG
from tests.replay.fake_ollama import FakeOllama, guide_answer, http_error, invalid_json, refused_url

NAMES = ["main", "slugify", "Slugger", "__init__", "make"]  # app.py, then src/textkit/slug.py


def settings_for(*urls: str, **kw) -> Settings:
    return Settings(ollama_host=urls[0], hosts=tuple(urls[1:]), timeout=10, **kw)


async def run(paths, settings, cache_dir: Path, **options):
    out = io.StringIO()
    summary = await batch.run([Path(p) for p in paths], settings, batch.Options(**options), make_backend(settings),
                              GuideCache(cache_dir / "guides.sqlite3"), Reporter(out, tty=False))
    return summary, out.getvalue()


def assert_no_stale_guides(path: Path) -> int:
    src = Source(for_path(str(path)), path.read_text())
    guides = find_guides(src)
    for g in guides:
        block = documented_block(src, g)
        assert block is not None and block.short_hash == g.hash, f"stale guide at {path}:{g.span.start + 1}"
    return len(guides)


def code_lines(text: str) -> list[str]:
    return [l for l in text.split("\n") if not l.lstrip().startswith("#")]


def test_definitions_are_functions_classes_and_methods(project):
    src = Source(for_path("x.py"), SLUG)
    found = batch.definitions(src)
    assert [(b.kind, b.name) for b in found] == [("function", "slugify"), ("class", "Slugger"),
                                                ("method", "__init__"), ("method", "make")]
    nested = Source(for_path("x.py"), "def outer():\n    def inner():\n        pass\n    return inner\n")
    assert [b.name for b in batch.definitions(nested)] == ["outer"]  # not functions inside functions
    js = Source(for_path("x.js"), "export class A {\n  m() { return 1 }\n}\nconst f = () => 2\n"
                                  "function g() {}\ndescribe(() => { it('x', () => {}) })\n")
    assert [(b.kind, b.name) for b in batch.definitions(js)] == [("class", "A"), ("method", "m"),
                                                                  ("function", "f"), ("function", "g")]


async def test_write_documents_everything_once_and_a_rerun_redoes_nothing(project, fake, tmp_path):
    slug, app = project / "src/textkit/slug.py", project / "app.py"
    before = {p: p.read_text() for p in (slug, app)}
    summary, log = await run([project], settings_for(fake.url), tmp_path, write=True)
    # one model call per block: the small model words the analysis' facts (its example is the analysis')
    assert summary.ok and summary.count("drafted") == 5 and len(fake.chat_requests) == 5
    assert [i.block.name for i in summary.items] == NAMES
    for p in (slug, app):
        text = p.read_text()
        assert code_lines(text) == code_lines(before[p])  # every original line intact, in order
        ast.parse(text)
    assert assert_no_stale_guides(slug) == 4 and assert_no_stale_guides(app) == 1
    assert "[5/5] src/textkit/slug.py:" in log or "[5/5] app.py:" in log
    assert "5 blocks in 3 files: 5 documented (5 drafted, 0 from the cache), 0 skipped, 0 failed" in log
    assert "2 files written" in log
    # again: everything comes from the cache, no model call, nothing rewritten (the class was stored
    # under its final text, methods' guides included)
    after = {p: (p.read_text(), p.stat().st_mtime_ns) for p in (slug, app)}
    fake.clear_requests()
    summary, log = await run([project], settings_for(fake.url), tmp_path, write=True)
    assert summary.ok and summary.count("cached") == 5 and fake.chat_requests == []
    assert {p: (p.read_text(), p.stat().st_mtime_ns) for p in (slug, app)} == after
    assert "0 to draft, 5 from the cache" in log


async def test_missing_only_skips_what_has_docs(project, fake, tmp_path):
    (project / "app.py").write_text("# The entry point.\ndef main():\n    pass\n\n\ndef other():\n    pass\n")
    summary, log = await run([project], settings_for(fake.url), tmp_path, missing_only=True, write=True)
    status = {i.block.name: i.status for i in summary.items}
    assert status == {"main": "skipped", "other": "drafted", "slugify": "skipped", "Slugger": "drafted",
                      "__init__": "drafted", "make": "drafted"}
    assert "skipped 2: already documented" in log
    summary, _ = await run([project], settings_for(fake.url), tmp_path, missing_only=True, write=True)
    assert summary.count("skipped") == 6  # what it documented now has guides


async def test_out_writes_markdown_mirroring_the_tree_and_leaves_sources(project, fake, tmp_path):
    before = (project / "src/textkit/slug.py").read_text()
    out = tmp_path / "guides"
    summary, _ = await run([project], settings_for(fake.url), tmp_path, out_dir=out)
    assert summary.ok
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == ["app.py.md", "src/textkit/slug.py.md"]
    md = (out / "src/textkit/slug.py.md").read_text()
    assert md.count("How to Use This Code Block") == 4 and "_`src/textkit/slug.py`, lines 9-13: function `slugify`_" in md
    assert (project / "src/textkit/slug.py").read_text() == before


async def test_a_failing_block_is_reported_and_retried_alone_next_time(project, fake, tmp_path):
    fake.add(http_error(500, match="class Slugger"))
    summary, log = await run([project], settings_for(fake.url), tmp_path, write=True, jobs=1)
    assert not summary.ok and summary.count("failed") == 1 and summary.count("drafted") == 4
    assert "failed src/textkit/slug.py:16 Slugger: Ollama at" in log and "answered with an error (500)" in log
    assert "run the same command again to retry" in log
    assert (project / "src/textkit/slug.py").read_text().count("--- blockguide ") == 3  # the others are in
    fake.clear_requests()
    summary, _ = await run([project], settings_for(fake.url), tmp_path, write=True)
    assert summary.ok and summary.count("drafted") == 1 and len(fake.chat_requests) == 1
    assert_no_stale_guides(project / "src/textkit/slug.py")


async def test_an_unreachable_server_stops_the_run_and_writes_nothing(project, tmp_path):
    before = (project / "app.py").read_text()
    summary, log = await run([project], settings_for(refused_url()), tmp_path, write=True, jobs=1)
    assert not summary.ok and summary.count("failed") == 1 and summary.count("skipped") == 4
    assert "stopped: the model server failed: Cannot reach Ollama" in log
    assert "skipped 4: not tried: the run stopped" in log
    assert (project / "app.py").read_text() == before


async def test_a_file_edited_during_the_run_is_not_overwritten(project, tmp_path):
    app = project / "app.py"
    with FakeOllama(default=guide_answer(chunks=20, chunk_delay=0.05)) as fake:
        task = asyncio.ensure_future(run([app], settings_for(fake.url), tmp_path, write=True))
        await asyncio.get_running_loop().run_in_executor(None, fake.wait_for_requests, 1, "/api/chat")
        app.write_text(app.read_text() + "\n# edited meanwhile\n")
        summary, log = await task
    assert not summary.ok and "app.py: not written: it changed while its guide was being written" in log
    assert "--- blockguide" not in app.read_text()


async def test_concurrency_is_bounded_and_spread_over_two_servers_one_killed(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for n in range(4):
        (root / f"m{n}.py").write_text("".join(f"def f{n}_{k}(x):\n    return x + {k}\n\n\n" for k in range(4)))
    slow = guide_answer(chunks=10, chunk_delay=0.03)
    with FakeOllama(default=slow) as a, FakeOllama(default=slow) as b:
        settings = settings_for(a.url, b.url)
        backend = make_backend(settings)
        inner = backend.draft
        inflight = peak = 0

        async def counting(request, on_token=None):
            nonlocal inflight, peak
            inflight += 1
            peak = max(peak, inflight)
            try:
                return await inner(request, on_token)
            finally:
                inflight -= 1

        backend.draft = counting

        async def kill_a():
            await asyncio.get_running_loop().run_in_executor(None, a.wait_for_requests, 3, "/api/chat")
            a.stop()

        killer = asyncio.ensure_future(kill_a())
        summary = await batch.run([root], settings, batch.Options(jobs=3, write=True), backend,
                                  GuideCache(tmp_path / "c.sqlite3"), Reporter(io.StringIO(), tty=False))
        await killer
    assert summary.ok and summary.count("drafted") == 16
    assert peak == 3
    assert len(b.chat_requests) >= 8 and len(a.chat_requests) >= 3
    for n in range(4):
        assert (root / f"m{n}.py").read_text().count("--- blockguide ") == 4


async def test_unreadable_and_unsupported_files(tmp_path, fake):
    root = tmp_path / "mixed"
    (root / ".hidden").mkdir(parents=True)
    (root / "node_modules").mkdir()
    (root / "ok.py").write_text("def f():\n    return 1\n")
    (root / "blob.py").write_bytes(b"\x00\x01def")
    (root / "notes.txt").write_text("not code\n")
    (root / ".hidden/h.py").write_text("def h():\n    pass\n")
    (root / "node_modules/n.js").write_text("function n() {}\n")
    summary, log = await run([root, root / "notes.txt", root / "gone.py"], settings_for(fake.url), tmp_path)
    assert [w.rel for w in summary.files] == ["ok.py"]
    assert "not read blob.py: it looks like a binary file" in log
    assert "does not support files ending in '.txt'" in log and "no such file or folder" in log
    (root / "docs").mkdir()
    (root / "docs/readme.md").write_text("# hi\n")
    with pytest.raises(batch.BatchError, match="no supported source files"):
        await run([root / "docs"], settings_for(fake.url), tmp_path)


async def test_docstring_style_classes_and_methods_rerun_unchanged(project, fake, tmp_path):
    s = settings_for(fake.url, insertion_style="docstring")
    summary, _ = await run([project / "src"], s, tmp_path, write=True)
    slug = project / "src/textkit/slug.py"
    text = slug.read_text()
    ast.parse(text)
    assert summary.ok and text.count("blockguide ") >= 4
    fake.clear_requests()
    summary, _ = await run([project / "src"], s, tmp_path, write=True)
    assert summary.count("cached") == 4 and fake.chat_requests == [] and slug.read_text() == text


def test_the_progress_bar_on_a_terminal():
    out = io.StringIO()
    rep = Reporter(out, tty=True)
    work = batch.FileWork(Path("a.py"), "a.py", "", Source(for_path("a.py"), "def f():\n    pass\n"))
    summary = batch.Summary([work], [])
    items = [batch.Item(work, b) for b in batch.definitions(work.src) * 3]
    work.items = items
    rep.start(summary, 3)
    for item in items:
        item.status = "drafted"
        rep.item(item)
        rep._drawn = 0  # draw every update in the test
    text = out.getvalue()
    assert "\r\x1b[K[########................] 1/3  ok 1  failed 0  ETA " in text
    assert "3/3  ok 3  failed 0  ETA --" in text


def cli(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "blockguide", *args], capture_output=True, text=True, env=e,
                          timeout=180)


def test_cli_all(project, fake, tmp_path):
    env = {"BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    out = cli("doc", str(project), "--all", "--host", fake.url, "--jobs", "2", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("How to Use This Code Block") == 5 and "<!-- src/textkit/slug.py -->" in out.stdout
    assert "blockguide: 5 blocks in 3 files: 5 documented" in out.stderr
    out = cli("doc", str(project / "app.py"), str(project / "src"), "--all", "--missing", "--write",
              "--host", fake.url, env=env)
    assert out.returncode == 0 and "5 from the cache" not in out.stderr and "1 skipped" in out.stderr
    for args, words in [(["--missing"], "go with --all"), (["--all", "--lines", "1"], "not allowed with"),
                        (["--all", "--format", "json"], "--all prints Markdown"),
                        (["--all", "--jobs", "0"], "--jobs must be between 1 and 64")]:
        out = cli("doc", str(project / "app.py"), *args, "--host", fake.url, env=env)
        assert out.returncode in (1, 2) and words in out.stderr, (args, out.stderr)
    out = cli("doc", str(project / "app.py"), str(project / "app.py"), "--symbol", "main", env=env)
    assert out.returncode == 1 and "give one file" in out.stderr


def test_folders_are_walked_as_git_would_list_them(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "pkg/gen").mkdir(parents=True)
    (root / "pkg/vendor").mkdir()
    (root / ".gitignore").write_text("*.gen.py\n!keep.gen.py\nvendor/\n/top_only.py\n")
    (root / "pkg/.gitignore").write_text("gen/\nkeep.gen.py\n")  # deeper: ignores it again
    for rel in ["a.py", "top_only.py", "x.gen.py", "pkg/b.py", "pkg/top_only.py", "pkg/keep.gen.py",
                "pkg/gen/c.py", "pkg/vendor/d.py", "keep.gen.py"]:
        (root / rel).write_text("def f():\n    return 1\n")
    found, problems = batch.collect([root / "pkg"])  # from a subfolder: the top .gitignore applies too
    assert [rel for _, rel in found] == ["b.py", "top_only.py"] and problems == []
    found, _ = batch.collect([root])
    assert [rel for _, rel in found] == ["a.py", "keep.gen.py", "pkg/b.py", "pkg/top_only.py"]
    found, _ = batch.collect([root / "x.gen.py"])  # named explicitly: always taken
    assert [rel for _, rel in found] == ["x.gen.py"]
