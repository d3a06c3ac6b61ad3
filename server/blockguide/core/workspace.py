"""The user's project on disk: its root, module paths, and a bounded search for call sites.

Files are only read, never imported or run.
"""

from __future__ import annotations

import os
import re
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
    pattern = re.compile(r"(?<![\w.])(?:[\w.]+\.)?(" + "|".join(map(re.escape, names)) + r")\s*[(<]")
    define = re.compile(r"^\s*(def|class|function|func|fn|async def|export function)\s")
    deadline = time.monotonic() + seconds
    sites: list[CallSite] = []
    for file in iter_files(root, suffixes):
        if time.monotonic() > deadline or len(sites) >= limit:
            break
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                continue
            text = file.read_text("utf-8", errors="replace")
        except OSError:
            continue
        if not pattern.search(text):
            continue
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if exclude and file.resolve() == exclude[0].resolve() and i in exclude[1]:
                continue
            if pattern.search(line) and not define.match(line):
                lo, hi = max(0, i - context), min(len(lines), i + context + 1)
                sites.append(CallSite(relative(file, root), i, "\n".join(l.rstrip() for l in lines[lo:hi])))
                if len(sites) >= limit:
                    break
    return sites
