"""jobs/document.py without a model: finding the block (selection, cursor, symbol), finding it again after
edits, and planning the edit against the text as it is now."""

from __future__ import annotations

import pytest

from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example, Guide, Step
from blockguide.jobs import document as job
from tests.conftest import SLUG

GUIDE = Guide("How to Use This Code Block", "`slugify` turns text into a slug.", (Step("Lower", "It lowers."),),
              Example("python", "print(1)"), model="m")


def src(text: str = SLUG) -> Source:
    return Source(LANGUAGES["python"], text)


def test_a_symbol_a_cursor_and_lines_find_their_blocks():
    s = src()
    assert job.find_block(s, symbol="Slugger.make").span.start == 19
    assert job.find_block(s, symbol="slugify").name == "slugify"
    assert job.find_block(s, cursor=(20, 12)).name == "make"  # inside make: the method, not its class
    block = job.find_block(s, lines=(23, 24))
    assert block.kind == "statements" and block.span.start == 23 and block.span.end == 25


@pytest.mark.parametrize("where, words", [
    ({"symbol": "nope"}, "no function or class named 'nope'"),
    ({"cursor": (24, 3)}, "not inside a function or class"),
    ({"lines": (99, 100)}, "past its end"),
    ({"lines": (21, 22)}, "hold no code"),
    ({}, "say which block"),
])
def test_no_block_is_a_clear_error(where, words):
    with pytest.raises(job.JobError, match=words):
        job.find_block(src(), **where)


def test_the_edit_is_planned_where_the_block_is_now_or_not_at_all():
    s = src()
    block = job.find_block(s, symbol="slugify")
    moved = src("import os\n\n" + SLUG)
    again, edit = job.plan(moved, block, GUIDE, "comment")
    assert again.span.start == block.span.start + 2 and edit.span.start == again.span.start
    assert "# --- blockguide" in edit.text
    edited = src(SLUG.replace("text.lower()", "text.upper()"))
    with pytest.raises(job.JobError, match="edited while its guide was being written"):
        job.plan(edited, block, GUIDE, "comment")
    assert job.plan(s, block, GUIDE, "none") == (block, None)


def test_model_errors_map_to_one_message_and_status():
    from blockguide.llm import BadAnswer, ModelMissing, ModelNotRunning

    assert job.model_error(ModelNotRunning("start it")) == ("start it", job.Status.UNREACHABLE)
    assert job.model_error(ModelMissing("pull it")) == ("pull it", job.Status.MODEL_MISSING)
    assert job.model_error(BadAnswer("odd")) == ("odd", job.Status.READY)


def test_a_guide_for_statements_is_found_for_each_of_them_and_is_not_stale():
    from blockguide.core.render import to_comment
    from blockguide.jobs import lookup

    text = "def add(a, b):\n    total = a + b\n    print(total)\n    return total\n\n\nprint(add(1, 2))\n"
    s = src(text)
    block = job.find_block(s, lines=(1, 3))
    assert block.kind == "statements"
    _, edit = job.plan(s, block, GUIDE, "comment")
    lines = text.split("\n")
    documented = src("\n".join(lines[:1]) + "\n" + edit.text + "\n".join(lines[1:]))
    first = 1 + edit.text.count("\n")
    assert lookup.stale_guides(documented) == []
    for line in (first, first + 1, first + 2):  # each documented statement shows the guide
        found = lookup.guide_at(documented, line, 6, {}, None)
        assert found is not None and "`slugify` turns text into a slug." in found[0], line
        assert (found[1].start, found[1].end) == (first, first + 3)
    assert lookup.guide_at(documented, first + 5, 0, {}, None) is None  # the call below is not in it
