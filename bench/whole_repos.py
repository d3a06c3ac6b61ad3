"""Throughput of `blockguide doc PATH --all` (blocks/minute) with one and with two model servers.

    .venv/bin/python bench/whole_repos.py                       # replayed servers only
    .venv/bin/python bench/whole_repos.py --real URL [--real URL2]   # also real Ollama servers

Corpus: blockguide's own `server/blockguide/core` at commit b6f1384 (Python: every function, class, method).
Each run uses a fresh cache, `--out` (Markdown, no source rewrite) and `--jobs` = 2 per server.

Replayed servers: the OpenAI-compatible fake (tests/replay/fake_openai.py) with ONE generation slot each
(requests queue, as on llama-server with one slot or Ollama with OLLAMA_NUM_PARALLEL=1), streaming the
recorded `python_slugify` answer (287 pieces) with `--chunk-delay` seconds per piece to emulate generation.
Real servers: the bundled blockguide-tiny model on the given Ollama URLs.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from blockguide.cli.terminal import Reporter  # noqa: E402
from blockguide.jobs import batch  # noqa: E402
from blockguide.cache import GuideCache  # noqa: E402
from blockguide.llm import make_backend  # noqa: E402
from blockguide.settings import Settings  # noqa: E402
from tests.replay.fake_ollama import recording  # noqa: E402
from tests.replay.fake_openai import FakeOpenAI  # noqa: E402


CORPUS_COMMIT = "b6f1384"  # blockguide's core as of this commit: the corpus does not move with the code


def corpus(tmp: Path, limit: int) -> tuple[Path, int]:
    """server/blockguide/core at CORPUS_COMMIT; with `limit`, the files with the fewest definitions first."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", CORPUS_COMMIT, "server/blockguide/core"],
                             check=True, capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(tmp / "git", filter="data")
    src = tmp / "corpus"
    shutil.move(tmp / "git/server/blockguide/core", src)
    summary = batch.plan([src], Settings(model="none"), batch.Options(), None)
    if limit:
        kept = 0
        for work in sorted(summary.files, key=lambda w: len(w.items)):
            if kept >= limit or not work.items:
                work.path.unlink()
            kept += len(work.items)
        summary = batch.plan([src], Settings(model="none"), batch.Options(), None)
    return src, len(summary.items)


async def one_run(src: Path, settings: Settings, tmp: Path, tag: str) -> dict:
    cache = GuideCache(tmp / f"cache-{tag}.sqlite3")
    hosts = len(settings.all_hosts())
    options = batch.Options(jobs=2 * hosts, out_dir=tmp / f"out-{tag}")
    backend = make_backend(settings)
    t0 = time.monotonic()
    summary = await batch.run([src], settings, options, backend, cache, Reporter(io.StringIO(), tty=False))
    wall = time.monotonic() - t0
    per_host = {}
    if hasattr(backend, "stats"):
        per_host = {s["host"]: s["served"] for s in backend.stats()}
    return {"run": tag, "servers": hosts, "jobs": options.jobs, "blocks": len(summary.items),
            "drafted": summary.count("drafted"), "failed": summary.count("failed"), "seconds": round(wall, 1),
            "blocks_per_minute": round(summary.count("drafted") / wall * 60, 1), "per_server": per_host,
            "median_block_seconds": round(statistics.median([i.seconds for i in summary.items]), 1)
            if summary.items else 0.0,
            "failures": [i.reason[:120] for i in summary.items if i.status == "failed"][:3]}


async def main_async(args) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src, n = corpus(tmp, args.blocks)
        print(f"corpus: {n} definitions in {src}", file=sys.stderr)
        results.append(await one_run(src, Settings(model="none"), tmp, "analysis-only (model none)"))
        answer = recording("python_slugify", chunk_delay=args.chunk_delay, times=None)
        for count in (() if args.only_real else (1, 2)):
            fakes = [FakeOpenAI([answer], parallel=1).start() for _ in range(count)]
            try:
                settings = Settings(backend="openai", ollama_host=fakes[0].url,
                                    hosts=tuple(f.url for f in fakes[1:]), timeout=300)
                results.append(await one_run(src, settings, tmp, f"replayed x{count}"))
                results[-1]["model_requests"] = sum(len(f.chat_requests) for f in fakes)
            finally:
                for f in fakes:
                    f.stop()
            print(json.dumps(results[-1]), file=sys.stderr)
        for count in range(1, len(args.real) + 1):
            hosts = args.real[:count]
            settings = Settings(ollama_host=hosts[0], hosts=tuple(hosts[1:]), timeout=900)
            results.append(await one_run(src, settings, tmp, f"real Ollama x{count}"))
            print(json.dumps(results[-1]), file=sys.stderr)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunk-delay", type=float, default=0.01, help="seconds per streamed piece (replayed)")
    ap.add_argument("--blocks", type=int, default=0, help="limit the corpus to about this many definitions")
    ap.add_argument("--real", action="append", default=[], help="a real Ollama URL (repeat for two)")
    ap.add_argument("--only-real", action="store_true", help="skip the replayed servers")
    args = ap.parse_args()
    results = asyncio.run(main_async(args))
    print("| run | servers | jobs | blocks | drafted | failed | model requests | seconds | blocks/min |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['run']} | {r['servers']} | {r['jobs']} | {r['blocks']} | {r['drafted']} | {r['failed']} | "
              f"{r.get('model_requests', '')} | {r['seconds']} | {r['blocks_per_minute']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
