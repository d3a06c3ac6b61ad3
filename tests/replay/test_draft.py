"""The pipeline: one rewrite for JSON, example and prose problems; blockguide's own example when the model's
still fails; the guide built without the model when asked to fall back."""

from __future__ import annotations

import asyncio
import copy

import pytest

from blockguide.jobs import draft as drafting
from blockguide.cache import GuideCache
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.fallback import NOTE
from blockguide.llm import BackendError, BadAnswer, ModelNotRunning, ModelUnreachable, make_backend
from blockguide.settings import Settings
from tests.replay.fake_ollama import (
    SAMPLE_GUIDE,
    drop_mid_stream,
    guide_answer,
    invalid_json,
    refused_url,
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


async def _draft(g, url, **kw):
    settings = Settings(ollama_host=url)
    return await drafting.draft(g, settings, make_backend(settings), None, **kw)


GROUNDED_STEPS = [
    {"label": "Normalize accents", "detail": "`unicodedata.normalize` decomposes the text; `encode` and `decode` drop "
                                             "the non-ASCII marks."},
    {"label": "Replace separators", "detail": "`_SEP.sub` replaces each run of other characters in `text.lower()` "
                                              "with `sep`."},
    {"label": "Trim ends", "detail": "`text.strip(sep)` removes separators from both ends and returns the slug."},
]


async def test_a_good_answer_is_used_as_it_is(project, fake):
    fake.add(guide_answer(_guide(steps=GROUNDED_STEPS)))
    drafted = await _draft(_grounding(project), fake.url)
    assert len(fake.chat_requests) == 1 and drafted.guide.notes == () and drafted.warning is None
    assert drafted.guide.steps[0].label == "Normalize accents"
    prompt = fake.chat_requests[0].prompt_text
    assert "What the code does, in order:" in prompt and "line 12: sets `text` to `_SEP.sub(sep, text.lower())`" in prompt
    assert "A usage example that passes every check:" in prompt and "adapted from the call at app.py:5" in prompt


async def test_a_failing_example_goes_back_once_then_blockguide_writes_its_own(project, fake):
    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify(txt, width=3)"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(bad))
    drafted = await _draft(_grounding(project), fake.url)
    assert len(fake.chat_requests) == 2
    second = fake.chat_requests[1].prompt_text
    assert "- usage example: the example uses `txt` but never imports or defines it" in second
    assert "- usage example: `slugify` has no parameter `width`" in second
    guide = drafted.guide
    assert guide.example.code == 'from textkit.slug import slugify\n\nresult = slugify(\'Hello, World!\')\nprint(result)\n'
    assert guide.notes[0].startswith("The model's example failed the checks (the example uses `txt`")
    assert guide.notes[0].endswith("Example adapted from the call at `app.py:5`.")


async def test_the_review_runs_through_the_callers_offload(project, fake):
    """jedi is not thread-safe: the server hands its one analysis thread to draft() for the review."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify(txt)"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(bad))
    seen = []

    def review(guide, g):
        seen.append(threading.current_thread().name)
        return drafting.review(guide, g)

    with ThreadPoolExecutor(1, thread_name_prefix="the-analysis-thread") as pool:
        async def offload(fn, *args):
            assert fn is drafting.review
            return await asyncio.get_running_loop().run_in_executor(pool, review, *args)

        drafted = await _draft(_grounding(project), fake.url, offload=offload)
    assert len(seen) == 2 and all(name.startswith("the-analysis-thread") for name in seen)
    assert "failed the checks" in drafted.guide.notes[0]


async def test_a_fixed_example_on_the_second_try_is_kept(project, fake):
    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify()"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), guide_answer(_guide(steps=GROUNDED_STEPS)))
    drafted = await _draft(_grounding(project), fake.url)
    assert len(fake.chat_requests) == 2 and drafted.guide.notes == ()
    assert drafted.guide.example.code == SAMPLE_GUIDE["example"]["code"]


async def test_steps_that_skip_the_code_are_rebuilt_from_the_outline(project, fake):
    # SAMPLE_GUIDE's steps name none of slugify's calls (`normalize`, `encode`, `decode`, `lower`, `sub`, ...)
    bad = _guide(description="It calls `fancy_slug`.")  # an invented name: the rewrite request is sent anyway
    fake.add(guide_answer(bad), guide_answer())
    drafted = await _draft(_grounding(project), fake.url)
    assert "- steps: the steps skip what the code does: name `normalize`, `encode`, `decode`" in \
        fake.chat_requests[1].prompt_text
    guide = drafted.guide
    assert guide.description == SAMPLE_GUIDE["description"]  # the model's description is kept
    assert [s.label for s in guide.steps] == ["Decode `text`", "Substitute `text`", "Return `text.strip` result"]
    assert guide.notes == ("The model's steps skipped most of what the code does; these steps were built from the "
                           "code's outline.",)


async def test_vague_and_invented_prose_gets_one_rewrite_then_is_noted(project, fake):
    vague = _guide(description="Handling text: it calls `fancy_slug` on the input.", steps=GROUNDED_STEPS)
    fake.add(guide_answer(vague), guide_answer(vague))
    drafted = await _draft(_grounding(project), fake.url)
    assert "- text: vague words: \"handling\"" in fake.chat_requests[1].prompt_text
    assert drafted.guide.notes == (
        'Left after one rewrite: vague words: "handling"; say exactly what the code does (for example "checks", '
        '"validates", "sends", "returns", "parses").',
        "Left after one rewrite: names in backticks that are not in the code or its context: `fancy_slug`; use "
        "only real names.")


async def test_invalid_json_then_a_failing_example_keeps_the_first_usable_answer(project, fake):
    bad = _guide(example={"language": "python", "code": "from textkit.slug import slugify\nslugify()"},
                 steps=GROUNDED_STEPS)
    fake.add(guide_answer(bad), invalid_json())
    drafted = await _draft(_grounding(project), fake.url)
    assert drafted.guide.description == SAMPLE_GUIDE["description"]
    assert "missing the required argument `text`" in drafted.guide.notes[0]


async def test_unreachable_raises_unless_asked_to_fall_back(project, tmp_path):
    g = _grounding(project)
    with pytest.raises(ModelNotRunning):
        await _draft(g, refused_url())
    cache = GuideCache(tmp_path / "c.sqlite")
    settings = Settings(ollama_host=refused_url())
    assert drafting.fallback_for(settings) == (ModelNotRunning,)
    assert drafting.fallback_for(Settings(offline_fallback=False)) == ()
    drafted = await drafting.draft(g, settings, make_backend(settings), cache, fallback_on=(ModelNotRunning,))
    assert drafted.warning and "Cannot reach Ollama" in drafted.warning
    assert drafted.guide.model == "none" and drafted.guide.notes[0] == NOTE
    assert drafted.guide.notes[1].startswith("The model was not used: Cannot reach Ollama at ")
    assert cache.get(g.block.hash, drafting.cache_key(settings)) is None  # the next run asks the model again


async def test_unusable_answers_twice_fall_back_too(project, fake):
    fake.add(invalid_json(), invalid_json())
    g = _grounding(project)
    with pytest.raises(BadAnswer):
        await _draft(g, fake.url)
    fake.add(invalid_json(), invalid_json())
    with pytest.raises(BadAnswer):  # not a kind the editor falls back on
        await _draft(g, fake.url, fallback_on=(ModelNotRunning,))
    fake.add(invalid_json(), invalid_json())
    drafted = await _draft(g, fake.url, fallback_on=(BackendError,))
    assert drafted.guide.static and "unusable answer twice" in drafted.warning


async def test_a_stream_broken_midway_never_falls_back(project, fake):
    fake.add(drop_mid_stream())
    with pytest.raises(ModelUnreachable) as caught:
        await _draft(_grounding(project), fake.url, fallback_on=(ModelNotRunning,))
    assert not isinstance(caught.value, ModelNotRunning)


async def test_model_none_is_the_static_guide_and_is_cached(project, tmp_path):
    g = _grounding(project)
    cache = GuideCache(tmp_path / "c.sqlite")
    settings = Settings(model="none")
    drafted = await drafting.draft(g, settings, None, cache)
    assert drafted.guide.static and drafted.warning is None
    assert (await drafting.draft(g, settings, None, cache)).from_cache


async def test_repeated_steps_are_dropped(project, fake):
    steps = GROUNDED_STEPS + [GROUNDED_STEPS[1], GROUNDED_STEPS[1]]
    fake.add(guide_answer(_guide(steps=steps)))
    guide = (await _draft(_grounding(project), fake.url)).guide
    assert len(guide.steps) == 3 and guide.notes == ("2 repeated step(s) from the model were dropped.",)


async def test_an_answer_cut_off_by_the_token_cap_keeps_its_finished_part(project, fake):
    fake.add(truncated_json(keep=0.6), truncated_json(keep=0.6))
    drafted = await _draft(_grounding(project), fake.url)
    guide = drafted.guide
    assert guide.description.startswith("slugify(text) lowercases the text")
    assert any("cut off at the 700-token cap" in n for n in guide.notes)
    assert any(n.startswith("The model's answer ended before its usage example.") for n in guide.notes)
    assert guide.example.code.startswith("from textkit.slug import slugify\n")  # blockguide's own, checked
    assert not drafting.review(guide, _grounding(project))[0]
