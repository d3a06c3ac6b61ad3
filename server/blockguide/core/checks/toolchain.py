"""The real toolchain checks a usage example where it is installed: Go (`go vet` with `-overlay`), C/C++
(`cc`/`c++ -fsyntax-only`: checks.toolchain_c), JavaScript/TypeScript (`tsc --noEmit` or `node --check`:
checks.toolchain_js), Java (`javac -sourcepath`: checks.toolchain_java) and Rust (`cargo check --offline` where
the project is built: checks.toolchain_rust). The example is compiled, never run, and the user's tree is never written: Go reads the
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

from blockguide.core.checks.toolchain_c import c_check
from blockguide.core.checks.toolchain_java import java_check
from blockguide.core.checks.toolchain_js import js_check
from blockguide.core.checks.toolchain_rust import rust_check
from blockguide.core.checks.toolrun import ToolResult
from blockguide.core.checks.toolrun import about as _about, cached as _cached, digest as _digest, read as _read
from blockguide.core.checks.toolrun import run as _run
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


ENABLED = True  # tests/unit turns it off (its tests start no process) except in the toolchain's own tests
GO_SECONDS = 6.0  # a cold build cache costs `go vet` more the first time; a timeout is "not checked"


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
            return c_check(code, g, file, cpp=lang == "cpp")
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
