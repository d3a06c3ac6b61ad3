"""make bench-day: an editor's day against the real server (issue 23).

One server process over stdio (`bench.traced_server`, the product server plus server-side counters), the
workspace a pinned package fetched by its registry's client (click 8.1.7 from PyPI: src/click/core.py, 3,042
lines), a replayed model server (tests/replay/fake_ollama.py) or none, and a seed. A round is one keystroke
typed at a random place in the code, then undone (two incremental didChange edits); after each edit the
editor lists the code actions at the cursor and hovers there. Every 25 rounds a guide is drafted for a random
selection (a definition under the cursor, or a few whole lines), through codeAction/resolve as VS Code does;
its edit is not applied. The multi-file day opens 20 files of the same project in turn, edits each for its
share of the rounds and closes it.

Reported: RSS every 5% of the day, listing and hover round trips per tenth of the day, time per guide,
unanswered requests, and what holds memory at the end (the server's kept state, jedi's and parso's caches,
tracemalloc's top allocations by file with --tracemalloc).

    python -m bench.day [--rounds 2500] [--files 1|20] [--model replay|none] [--seed 1] [--tracemalloc]
                        [--no-write]

Latencies are only meaningful on a quiet machine; RSS and counts are meaningful under load too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import lspdrive, report  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.report import Section  # noqa: E402
from bench.stats import ms, p50, p95, summary  # noqa: E402

PACKAGE = "pypi:click==8.1.7"
MAIN_FILE = "src/click/core.py"
GUIDE_EVERY = 25  # rounds
REQUEST_SECONDS = 120.0  # a request not answered in this long counts as unanswered (the model's own timeout)
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- bench:day:begin -->", "<!-- bench:day:end -->"


def project_files(tree: Path, count: int) -> list[Path]:
    """The main file first, then the project's largest other Python files (sources and tests)."""
    main = tree / MAIN_FILE
    others = sorted((p for p in tree.rglob("*.py") if p != main and "docs" not in p.parts),
                    key=lambda p: (-p.stat().st_size, str(p)))
    return [main, *others][:count]


class Day:
    """The editor's side of the day: what it sent, how long each answer took, what the server held."""

    def __init__(self, ed, rng: random.Random) -> None:
        self.ed, self.rng = ed, rng
        self.listing: list[tuple[int, float]] = []  # (round, ms)
        self.hover: list[tuple[int, float]] = []
        self.guides: list[float] = []  # seconds
        self.guide_errors: list[str] = []
        self.unanswered = 0
        self.rss: list[tuple[int, float]] = []  # (round, MB)

    async def timed(self, coro) -> tuple[object, float]:
        t0 = time.perf_counter()
        try:
            # shielded: a late answer must still find its request pending (pygls's client stops the server
            # when an answer arrives for a request it cancelled)
            result = await asyncio.wait_for(asyncio.shield(asyncio.ensure_future(coro)), REQUEST_SECONDS)
        except Exception as exc:  # noqa: BLE001 - a request that fails or times out is counted, the day goes on
            self.unanswered += 1
            print(f"  unanswered: {type(exc).__name__}: {exc}", file=sys.stderr)
            return None, (time.perf_counter() - t0) * 1000
        return result, (time.perf_counter() - t0) * 1000

    def spot(self, uri: str) -> tuple[int, int]:
        """A place in the code to type at: a non-blank line, a column inside it."""
        lines = self.ed.text(uri).split("\n")
        while True:
            line = self.rng.randrange(len(lines))
            if lines[line].strip():
                return line, self.rng.randint(len(lines[line]) - len(lines[line].lstrip()), len(lines[line]))

    async def after_edit(self, uri: str, rnd: int, pos: tuple[int, int]) -> None:
        _, t = await self.timed(self.ed.actions(uri, pos, pos))
        self.listing.append((rnd, t))
        _, t = await self.timed(self.ed.hover(uri, *pos))
        self.hover.append((rnd, t))

    async def keystroke(self, uri: str, rnd: int) -> None:
        line, col = self.spot(uri)
        ch = self.rng.choice("abcdefghijklmnopqrstuvwxyz_ (0")
        self.ed.change(uri, (line, col), (line, col), ch)
        await self.after_edit(uri, rnd, (line, col + 1))
        self.ed.change(uri, (line, col), (line, col + 1), "")  # undo
        await self.after_edit(uri, rnd, (line, col))

    async def guide(self, uri: str) -> None:
        """A guide for a random selection: the definition under the cursor, or 3-30 whole lines."""
        lines = self.ed.text(uri).split("\n")
        defs = [i for i, l in enumerate(lines) if l.lstrip().startswith(("def ", "class ", "async def "))]
        if defs and self.rng.random() < 0.5:
            line = self.rng.choice(defs)
            start = end = (line + 1, 4)
        else:
            first = self.rng.randrange(max(1, len(lines) - 30))
            start, end = (first, 0), (min(len(lines) - 1, first + self.rng.randint(2, 29)), 0)
        t0 = time.perf_counter()
        actions, _ = await self.timed(self.ed.actions(uri, start, end))
        action = next((a for a in actions or [] if a.title == "Document this block"), None)
        if action is None:
            return  # no block there (blank lines, a comment): the editor offers nothing
        resolved, _ = await self.timed(self.ed.resolve(action))
        self.guides.append(time.perf_counter() - t0)
        if resolved is not None and resolved.edit is None:
            self.guide_errors.append(f"{uri.rsplit('/', 1)[-1]}:{start[0] + 1}-{end[0] + 1}")


