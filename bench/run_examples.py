"""Run a shipped usage example the way its language runs a program: the benchmarks' check that an example a
reader copies works. The product never runs the user's code; only the benchmarks call this.

`run_example(language, code, tree, file)` runs `code` (the guide's example for a block in `file`, a path inside
the pinned package `tree` that bench.quality.fetch unpacked) in a throwaway copy of the package, without
network (`unshare -n` where the kernel allows it; the tools offline in any case), with a time limit:
- Python: in a virtual environment (cached under .tools/bench-cache/run/) where the package and its dependencies
  from PyPI are installed; an example that imports nothing of the package runs in the namespace of the block's
  module (where its comment says it runs);
- Go: a `package main` example as a program inside the module (`go run`), an example in the block's own package
  as a test of that package (`go test`), GOFLAGS=-mod=mod and GOPROXY=off after the module's dependencies are
  downloaded once;
- JavaScript with node (an example importing nothing of the package runs at the end of the block's module);
  TypeScript compiled by tsc first;
- Java: javac against the package's classes (its sources compiled once, else its sources) and the jars of its
  pom's dependencies (Maven, once per package), then java (sources that still need a dependency not here to
  compile: not runnable);
- Rust: `cargo run --offline` in a crate depending on a copy of the package's crate; a private function's example
  (a test module next to it) with `cargo test --offline` inside the copy;
- C/C++: compiled and linked with the block's own file (the example appended to a copy of it when it includes
  no header of the project; a CPython extension against libpython), then run; a block in a header: the example
  (which includes it) as a program of its own; where linking needs more than that plain compile, compiled only
  and reported so ("not runnable").

The answer is a `Ran`: "ok", "error" (it did not build, load or import), "crash" (it started and stopped with
an uncaught exception, a panic, a signal, a non-zero exit or the time limit), or "not runnable" (why), with the
first line of the error. Preparing a package (its venv, its npm or Go dependencies) is done once per tree and
may use the registries; running never does.

`run_sampled(case)` is the sampled benchmark's hook (bench/sample, issue 20): the same run as a "run" verdict,
pass / fail (the first error line) / n/a (not runnable here, or the runner's own error, said so).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.quality.fetch import CACHE
from blockguide.core.checks.toolrun import file_lock

RUN_CACHE = CACHE / "run"
SECONDS = 180.0  # building and running one example (a first Go, Rust or C++ build under load is the slow part)
PREPARE_SECONDS = 900.0
OK, ERROR, CRASH, NOT_RUNNABLE = "ok", "error", "crash", "not runnable"


@dataclass(frozen=True)
class Ran:
    status: str  # OK, ERROR, CRASH or NOT_RUNNABLE
    how: str  # what ran it: "python", "go run", "go test", "node", "tsc + node", "javac + java", "cargo run", ...
    detail: str = ""  # the first error line, or why it is not runnable

    @property
    def ok(self) -> bool:
        return self.status == OK

    def __str__(self) -> str:
        return self.status + (f" ({self.how})" if self.how else "") + (f": {self.detail}" if self.detail else "")


def run_example(language: str, code: str, tree: Path, file: str, seconds: float = SECONDS) -> Ran:
    """Run the example of a block in `tree/file` (see the module's doc); never raises for the example's faults."""
    runner = {"python": _python, "go": _go, "javascript": _js, "typescript": _js, "tsx": _js, "java": _java,
              "rust": _rust, "c": _c, "cpp": functools.partial(_c, cpp=True)}.get(language)
    if runner is None:
        return Ran(NOT_RUNNABLE, "", f"no runner for {language}")
    tree = Path(tree).resolve()
    if not (tree / file).is_file():
        return Ran(NOT_RUNNABLE, "", f"{file} is not in {tree}")
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        try:
            return runner(code, tree, file, Path(tmp), seconds)
        except _Prepare as exc:
            return Ran(NOT_RUNNABLE, exc.how, f"could not prepare the package: {exc.why}")


class _Prepare(Exception):
    def __init__(self, how: str, why: str):
        super().__init__(why)
        self.how, self.why = how, why


# --- running a command -----------------------------------------------------------------------------------------
@functools.cache
def _isolated() -> list[str]:
    """`unshare -n` (no network) where the kernel lets this user make a network namespace, else nothing."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return []


@dataclass
class _Done:
    rc: int | None  # None: timed out
    out: str


def _exec(argv: list[str], cwd: Path, seconds: float, env: dict | None = None, offline: bool = True) -> _Done:
    argv = [*(_isolated() if offline else []), *argv]
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=seconds,
                              env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or ""
        return _Done(None, out if isinstance(out, str) else out.decode("utf-8", "replace"))
    return _Done(done.returncode, done.stdout + done.stderr)


def _first(out: str, *patterns: str) -> str:
    """The first line of `out` matching the first of `patterns` that any line matches (else its last non-empty
    line), shortened; a Rust panic's line is followed by its message."""
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    for pattern in patterns or (r"\berror\b|Error|panic|Exception",):
        at = next((i for i, l in enumerate(lines) if re.search(pattern, l)), None)
        if at is not None:
            hit = lines[at]
            if re.search(r"panicked at .*:$", hit) and at + 1 < len(lines):
                hit += " " + lines[at + 1]
            return hit[:240]
    return lines[-1][:240] if lines else ""


def _finished(done: _Done, how: str, seconds: float, *patterns: str) -> Ran:
    """A program that was built and started: ok, or a crash (exception, panic, signal, exit code, time)."""
    if done.rc is None:
        return Ran(CRASH, how, f"timed out after {seconds:.0f} s")
    if done.rc == 0:
        return Ran(OK, how)
    if done.rc < 0 or done.rc > 128:
        signal = -done.rc if done.rc < 0 else done.rc - 128
        return Ran(CRASH, how, f"killed by signal {signal}" + (f": {_first(done.out, *patterns)}" if done.out else ""))
    return Ran(CRASH, how, _first(done.out, *patterns) or f"exit code {done.rc}")


def _locked(path: Path):
    """One preparation of a package at a time, across processes (the benchmarks may run side by side)."""
    return file_lock(path.with_name(path.name + ".lock"))


def _copy(tree: Path, to: Path) -> Path:
    shutil.copytree(tree, to, symlinks=True, ignore=shutil.ignore_patterns("target", ".git"))
    return to


# --- Python -----------------------------------------------------------------------------------------------------
def _python_module(tree: Path, file: str) -> str:
    """The dotted module of a file: its name and the packages (folders with __init__.py) around it."""
    path = tree / file
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder != tree:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _venv(tree: Path) -> Path:
    """A virtual environment with the package (from a copy of its tree) and its dependencies installed, made once
    per tree under RUN_CACHE."""
    venv = RUN_CACHE / "venv" / tree.name
    python = venv / "bin" / "python"
    with _locked(venv):
        if python.is_file() and (venv / ".ready").is_file():
            return python
        shutil.rmtree(venv, ignore_errors=True)
        base = Path(sysconfig.get_config_var("BINDIR") or "") / "python3"
        made = _exec([str(base if base.is_file() else sys.executable), "-m", "venv", str(venv)], RUN_CACHE,
                     PREPARE_SECONDS, offline=False)
        if made.rc != 0:
            raise _Prepare("python", _first(made.out))
        with tempfile.TemporaryDirectory(prefix="bench-pip-") as tmp:
            copy = _copy(tree, Path(tmp) / tree.name)
            pip = _exec([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(copy)],
                        RUN_CACHE, PREPARE_SECONDS, offline=False)
        if pip.rc != 0:
            raise _Prepare("python", _first(pip.out))
        (venv / ".ready").write_text("")
    return python


_PY_RUN_IN_MODULE = """\
import importlib, sys
module = importlib.import_module(sys.argv[1])
code = open(sys.argv[2], encoding="utf-8").read()
exec(compile(code, "blockguide_example.py", "exec"), vars(module))
"""


def _python(code: str, tree: Path, file: str, tmp: Path, seconds: float) -> Ran:
    module = _python_module(tree, file)
    python = _venv(tree)
    example = tmp / "blockguide_example.py"  # not "example.py": an example's `import example` must not find it
    example.write_text(code, "utf-8")
    top = module.split(".")[0]
    imports_package = re.search(rf"^\s*(from\s+{re.escape(top)}[\s.]|import\s+{re.escape(top)}\b)", code, re.M)
    if imports_package or not module:
        argv, how = [str(python), str(example)], "python"
    else:  # nothing of the package imported: the example runs where the block is defined
        (tmp / "run_in_module.py").write_text(_PY_RUN_IN_MODULE, "utf-8")
        argv, how = [str(python), str(tmp / "run_in_module.py"), module, str(example)], f"python (in {module})"
    done = _exec(argv, tmp, seconds, {"PYTHONDONTWRITEBYTECODE": "1"})
    if done.rc not in (0, None):
        last = _traceback_error(done.out)
        if re.match(r"(SyntaxError|IndentationError|ImportError|ModuleNotFoundError)\b", last):
            return Ran(ERROR, how, last)
        if last:
            return Ran(CRASH, how, last)
    return _finished(done, how, seconds)


def _traceback_error(out: str) -> str:
    """The exception line that ends a Python traceback ("ValueError: ..."), else ""."""
    lines = [l for l in out.splitlines() if l.strip()]
    if not any(l.startswith("Traceback") or l.startswith("  File ") for l in lines):
        return ""
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)?\b(:|$)", line) and \
                not line.startswith(" "):
            return line.strip()[:240]
    return lines[-1].strip()[:240]


