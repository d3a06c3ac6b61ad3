"""Rendering: the spec's Markdown, comments that cannot end early, docstrings where PEP 257 puts them."""

from __future__ import annotations

import ast
import re

import pytest

from blockguide.core.syntax.blocks import snap
from blockguide.core.syntax.markers import find_guides
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.render import to_comment, to_docstring, to_markdown
from blockguide.core.types import Example, Guide, Step


def guide(**kw) -> Guide:
    base = dict(title="How to Use This Code Block", description="`slugify` builds a slug from `text`.",
                steps=(Step("Normalize", "calls `unicodedata.normalize`"), Step("Join", "joins the words")),
                example=Example("python", "from textkit.slug import slugify\nprint(slugify('A b'))"),
                model="blockguide-tiny")
    base.update(kw)
    return Guide(**base)


def test_markdown_follows_the_spec_exactly():
    md = to_markdown(guide())
    assert md.split("\n") == [
        "How to Use This Code Block", "=" * 89, "",
        "Description", "-" * 25, "`slugify` builds a slug from `text`.", "",
        "Execution Steps", "-" * 25,
        "1. **Normalize**: calls `unicodedata.normalize`", "2. **Join**: joins the words", "",
        "Usage Example", "-" * 25, "",
        "```python", "from textkit.slug import slugify", "print(slugify('A b'))", "```",
    ]


def test_markdown_keeps_prose_on_one_line_and_fences_the_code_safely():
    md = to_markdown(guide(description="line one\nline two\u2028three", steps=(Step("**Bold**:", "a\r\nb"),),
                           example=Example("python", "x = '```'\nprint(x)")))
    assert "line one line two three" in md
    assert "1. **Bold**: a b" in md
    assert "````python" in md and md.rstrip().endswith("````")


def test_notes_follow_the_example_as_quotes():
    md = to_markdown(guide(notes=("Generated without a model.",)))
    assert md.endswith("```\n\n> Generated without a model.")


HOSTILE = ("ends */ here \"\"\" and ''' and --> and \\\n next", "line\u2028separator", "tab\there",
           "a backslash at the end \\", "??/", "# -*- coding: latin-1 -*-", "--- end blockguide ---",
           "--- blockguide deadbeef (x) ---")

SAMPLES = {
    "python": "def f(x):\n    return x + 1\n",
    "javascript": "function f(x) {\n  return x + 1;\n}\n",
    "typescript": "function f(x: number): number {\n  return x + 1;\n}\n",
    "go": "package main\n\nfunc f(x int) int {\n\treturn x + 1\n}\n",
    "rust": "fn f(x: i32) -> i32 {\n    x + 1\n}\n",
    "java": "class A {\n    int f(int x) {\n        return x + 1;\n    }\n}\n",
    "c": "int f(int x) {\n    return x + 1;\n}\n",
    "cpp": "int f(int x) {\n    return x + 1;\n}\n",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_guide_stays_inside_its_comment(lang, text):
    code = SAMPLES[lang]
    src = Source(LANGUAGES[lang], code)
    start = next(i for i, l in enumerate(code.split("\n")) if "f(" in l)
    block = snap(src, start, start)
    g = guide(description=text, steps=(Step(text, text),), example=Example(lang, text + "\n" + text))
    comment = to_comment(block, g)
    lines = code.split("\n")
    new = "\n".join(lines[:block.span.start]) + ("\n" if block.span.start else "") + comment + \
        "\n".join(lines[block.span.start:])
    after = Source(LANGUAGES[lang], new)
    assert not after.has_errors()
    n = comment.count("\n")
    # every inserted line is a comment node's line; the code after it is byte-identical
    comment_rows = set()
    stack = [after.tree.root_node]
    while stack:
        node = stack.pop()
        if "comment" in node.type:
            comment_rows.update(range(node.start_point.row, node.end_point.row + 1))
        stack.extend(node.children)
    assert set(range(block.span.start, block.span.start + n)) <= comment_rows
    assert "\n".join(new.split("\n")[block.span.start + n:]) == "\n".join(lines[block.span.start:])
    # and the guide is found again as exactly one guide
    assert len(find_guides(after)) == 1
    if lang == "python":
        ast.parse(new)
        assert "coding:" not in comment


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_docstring_stays_a_docstring(text):
    code = "@decorator\ndef f(\n    x,\n):\n    return x\n"
    src = Source(LANGUAGES["python"], code)
    block = snap(src, 1, 4)
    doc = to_docstring(block, guide(description=text, example=Example("python", text)))
    lines = code.split("\n")
    new = "\n".join(lines[:4]) + "\n" + doc + "\n".join(lines[4:])
    tree = ast.parse(new)
    assert ast.get_docstring(tree.body[0], clean=False) is not None
    assert new.endswith("    return x\n")
    assert re.search(r"blockguide [0-9a-f]{8} \(blockguide-tiny\)", doc)


def test_comment_is_indented_like_the_block_and_uses_the_document_newline():
    code = "class A:\n    def m(self):\n        return 1\n"
    src = Source(LANGUAGES["python"], code)
    block = snap(src, 1, 2)
    comment = to_comment(block, guide(), "\r\n")
    assert all(line.startswith("    #") for line in comment.split("\r\n")[:-1])
    assert "\n" not in comment.replace("\r\n", "")
