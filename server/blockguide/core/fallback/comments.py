"""What the author wrote about a step: the comment lines right above its first statement and inside it, as
plain prose for the step's detail. The analysis quotes them; it does not interpret them.

Kept: comments that read as prose (three or more words, little code punctuation), joined line to line.
Left out: markers for tools (TODO, noqa, eslint-disable, NOLINT, pragma, type: ignore ...), commented-out
code, comments that introduce the next statement (the trailing ones of a step), and docstrings.
"""

from __future__ import annotations

import re

from blockguide.core.syntax.steplines import comment_marker, is_comment, step_lines
from blockguide.core.types import Grounding

COMMENT_CHARS = 220  # at most this much of a step's comments is quoted

_TOOLING = re.compile(r"\b(?:TODO|FIXME|XXX|HACK|noqa|NOLINT\w*|eslint-\w+|prettier-ignore|pylint:|type:\s*ignore"
                      r"|pragma|clang-format|istanbul|ts-(?:ignore|expect-error|nocheck)|nolint|SAFETY:)\b|^[-=*#/ ]+$",
                      re.IGNORECASE)
_CODE_CHARS = re.compile(r"[;{}()=<>\[\]]")


def step_comments(g: Grounding, first: int, end_line: int) -> str | None:
    """The prose of the comments of the step that starts at `first` and runs to `end_line` (exclusive, a
    document line): those right above line `first` and those inside, without the trailing ones. None when there
    is none worth quoting."""
    lang = g.block.language
    comments = [s for s in step_lines(g.block, first, end_line) if is_comment(s, lang)]
    return _prose([comment_marker(lang).sub("", c).rstrip("*/ ").strip() for c in comments])


def _prose(parts: list[str]) -> str | None:
    if any(len(_CODE_CHARS.findall(p)) > max(1, len(p) // 25) for p in parts):
        return None  # code among them (commented out, or an example): a part of it quoted would mislead
    kept = list(dict.fromkeys(p for p in parts if p and not _TOOLING.search(p)))
    joined = ""
    for part in kept:  # a new line that starts a sentence ends the one before
        gap = ". " if joined and part[0].isupper() and not joined.endswith((".", "!", "?", ":", ";", ",")) else " "
        joined = joined + gap + part if joined else part
    text = re.sub(r"\s+", " ", joined).strip()
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 3:
        return None
    if len(text) > COMMENT_CHARS:
        cut = text[:COMMENT_CHARS]
        end = max(cut.rfind(". "), cut.rfind("; "))
        text = cut[:end + 1] if end > COMMENT_CHARS // 2 else cut.rsplit(" ", 1)[0] + "..."
    return text.replace('"', "'")