# --- Go ---------------------------------------------------------------------------------------------------------
_GO_ENV = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOSUMDB": "off", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}


def _go_module_root(tree: Path, file: str) -> Path | None:
    for base in (tree / file).parents:
        if (base / "go.mod").is_file():
            return base
        if base == tree:
            return None
    return None


def _go_prepare(module: Path) -> None:
    """The module's dependencies in Go's module cache, downloaded once through the module proxy."""
    marker = RUN_CACHE / "go" / (module.as_posix().replace("/", "_") + ".ready")
    with _locked(marker):
        if marker.is_file():
            return
        with tempfile.TemporaryDirectory(prefix="bench-go-") as tmp:
            copy = _copy(module, Path(tmp) / "m")
            done = _exec(["go", "mod", "download", "all"], copy, PREPARE_SECONDS,
                         {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}, offline=False)
        if done.rc != 0:
            raise _Prepare("go", _first(done.out))
        marker.write_text("")


def _go(code: str, tree: Path, file: str, tmp: Path, seconds: float) -> Ran:
    if shutil.which("go") is None:
        return Ran(NOT_RUNNABLE, "go", "go is not installed")
    module = _go_module_root(tree, file)
    if module is None:
        return Ran(NOT_RUNNABLE, "go", "no go.mod above the block's file")
    clause = re.search(r"^\s*package\s+(\w+)", code, re.M)
    if clause is None:
        return Ran(ERROR, "go", "the example has no package clause")
    _go_prepare(module)
    copy = _copy(module, tmp / "module")
    folder = copy / (tree / file).parent.relative_to(module)
    if clause.group(1) == "main" and re.search(r"\bfunc\s+main\s*\(\s*\)", code):
        where = copy / "blockguide_example"
        where.mkdir()
        (where / "main.go").write_text(code, "utf-8")
        argv, how = ["go", "run", "./blockguide_example"], "go run"
    else:  # an example in the block's own package: its functions are called by a test of that package
        called = re.findall(r"^func\s+([A-Za-z_]\w*)\s*\(\s*\)\s*\{", code, re.M)
        if not called:
            return Ran(NOT_RUNNABLE, "go test", "the example in the package has no function without arguments")
        for other in folder.glob("*_test.go"):  # the package's own tests may need test-only modules
            other.unlink()
        (folder / "zz_blockguide_example_test.go").write_text(code, "utf-8")
        test = f"package {clause.group(1)}\n\nimport \"testing\"\n\nfunc TestBlockguideExample(t *testing.T) {{\n" + \
            "".join(f"\t{name}()\n" for name in called) + "}\n"
        (folder / "zz_blockguide_run_test.go").write_text(test, "utf-8")
        argv, how = ["go", "test", "-count=1", "-run", "^TestBlockguideExample$", "."], "go test"
    done = _exec(argv, folder if how == "go test" else copy, seconds, _GO_ENV)
    built = not re.search(r"^#\s|\[build failed\]|\[setup failed\]|cannot find|no required module", done.out, re.M)
    if done.rc not in (0, None) and not built:
        return Ran(ERROR, how, _first(done.out, r"\.go:\d+|error|cannot|missing"))
    return _finished(done, how, seconds, r"^panic:", r"\.go:\d+", r"FAIL")


