"""Put the blockguide server and its dependencies into the extension's bundled/ folder (make vsix).

    python scripts/bundle_server.py --target linux-x64 [--wheel dist/blockguide-X-py3-none-any.whl]

Everything is installed with pip, at build time, from the versions pinned in server-requirements.txt and
only as wheels for the VS Code target's platform (`--only-binary=:all: --platform ... --python-version ...`),
so nothing is compiled and the machine building need not be the target. Layout:

    bundled/libs/            blockguide and every pure-Python or abi3 dependency (one copy for all Pythons)
    bundled/libs/cp3XY/      the compiled dependencies that have no abi3 wheel, one folder per CPython version
    bundled/manifest.json    what the extension reads: the target, the Pythons served and their folders

The extension starts `python -m blockguide serve` with `libs` and `libs/cp3XY` (the interpreter's version) on
PYTHONPATH: no pip and no network at run time. A Python older than the minimum, or of a version no folder
serves, is told so before anything starts (src/lib/bundle.ts).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import Marker  # in the dev environment (build and pytest depend on it)

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parent
ROOT = CLIENT.parent
REQUIREMENTS = CLIENT / "server-requirements.txt"

# The CPython versions one .vsix serves: from blockguide's minimum (pyproject's requires-python) to the newest
# with wheels of every compiled dependency. A version without such a wheel for the target fails the build.
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")

# VS Code's --target → pip's --platform tags (VS Code itself needs glibc 2.28 and macOS 11 or later).
PLATFORMS = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
                  "manylinux_2_12_x86_64", "manylinux2010_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
    "darwin-x64": ["macosx_11_0_x86_64"],  # pip adds the older macOS versions itself
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
}


def pip(args: list[str]) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True)


def build_wheel(out: Path) -> Path:
    """blockguide's own wheel, built from this checkout."""
    pip(["wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)])
    (wheel,) = out.glob("blockguide-*.whl")
    return wheel


def install(target: Path, platform: str, python: str, requirements: list[str]) -> None:
    platforms = [arg for tag in PLATFORMS[platform] for arg in ("--platform", tag)]
    pip(["install", "--quiet", "--no-deps", "--no-compile", "--only-binary=:all:", "--implementation", "cp",
         "--python-version", python, *platforms, "--target", str(target), *requirements])


def dists(target: Path) -> dict[str, Path]:
    """The installed distributions of a --target folder: name → its .dist-info folder."""
    out = {}
    for info in target.glob("*.dist-info"):
        meta = (info / "METADATA").read_text(encoding="utf-8", errors="replace")
        name = next(line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Name:"))
        out[name.lower().replace("_", "-")] = info
    return out


def version_bound(info: Path) -> bool:
    """True when the wheel works with one CPython version only (not pure Python, not abi3)."""
    tags = [line.split(":", 1)[1].strip() for line in (info / "WHEEL").read_text().splitlines()
            if line.startswith("Tag:")]
    return any(tag.split("-")[1] not in ("none", "abi3") for tag in tags)


def remove_dist(target: Path, info: Path) -> None:
    """Removes an installed distribution from a --target folder, by its RECORD (and the folders it empties)."""
    folders = set()
    for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
        rel = line.rsplit(",", 2)[0]
        if rel:
            path = target / rel
            path.unlink(missing_ok=True)
            folders.update(p for p in path.parents if p != target and target in p.parents)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def pinned(python: str) -> list[str]:
    """server-requirements.txt's pins for one Python version (its `; python_version ...` markers evaluated
    for that version, not for the Python running this script)."""
    out = []
    for line in REQUIREMENTS.read_text().splitlines():
        req = line.split("#", 1)[0].strip()
        if not req:
            continue
        req, _, marker = req.partition(";")
        if not marker.strip() or Marker(marker).evaluate({"python_version": python, "python_full_version": python + ".0"}):
            out.append(req.strip())
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--target", default="linux-x64", choices=sorted(PLATFORMS))
    ap.add_argument("--wheel", type=Path, help="blockguide's wheel (default: built from this checkout)")
    ap.add_argument("--out", type=Path, default=CLIENT / "bundled")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="blockguide-bundle-") as tmp:
        wheel = args.wheel.resolve() if args.wheel else build_wheel(Path(tmp) / "wheel")
        # The whole set once per Python version; what is the same for all of them (same version, pure Python
        # or abi3) is kept once in libs/, the rest in that version's folder.
        staged = {}
        for python in PYTHONS:
            folder = Path(tmp) / ("cp" + python.replace(".", ""))
            install(folder, args.target, python, [str(wheel), *pinned(python)])
            staged[python] = (folder, dists(folder))
        first, (first_folder, first_dists) = PYTHONS[0], staged[PYTHONS[0]]
        shared = sorted(
            name for name, info in first_dists.items()
            if not version_bound(info)
            and all(name in d and d[name].name == info.name for _, d in staged.values()))
        per_version = sorted({name for _, d in staged.values() for name in d} - set(shared))
        out = Path(tmp) / "bundled"
        libs = out / "libs"
        shutil.copytree(first_folder, libs)
        for name in per_version:
            if name in first_dists:
                remove_dist(libs, dists(libs)[name])
        folders = {}
        for python, (folder, installed) in staged.items():
            for name in shared:
                remove_dist(folder, installed[name])
            shutil.rmtree(folder / "bin", ignore_errors=True)
            target = "cp" + python.replace(".", "")
            shutil.move(str(folder), libs / target)
            folders[python] = f"libs/{target}"
        shutil.rmtree(libs / "bin", ignore_errors=True)  # console scripts with this machine's shebang
        compiled = sorted({f.relative_to(folder).parts[0].split(".")[0]
                           for folder in [out / f for f in ("libs", *folders.values())]
                           for f in folder.rglob("*") if f.suffix in (".so", ".pyd")} - {"cp" + p.replace(".", "") for p in PYTHONS})
        version = first_dists["blockguide"].name[len("blockguide-"):-len(".dist-info")]
        manifest = {
            "target": args.target,
            "blockguide": version,
            "common": "libs",
            "pythons": folders,
            "perVersion": per_version,
            "compiledModules": compiled,
            "platformTags": PLATFORMS[args.target],
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        shutil.rmtree(args.out, ignore_errors=True)
        shutil.move(str(out), args.out)
    print(f"bundled blockguide {version} for {args.target}: Python {', '.join(PYTHONS)}; "
          f"per Python version: {', '.join(per_version) or 'none'} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
