"""The real toolchain checks a usage example where it is installed: Go (`go vet` with `-overlay`), C/C++
(`cc`/`c++ -fsyntax-only`), JavaScript/TypeScript (`tsc --noEmit` or `node --check`: checks.toolchain_js), Java
(`javac -sourcepath`: checks.toolchain_java) and Rust (`cargo check --offline` where the project is built:
checks.toolchain_rust). The example is compiled, never run, and the user's tree is never written: Go reads the
example through an overlay (a JSON map from a file name in the block's package to a temporary file), C compiles
a temporary file with the project's include folders, the others a temporary folder.

`toolchain_check(code, g)` answers a `ToolResult`: the check that ran (e.g. "go vet") and the compiler's
problems, or None when no check ran (the tool is not on PATH, the project gives it nothing to build against, it
timed out, or it failed on something other than the example). Each check has a time limit, runs on the caller's
thread (the analysis thread: never the event loop), and is cached by a hash of the example and the files it
depends on.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from cachetools import TTLCache

from blockguide.core.callsites import iter_files
from blockguide.core.checks.toolchain_java import java_check
from blockguide.core.checks.toolchain_js import js_check
from blockguide.core.checks.toolchain_rust import rust_check
from blockguide.core.checks.toolrun import ToolResult, results as _results, results_lock as _results_lock
from blockguide.core.checks.toolrun import about as _about, cached as _cached, digest as _digest, read as _read
from blockguide.core.checks.toolrun import run as _run
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


ENABLED = True  # tests/unit turns it off (its tests start no process) except in the toolchain's own tests
GO_SECONDS = 6.0  # a cold build cache costs `go vet` more the first time; a timeout is "not checked"
C_SECONDS = 4.0
MAX_INCLUDE_DIRS = 32
_HEADERS = (".h", ".hh", ".hpp", ".hxx")


def toolchain_check(code: str, g: Grounding) -> ToolResult | None:
    """Compile-check the example with the real toolchain where it applies; None when none ran."""
    if not ENABLED or g.root is None or g.path is None:
        return None
    file = Path(g.root) / g.path
    if not file.is_file():
        return None
    lang = g.block.language
    try:
        if lang == "go":
            return _go(code, g, file)
        if lang in ("c", "cpp"):
            return _c(code, g, file, cpp=lang == "cpp")
        if lang in ("javascript", "typescript", "tsx"):
            return js_check(code, g, file)
        if lang == "java":
            return java_check(code, g, file)
        if lang == "rust":
            return rust_check(code, g, file)
    except (OSError, ValueError) as exc:
        log.info("the %s toolchain check could not run: %s", lang, exc)
    return None


# --- Go -------------------------------------------------------------------------------------------------------
_PACKAGE = re.compile(r"^\s*package\s+(\w+)", re.M)
_MAIN = re.compile(r"\bfunc\s+main\s*\(\s*\)")
OVERLAY_NAME = "zz_blockguide_example_test.go"


def _go_mod(folder: Path, root: Path) -> Path | None:
    for base in [folder, *folder.parents]:
        if (base / "go.mod").is_file():
            return base / "go.mod"
        if base == root or base == base.parent:
            return None
    return None


def go_example_file(code: str, package: str, module: str | None) -> str | None:
    """The example as a test file of the block's package: in the package itself (it reaches unexported
    names), or in `<package>_test` when it imports the package's path; its `main` renamed, so that it is never
    a program and never collides with the package's own names. None when it has no package clause."""
    clause = _PACKAGE.search(code)
    if clause is None:
        return None
    external = bool(module) and re.search(rf'"{re.escape(module)}"', code) is not None
    name = f"{package}_test" if external and package != "main" else package
    text = code[:clause.start(1)] + name + code[clause.end(1):]
    return _MAIN.sub("func blockguideExample()", text)


