"""Drive the real server over a stdio pipe with the tests' Editor (tests/lsp/editor.py).

`start()` launches `python -m bench.traced_server serve` (the product server plus server-side timings) in
place of `python -m blockguide serve`, with the same client capabilities and settings as the LSP tests.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from lsprotocol import types as lsp

import tests.lsp.editor as editor_module
from tests.lsp.editor import Editor

ROOT = Path(__file__).resolve().parents[1]
SERVER_ENV = "BLOCKGUIDE_BENCH_SERVER"  # another checkout's server/ folder: measure that version instead


def pythonpath() -> str:
    """PYTHONPATH for server and worker processes: this checkout's server/ folder (or another checkout's when
    BLOCKGUIDE_BENCH_SERVER names one: python -m bench --blockguide TREE), then this checkout (for bench.*)."""
    other = os.environ.get(SERVER_ENV)
    # this checkout's server/ first: the venv's editable install may point at another checkout (a worktree's
    # benchmark measured the main tree's server without it)
    return os.pathsep.join([other or str(ROOT / "server"), str(ROOT)])


async def start(root: Path, cache_dir: Path, settings: dict | None = None, env: dict | None = None,
                traced: bool = True) -> Editor:
    make = editor_module.make_test_lsp_client

    def make_traced():
        client = make()
        start_io = client.start_io

        async def start_io_traced(cmd, *args, **kwargs):
            args = list(args)
            if traced and args[:2] == ["-m", "blockguide"]:
                args[1] = "bench.traced_server"
            return await start_io(cmd, *args, **kwargs)

        client.start_io = start_io_traced
        return client

    editor_module.make_test_lsp_client = make_traced
    try:
        ed = await editor_module.start_editor(root, cache_dir, settings=settings,
                                              env={"PYTHONPATH": pythonpath(), **(env or {})})
    finally:
        editor_module.make_test_lsp_client = make
    ed.arrivals = []  # (perf_counter, method) of every message from the server
    protocol = ed.client.protocol
    handle = protocol.handle_message

    def stamped(message):
        ed.arrivals.append((time.perf_counter(), getattr(message, "method", None) or "response",
                            getattr(message, "params", None)))
        return handle(message)

    protocol.handle_message = stamped
    return ed


async def stop(ed: Editor) -> None:
    await ed.client.shutdown_session()
    await ed.client.stop()


async def server_timings(ed: Editor) -> list[tuple[str, float]]:
    """Server-side time of every message handled since the last call: [(method, ms)]."""
    result = await ed.client.protocol.send_request_async("bench/timings", {})
    return [(m, t) for m, t in _get(result, "timings")]


async def server_pid(ed: Editor) -> int:
    result = await ed.client.protocol.send_request_async("bench/timings", {})
    return int(_get(result, "pid"))


async def collect_garbage(ed: Editor) -> None:
    await ed.client.protocol.send_request_async("bench/gc", {})


def as_dict(obj) -> dict:
    """A custom request's result: pygls gives a dict or a namedtuple-like Object."""
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "_asdict"):
        return dict(obj._asdict())
    return dict(vars(obj))


def _get(obj, key):
    return obj[key] if isinstance(obj, dict) else getattr(obj, key)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def code_action_params(uri: str, start: tuple[int, int], end: tuple[int, int]) -> lsp.CodeActionParams:
    return lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri),
        range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
        context=lsp.CodeActionContext(diagnostics=[], only=None,
                                      trigger_kind=lsp.CodeActionTriggerKind.Automatic))


async def ping(ed: Editor) -> float:
    """Round trip of a request the server answers at once, in ms."""
    t0 = time.perf_counter()
    await ed.client.protocol.send_request_async("bench/ping", {})
    return (time.perf_counter() - t0) * 1000
