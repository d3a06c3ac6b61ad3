"""Item 3: what blockguide adds to the model's own time, against the real bundled model.

1. The server documents the block once against the replayed Ollama, which records the exact /api/chat
   request it sends (messages, format schema, options).
2. Against a real Ollama (scripts/ollama.sh's build, model blockguide-tiny), interleaved pairs:
   (a) the whole "Document this block" over LSP (codeAction listing + codeAction/resolve, the guide store
       emptied first so the model is really called) and (b) a bare streamed `ollama` chat call with exactly
       that recorded request. The order alternates pair by pair so drift (thermal, other load) cancels.
3. Time to the first progress report: from sending codeAction/resolve to the `$/progress` begin.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench import lspdrive

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "requests==2.32.3"
SAMPLE_FILE = "src/requests/utils.py"
SAMPLE_SYMBOL = "def requote_uri("
SETTINGS = {"timeout": 600}


def sample_tree() -> Path:
    out = subprocess.run(["bash", str(ROOT / "scripts" / "sample.sh"), SAMPLE], capture_output=True, text=True,
                         check=True, env={**__import__("os").environ, "PYTHON": str(ROOT / ".venv/bin/python")})
    return Path(out.stdout.strip().splitlines()[-1])


def _block_position(path: Path) -> tuple[int, int]:
    lines = path.read_text("utf-8").split("\n")
    line = next(i for i, l in enumerate(lines) if l.startswith(SAMPLE_SYMBOL))
    return line + 2, 8  # inside the function body: the action snaps to the whole function


async def _document(ed, uri: str, pos: tuple[int, int]) -> dict:
    t0 = time.perf_counter()
    action = await ed.action(uri, pos)
    t_listed = time.perf_counter()
    arrivals_before = len(ed.arrivals)
    resolved = await ed.resolve(action)
    t1 = time.perf_counter()
    begin = create = None
    messages = []
    for at, method, params in ed.arrivals[arrivals_before:]:
        if method == "window/workDoneProgress/create" and create is None:
            create = at
        if method == "$/progress":
            value = getattr(params, "value", None)
            kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
            if kind == "begin" and begin is None:
                begin = at
            msg = value.get("message") if isinstance(value, dict) else getattr(value, "message", None)
            if msg:
                messages.append(msg)
    return {"ms": (t1 - t0) * 1000, "list_ms": (t_listed - t0) * 1000, "edit": resolved.edit is not None,
            "begin_ms": (begin - t_listed) * 1000 if begin else None,
            "create_ms": (create - t_listed) * 1000 if create else None,
            "second_try": any("second try" in m for m in messages)}


async def _recorded_request(tree: Path, pos, tmp: Path) -> dict:
    """The exact chat request the server sends for the block (via the replayed Ollama)."""
    from tests.replay.fake_ollama import FakeOllama

    with FakeOllama() as fake:
        ed = await lspdrive.start(tree, tmp / "fake-cache", {**SETTINGS, "ollamaHost": fake.url})
        try:
            uri = ed.open(tree / SAMPLE_FILE)
            await _document(ed, uri, pos)
        finally:
            await lspdrive.stop(ed)
        chats = [r for r in fake.requests if r.path == "/api/chat"]
    assert chats, "the server sent no chat request"
    return chats[0].body


async def _bare(host: str, body: dict) -> dict:
    import httpx
    import ollama

    t0 = time.perf_counter()
    client = ollama.AsyncClient(host=host, timeout=httpx.Timeout(600, connect=5), follow_redirects=False,
                                trust_env=False)
    try:
        stream = await client.chat(model=body["model"], messages=body["messages"], format=body.get("format"),
                                   stream=True, options=body.get("options"))
        tokens, final = 0, None
        async for chunk in stream:
            tokens += 1
            if chunk.done:
                final = chunk
                break
    finally:
        await client.close()
    return {"ms": (time.perf_counter() - t0) * 1000, "tokens": final.eval_count if final else tokens,
            "prompt_tokens": final.prompt_eval_count if final else None}


def _empty_store(cache_dir: Path) -> None:
    db = cache_dir / "guides.sqlite3"
    if db.exists():
        with sqlite3.connect(db, timeout=5) as conn:
            conn.execute("DELETE FROM guides")


async def measure(host: str, pairs: int, budget_s: float) -> dict:
    tree = sample_tree()
    path = tree / SAMPLE_FILE
    pos = _block_position(path)
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        tmp = Path(tmp)
        body = await _recorded_request(tree, pos, tmp)
        cache = tmp / "cache"
        ed = await lspdrive.start(tree, cache, {**SETTINGS, "ollamaHost": host})
        try:
            uri = ed.open(path)
            await asyncio.sleep(0.3)
            # warm-up: loads the model into Ollama, warms jedi in the server
            first = await _bare(host, body)
            _empty_store(cache)
            await _document(ed, uri, pos)
            runs = []
            started = time.monotonic()
            for i in range(pairs):
                if i >= 2 and time.monotonic() - started > budget_s:
                    break  # a loaded machine: fewer pairs rather than a benchmark without end
                order = ("lsp", "bare") if i % 2 == 0 else ("bare", "lsp")
                pair = {}
                for which in order:
                    if which == "lsp":
                        _empty_store(cache)
                        pair["lsp"] = await _document(ed, uri, pos)
                    else:
                        pair["bare"] = await _bare(host, body)
                runs.append(pair)
        finally:
            await lspdrive.stop(ed)
    return {"runs": runs, "prompt": body, "first_prompt_tokens": first["prompt_tokens"]}


def run(section, host: str | None, quick: bool, why_not: str = "") -> dict | None:
    from bench.stats import ms, p50, p95, summary

    if host is None:
        section.add("overhead ratio", "not measured", "≤ 1.05", None)
        section.note(f"No real Ollama: {why_not}.")
        return None
    pairs = 3 if quick else 8
    result = asyncio.run(measure(host, pairs, 90 if quick else 240))
    runs = result["runs"]
    lsp_ms = [r["lsp"]["ms"] for r in runs]
    bare_ms = [r["bare"]["ms"] for r in runs]
    ratios = [r["lsp"]["ms"] / r["bare"]["ms"] for r in runs]
    ratio = p50(ratios)
    retried = sum(r["lsp"]["second_try"] for r in runs)
    section.add("Document this block over LSP (list + resolve)", summary(lsp_ms))
    section.add("bare Ollama chat, same request", summary(bare_ms))
    section.add("overhead ratio LSP / bare (median of pairs)", f"{ratio:.3f} (p95 {p95(ratios):.3f}, "
                f"ratio of medians {p50(lsp_ms) / p50(bare_ms):.3f})", "≤ 1.05", ratio <= 1.05)
    begins = [r["lsp"]["begin_ms"] for r in runs if r["lsp"]["begin_ms"] is not None]
    section.add("first progress report after resolve is sent", summary(begins) if begins else "none",
                "≤ 100 ms", bool(begins) and p95(begins) <= 100)
    tokens = [r["bare"]["tokens"] for r in runs]
    section.note(f"{SAMPLE} `{SAMPLE_FILE}` `requote_uri`, model {result['prompt']['model']}, options "
                 f"{result['prompt'].get('options')}; {len(runs)} interleaved pairs after a warm-up pair; "
                 f"model answer {min(tokens)}-{max(tokens)} tokens; LSP runs with a second model try: {retried}; "
                 f"extra time per run p50 {ms(p50([a - b for a, b in zip(lsp_ms, bare_ms)]))}.")
    return result
