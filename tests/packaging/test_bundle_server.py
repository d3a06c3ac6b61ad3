"""vscode-client/scripts/bundle_server.py, the .vsix's bundled server, without building it (no network): the pins
agree with pyproject.toml, a marker picks a pin per Python version, and a wheel is told apart as shared
(pure Python or abi3) or bound to one CPython version. `make e2e-vscode-bundled` runs the built bundle."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "vscode-client" / "scripts" / "bundle_server.py"


def _load():
    spec = importlib.util.spec_from_file_location("bundle_server", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = _load()


def _pins(python: str) -> dict[str, str]:
    return {Requirement(p).name.lower().replace("_", "-"): str(Requirement(p).specifier)[2:] for p in bundle.pinned(python)}


def test_every_pin_is_exact_and_each_python_gets_one_version_of_each_package():
    for python in bundle.PYTHONS:
        reqs = [Requirement(p) for p in bundle.pinned(python)]
        assert all(len(r.specifier) == 1 and next(iter(r.specifier)).operator == "==" for r in reqs), python
        names = [r.name.lower() for r in reqs]
        assert len(names) == len(set(names)), f"{python}: a package pinned twice"


def test_a_marker_picks_the_pin_for_the_python_version_not_the_running_one():
    assert _pins("3.10")["platformdirs"] == "4.12.4"
    assert _pins("3.12")["platformdirs"] == "4.14.9"
    assert _pins("3.10")["rapidfuzz"] != _pins("3.13")["rapidfuzz"]


def test_the_pins_satisfy_pyprojects_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for python in bundle.PYTHONS:
        pins = _pins(python)
        for dep in project["dependencies"]:
            req = Requirement(dep)
            name = req.name.lower().replace("_", "-")
            assert name in pins, f"{name} is not pinned in server-requirements.txt"
            assert req.specifier.contains(pins[name], prereleases=True), f"{python}: {name}=={pins[name]} vs {dep}"


def test_the_served_pythons_start_at_the_projects_minimum():
    minimum = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert minimum == ">=" + bundle.PYTHONS[0]


def _wheel_info(tmp_path: Path, *tags: str) -> Path:
    info = tmp_path / ("x-" + "-".join(tags).replace(".", "_") + ".dist-info")
    info.mkdir()
    (info / "WHEEL").write_text("Wheel-Version: 1.0\n" + "".join(f"Tag: {t}\n" for t in tags))
    return info


def test_pure_and_abi3_wheels_are_shared_others_are_per_version(tmp_path):
    assert not bundle.version_bound(_wheel_info(tmp_path, "py3-none-any"))
    assert not bundle.version_bound(_wheel_info(tmp_path, "cp310-abi3-manylinux_2_17_x86_64"))
    assert bundle.version_bound(_wheel_info(tmp_path, "cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"))


def test_remove_dist_takes_out_what_its_record_lists_and_nothing_else(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "other.py").write_text("")
    info = tmp_path / "pkg-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("pkg/__init__.py,sha256=x,0\npkg-1.0.dist-info/RECORD,,\n")
    bundle.remove_dist(tmp_path, info)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.py"]
