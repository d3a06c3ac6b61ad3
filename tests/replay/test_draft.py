"""jobs/draft.py against a replayed Ollama. The small model (the fake serves a 134M model, so `modelRole = auto`
means phrase) words the analysis' facts in one call, every field checked and replaced when it fails; a larger
model (`modelRole = draft`) writes a whole guide, its example sent back once with the problems found, then the
same field checks. The guide built without the model when asked to fall back."""

from __future__ import annotations

import asyncio
import copy
import json

import pytest

from blockguide.jobs import draft as drafting
from blockguide.cache import GuideCache
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.fallback import NOTE, static_guide
from blockguide.core.render import to_markdown
from blockguide.llm import BackendError, BadAnswer, ModelNotRunning, ModelUnreachable, make_backend
from blockguide.settings import Settings
from tests.replay.fake_ollama import (
    SAMPLE_GUIDE,
    drop_mid_stream,
    guide_answer,
    invalid_json,
    refused_url,
    answer,
    slow,
    truncated_json,
)


def _grounding(project, name="slugify"):
    path = project / "src/textkit/slug.py"
    src = Source(LANGUAGES["python"], path.read_text())
    return drafting.analyse(src, find_definition(src, name), path, [project], Settings())


def _guide(**changes):
    guide = copy.deepcopy(SAMPLE_GUIDE)
    guide.update(changes)
    return guide


async def _draft(g, url, role="auto", **kw):
    settings = Settings(ollama_host=url, model_role=role)
    return await drafting.draft(g, settings, make_backend(settings), None, **kw)


GROUNDED_STEPS = [
    {"label": "Normalize accents", "detail": "`unicodedata.normalize` decomposes the text; `encode` and `decode` drop "
                                             "the non-ASCII marks."},
    {"label": "Replace separators", "detail": "`_SEP.sub` replaces each run of other characters in `text.lower()` "
                                              "with `sep`."},
    {"label": "Trim ends", "detail": "`text.strip(sep)` removes separators from both ends and returns the slug."},
]


# --- phrase: the small model words the analysis' facts ---------------------------------------------------------
GOOD_PHRASE = {
    "description": "`slugify` turns free text into a lowercase slug for URLs and returns it.",
    "steps": [
        {"label": "Normalize text", "sentence": "It normalizes `text` and drops what is not ASCII."},
        {"label": "Lowercase and join words", "sentence": "It replaces each run of other characters with `sep`."},
        {"label": "Trim separators", "sentence": "It removes `sep` from both ends and returns the slug."},
    ],
}
BAD_PHRASE = {  # what the bundled model wrote for requote_uri: numbers as labels, one sentence again and again
    "description": "The function takes a URI, which is not available in Python 3.",
    "steps": [{"label": str(i), "sentence": "This function allows for quoting of any characters that are not "
                                            "reserved. This is not available in Python 3."} for i in (1, 2, 3)],
}


async def test_the_small_model_words_the_analysis_facts_in_one_call(project, fake):
    fake.add(answer(GOOD_PHRASE))
    g = _grounding(project)
    drafted = await _draft(g, fake.url)
    base = static_guide(g)
    chat = fake.chat_requests
    assert len(chat) == 1
    schema = chat[0].format
    assert schema["properties"]["steps"]["minItems"] == schema["properties"]["steps"]["maxItems"] == 3
    assert chat[0].options["num_predict"] <= 180
    assert "Step 1 (outline: Decode `text`):\n    text = unicodedata.normalize(" in chat[0].prompt_text  # with its code
    guide = drafted.guide
    assert guide.description == GOOD_PHRASE["description"] + " " + base.description  # the model adds
    assert guide.model == "blockguide-tiny"
    assert [s.label for s in guide.steps] == ["Normalize text", "Lowercase and join words", "Trim separators"]
    assert guide.example == base.example and guide.notes == ()  # the example is the analysis' own
    assert guide.provenance.role == "phrase" and not guide.provenance.replaced


LONG = """def settle(order, ledger):
    total = order.total()
    if total < 0:
        raise ValueError("negative total")
    fee = ledger.fee_for(total)
    ledger.debit(order.buyer, total + fee)
    ledger.credit(order.seller, total)
    ledger.credit(ledger.house, fee)
    order.mark_paid()
    return fee
"""


