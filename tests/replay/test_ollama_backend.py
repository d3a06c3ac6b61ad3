"""The model answer parser and the Ollama backend, against the replayed Ollama."""

from __future__ import annotations

import json

import pytest

from blockguide.llm import BadAnswer, DraftRequest, ModelMissing, ModelTimeout, ModelUnreachable, guide_schema, parse_draft
from blockguide.llm.base import BackendError
from blockguide.llm.ollama import OllamaBackend
from tests.replay.fake_ollama import (FakeOllama, drop_mid_stream, guide_answer, http_error, huge, refused_url,
                                      repetition, slow)

GOOD = {"description": "Builds a slug.", "steps": [{"label": "Lower", "detail": "calls `lower`"}],
        "example": {"language": "python", "code": "print(1)"}}


def request() -> DraftRequest:
    return DraftRequest([{"role": "user", "content": "document this"}], guide_schema(), 0.1, 3, 300)


async def test_backend_streams_tokens_and_sends_schema_and_options():
    with FakeOllama() as fake:
        fake.add(guide_answer(GOOD, chunks=12))
        seen = []
        result = await OllamaBackend(fake.url, "blockguide-tiny", 5).draft(request(), seen.append)
        assert parse_draft(result.text).description == "Builds a slug."
        assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 12
        chat = fake.last_chat
        assert chat.format == guide_schema() and chat.stream is True
        assert chat.options == {"temperature": 0.1, "seed": 3, "num_predict": 300}


@pytest.mark.parametrize("fault, error, words", [
    (http_error(500, "boom"), BackendError, "answered with an error (500)"),
    (slow(3), ModelTimeout, "did not answer within 1 s"),
    (drop_mid_stream(after_chunks=2), ModelUnreachable, "broke during generation"),
    (repetition("the same words again "), BadAnswer, "repeating itself"),
    (huge(), BadAnswer, "ran past"),
])
async def test_backend_faults_become_clear_errors(fault, error, words):
    with FakeOllama() as fake:
        fake.add(fault)
        with pytest.raises(error) as info:
            await OllamaBackend(fake.url, "blockguide-tiny", 1).draft(request())
        assert words in str(info.value)


async def test_missing_model_and_refused_connection():
    with FakeOllama() as fake:
        with pytest.raises(ModelMissing, match="ollama pull other-model"):
            await OllamaBackend(fake.url, "other-model", 5).draft(request())
        with pytest.raises(ModelMissing, match="blockguide model install --host"):
            fake.remove_model("blockguide-tiny")
            await OllamaBackend(fake.url, "blockguide-tiny", 5).draft(request())
    with pytest.raises(ModelUnreachable, match="Cannot reach Ollama"):
        await OllamaBackend(refused_url(), "blockguide-tiny", 5).draft(request())


async def test_health_reports_server_and_model():
    with FakeOllama() as fake:
        checks = await OllamaBackend(fake.url, "blockguide-tiny", 5).health()
        assert [(c[0], c[1]) for c in checks] == [("ollama", True), ("model", True)]
        checks = await OllamaBackend(fake.url, "absent", 5).health()
        assert checks[1][1] is False and "ollama pull absent" in checks[1][3]
    checks = await OllamaBackend(refused_url(), "blockguide-tiny", 5).health()
    assert checks[0][1] is False and "ollama serve" in checks[0][3]