# --- JavaScript and TypeScript ---------------------------------------------------------------------------------
def _js_prepared(tree: Path) -> Path:
    """A copy of the package with its dependencies installed by npm (not its devDependencies), made once."""
    ready = RUN_CACHE / "npm" / tree.name
    with _locked(ready):
        if (ready / ".ready").is_file():
            return ready
        shutil.rmtree(ready, ignore_errors=True)
        _copy(tree, ready)
        manifest = json.loads((ready / "package.json").read_text("utf-8")) if (ready / "package.json").is_file() \
            else {}
        if manifest.get("dependencies"):  # npm resolves the devDependencies too (some from git): left out
            lean = {k: v for k, v in manifest.items() if k not in ("devDependencies", "scripts", "workspaces")}
            (ready / "package.json").write_text(json.dumps(lean, indent=2), "utf-8")
            done = _exec(["npm", "install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund",
                          "--no-package-lock"], ready, PREPARE_SECONDS, offline=False)
            if done.rc != 0:
                raise _Prepare("npm", _first(done.out))
        (ready / ".ready").write_text("")
    return ready


_JS_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"']+)\2""")


def _js(code: str, tree: Path, file: str, tmp: Path, seconds: float) -> Ran:
    node = shutil.which("node")
    if node is None:
        return Ran(NOT_RUNNABLE, "node", "node is not installed")
    prepared = _js_prepared(tree)
    package = tmp / "package"
    _copy(prepared, package)
    manifest = json.loads((package / "package.json").read_text("utf-8")) if (package / "package.json").is_file() \
        else {}
    name = manifest.get("name")
    if name:  # the package reached by its name, as a user's project has it in node_modules
        link = tmp / "node_modules" / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(package, target_is_directory=True)
    typescript = Path(file).suffix in (".ts", ".tsx", ".mts", ".cts")
    specs = [m.group(3) for m in _JS_IMPORT.finditer(code)]
    own = [s for s in specs if s.startswith(".") or (name and (s == name or s.startswith(name + "/")))]
    esm = bool(re.search(r"^\s*(import|export)\b", code, re.M)) or manifest.get("type") == "module"
    example_from = 1
    if not own:  # the example imports nothing of the package: it runs at the end of the block's module
        target = package / file
        body = "\n".join(l for l in code.split("\n") if not re.match(r"^\s*//", l) or "`" not in l)
        before = target.read_text("utf-8")
        example_from = before.count("\n") + 3  # the example's first line in the module
        target.write_text(before + "\n\n" + body + "\n", "utf-8")
        entry, how = target, "node (in the module)"
    else:
        suffix = ".ts" if typescript else ".mjs" if esm else ".cjs"
        entry, how = package / f"blockguide_example{suffix}", "node"
        entry.write_text(code, "utf-8")
    if entry.suffix in (".ts", ".tsx", ".mts", ".cts"):
        tsc = shutil.which("tsc")
        if tsc is None:
            return Ran(NOT_RUNNABLE, "tsc + node", "tsc is not on PATH")
        out = tmp / "out"
        esm = bool(re.search(r"^(?!\s*//)[^\n]*\bawait\b", _outside_functions(code), re.M))  # top-level await
        module = ["--module", "es2022", "--target", "es2022", "--moduleResolution", "bundler"] if esm else \
            ["--module", "commonjs", "--target", "es2020", "--moduleResolution", "node"]
        built = _exec([tsc, "--outDir", str(out), "--rootDir", str(package), *module, "--esModuleInterop",
                       "--skipLibCheck", "--lib", "es2022,dom", str(entry)], package, seconds)
        if built.rc is None:
            return Ran(CRASH, "tsc + node", f"tsc timed out after {seconds:.0f} s")
        errors = [l for l in built.out.splitlines() if "error TS" in l and (entry.name in l or l.startswith("error"))
                  and _ts_error_line(l) >= example_from]  # in the module: the module's own errors are not the example's
        if errors:
            return Ran(ERROR, "tsc + node", errors[0].strip()[:240])
        entry = out / entry.relative_to(package).with_suffix(".js")
        if not entry.is_file():
            return Ran(ERROR, "tsc + node", _first(built.out))
        (out / "package.json").write_text(f'{{"type": "{"module" if esm else "commonjs"}"}}\n', "utf-8")
        if (package / "node_modules").is_dir() and not (out / "node_modules").exists():
            # the compiled sources sit outside the package: its installed dependencies stay reachable
            (out / "node_modules").symlink_to(package / "node_modules", target_is_directory=True)
        how = "tsc + " + how
    done = _exec([node, str(entry)], entry.parent, seconds)
    if done.rc not in (0, None) and re.search(r"SyntaxError|ERR_MODULE_NOT_FOUND|Cannot find module", done.out):
        return Ran(ERROR, how, _first(done.out, r"SyntaxError|ERR_MODULE_NOT_FOUND|Cannot find module"))
    return _finished(done, how, seconds, r"^\w*Error\b", r"^\w+:\s", r"Error:", r"Exception\b(?!\()")


