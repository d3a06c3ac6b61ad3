"""python -m bench [--quick] [--only 1,3,...] [--ollama URL | --no-ollama] [--no-write]

blockguide's performance benchmarks. Prints a table and rewrites the "Performance" block of
bench/RESULTS.md (between its markers; the Quality and Whole repositories sections are left alone).

  1 code action listing over LSP (Python and TypeScript, 1k/5k/20k lines)
  2 analysis of blocks in Django (cold, warm)           5 prompt size vs budget, fact recall vs budget
  3 overhead over a bare Ollama call, first progress     6 server memory (idle, after analysing Django)
  4 hover on a block with a stored guide                 7 didChange cost while typing in 20k lines

Items 3 and 5 (recall) need the real bundled model: by default a private `ollama serve` is started from
the project's build (tests/support/real_ollama.py; BLOCKGUIDE_TEST_OLLAMA_HOST reuses a running one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.report import Section  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


@contextlib.contextmanager
def model_server(args):
    """(host, why not) of a real Ollama with the bundled model."""
    if args.no_ollama:
        yield None, "skipped (--no-ollama)"
        return
    if args.ollama:
        yield args.ollama.rstrip("/"), ""
        return
    from tests.support.real_ollama import real_ollama, unavailable_reason

    reason = unavailable_reason()
    if reason:
        yield None, reason
        return
    with real_ollama() as host:
        yield host, ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    p.add_argument("--quick", action="store_true", help="fewer runs (about 3 minutes)")
    p.add_argument("--only", help="comma-separated items, e.g. 1,4,7")
    p.add_argument("--ollama", metavar="URL", help="use this Ollama (with blockguide-tiny) for items 3 and 5")
    p.add_argument("--no-ollama", action="store_true", help="skip what needs the real model")
    p.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    p.add_argument("--blockguide", type=Path, metavar="TREE",
                   help="measure the server of another checkout (e.g. a worktree at an older commit); implies "
                   "--no-write")
    args = p.parse_args(argv)
    if args.blockguide:
        import os

        from bench.lspdrive import SERVER_ENV

        os.environ[SERVER_ENV] = str((args.blockguide / "server").resolve())
        args.no_write = True
    only = {int(x) for x in args.only.split(",")} if args.only else set(range(1, 8))
    started = time.monotonic()
    s1 = Section("1. Code action listing")
    s2 = Section("2. Analysis in a large project")
    s3 = Section("3. Overhead over the model")
    s4 = Section("4. Hover")
    s5 = Section("5. Prompt size and budget")
    s6 = Section("6. Memory")
    s7 = Section("7. Typing (didChange)")
    memory: dict = {}

    def step(name: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {name}", file=sys.stderr, flush=True)

    if only & {1, 4, 6, 7}:
        from bench import editing

        step("listing, hover, typing (LSP)")
        asyncio.run(editing.run(s1 if 1 in only else Section("-"), s4 if 4 in only else Section("-"),
                                s7 if 7 in only else Section("-"), memory, args.quick))
    warm = None
    if only & {2, 5, 6}:
        from bench import analysis

        step("analysis in Django")
        warm = analysis.run(s2, s6, memory, args.quick)
    overhead = None
    if only & {3, 5}:
        from bench import overhead as overhead_bench
        from bench import prompt_size

        with model_server(args) as (host, why_not):
            if 3 in only or 5 in only:
                step("overhead against the real model")
                overhead = overhead_bench.run(s3, host, args.quick, why_not)
            if 5 in only:
                step("fact recall vs budget")
                prompt_size.recall(s5, host, args.quick)
    if 5 in only and warm is not None:
        from bench import prompt_size

        prompt_size.sizes(s5, warm, overhead)
    if 6 in only:
        if "idle" in memory:
            s6.add("server RSS idle (initialized, no document open)", f"{memory['idle']:.0f} MB")
        if "after" in memory:
            s6.add("server RSS, Django workspace, idle", f"{memory['idle_django']:.0f} MB")
            s6.add("server RSS after analysing Django blocks over LSP", f"{memory['after']:.0f} MB "
                   f"({memory['after_gc']:.0f} MB after gc.collect())", "≤ 150 MB", memory["after"] <= 150)
    sections = [s for i, s in enumerate([s1, s2, s3, s4, s5, s6, s7], 1) if i in only and (s.figures or s.notes)]
    wall = time.monotonic() - started
    print(report.table(sections))
    for s in sections:
        for n in s.notes:
            print(f"  {s.title}: {n}")
    machine = describe()
    print("machine: " + "; ".join(machine))
    print(f"wall: {wall:.0f} s")
    if not args.no_write:
        command = "python -m bench" + (" --quick" if args.quick else "") + (f" --only {args.only}" if args.only else "")
        report.write(RESULTS, report.markdown(sections, machine, command, wall))
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
