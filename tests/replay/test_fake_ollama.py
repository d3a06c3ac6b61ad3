"""The replayed Ollama, driven by the real ollama 0.6.3 client.

What each fault becomes in the client (Client and AsyncClient alike):

| fault / situation                  | stream=False                          | stream=True (raised while iterating)   |
| ---------------------------------- | ------------------------------------- | -------------------------------------- |
| http_error(status, body)           | ollama.ResponseError(.status_code)    | ollama.ResponseError(.status_code)     |
| unknown model (chat)               | ollama.ResponseError 404              | ollama.ResponseError 404               |
| unknown model (show)               | ollama.ResponseError 404              | -                                      |
| slow(s), client timeout < s        | httpx.ReadTimeout                     | httpx.ReadTimeout                      |
| answer(chunk_delay=d), timeout < d | -                                     | httpx.ReadTimeout after some chunks    |
| drop_mid_stream()                  | httpx.RemoteProtocolError             | httpx.RemoteProtocolError              |
| drop_mid_stream(reset=True)        | httpx.ReadError / RemoteProtocolError | httpx.ReadError / RemoteProtocolError  |
| refused_url()                      | ConnectionError (builtin; ollama wraps)| httpx.ConnectError (not wrapped)      |
| invalid_json / truncated_json /    | no exception: the content is wrong    | no exception                           |
| repetition / think / raw_newlines  | (json.JSONDecodeError on json.loads)  |                                        |
| huge                               | no exception, ~5 MB of valid JSON     | no exception, 1000 chunks              |
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import ollama
import pytest

from tests.replay.fake_ollama import (
    DEFAULT_MODEL,
    SAMPLE_GUIDE,
    FakeOllama,
    answer,
    drop_mid_stream,
    guide_answer,
    http_error,
    huge,
    invalid_json,
    list_recordings,
    load_recording,
    ollama_fixture,
    raw_newlines,
    record,
    recording,
    refused_url,
    repetition,
    slow,
    think,
    truncated_json,
)

REPO = Path(__file__).resolve().parents[2]
MSG = [{"role": "user", "content": "Document this block"}]

fake = ollama_fixture()


def chat(url: str, stream: bool, timeout: float | None = 5, messages=MSG, model: str = DEFAULT_MODEL, **kw):
    """One chat through the real client; a stream is consumed. Returns (content, final chunk, n chunks)."""
    client = ollama.Client(host=url, timeout=timeout)
    if not stream:
        r = client.chat(model=model, messages=messages, **kw)
        return r.message.content, r, 1
    parts = list(client.chat(model=model, messages=messages, stream=True, **kw))
    return "".join(p.message.content or "" for p in parts), parts[-1], len(parts)


def achat(url: str, stream: bool, timeout: float | None = 5, messages=MSG, model: str = DEFAULT_MODEL, **kw):
    async def run():
        client = ollama.AsyncClient(host=url, timeout=timeout)
        if not stream:
            r = await client.chat(model=model, messages=messages, **kw)
            return r.message.content, r, 1
        parts = [p async for p in await client.chat(model=model, messages=messages, stream=True, **kw)]
        return "".join(p.message.content or "" for p in parts), parts[-1], len(parts)

    return asyncio.run(run())


BOTH = pytest.mark.parametrize("call", [chat, achat], ids=["sync", "async"])
STREAM = pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])


def check_guide(g: dict) -> None:
    assert set(g) == {"title", "description", "steps", "example"}
    assert isinstance(g["title"], str) and isinstance(g["description"], str)
    assert g["steps"] and all(set(s) == {"label", "detail"} for s in g["steps"])
    assert set(g["example"]) == {"language", "code"}


# ---------------------------------------------------------------------------- metadata endpoints


def test_version_tags_show(fake: FakeOllama) -> None:
    assert httpx.get(fake.url + "/api/version").json() == {"version": fake.version}
    assert httpx.get(fake.url + "/").text == "Ollama is running"
    client = ollama.Client(host=fake.url)
    models = client.list().models
    assert [m.model for m in models] == ["blockguide-tiny:latest"]
    assert models[0].details.family == "qwen2"
    shown = client.show(DEFAULT_MODEL)
    assert shown.capabilities == ["completion"] and shown.modelinfo["qwen2.context_length"] == 32768
    assert client.show("blockguide-tiny:latest").details.format == "gguf"
    with pytest.raises(ollama.ResponseError) as e:
        client.show("nope")
    assert e.value.status_code == 404 and e.value.error == "model 'nope' not found"


def test_models_are_configurable() -> None:
    with FakeOllama(models=["qwen2.5-coder:1.5b", {"name": "llama3.2", "family": "llama"}]) as f:
        names = [m.model for m in ollama.Client(host=f.url).list().models]
        assert names == ["qwen2.5-coder:1.5b", "llama3.2:latest"]
        assert chat(f.url, False, model="llama3.2")[0]
        f.remove_model("llama3.2")
        with pytest.raises(ollama.ResponseError):
            chat(f.url, False, model="llama3.2")


def test_fail_overrides_other_endpoints(fake: FakeOllama) -> None:
    fake.fail("/api/tags", http_error(500))
    with pytest.raises(ollama.ResponseError) as e:
        ollama.Client(host=fake.url).list()
    assert e.value.status_code == 500
    fake.unfail("/api/tags")
    assert ollama.Client(host=fake.url).list().models


# ---------------------------------------------------------------------------- normal answers


@BOTH
@STREAM
def test_recording_replays(fake: FakeOllama, call, stream: bool) -> None:
    fake.add(recording("python_slugify"))
    content, final, n = call(fake.url, stream)
    rec = load_recording("python_slugify")
    assert content == rec["response"]["content"]
    g = json.loads(content)
    check_guide(g)
    assert "from textkit.slug import slugify" in g["example"]["code"]
    assert final.done is True and final.done_reason == "stop"
    assert final.eval_count == rec["response"]["eval_count"] and final.prompt_eval_count > 0
    assert final.total_duration and final.eval_duration and final.load_duration and final.prompt_eval_duration
    if stream:
        assert n == len(recording("python_slugify").pieces) + 1  # pieces + the final done chunk
        assert final.message.content == ""


@STREAM
def test_answer_in_n_chunks(fake: FakeOllama, stream: bool) -> None:
    fake.add(answer(SAMPLE_GUIDE, chunks=5))
    content, final, n = chat(fake.url, stream)
    assert json.loads(content) == SAMPLE_GUIDE
    assert n == (6 if stream else 1)


def test_default_when_script_empty(fake: FakeOllama) -> None:
    assert json.loads(chat(fake.url, False)[0]) == SAMPLE_GUIDE
    fake.set_default(answer("fallback"))
    assert chat(fake.url, True)[0] == "fallback"
    assert [r.served for r in fake.chat_requests] == ["default", "default"]


def test_script_order_and_match(fake: FakeOllama) -> None:
    fake.add(answer("first"), answer("js", match="debounce"), answer("second"), answer("always", match="sticky", times=None))
    ask = lambda text: chat(fake.url, False, messages=[{"role": "user", "content": text}])[0]  # noqa: E731
    assert ask("a") == "first"
    assert ask("document debounce please") == "js"
    assert ask("debounce again") == "second"  # the match was used up; next in order
    assert ask("sticky") == "always" and ask("sticky!") == "always"
    assert json.loads(ask("b")) == SAMPLE_GUIDE  # default
    assert [a.content for a in fake.pending] == ["always"]


def test_all_recordings_are_guides() -> None:
    names = list_recordings()
    assert {"python_slugify", "js_debounce"} <= set(names)
    for name in names:
        rec = load_recording(name)
        assert rec["source"] in {"hand-written", "recorded"}
        check_guide(json.loads(rec["response"]["content"]))
        a = recording(name)
        assert "".join(a.pieces) == a.content
    assert 'from "./utils/debounce.js"' in json.loads(load_recording("js_debounce")["response"]["content"])["example"]["code"]


def test_empty_messages_only_load_the_model(fake: FakeOllama) -> None:
    r = ollama.Client(host=fake.url).chat(model=DEFAULT_MODEL, messages=[])
    assert r.done_reason == "load" and r.message.content == ""


def test_generate_endpoint(fake: FakeOllama) -> None:
    fake.add(answer("hello world", chunks=3))
    parts = list(ollama.Client(host=fake.url).generate(model=DEFAULT_MODEL, prompt="hi", stream=True))
    assert "".join(p.response for p in parts) == "hello world" and parts[-1].done


# ---------------------------------------------------------------------------- recorded requests


def test_requests_are_recorded(fake: FakeOllama) -> None:
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    client = ollama.Client(host=fake.url)
    list(client.chat(
        model=DEFAULT_MODEL,
        messages=[{"role": "system", "content": "You write guides."}, {"role": "user", "content": "def slugify(text): ..."}],
        format=schema, options={"temperature": 0.2, "seed": 0, "num_predict": 700}, stream=True,
    ))
    req = fake.last_chat
    assert req.method == "POST" and req.path == "/api/chat"
    assert req.format == schema
    assert req.options == {"temperature": 0.2, "seed": 0, "num_predict": 700}
    assert req.stream is True and req.model == DEFAULT_MODEL
    assert req.system == "You write guides." and req.last_user_message == "def slugify(text): ..."
    assert "slugify" in req.prompt_text
    assert req.headers["user-agent"].startswith("ollama-python/")
    assert fake.wait_for_requests(1, path="/api/chat", timeout=1) == [req]
    fake.clear_requests()
    assert fake.requests == []


# ---------------------------------------------------------------------------- faults


@BOTH
@STREAM
def test_http_error(fake: FakeOllama, call, stream: bool) -> None:
    fake.add(http_error(503), http_error(500, "plain text failure"))
    with pytest.raises(ollama.ResponseError) as e:
        call(fake.url, stream)
    assert e.value.status_code == 503 and "server busy" in e.value.error
    with pytest.raises(ollama.ResponseError) as e:
        call(fake.url, stream)
    assert e.value.status_code == 500 and e.value.error == "plain text failure"


@BOTH
@STREAM
def test_unknown_model(fake: FakeOllama, call, stream: bool) -> None:
    with pytest.raises(ollama.ResponseError) as e:
        call(fake.url, stream, model="missing-model")
    assert e.value.status_code == 404
    assert e.value.error == 'model "missing-model" not found, try pulling it first'
    assert fake.pending == []  # nothing consumed


@BOTH
@STREAM
def test_slow_times_out(fake: FakeOllama, call, stream: bool) -> None:
    fake.add(slow(3))
    t = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        # a generous connect timeout: only the read is meant to time out (0.3 s to connect flaked under load)
        call(fake.url, stream, timeout=httpx.Timeout(0.3, connect=5))
    assert time.monotonic() - t < 2
    assert fake.chat_requests[0].served == "slow"  # recorded even though it never answered


async def test_blockguide_waits_for_a_slow_answer_within_its_timeout_and_gives_up_after_it(fake: FakeOllama) -> None:
    from blockguide.llm import DraftRequest, ModelTimeout
    from blockguide.llm.ollama import OllamaBackend

    request = DraftRequest([{"role": "user", "content": "x"}], {"type": "object"})
    fake.add(slow(0.3, "late"))
    assert (await OllamaBackend(fake.url, DEFAULT_MODEL, timeout=5).draft(request)).text == "late"
    fake.add(slow(3, "too late"))
    with pytest.raises(ModelTimeout, match="blockguide.timeout"):
        await OllamaBackend(fake.url, DEFAULT_MODEL, timeout=0.5).draft(request)


def test_chunk_delay_times_out_mid_stream(fake: FakeOllama) -> None:
    fake.add(answer("a b c d", chunks=4, chunk_delay=1.0))
    got = []
    with pytest.raises(httpx.ReadTimeout):
        for part in ollama.Client(host=fake.url, timeout=httpx.Timeout(0.4, connect=5)).chat(
                model=DEFAULT_MODEL, messages=MSG, stream=True):
            got.append(part.message.content)
    assert got == ["a "]


@BOTH
@STREAM
def test_drop_mid_stream(fake: FakeOllama, call, stream: bool) -> None:
    fake.add(drop_mid_stream(after_chunks=3))
    with pytest.raises(httpx.RemoteProtocolError):
        call(fake.url, stream)
    assert chat(fake.url, stream)[0]  # the server survives


def test_drop_mid_stream_pieces_arrive_first(fake: FakeOllama) -> None:
    fake.add(drop_mid_stream(after_chunks=3))
    got = []
    with pytest.raises(httpx.RemoteProtocolError):
        for part in ollama.Client(host=fake.url, timeout=5).chat(model=DEFAULT_MODEL, messages=MSG, stream=True):
            got.append(part)
    assert len(got) == 3 and not any(p.done for p in got)


@STREAM
def test_drop_with_reset(fake: FakeOllama, stream: bool) -> None:
    fake.add(drop_mid_stream(after_chunks=2, reset=True))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        chat(fake.url, stream)


@BOTH
def test_refused(call) -> None:
    url = refused_url()
    with pytest.raises(ConnectionError):  # ollama turns httpx.ConnectError into the builtin
        call(url, False)
    with pytest.raises(httpx.ConnectError):  # the streaming path does not wrap it
        call(url, True)


@STREAM
def test_invalid_json(fake: FakeOllama, stream: bool) -> None:
    fake.add(invalid_json())
    content, final, _ = chat(fake.url, stream, format="json")
    assert final.done_reason == "stop"
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)


@STREAM
def test_truncated_json(fake: FakeOllama, stream: bool) -> None:
    fake.add(truncated_json())
    content, final, _ = chat(fake.url, stream)
    assert final.done_reason == "length" and content.startswith("{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)


def test_repetition(fake: FakeOllama) -> None:
    fake.add(repetition(count=300))
    content, final, n = chat(fake.url, True)
    assert n == 302 and final.done_reason == "length"
    assert content.count("the slug of the slug of ") == 300


@STREAM
def test_think_in_content(fake: FakeOllama, stream: bool) -> None:
    fake.add(think())
    content, _, _ = chat(fake.url, stream)
    assert content.startswith("<think>\n")
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)
    assert json.loads(content.split("</think>", 1)[1]) == SAMPLE_GUIDE


@STREAM
def test_think_as_field(fake: FakeOllama, stream: bool) -> None:
    fake.add(think(as_field=True))
    client = ollama.Client(host=fake.url, timeout=5)
    if stream:
        parts = list(client.chat(model=DEFAULT_MODEL, messages=MSG, stream=True, think=True))
        thinking = "".join(p.message.thinking or "" for p in parts)
        content = "".join(p.message.content for p in parts)
    else:
        r = client.chat(model=DEFAULT_MODEL, messages=MSG, think=True)
        thinking, content = r.message.thinking, r.message.content
    assert "slugify" in thinking and json.loads(content) == SAMPLE_GUIDE
    assert fake.last_chat.body["think"] is True


@STREAM
def test_huge(fake: FakeOllama, stream: bool) -> None:
    fake.add(huge())
    content, _, n = chat(fake.url, stream, timeout=30)
    assert len(content) == 5 * 1024 * 1024
    assert json.loads(content)["title"] == "Huge"
    assert n == (1001 if stream else 1)


@STREAM
def test_raw_newlines(fake: FakeOllama, stream: bool) -> None:
    fake.add(raw_newlines())
    content, _, _ = chat(fake.url, stream)
    assert "\n" in json.loads(content, strict=False)["description"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)


def test_stop_is_prompt_with_requests_in_flight() -> None:
    f = FakeOllama([slow(30)]).start()
    client = ollama.Client(host=f.url, timeout=60)
    client.list()  # a keep-alive connection stays open
    errors: list[BaseException] = []

    def run() -> None:
        try:
            chat(f.url, True, 60)
        except Exception as e:  # noqa: BLE001 - the server went away
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    f.wait_for_requests(1, path="/api/chat")
    started = time.monotonic()
    f.stop()
    t.join(10)
    assert not t.is_alive() and time.monotonic() - started < 5
    assert errors and isinstance(errors[0], httpx.RemoteProtocolError)


# ---------------------------------------------------------------------------- CLI and record


def test_cli_serve_and_control_endpoints(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({
        "models": ["other-model"],
        "script": [{"kind": "recording", "name": "js_debounce", "match": "debounce"}, "invalid_json",
                   {"kind": "http_error", "status": 500}],
    }))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.replay.fake_ollama", "--port", "0", "--script", str(script)],
        cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert {m.model for m in ollama.Client(host=url).list().models} == {"blockguide-tiny:latest", "other-model:latest"}
        with pytest.raises(json.JSONDecodeError):
            json.loads(chat(url, True)[0])
        content = chat(url, False, messages=[{"role": "user", "content": "function debounce"}])[0]
        assert json.loads(content)["title"].startswith("debounce")
        httpx.post(url + "/_fake/script", json=[{"kind": "answer", "content": "scripted later"}]).raise_for_status()
        with pytest.raises(ollama.ResponseError):
            chat(url, False)
        assert chat(url, True)[0] == "scripted later"
        reqs = httpx.get(url + "/_fake/requests").json()["requests"]
        assert [r["served"] for r in reqs if r["path"] == "/api/chat"] == [
            "invalid_json", "recording:js_debounce", "http_error", "answer"]
        httpx.post(url + "/_fake/reset").raise_for_status()
        assert httpx.get(url + "/_fake/requests").json()["requests"] == []
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def test_record_round_trip(fake: FakeOllama, tmp_path: Path) -> None:
    fake.add(recording("python_slugify"))
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Document slugify")
    out = tmp_path / "rec.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.replay.fake_ollama", "record", "--host", fake.url, "--model", DEFAULT_MODEL,
         "--prompt-file", str(prompt), "--out", str(out), "--option", "temperature=0.2", "--format", "json"],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    rec = load_recording(out)
    assert rec["source"] == "recorded" and rec["ollama_version"] == fake.version
    assert rec["response"]["content"] == load_recording("python_slugify")["response"]["content"]
    assert rec["chunks"] == list(recording("python_slugify").pieces)
    assert fake.last_chat.format == "json" and fake.last_chat.options == {"temperature": 0.2}
    fake.add(recording(out))
    assert chat(fake.url, True)[0] == rec["response"]["content"]
    # a request body as the prompt file is sent as is (model replaced)
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"model": "x", "messages": MSG, "options": {"seed": 1}}))
    record(fake.url, DEFAULT_MODEL, json.loads(body.read_text()), tmp_path / "rec2.json")
    assert fake.last_chat.options == {"seed": 1} and fake.last_chat.model == DEFAULT_MODEL


def test_guide_answer_custom(fake: FakeOllama) -> None:
    g = {**SAMPLE_GUIDE, "title": "Custom"}
    fake.add(guide_answer(g))
    assert json.loads(chat(fake.url, False)[0])["title"] == "Custom"
