"""A Rust example through `cargo check --offline`, only where a `target/` folder shows the project is built
(its dependencies are then in cargo's cache): the example is the `src/main.rs` of a temporary crate that depends
on the project's crate by path (its Cargo.lock copied, so the versions are the project's). A private function's
example (a test module, `use super::*;`, examples.rust) is checked where it is written: inserted after the
function in a copy of the crate (its manifest, build script, top-level files and sources; not its tests, benches
or dev-dependencies), which the temporary crate depends on instead; `#[cfg(test)]` and `#[test]` are left out
there, since a dependency is built without its tests. The user's tree is never written.

Each project has a build folder of its own, `<system temp>/blockguide-cargo/<hash of the crate's path>/` (the
target folder and the copy), kept for the next check: the first check builds the crate (a large one with many
dependencies may take longer than RUST_SECONDS: then it is not checked), the next ones only the example. At most
MAX_BUILD_DIRS are kept; the least recently used goes first. Without a `target/` folder the example is only
parsed, and the check says so ("parse only (no target/)")."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from blockguide.core.checks.toolrun import (
    MAX_PROBLEMS, ToolResult, cached, digest, file_lock, read, run, stamp)
from blockguide.core.languages import LANGUAGES
from blockguide.core.rust_crate import crate_of, lib_root
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


RUST_SECONDS = 60.0  # the first check builds the project's crate into blockguide's target folder
CHECK = "cargo check"
PARSE_ONLY = "parse only (no target/)"
BUILD_ROOT = Path(tempfile.gettempdir()) / "blockguide-cargo"
MAX_BUILD_DIRS = 4
MAX_COPIED_FILE = 1_000_000  # a top-level file copied with the crate (a README its docs include) at most
_MODULE_EXAMPLE = re.compile(r"^\s*use super::\*;", re.M)


def crate_dir(file: Path, root: Path) -> Path | None:
    """The folder of the Cargo.toml nearest above the file (not above the root)."""
    for base in file.parents:
        if (base / "Cargo.toml").is_file():
            return base
        if base == root or base == base.parent:
            return None
    return None


def rust_check(code: str, g: Grounding, file: Path) -> ToolResult | None:
    root = Path(g.root).resolve()
    crate = crate_dir(file.resolve(), root)
    if crate is None:
        return None
    if not any((d / "target").is_dir() for d in (crate, root)):
        return ToolResult(PARSE_ONLY, ())  # not built here: its dependencies may not be in cargo's cache
    cargo = shutil.which("cargo")
    if cargo is None:
        return None
    try:
        package = tomllib.loads(read(crate / "Cargo.toml")).get("package", {}).get("name")
    except tomllib.TOMLDecodeError:
        return None
    if not package:
        return None  # a workspace without a package of its own
    sources = sorted((crate / "src").rglob("*.rs")) if (crate / "src").is_dir() else []
    modules = crate_of(file)
    sources += [p for p in (modules.files if modules is not None else []) if p not in sources]
    stamps = [stamp(p) for p in [crate / "Cargo.toml", *sources]]
    features = tuple(g.needs_features)  # a block compiled only with them: its example is checked with them
    if not compiled(g, file):
        return None  # compiled only in the crate's tests (which the copy is not built as), or only under
        # cfgs this host or a single feature does not set: nothing would compile the example, not checked
    if is_module_example(code):
        at = insertion_line(g, file)
        if at is None or not lib_file(file, crate):
            return None  # the function is not where the file on disk has it, or not in a library
        key = (CHECK, digest(cargo, code, str(crate), str(file), str(at), *features, *stamps, stamp(file)))
        return cached(key, lambda: _in_module(cargo, code, crate, package, file, at, features))
    key = (CHECK, digest(cargo, code, str(crate), *features, *stamps))
    return cached(key, lambda: _cargo(cargo, code, crate, package, features=features))


def compiled(g: Grounding, file: Path) -> bool:
    """The block (or the function its statements run in) is compiled when the crate is built as a dependency
    with the block's features: not a `#[test]` function, not in a `#[cfg(test)]` module, not under a cfg
    this host or one more feature does not set. True for a file outside the library's module tree."""
    crate = crate_of(file)
    module = crate.module_at(file, g.block.span.start) if crate is not None else None
    if module is None:
        return True
    name = g.example_via or g.block.name
    cfgs = crate.modules[module].cfgs + crate.modules[module].items.get(name, (False, ()))[1]
    return not crate.test_only(module, name) and crate.needed(cfgs) is not None


