"""`cc`/`c++ -fsyntax-only` on a C/C++ usage example: a temporary file compiled with the project's include
folders (C++ as C++17), never linked or run.

An example of a block no header declares (a static function, a file without a header) is checked as part of
the file that defines it: that file is included first. A CPython extension's file (one that includes
`Python.h`) is compiled against the headers of a Python found on this machine: the interpreter running
blockguide, else `python3-config --includes`; without one the compiler cannot run and the check says so,
"parse only (no Python.h)".
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import sysconfig
import tempfile
from pathlib import Path

from cachetools import TTLCache

from blockguide.core.callsites import iter_files
from blockguide.core.checks.toolrun import ToolResult, results_lock as _results_lock
from blockguide.core.checks.toolrun import about as _about, cached as _cached, digest as _digest, read as _read
from blockguide.core.checks.toolrun import run as _run, stamp as _stamp
from blockguide.core.syntax.cpp_scopes import included
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


C_SECONDS = 4.0
CONFIG_SECONDS = 3.0
MAX_INCLUDE_DIRS = 32
HEADERS = (".h", ".hh", ".hpp", ".hxx")
NO_PYTHON_H = "parse only (no Python.h)"
_PYTHON_H = re.compile(r'^\s*#\s*include\s*[<"]Python\.h[>"]', re.M)
_MAIN = re.compile(r"\bmain\s*\(")
# a function defined at the top of the example (`void use(rust::Error &e) {`): the example is a file already
_DEFINITION = re.compile(r"^[A-Za-z_][^;#=]*\([^;]*\)[^;]*\{\s*$", re.M)

# The folders holding headers, per root, listed again after HEADER_DIRS_SECONDS (a walk of a large tree).
HEADER_DIRS_SECONDS = 30.0
_header_dirs: TTLCache = TTLCache(maxsize=16, ttl=HEADER_DIRS_SECONDS)


def include_dirs(root: Path, file: Path) -> list[Path]:
    """The folders a project's headers are in: the block's own folder, then every folder under the root that
    holds a header (include/ folders first), at most MAX_INCLUDE_DIRS."""
    with _results_lock:
        listed = _header_dirs.get(root)
    if listed is None:
        found: list[Path] = []
        for header in iter_files(root, HEADERS, max_files=2000):
            if header.parent not in found:
                found.append(header.parent)
        found.sort(key=lambda d: (d.name != "include", len(d.parts), d.as_posix()))
        listed = tuple(found)
        with _results_lock:
            _header_dirs[root] = listed
    return [file.parent, *(d for d in listed if d != file.parent)][:MAX_INCLUDE_DIRS]


@functools.cache
def python_include() -> Path | None:
    """The folder holding `Python.h`: the running interpreter's, else the one `python3-config --includes`
    names; None when no Python here has its headers. Found once, without network."""
    own = sysconfig.get_paths().get("include")
    if own and (Path(own) / "Python.h").is_file():
        return Path(own)
    config = shutil.which("python3-config")
    if config is None:
        return None
    ran = _run([config, "--includes"], Path.cwd(), CONFIG_SECONDS)
    if ran is None or ran[0] != 0:
        return None
    for flag in ran[1].split():
        folder = Path(flag.removeprefix("-I"))
        if flag.startswith("-I") and (folder / "Python.h").is_file():
            return folder
    return None


def c_example_file(code: str, g: Grounding, file: Path) -> str:
    """The example as a file the compiler takes: statements without a `main` (and without functions of their
    own) go into one; a block that no header declares (a static function, a file without a header) is
    reached by including its own file, unless that file has a `main` of its own."""
    text = code
    if not _MAIN.search(text) and not _DEFINITION.search(text):
        heads = [l for l in text.split("\n") if l.lstrip().startswith("#")]
        body = [l for l in text.split("\n") if not l.lstrip().startswith("#")]
        text = "\n".join(heads + ["int main(void) {"] + body + ["    return 0;", "}"]) + "\n"
    if not g.import_line or _is_static(g):
        if not _MAIN.search(_read(file)):
            text = f'#include "{file.as_posix()}"\n' + text
    return text


def _is_static(g: Grounding) -> bool:
    return "static" in g.block.text.lstrip().split("(", 1)[0]


def c_check(code: str, g: Grounding, file: Path, cpp: bool) -> ToolResult | None:
    name = "c++" if cpp else "cc"
    tool = shutil.which(name)
    if tool is None:
        return None
    file = file.resolve()
    root = Path(g.root).resolve()
    dirs = include_dirs(root, file)
    example = c_example_file(code, g, file)
    # Python.h in the example, or reached through the block's file and the project's headers it includes
    if _PYTHON_H.search(example) or any(_PYTHON_H.search(text) for _, text in included(file, root)):
        python = python_include()
        if python is None:
            return ToolResult(NO_PYTHON_H, ())
        dirs.append(python)
    stamps = [_stamp(p) for d in dirs for p in sorted(d.iterdir()) if p.suffix in HEADERS or p == file]
    check = f"{name} -fsyntax-only"
    key = (check, _digest(tool, example, *(str(d) for d in dirs), *stamps))
    return _cached(key, lambda: _cc(tool, check, cpp, dirs, example, root))


def _cc(tool: str, check: str, cpp: bool, dirs: list[Path], example: str, root: Path) -> ToolResult | None:
    suffix = ".cpp" if cpp else ".c"
    with tempfile.TemporaryDirectory(prefix="blockguide-c-") as tmp:
        temp = Path(tmp) / f"blockguide_example{suffix}"
        temp.write_text(example, "utf-8")
        argv = [tool, "-fsyntax-only", "-x", "c++" if cpp else "c"]
        argv += ["-std=c++17"] if cpp else ["-Werror=implicit-function-declaration", "-Werror=implicit-int"]
        argv += [f"-I{d}" for d in dirs] + [str(temp)]
        ran = _run(argv, root, C_SECONDS)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult(check, ())
    problems = _about(output, temp, "example" + suffix, errors_only=True)
    if not problems:
        log.info("%s failed outside the example: %s", check, output.strip()[:300])
        return None
    return ToolResult(check, tuple(f"{check}: {p}" for p in problems))
