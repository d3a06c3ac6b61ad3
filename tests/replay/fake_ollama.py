"""A replayed Ollama: a real local HTTP server that answers like Ollama, from a script.

Only the standard library is used, so the module also runs as a plain script from any Python 3.10+.

Python API (see the test file for complete examples)::

    from tests.replay.fake_ollama import FakeOllama, recording, slow, http_error, refused_url

    with FakeOllama([recording("python_slugify"), slow(5)]) as fake:
        ollama.Client(host=fake.url).chat(model="blockguide-tiny", messages=[...])
        assert fake.chat_requests[0].format is not None

Scripted answers are taken in order for `/api/chat` and `/api/generate`; an entry with `match="text"`
is served first when "text" occurs in the last user message (the prompt, for `/api/generate`).
When the script is empty the `default` answer is served (a valid slugify guide unless set).

Fault -> what the ollama 0.6.3 client (`Client` and `AsyncClient`) raises:

    http_error(status, body)   ollama.ResponseError, .status_code == status, .error == body["error"]
                               (stream or not; a non-JSON body becomes .error verbatim)
    unknown model              ollama.ResponseError, status_code 404, 'model "x" not found, try pulling it first'
    slow(s) + client timeout   httpx.ReadTimeout (not wrapped by ollama), stream or not
    answer(chunk_delay=d) + t<d  httpx.ReadTimeout raised while iterating the stream
    drop_mid_stream()          stream: httpx.RemoteProtocolError (incomplete chunked read) while iterating;
                               not stream: httpx.RemoteProtocolError (server disconnected without response)
    drop_mid_stream(reset=True) httpx.ReadError (connection reset) - RemoteProtocolError if the RST races the read
    refused_url()              not stream: builtin ConnectionError (ollama wraps httpx.ConnectError);
                               stream: httpx.ConnectError (raised on first next(), not wrapped)
    invalid_json, truncated_json, repetition, think, huge, raw_newlines
                               nothing: a normal ChatResponse; the content is what is wrong
                               (json.loads raises json.JSONDecodeError, except huge, which is valid JSON;
                               raw_newlines parses only with json.loads(strict=False)).
                               truncated_json and repetition end with done_reason == "length".

Control endpoints, for processes that cannot use the Python API (e.g. a VS Code end-to-end test):
`GET /_fake/requests`, `POST /_fake/script` (a list of specs, or {"script", "default", "models"}),
`POST /_fake/reset`. They are not recorded.

CLI::

    python -m tests.replay.fake_ollama [serve] --port 0 [--script FILE] [--model NAME ...]
        prints the base URL on the first stdout line, serves until SIGTERM/SIGINT.
    python -m tests.replay.fake_ollama record --host URL --model M --prompt-file F --out recordings/NAME.json
        records a real server's streamed /api/chat answer into a recording file.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

__all__ = [
    "Answer",
    "FakeOllama",
    "RecordedRequest",
    "RECORDINGS_DIR",
    "DEFAULT_MODEL",
    "DEFAULT_PARAMETER_SIZE",
    "SAMPLE_GUIDE",
    "answer",
    "guide_answer",
    "http_error",
    "slow",
    "invalid_json",
    "truncated_json",
    "repetition",
    "think",
    "huge",
    "drop_mid_stream",
    "raw_newlines",
    "recording",
    "load_recording",
    "list_recordings",
    "answer_from_spec",
    "refused_url",
    "ollama_fixture",
    "record",
    "main",
]

RECORDINGS_DIR = Path(__file__).resolve().parent / "recordings"
DEFAULT_MODEL = "blockguide-tiny"
OLLAMA_VERSION = "0.12.6"  # what GET /api/version reports
# what /api/show and /api/tags report as a model's `details.parameter_size` unless a model says otherwise
# (`FakeOllama(models=[{"name": "big", "parameter_size": "7B"}])` or `add_model(name, parameter_size=...)`):
# the size of the bundled SmolLM2-135M
DEFAULT_PARAMETER_SIZE = "134.52M"

SAMPLE_GUIDE: dict[str, Any] = {
    "title": "Turn free text into a URL slug",
    "description": "slugify(text) lowercases the text, strips accents and replaces every run of "
    "characters that are not letters or digits with a single hyphen, so the result is safe in URLs.",
    "steps": [
        {"label": "Normalise", "detail": "Decompose accented letters with NFKD and drop the non-ASCII marks."},
        {"label": "Lowercase", "detail": "Lowercase the text so slugs compare case-insensitively."},
        {"label": "Replace separators", "detail": "Collapse each run of other characters into one hyphen."},
        {"label": "Trim", "detail": "Strip hyphens from both ends and return the slug."},
    ],
    "example": {
        "language": "python",
        "code": 'from textkit.slug import slugify\n\nprint(slugify("Héllo, World!"))  # hello-world',
    },
}

_ERROR_BODIES = {
    400: {"error": "invalid request"},
    404: {"error": "not found"},
    429: {"error": "too many requests"},
    500: {"error": "llama runner process has terminated: exit status 2"},
    502: {"error": "bad gateway"},
    503: {"error": "server busy, please try again.  maximum pending requests exceeded"},
}


# --------------------------------------------------------------------------------------------
# Scripted answers


@dataclass(frozen=True)
class Answer:
    """One scripted answer. Build it with the factories below rather than directly."""

    kind: str = "answer"  # the factory that made it; reported in RecordedRequest.served
    content: str = ""
    chunks: int = 8  # stream pieces the content is cut into (ignored when `pieces` is given)
    pieces: tuple[str, ...] | None = None  # explicit stream pieces (recordings, repetition)
    chunk_delay: float = 0.0  # seconds slept after each streamed piece
    delay: float = 0.0  # seconds slept before the response headers (slow)
    thinking: str | None = None  # sent as message.thinking (before the content when streaming)
    done_reason: str = "stop"
    status: int = 200  # != 200: an HTTP error with `body`
    body: Any = None  # error body: dict/list -> JSON, str -> sent verbatim as text/plain
    drop_after: int | None = None  # close the socket after this many streamed pieces
    reset: bool = False  # drop with a TCP RST instead of a FIN
    eval_count: int | None = None
    prompt_eval_count: int | None = None
    match: str | None = None  # serve only when this occurs in the last user message
    times: int | None = 1  # how many requests it answers; None = forever

    def stream_pieces(self) -> list[str]:
        if self.pieces is not None:
            return list(self.pieces)
        return _split(self.content, self.chunks)


def _split(text: str, n: int) -> list[str]:
    n = max(1, min(n, len(text))) if text else 1
    size, extra = divmod(len(text), n)
    out, pos = [], 0
    for i in range(n):
        end = pos + size + (1 if i < extra else 0)
        out.append(text[pos:end])
        pos = end
    return out


_TOKENISH = re.compile(r"\s*(?:[A-Za-z]+|\d{1,3}|\S)|\s+")


def _tokenish(text: str) -> list[str]:
    """Cut text into token-sized pieces (words, short numbers, single symbols), as a model streams."""
    return _TOKENISH.findall(text) or [""]


def _guide_text(guide: dict[str, Any] | None = None, indent: int | None = None) -> str:
    return json.dumps(guide if guide is not None else SAMPLE_GUIDE, indent=indent, ensure_ascii=False)


def answer(content: str | dict, *, chunks: int = 8, chunk_delay: float = 0.0, **common: Any) -> Answer:
    """A normal answer; a dict is dumped as JSON. `common`: match, times, thinking, done_reason, eval_count..."""
    if not isinstance(content, str):
        content = json.dumps(content, ensure_ascii=False)
    return Answer(kind=common.pop("kind", "answer"), content=content, chunks=chunks, chunk_delay=chunk_delay, **common)


def guide_answer(guide: dict[str, Any] | None = None, **kw: Any) -> Answer:
    """A normal answer whose content is a guide JSON (SAMPLE_GUIDE by default)."""
    return answer(_guide_text(guide), **kw)


def http_error(status: int = 500, body: Any = None, **common: Any) -> Answer:
    """An HTTP error status with an Ollama-style `{"error": ...}` body (or `body` as given)."""
    if body is None:
        body = _ERROR_BODIES.get(status, {"error": f"fake error {status}"})
    return Answer(kind="http_error", status=status, body=body, **common)


def slow(seconds: float, content: str | dict | None = None, **kw: Any) -> Answer:
    """Sleep `seconds` before the response headers (a client timeout below that raises ReadTimeout)."""
    base = answer(content if content is not None else _guide_text(), **kw)
    return replace(base, kind="slow", delay=seconds)


def invalid_json(content: str | None = None, **kw: Any) -> Answer:
    """Prose instead of JSON."""
    if content is None:
        content = (
            "Sure! Here is a guide for this block.\n\n"
            "**Turn free text into a URL slug**: the function lowercases the text, strips accents "
            "and joins the words with hyphens."
        )
    return replace(answer(content, **kw), kind="invalid_json")


def truncated_json(content: str | None = None, keep: float = 0.6, **kw: Any) -> Answer:
    """A guide JSON cut off after `keep` of its length, done_reason "length" (num_predict reached)."""
    if content is None:
        full = _guide_text(indent=2)
        content = full[: int(len(full) * keep)]
    kw.setdefault("done_reason", "length")
    return replace(answer(content, **kw), kind="truncated_json")


def repetition(phrase: str = "the slug of the slug of ", count: int = 400, **kw: Any) -> Answer:
    """A degenerate loop: a JSON start, then `phrase` repeated in `count` chunks; done_reason "length"."""
    prefix = '{"title": "Turn free text into a URL slug", "description": "'
    pieces = (prefix,) + (phrase,) * count
    kw.setdefault("done_reason", "length")
    kw.setdefault("eval_count", count * max(1, len(phrase) // 4))
    base = answer("".join(pieces), **kw)
    return replace(base, kind="repetition", pieces=pieces)


def think(content: str | dict | None = None, thought: str | None = None, *, as_field: bool = False, **kw: Any) -> Answer:
    """A reasoning model's answer: `<think>...</think>` before the JSON in the content,
    or (as_field=True) the reasoning in message.thinking as Ollama sends it when `think` is on."""
    if thought is None:
        thought = (
            "The user wants a guide for slugify. It normalises the text, lowercases it and "
            "replaces separators with hyphens. I should answer with the JSON object only."
        )
    body = content if content is not None else _guide_text()
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False)
    if as_field:
        return replace(answer(body, **kw), kind="think", thinking=thought)
    return replace(answer(f"<think>\n{thought}\n</think>\n\n{body}", **kw), kind="think")


def huge(size: int = 5 * 1024 * 1024, *, valid: bool = True, chunks: int = 1000, **kw: Any) -> Answer:
    """An enormous content of about `size` characters: a valid guide JSON with a giant
    description (valid=True), or just a giant run of text."""
    filler_unit = "lorem ipsum dolor sit amet "
    if valid:
        head = '{"title": "Huge", "description": "'
        tail = '", "steps": [], "example": {"language": "python", "code": "pass"}}'
        n = max(0, size - len(head) - len(tail))
        content = head + (filler_unit * (n // len(filler_unit) + 1))[:n] + tail
    else:
        content = (filler_unit * (size // len(filler_unit) + 1))[:size]
    return replace(answer(content, chunks=chunks, **kw), kind="huge")


def drop_mid_stream(after_chunks: int = 3, content: str | dict | None = None, *, reset: bool = False, **kw: Any) -> Answer:
    """Stream `after_chunks` pieces, then close the socket without ending the chunked body.
    Without streaming, close the connection before any response. reset=True sends a TCP RST."""
    base = answer(content if content is not None else _guide_text(), **kw)
    return replace(base, kind="drop_mid_stream", drop_after=after_chunks, reset=reset)


def raw_newlines(content: str | None = None, **kw: Any) -> Answer:
    """A guide whose JSON strings contain raw (unescaped) newline characters, as small models write."""
    if content is None:
        content = (
            '{"title": "Turn free text into a URL slug",\n'
            ' "description": "Lowercases the text and joins the words with hyphens.\n'
            'Accents are stripped first.",\n'
            ' "steps": [{"label": "Normalise", "detail": "NFKD, then drop the marks.\n'
            'Only ASCII is kept."}],\n'
            ' "example": {"language": "python", "code": "from textkit.slug import slugify\n'
            'print(slugify(\\"Hello World\\"))"}}'
        )
    return replace(answer(content, **kw), kind="raw_newlines")


# --------------------------------------------------------------------------------------------
# Recordings


def _recording_path(name: str | Path) -> Path:
    p = Path(name)
    if p.suffix == ".json" and p.exists():
        return p
    candidate = RECORDINGS_DIR / (p.name if p.suffix == ".json" else f"{p.name}.json")
    if candidate.exists():
        return candidate
    raise FileNotFoundError(f"no recording {name!r} (looked in {RECORDINGS_DIR}); have: {list_recordings()}")


def list_recordings() -> list[str]:
    """Names of the recordings in RECORDINGS_DIR (file names without .json)."""
    return sorted(p.stem for p in RECORDINGS_DIR.glob("*.json"))


def load_recording(name: str | Path) -> dict[str, Any]:
    """The recording file as a dict: source, model, request, response{content, done_reason, ...}, chunks?"""
    return json.loads(_recording_path(name).read_text(encoding="utf-8"))


def recording(name: str | Path, *, chunks: int | None = None, chunk_delay: float = 0.0, **common: Any) -> Answer:
    """A recorded answer, replayed with its recorded pieces (or re-cut into `chunks`)."""
    rec = load_recording(name)
    resp = rec["response"]
    pieces = rec.get("chunks")
    fields: dict[str, Any] = dict(
        kind=f"recording:{Path(name).stem}",
        content=resp["content"],
        chunk_delay=chunk_delay,
        thinking=resp.get("thinking") or None,
        done_reason=resp.get("done_reason", "stop"),
        eval_count=resp.get("eval_count"),
        prompt_eval_count=resp.get("prompt_eval_count"),
    )
    if chunks is not None:
        fields["chunks"] = chunks
    else:  # recorded pieces, or token-sized pieces for hand-written files
        fields["pieces"] = tuple(pieces) if pieces else tuple(_tokenish(resp["content"]))
    fields.update(common)
    return Answer(**fields)


_FACTORIES: dict[str, Callable[..., Answer]] = {
    "answer": answer,
    "guide": guide_answer,
    "http_error": http_error,
    "slow": slow,
    "invalid_json": invalid_json,
    "truncated_json": truncated_json,
    "repetition": repetition,
    "think": think,
    "huge": huge,
    "drop_mid_stream": drop_mid_stream,
    "raw_newlines": raw_newlines,
    "recording": recording,
}


def answer_from_spec(spec: str | dict[str, Any] | Answer) -> Answer:
    """Build an Answer from JSON: "invalid_json", {"kind": "slow", "seconds": 5},
    {"kind": "recording", "name": "python_slugify", "match": "slugify"}, {"content": "..."}."""
    if isinstance(spec, Answer):
        return spec
    if isinstance(spec, str):
        spec = {"kind": spec}
    spec = dict(spec)
    kind = spec.pop("kind", None) or spec.pop("fault", None) or "answer"
    if kind not in _FACTORIES:
        raise ValueError(f"unknown answer kind {kind!r}; known: {sorted(_FACTORIES)}")
    return _FACTORIES[kind](**spec)


# --------------------------------------------------------------------------------------------
# Requests


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: Any  # parsed JSON body, or None (no body / not JSON)
    raw: bytes
    headers: dict[str, str]
    served: str | None = None  # the Answer.kind that answered it (chat/generate), "default", or None
    at: float = field(default_factory=time.time)

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or []) if isinstance(self.body, dict) else []

    @property
    def last_user_message(self) -> str:
        """Content of the last user message (the prompt for /api/generate)."""
        if not isinstance(self.body, dict):
            return ""
        for m in reversed(self.messages):
            if m.get("role") == "user":
                return str(m.get("content") or "")
        return str(self.body.get("prompt") or "")

    @property
    def system(self) -> str:
        return "\n".join(str(m.get("content") or "") for m in self.messages if m.get("role") == "system")

    @property
    def prompt_text(self) -> str:
        """All message contents joined (or the generate prompt/system)."""
        if not isinstance(self.body, dict):
            return ""
        parts = [str(m.get("content") or "") for m in self.messages]
        parts += [str(self.body[k]) for k in ("system", "prompt") if self.body.get(k)]
        return "\n".join(parts)

    @property
    def format(self) -> Any:
        return self.body.get("format") if isinstance(self.body, dict) else None

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.body.get("options") or {}) if isinstance(self.body, dict) else {}

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream", True)) if isinstance(self.body, dict) else True

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "body": self.body, "served": self.served, "at": self.at}


# --------------------------------------------------------------------------------------------
# Server


def _parameter_count(size: str) -> int:
    """"134.52M" -> 134520000, as `model_info["general.parameter_count"]` says it (0 when unreadable)."""
    m = re.match(r"\s*([0-9.]+)\s*([KMBT]?)", size or "", re.IGNORECASE)
    if not m:
        return 0
    return int(float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[m.group(2).upper()])


def _normalize_model(name: str) -> str:
    name = name.strip()
    for prefix in ("registry.ollama.ai/library/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: "FakeOllama"


class FakeOllama:
    """A threaded fake Ollama on 127.0.0.1. `with FakeOllama(script) as fake: fake.url`."""

    def __init__(
        self,
        script: Iterable[Answer | str | dict] = (),
        *,
        models: Sequence[str | dict[str, Any]] = (DEFAULT_MODEL,),
        default: Answer | str | dict | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        version: str = OLLAMA_VERSION,
        verbose: bool = False,
    ) -> None:
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._script: list[list[Any]] = []  # [answer, remaining uses or None]
        self._requests: list[RecordedRequest] = []
        self._request_cond = threading.Condition(self._lock)
        self._conns: set[socket.socket] = set()
        self._overrides: dict[str, Answer] = {}
        self._models: dict[str, dict[str, Any]] = {}
        self.version = version
        self.verbose = verbose
        self.default: Answer = guide_answer() if default is None else answer_from_spec(default)
        for m in models:
            if isinstance(m, dict):
                self.add_model(**m)
            else:
                self.add_model(m)
        self.add(*script)
        self._bind = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> "FakeOllama":
        if self._httpd is not None:
            return self
        self._stop.clear()
        httpd = _HTTPServer(self._bind, _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-ollama-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop.set()  # wakes slow answers
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:  # keep-alive connections would otherwise hold their threads
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)

    close = stop

    def __enter__(self) -> "FakeOllama":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOllama is not started")
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        """host:port, as OLLAMA_HOST takes it."""
        bind = self._bind[0]
        return f"{'127.0.0.1' if bind in ('', '0.0.0.0') else bind}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    # -- configuration
    def add(self, *answers: Answer | str | dict) -> "FakeOllama":
        """Append scripted answers (Answer objects or specs for answer_from_spec)."""
        with self._lock:
            for a in answers:
                a = answer_from_spec(a)
                self._script.append([a, a.times])
        return self

    enqueue = add

    def set_default(self, a: Answer | str | dict) -> None:
        self.default = answer_from_spec(a)

    def fail(self, path: str, a: Answer | str | dict) -> None:
        """Answer every request to `path` (e.g. "/api/tags", "/api/version") with `a` (http_error, slow,
        drop_mid_stream) until `unfail(path)`."""
        self._overrides[path] = answer_from_spec(a)

    def unfail(self, path: str) -> None:
        self._overrides.pop(path, None)

    def add_model(self, name: str, *, family: str = "qwen2", parameter_size: str = DEFAULT_PARAMETER_SIZE,
                  quantization_level: str = "Q4_K_M", context_length: int = 32768,
                  capabilities: Sequence[str] = ("completion",), size: int = 397_821_319) -> None:
        full = _normalize_model(name)
        self._models[full] = {
            "name": full, "family": family, "parameter_size": parameter_size,
            "quantization_level": quantization_level, "context_length": context_length,
            "capabilities": list(capabilities), "size": size,
            "digest": hashlib.sha256(full.encode()).hexdigest(),
        }

    def remove_model(self, name: str) -> None:
        self._models.pop(_normalize_model(name), None)

    @property
    def models(self) -> list[str]:
        return list(self._models)

    def has_model(self, name: str) -> bool:
        return _normalize_model(name) in self._models

    def reset(self) -> None:
        """Forget the script and the recorded requests (models and default stay)."""
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self._overrides.clear()

    @property
    def pending(self) -> list[Answer]:
        with self._lock:
            return [a for a, _ in self._script]

    # -- recorded requests
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/api/chat"]

    @property
    def last_chat(self) -> RecordedRequest:
        chats = self.chat_requests
        if not chats:
            raise AssertionError("the fake received no /api/chat request")
        return chats[-1]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def wait_for_requests(self, n: int, path: str | None = None, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until at least `n` requests (to `path`, if given) arrived; returns them."""
        deadline = time.monotonic() + timeout
        with self._request_cond:
            while True:
                got = [r for r in self._requests if path is None or r.path == path]
                if len(got) >= n:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(got)} of {n} requests after {timeout}s")
                self._request_cond.wait(left)

    # -- internals used by the handler
    def _record(self, req: RecordedRequest) -> None:
        with self._request_cond:
            self._requests.append(req)
            self._request_cond.notify_all()

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

    def _sleep(self, seconds: float) -> bool:
        """Interruptible sleep; False when the server is stopping."""
        return not self._stop.wait(seconds) if seconds > 0 else not self._stop.is_set()

    def _model_entry(self, name: str) -> dict[str, Any]:
        return self._models[_normalize_model(name)]


