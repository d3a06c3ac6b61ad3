"""Fetch a project at a pinned version from its registry with the ordinary client, unpack it under
.tools/bench-cache (gitignored), and return the unpacked tree (a crate's tree built once). Nothing fetched is
committed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

from blockguide.core.checks.toolrun import file_lock

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".tools" / "bench-cache"


class FetchError(Exception):
    pass


def _run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FetchError(f"{' '.join(cmd)}: {exc}") from None
    if out.returncode != 0:
        raise FetchError(f"{' '.join(cmd)} failed: {out.stderr.strip()[-400:]}")
    return out.stdout


def _safe_extract_tar(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def fetch(spec: str) -> Path:
    """`pypi:NAME==V`, `npm:NAME@V`, `go:MODULE@V`, `crate:NAME@V` or `maven:GROUP:ARTIFACT:V` → its tree.
    A crate's tree is also built once (its target/ folder), as a user's project would be."""
    kind, _, what = spec.partition(":")
    tree = CACHE / "trees" / what.replace("/", "_").replace(":", "_").replace("==", "-").replace("@", "-")
    # one fetch of a tree at a time: two benchmarks fetching it side by side moved one copy into the other
    with file_lock(tree.with_name(tree.name + ".lock")):
        if not tree.is_dir():
            _fetch(kind, what, tree)
        if kind == "crate" and not (tree / "target").is_dir():
            build_crate(tree)
    return tree


def build_crate(tree: Path) -> None:
    """Build the crate's library into its own target/ folder, offline, from what `cargo fetch` put in cargo's
    cache. It is built as the dependency of a throwaway crate: a published crate has no Cargo.lock, and its
    dev-dependencies (benchmarks, test helpers) are neither fetched nor needed for the library. blockguide's
    Rust check runs `cargo check` only where target/ shows that a project is built; this is that build."""
    name = tomllib.loads((tree / "Cargo.toml").read_text("utf-8"))["package"]["name"]
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        proj = Path(tmp)
        (proj / "src").mkdir()
        (proj / "Cargo.toml").write_text(f'[package]\nname = "builder"\nversion = "0.0.0"\nedition = "2021"\n\n'
                                         f'[dependencies]\n{name} = {{ path = "{tree.as_posix()}" }}\n\n'
                                         '[workspace]\n')
        (proj / "src/main.rs").write_text("fn main() {}\n")
        env = {**os.environ, "CARGO_TARGET_DIR": str(tree / "target")}
        _run(["cargo", "build", "--offline", "--quiet"], cwd=proj, env=env)


def _fetch(kind: str, what: str, tree: Path) -> None:
    dl = CACHE / "dl"
    dl.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=CACHE))
    try:
        if kind == "pypi":
            name, version = what.split("==")
            _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", what,
                  "-d", str(dl)])
            archive = next((p for p in dl.iterdir() if p.name.lower().replace("_", "-").startswith(
                f"{name.lower().replace('_', '-')}-{version}") and p.name.endswith((".tar.gz", ".zip"))), None)
            if archive is None:
                raise FetchError(f"no sdist for {what}")
            if archive.name.endswith(".zip"):
                zipfile.ZipFile(archive).extractall(tmp)
            else:
                _safe_extract_tar(archive, tmp)
            (top,) = list(tmp.iterdir())
        elif kind == "npm":
            name = _run(["npm", "pack", what, "--silent", "--pack-destination", str(dl)]).strip().split("\n")[-1]
            _safe_extract_tar(dl / name, tmp)
            top = tmp / "package"
        elif kind == "go":
            info = json.loads(_run(["go", "mod", "download", "-json", what]))
            if info.get("Error"):
                raise FetchError(info["Error"])
            top = tmp / "src"
            shutil.copytree(info["Dir"], top)
            if not (top / "go.mod").exists() and info.get("GoMod"):
                # a module from before go.mod: the go command synthesises `module <path>` for it; keep that
                # file as the tree's go.mod, as a checkout built with modules would have it
                shutil.copyfile(info["GoMod"], top / "go.mod")
            for p in [top, *top.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
        elif kind == "crate":
            name, version = what.split("@")
            proj = tmp / "fetcher"
            (proj / "src").mkdir(parents=True)
            (proj / "Cargo.toml").write_text(f'[package]\nname = "fetcher"\nversion = "0.0.0"\nedition = "2021"\n\n'
                                             f'[dependencies]\n{name} = "={version}"\n')
            (proj / "src/main.rs").write_text("fn main() {}\n")
            _run(["cargo", "fetch", "--quiet"], cwd=proj)
            registry = Path.home() / ".cargo" / "registry" / "src"
            found = next((d for d in registry.glob(f"*/{name}-{version}") if d.is_dir()), None)
            if found is None:
                raise FetchError(f"cargo fetched {what} but its source is not in {registry}")
            top = tmp / "src"
            shutil.copytree(found, top)
        elif kind == "maven":
            group, artifact, version = what.split(":")
            _run(["mvn", "-q", "dependency:copy", f"-Dartifact={group}:{artifact}:{version}:jar:sources",
                  f"-DoutputDirectory={dl}"])
            top = tmp / "src"
            zipfile.ZipFile(dl / f"{artifact}-{version}-sources.jar").extractall(top)
        else:
            raise FetchError(f"unknown fetch kind {kind!r} in {kind}:{what}")
        tree.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(top), str(tree))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
