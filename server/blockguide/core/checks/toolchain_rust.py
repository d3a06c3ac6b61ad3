"""A Rust example through `cargo check --offline`, only where a `target/` folder shows the project is built
(its dependencies are then in cargo's cache): the example is the `src/main.rs` of a temporary crate that depends
on the project's crate by path (its Cargo.lock copied, so the versions are the project's), built into
blockguide's own target folder in the system's temporary folder. The user's tree is never written. Without a
`target/` folder the example is only parsed, and the check says so ("parse only (no target/)")."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from blockguide.core.checks.toolrun import MAX_PROBLEMS, ToolResult, cached, digest, read, run, stamp
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


RUST_SECONDS = 60.0  # the first check builds the project's crate into blockguide's target folder
CHECK = "cargo check"
PARSE_ONLY = "parse only (no target/)"


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
    key = (CHECK, digest(cargo, code, str(crate), *(stamp(p) for p in [crate / "Cargo.toml", *sources])))
    return cached(key, lambda: _cargo(cargo, code, crate, package))


def example_manifest(package: str, crate: Path) -> str:
    return (f'[package]\nname = "blockguide-example"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\n{package} = {{ path = "{crate.as_posix()}" }}\n\n[workspace]\n')


def _cargo(cargo: str, code: str, crate: Path, package: str) -> ToolResult | None:
    target = Path(tempfile.gettempdir()) / f"blockguide-cargo-{digest(str(crate))[:16]}"
    with tempfile.TemporaryDirectory(prefix="blockguide-rust-") as tmp:
        example = Path(tmp)
        (example / "src").mkdir()
        (example / "src/main.rs").write_text(code, "utf-8")
        (example / "Cargo.toml").write_text(example_manifest(package, crate), "utf-8")
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
    problems = [f"cargo check: example.rs:{m.group(1)}: {m.group(2)}"
                for m in re.finditer(r"^src/main\.rs:(\d+):\d+: (error.*)$", output, re.M)][:MAX_PROBLEMS]
    if not problems:  # the crate itself does not build offline here: inconclusive
        log.info("cargo check failed outside the example: %s", output.strip()[:300])
        return None
    return ToolResult(CHECK, tuple(problems))