def _ts_error_line(line: str) -> int:
    """The line of a tsc error ("src/a.ts(12,3): error TS2304: ..."); a general error (no place) counts as 10**9."""
    m = re.match(r"[^(\n]*\((\d+),\d+\): error", line.strip())
    return int(m.group(1)) if m else 10**9


def _outside_functions(code: str) -> str:
    """The example's lines outside any function body (a rough cut by braces: enough to see a top-level await)."""
    out, depth = [], 0
    for line in code.split("\n"):
        if depth == 0:
            out.append(line)
        depth = max(0, depth + line.count("{") - line.count("}"))
    return "\n".join(out)


# --- Java -------------------------------------------------------------------------------------------------------
def _java_source_root(tree: Path, file: str) -> Path:
    text = (tree / file).read_text("utf-8", "replace")
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M)
    root = (tree / file).parent
    for _ in (package.group(1).split(".") if package else []):
        root = root.parent
    return root


def _java_dependencies(tree: Path) -> list[Path]:
    """The jars the package's sources compile against (its pom's compile and provided scopes), copied by Maven
    from Maven Central once per package; none where the tree has no pom or Maven cannot get them."""
    poms = sorted(tree.glob("META-INF/maven/*/*/pom.xml"))
    jars = RUN_CACHE / "maven" / tree.name
    if not poms or shutil.which("mvn") is None:
        return []
    with _locked(jars):
        if not (jars / ".ready").is_file():
            shutil.rmtree(jars, ignore_errors=True)
            with tempfile.TemporaryDirectory(prefix="bench-mvn-") as tmp:
                shutil.copyfile(poms[0], Path(tmp) / "pom.xml")
                done = _exec(["mvn", "-q", "-B", "dependency:copy-dependencies", "-DincludeScope=compile",
                              f"-DoutputDirectory={jars}"], Path(tmp), PREPARE_SECONDS, offline=False)
            jars.mkdir(parents=True, exist_ok=True)
            (jars / ".ready").write_text("" if done.rc == 0 else _first(done.out, r"ERROR"), "utf-8")
    return sorted(jars.glob("*.jar"))