def is_module_example(code: str) -> bool:
    return bool(_MODULE_EXAMPLE.search(code)) and not re.search(r"\bfn\s+main\s*\(", code)


def insertion_line(g: Grounding, file: Path) -> int | None:
    """The 0-based line after the item the block is in, in the file on disk (the block found by its text
    when the lines moved): after the function, or after the `impl` around a method (a module cannot be
    written inside an `impl`)."""
    text = read(file)
    lines = text.split("\n")
    block = g.block.text.split("\n")
    start = g.block.span.start
    if lines[start:start + len(block)] != block:
        start = next((i for i in range(len(lines)) if lines[i:i + len(block)] == block), -1)
        if start < 0:
            return None
    end = start + len(block)
    node = Source(LANGUAGES["rust"], text).tree.root_node.named_descendant_for_point_range(
        (start, len(block[0]) - len(block[0].lstrip())), (start, len(block[0])))
    while node is not None and node.parent is not None and not (
            node.parent.type == "source_file" or
            (node.parent.type == "declaration_list" and node.parent.parent is not None
             and node.parent.parent.type == "mod_item")):
        node = node.parent
    if node is not None and node.parent is not None:
        end = max(end, node.end_point.row + 1)
    return end


def lib_file(file: Path, crate: Path) -> bool:
    """The file is one of the library's modules (core.rust_crate reads them from its root file), not a
    binary's, a test's or a benchmark's."""
    found = crate_of(file)
    return found is not None and found.folder.resolve() == crate.resolve() and found.module_at(file, 0) is not None