class _Dropped(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    # -- plumbing
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
            sys.stderr.write("fake-ollama: %s\n" % (format % args))

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, _Dropped):
            self.close_connection = True
        except OSError:
            self.close_connection = True

    @property
    def fake(self) -> FakeOllama:
        return self.server.fake

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_bytes(self, status: int, data: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_json(self, status: int, obj: Any) -> None:
        self._send_bytes(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _send_error_body(self, status: int, body: Any) -> None:
        if isinstance(body, (bytes, str)):
            data = body.encode("utf-8") if isinstance(body, str) else body
            self._send_bytes(status, data, "text/plain; charset=utf-8")
        else:
            self._send_json(status, body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _abort(self, reset: bool) -> None:
        self.close_connection = True
        sock = self.connection
        try:
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        for f in (self.wfile, self.rfile):
            try:
                f.close()
            except OSError:
                pass
        sock.close()
        raise _Dropped

    def _apply_override(self, path: str) -> bool:
        a = self.fake._overrides.get(path)
        if a is None:
            return False
        if a.delay and not self.fake._sleep(a.delay):
            self._abort(False)
        if a.drop_after is not None:
            self._abort(a.reset)
        if a.status != 200:
            self._send_error_body(a.status, a.body)
            return True
        return False

    # -- routing
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/_fake/requests":
            return self._send_json(200, {"requests": [r.to_json() for r in self.fake.requests]})
        self.fake._record(RecordedRequest(self.command, path, None, b"", dict(self.headers)))
        if self._apply_override(path):
            return
        if path == "/":
            return self._send_bytes(200, b"Ollama is running", "text/plain; charset=utf-8")
        if path == "/api/version":
            return self._send_json(200, {"version": self.fake.version})
        if path == "/api/tags":
            return self._send_json(200, {"models": [self._tag(m) for m in self.fake._models.values()]})
        if path == "/api/ps":
            return self._send_json(200, {"models": []})
        self._send_bytes(404, b"404 page not found", "text/plain")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else None
            bad_json = None
        except (ValueError, UnicodeDecodeError) as e:
            body, bad_json = None, str(e)
        if path.startswith("/_fake/"):
            return self._control(path, body)
        req = RecordedRequest("POST", path, body, raw, dict(self.headers))
        self.fake._record(req)
        if self._apply_override(path):
            return
        if path not in ("/api/chat", "/api/generate", "/api/show"):
            return self._send_bytes(404, b"404 page not found", "text/plain")
        if bad_json is not None or (raw and not isinstance(body, dict)):
            return self._send_json(400, {"error": f"invalid request body: {bad_json or 'not an object'}"})
        if not raw:
            return self._send_json(400, {"error": "missing request body"})
        if path == "/api/show":
            return self._show(body)
        return self._generate(req, chat=path == "/api/chat")

    def _control(self, path: str, body: Any) -> None:
        fake = self.fake
        if path == "/_fake/reset":
            fake.reset()
            return self._send_json(200, {"ok": True})
        if path == "/_fake/script":
            try:
                if isinstance(body, dict):
                    _configure(fake, body)
                else:
                    fake.add(*(body or []))
            except (TypeError, ValueError, FileNotFoundError) as e:
                return self._send_json(400, {"error": str(e)})
            return self._send_json(200, {"ok": True, "pending": len(fake.pending)})
        self._send_bytes(404, b"404 page not found", "text/plain")

    # -- endpoints
    def _details(self, m: dict[str, Any]) -> dict[str, Any]:
        return {
            "parent_model": "", "format": "gguf", "family": m["family"], "families": [m["family"]],
            "parameter_size": m["parameter_size"], "quantization_level": m["quantization_level"],
        }

    def _tag(self, m: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": m["name"], "model": m["name"], "modified_at": "2025-06-01T10:00:00.000000000Z",
            "size": m["size"], "digest": m["digest"], "details": self._details(m),
        }

    def _show(self, body: dict[str, Any]) -> None:
        name = body.get("model") or body.get("name") or ""
        if not name:
            return self._send_json(400, {"error": "model is required"})
        if not self.fake.has_model(name):
            return self._send_json(404, {"error": f"model '{name}' not found"})
        m = self.fake._model_entry(name)
        arch = m["family"]
        self._send_json(200, {
            "license": "",
            "modelfile": f"# Modelfile generated by \"ollama show\"\nFROM {m['name']}\nPARAMETER temperature 0.2\n",
            "parameters": "temperature                    0.2\nnum_ctx                        4096",
            "template": "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
                        "<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n",
            "details": self._details(m),
            "model_info": {
                "general.architecture": arch,
                "general.parameter_count": _parameter_count(m["parameter_size"]),
                f"{arch}.context_length": m["context_length"],
            },
            "capabilities": m["capabilities"],
            "modified_at": "2025-06-01T10:00:00.000000000Z",
        })

    def _generate(self, req: RecordedRequest, chat: bool) -> None:
        body = req.body
        model = body.get("model") or ""
        if not model:
            return self._send_json(400, {"error": "model is required"})
        if not self.fake.has_model(model):
            return self._send_json(404, {"error": f'model "{model}" not found, try pulling it first'})
        stream = bool(body.get("stream", True))
        if (chat and not body.get("messages")) or (not chat and not body.get("prompt")):
            # Ollama only loads the model and answers at once
            req.served = "load"
            out = {"model": model, "created_at": _now(), "done_reason": "load", "done": True}
            out.update({"message": {"role": "assistant", "content": ""}} if chat else {"response": ""})
            return self._send_json(200, out)
        a, served = self.fake._next_answer(req.last_user_message)
        req.served = served
        self._play(a, model, stream, chat, _tokens(req.prompt_text))

    def _piece(self, model: str, chat: bool, content: str, thinking: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"model": model, "created_at": _now()}
        if chat:
            msg: dict[str, Any] = {"role": "assistant", "content": content}
            if thinking is not None:
                msg["thinking"] = thinking
            out["message"] = msg
        else:
            out["response"] = content
            if thinking is not None:
                out["thinking"] = thinking
        return out

    def _play(self, a: Answer, model: str, stream: bool, chat: bool, prompt_tokens: int) -> None:
        fake = self.fake
        if a.delay and not fake._sleep(a.delay):
            self._abort(False)
        if a.status != 200:
            return self._send_error_body(a.status, a.body)
        if a.drop_after is not None and not stream:
            self._abort(a.reset)
        eval_count = a.eval_count or _tokens(a.content + (a.thinking or ""))
        prompt_eval_count = a.prompt_eval_count or prompt_tokens
        stats = {
            "total_duration": 0,
            "load_duration": 21_346_000,
            "prompt_eval_count": prompt_eval_count,
            "prompt_eval_duration": prompt_eval_count * 450_000,
            "eval_count": eval_count,
            "eval_duration": eval_count * 14_000_000,
        }
        stats["total_duration"] = stats["load_duration"] + stats["prompt_eval_duration"] + stats["eval_duration"]
        if not stream:
            out = self._piece(model, chat, a.content, a.thinking)
            out.update({"done_reason": a.done_reason, "done": True, **stats})
            if not chat:
                out["context"] = [1, 2, 3]
            return self._send_json(200, out)

        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        items: list[tuple[str, str | None]] = []
        if a.thinking:
            items += [("", t) for t in _split(a.thinking, max(1, a.chunks // 2))]
        items += [(c, None) for c in a.stream_pieces()]
        for i, (content, thinking) in enumerate(items):
            if a.drop_after is not None and i >= a.drop_after:
                self._abort(a.reset)
            line = json.dumps(self._piece(model, chat, content, thinking), ensure_ascii=False) + "\n"
            self._chunk(line.encode("utf-8"))
            if a.chunk_delay and not fake._sleep(a.chunk_delay):
                self._abort(False)
        if a.drop_after is not None:  # fewer pieces than drop_after: still never finish
            self._abort(a.reset)
        final = self._piece(model, chat, "")
        final.update({"done_reason": a.done_reason, "done": True, **stats})
        if not chat:
            final["context"] = [1, 2, 3]
        self._chunk((json.dumps(final) + "\n").encode("utf-8"))
        self.wfile.write(b"0\r\n\r\n")


# --------------------------------------------------------------------------------------------
# Helpers


_RESERVED: list[socket.socket] = []


def refused_url() -> str:
    """A URL on a free 127.0.0.1 port where nothing listens (connections are refused).
    The port stays bound (not listening) for the life of the process so nobody else takes it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    _RESERVED.append(s)
    return f"http://127.0.0.1:{s.getsockname()[1]}"


def ollama_fixture(*script: Answer | str | dict, scope: str = "function", **kwargs: Any) -> Any:
    """A pytest fixture yielding a started FakeOllama: in a conftest, `fake_ollama = ollama_fixture()`."""
    import pytest

    @pytest.fixture(scope=scope)
    def _fake_ollama() -> Iterator[FakeOllama]:
        with FakeOllama(script, **kwargs) as fake:
            yield fake

    return _fake_ollama


def _configure(fake: FakeOllama, cfg: dict[str, Any]) -> None:
    for m in cfg.get("models") or []:
        fake.add_model(**m) if isinstance(m, dict) else fake.add_model(m)
    if cfg.get("default") is not None:
        fake.set_default(cfg["default"])
    if cfg.get("version"):
        fake.version = cfg["version"]
    for path, spec in (cfg.get("fail") or {}).items():
        fake.fail(path, spec)
    fake.add(*(cfg.get("script") or []))


def _load_script(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {"script": data} if isinstance(data, list) else data


# --------------------------------------------------------------------------------------------
# Recording a real server


def _resolve_out(out: str) -> Path:
    p = Path(out)
    if not p.is_absolute() and p.parts and p.parts[0] == "recordings":
        return RECORDINGS_DIR.joinpath(*p.parts[1:])
    return p


def record(host: str, model: str, prompt: str | dict[str, Any], out: str | Path, *,
           system: str | None = None, fmt: Any = None, options: dict[str, Any] | None = None,
           timeout: float = 600.0, note: str | None = None) -> dict[str, Any]:
    """Send one streamed /api/chat to a real Ollama at `host` and write a recording file.
    `prompt` is the user message, or a whole request body (a dict with "messages")."""
    host = host.rstrip("/")
    if "://" not in host:
        host = "http://" + host
    if isinstance(prompt, dict):
        body = copy.deepcopy(prompt)
        body["model"] = model or body.get("model")
    else:
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
        body = {"model": model, "messages": messages}
    if fmt is not None:
        body["format"] = fmt
    if options:
        body["options"] = {**(body.get("options") or {}), **options}
    body["stream"] = True
    try:
        with urllib.request.urlopen(host + "/api/version", timeout=10) as r:
            version = json.loads(r.read()).get("version")
    except Exception:  # noqa: BLE001 - the version is informative only
        version = None
    req = urllib.request.Request(host + "/api/chat", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Accept": "application/x-ndjson"})
    chunks: list[str] = []
    thinking: list[str] = []
    final: dict[str, Any] = {}
    started = time.monotonic()
    with urllib.request.urlopen(req, timeout=timeout) as r:
        for line in r:
            if not line.strip():
                continue
            part = json.loads(line)
            if part.get("error"):
                raise RuntimeError(f"server error: {part['error']}")
            msg = part.get("message") or {}
            if msg.get("thinking"):
                thinking.append(msg["thinking"])
            if msg.get("content"):
                chunks.append(msg["content"])
            if part.get("done"):
                final = part
    rec = {
        "name": _resolve_out(str(out)).stem,
        "source": "recorded",
        "recorded_at": _now(),
        "host": host,
        "ollama_version": version,
        "model": final.get("model", model),
        "wall_seconds": round(time.monotonic() - started, 3),
        "note": note,
        "request": body,
        "response": {
            "content": "".join(chunks),
            "thinking": "".join(thinking) or None,
            "done_reason": final.get("done_reason"),
            **{k: final.get(k) for k in ("eval_count", "prompt_eval_count", "total_duration", "load_duration",
                                         "prompt_eval_duration", "eval_duration")},
        },
        "chunks": chunks,
    }
    path = _resolve_out(str(out))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return rec


# --------------------------------------------------------------------------------------------
# CLI


def _serve(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.replay.fake_ollama [serve]",
                                 description="Run a fake Ollama; prints its URL on the first stdout line.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--script", help="JSON file: a list of answer specs, or {script, default, models, fail, version}")
    ap.add_argument("--model", action="append", help=f"model to list (repeatable; default {DEFAULT_MODEL})")
    ap.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = ap.parse_args(argv)
    fake = FakeOllama(models=args.model or (DEFAULT_MODEL,), host=args.host, port=args.port, verbose=args.verbose)
    if args.script:
        _configure(fake, _load_script(args.script))
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    with fake:
        print(fake.url, flush=True)
        while not done.wait(0.2):
            pass
    return 0


def _record_cli(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.replay.fake_ollama record",
                                 description="Record a real Ollama /api/chat answer into a recording file.")
    ap.add_argument("--host", required=True, help="e.g. http://127.0.0.1:11434")
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt-file", required=True,
                    help="user message text, or a .json request body with \"messages\" (format/options kept)")
    ap.add_argument("--out", required=True, help="recordings/NAME.json is written under tests/replay/recordings/")
    ap.add_argument("--system-file")
    ap.add_argument("--format-file", help="JSON schema for `format`")
    ap.add_argument("--format", dest="fmt", help='"json" for format=json')
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="model option, JSON value")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--note")
    args = ap.parse_args(argv)
    text = Path(args.prompt_file).read_text(encoding="utf-8")
    prompt: str | dict[str, Any] = text
    if args.prompt_file.endswith(".json"):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, dict) and "messages" in parsed:
                prompt = parsed
        except ValueError:
            pass
    fmt: Any = None
    if args.format_file:
        fmt = json.loads(Path(args.format_file).read_text(encoding="utf-8"))
    elif args.fmt:
        fmt = args.fmt
    options: dict[str, Any] = {}
    for kv in args.option:
        k, _, v = kv.partition("=")
        try:
            options[k] = json.loads(v)
        except ValueError:
            options[k] = v
    system = Path(args.system_file).read_text(encoding="utf-8") if args.system_file else None
    rec = record(args.host, args.model, prompt, args.out, system=system, fmt=fmt, options=options or None,
                 timeout=args.timeout, note=args.note)
    print(f"{_resolve_out(args.out)}: {len(rec['response']['content'])} chars, "
          f"{len(rec['chunks'])} chunks, done_reason={rec['response']['done_reason']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "record":
        return _record_cli(argv[1:])
    if argv and argv[0] == "serve":
        argv = argv[1:]
    return _serve(argv)


if __name__ == "__main__":
    sys.exit(main())