def _java_classes(tree: Path, root: Path, jars: list[str]) -> Path | None:
    """The package's sources under `root` compiled once (cached under RUN_CACHE), or None where they do not
    compile all together (the example is then compiled with them as its source path)."""
    classes = RUN_CACHE / "javac" / tree.name / (root.relative_to(tree).as_posix().replace("/", "_") or "_")
    with _locked(classes):
        if (classes / ".ready").is_file():
            return classes if (classes / ".ready").read_text("utf-8") == "ok" else None
        shutil.rmtree(classes, ignore_errors=True)
        classes.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="bench-javac-") as tmp:
            listing = Path(tmp) / "sources.txt"
            listing.write_text("\n".join(str(f) for f in sorted(root.rglob("*.java"))
                                         if f.name not in ("module-info.java", "package-info.java")), "utf-8")
            done = _exec(["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(classes),
                          *(["-cp", os.pathsep.join(jars)] if jars else []), f"@{listing}"], Path(tmp),
                         PREPARE_SECONDS)
        (classes / ".ready").write_text("ok" if done.rc == 0 else "failed", "utf-8")
        return classes if done.rc == 0 else None


def _java(code: str, tree: Path, file: str, tmp: Path, seconds: float) -> Ran:
    if shutil.which("javac") is None or shutil.which("java") is None:
        return Ran(NOT_RUNNABLE, "javac + java", "no JDK installed")
    main = re.search(r"\bpublic\s+(?:final\s+)?class\s+(\w+)", code)
    if main is None:
        return Ran(NOT_RUNNABLE, "javac + java", "the example has no public class to run")
    root = _java_source_root(tree, file)
    (tmp / f"{main.group(1)}.java").write_text(code, "utf-8")
    jars = [str(j) for j in _java_dependencies(tree)]
    classes = _java_classes(tree, root, jars)
    if classes is not None:  # the package compiled once: the example alone against its classes
        jars = [str(classes), *jars]
        where = ["-cp", os.pathsep.join(jars)]
    else:  # javac takes from the sources what the example needs
        where = ["-sourcepath", str(_copy(root, tmp / "src")), *(["-cp", os.pathsep.join(jars)] if jars else [])]
    built = _exec(["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(tmp / "out"), *where,
                   f"{main.group(1)}.java"], tmp, seconds)
    if built.rc is None:
        return Ran(CRASH, "javac + java", "javac timed out")
    if built.rc != 0:
        errors = [l.strip() for l in built.out.splitlines() if re.search(r"\.java:\d+: error:", l)]
        if errors and not any(re.match(rf"(.*/)?{main.group(1)}\.java:", e) for e in errors):
            return Ran(NOT_RUNNABLE, "javac + java", "the package's sources do not compile on their own (a "
                       f"dependency of theirs is not here): {errors[0][:200]}")
        return Ran(ERROR, "javac + java", _first(built.out, r"error:"))
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", code, re.M)  # an example in the block's own package
    name = f"{package.group(1)}.{main.group(1)}" if package else main.group(1)
    done = _exec(["java", "-cp", os.pathsep.join([str(tmp / "out"), *jars]), name], tmp, seconds)
    return _finished(done, "javac + java", seconds, r"Exception|Error")


# --- Rust -------------------------------------------------------------------------------------------------------
def _rust_crate(tree: Path, file: str) -> Path | None:
    for base in (tree / file).parents:
        if (base / "Cargo.toml").is_file():
            return base
        if base == tree:
            return None
    return None


def _without_tests(text: str) -> str:
    """Rust source without its `#[cfg(test)]` modules (inline ones cut at their matching brace)."""
    while True:
        m = re.search(r"^(?:[ \t]*#\[[^\]\n]*\][ \t]*\n)*[ \t]*#\[cfg\(test\)\](?:\s*(?://[^\n]*|#\[[^\]\n]*\]))*\s*(pub(\([^)]*\))?\s+)?"
                      r"mod\s+\w+\s*(;|\{)", text, re.M)
        if m is None:
            return text
        end = m.end()
        if m.group(3) == "{":
            depth = 1
            while end < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
        text = text[:m.start()] + text[end:]


def _rust_lock(copy: Path, name: str) -> Path:
    """The lock file of the crate built on its own (its optional dependencies too, which cargo resolves for a
    root crate), its dependencies fetched into cargo's cache from crates.io: once per package."""
    lock = RUN_CACHE / "cargo-lock" / name / "Cargo.lock"
    with _locked(lock):
        if lock.is_file():
            return lock
        with tempfile.TemporaryDirectory(prefix="bench-cargo-") as tmp:
            crate = _copy(copy, Path(tmp) / "crate")
            done = _exec(["cargo", "fetch"], crate, PREPARE_SECONDS, offline=False)
            if done.rc != 0:
                raise _Prepare("cargo", _first(done.out, r"^error"))
            lock.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(crate / "Cargo.lock", lock)
    return lock