def build_dir(crate: Path) -> Path:
    """The project's own build folder under BUILD_ROOT; the least recently used beyond MAX_BUILD_DIRS go."""
    folder = BUILD_ROOT / digest(str(crate))[:16]
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)
    others = sorted((d for d in BUILD_ROOT.iterdir() if d.is_dir() and d != folder),
                    key=lambda d: d.stat().st_mtime, reverse=True)
    for old in others[MAX_BUILD_DIRS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def example_manifest(package: str, crate: Path, features: tuple[str, ...] = ()) -> str:
    """The temporary crate's manifest: it depends on the project's crate (with the non-default features the
    block is compiled under)."""
    wanted = f", features = [{', '.join(repr(f).replace(chr(39), chr(34)) for f in features)}]" if features else ""
    return (f'[package]\nname = "blockguide-example"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\n{package} = {{ path = "{crate.as_posix()}"{wanted} }}\n\n[workspace]\n')


def copied_manifest(text: str, crate: Path) -> str | None:
    """The crate's manifest for its copy: no benches, tests, examples, binaries or dev-dependencies (their
    files are not copied, and a dependency is built without them), relative dependency paths made absolute.
    None when it inherits from a workspace (the copy has none)."""
    if re.search(r"\bworkspace\s*=\s*true", text):
        return None
    out, section, skip = [], "", False
    for line in text.split("\n"):
        header = re.match(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if header:
            section = header.group(2)
            skip = (header.group(1) == "[[" and section in ("bench", "test", "example", "bin")) or \
                bool(re.match(r"(target\..+\.)?dev-dependencies(\.|$)", section))
        if skip:
            continue
        if re.match(r"(target\..+\.)?(build-)?dependencies(\.|$)", section):
            line = re.sub(r'(\bpath\s*=\s*")([^"]+)(")',
                          lambda m: m.group(1) + (crate / m.group(2)).resolve().as_posix() + m.group(3), line)
        out.append(line)
    return "\n".join(out)


def module_copy(code: str, crate: Path, file: Path, at: int, copy: Path) -> int | None:
    """Copy the crate into `copy` with the example inserted after line `at` of its file (as a plain module:
    no `#[cfg(test)]`, no `#[test]`, the line numbers kept); the 0-based line where the example starts."""
    manifest = copied_manifest(read(crate / "Cargo.toml"), crate)
    if manifest is None:
        return None
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    for item in crate.iterdir():
        if item.is_file() and item.name != "Cargo.toml" and item.stat().st_size <= MAX_COPIED_FILE:
            shutil.copy2(item, copy / item.name)
    folders = {crate / "src"} if (crate / "src").is_dir() else set()
    root = lib_root(crate)
    if root is not None and root.parent != crate and (crate / "src") not in (root.parent, *root.parents):
        folders.add(root.parent)  # `[lib] path` elsewhere
    for folder in folders:
        shutil.copytree(folder, copy / folder.relative_to(crate), ignore=shutil.ignore_patterns("target", ".*"))
    (copy / "Cargo.toml").write_text(manifest, "utf-8")
    lines = read(file).split("\n")
    checked = re.sub(r"^([ \t]*)#\[cfg\(test\)\]", r"\1#[allow(dead_code, unused)]", code, flags=re.M)
    checked = re.sub(r"^[ \t]*#\[(tokio::)?test\][ \t]*$", "", checked, flags=re.M)
    lines[at:at] = checked.rstrip("\n").split("\n")
    (copy / file.relative_to(crate)).write_text("\n".join(lines), "utf-8")
    return at


def _in_module(cargo: str, code: str, crate: Path, package: str, file: Path, at: int,
               features: tuple[str, ...] = ()) -> ToolResult | None:
    folder = build_dir(crate)
    with file_lock(folder / ".lock"):  # one check at a time per build folder
        copy = folder / "copy"
        start = module_copy(code, crate, file, at, copy)
        if start is None:
            return None
        shown = (copy / file.relative_to(crate)).as_posix()
        return _cargo(cargo, "fn main() {}\n", crate, package, depend_on=copy, features=features,
                      where=(rf"^{re.escape(shown)}:(\d+):\d+: (error.*)$", start, len(code.split("\n"))))


def _cargo(cargo: str, code: str, crate: Path, package: str, depend_on: Path | None = None, features=(),
           where: tuple[str, int, int] | None = None) -> ToolResult | None:
    """`cargo check` of a temporary crate whose main.rs is `code`, depending on `depend_on` (the project's
    crate, or its copy); `where`: the messages about the example inside that copy (pattern, first line, lines)."""
    target = build_dir(crate) / "target"
    with tempfile.TemporaryDirectory(prefix="blockguide-rust-") as tmp:
        example = Path(tmp)
        (example / "src").mkdir()
        (example / "src/main.rs").write_text(code, "utf-8")
        (example / "Cargo.toml").write_text(example_manifest(package, depend_on or crate, features), "utf-8")
        lock = next((d / "Cargo.lock" for d in (crate, *crate.parents) if (d / "Cargo.lock").is_file()), None)
        if lock is not None:
            shutil.copyfile(lock, example / "Cargo.lock")
        env = {**os.environ, "CARGO_TARGET_DIR": str(target), "CARGO_NET_OFFLINE": "true"}
        ran = run([cargo, "check", "--offline", "--quiet", "--message-format", "short"], example, RUST_SECONDS, env)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult(CHECK, ())
    pattern, first, count = where or (r"^src/main\.rs:(\d+):\d+: (error.*)$", 0, 1 << 30)
    problems = [f"cargo check: example.rs:{int(m.group(1)) - first}: {m.group(2)}"
                for m in re.finditer(pattern, output, re.M) if first < int(m.group(1)) <= first + count]
    if not problems:  # the crate itself does not build offline here (with the features: their optional
        # dependencies may not be in cargo's cache): inconclusive, and no check is claimed
        log.info("cargo check failed outside the example%s: %s",
                 f" (features {', '.join(features)})" if features else "", output.strip()[:300])
        return None
    return ToolResult(CHECK, tuple(problems[:MAX_PROBLEMS]))
