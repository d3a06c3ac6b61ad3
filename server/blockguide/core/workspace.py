"""The user's project on disk: its root, module paths, and a bounded search for call sites.

Files are only read, never imported or run.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path

from blockguide.core.types import CallSite

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "package.json", "go.mod", "Cargo.toml", "pom.xml",
                "build.gradle", "CMakeLists.txt", ".git")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox", ".nox",
             "dist", "build", ".mypy_cache", ".pytest_cache", "target", ".tools", "site-packages", ".eggs"}
MAX_FILE_BYTES = 1_000_000


def find_root(path: Path, workspace_roots: list[Path] | None = None) -> Path:
    """The project a file belongs to: a workspace folder, else the nearest folder with a project marker.

    A Python file outside any project (e.g. inside site-packages) gets the folder above its top package.
    """
    path = path.resolve()
    for root in workspace_roots or []:
        root = root.resolve()
        if path == root or root in path.parents:
            return root
    for parent in path.parents:
        if any((parent / marker).exists() for marker in ROOT_MARKERS):
            return parent
    top = path.parent
    while (top / "__init__.py").exists():
        top = top.parent
    return top


def python_module(path: Path, root: Path, sys_path: list[Path] = ()) -> str | None:
    """The dotted module a Python file is imported as, from the project root (or a src/ layout)."""
    path = path.resolve()
    bases = [root / "src", root, *sys_path]
    # A file inside a package: climb packages (folders with __init__.py) to the top one.
    top = path.parent
    while (top / "__init__.py").exists():
        top = top.parent
    if top != path.parent:
        bases.insert(0, top)
    for base in bases:
        base = Path(base).resolve()
        if base in path.parents:
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return ".".join(parts)
    return None


_GO_PACKAGE = re.compile(r"^\s*package\s+(\w+)[ \t]*(?://[ \t]*import[ \t]+\"([^\"]+)\")?", re.M)


def go_import(path: Path, root: Path, text: str) -> tuple[str | None, str | None]:
    """(import path, import line) of a Go file's package, the way the go command names it: the nearest
    go.mod's module path plus the folder; else (a package from before modules) the package clause's import
    comment (`package errors // import "github.com/pkg/errors"`), a GOPATH folder (`…/src/<path>`) or a
    module-cache folder (`…/pkg/mod/<path>@<version>`)."""
    package = _GO_PACKAGE.search(text)
    if package and package.group(1) == "main":
        return None, None
    folder = path.resolve().parent
    for base in [folder, *folder.parents]:
        mod = base / "go.mod"
        if mod.is_file():
            m = re.search(r"^\s*module\s+(\S+)", mod.read_text("utf-8", "replace"), re.M)
            if not m:
                break
            sub = folder.relative_to(base).as_posix()
            imp = m.group(1).strip('"') + ("" if sub == "." else "/" + sub)
            return imp, f'import "{imp}"'
        if base == root.resolve() or base == base.parent:
            break
    imp = package.group(2) if package else None
    if imp is None:
        parts = folder.parts
        if "mod" in parts and parts.index("mod") > 0 and parts[parts.index("mod") - 1] == "pkg":
            rest = parts[parts.index("mod") + 1:]
            at = next((i for i, p in enumerate(rest) if "@" in p), None)
            if at is not None and "." in rest[0]:
                rest = (*rest[:at], rest[at].split("@")[0], *rest[at + 1:])
                # the module cache writes an upper-case letter as "!" + its lower case
                imp = re.sub(r"!([a-z])", lambda m: m.group(1).upper(), "/".join(rest))
        elif "src" in parts:
            rest = parts[len(parts) - parts[::-1].index("src"):]
            if rest and "." in rest[0]:  # a host name first: github.com/…, golang.org/…
                imp = "/".join(rest)
    return (imp, f'import "{imp}"') if imp else (None, None)


def rust_module(path: Path, root: Path) -> str | None:
    """`crate_name::a::b` for src/a/b.rs of the crate whose Cargo.toml is nearest above the file."""
    path = path.resolve()
    for base in path.parents:
        cargo = base / "Cargo.toml"
        if cargo.is_file():
            text = cargo.read_text("utf-8", "replace")
            lib = re.search(r"^\[lib\][^\[]*?^\s*name\s*=\s*\"([^\"]+)\"", text, re.M | re.S)
            pkg = re.search(r"^\[package\][^\[]*?^\s*name\s*=\s*\"([^\"]+)\"", text, re.M | re.S)
            name = (lib or pkg).group(1).replace("-", "_") if (lib or pkg) else None
            if name is None:
                return None
            try:
                parts = list(path.relative_to(base / "src").with_suffix("").parts)
            except ValueError:
                return name
            if parts and parts[-1] in ("lib", "main", "mod"):
                parts.pop()
            return "::".join([name, *parts])
        if base == base.parent:
            break
    return None


def c_header(path: Path, root: Path) -> str | None:
    """The header that declares a C/C++ file's functions: the file itself when it is one, else a header
    with the same stem next to it or in an include/ folder; as written in `#include "..."`."""
    path = path.resolve()
    if path.suffix in (".h", ".hh", ".hpp", ".hxx"):
        return path.name
    for folder in (path.parent, root / "include", path.parent.parent / "include"):
        for suffix in (".h", ".hpp", ".hh", ".hxx"):
            candidate = folder / (path.stem + suffix)
            if candidate.is_file():
                return candidate.name
    return None


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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


_called_names: dict[tuple[Path, tuple[str, ...]], _CalledNames] = {}


def _index_for(root: Path, suffixes: tuple[str, ...]) -> _CalledNames:
    key = (root, suffixes)
    index = _called_names.get(key)
    if index is None:
        index = _called_names.setdefault(key, _CalledNames(root, suffixes))
    return index


def find_call_sites(
    root: Path,
    names: list[str],
    suffixes: tuple[str, ...],
    limit: int,
    exclude: tuple[Path, range] | None = None,
    seconds: float = 1.0,
    context: int = 2,
) -> list[CallSite]:
    """Up to `limit` places where one of `names` is called, in files under root.

    Bounded by count and time: a large tree is searched until either runs out. Lines in `exclude`
    (the block itself) are skipped.
    """
    if not names or limit <= 0:
        return []
    pattern = re.compile(r"(?<![\w.])(?:[\w.]+(?:\.|::|->))?(" + "|".join(map(re.escape, names)) + ")" + _CALL_OPEN)
    define = re.compile(r"^\s*(def|class|function|func|fn|async def|export function|pub fn|pub async fn|"
                        r"async function|export async function|export default function|static|public|private|"
                        r"protected)\s")
    comment = re.compile(r"^\s*(#|//|/\*|\*)")
    deadline = time.monotonic() + seconds
    sites: list[CallSite] = []
    # Tests and examples show how code is meant to be used: search them first (the index lists them first).
    index = _index_for(root, suffixes)
    wanted = set(names) if all(_ASCII_WORD.fullmatch(n) for n in names) else None  # else: no shortcut
    excluded = exclude[0].resolve() if exclude else None
    for file in index.listing():
        if time.monotonic() > deadline or len(sites) >= limit:
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
                lo, hi = max(0, i - context), min(len(lines), i + context + 1)
                sites.append(CallSite(relative(file, root), i, "\n".join(l.rstrip() for l in lines[lo:hi])))
                if len(sites) >= limit:
                    break
    return sites
