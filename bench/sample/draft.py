"""Drafts the guides of drawn blocks with the checkout under test, without a model.

Run as a worker (`python -m bench.sample.draft`, the checkout's `server/` first on PYTHONPATH): one JSON object
per line in on stdin ({"id", "tree", "file", "start", "end"}; lines 1-based, inclusive), one per line out with
the guide, what blockguide decided the block is (kind, language, lines), which checks its example went through
and what they found. Or `--suffixes`: the file suffixes the checkout takes. blockguide is reached only through
bench.quality.draft's `api` (names that move are followed there) and the few names in WHERE below.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import signal
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from bench.quality.draft import api, settings_for

BLOCK_SECONDS = 600  # a block whose guide takes longer is reported as timed out, and the worker goes on

WHERE = {"for_file": ("blockguide.core.languages",),
         "for_path": ("blockguide.core.syntax.languages", "blockguide.core.languages"),
         "LANGUAGES": ("blockguide.core.syntax.languages", "blockguide.core.languages")}


def _api(name: str):
    for module in WHERE[name]:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
    raise ImportError(name)


def language_for(path: Path, text: str):
    """blockguide's own decision of the file's language, as its CLI and server make it (`for_file`: a `.h` is C
    or C++ by what it holds; an older checkout has only `for_path`, given the text where it takes it)."""
    try:
        return _api("for_file")(str(path), text)
    except ImportError:
        pass
    for_path = _api("for_path")
    if len(inspect.signature(for_path).parameters) >= 2:
        return for_path(str(path), text)
    return for_path(str(path))


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def draft_one(item: dict) -> dict:
    tree = Path(item["tree"])
    path = tree / item["file"]
    text = path.read_text("utf-8", errors="replace")
    lang = language_for(path, text)
    if lang is None:
        return {"id": item["id"], "untaken": f"blockguide takes no '{path.suffix}' file"}
    src = api("Source")(lang, text)
    block = api("snap")(src, item["start"] - 1, item["end"] - 1)
    if block is None:
        return {"id": item["id"], "error": "no block at these lines"}
    settings = settings_for({"model": "none"})
    grounding = api("analyse")(src, block, path, [tree], settings)
    kwargs = {"use_cache": False, "fallback_on": (api("BackendError"),)}
    draft = api("draft")
    accepted = inspect.signature(draft).parameters
    drafted = asyncio.run(draft(grounding, settings, api("make_backend")(settings), None,
                                **{k: v for k, v in kwargs.items() if k in accepted}))
    guide = drafted.guide
    return {"id": item["id"], "guide": _plain(asdict(guide)), "markdown": api("to_markdown")(guide),
            "kind": str(grounding.block.kind), "language": block.language, "name": block.name,
            "lines": [block.span.start + 1, block.span.end],
            "example_checks": list(getattr(grounding, "example_checks", ()) or ()),
            "example_problems": list(getattr(grounding, "example_problems", ()) or ())}


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def main() -> int:
    if sys.argv[1:] == ["--suffixes"]:
        print(json.dumps(sorted({s for lang in _api("LANGUAGES").values() for s in lang.suffixes})))
        return 0
    signal.signal(signal.SIGALRM, _alarm)
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        t0 = time.monotonic()
        signal.alarm(BLOCK_SECONDS)
        try:
            out = draft_one(item)
        except _Slow:
            out = {"id": item["id"], "timeout": f"no guide after {BLOCK_SECONDS} s"}
        except Exception as exc:  # a crash of blockguide on this block is a finding, not the end of the run
            last = traceback.extract_tb(exc.__traceback__)[-1]
            out = {"id": item["id"], "error": f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"}
        finally:
            signal.alarm(0)
        out["seconds"] = round(time.monotonic() - t0, 2)
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