async def test_the_small_model_words_the_first_steps_of_a_long_block(project, fake):
    from blockguide.llm.base import PHRASE_STEPS
    (project / "src/textkit/settle.py").write_text(LONG)
    path = project / "src/textkit/settle.py"
    src = Source(LANGUAGES["python"], LONG)
    g = drafting.analyse(src, find_definition(src, "settle"), path, [project], Settings())
    base = static_guide(g)
    assert len(base.steps) > PHRASE_STEPS == 3
    fake.add(answer({"description": "`settle` charges the buyer of `order` and pays the seller and the house.",
                     "steps": [{"label": "Read the total", "sentence": "It reads the total of `order`."},
                               {"label": "Refuse a negative total", "sentence": "It raises `ValueError` when `total` is below 0."},
                               {"label": "Look up the fee", "sentence": "It asks `ledger` for the fee on `total`."},
                               {"label": "Charge the buyer", "sentence": "It debits the buyer by `total` plus `fee`."}]}))
    guide = (await _draft(g, fake.url)).guide
    chat = fake.chat_requests[0]
    steps = chat.format["properties"]["steps"]
    assert steps["minItems"] == steps["maxItems"] == PHRASE_STEPS
    assert "Step 3 (outline: " in chat.prompt_text and "Step 4 (outline: " not in chat.prompt_text
    assert "exactly 3 steps" in chat.prompt_text
    assert len(guide.steps) == len(base.steps) and guide.steps[PHRASE_STEPS:] == base.steps[PHRASE_STEPS:]
    assert guide.steps[0].label == "Read the total" and guide.model == "blockguide-tiny"
    fields = [f.field for f in guide.provenance.fields]
    assert "steps[3].label" in fields and "steps[4].label" not in fields  # no outcome for what was not asked
    assert any(f"first {PHRASE_STEPS} of the {len(base.steps)} steps" in n for n in guide.provenance.notes)


async def test_a_bad_phrase_keeps_the_analysis_text_field_by_field(project, fake):
    fake.add(answer(BAD_PHRASE))
    g = _grounding(project)
    guide = (await _draft(g, fake.url)).guide
    base = static_guide(g)
    assert len(fake.chat_requests) == 1  # no second call: the failing fields are replaced, not rewritten
    assert guide.description == base.description and guide.steps == base.steps
    md = to_markdown(guide)
    assert "Python 3" not in md and "**1**" not in md and "not reserved" not in md
    reasons = {f.field: " ".join(f.reasons) for f in guide.provenance.replaced}
    assert "a number" in reasons["steps[1].label"] and "Python version" in reasons["description"]
    assert "repeats another step's sentence" in reasons["steps[2].sentence"]


async def test_an_unreadable_answer_is_asked_again_once(project, fake):
    fake.add(invalid_json(), answer(GOOD_PHRASE))
    guide = (await _draft(_grounding(project), fake.url)).guide
    assert len(fake.chat_requests) == 2 and guide.steps[0].label == "Normalize text"


async def test_unreadable_twice_is_an_unusable_answer_told_to_the_user_and_never_stored(project, fake, tmp_path):
    fake.add(invalid_json(), invalid_json())
    g = _grounding(project)
    with pytest.raises(BadAnswer):  # without a fallback it is an error with the reason
        await _draft(g, fake.url)
    assert len(fake.chat_requests) == 2
    fake.add(invalid_json(), invalid_json())
    settings = Settings(ollama_host=fake.url)
    cache = GuideCache(tmp_path / "c.sqlite")
    drafted = await drafting.draft(g, settings, make_backend(settings), cache,
                                   fallback_on=drafting.fallback_for(settings))
    assert drafted.guide.model == "none" and drafted.guide.steps == static_guide(g).steps
    assert "could not be read" in drafted.warning and "not used" in drafted.guide.provenance.notes[0]
    assert cache.get(g.block.hash, drafting.cache_key(settings)) is None  # the next request asks again
    fake.add(answer(GOOD_PHRASE))
    again = await drafting.draft(g, settings, make_backend(settings), cache, fallback_on=drafting.fallback_for(settings))
    assert not again.from_cache and again.guide.steps[0].label == "Normalize text"


