"""The OpenAI-compatible backend against the replayed OpenAI-compatible server (and once through the LSP)."""

from __future__ import annotations

import asyncio
import json

import pytest
from lsprotocol import types as lsp

from blockguide.jobs import draft as drafting
from blockguide.core.syntax.source import Source
from blockguide.core.languages import for_path
from blockguide.llm import (BadAnswer, DraftRequest, ModelMissing, ModelTimeout, ModelUnreachable, guide_schema,
                            make_backend, parse_draft)
from blockguide.llm.base import BackendError
from blockguide.llm.openai import OpenAIBackend, api_base
from blockguide.settings import Settings, parse
from tests.lsp.editor import start_editor
from tests.replay.fake_ollama import (FakeOllama, answer, drop_mid_stream, guide_answer, http_error, huge,
                                      refused_url, repetition, slow, truncated_json)
from tests.replay.fake_openai import FakeOpenAI

GOOD = {"description": "Builds a slug.", "steps": [{"label": "Lower", "detail": "calls `lower`"}],
        "example": {"language": "python", "code": "print(1)"}}


def request() -> DraftRequest:
    return DraftRequest([{"role": "system", "content": "You write guides."},
                         {"role": "user", "content": "document this"}], guide_schema(), 0.1, 3, 300)


def backend(url: str, model: str = "blockguide-tiny", timeout: float = 5, **kw) -> OpenAIBackend:
    return OpenAIBackend(url, model, timeout, **kw)


async def test_streams_tokens_with_the_schema_as_structured_output_and_usage_counts():
    with FakeOpenAI([guide_answer(GOOD, chunks=12, eval_count=57)]) as fake:
        seen: list[int] = []
        result = await backend(fake.url).draft(request(), seen.append)
        assert parse_draft(result.text).description == "Builds a slug."
        assert seen == list(range(1, 13))  # one progress call per streamed piece
        assert result.tokens == 57 and result.prompt_tokens > 0  # from the final `usage` event
        assert result.stop_reason == "stop" and result.timings["response_format"] == "json_schema"
        body = fake.chat_requests[0].body
        assert body["response_format"] == {"type": "json_schema",
                                           "json_schema": {"name": "guide", "schema": guide_schema()}}
        assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
        assert (body["temperature"], body["seed"], body["max_tokens"]) == (0.1, 3, 300)
        assert body["messages"] == request().messages  # the schema is enforced: no hint in the prompt


async def test_falls_back_to_json_object_then_remembers_it():
    with FakeOpenAI(formats=("json_object", "text")) as fake:  # an older llama.cpp
        b = backend(fake.url)
        result = await b.draft(request())
        assert parse_draft(result.text) and result.timings["response_format"] == "json_object"
        await b.draft(request())
        kinds = [r.body["response_format"]["type"] for r in fake.chat_requests]
        assert kinds == ["json_schema", "json_object", "json_object"]
        hint = fake.chat_requests[1].body["messages"][0]
        assert hint["role"] == "system" and '"description"' in hint["content"]  # the schema, in the prompt


async def test_falls_back_to_plain_when_no_response_format_is_taken():
    with FakeOpenAI(formats=("text",)) as fake:
        result = await backend(fake.url).draft(request())
        assert result.timings["response_format"] == "text"
        assert [r.body.get("response_format", {}).get("type") for r in fake.chat_requests] == \
            ["json_schema", "json_object", None]


async def test_lm_studio_wording_and_json_schema_only():
    with FakeOpenAI(formats=("json_schema", "text")) as fake:
        result = await backend(fake.url).draft(request())
        assert result.timings["response_format"] == "json_schema" and len(fake.chat_requests) == 1


async def test_stream_options_rejected_is_dropped_and_tokens_are_counted():
    with FakeOpenAI([guide_answer(GOOD, chunks=9)], stream_options=False) as fake:
        result = await backend(fake.url).draft(request())
        assert result.tokens == 9 and result.prompt_tokens == 0
        assert ["stream_options" in r.body for r in fake.chat_requests] == [True, False]


async def test_host_with_v1_and_api_key(monkeypatch):
    assert api_base("http://h:8080") == api_base("http://h:8080/v1/") == "http://h:8080/v1"
    monkeypatch.setenv("BLOCKGUIDE_API_KEY", "sekrit")
    with FakeOpenAI() as fake:
        await backend(fake.url + "/v1").draft(request())
        assert fake.chat_requests[0].headers.get("Authorization") == "Bearer sekrit"


@pytest.mark.parametrize("fault, error, words", [
    (http_error(500, {"error": {"message": "llama runner crashed", "code": 500}}), BackendError,
     "answered with an error (500): llama runner crashed"),
    (http_error(503, "server busy"), BackendError, "answered with an error (503): server busy"),
    (slow(3), ModelTimeout, "did not answer within 1 s"),
    (answer(json.dumps(GOOD), chunks=6, chunk_delay=1.5), ModelTimeout, "raise the `blockguide.timeout`"),
    (drop_mid_stream(after_chunks=2), ModelUnreachable, "broke during generation"),
    (drop_mid_stream(after_chunks=2, reset=True), ModelUnreachable, "model server"),
    (repetition("the same words again "), BadAnswer, "repeating itself"),
    (huge(), BadAnswer, "ran past"),
])
async def test_faults_become_the_same_clear_errors(fault, error, words):
    with FakeOpenAI([fault]) as fake:
        with pytest.raises(error) as info:
            await backend(fake.url, timeout=1).draft(request())
        assert words in str(info.value)
        assert fake.url in str(info.value) or error is BadAnswer


