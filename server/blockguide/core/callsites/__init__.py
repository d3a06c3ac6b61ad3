"""A bounded search for the places a name is called, in the files under a project root.

The text search (a called-name index, then a pattern per line) is a prefilter: when the caller passes a
`confirm`, each candidate is confirmed (the call refers to the block: jedi for Python, core.python.references;
import bindings for the other languages, callsites.confirm), rejected (it refers to something else: a dict's
`.get`), or left unresolved (jedi cannot tell what the receiver is, or the time for confirming ran out).
Confirmed sites come first; unresolved ones follow, marked `confirmed=False`: confirming must not mean
finding less. Files are only read, never imported or run.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from cachetools import LRUCache

from blockguide.core.project import relative
from blockguide.core.types import CallSite

log = logging.getLogger(__name__)


SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox", ".nox",
             "dist", "build", ".mypy_cache", ".pytest_cache", "target", ".tools", "site-packages", ".eggs"}


MAX_FILE_BYTES = 1_000_000


def iter_files(root: Path, suffixes: tuple[str, ...], max_files: int = 20_000):
    """Source files under root with one of the suffixes, skipping vendored and generated folders."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(suffixes):
                yield Path(dirpath) / name
                count += 1
                if count >= max_files:
                    return


def _usage_rank(path: Path) -> tuple[int, str]:
    parts = {p.lower() for p in path.parts}
    name = path.name.lower()
    usage = bool(parts & {"tests", "test", "examples", "example", "docs", "samples", "__tests__", "spec"}) or \
        name.startswith("test_") or ".test." in name or ".spec." in name or name.endswith("_test.go")
    return (0 if usage else 1, path.as_posix())


# What follows a name where it is called: `f(`, `f<T>(`, `Struct {`. The call-site pattern and the index of
# called names below both use it, so that the index always finds the files the pattern would.
_CALL_OPEN = r"\s*[(<{]"


# The index reads bytes (twice as fast as text): ASCII names, and any non-ASCII byte counts as white space
# between a name and its bracket, so that it finds at least the names the text pattern finds.
_CALL_OPEN_BYTES = rb"(?=[\s\x1c-\x1f\x80-\xff]*[(<{])"


try:
    _CALLED = re.compile(rb"\b\w++" + _CALL_OPEN_BYTES)  # possessive (Python 3.11+): no backtracking
except re.error:
    _CALLED = re.compile(rb"\b\w+\b" + _CALL_OPEN_BYTES)


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")


RELIST_SECONDS = 30.0  # how often a root's file list (new, removed, changed files) is read again


class _CalledNames:
    """For one root and set of suffixes: its source files (tests and examples first) and, per file, the
    names called in it. Kept between searches, so that a search reads only the files that call one of the
    names instead of every file under the root. A file's names are dropped when its size or mtime
    changes; the list of files is read again every RELIST_SECONDS."""

    def __init__(self, root: Path, suffixes: tuple[str, ...]) -> None:
        self.root, self.suffixes = root, suffixes
        self.files: list[Path] = []
        self.stamps: dict[Path, tuple[int, int]] = {}
        self.called: dict[Path, frozenset[str]] = {}
        self.listed_at = float("-inf")
        self.lock = threading.Lock()

    def listing(self) -> list[Path]:
        with self.lock:
            if time.monotonic() - self.listed_at > RELIST_SECONDS:
                stamps = {}
                for file in iter_files(self.root, self.suffixes):
                    try:
                        st = file.stat()
                    except OSError:
                        continue
                    stamps[file] = (st.st_mtime_ns, st.st_size)
                for file in [f for f in self.called if self.stamps.get(f) != stamps.get(f)]:
                    del self.called[file]
                self.files = sorted(stamps, key=_usage_rank)
                self.stamps = stamps
                self.listed_at = time.monotonic()
            return self.files

    def size(self, file: Path) -> int:
        return self.stamps.get(file, (0, 0))[1]

    def names_in(self, file: Path) -> frozenset[str] | None:
        return self.called.get(file)

    def learn(self, file: Path, data: bytes) -> None:
        self.called[file] = frozenset(sys.intern(n.decode("ascii")) for n in _CALLED.findall(data))


# One index per (root, suffixes), the most recently used kept (a long session opens many projects).
MAX_INDEXES = 16
_called_names: LRUCache = LRUCache(maxsize=MAX_INDEXES)
_called_names_lock = threading.Lock()


def _index_for(root: Path, suffixes: tuple[str, ...]) -> _CalledNames:
    key = (root, suffixes)
    with _called_names_lock:
        index = _called_names.get(key)
        if index is None:
            index = _called_names[key] = _CalledNames(root, suffixes)
        return index


# A candidate's confirmation: (file, its whole text, 0-based line, column of the called name, the text right
# before the name on that line) -> True: the call refers to the block; False: it refers to something else;
# None: cannot tell.
Confirm = Callable[[Path, str, int, int, str], Optional[bool]]


# Confirming costs more than matching (jedi infers the receiver): at most this many candidates per search, and
# CONFIRM_SECONDS on top of the search's own time; the candidates past either are kept unresolved.
MAX_CANDIDATES = 40
CONFIRM_SECONDS = 1.5