async def test_a_timeout_and_a_cut_stream_build_the_guide_without_the_model_and_say_why(project, fake, tmp_path):
    g = _grounding(project)
    settings = Settings(ollama_host=fake.url, timeout=1)
    cache = GuideCache(tmp_path / "c.sqlite")
    for failure, said in ((slow(3), "time"), (drop_mid_stream(), "")):
        fake.add(failure, failure)
        drafted = await drafting.draft(g, settings, make_backend(settings), cache,
                                       fallback_on=drafting.fallback_for(settings))
        assert drafted.warning and said in drafted.warning.lower()
        assert drafted.guide.model == "none" and drafted.guide.steps == static_guide(g).steps
        assert cache.get(g.block.hash, drafting.cache_key(settings)) is None


async def test_a_phrase_cut_off_by_the_token_cap_keeps_its_finished_fields(project, fake):
    text = json.dumps(GOOD_PHRASE)
    fake.add(answer(text[: text.index('{"label": "Trim')], done_reason="length"))
    g = _grounding(project)
    guide = (await _draft(g, fake.url)).guide
    assert [s.label for s in guide.steps][:2] == ["Normalize text", "Lowercase and join words"]
    assert guide.steps[2] == static_guide(g).steps[2]
    assert any("token cap" in n for n in guide.provenance.notes)


# --- draft: a larger model writes the whole guide ---------------------------------------------------------------
async def test_a_good_whole_guide_is_used_as_it_is(project, fake):
    fake.add(guide_answer(_guide(steps=GROUNDED_STEPS)))
    drafted = await _draft(_grounding(project), fake.url, role="draft")
    assert len(fake.chat_requests) == 1 and drafted.guide.notes == () and drafted.warning is None
    assert drafted.guide.steps[0].label == "Normalize accents" and not drafted.guide.provenance.replaced
    prompt = fake.chat_requests[0].prompt_text
    assert "What the code does, in order:" in prompt and "line 12: sets `text` to `_SEP.sub(sep, text.lower())`" in prompt
    assert "A usage example that passes every check:" in prompt and "adapted from the call at app.py:5" in prompt
    said = drafted.guide.provenance.notes[-1]
    assert said.startswith("The usage example is the model's, checked by static, python bind")


async def test_a_failing_example_goes_back_once_then_the_analysis_example_stands(project, fake):
    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify(txt, width=3)"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(bad))
    g = _grounding(project)
    guide = (await _draft(g, fake.url, role="draft")).guide
    assert len(fake.chat_requests) == 2
    second = fake.chat_requests[1].prompt_text
    assert "- usage example: the example uses `txt` but never imports or defines it" in second
    assert "- usage example: `slugify` has no parameter `width`" in second
    assert guide.example == static_guide(g).example and guide.notes == ()
    example = next(f for f in guide.provenance.fields if f.field == "example")
    assert example.source == "analysis" and "uses `txt`" in example.reasons[0]
    assert guide.provenance.notes[-1] == "The usage example is blockguide's own (example adapted from the call at " \
        "`app.py:5`)."


