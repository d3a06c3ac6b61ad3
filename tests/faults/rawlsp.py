"""A raw LSP client over a real stdio pipe: framed bytes in, parsed messages out.

Unlike pytest-lsp it can send anything (broken JSON, wrong types, unknown methods) and it records every
message the server writes, so a test can check that each request got exactly one answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """`python -m blockguide serve` with its stdin/stdout as pipes; server requests are answered with null."""

    def __init__(self, env: dict[str, str] | None = None, args: tuple[str, ...] = (),
                 stderr_path: Path | None = None, cwd: Path | None = None, preexec_fn=None) -> None:
        server_env = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
        server_env.update(env or {})
        self._stderr = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "blockguide", "serve", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=server_env, cwd=cwd, preexec_fn=preexec_fn,
        )
        self.lock = threading.Condition()
        self.messages: list[Any] = []  # everything the server sent, in order
        self.responses: dict[Any, list[dict]] = {}  # id → responses with that id
        self.null_id_errors: list[dict] = []
        self.unparsable: list[bytes] = []
        self.closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next = 0

    # --- reading ------------------------------------------------------------------------------
    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = out.read(length)
                if len(body) < length:
                    return
                try:
                    msg = json.loads(body)
                except ValueError:
                    with self.lock:
                        self.unparsable.append(body)
                    continue
                self._dispatch(msg)
        except (OSError, ValueError):  # the test closed the pipe under us
            return
        finally:
            with self.lock:
                self.closed = True
                self.lock.notify_all()

    def _dispatch(self, msg: Any) -> None:
        if isinstance(msg, dict) and "method" in msg and "id" in msg:  # a request from the server
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        with self.lock:
            self.messages.append(msg)
            if isinstance(msg, dict) and "method" not in msg and "id" in msg:
                if msg["id"] is None:
                    self.null_id_errors.append(msg)
                else:
                    self.responses.setdefault(_key(msg["id"]), []).append(msg)
            self.lock.notify_all()

    # --- writing ------------------------------------------------------------------------------
    def send_bytes(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(frame(body))
        self.proc.stdin.flush()

    def send(self, msg: Any) -> None:
        self.send_bytes(json.dumps(msg).encode("utf-8"))

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def request(self, method: str, params: Any = None, timeout: float = 20.0) -> dict:
        msg_id = self.new_id()
        msg = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_response(msg_id, timeout)

    def notify(self, method: str, params: Any = None) -> None:
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def wait_response(self, msg_id: Any, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not self.responses.get(_key(msg_id)):
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(f"no answer to request {msg_id!r} within {timeout} s "
                                         f"(server {'exited' if self.closed else 'alive'})")
                self.lock.wait(left)
            return self.responses[_key(msg_id)][0]

    def wait_for(self, predicate, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(min(left, 0.2))
            return True

    def initialize(self, root: Path | None = None, settings: dict | None = None,
                   capabilities: dict | None = None) -> dict:
        params = {"processId": os.getpid(), "capabilities": capabilities or {},
                  "initializationOptions": settings or {}}
        if root is not None:
            params["rootUri"] = root.resolve().as_uri()
            params["workspaceFolders"] = [{"uri": root.resolve().as_uri(), "name": root.name}]
        answer = self.request("initialize", params)
        assert "result" in answer, answer
        self.notify("initialized", {})
        return answer

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 10.0) -> int | None:
        """shutdown + exit if still alive; kill as a last resort. Returns the exit code."""
        if self.alive():
            try:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit")
            except (AssertionError, OSError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        if self._stderr is not subprocess.DEVNULL:
            self._stderr.close()
        return self.proc.returncode

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _key(msg_id: Any) -> Any:
    return ("s", msg_id) if isinstance(msg_id, str) else ("n", msg_id)
