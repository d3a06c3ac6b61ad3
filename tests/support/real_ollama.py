"""A real Ollama server for tests: the project's own build and bundled model.

Usage::

    from tests.support.real_ollama import real_ollama, MODEL

    with real_ollama() as host:          # "http://127.0.0.1:PORT"
        ollama.Client(host=host).chat(model=MODEL, ...)

``real_ollama()`` reuses the server named by ``BLOCKGUIDE_TEST_OLLAMA_HOST`` if
that is set (it is never stopped here). Otherwise it starts ``ollama serve`` on
127.0.0.1 and a free port, with the models dir ``<repo>/.tools/ollama-models``
(the same settings as ``bash scripts/ollama.sh serve``, but without touching the
``.tools/ollama.env`` of a server a developer started), and stops it on exit.

The binary and the model come from ``bash scripts/ollama.sh setup``;
``unavailable_reason()`` says why a real server can't be had (for skips), and
``real_ollama(setup_first=True)`` runs the setup first (a cold build takes minutes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "ollama.sh"
TOOLS = REPO_ROOT / ".tools"
MODELS_DIR = TOOLS / "ollama-models"
MODEL = "blockguide-tiny"
HOST_ENV = "BLOCKGUIDE_TEST_OLLAMA_HOST"

# The Guide, as blockguide asks the model for it (format= of /api/chat).
GUIDE_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["label", "detail"],
            },
        },
        "example": {
            "type": "object",
            "properties": {"language": {"type": "string"}, "code": {"type": "string"}},
            "required": ["language", "code"],
        },
    },
    "required": ["title", "description", "steps", "example"],
}


class RealOllamaUnavailable(RuntimeError):
    """No ollama binary or no bundled model: run ``bash scripts/ollama.sh setup``."""


def answers(host: str, timeout: float = 2.0) -> bool:
    """True when ``host`` answers ``GET /api/version``."""
    try:
        with urllib.request.urlopen(f"{host.rstrip('/')}/api/version", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError):
        return False


def ollama_binary() -> str | None:
    """The binary ``scripts/ollama.sh`` would run (PATH's ollama, else .tools/bin/ollama), or None."""
    r = subprocess.run(
        ["bash", str(SCRIPT), "bin"], capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
    path = r.stdout.strip()
    return path if r.returncode == 0 and path else None


def model_installed(name: str = MODEL, models_dir: Path = MODELS_DIR) -> bool:
    """True when ``name`` has a manifest in the project's models dir."""
    return (models_dir / "manifests" / "registry.ollama.ai" / "library" / name / "latest").is_file()


def unavailable_reason() -> str | None:
    """Why no real Ollama can be started or reused here, or None if it can."""
    host = os.environ.get(HOST_ENV)
    if host:
        return None if answers(host) else f"{HOST_ENV}={host} does not answer /api/version"
    if ollama_binary() is None:
        return "no ollama binary: run `bash scripts/ollama.sh setup`"
    if not model_installed():
        return f"model {MODEL} not installed: run `bash scripts/ollama.sh setup`"
    return None


def setup() -> None:
    """``bash scripts/ollama.sh setup``: build (or reuse) the binary and install the model."""
    subprocess.run(["bash", str(SCRIPT), "setup"], cwd=REPO_ROOT, check=True)


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != 11434:
            return port


@dataclass
class OllamaProcess:
    """An ``ollama serve`` started by :func:`start_ollama`."""

    host: str
    port: int
    proc: subprocess.Popen
    log_path: Path
    _log: object = field(repr=False, default=None)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the server and its runner at once (for failure tests)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the server's process group (server + runner); SIGKILL after ``timeout``."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None


def server_env(port: int, models_dir: Path = MODELS_DIR) -> dict[str, str]:
    """The environment ``scripts/ollama.sh serve`` gives ``ollama serve``."""
    env = dict(os.environ)
    for k in ("OLLAMA_HOST", "OLLAMA_MODELS"):
        env.pop(k, None)
    home = TOOLS / "ollama-home"
    home.mkdir(parents=True, exist_ok=True)
    dead_proxy = "http://127.0.0.1:9"  # any pull fails at once; loopback is never proxied
    env.update(
        HOME=str(home),
        OLLAMA_HOST=f"127.0.0.1:{port}",
        OLLAMA_MODELS=str(models_dir),
        OLLAMA_NOPRUNE="1",
        OLLAMA_KEEP_ALIVE="30m",
        OLLAMA_NUM_PARALLEL="1",
        OLLAMA_MAX_LOADED_MODELS="1",
        HTTPS_PROXY=dead_proxy,
        HTTP_PROXY=dead_proxy,
        https_proxy=dead_proxy,
        http_proxy=dead_proxy,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


def start_ollama(
    port: int | None = None,
    *,
    models_dir: Path = MODELS_DIR,
    log_path: Path | None = None,
    timeout: float = 30.0,
) -> OllamaProcess:
    """Start ``ollama serve`` on 127.0.0.1 (a free port unless given) and wait until it answers.

    The server runs in its own process group; call ``.stop()`` (or use
    :func:`real_ollama`). Its output goes to ``log_path`` (default
    ``.tools/ollama-test.log``, appended). Raises RealOllamaUnavailable without a binary.
    """
    binary = ollama_binary()
    if binary is None:
        raise RealOllamaUnavailable("no ollama binary: run `bash scripts/ollama.sh setup`")
    port = port or free_port()
    host = f"http://127.0.0.1:{port}"
    models_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_path or TOOLS / "ollama-test.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed by OllamaProcess.stop
    proc = subprocess.Popen(
        [binary, "serve"],
        env=server_env(port, models_dir),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = OllamaProcess(host=host, port=port, proc=proc, log_path=log_path, _log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(host, timeout=1.0):
            return server
        if proc.poll() is not None:
            server.stop()
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"ollama serve exited with {proc.returncode}:\n{tail}")
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"ollama serve did not answer on {host} within {timeout}s; see {log_path}")


@contextlib.contextmanager
def real_ollama(*, setup_first: bool = False, timeout: float = 30.0) -> Iterator[str]:
    """Yield the host URL of a real Ollama that has the bundled model.

    ``BLOCKGUIDE_TEST_OLLAMA_HOST`` set: that server is used as is and left running.
    Otherwise one is started on a free port and stopped afterwards.
    ``setup_first=True`` runs ``scripts/ollama.sh setup`` before starting.
    """
    host = os.environ.get(HOST_ENV)
    if host:
        host = host.rstrip("/")
        if not answers(host):
            raise RealOllamaUnavailable(f"{HOST_ENV}={host} does not answer /api/version")
        yield host
        return
    if setup_first:
        setup()
    if not model_installed():
        raise RealOllamaUnavailable(f"model {MODEL} not installed: run `bash scripts/ollama.sh setup`")
    server = start_ollama(timeout=timeout)
    try:
        yield server.host
    finally:
        server.stop()