async def test_the_example_check_runs_through_the_callers_offload(project, fake):
    """jedi is not thread-safe: the server hands its one analysis thread to draft() for the checks."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify(txt)"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(bad))
    seen = []
    with ThreadPoolExecutor(1, thread_name_prefix="the-analysis-thread") as pool:
        async def offload(fn, *args):
            seen.append(fn.__name__)
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

        await _draft(_grounding(project), fake.url, role="draft", offload=offload)
    assert seen == ["check_example", "check_example"]


async def test_a_fixed_example_on_the_second_try_is_kept(project, fake):
    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify()"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(_guide(steps=GROUNDED_STEPS)))
    drafted = await _draft(_grounding(project), fake.url, role="draft")
    assert len(fake.chat_requests) == 2 and drafted.guide.notes == ()
    assert drafted.guide.example.code == SAMPLE_GUIDE["example"]["code"]


async def test_vague_and_invented_prose_is_replaced_not_shipped(project, fake):
    vague = _guide(description="Handling text: it calls `fancy_slug` on the input.", steps=GROUNDED_STEPS)
    fake.add(guide_answer(vague))
    g = _grounding(project)
    guide = (await _draft(g, fake.url, role="draft")).guide
    assert guide.description == static_guide(g).description and guide.notes == ()
    reasons = " ".join(next(f for f in guide.provenance.replaced if f.field == "description").reasons)
    assert '"handling"' in reasons and "`fancy_slug`" in reasons


async def test_repeated_steps_are_found_by_text_whatever_their_labels(project, fake):
    again = dict(GROUNDED_STEPS[1], label="Swap separators")
    fake.add(guide_answer(_guide(steps=GROUNDED_STEPS + [again])))
    guide = (await _draft(_grounding(project), fake.url, role="draft")).guide
    details = [s.detail for s in guide.steps]
    assert len(details) == len(set(details)) and guide.notes == ()


async def test_a_whole_guide_cut_off_by_the_token_cap_keeps_its_finished_part(project, fake):
    fake.add(truncated_json(keep=0.6))
    g = _grounding(project)
    guide = (await _draft(g, fake.url, role="draft")).guide
    assert guide.description.startswith("slugify(text) lowercases the text")
    assert guide.example == static_guide(g).example  # the answer ended before its example: the analysis' own


# --- no model, or none reachable -----------------------------------------------------------------------------------
async def test_unreachable_raises_unless_asked_to_fall_back(project, tmp_path):
    g = _grounding(project)
    with pytest.raises(ModelNotRunning):
        await _draft(g, refused_url())
    cache = GuideCache(tmp_path / "c.sqlite")
    settings = Settings(ollama_host=refused_url())
    assert any(issubclass(ModelNotRunning, e) for e in drafting.fallback_for(settings))
    assert drafting.fallback_for(Settings(offline_fallback=False)) == ()
    drafted = await drafting.draft(g, settings, make_backend(settings), cache, fallback_on=(ModelNotRunning,))
    assert drafted.warning and "Cannot reach Ollama" in drafted.warning
    assert drafted.guide.model == "none" and drafted.guide.notes == ()
    assert drafted.guide.provenance.notes[0].startswith("The model was not used: Cannot reach Ollama at ")
    assert cache.get(g.block.hash, drafting.cache_key(settings)) is None  # the next run asks the model again


async def test_unusable_whole_guides_twice_fall_back_when_asked(project, fake):
    fake.add(invalid_json(), invalid_json())
    g = _grounding(project)
    with pytest.raises(BadAnswer):
        await _draft(g, fake.url, role="draft")
    fake.add(invalid_json(), invalid_json())
    drafted = await _draft(g, fake.url, role="draft", fallback_on=(BackendError,))
    assert drafted.guide.static and "unusable answer twice" in drafted.warning


async def test_a_stream_broken_midway_raises_unless_asked_to_fall_back(project, fake):
    fake.add(drop_mid_stream())
    with pytest.raises(ModelUnreachable) as caught:
        await _draft(_grounding(project), fake.url, fallback_on=(ModelNotRunning,))
    assert not isinstance(caught.value, ModelNotRunning)


async def test_model_none_is_the_static_guide_and_is_cached_with_how_it_was_made(project, tmp_path):
    g = _grounding(project)
    cache = GuideCache(tmp_path / "c.sqlite")
    settings = Settings(model="none")
    drafted = await drafting.draft(g, settings, None, cache)
    assert drafted.guide.static and drafted.warning is None
    again = await drafting.draft(g, settings, None, cache)
    assert again.from_cache and again.guide == drafted.guide
    assert again.guide.provenance == drafted.guide.provenance and NOTE in again.guide.provenance.notes


async def test_a_model_example_no_compiler_checked_must_call_the_block_as_blockguides_does(tmp_path, fake):
    root = tmp_path / "padkit"
    root.mkdir()
    (root / "package.json").write_text('{"name": "padkit", "version": "1.0.0", "main": "index.js"}\n')
    code = ("/**\n * Pad text on the left.\n */\nfunction pad(text, width) {\n  return String(text).padStart(width);\n}\n\n"
            "module.exports = pad;\n")
    (root / "index.js").write_text(code)
    src = Source(LANGUAGES["javascript"], code)
    g = drafting.analyse(src, find_definition(src, "pad"), root / "index.js", [root], Settings())
    checked = g.example.code
    assert "pad(" in checked
    steps = [{"label": "Pad the text", "detail": "It pads `text` on the left to `width` characters."}]
    wrong = checked.replace("pad(", "pad(1, 2, ", 1)
    fake.add(*[guide_answer(_guide(description="`pad` pads text on the left to a width.", steps=steps,
                                   example={"language": "javascript", "code": wrong}))] * 2)
    guide = (await _draft(g, fake.url, role="draft")).guide
    example = next(f for f in guide.provenance.fields if f.field == "example")
    assert guide.example.code == checked and example.source == "analysis"
    assert "no compiler could check it" in example.reasons[0]
    assert guide.provenance.notes[-1].startswith("The usage example is blockguide's own")
