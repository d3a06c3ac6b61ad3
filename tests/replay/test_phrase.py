"""The small-model job ("phrase"): its schema, its tolerant parse, its prompt, and the model size that picks it."""

from __future__ import annotations

import json

import pytest

from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.prompt import PHRASE_BUDGET, build_phrase_prompt, estimate_tokens, step_code
from blockguide.core.fallback import static_guide
from blockguide.core.checks.prose import VAGUE_TERMS
from blockguide.core.grounding import ground
from blockguide.llm import PHRASE_MAX_TOKENS, BadAnswer, PhraseDraft, parse_phrase, phrase_schema, role_for
from blockguide.llm.base import parse_parameter_size
from blockguide.llm.ollama import OllamaBackend
from blockguide.llm.openai import OpenAIBackend
from blockguide.llm.pool import PoolBackend
from tests.conftest import SLUG
from tests.replay.fake_ollama import DEFAULT_PARAMETER_SIZE, FakeOllama, refused_url


# --- schema ---------------------------------------------------------------------------------------------------


# --- parse ----------------------------------------------------------------------------------------------------
def _answer(n: int, **extra) -> dict:
    return {"description": "`slugify` turns text into a slug.",
            "steps": [{"label": f"Label {i}", "sentence": f"Sentence {i}."} for i in range(1, n + 1)], **extra}


# --- prompt ---------------------------------------------------------------------------------------------------
def _slugify():
    src = Source(LANGUAGES["python"], SLUG)
    return ground(find_definition(src, "slugify"), src, None, None, 0)


# --- model size and role --------------------------------------------------------------------------------------


async def test_parameter_count_from_the_fake_ollama():
    with FakeOllama() as small, FakeOllama(models=[{"name": "blockguide-tiny", "parameter_size": "7B"}]) as big:
        backend = OllamaBackend(small.url, "blockguide-tiny", 5)
        assert DEFAULT_PARAMETER_SIZE == "134.52M"
        assert await backend.parameter_count() == pytest.approx(0.13452)
        assert await backend.parameter_count() == pytest.approx(0.13452)  # cached: one /api/show
        assert len([r for r in small.requests if r.path == "/api/show"]) == 1
        assert role_for("auto", await backend.parameter_count()) == "phrase"
        assert await OllamaBackend(big.url, "blockguide-tiny", 5).parameter_count() == 7.0
        assert await OllamaBackend(small.url, "not-pulled", 5).parameter_count() is None
        down = OllamaBackend(refused_url(), "blockguide-tiny", 5)
        assert await down.parameter_count() is None
        pool = PoolBackend([down, OllamaBackend(big.url, "blockguide-tiny", 5)])
        assert await pool.parameter_count() == 7.0
        assert await OpenAIBackend(small.url, "blockguide-tiny", 5).parameter_count() is None


# --- the whole phrase path, as a caller wires it ----------------------------------------------------------------
async def test_the_phrase_path_against_the_fake_ollama():
    """static guide -> phrase prompt -> backend.draft(phrase_schema, PHRASE_MAX_TOKENS) -> parse_phrase ->
    accept_phrase -> provenance; the model's good fields are kept, its bad ones replaced."""
    from blockguide.core.accept import accept_phrase, provenance
    from blockguide.llm import DraftRequest
    from tests.replay.fake_ollama import answer

    g = _slugify()
    fallback = static_guide(g)
    n = len(fallback.steps)
    reply = {"description": "`slugify` turns `text` into a lowercase URL slug and returns it.",
             "steps": [{"label": "Normalize text", "sentence": "It decomposes `text` with NFKD and keeps only ASCII."},
                       {"label": "2", "sentence": "It lowercases `text` and joins its words with `sep`."},
                       {"label": "Trim separators", "sentence": "It is fast on Linux."}]}
    with FakeOllama([answer(reply)]) as fake:
        backend = OllamaBackend(fake.url, "blockguide-tiny", 5)
        role = role_for("auto", await backend.parameter_count())
        assert role == "phrase"
        prompt = build_phrase_prompt(g, fallback.steps)
        result = await backend.draft(DraftRequest(prompt.messages, phrase_schema(n), 0.2, 0, PHRASE_MAX_TOKENS))
        assert fake.last_chat.format == phrase_schema(n) and fake.last_chat.options["num_predict"] == PHRASE_MAX_TOKENS
    draft = parse_phrase(result.text, n)
    guide, outcomes = accept_phrase(draft, fallback, g, model=backend.model)
    record = provenance(backend.model, role, outcomes)
    assert guide.description == reply["description"] + " " + fallback.description  # the model adds
    assert guide.model == "blockguide-tiny"
    assert [s.label for s in guide.steps] == ["Normalize text", fallback.steps[1].label, "Trim separators"]
    assert guide.steps[1].detail.startswith("It lowercases `text` and joins its words with `sep`.")
    assert guide.steps[2].detail == fallback.steps[2].detail
    assert [o.field for o in record.replaced] == ["steps[2].label", "steps[3].sentence"]
    reasons = " ".join(record.replaced[1].reasons)
    assert "performance" in reasons and "platforms" in reasons
    assert not any("rejected" in note for note in guide.notes)  # our bookkeeping stays out of the file
