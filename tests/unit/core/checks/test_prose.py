"""The prose lints: vague terms (one list, in checks/prose.py) and names in backticks that are not in the code."""

from __future__ import annotations

from blockguide.core import prompt
from blockguide.core.checks import prose as style
from blockguide.core.syntax.blocks import snap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.types import Example, Grounding, Guide, Step
from tests.conftest import SLUG


def _grounding() -> Grounding:
    src = Source(LANGUAGES["python"], SLUG)
    return Grounding(block=snap(src, 8, 12), import_line="from textkit.slug import slugify")


def _guide(description: str, detail: str = "It returns `text`.") -> Guide:
    return Guide("t", description, (Step("Return slug", detail),), Example("python", "print(1)"))


def test_vague_terms_are_found_once_each_in_order():
    assert style.vague_terms("Handling input, then getting things and more handling") == \
        ["handling", "getting", "things"]
    assert style.vague_terms("It checks, parses and returns.") == []


def test_the_prompt_names_the_same_vague_terms():
    text = prompt.build_prompt(_grounding(), 4000).messages[0]["content"]
    assert all(f'"{t}"' in text for t in style.VAGUE_TERMS)


def test_invented_names_ignore_literals_keywords_and_real_names():
    known = style.known_names(_grounding())
    text = "It calls `unicodedata.normalize(\"NFKD\", text)`, `_SEP.sub`, `None`, `42` and `fetch_slug(text)`."
    assert style.invented_names(text, known) == ["fetch_slug"]


def test_lint_reports_both_problems():
    problems = style.lint(_guide("It is processing `magic_table` rows."), _grounding())
    assert problems[0].startswith('vague words: "processing"')
    assert problems[1] == "names in backticks that are not in the code or its context: `magic_table`; use only real names"
    assert style.lint(_guide("It lowercases `text` and calls `_SEP.sub`."), _grounding()) == []