async def test_a_cut_off_answer_reports_length():
    with FakeOpenAI([truncated_json()]) as fake:
        result = await backend(fake.url).draft(request())
        assert result.stop_reason == "length"
        with pytest.raises(BadAnswer):
            parse_draft(result.text)


async def test_missing_model_refused_connection_and_an_ollama_url():
    with FakeOpenAI() as fake:
        with pytest.raises(ModelMissing, match="'other' is not available on the model server"):
            await backend(fake.url, "other").draft(request())
    with FakeOpenAI(owned_by="llamacpp") as fake:  # llama.cpp answers whatever name is asked for
        assert (await backend(fake.url, "other").draft(request())).text
    with pytest.raises(ModelUnreachable, match="Cannot reach the model server at http://127.0.0.1:"):
        await backend(refused_url()).draft(request())
    with FakeOllama() as ollama:  # the wrong kind of server
        with pytest.raises(BackendError, match="does not serve the OpenAI chat API.*`blockguide.backend`"):
            await backend(ollama.url).draft(request())


async def test_cancelling_aborts_the_stream():
    with FakeOpenAI([answer(json.dumps(GOOD), chunks=40, chunk_delay=0.2)]) as fake:
        task = asyncio.ensure_future(backend(fake.url).draft(request()))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert fake.answered == 0


async def test_health_lists_server_and_model():
    with FakeOpenAI(models=["blockguide-tiny", "qwen2.5-coder:1.5b"]) as fake:
        checks = await backend(fake.url).health()
        assert [(c[0], c[1]) for c in checks] == [("server", True), ("model", True)]
        checks = await backend(fake.url, "absent").health()
        assert checks[1][1] is False and "served: blockguide-tiny, qwen2.5-coder:1.5b" in checks[1][2]
    with FakeOpenAI(owned_by="llamacpp", models=["/models/qwen.gguf"]) as fake:
        checks = await backend(fake.url, "anything").health()
        assert checks[1][1] is True and "llama.cpp answers any model name" in checks[1][2]
    checks = await backend(refused_url()).health()
    assert checks[0][1] is False and "llama-server" in checks[0][3]
    with FakeOllama() as ollama:
        checks = await backend(ollama.url).health()
        assert checks[0][1] is False and "answered 404" in checks[0][2]


def test_settings_choose_the_backend_and_validate_it():
    s, problems = parse({"backend": "openai", "ollamaHost": "127.0.0.1:8080"})
    assert problems == [] and isinstance(make_backend(s), OpenAIBackend)
    assert make_backend(s).host == "http://127.0.0.1:8080"
    s, problems = parse({"backend": "vllm"})
    assert s.backend == "ollama" and problems and problems[0].startswith("blockguide.backend:")


async def test_the_pipeline_drafts_a_guide_through_it(project):
    path = project / "src/textkit/slug.py"
    src = Source(for_path(str(path)), path.read_text())
    from blockguide.jobs.document import find_block

    block = find_block(src, symbol="slugify")
    with FakeOpenAI(formats=("json_object", "text")) as fake:
        settings = Settings(backend="openai", ollama_host=fake.url)
        grounding = drafting.analyse(src, block, path, [project], settings)
        drafted = await drafting.draft(grounding, settings, make_backend(settings), None)
        assert drafted.guide.title == "How to Use This Code Block" and drafted.output_tokens > 0
        assert "from textkit.slug import slugify" in drafted.guide.example.code


async def test_the_language_server_documents_a_block_with_it(project, tmp_path):
    with FakeOpenAI() as fake:
        editor = await start_editor(project, tmp_path / "cache",
                                    settings={"backend": "openai", "ollamaHost": fake.url, "timeout": 10})
        try:
            uri = editor.open(project / "src/textkit/slug.py")
            await editor.document(uri, (8, 0), (13, 0))
            assert "# --- blockguide " in editor.text(uri)
            assert fake.chat_requests[0].body["response_format"]["type"] == "json_schema"
            hover = await editor.hover(uri, editor.text(uri).split("\n").index(
                'def slugify(text: str, sep: str = "-") -> str:'), 5)
            assert hover is not None and "How to Use This Code Block" in hover.contents.value
            assert isinstance(hover.contents, lsp.MarkupContent)
        finally:
            await editor.client.shutdown_session()
            await editor.client.stop()


async def test_the_replayed_server_can_emulate_one_generation_slot():
    import time

    with FakeOpenAI(default=guide_answer(GOOD, chunks=5, chunk_delay=0.06), parallel=1) as fake:
        started = time.monotonic()
        await asyncio.gather(backend(fake.url).draft(request()), backend(fake.url).draft(request()))
        assert time.monotonic() - started >= 0.6  # the second answer waited for the first (2 x 5 x 0.06 s)
