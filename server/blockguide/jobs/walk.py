"""Which files a whole-repository run documents: supported files under folders, walked as git would list
them (hidden folders, SKIP_DIRS and what .gitignore files exclude are left out)."""

from __future__ import annotations

import os
from pathlib import Path

import pathspec

from blockguide.core import languages

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "build", "dist", "target",
                       "vendor", "third_party"})


def collect(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Supported files under `paths` as (path, path shown), and (path, reason) for what cannot be used.

    Folders are walked in name order, skipping hidden folders, SKIP_DIRS and what the project's .gitignore
    files exclude; a file named explicitly is always taken. Shown paths are relative to the common folder of
    the arguments.
    """
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for p in paths:
        if not p.exists():
            problems.append((str(p), "no such file or folder"))
        elif p.is_dir():
            ignored = _GitIgnores(p)
            for folder, dirs, files in os.walk(p):
                here = Path(folder)
                ignored.enter(here)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                                 and not ignored.match(here / d, folder=True))
                for name in sorted(files):
                    if languages.for_path(name) is not None and not name.startswith(".") and \
                            not ignored.match(here / name):
                        found.append(here / name)
        elif languages.for_path(str(p)) is None:
            problems.append((str(p), f"blockguide does not support files ending in '{p.suffix}'"))
        else:
            found.append(p)
    resolved = list(dict.fromkeys(f.resolve() for f in found))
    if not resolved:
        return [], problems
    dirs = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths if p.exists()]
    base = Path(os.path.commonpath(dirs)) if dirs else Path.cwd()
    out = []
    for f in resolved:
        try:
            rel = f.relative_to(base).as_posix()
        except ValueError:
            rel = f.as_posix().lstrip("/")
        out.append((f, rel))
    return out, problems


class _GitIgnores:
    """The .gitignore files that apply while walking a folder: those of the folders above it up to the
    repository's top (the folder holding .git), and those met on the way down. Patterns are matched with
    pathspec's git semantics, each relative to the folder of its file."""

    def __init__(self, start: Path) -> None:
        self.specs: dict[Path, pathspec.GitIgnoreSpec] = {}
        start = start.resolve()
        for folder in [start, *start.parents]:
            self._load(folder)
            if (folder / ".git").exists():
                break

    def _load(self, folder: Path) -> None:
        file = folder / ".gitignore"
        try:
            lines = file.read_text("utf-8", errors="replace").splitlines() if file.is_file() else None
        except OSError:
            lines = None
        if lines:
            self.specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)

    def enter(self, folder: Path) -> None:
        folder = folder.resolve()
        if folder not in self.specs:
            self._load(folder)

    def match(self, path: Path, folder: bool = False) -> bool:
        """Is the path ignored? The deepest .gitignore with a pattern for it decides (`!x` re-includes)."""
        path = path.resolve()
        ignored = False
        for base in sorted((b for b in self.specs if b in path.parents), key=lambda b: len(b.parts)):
            found = self.specs[base].check_file(path.relative_to(base).as_posix() + ("/" if folder else ""))
            if found.include is not None:
                ignored = found.include
        return ignored
