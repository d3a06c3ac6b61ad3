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
import tracemalloc

TRACEMALLOC_ENV = "BLOCKGUIDE_BENCH_TRACEMALLOC"  # "1": trace allocations from the start (slow; for bench-day)


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
        kept = ls.docs._sources.get(uri)
        return {"version": doc.version if doc else None, "kept_version": kept[0] if kept else None,
                "same_text": bool(doc and kept and kept[1].text == doc.source),
                "tree_errors": bool(kept and kept[1].has_errors())}

    @server.feature("bench/memory")
    def memory(ls, params):
        """What holds memory now: the server's kept state, jedi's and parso's caches, and (when tracing)
        tracemalloc's top allocations by file."""
        top = int((params.get("top") if isinstance(params, dict) else getattr(params, "top", None)) or 12)
        # pairs, not an object: pygls hands the client an object's keys as attribute names
        return {"held": [[k, v] for k, v in held(ls).items()], "top": top_files(top)}

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


def held(ls) -> dict:
    """Counts of what the server and its libraries keep between requests."""
    from blockguide.core.python import jedi_session

    out = {
        "documents open": len(ls.workspace.text_documents) if ls.workspace else 0,
        "parsed sources kept": len(ls.docs._sources),
        "listed blocks kept": len(ls.docs._listed),
        "analyses kept": len(ls.analyses._kept),
        "preview guides kept": sum(len(v) for v in ls.previews.values()),
        "diagnostic tasks": len(ls.diagnostic_tasks),
        "jedi scripts kept": len(jedi_session._scripts),
        "jedi projects kept": jedi_session._project.cache_info().currsize,
        "gc objects": len(gc.get_objects()),
    }
    if "parso.cache" in sys.modules:
        from parso import cache

        out["parso modules in memory"] = sum(len(v) for v in cache.parser_cache.values())
    if "jedi" in sys.modules:
        from jedi import cache as jedi_cache

        out["jedi time caches"] = sum(len(v) for v in jedi_cache._time_caches.values())
    for name, getter in _module_caches():
        try:
            out[name] = getter()
        except Exception:  # noqa: BLE001 - a report line, never a failure
            pass
    return out


def _module_caches():
    """Module-level caches of blockguide, as (name, size now)."""
    def size_of(module: str, attr: str):
        def get():
            obj = getattr(sys.modules[module], attr)
            return len(obj) if hasattr(obj, "__len__") else obj.cache_info().currsize
        return get

    known = [("blockguide.core.callsites", "_called_names", "call-site indexes"),
             ("blockguide.core.checks.toolrun", "results", "toolchain results"),
             ("blockguide.core.examples.python_sites", "_site_files", "call-site files"),
             ("blockguide.core.checks.fields", "_VOCABULARIES", "field vocabularies")]
    out = [(label, size_of(m, a)) for m, a, label in known if m in sys.modules]
    if "blockguide.core.syntax.markers" in sys.modules:
        markers = sys.modules["blockguide.core.syntax.markers"]
        out.append(("guides-in-text cache", lambda: markers._guides_of.cache.currsize))
    return out


def top_files(n: int) -> list[list]:
    """tracemalloc's top allocations by file: [[file, KiB, blocks]] (empty when not tracing)."""
    if not tracemalloc.is_tracing():
        return []
    gc.collect()
    stats = tracemalloc.take_snapshot().filter_traces([
        tracemalloc.Filter(False, tracemalloc.__file__)]).statistics("filename")
    return [[s.traceback[0].filename, round(s.size / 1024), s.count] for s in stats[:n]]


def main() -> int:
    from blockguide.cli import main as cli_main
    from blockguide.lsp.handlers import server

    frames = os.environ.get(TRACEMALLOC_ENV)
    if frames:
        tracemalloc.start(int(frames))
    install(server)
    return cli_main(sys.argv[1:] or ["serve"])


if __name__ == "__main__":
    sys.exit(main())