def _rust(code: str, tree: Path, file: str, tmp: Path, seconds: float) -> Ran:
    from blockguide.core.checks.toolchain_rust import copied_manifest  # the crate's manifest without its tests

    if shutil.which("cargo") is None:
        return Ran(NOT_RUNNABLE, "cargo", "cargo is not installed")
    crate = _rust_crate(tree, file)
    if crate is None:
        return Ran(NOT_RUNNABLE, "cargo", "no Cargo.toml above the block's file")
    manifest = copied_manifest((crate / "Cargo.toml").read_text("utf-8"), crate)
    if manifest is None:
        return Ran(NOT_RUNNABLE, "cargo", "the crate inherits from a workspace")
    import tomllib

    package = tomllib.loads(manifest).get("package", {}).get("name")
    copy = _copy(crate, tmp / "crate")
    (copy / "Cargo.toml").write_text(manifest, "utf-8")
    for folder in ("tests", "benches", "examples"):
        shutil.rmtree(copy / folder, ignore_errors=True)
    target = RUN_CACHE / "cargo-target" / tree.name  # built once per package; the copies share it
    env = {"CARGO_TARGET_DIR": str(target), "CARGO_NET_OFFLINE": "true"}
    module = re.search(r"^\s*use super::\*;", code, re.M) and not re.search(r"\bfn\s+main\s*\(", code)
    if module:  # a private function's example: a test module at the end of its file (the same module)
        (copy / "Cargo.lock").write_bytes(_rust_lock(copy, tree.name).read_bytes())
        for source in (copy / "src").rglob("*.rs"):  # the crate's own tests need its dev-dependencies: left out
            source.write_text(_without_tests(source.read_text("utf-8")), "utf-8")
        inside = copy / (tree / file).relative_to(crate)
        before = inside.read_text("utf-8")
        example_from = before.count("\n") + 2  # the example's first line in the file
        inside.write_text(before + "\n" + code, "utf-8")
        test = re.search(r"\bmod\s+(\w+)", code)
        argv, how, where = ["cargo", "test", "--offline", "--quiet", "--lib", "--", test.group(1) if test else ""], \
            "cargo test", copy
    else:
        example = tmp / "example"
        (example / "src").mkdir(parents=True)
        (example / "src/main.rs").write_text(code, "utf-8")
        (example / "Cargo.toml").write_text(
            f'[package]\nname = "blockguide-example"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\n{package} = {{ path = "{copy.as_posix()}" }}\n\n[workspace]\n', "utf-8")
        argv, how, where = ["cargo", "run", "--offline", "--quiet"], "cargo run", example
    with _locked(target):
        done = _exec(argv, where, seconds + 120, env)  # the first build of the package is part of it
    if done.rc not in (0, None) and re.search(r"^error(\[E\d+\])?:", done.out, re.M) and \
            not re.search(r"panicked at", done.out):
        line = _first(done.out, r"^error(\[E\d+\])?:")
        if module:  # an error in the example's lines is the example's; any other, the crate's own code's
            where = inside.relative_to(copy).as_posix()
            errors = re.findall(r"^(error(?:\[E\d+\])?:[^\n]*)\n\s*-->\s*([^:\n]+):(\d+):", done.out, re.M)
            mine = [e for e, path, at in errors if path.endswith(where) and int(at) >= example_from]
            if mine:
                return Ran(ERROR, how, mine[0][:240])
            if errors:
                return Ran(NOT_RUNNABLE, how, f"the crate's own tests do not build offline: {line}")
        return Ran(ERROR, how, line)
    if module and done.rc == 0 and re.search(r"running 0 tests", done.out):
        return Ran(NOT_RUNNABLE, how, "no test of the example ran")
    return _finished(done, how, seconds, r"panicked at", r"error")


# --- C and C++ --------------------------------------------------------------------------------------------------
_PYTHON_H = re.compile(r'^\s*#\s*include\s*[<"]Python\.h[>"]', re.M)
_PROJECT_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
_MAIN = re.compile(r"\bint\s+main\s*\(")
_SOURCES = (".c", ".cc", ".cpp", ".cxx")


def _python_flags() -> tuple[list[str], list[str]]:
    include = sysconfig.get_paths().get("include")
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    version = sysconfig.get_config_var("LDVERSION") or sysconfig.get_python_version()
    return [f"-I{include}"], [f"-L{libdir}", f"-lpython{version}", f"-Wl,-rpath,{libdir}", "-lm", "-ldl"]


def _headers(copy: Path) -> list[Path]:
    return sorted(copy.rglob("*.h")) + sorted(copy.rglob("*.hpp"))


# a folder holding one of these is a stand-in for the platform's own headers (for another compiler): not searched
_STANDARD_HEADERS = {"stdint.h", "inttypes.h", "stdbool.h", "stddef.h", "stdlib.h", "string.h", "math.h",
                     "stdio.h", "limits.h", "float.h", "assert.h", "errno.h", "time.h"}


def _include_dirs(copy: Path, file: Path) -> list[Path]:
    """The folders searched for the project's headers: the block's file's and the folders above it, the folders
    of the headers and those above them (`#include "pkg/sub.h"` from an include/ root), nearest first."""
    dirs = [file.parent, *[d for d in file.parent.parents if copy in d.parents or d == copy]]
    for header in _headers(copy):
        for d in [header.parent, *header.parent.parents]:
            if (copy in d.parents or d == copy) and d not in dirs:
                dirs.append(d)
    dirs = [d for d in dirs if not any((d / h).is_file() for h in _STANDARD_HEADERS)]
    dirs.sort(key=lambda d: (d != file.parent, d.name != "include", len(d.parts)))
    return dirs[:60]


