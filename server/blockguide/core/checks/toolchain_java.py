"""A Java example through the real compiler: `javac -d <temporary folder> -sourcepath <the project's source
root> Example.java`, where the JDK is installed and every import of the example is the JDK's or a source file under
the source root. What the block's file imports from a build (annotations, another artifact) does not stop it: an
error of the example that names one of those is inconclusive, any other is the example's. A `module-info.java` at
the root is left out (the example is no module). javac compiles only what the example reaches; its classes go to
the temporary folder. The user's tree is never written; each run has a time limit and is cached."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

from blockguide.core.checks.toolrun import MAX_PROBLEMS, ToolResult, cached, digest, read, run, stamp
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


JAVA_SECONDS = 10.0
CHECK = "javac"
_JDK = ("java.", "javax.", "jdk.", "org.w3c.", "org.xml.", "org.ietf.", "com.sun.", "sun.")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
_IMPORT = re.compile(r"^\s*import\s+(static\s+)?([\w.]+?)(\.\*)?\s*;", re.M)
_CLASS = re.compile(r"^\s*public\s+(?:final\s+|abstract\s+)*(?:class|interface|enum|record)\s+(\w+)", re.M)


def source_root(file: Path, text: str) -> Path | None:
    """The folder a file's package path starts from (src/main/java for org/x/Y.java in package org.x)."""
    package = _PACKAGE.search(text)
    folder = file.parent
    for part in reversed(package.group(1).split(".") if package else []):
        if folder.name != part:
            return None
        folder = folder.parent
    return folder


def unresolved_imports(text: str, root: Path) -> list[str]:
    """The imports neither the JDK nor the sources under `root` provide: the project needs a build for them."""
    out = []
    for m in _IMPORT.finditer(text):
        name = m.group(2)
        if name.startswith(_JDK):
            continue
        parts = name.split(".")
        if m.group(3) and (root / Path(*parts)).is_dir():
            continue
        if not any((root / Path(*parts[:n])).with_suffix(".java").is_file() for n in range(len(parts), 0, -1)):
            out.append(name)
    return out


def java_check(code: str, g: Grounding, file: Path) -> ToolResult | None:
    javac = shutil.which("javac")
    if javac is None:
        return None
    text = read(file)
    root = source_root(file.resolve(), text)
    if root is None:
        return None
    if unresolved_imports(code, root):
        log.info("javac is not run: the example imports what comes from a build (not the JDK or the source root)")
        return None
    # what the block's file imports from a build (annotations, another artifact): javac still checks the
    # example, and an error of the example that names one of them is inconclusive, not a rejection
    missing = tuple(name.rsplit(".", 1)[-1] for name in unresolved_imports(text, root))
    public = _CLASS.search(code)
    name = f"{public.group(1) if public else 'Example'}.java"
    deps = [file, *sorted(file.parent.glob("*.java"))]
    key = (CHECK, digest(javac, code, str(root), *missing, *(stamp(p) for p in deps)))
    return cached(key, lambda: _javac(javac, code, name, root, missing))


def _javac(javac: str, code: str, name: str, root: Path, missing: tuple[str, ...] = ()) -> ToolResult | None:
    with tempfile.TemporaryDirectory(prefix="blockguide-java-") as tmp:
        temp = Path(tmp) / "src" / name
        temp.parent.mkdir()
        temp.write_text(code, "utf-8")
        argv = [javac, "-d", str(Path(tmp) / "classes"), "-implicit:none", "-proc:none", "-nowarn", "-Xlint:none",
                "-encoding", "UTF-8", "-sourcepath", str(_without_module_info(root, Path(tmp))), str(temp)]
        ran = run(argv, root, JAVA_SECONDS)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult(CHECK, ())
    problems = []
    for line in output.splitlines():
        m = re.match(re.escape(str(temp)) + r":(\d+): error: (.*)", line)
        if m and len(problems) < MAX_PROBLEMS:
            if missing and (m.group(2).startswith("cannot access") or
                            any(re.search(rf"\b{re.escape(n)}\b", m.group(2)) for n in missing)):
                return None  # the example's error comes from what the build would provide: inconclusive
            problems.append(f"javac: {name}:{m.group(1)}: {m.group(2)}")
    if not problems:  # the project's own sources do not compile here: inconclusive
        log.info("javac failed outside the example: %s", output.strip()[:300])
        return None
    return ToolResult(CHECK, tuple(problems))


def _without_module_info(root: Path, tmp: Path) -> Path:
    """The source root as javac should read it for an example outside any module: a `module-info.java` there
    makes every compilation modular and needs the modules it requires (annotation artifacts a build fetches),
    so the root is seen through links to everything else in it."""
    if not (root / "module-info.java").is_file():
        return root
    view = tmp / "sourceroot"
    view.mkdir()
    for child in root.iterdir():
        if child.name != "module-info.java":
            (view / child.name).symlink_to(child.resolve(), target_is_directory=child.is_dir())
    return view
