"""The CLI end to end in a subprocess: a guide printed or written; errors are one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.replay.fake_ollama import invalid_json, refused_url


def run(*args, cwd=None, env_extra=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "blockguide", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.fixture
def env(tmp_path):
    return {"BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache")}


def test_doc_prints_markdown_with_the_real_import(project, fake, env):
    out = run("doc", str(project / "src/textkit/slug.py"), "--lines", "9-13", "--host", fake.url, env_extra=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("How to Use This Code Block\n====")
    assert "from textkit.slug import slugify" in out.stdout
    assert out.stderr == ""


def test_doc_json_and_symbol(project, fake, env):
    out = run("doc", str(project / "src/textkit/slug.py"), "--symbol", "Slugger.make", "--host", fake.url,
              "--format", "json", env_extra=env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["block"] == {"kind": "method", "name": "make", "lines": [20, 21]}
    assert data["import"] == "from textkit.slug import Slugger"


def test_doc_write_inserts_once_and_replaces_after(project, fake, env):
    path = project / "src/textkit/slug.py"
    before = path.read_text()
    assert run("doc", str(path), "--symbol", "slugify", "--host", fake.url, "--write", env_extra=env).returncode == 0
    once = path.read_text()
    assert once.count("--- blockguide ") == 1
    assert [l for l in once.split("\n") if not l.startswith("#")] == before.split("\n")
    out = run("doc", str(path), "--symbol", "slugify", "--host", fake.url, "--write", env_extra=env)
    assert out.returncode == 0 and "replaced" in out.stderr
    assert path.read_text() == once


def test_doc_without_a_model_server_prints_the_static_guide_and_says_how_to_start_one(project, env):
    out = run("doc", str(project / "src/textkit/slug.py"), "--lines", "9", "--host", refused_url(), env_extra=env)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "Cannot reach Ollama" in out.stderr and "without a model" in out.stderr
    assert "How to Use This Code Block" in out.stdout and "from textkit.slug import slugify" in out.stdout
    assert "Generated without a model" not in out.stdout and "Cannot reach" not in out.stdout  # the guide only
    out = run("doc", str(project / "src/textkit/slug.py"), "--lines", "9", "--host", refused_url(), "--format",
              "json", env_extra=env)
    assert "The model was not used: Cannot reach Ollama" in " ".join(json.loads(out.stdout)["provenance"]["notes"])
    # not stored: the next run asks the model again
    out = run("doc", str(project / "src/textkit/slug.py"), "--lines", "9", "--host", refused_url(), env_extra=env)
    assert "Cannot reach Ollama" in out.stderr


def test_doc_without_a_model_server_and_no_fallback_fails_with_how_to_start_one(project, env):
    path = project / "src/textkit/slug.py"
    before = path.read_text()
    out = run("doc", str(path), "--lines", "9", "--host", refused_url(), "--no-offline-fallback", "--write",
              env_extra=env)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Cannot reach Ollama" in out.stderr and "Traceback" not in out.stderr
    assert path.read_text() == before


def test_doc_with_model_none_needs_no_server(project, env):
    out = run("doc", str(project / "src/textkit/slug.py"), "--symbol", "slugify", "--model", "none", env_extra=env)
    assert out.returncode == 0 and "from textkit.slug import slugify" in out.stdout


@pytest.mark.parametrize("args, words", [
    (["doc", "missing.py", "--lines", "1"], "no such file"),
    (["doc", "notes.txt", "--lines", "1"], "does not support files ending in '.txt'"),
    (["doc", "blob.py", "--lines", "1"], "binary"),
    (["doc", "latin.py", "--lines", "1"], "not UTF-8"),
    (["doc", "ok.py", "--lines", "40-41"], "past its end"),
    (["doc", "ok.py", "--lines", "2-2"], "hold no code"),
    (["doc", "ok.py", "--symbol", "nope"], "no function or class named 'nope'"),
    (["doc", "ok.py", "--lines", "1", "--timeout", "-3"], "blockguide.timeout"),
])
def test_bad_input_is_one_clear_line(tmp_path, env, args, words):
    (tmp_path / "notes.txt").write_text("hi\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02def")
    (tmp_path / "latin.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "ok.py").write_text("x = 1\n\n")
    out = run(*args, cwd=tmp_path, env_extra=env)
    assert out.returncode == 1 and out.stdout == ""
    assert words in out.stderr and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_bad_usage_exits_2(tmp_path):
    out = run("doc", "x.py", "--lines", "3-1")
    assert out.returncode == 2 and "expected 1 <= A <= B" in out.stderr


def test_check_fails_with_the_fix_when_the_model_is_missing(fake):
    ok = run("check", "--host", fake.url)
    assert ok.returncode == 0 and "ok   model: blockguide-tiny is installed" in ok.stdout
    missing = run("check", "--host", fake.url, "--model", "big-coder")
    assert missing.returncode == 1 and "fix: The model 'big-coder' is not available" in missing.stdout
    assert "ollama pull big-coder" in missing.stdout


def test_a_garbage_answer_twice_gives_the_guide_from_the_code_and_says_why(project, fake, env):
    fake.add(invalid_json(), invalid_json())
    out = run("doc", str(project / "src/textkit/slug.py"), "--lines", "9", "--host", fake.url, env_extra=env)
    assert out.returncode == 0 and len(fake.chat_requests) == 2
    assert "without a model" in out.stderr and "could not be read twice" in out.stderr
    assert out.stdout.startswith("How to Use This Code Block\n" + "=" * 89) and "Sure! Here is" not in out.stdout
