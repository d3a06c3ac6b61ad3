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
@pytest.mark.parametrize("n", [1, 3, 8])
def test_the_schema_asks_for_exactly_n_steps_without_lengths(n):
    schema = phrase_schema(n)
    steps = schema["properties"]["steps"]
    assert (steps["minItems"], steps["maxItems"]) == (n, n)
    assert list(schema["properties"]) == ["description", "steps"] and schema["required"] == ["description", "steps"]
    assert steps["items"]["properties"] == {"step": {"type": "integer"}, "label": {"type": "string"},
                                           "sentence": {"type": "string"}}  # the number has a field of its own
    assert steps["items"]["required"] == ["step", "label", "sentence"]
    text = json.dumps(schema)
    assert "maxLength" not in text and "$ref" not in text and "title" not in text and "default" not in text


def test_the_schema_needs_a_step():
    with pytest.raises(ValueError):
        phrase_schema(0)


# --- parse ----------------------------------------------------------------------------------------------------
def _answer(n: int, **extra) -> dict:
    return {"description": "`slugify` turns text into a slug.",
            "steps": [{"label": f"Label {i}", "sentence": f"Sentence {i}."} for i in range(1, n + 1)], **extra}


def test_parse_tolerates_think_fences_raw_newlines_and_extra_keys():
    text = ("<think>first I read the code</think>\n```json\n" +
            json.dumps(_answer(2, title="x")).replace("turns text", "turns\ntext") + "\n```")
    draft = parse_phrase(text, 2)
    assert isinstance(draft, PhraseDraft) and not draft.salvaged
    assert draft.description == "`slugify` turns\ntext into a slug."
    assert [(s.label, s.sentence) for s in draft.steps] == [("Label 1", "Sentence 1."), ("Label 2", "Sentence 2.")]


def test_parse_ignores_what_follows_the_object():
    draft = parse_phrase(json.dumps(_answer(1)) + "\nI hope this helps: {\"more\": 1}", 1)
    assert draft.steps[0].label == "Label 1" and not draft.salvaged


def test_parse_keeps_the_first_n_steps_and_fewer_when_fewer_come():
    assert len(parse_phrase(json.dumps(_answer(8)), 3).steps) == 3
    assert len(parse_phrase(json.dumps(_answer(2)), 5).steps) == 2


def test_parse_reads_what_small_models_write_instead():
    text = json.dumps({"description": "d", "steps": [{"label": 1, "detail": "One."}, "Two.", {"label": "", "text": ""},
                                                    {"label": "Three", "text": "Three."}]})
    draft = parse_phrase(text, 5)
    assert [(s.label, s.sentence) for s in draft.steps] == [("1", "One."), ("", "Two."), ("Three", "Three.")]
    assert parse_phrase(json.dumps({"steps": [{"label": "A", "sentence": "B"}]}), 1).description == ""


def test_a_cut_off_answer_keeps_its_finished_fields():
    full = json.dumps(_answer(3))
    draft = parse_phrase(full[: full.index("Sentence 2") + 4], 3)
    assert draft.salvaged and draft.description == "`slugify` turns text into a slug."
    assert [(s.label, s.sentence) for s in draft.steps] == [("Label 1", "Sentence 1."), ("Label 2", "")]


@pytest.mark.parametrize("text, problem", [
    ("no json at all", "holds no JSON object"),
    ('{"description": "only a description"}', "has no steps"),
    ('{"description": "x", "steps": []}', "has no steps"),
    ('{"description": "x", "steps": [{"label": " ", "sentence": ""}]}', "has no steps"),
    ('{"description": "cut', "has no steps (it was cut off)"),
    ("<think>still thinking {", "holds no JSON object"),
])
def test_parse_fails_only_without_steps(text, problem):
    with pytest.raises(BadAnswer) as info:
        parse_phrase(text, 3)
    assert problem in str(info.value)


# --- prompt ---------------------------------------------------------------------------------------------------
def _slugify():
    src = Source(LANGUAGES["python"], SLUG)
    return ground(find_definition(src, "slugify"), src, None, None, 0)


def test_the_prompt_numbers_each_step_with_its_code_and_states_the_rules():
    g = _slugify()
    steps = static_guide(g).steps
    prompt = build_phrase_prompt(g, steps)
    system, user = prompt.messages[0]["content"], prompt.messages[1]["content"]
    assert ('Step 1 (outline: Decode `text`):\n    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")'
            '.decode()\nStep 2 (outline: Substitute `text`):\n    text = _SEP.sub(sep, text.lower())\n'
            'Step 3 (outline: Return `text.strip` result):\n    return text.strip(sep)') in user
    assert "exactly 3 objects" in user and "exactly 3 steps" in user and "JSON only" in system
    assert "its first sentence names `slugify`" in user and "Never a number" in system
    for words in ("versions", "platforms", "this example", "this guide"):
        assert words in system
    assert all(f'"{t}"' in system for t in VAGUE_TERMS)
    assert '{"description": "...", "steps": [{"step": 1, "label": "...", "sentence": "..."}]}' in system  # the shape
    assert "Its first line: def slugify(text: str" in user and prompt.dropped == []
    assert prompt.tokens <= PHRASE_BUDGET and PHRASE_MAX_TOKENS == 150