def _go(code: str, g: Grounding, file: Path) -> ToolResult | None:
    go = shutil.which("go")
    if go is None:
        return None
    folder = file.parent
    mod = _go_mod(folder, Path(g.root).resolve())
    if mod is None:
        return None  # no module to build against (GOPATH layouts are left to the static checks)
    own = _PACKAGE.search(file.read_text("utf-8", "replace"))
    if own is None:
        return None
    example = go_example_file(code, own.group(1), g.module)
    if example is None:
        return None
    deps = [mod, mod.with_name("go.sum"), *sorted(folder.glob("*.go"))]
    key = ("go vet", _digest(go, example, *(p.as_posix() + ":" + _read(p) for p in deps)))
    return _cached(key, lambda: _go_vet(go, folder, example))


def _go_vet(go: str, folder: Path, example: str) -> ToolResult | None:
    with tempfile.TemporaryDirectory(prefix="blockguide-go-") as tmp:
        temp = Path(tmp) / "blockguide_example.go"
        temp.write_text(example, "utf-8")
        overlay = Path(tmp) / "overlay.json"
        overlay.write_text(json.dumps({"Replace": {str(folder / OVERLAY_NAME): str(temp)}}), "utf-8")
        # never a toolchain download or a module fetch: what is installed and cached only
        env = {**os.environ, "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=readonly"}
        ran = _run([go, "vet", "-overlay", str(overlay), "."], folder, GO_SECONDS, env)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult("go vet", ())
    problems = _about(output, temp, "example.go")
    if not problems:  # the package itself does not build here (missing modules, its own errors): inconclusive
        log.info("go vet failed outside the example: %s", output.strip()[:300])
        return None
    return ToolResult("go vet", tuple(f"go vet: {p}" for p in problems))


# --- C / C++ --------------------------------------------------------------------------------------------------
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
        for header in iter_files(root, _HEADERS, max_files=2000):
            if header.parent not in found:
                found.append(header.parent)
        found.sort(key=lambda d: (d.name != "include", len(d.parts), d.as_posix()))
        listed = tuple(found)
        with _results_lock:
            _header_dirs[root] = listed
    return [file.parent, *(d for d in listed if d != file.parent)][:MAX_INCLUDE_DIRS]


def c_example_file(code: str, g: Grounding, file: Path) -> str:
    """The example as a file the compiler takes: statements without a `main` go into one; a block that no
    header declares (a static function, a file without a header) is reached by including its own file, unless
    that file has a `main` of its own."""
    text = code
    if not re.search(r"\bmain\s*\(", text):
        heads = [l for l in text.split("\n") if l.lstrip().startswith("#")]
        body = [l for l in text.split("\n") if not l.lstrip().startswith("#")]
        text = "\n".join(heads + ["int main(void) {"] + body + ["    return 0;", "}"]) + "\n"
    if not g.import_line or "static" in _definition_head(g):
        source = _read(file)
        if not re.search(r"\bmain\s*\(", source):
            text = f'#include "{file.as_posix()}"\n' + text
    return text


def _definition_head(g: Grounding) -> str:
    return g.block.text.lstrip().split("(", 1)[0]


def _c(code: str, g: Grounding, file: Path, cpp: bool) -> ToolResult | None:
    name = "c++" if cpp else "cc"
    tool = shutil.which(name)
    if tool is None:
        return None
    root = Path(g.root).resolve()
    dirs = include_dirs(root, file.resolve())
    example = c_example_file(code, g, file.resolve())
    stamps = []
    for d in dirs:
        for header in sorted(d.iterdir()):
            if header.suffix in _HEADERS or header == file.resolve():
                st = header.stat()
                stamps.append(f"{header}:{st.st_mtime_ns}:{st.st_size}")
    check = f"{name} -fsyntax-only"
    key = (check, _digest(tool, example, *(str(d) for d in dirs), *stamps))
    return _cached(key, lambda: _cc(tool, check, cpp, dirs, example, root))


def _cc(tool: str, check: str, cpp: bool, dirs: list[Path], example: str, root: Path) -> ToolResult | None:
    suffix = ".cpp" if cpp else ".c"
    with tempfile.TemporaryDirectory(prefix="blockguide-c-") as tmp:
        temp = Path(tmp) / f"blockguide_example{suffix}"
        temp.write_text(example, "utf-8")
        argv = [tool, "-fsyntax-only", "-x", "c++" if cpp else "c"]
        if not cpp:
            argv += ["-Werror=implicit-function-declaration", "-Werror=implicit-int"]
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
