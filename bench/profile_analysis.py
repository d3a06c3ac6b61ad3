"""python -m bench.profile_analysis [--blocks N] [--html FILE]

Profiles the analysis of Django blocks (bench item 2's blocks, in this process, warm after three) with
pyinstrument, and prints the slowest blocks and the call tree. How the analysis changes of session 2 were
found: jedi's dynamic parameter search across modules, ast parsing of whole call-site files, the full
class parsed for each method.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT / "server", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_analysis")
    p.add_argument("--blocks", type=int, default=29, help="blocks to profile after the three warm-up blocks")
    p.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    args = p.parse_args(argv)
    from pyinstrument import Profiler

    from bench.analysis import ensure_django, pick_blocks
    from blockguide.jobs import draft as drafting
    from blockguide.core.syntax import blocks
    from blockguide.core.syntax.source import Source
    from blockguide.core.languages import LANGUAGES
    from blockguide.settings import Settings

    tree = ensure_django()
    picked = pick_blocks(tree, 2)
    settings = Settings(model="none")
    sources: dict[str, Source] = {}

    def one(item: dict) -> tuple[float, str, str]:
        path = tree / item["file"]
        src = sources.get(item["file"]) or sources.setdefault(item["file"], Source(LANGUAGES["python"],
                                                                                   path.read_text("utf-8")))
        text = src.line(item["line"])
        block = blocks.enclosing_definition(src, item["line"], len(text) - len(text.lstrip()) + 1)
        t0 = time.perf_counter()
        drafting.analyse(src, block, path, [tree], settings)
        return (time.perf_counter() - t0) * 1000, block.name or "", item["file"]

    for item in picked[:3]:
        one(item)
    profiler = Profiler(interval=0.001)
    profiler.start()
    timed = [one(item) for item in picked[3:3 + args.blocks]]
    profiler.stop()
    for ms, name, rel in sorted(timed, reverse=True)[:8]:
        print(f"{ms:8.0f} ms  {name}  {rel}")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(profiler.output_text(unicode=True, color=False))
    if args.html:
        args.html.write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