def _c(code: str, tree: Path, file: str, tmp: Path, seconds: float, cpp: bool = False) -> Ran:
    """C, or C++ where the language says so (a `.h` of a C++ project), its suffix, or the example's own C++."""
    cpp = cpp or Path(file).suffix in (".cc", ".cpp", ".cxx", ".hpp", ".hh") or bool(
        re.search(r"^\s*#\s*include\s*<(iostream|string|vector|memory)>|\bstd::|\bnamespace\b", code, re.M))
    tool = shutil.which("c++" if cpp else "cc")
    how = "c++" if cpp else "cc"
    if tool is None:
        return Ran(NOT_RUNNABLE, how, f"{how} is not installed")
    copy = _copy(tree, tmp / "tree")
    block_file = copy / file
    header = block_file.suffix not in _SOURCES
    if header and not _MAIN.search(code):
        return Ran(NOT_RUNNABLE, how, "the block is in a header and the example has no main to run")
    text = block_file.read_text("utf-8", "replace")
    own_main = bool(_MAIN.search(text))
    flags = ["-std=c++17"] if cpp else ["-std=gnu11"]
    links: list[str] = []
    if _PYTHON_H.search(code) or _PYTHON_H.search(text) or any(  # a header of the project may include it
            _PYTHON_H.search(h.read_text("utf-8", "replace")) for h in _headers(copy)):
        inc, links = _python_flags()
        flags += inc
    flags += [f"-I{d}" for d in _include_dirs(copy, block_file)]
    if header:  # the example includes the header: a program of its own (linked alone; else compiled only)
        example = tmp / ("example.cpp" if cpp else "example.c")
        example.write_text(code, "utf-8")
        return _c_build_run(tool, how, cpp, flags, links, [example], tmp, seconds)
    if _PROJECT_INCLUDE.search(code) and not own_main:  # the example includes the project's header: its own unit
        example = tmp / ("example.cpp" if cpp else "example.c")
        example.write_text(code, "utf-8")
        ran = _c_build_run(tool, how, cpp, flags, links, [example, block_file], tmp, seconds)
        if ran.status in (OK, CRASH) or own_main:
            return ran
        # it did not build on its own: a static function is reached only from inside its file (as the
        # example's comment says); that way is kept when it builds
        block_file.write_text(text + "\n\n/* the usage example */\n" + code, "utf-8")
        inside = _c_build_run(tool, how, cpp, flags, links, [block_file], tmp, seconds, example_in=block_file)
        return inside if inside.status != ERROR else ran
    if own_main:
        return Ran(NOT_RUNNABLE, how, "the block's file has a main of its own")
    block_file.write_text(text + "\n\n/* the usage example */\n" + code, "utf-8")
    return _c_build_run(tool, how, cpp, flags, links, [block_file], tmp, seconds, example_in=block_file)


def _c_build_run(tool: str, how: str, cpp: bool, flags: list[str], links: list[str], units: list[Path], tmp: Path,
                 seconds: float, example_in: Path | None = None) -> Ran:
    """Compile each unit on its own (an error is said for its own file), link them, run the program."""
    objects = []
    for i, unit in enumerate(units):
        obj = tmp / f"unit{i}.o"
        lang = ["-x", "c++"] if cpp and unit.suffix == ".c" else []
        built = _exec([tool, *flags, "-w", *lang, "-c", str(unit), "-o", str(obj)], tmp, seconds)
        if built.rc != 0:
            if built.rc is None:
                return Ran(CRASH, how, f"compiling {unit.name} timed out")
            missing = re.search(r"^(?!.*\bexample\.c(?:pp)?:)[^\n]*fatal error: ([^:\n]+): No such file", built.out, re.M)
            own = unit.read_text("utf-8", "replace").split("/* the usage example */")[-1] \
                if unit == example_in or unit.name.startswith("example.") else ""
            if missing and missing.group(1) not in own:  # a file of the project includes a header its build
                # brings (a dependency's, a generated one), not the example
                return Ran(NOT_RUNNABLE, how, f"the project's headers need {missing.group(1)}, which its own build "
                                              "provides")
            where = "the example" if unit.name.startswith("example.") else \
                f"{unit.name} with the example" if unit == example_in else f"the project's {unit.name}"
            return Ran(ERROR, how, f"{where}: {_first(built.out, r'error')}")
        objects.append(str(obj))
    program = tmp / "example.bin"
    linked = _exec([tool, *objects, "-o", str(program), *links], tmp, seconds)
    if linked.rc != 0:
        undefined = re.search(r"undefined reference to [`'](.+?)'", linked.out)
        if undefined:
            return Ran(NOT_RUNNABLE, f"{how} (compiled only)",
                       f"linking needs more than the block's file (the project's own build): undefined "
                       f"{undefined.group(1)[:120]}")
        return Ran(ERROR, how, _first(linked.out, r"error|undefined"))
    done = _exec([str(program)], tmp, seconds)
    return _finished(done, how, seconds, r"error|Error|Assertion|Traceback|Segmentation")


# --- placeholders ------------------------------------------------------------------------------------------
PLACEHOLDERS = re.compile(r"""^(null|nil|None|nullptr|NULL|undefined|\{\s*\}|&?Default::default\(\)|todo!\(.*\)|"""
                          r"""(\w+::)*\w+::default\(\)|["']example["']|\.\.\.|\(\w+\s*\*\)\s*(0|NULL))$""", re.S)


