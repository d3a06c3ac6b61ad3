"""The editor going away or shutting the server down while a guide is being generated.

Driven over a raw stdio pipe, where the test decides exactly which bytes arrive when. Each ends with the
server process gone in seconds (no orphan), every request answered first where the pipe still allows it,
and the file on disk untouched (the server never writes files).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import SLUG
from tests.faults.conftest import write_project
from tests.faults.rawlsp import RawServer, frame
from tests.replay.fake_ollama import FakeOllama, slow

CAPS = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}},
        "window": {"workDoneProgress": True}, "workspace": {"workspaceEdit": {"documentChanges": True}}}
EXIT_WITHIN = 10.0


@pytest.fixture
def generating(tmp_path):
    """A server whose "Document this block" is waiting on a model that takes 30 s."""
    root = write_project(tmp_path / "proj")
    path = root / "src" / "textkit" / "slug.py"
    with FakeOllama([slow(30)]) as fake:
        server = RawServer(env={"BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache")}, stderr_path=tmp_path / "stderr.log")
        try:
            server.initialize(root, settings={"ollamaHost": fake.url, "timeout": 60, "references": 0},
                              capabilities=CAPS)
            uri = path.resolve().as_uri()
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                    "text": SLUG}})
            listed = server.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": {"start": {"line": 8, "character": 0},
                                                        "end": {"line": 12, "character": 0}},
                "context": {"diagnostics": []}})
            action = listed["result"][0]
            yield server, fake, path, action
        finally:
            server.close()


def start_resolve(server: RawServer, fake: FakeOllama, action: dict) -> int:
    msg_id = server.new_id()
    server.send({"jsonrpc": "2.0", "id": msg_id, "method": "codeAction/resolve", "params": action})
    fake.wait_for_requests(1, path="/api/chat")
    return msg_id


def exited(server: RawServer, within: float = EXIT_WITHIN) -> int:
    started = time.monotonic()
    try:
        code = server.proc.wait(within)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the server was still running {within} s after its client went away") from None
    assert time.monotonic() - started < within
    return code


def test_shutdown_during_generation_answers_everything_then_exits_cleanly(generating) -> None:
    server, fake, path, action = generating
    msg_id = start_resolve(server, fake, action)
    assert server.request("shutdown", timeout=10)["result"] is None
    pending = server.wait_response(msg_id, 5)  # the running request is answered: cancelled, no edit
    assert pending["error"]["code"] == -32800
    late = server.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                 "position": {"line": 0, "character": 0}}, timeout=5)
    assert late["error"]["code"] == -32600 and "shutting down" in late["error"]["message"]
    server.notify("exit")
    assert exited(server) == 0
    assert path.read_text() == SLUG
    ends = [m for m in server.messages if m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"]
    assert ends, "the progress bar was left open"


def test_exit_without_shutdown_during_generation(generating) -> None:
    server, fake, path, action = generating
    start_resolve(server, fake, action)
    server.notify("exit")
    assert exited(server) == 1  # LSP: 1 when exit comes without shutdown
    assert path.read_text() == SLUG


@pytest.mark.parametrize("how", ["stdin-closed", "both-pipes-closed", "killed-client"])
def test_client_gone_mid_request(generating, how: str) -> None:
    server, fake, path, action = generating
    start_resolve(server, fake, action)
    if how == "stdin-closed":
        server.proc.stdin.close()
    elif how == "both-pipes-closed":
        server.proc.stdin.close()
        server.proc.stdout.close()
    else:  # the editor crashed: its end of both pipes is gone at once
        server.proc.stdin.close()
        server.proc.stdout.close()
        server.proc.send_signal(0)  # still there until it notices
    code = exited(server)
    assert code in (0, 1)
    assert path.read_text() == SLUG


def test_cancel_in_the_same_write_as_the_request_never_calls_the_model(generating) -> None:
    server, fake, path, action = generating
    msg_id = server.new_id()
    request = json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "codeAction/resolve", "params": action})
    cancel = json.dumps({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": msg_id}})
    server.proc.stdin.write(frame(request.encode()) + frame(cancel.encode()))
    server.proc.stdin.flush()
    answer = server.wait_response(msg_id, 10)
    assert answer["error"]["code"] == -32800
    time.sleep(0.5)
    assert fake.chat_requests == []
    # still serving
    assert "result" in server.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                             "position": {"line": 9, "character": 4}})


def test_requests_before_initialize_and_initialize_twice(tmp_path) -> None:
    with RawServer(env={"BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache")}) as server:
        early = server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.py"},
                                                      "position": {"line": 0, "character": 0}})
        assert early["error"]["code"] == -32002
        server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x.py", "languageId": "python",
                                                                "version": 1, "text": "x = 1\n"}})  # dropped
        server.initialize(Path(tmp_path))
        again = server.request("initialize", {"capabilities": {}})
        assert again["error"]["code"] == -32600
        assert "result" in server.request("textDocument/hover", {"textDocument": {"uri": "file:///x.py"},
                                                                 "position": {"line": 0, "character": 0}})