def test_the_first_line_shown_reaches_the_blocks_name():
    code = "static PyObject*\nescape(PyObject *self, PyObject *text)\n{\n    return text;\n}\n"
    src = Source(LANGUAGES["c"], code)
    g = ground(find_definition(src, "escape"), src, None, None, 0)
    user = build_phrase_prompt(g, static_guide(g).steps).messages[1]["content"]
    assert "Its first line: static PyObject* escape(PyObject *self, PyObject *text)\n" in user


def test_the_prompt_shows_each_steps_comments_with_its_code():
    code = ("def f(a):\n    # keep the sign\n    b = abs(a)\n    if b > 10:\n        # too large: cap it\n"
            "        b = 10\n    return b\n")
    src = Source(LANGUAGES["python"], code)
    g = ground(find_definition(src, "f"), src, None, None, 0)
    user = build_phrase_prompt(g, static_guide(g).steps).messages[1]["content"]
    assert "):\n    # keep the sign\n    b = abs(a)\nStep 2" in user
    assert "    if b > 10:\n    # too large: cap it\n    b = 10\nStep 3" in user


def test_a_long_block_shows_every_step_within_800_tokens(project):
    body = "".join(f"    value_{i} = compute_{i}(value_{i - 1}, factor={i})\n" for i in range(1, 200))
    code = "def long_one(value_0):\n    \"\"\"Run many steps.\"\"\"\n" + body + "    return value_199\n"
    (project / "src/textkit/long.py").write_text(code)
    src = Source(LANGUAGES["python"], code)
    g = ground(find_definition(src, "long_one"), src, project / "src/textkit/long.py", project, 0)
    steps = static_guide(g).steps
    prompt = build_phrase_prompt(g, steps)
    user = prompt.messages[1]["content"]
    total = sum(estimate_tokens(m["content"]) for m in prompt.messages)
    assert prompt.tokens == total <= 800
    assert "def long_one(value_0):" in user and f"Step {len(steps)} (outline: " in user
    assert f"exactly {len(steps)} steps" in user
    # each step shows its own statements (a run of them: several lines); a tighter budget shows fewer or
    # shorter lines per step and keeps every step
    tight = build_phrase_prompt(g, steps, budget=prompt.tokens - 20)
    assert tight.tokens <= prompt.tokens - 20 and tight.dropped == ["part of the steps' code"]
    assert len(tight.messages[1]["content"]) < len(user)
    assert f"Step {len(steps)} (outline: " in tight.messages[1]["content"]
    assert step_code(g, steps)[0] == "value_1 = compute_1(value_0, factor=1)"


def test_statements_are_not_asked_to_name_a_block():
    from blockguide.core.syntax.blocks import snap

    src = Source(LANGUAGES["python"], SLUG)
    g = ground(snap(src, 10, 11), src, None, None, 0)
    prompt = build_phrase_prompt(g, static_guide(g).steps)
    assert "its first sentence says what the statements do" in prompt.messages[1]["content"]
    assert "slugify" not in prompt.messages[1]["content"].split("\n\n")[-1]


def test_the_system_message_is_the_same_for_every_block():
    # a constant first message is a prefix the model server keeps evaluated from one request to the next
    from blockguide.core.syntax.blocks import snap

    src = Source(LANGUAGES["python"], SLUG)
    whole, lines = ground(find_definition(src, "slugify"), src, None, None, 0), ground(snap(src, 10, 11), src,
                                                                                        None, None, 0)
    first = build_phrase_prompt(whole, static_guide(whole).steps).messages
    second = build_phrase_prompt(lines, static_guide(lines).steps).messages
    assert len(static_guide(whole).steps) != len(static_guide(lines).steps)
    assert first[0] == second[0] and first[0]["role"] == "system" and first[1] != second[1]


# --- model size and role --------------------------------------------------------------------------------------
@pytest.mark.parametrize("setting, size, role", [
    ("auto", 0.135, "phrase"), ("auto", 1.0, "phrase"), ("auto", None, "phrase"), ("auto", 1.5, "draft"),
    ("auto", 7.0, "draft"), ("phrase", 70.0, "phrase"), ("draft", 0.1, "draft"), ("draft", None, "draft"),
    ("AUTO", 3.0, "draft"),
])
def test_role_for(setting, size, role):
    assert role_for(setting, size) == role


def test_role_for_rejects_unknown_settings():
    with pytest.raises(ValueError):
        role_for("write", 1.0)


@pytest.mark.parametrize("text, billions", [("134.52M", 0.13452), ("1.5B", 1.5), ("7B", 7.0), ("70b", 70.0),
                                            ("500K", 0.0005), (494032768, 0.494032768), ("", None), ("big", None),
                                            (None, None), ("0B", None)])
def test_parameter_sizes_are_read_as_ollama_writes_them(text, billions):
    assert parse_parameter_size(text) == (pytest.approx(billions) if billions else None)


# --- the whole phrase path, as a caller wires it ----------------------------------------------------------------
