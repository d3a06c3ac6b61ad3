"""jedi and parso, shared by grounding and the example checks: one lock, one Project per root, the last
Scripts reused, and parso's in-memory modules kept bounded.

jedi and parso are imported inside the functions that use them: importing jedi costs the language server
and the CLI a noticeable start-up time, and a document that is not Python never needs it.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from cachetools import TTLCache

# jedi keeps global caches and is not thread-safe: every use in blockguide holds this lock.
JEDI_LOCK = threading.RLock()
MAX_PROJECTS = 16


def jedi_project(root: Path):
    """One jedi Project per root, reused: its caches make later analyses fast (the most recent roots kept)."""
    return _project(root.resolve())


@functools.lru_cache(maxsize=MAX_PROJECTS)
def _project(root: Path):
    import jedi  # start-up cost: see the module's docstring

    # Inferring an unannotated parameter from the calls to its function across the whole project cost a
    # single lookup 2+ s in Django (bench item 2): calls in the same module are still used.
    jedi.settings.dynamic_params_for_other_modules = False
    added = [str(root / "src")] if (root / "src").is_dir() else []
    return jedi.Project(root, added_sys_path=added, smart_sys_path=True, load_unsafe_extensions=False)


# parso keeps every module jedi has read parsed in memory (in Django: 150 modules, ~100 MB of Python
# objects after 29 blocks, which fragmentation then keeps in the process). Only the most recently used are
# kept: past MAX_PARSED_MODULES the least recently used are dropped down to half of it (they come back from
# parso's disk cache, a pickle load, when needed again). jedi expects the modules of a live Script to stay in
# that cache, so the Scripts kept below are dropped with them. A trim costs the next analyses their reuse
# (bench item 2 with 64: warm p95 ~1.1 s against ~0.7-0.9 s without a cap), so the cap bounds a long session's
# growth rather than the benchmark's 150 modules.
MAX_PARSED_MODULES = 128


def trim_parsed_modules(limit: int | None = None) -> None:
    """Past `limit` (MAX_PARSED_MODULES) parsed modules, drop the least recently used down to half of it."""
    from parso import cache  # start-up cost: see the module's docstring

    limit = MAX_PARSED_MODULES if limit is None else limit
    items = [(item.last_used or 0.0, grammar, path) for grammar, by_path in cache.parser_cache.items()
             for path, item in by_path.items()]
    if len(items) <= limit:
        return
    items.sort(key=lambda i: i[0])
    for _, grammar, path in items[:len(items) - limit // 2]:
        cache.parser_cache[grammar].pop(path, None)
    with _scripts_lock:
        _scripts.clear()


SCRIPT_SECONDS = 60.0  # a Script remembers what it inferred about other files: keep it only this long
# The two most recent texts' Scripts and names, each for SCRIPT_SECONDS.
_scripts: TTLCache = TTLCache(maxsize=2, ttl=SCRIPT_SECONDS)
_scripts_lock = threading.Lock()


def script_and_names(text: str, path: Path, root: Path):
    """jedi's Script for the file's text and every name in it, kept for the next block of the same text
    (listing the names of a large module costs jedi 100+ ms); the two most recent texts are kept."""
    import jedi  # start-up cost: see the module's docstring

    key = (str(path), str(root), hash(text))
    with _scripts_lock:
        kept = _scripts.get(key)
    if kept is not None:
        return kept
    script = jedi.Script(text, path=str(path), project=jedi_project(root))
    names = script.get_names(all_scopes=True, definitions=True, references=True)
    with _scripts_lock:
        _scripts[key] = (script, names)
    return script, names


def example_script(code: str, root: Path | None):
    """A jedi Script for a usage example, as if it were a file at the project root (hold JEDI_LOCK)."""
    import jedi  # start-up cost: see the module's docstring

    project = jedi_project(root) if root is not None else None
    path = (root / "__blockguide_example__.py") if root is not None else None
    return jedi.Script(code, path=path, project=project)
