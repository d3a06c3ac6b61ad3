"""What every toolchain check shares: its answer (`ToolResult`), a cache of answers keyed by a hash of the
example and the files it depends on, running a tool with a time limit, and the tool's messages about the
example's own file."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from cachetools import LRUCache

log = logging.getLogger(__name__)


MAX_PROBLEMS = 3


@dataclass(frozen=True)
class ToolResult:
    check: str  # what ran, as the provenance says it: "go vet", "cc -fsyntax-only", "tsc --noEmit", ...
    problems: tuple[str, ...]  # the compiler's messages about the example; empty when it passed


# (check, hash of the example and its dependencies) -> ToolResult | None
results: LRUCache = LRUCache(maxsize=256)
results_lock = threading.Lock()


def cached(key: tuple, run_check) -> ToolResult | None:
    with results_lock:
        if key in results:
            return results[key]
    result = run_check()
    with results_lock:
        results[key] = result
    return result


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "replace") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def read(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""


def stamp(path: Path) -> str:
    """A file's path, modification time and size: what a cache key needs to notice an edit."""
    try:
        st = path.stat()
    except OSError:
        return f"{path}:-"
    return f"{path}:{st.st_mtime_ns}:{st.st_size}"


def run(argv: list[str], cwd: Path, seconds: float, env: dict[str, str] | None = None):
    """The tool's (return code, output), or None when it did not finish in time."""
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=seconds, env=env,
                              stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired:
        log.info("%s took longer than %.0f s: the example is not checked with it", argv[0], seconds)
        return None
    return done.returncode, done.stdout + done.stderr


def about(output: str, temp: Path, shown: str, errors_only: bool = False,
          error: str = r":\d+:\d+: (fatal )?error:", limit: int = MAX_PROBLEMS) -> list[str]:
    """The tool's messages that point into the example's file, the temporary name replaced by `shown` (with
    `errors_only`: its errors, the lines matching `error`, not its warnings and notes)."""
    out = []
    for line in output.splitlines():
        if temp.name in line and (not errors_only or re.search(error, line)):
            text = re.sub(r"\S*" + re.escape(temp.name), shown, line).removeprefix("vet: ").strip()
            if text not in out:
                out.append(text)
    return out[:limit]


@contextlib.contextmanager
def file_lock(path: Path):
    """Held by one process at a time (the editor's server, the command line, the benchmarks side by side):
    an advisory lock on the file `path` (made, with its folder, if missing). Where there is no `fcntl`
    (Windows) it only orders nothing: the tools' own locks remain."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