@dataclass
class Tally:
    """What one search found: name matches (candidates), and of those confirmed, rejected, unresolved (the
    confirmer could not tell) and unchecked (past the candidate or time limit of confirming)."""

    candidates: int = 0
    confirmed: int = 0
    rejected: int = 0
    unresolved: int = 0
    unchecked: int = 0
    rejected_at: list[str] = field(default_factory=list)  # path:line of the first few rejected

def find_call_sites(
    root: Path,
    names: list[str],
    suffixes: tuple[str, ...],
    limit: int,
    exclude: tuple[Path, range] | None = None,
    seconds: float = 1.0,
    context: int = 2,
    confirm: Confirm | None = None,
    tally: Tally | None = None,
) -> list[CallSite]:
    """Up to `limit` places where one of `names` is called, in files under root: confirmed ones first, then
    unresolved ones (`confirmed=False`); a rejected candidate is never one. `tally` counts what was found.

    Bounded by count and time: a large tree is searched for `seconds` or until `limit` sites are confirmed.
    Lines in `exclude` (the block itself) are skipped. With `confirm`, confirming has CONFIRM_SECONDS of its
    own, and at most MAX_CANDIDATES candidates are confirmed; the rest are kept unresolved, never waited for.
    """
    tally = tally if tally is not None else Tally()
    if not names or limit <= 0:
        return []
    pattern = re.compile(r"(?<![\w.])(?:[\w.]+(?:\.|::|->))?(" + "|".join(map(re.escape, names)) + ")" + _CALL_OPEN)
    define = re.compile(r"^\s*(def|class|function|func|fn|async def|export function|pub fn|pub async fn|"
                        r"async function|export async function|export default function|static|public|private|"
                        r"protected)\s")
    comment = re.compile(r"^\s*(#|//|/\*|\*)")
    # The search's own time and confirming's are counted apart: a slow confirmation must not leave the
    # files after it unsearched (the search's clock stops while a candidate is confirmed).
    started = time.monotonic()
    confirming = 0.0  # seconds spent confirming so far
    sites: list[CallSite] = []
    unresolved: list[CallSite] = []
    # Tests and examples show how code is meant to be used: search them first (the index lists them first).
    index = _index_for(root, suffixes)
    wanted = set(names) if all(_ASCII_WORD.fullmatch(n) for n in names) else None  # else: no shortcut
    excluded = exclude[0].resolve() if exclude else None
    for file in index.listing():
        if time.monotonic() - started - confirming > seconds or len(sites) >= limit:
            break
        known = index.names_in(file)
        if known is not None and wanted is not None and known.isdisjoint(wanted):
            continue  # the file calls none of the names: not even read
        if index.size(file) > MAX_FILE_BYTES:
            continue
        try:
            data = file.read_bytes()
        except OSError:
            continue
        if known is None:
            index.learn(file, data)
            if wanted is not None and index.names_in(file).isdisjoint(wanted):
                continue
        # as Path.read_text would give it: universal newlines
        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        if not pattern.search(text):
            continue
        skip = exclude[1] if excluded is not None and file.resolve() == excluded else range(0)
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i in skip:
                continue
            if pattern.search(line) and not define.match(line) and not comment.match(line):
                tally.candidates += 1
                verdict: bool | None = True
                if confirm is not None:
                    if tally.candidates > MAX_CANDIDATES or confirming > CONFIRM_SECONDS:
                        verdict = None
                        tally.unchecked += 1
                    else:
                        t0 = time.monotonic()
                        verdict = _confirmed(confirm, file, text, i, line, pattern)
                        confirming += time.monotonic() - t0
                        if confirming > CONFIRM_SECONDS and verdict is not False:
                            verdict = None  # ended late: not waited for, kept unresolved
                            tally.unchecked += 1
                        elif verdict is None:
                            tally.unresolved += 1
                if verdict is False:
                    tally.rejected += 1
                    if len(tally.rejected_at) < 5:
                        tally.rejected_at.append(f"{relative(file, root)}:{i + 1}")
                    continue
                lo, hi = max(0, i - context), min(len(lines), i + context + 1)
                site = CallSite(relative(file, root), i, "\n".join(l.rstrip() for l in lines[lo:hi]),
                                confirmed=verdict is True)
                if verdict:
                    tally.confirmed += 1
                    sites.append(site)
                elif len(unresolved) < limit:
                    unresolved.append(site)
                if len(sites) >= limit:
                    break
    return (sites + unresolved)[:limit]


def _confirmed(confirm: Confirm, file: Path, text: str, line_no: int, line: str, pattern: re.Pattern) -> bool | None:
    """Does one of the line's matches refer to the block? True if one does, False if every one refers to
    something else, None if the confirmer could not tell (a confirmer that fails cannot tell)."""
    verdicts = []
    for m in pattern.finditer(line):
        try:
            verdict = confirm(file, text, line_no, m.start(1), line[:m.start(1)])
        except Exception as exc:  # an odd file must not stop the search
            log.debug("could not confirm a call in %s:%d: %s", file, line_no + 1, exc)
            verdict = None
        if verdict:
            return True
        verdicts.append(verdict)
    return False if verdicts and all(v is False for v in verdicts) else None