async def run_day(tree: Path, files: list[Path], rounds: int, seed: int, model_url: str | None,
                  trace: bool) -> dict:
    settings = {"model": "blockguide-tiny", "ollamaHost": model_url} if model_url else {"model": "none"}
    env = {"BLOCKGUIDE_BENCH_TRACEMALLOC": "1"} if trace else {}
    with tempfile.TemporaryDirectory(prefix="bench-day-") as cache:
        ed = await lspdrive.start(tree, Path(cache), settings, env=env)
        try:
            pid = await lspdrive.server_pid(ed)
            await asyncio.sleep(0.3)
            day = Day(ed, random.Random(seed))
            day.rss.append((0, lspdrive.rss_mb(pid)))
            per_file = max(1, rounds // len(files))
            uri = None
            started = time.monotonic()
            for rnd in range(rounds):
                want = files[min(len(files) - 1, rnd // per_file)]
                if uri is None or ed.uri(want) != uri:
                    if uri is not None:
                        ed.close(uri)
                    uri = ed.open(want)
                await day.keystroke(uri, rnd)
                if (rnd + 1) % GUIDE_EVERY == 0:
                    await day.guide(uri)
                if (rnd + 1) * 20 // rounds != rnd * 20 // rounds:  # every 5% of the day
                    day.rss.append((rnd + 1, lspdrive.rss_mb(pid)))
                    print(f"  [{time.monotonic() - started:5.0f} s] round {rnd + 1}/{rounds}: RSS "
                          f"{day.rss[-1][1]:.0f} MB, {len(day.guides)} guides", file=sys.stderr, flush=True)
            held = lspdrive.as_dict(await ed.client.protocol.send_request_async("bench/memory", {"top": 15}))
            await lspdrive.collect_garbage(ed)
            after_gc = lspdrive.rss_mb(pid)
        finally:
            await lspdrive.stop(ed)
    return {"day": day, "held": held, "after_gc": after_gc, "rounds": rounds, "files": len(files)}


def _tenths(values: list[tuple[int, float]], rounds: int) -> list[list[float]]:
    out: list[list[float]] = [[] for _ in range(10)]
    for rnd, t in values:
        out[min(9, rnd * 10 // rounds)].append(t)
    return out


def describe_day(result: dict, section: Section, model: str) -> None:
    day: Day = result["day"]
    rounds, files = result["rounds"], result["files"]
    rss = day.rss
    mid = min(rss, key=lambda r: abs(r[0] - rounds // 2))[1]
    start, end = rss[0][1], rss[-1][1]
    growth = (end - mid) / mid * 100 if mid else float("nan")
    section.add("RSS every 5% of the day (MB)", " ".join(f"{mb:.0f}" for _, mb in rss))
    section.add("RSS at the end", f"{end:.0f} MB ({result['after_gc']:.0f} MB after gc.collect())", "≤ 120 MB",
                end <= 120)
    section.add("RSS growth over the last half", f"{growth:+.1f}% ({mid:.0f} → {end:.0f} MB; start {start:.0f})",
                "≤ 5%", growth <= 5)
    listing, hover = _tenths(day.listing, rounds), _tenths(day.hover, rounds)
    section.add("listing right after a keystroke, p50 per tenth (under load)",
                " ".join(f"{p50(t):.1f}" for t in listing if t) + " ms")
    all_listing = [t for _, t in day.listing]
    section.add("listing right after a keystroke, whole day (under load)", summary(all_listing),
                "p95 ≤ 5 ms" if files == 1 else "", p95(all_listing) <= 5 if files == 1 else None)
    section.add("hover right after a keystroke, p50 per tenth (under load)",
                " ".join(f"{p50(t):.1f}" for t in hover if t) + " ms")
    section.add("hover, whole day (under load)", summary([t for _, t in day.hover]))
    guide_ms = [s * 1000 for s in day.guides]
    target = "p95 ≤ 0.5 s" if model == "none" and files == 1 else ""
    section.add(f"time per guide, model {model} (under load)", summary(guide_ms) +
                f", max {ms(max(guide_ms)) if guide_ms else 'n/a'}", target,
                p95(guide_ms) <= 500 if target else None)
    section.add("unanswered requests", str(day.unanswered), "0", day.unanswered == 0)
    if day.guide_errors:
        section.note(f"guides that ended in an error message (no edit): {len(day.guide_errors)} "
                     f"({', '.join(day.guide_errors[:5])})")
    held = result["held"]
    section.note("held at the end: " + ", ".join(f"{k} {v}" for k, v in held["held"]))
    if held["top"]:
        top = ", ".join(f"{_short(f)} {kib / 1024:.1f} MB" for f, kib, _ in held["top"][:10])
        section.note(f"tracemalloc's top allocations by file at the end: {top}")


def _short(path: str) -> str:
    for marker in ("site-packages/", "/server/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.day", description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=2500, help="keystrokes typed then undone (default 2500: "
                   "5,000 edits; 100 takes about a minute)")
    p.add_argument("--files", type=int, action="append", help="1 (the 3,042-line core.py) and/or 20; both "
                   "by default")
    p.add_argument("--model", choices=("replay", "none"), default="replay")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tracemalloc", action="store_true", help="trace the server's allocations (slower; for "
                   "finding what holds memory, not for timings)")
    p.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = p.parse_args(argv)
    from bench.quality.fetch import fetch

    tree = fetch(PACKAGE)
    sections = []
    started = time.monotonic()
    for count in args.files or [1, 20]:
        files = project_files(tree, count)
        print(f"day: {count} file(s), {args.rounds} rounds, model {args.model}", file=sys.stderr, flush=True)
        if args.model == "replay":
            from tests.replay.fake_ollama import FakeOllama

            with FakeOllama() as fake:
                result = asyncio.run(run_day(tree, files, args.rounds, args.seed, fake.url, args.tracemalloc))
        else:
            result = asyncio.run(run_day(tree, files, args.rounds, args.seed, None, args.tracemalloc))
        title = (f"{MAIN_FILE} ({len((tree / MAIN_FILE).read_text().splitlines())} lines)" if count == 1
                 else f"{count} files of the project in turn")
        section = Section(f"Day: {title}")
        describe_day(result, section, args.model)
        sections.append(section)
    wall = time.monotonic() - started
    print(report.table(sections))
    for s in sections:
        for n in s.notes:
            print(f"  {s.title}: {n}")
    if not args.no_write:
        command = "python -m bench.day " + " ".join(argv if argv is not None else sys.argv[1:])
        block = report.markdown(sections, describe(), command.strip(), wall).replace(
            report.BEGIN, BEGIN).replace(report.END, END).replace("## Performance", "## An editor's day", 1)
        report.write(RESULTS, block, BEGIN, END)
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
