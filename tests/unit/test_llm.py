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


def test_schema_is_built_from_the_typed_model_without_length_limits():
    schema = guide_schema()
    assert schema["required"] == ["description", "steps", "example"]
    assert set(schema["properties"]) == {"description", "steps", "example"}
    assert schema["properties"]["description"] == {"type": "string"}
    steps = schema["properties"]["steps"]
    assert (steps["minItems"], steps["maxItems"]) == (1, 8)
    assert set(steps["items"]["properties"]) == {"label", "detail"}
    assert set(schema["properties"]["example"]["properties"]) == {"language", "code"}
    assert "maxLength" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    assert "title" not in json.dumps(schema)


def test_parse_tolerates_think_fences_raw_newlines_and_extra_keys():
    text = "<think>let me think</think>```json\n" + json.dumps({**GOOD, "title": "x"}).replace(
        "Builds a slug.", "Builds\na slug.") + "\n```"
    draft = parse_draft(text)
    assert draft.description == "Builds\na slug." and draft.steps[0].label == "Lower"


@pytest.mark.parametrize("text, problem", [
    ("no json here", "holds no JSON object"),
    ('{"description": "x", "steps": [', "cut off"),
    ('{"description": "x", "steps": [], "example": {"language": "py", "code": "x"}}', "no execution steps"),
    ('{"description": "x", "steps": [{"label": "a"}], "example": {"language": "py", "code": "x"}}', "steps.0.detail"),
    ('{"description": " ", "steps": [{"label": "a", "detail": "b"}], "example": {"language": "py", "code": "x"}}',
     "empty description"),
    ("<think>unfinished thinking {\"description\"", "holds no JSON object"),
])
def test_parse_names_the_exact_problem(text, problem):
    with pytest.raises(BadAnswer) as info:
        parse_draft(text)
    assert problem in str(info.value)


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


def test_salvage_keeps_only_what_a_cut_off_answer_finished():
    from blockguide.llm import salvage_draft

    cut = ('{"description": "Turns text\ninto a slug.", "steps": [{"label": "Normalise", "detail": "NFKD."}, '
           '{"label": "Lower", "detail": "Lowercases the te')
    draft = salvage_draft(cut)
    assert draft is not None and draft.description == "Turns text\ninto a slug."
    assert [(s.label, s.detail) for s in draft.steps] == [("Normalise", "NFKD.")]  # the cut step is left out
    assert draft.example.code == ""  # never reached: blockguide fills it in
    with_example = cut.replace('{"label": "Lower", "detail": "Lowercases the te',
                               '{"label": "Lower", "detail": "x"}], "example": {"language": "python", "code": "slug(')
    assert salvage_draft(with_example).example.code == ""  # a half-written example is not kept either
    assert salvage_draft('{"description": "Turns text into a sl') is None  # nothing whole: nothing to keep
    assert salvage_draft('{"description": "ok", "steps": [{"label": "A", "det') is None
    assert salvage_draft("I cannot help with that") is None
    assert salvage_draft('<think>hmm</think>```json\n{"description": "ok", "steps": [{"label": "A", "detail": "b"}]') \
        is not None
