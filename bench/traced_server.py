"""`blockguide serve` with per-message server-side timings, for the benchmarks only.

The product server is imported unchanged; this entry point wraps pygls's `handle_message` (everything a
message costs on the event loop: pygls's own document update, our handler, scheduling) and the
stale-guide scan, and answers a `bench/timings` request with what it measured since the last one.
Nothing here is on the normal path: `python -m blockguide serve` never imports it.
"""

from __future__ import annotations

import gc
import os
import sys
import time


def install(server) -> None:
    times: list[tuple[str, float]] = []
    protocol = server.protocol
    handle = protocol.handle_message

    def timed(message):
        t0 = time.perf_counter()
        try:
            return handle(message)
        finally:
            method = (message.get("method") if isinstance(message, dict) else getattr(message, "method", None)) \
                or "response"
            if method != "bench/timings":
                times.append((method, (time.perf_counter() - t0) * 1000))

    protocol.handle_message = timed
    stale = server.stale_diagnostics

    def timed_stale(uri):
        t0 = time.perf_counter()
        try:
            return stale(uri)
        finally:
            times.append(("stale_diagnostics", (time.perf_counter() - t0) * 1000))

    server.stale_diagnostics = timed_stale

    from blockguide.core.syntax.source import Source

    init, reparse = Source.__init__, Source.reparse

    def timed_init(self, *args, **kwargs):
        t0 = time.perf_counter()
        init(self, *args, **kwargs)
        times.append(("parse_full", (time.perf_counter() - t0) * 1000))

    def timed_reparse(self):
        t0 = time.perf_counter()
        reparse(self)
        times.append(("parse_incremental", (time.perf_counter() - t0) * 1000))

    Source.__init__ = timed_init
    Source.reparse = timed_reparse

    @server.feature("bench/document")
    def document_state(ls, params):
        """Is the kept tree current (same version and text as the editor's document)?"""
        uri = params["uri"] if isinstance(params, dict) else params.uri
        doc = ls.workspace.text_documents.get(uri)
        kept = ls._sources.get(uri)
        return {"version": doc.version if doc else None, "kept_version": kept[0] if kept else None,
                "same_text": bool(doc and kept and kept[1].text == doc.source),
                "tree_errors": bool(kept and kept[1].has_errors())}

    @server.feature("bench/timings")
    def timings(ls, params):
        out = [[m, t] for m, t in times]
        times.clear()
        return {"timings": out, "pid": os.getpid()}

    @server.feature("bench/ping")
    def ping(ls, params):
        return {}

    @server.feature("bench/gc")
    def collect(ls, params):
        gc.collect()
        return {}


def main() -> int:
    from blockguide.cli import main as cli_main
    from blockguide.lsp.handlers import server

    install(server)
    return cli_main(sys.argv[1:] or ["serve"])


if __name__ == "__main__":
    sys.exit(main())
