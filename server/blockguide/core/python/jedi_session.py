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
# objects after 29 blocks; in click, 60 modules and 55,000 lines after 10 blocks, RSS +100 MB), and the
# memory freed later mostly stays with the process. The budget is in lines, what a parsed module's memory
# follows (about 2 KB a line): past MAX_PARSED_LINES the least recently used modules are dropped down to
# half of it (they come back from parso's disk cache, a pickle load, when needed again). jedi expects the
# modules of a live Script to stay in that cache, so the Scripts kept below are dropped with them.
MAX_PARSED_LINES = 40_000


def parsed_lines() -> int:
    """Lines of the modules parso holds in memory now."""
    from parso import cache  # start-up cost: see the module's docstring

    return sum(len(item.lines or ()) for by_path in list(cache.parser_cache.values())
               for item in list(by_path.values()))


def trim_parsed_modules(limit: int | None = None) -> None:
    """Past `limit` (MAX_PARSED_LINES) lines of parsed modules, drop the least recently used down to half."""
    from parso import cache  # start-up cost: see the module's docstring

    limit = MAX_PARSED_LINES if limit is None else limit
    items = [(item.last_used or 0.0, len(item.lines or ()), grammar, path)
             for grammar, by_path in cache.parser_cache.items() for path, item in by_path.items()]
    total = sum(i[1] for i in items)
    if total <= limit:
        return
    items.sort(key=lambda i: i[0])
    for _, lines, grammar, path in items:
        if total <= limit // 2:
            break
        cache.parser_cache[grammar].pop(path, None)
        total -= lines
    with _scripts_lock:
        _scripts.clear()


SCRIPT_SECONDS = 60.0  # a Script remembers what it inferred about other files: keep it only this long
# The two most recent texts' Scripts, each for SCRIPT_SECONDS: the blocks of one file version share one
# Script, so what jedi inferred for one block serves the next.
_scripts: TTLCache = TTLCache(maxsize=2, ttl=SCRIPT_SECONDS)
_scripts_lock = threading.Lock()


def script_for(text: str, path: Path, root: Path):
    """jedi's Script for the file's text, kept for the next block of the same text (hold JEDI_LOCK)."""
    import jedi  # start-up cost: see the module's docstring

    key = (str(path), str(root), hash(text))
    with _scripts_lock:
        kept = _scripts.get(key)
    if kept is not None:
        return kept
    script = jedi.Script(text, path=str(path), project=jedi_project(root))
    with _scripts_lock:
        _scripts[key] = script
    return script


def names_in(script, first: int, last: int) -> list:
    """Every name (definitions and references) on 1-based lines first..last, in code order: what
    `script.get_names(all_scopes=True, definitions=True, references=True)` gives there, without making a
    jedi Name for each of the module's thousands of others (3-4 s for click's core.py under load)."""
    try:
        from jedi.api.classes import Name

        module_context = script._get_module_context()
        used = script._module_node.get_used_names()
        inference_state = script._inference_state
    except AttributeError:  # a jedi without these internals: the whole module's names, filtered
        return [n for n in script.get_names(all_scopes=True, definitions=True, references=True)
                if first <= n.line <= last]
    leaves = sorted((leaf for leaves in used.values() for leaf in leaves if first <= leaf.start_pos[0] <= last),
                    key=lambda leaf: leaf.start_pos)
    return [Name(inference_state, module_context.create_name(leaf)) for leaf in leaves]


def example_script(code: str, root: Path | None):
    """A jedi Script for a usage example, as if it were a file at the project root (hold JEDI_LOCK)."""
    import jedi  # start-up cost: see the module's docstring

    project = jedi_project(root) if root is not None else None
    path = (root / "__blockguide_example__.py") if root is not None else None
    return jedi.Script(code, path=path, project=project)
