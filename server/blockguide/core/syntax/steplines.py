"""The lines of one step of a block (a statement of its outline with what belongs to it): what the phrase
prompt shows of a step, what the field checks read as its words, where the guide without a model finds the
author's comments about it."""

from __future__ import annotations

import re

from blockguide.core.types import Block

_MARKERS = {"python": re.compile(r"^#+\s?")}
_C_LIKE = re.compile(r"^(?://+|/\*+|\*+/?)\s?")


def comment_marker(language: str) -> re.Pattern[str]:
    """What starts a comment line in `language` (Python's `#`, else `//`, `/*` and the `*` of a block)."""
    return _MARKERS.get(language, _C_LIKE)


def is_comment(line: str, language: str) -> bool:
    """A stripped line that is a comment (a docstring's quotes are not)."""
    return bool(line) and bool(comment_marker(language).match(line)) and not line.startswith(('"""', "'''"))


def step_lines(block: Block, first: int, end: int) -> list[str]:
    """The stripped lines of the step that starts at document line `first` and runs to `end` (exclusive): the
    comment lines right above it, then its own lines without the trailing blank and comment ones (those
    introduce what follows)."""
    lines = block.text.split("\n")

    def text(line: int) -> str:
        i = line - block.span.start
        return lines[i].strip() if 0 <= i < len(lines) else ""

    above = []
    line = first - 1
    while line >= block.span.start and is_comment(text(line), block.language):
        above.insert(0, text(line))
        line -= 1
    body = [text(n) for n in range(first, min(end, block.span.end))]
    while len(body) > 1 and (not body[-1] or is_comment(body[-1], block.language)):
        body.pop()
    return above + body
