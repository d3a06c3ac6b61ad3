"""`blockguide doc` on hostile input and failing model servers: one clear line on stderr, a non-zero exit,
no traceback, and the file byte for byte as it was. With --write on odd but valid files: every original
line kept, in order, and the file still parses.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import SLUG
from tests.faults.conftest import InProcess, guide_free  # noqa: F401 - the `doc` fixture runs InProcess
from tests.faults.servers import BadServer
from tests.replay.fake_ollama import FakeOllama, guide_answer, http_error, refused_url


def run_doc(*args: str, cache: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m blockguide doc ARGS` in a fresh process, as a user runs it."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("OLLAMA_HOST", "BLOCKGUIDE_DEBUG")}
    full_env["BLOCKGUIDE_CACHE_DIR"] = str(cache)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "blockguide", "doc", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env)


def assert_one_clear_line(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode != 0, result
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("blockguide: ") and "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in lines[0], lines[0]
    for part in expected:
        assert part in lines[0], lines[0]
    assert result.stdout == ""


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.fixture
def files(tmp_path):
    return tmp_path / "files"


BAD_INPUTS = {
    # name → (make(folder) → path, extra args, what the line must say)
    "missing": (lambda d: d / "nope.py", ["--lines", "1-2"], "no such file"),
    "folder": (lambda d: (d / "pkg.py").mkdir(parents=True) or d / "pkg.py", ["--lines", "1-2"], "is a folder"),
    "empty": (lambda d: write(d / "empty.py", ""), ["--lines", "1-1"], "hold no code"),
    "past-the-end": (lambda d: write(d / "short.py", "x = 1\n"), ["--lines", "5-9"], "past its end"),
    "blank-lines": (lambda d: write(d / "blank.py", "\n\n   \n"), ["--lines", "1-3"], "hold no code"),
    "10mb": (lambda d: write(d / "big.py", b"x = 1\n" * 1_700_000), ["--lines", "1-2"], "MB limit"),
    "binary": (lambda d: write(d / "bin.py", b"\x7fELF\x02\x01\x01\x00\x00\x00" * 100), ["--lines", "1-1"],
               "binary"),
    "latin-1": (lambda d: write(d / "latin.py", "s = 'caf\xe9'\n".encode("latin-1")), ["--lines", "1-1"],
                "not UTF-8"),
    "utf-16": (lambda d: write(d / "wide.py", "def f():\n    pass\n".encode("utf-16")), ["--lines", "1-2"],
               "binary"),
    "unknown-language": (lambda d: write(d / "notes.cobol", "MOVE A TO B.\n"), ["--lines", "1-1"],
                         "does not support"),
    "no-suffix": (lambda d: write(d / "Makefile", "all:\n\techo hi\n"), ["--lines", "1-2"], "does not support"),
    "fifo": (lambda d: (d.mkdir(parents=True, exist_ok=True), os.mkfifo(d / "pipe.py"))[0] or d / "pipe.py",
             ["--lines", "1-1"], "not a regular file"),
    "dev-zero": (lambda d: (d.mkdir(parents=True, exist_ok=True), os.symlink("/dev/zero", d / "zero.py"))[0]
                 or d / "zero.py", ["--lines", "1-1"], "not a regular file"),
    "unknown-symbol": (lambda d: write(d / "slug.py", SLUG), ["--symbol", "nothing_here"], "no function or class"),
    "bad-lines-arg": (lambda d: write(d / "slug.py", SLUG), ["--lines", "9-3"], "expected"),
}


@pytest.fixture(scope="module")
def bad_input_runs(tmp_path_factory) -> dict:
    """Every bad input through a fresh `blockguide doc` process, all at once (they are independent)."""
    from concurrent.futures import ThreadPoolExecutor

    prepared = {}
    for name, (make, args, _) in BAD_INPUTS.items():
        folder = tmp_path_factory.mktemp(name)
        path = make(folder / "files")
        before = path.read_bytes() if path.is_file() and name not in ("fifo", "dev-zero") else None
        prepared[name] = (path, args, before, folder / "cache")
    with ThreadPoolExecutor(4) as pool:
        futures = {name: pool.submit(run_doc, str(path), *args, "--model", "none", "--write", cache=cache,
                                     timeout=60)
                   for name, (path, args, before, cache) in prepared.items()}
        return {name: (futures[name].result(), prepared[name][0], prepared[name][2]) for name in prepared}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_gives_one_clear_line(bad_input_runs, name: str) -> None:
    _, _, expected = BAD_INPUTS[name]
    result, path, before = bad_input_runs[name]
    if name == "bad-lines-arg":  # argparse's own usage error: exit 2, its usage lines and one error line
        assert result.returncode == 2 and "expected 1 <= A <= B" in result.stderr and "Traceback" not in result.stderr
    else:
        assert_one_clear_line(result, expected)
    if before is not None:
        assert path.read_bytes() == before


@pytest.mark.parametrize("fault", ["refused", "http-500", "silent", "bad-host-flag", "bad-host-env"])
def test_model_failure_with_write_leaves_the_file_alone(files, doc, fault: str) -> None:
    path = write(files / "slug.py", SLUG)
    before = path.read_bytes()
    env = {}
    with FakeOllama() as fake, BadServer("silent") as silent:
        host = {"refused": refused_url(), "silent": silent.url}.get(fault, fake.url)
        if fault == "http-500":
            fake.add(http_error(500))
        args = ["--lines", "9-13", "--write", "--no-cache", "--timeout", "2", "--no-offline-fallback"]
        if fault == "bad-host-flag":
            args += ["--host", "http://[::1"]
        elif fault == "bad-host-env":
            env["OLLAMA_HOST"] = "::::"
        else:
            args += ["--host", host]
        result = doc(str(path), *args, env=env)
    assert_one_clear_line(result)
    assert path.read_bytes() == before


def test_no_model_server_with_write_inserts_the_complete_static_guide(files, doc) -> None:
    path = write(files / "slug.py", SLUG)
    result = doc(str(path), "--lines", "9-13", "--write", "--no-cache", "--host", refused_url())
    assert result.returncode == 0 and "without a model" in result.stderr and "Cannot reach Ollama" in result.stderr
    text = path.read_text()
    assert guide_free(text) == SLUG
    assert text.count("# --- blockguide ") == 1 and text.count("# --- end blockguide ---") == 1
    assert "(none) ---" in text and "Usage Example" in text


def test_malformed_ollama_host_in_a_fresh_process(files, tmp_path) -> None:
    """`import ollama` itself failed on a malformed OLLAMA_HOST: only a fresh process shows it."""
    path = write(files / "slug.py", SLUG)
    result = run_doc(str(path), "--lines", "9-13", "--write", cache=tmp_path / "cache", env={"OLLAMA_HOST": "::::"})
    assert_one_clear_line(result, "not a valid URL", "OLLAMA_HOST")
    assert path.read_text() == SLUG


def test_file_changed_during_generation_is_not_overwritten(files, doc) -> None:
    path = write(files / "slug.py", SLUG)
    with FakeOllama([guide_answer(chunks=20, chunk_delay=0.1)]) as fake:
        def edit_when_asked() -> None:
            fake.wait_for_requests(1, path="/api/chat", timeout=30)
            path.write_text(SLUG + "\n# typed by the user meanwhile\n")

        editor = threading.Thread(target=edit_when_asked)
        editor.start()
        result = doc(str(path), "--lines", "9-13", "--write", "--no-cache", "--host", fake.url)
        editor.join()
    assert_one_clear_line(result, "changed while")
    assert path.read_text() == SLUG + "\n# typed by the user meanwhile\n"


def code_lines(text: str) -> list[str]:
    """The lines that are not part of an inserted guide."""
    out, inside = [], False
    for line in text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n"):
        if "--- blockguide " in line:
            inside = True
        elif inside and "--- end blockguide ---" in line:
            inside = False
        elif not inside:
            out.append(line)
    return out


ODD_FILES = {
    "crlf": (SLUG.replace("\n", "\r\n"), "slugify"),
    "form-feeds-and-separators": ("import os\n\x0c\ndef a(x):\n    s = 'one\u2028two\x85three'\n    return x\n\n\x0c\n"
                                  "def b(y):\n    return y\n", "b"),
    "byte-order-mark": ("\ufeffdef f(x):\n    return x\n", "f"),
    "no-final-newline": ("def f(x):\n    return x", "f"),
    "syntax-error-elsewhere": ("def broken(:\n    pass\n\n\ndef fine(x):\n    return x\n", "fine"),
    "tabs": ("class K:\n\tdef m(self):\n\t\treturn 1\n", "K.m"),
}


@pytest.mark.parametrize("name", list(ODD_FILES))
def test_write_on_odd_files_keeps_every_line(files, doc, name: str) -> None:
    text, symbol = ODD_FILES[name]
    path = write(files / "odd.py", text)
    for round_ in range(2):  # insert, then (the code changed) replace the guide
        result = doc(str(path), "--symbol", symbol, "--model", "none", "--write")
        assert result.returncode == 0, result.stderr
        after = path.read_bytes().decode("utf-8")
        assert code_lines(after) == code_lines(text), (name, round_)
        if name == "byte-order-mark":
            assert after.startswith("\ufeff# --- blockguide ")
        if name == "crlf":
            assert "\n" not in after.replace("\r\n", "")
        if name != "syntax-error-elsewhere":
            ast.parse(after.removeprefix("\ufeff"))
        text = after.replace("return", "return  ", 1) if round_ == 0 else text
        path.write_bytes(text.encode("utf-8"))