def placeholder_args(code: str, name: str = "") -> list[str]:
    """The arguments in the example's calls of `name` (any call when it is "") that are a placeholder or a null:
    null/nil/None/nullptr/NULL/undefined, `{}`, `Default::default()`, `todo!()`, "example". Read from the text
    by its own small scanner (strings and brackets respected), apart from the code that writes the example."""
    found = []
    short = re.split(r"::|\.", name)[-1] if name else r"[A-Za-z_]\w*"
    for m in re.finditer(rf"(?<![\w$])({short})\s*\(", code):
        args = _call_args(code, m.end())
        found += [a for a in args if PLACEHOLDERS.match(re.sub(r"^\w+\s*=(?!=)\s*", "", a))]  # keyword's value too
    return found


def _call_args(code: str, at: int) -> list[str]:
    """The top-level arguments of the call whose "(" ends just before `at`."""
    depth, quote, current, args, i = 0, "", "", [], at
    while i < len(code):
        ch = code[i]
        if quote:
            current += ch
            if ch == "\\" and i + 1 < len(code):
                current += code[i + 1]
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote, current = ch, current + ch
        elif ch in "([{":
            depth, current = depth + 1, current + ch
        elif ch in ")]}":
            if depth == 0:
                break
            depth, current = depth - 1, current + ch
        elif ch == "," and depth == 0:
            args.append(current.strip())
            current = ""
        else:
            current += ch
        i += 1
    if current.strip():
        args.append(current.strip())
    return args


# --- the sampled benchmark's hook (bench/sample, issue 20) ------------------------------------------------
SAMPLED_SECONDS = 60.0  # per example in a sampled draw: a full draw stays near twice its time without running
RUNNER_ERROR = "runner error"  # the reason's prefix when the runner itself failed (our bug, not the example's)


def verdict_of(ran: Ran):
    """The sampled benchmark's "run" verdict for a Ran: pass when it ran, fail (error or crash, with its first
    error line) when it did not, n/a when it could not be run here (the reason says why)."""
    from bench.sample.checks import FAIL, NA, PASS, Verdict

    if ran.ok:
        return Verdict(PASS, f"ran ({ran.how})")
    if ran.status == NOT_RUNNABLE:
        return Verdict(NA, str(ran))
    return Verdict(FAIL, str(ran))


def run_sampled(case, seconds: float = SAMPLED_SECONDS):
    """Run the example of a sampled case (bench.sample.checks.Case) in a throwaway copy of its pinned package:
    its "run" verdict. A failure of this runner (an exception of ours) is n/a with a reason starting
    RUNNER_ERROR, never the example's fail."""
    from bench.sample.checks import FAIL, NA, Verdict

    code = ((case.guide.get("example") or {}).get("code") or "").strip()
    if not code:
        return Verdict(FAIL, "the guide has no example to run")
    if case.tree is None or not case.file:
        return Verdict(NA, f"{RUNNER_ERROR}: the case says no package tree or file")
    try:
        return verdict_of(run_example(case.language, code + "\n", case.tree, case.file, seconds))
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not pass as the example's failure
        return Verdict(NA, f"{RUNNER_ERROR}: {type(exc).__name__}: {str(exc)[:200]}")


def run_report(rows: list[tuple[str, str, Ran]]) -> tuple[list[str], list[str]]:
    """(one line per language: "go: 3/4 ran (go run, go test); 1 crash", the failures: "case (go): crash (go
    test): panic: ...") from (language, case, Ran) rows. A "not runnable" example is counted apart: the share
    that ran is of the examples that could be run."""
    languages: dict[str, list[tuple[str, Ran]]] = {}
    for language, case, ran in rows:
        languages.setdefault(language, []).append((case, ran))
    lines, failures = [], []
    for language, got in languages.items():
        runnable = [r for _, r in got if r.status != NOT_RUNNABLE]
        ran_ok = sum(r.ok for r in runnable)
        hows = ", ".join(dict.fromkeys(r.how for _, r in got if r.how))
        line = f"{language}: {ran_ok}/{len(runnable)} ran" + (f" ({hows})" if hows else "")
        for status in (ERROR, CRASH):
            n = sum(r.status == status for r in runnable)
            if n:
                line += f"; {n} {status}"
        unrunnable = len(got) - len(runnable)
        if unrunnable:
            line += f"; {unrunnable} not runnable"
        lines.append(line)
        failures += [f"{case} ({language}): {ran}" for case, ran in got if not ran.ok]
    return lines, failures


def main(argv: list[str] | None = None) -> int:
    """python -m bench.run_examples LANGUAGE TREE FILE EXAMPLE: run one example (its code in the file EXAMPLE)."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 4:
        print(main.__doc__, file=sys.stderr)
        return 2
    ran = run_example(args[0], Path(args[3]).read_text("utf-8"), Path(args[1]), args[2])
    print(ran)
    return 0 if ran.ok else 1


if __name__ == "__main__":
    sys.exit(main())
