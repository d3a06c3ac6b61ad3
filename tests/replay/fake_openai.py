"""A replayed OpenAI-compatible model server (llama.cpp's llama-server, vLLM, LM Studio), from a script.

Standard library only (plus the answer factories of fake_ollama.py, which are shared: `answer`,
`guide_answer`, `http_error`, `slow`, `drop_mid_stream`, `invalid_json`, `truncated_json`, ...).

    from tests.replay.fake_openai import FakeOpenAI
    from tests.replay.fake_ollama import guide_answer, drop_mid_stream

    with FakeOpenAI([drop_mid_stream(2)], formats=("json_object", "text")) as fake:
        ...  # POST {fake.url}/v1/chat/completions
        fake.chat_requests[0].body["response_format"]

Endpoints: `GET /v1/models`, `GET /health`, `POST /v1/chat/completions` (SSE stream or one JSON answer).
What differs between real servers, to configure:

    formats=("json_schema", "json_object", "text")  response_format types accepted; another one gets a 400
                        like llama.cpp's ("response_format type must be one of ...") or LM Studio's
    stream_options=True  False: a request with `stream_options` gets a 400 "Unrecognized request argument"
    usage=True           the final stream event carries `usage` (when stream_options.include_usage asks)
    owned_by="fake"      "llamacpp": any model name is answered (llama.cpp serves its one loaded model);
                        otherwise an unknown model gets vLLM's 404 "The model `x` does not exist."
    chunk_delay=0.0      seconds after each streamed piece for answers that set none (emulates generation)
    parallel=None        answers generated at a time (1: like llama-server with one slot; others queue)

Stopping the server (`stop()`) closes its open connections: a stream in progress breaks, as when the
process dies. `python -m tests.replay.fake_openai --port 0` prints the URL on its first stdout line.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import struct
import sys
import threading
import time
import uuid
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Sequence

from tests.replay.fake_ollama import (
    DEFAULT_MODEL,
    Answer,
    RecordedRequest,
    answer_from_spec,
    guide_answer,
)

__all__ = ["FakeOpenAI", "FORMATS", "main"]

FORMATS = ("json_schema", "json_object", "text")


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: "FakeOpenAI"


class FakeOpenAI:
    """A threaded fake OpenAI-compatible server on 127.0.0.1. `with FakeOpenAI(script) as fake: fake.url`."""

    def __init__(
        self,
        script: Iterable[Answer | str | dict] = (),
        *,
        models: Sequence[str] = (DEFAULT_MODEL,),
        default: Answer | str | dict | None = None,
        formats: Sequence[str] = FORMATS,
        stream_options: bool = True,
        usage: bool = True,
        owned_by: str = "fake",
        chunk_delay: float = 0.0,
        parallel: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._script: list[list[Any]] = []
        self._requests: list[RecordedRequest] = []
        self._conns: set[socket.socket] = set()
        self.models = list(models)
        self.default = guide_answer() if default is None else answer_from_spec(default)
        self.formats = tuple(formats)
        self.stream_options = stream_options
        self.usage = usage
        self.owned_by = owned_by
        self.chunk_delay = chunk_delay
        self._slots = threading.BoundedSemaphore(parallel) if parallel else None
        self.verbose = verbose
        self.add(*script)
        self._bind = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> "FakeOpenAI":
        if self._httpd is None:
            self._stop.clear()
            httpd = _HTTPServer(self._bind, _Handler)
            httpd.fake = self
            self._httpd = httpd
            self._bind = (self._bind[0], httpd.server_address[1])  # a restart keeps the port
            self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=f"fake-openai-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut every open connection (streams in progress break)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)

    close = stop

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd is not None else self._bind[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- script and requests
    def add(self, *answers: Answer | str | dict) -> "FakeOpenAI":
        with self._lock:
            for a in answers:
                a = answer_from_spec(a)
                self._script.append([a, a.times])
        return self

    def _next_answer(self, text: str) -> tuple[Answer, str]:
        with self._lock:
            idx = next((i for i, (a, _) in enumerate(self._script) if a.match is not None and a.match in text), None)
            if idx is None:
                idx = next((i for i, (a, _) in enumerate(self._script) if a.match is None), None)
            if idx is None:
                return self.default, "default"
            entry = self._script[idx]
            if entry[1] is not None:
                entry[1] -= 1
                if entry[1] <= 0:
                    del self._script[idx]
            return entry[0], entry[0].kind

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def answered(self) -> int:
        """Chat requests whose whole answer was sent."""
        return sum(1 for r in self.chat_requests if r.served and r.served.endswith(":done"))

    def wait_for_requests(self, n: int, timeout: float = 10.0) -> list[RecordedRequest]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.chat_requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.chat_requests)} of {n} chat requests after {timeout}s")
                self._cond.wait(left)
            return self.chat_requests

    def _record(self, req: RecordedRequest) -> None:
        with self._cond:
            self._requests.append(req)
            self._cond.notify_all()

    def _sleep(self, seconds: float) -> bool:
        return not self._stop.wait(seconds) if seconds > 0 else not self._stop.is_set()


class _Dropped(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:
            self.server.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.fake.verbose:
            sys.stderr.write("fake-openai: %s\n" % (format % args))

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (OSError, _Dropped):
            self.close_connection = True

    @property
    def fake(self) -> FakeOpenAI:
        return self.server.fake

    def _send_json(self, status: int, obj: Any) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        self._send_json(status, {"error": {"code": status, "message": message, "type": kind}})

    def _abort(self, reset: bool = False) -> None:
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        raise _Dropped

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/_fake/requests":
            return self._send_json(200, {"requests": [r.to_json() for r in self.fake.requests]})
        self.fake._record(RecordedRequest("GET", path, None, b"", dict(self.headers)))
        if path in ("/health", "/v1/health"):
            return self._send_json(200, {"status": "ok"})
        if path == "/v1/models":
            return self._send_json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 1735689600, "owned_by": self.fake.owned_by}
                for m in self.fake.models]})
        self._error(404, f"File Not Found: {path}", "not_found_error")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        req = RecordedRequest("POST", path, body, raw, dict(self.headers))
        self.fake._record(req)
        if path != "/v1/chat/completions":
            return self._error(404, f"File Not Found: {path}", "not_found_error")
        if not isinstance(body, dict) or not body.get("messages"):
            return self._error(400, "'messages' is required")
        fake = self.fake
        model = body.get("model") or ""
        if fake.owned_by != "llamacpp" and model not in fake.models:
            return self._send_json(404, {"error": {"message": f"The model `{model}` does not exist.",
                                                   "type": "NotFoundError", "param": None, "code": 404}})
        if "stream_options" in body and not fake.stream_options:
            return self._error(400, "Unrecognized request argument supplied: stream_options")
        fmt = body.get("response_format")
        if fmt is not None:
            kind = fmt.get("type") if isinstance(fmt, dict) else None
            if kind not in fake.formats:
                if "json_schema" in fake.formats and "json_object" not in fake.formats:  # LM Studio's wording
                    return self._send_json(400, {"error": "'response_format.type' must be 'json_schema' or 'text'"})
                return self._error(400, 'response_format type must be one of "text" or "json_object", '
                                        f"but got: {kind}")
            if kind == "json_schema" and not isinstance((fmt.get("json_schema") or {}).get("schema"), dict):
                return self._error(400, "response_format.json_schema.schema must be an object")
        a, served = fake._next_answer(req.last_user_message)
        req.served = served
        args = (req, a, model, bool(body.get("stream")), bool((body.get("stream_options") or {}).get("include_usage")))
        if fake._slots is None:
            return self._play(*args)
        with fake._slots:  # wait for a free slot, as a busy server queues requests
            self._play(*args)

    def _play(self, req: RecordedRequest, a: Answer, model: str, stream: bool, include_usage: bool) -> None:
        fake = self.fake
        if a.delay and not fake._sleep(a.delay):
            self._abort()
        if a.status != 200:
            body = a.body
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(a.status)
            self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if a.drop_after is not None and not stream:
            self._abort(a.reset)
        finish = "length" if a.done_reason == "length" else "stop"
        usage = {"prompt_tokens": a.prompt_eval_count or _tokens(req.prompt_text),
                 "completion_tokens": a.eval_count or len(a.stream_pieces())}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:12]}", int(time.time())
        if not stream:
            req.served = f"{req.served}:done"
            return self._send_json(200, {
                "id": cid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": a.content},
                             "finish_reason": finish}], "usage": usage})

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(obj: Any) -> None:
            data = b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def chunk(delta: dict, finish_reason: str | None = None) -> dict:
            return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

        delay = a.chunk_delay or fake.chunk_delay
        event(chunk({"role": "assistant", "content": ""}))
        for i, piece in enumerate(a.stream_pieces()):
            if a.drop_after is not None and i >= a.drop_after:
                self._abort(a.reset)
            event(chunk({"content": piece}))
            if delay and not fake._sleep(delay):
                self._abort()
        if a.drop_after is not None:
            self._abort(a.reset)
        event(chunk({}, finish))
        if include_usage and fake.usage:
            event({"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [], "usage": usage})
        event(b"[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        req.served = f"{req.served}:done"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.replay.fake_openai",
                                 description="Run a fake OpenAI-compatible server; prints its URL first.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--model", action="append", help=f"model to serve (repeatable; default {DEFAULT_MODEL})")
    ap.add_argument("--formats", default=",".join(FORMATS), help="accepted response_format types")
    ap.add_argument("--owned-by", default="fake", help='"llamacpp": answer any model name')
    ap.add_argument("--no-stream-options", action="store_true")
    ap.add_argument("--chunk-delay", type=float, default=0.0, help="seconds after each streamed piece")
    ap.add_argument("--chunks", type=int, default=0, help="cut the default answer into this many pieces")
    ap.add_argument("--parallel", type=int, default=0, help="answers generated at a time (0: no limit)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    default = replace(guide_answer(), chunks=args.chunks) if args.chunks else None
    fake = FakeOpenAI(models=args.model or (DEFAULT_MODEL,), formats=[f for f in args.formats.split(",") if f],
                      owned_by=args.owned_by, stream_options=not args.no_stream_options,
                      chunk_delay=args.chunk_delay, default=default, parallel=args.parallel or None,
                      port=args.port, verbose=args.verbose)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with fake:
        print(fake.url, flush=True)
        while not done.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
