"""Where a guide goes in the document: insert above the block, or replace the guide already there."""

from __future__ import annotations

from dataclasses import dataclass

from blockguide.core.syntax.markers import docstring_guide, guide_above
from blockguide.core.syntax.source import Source
from blockguide.core.render import to_comment, to_docstring
from blockguide.core.types import Block, Guide, Span


@dataclass(frozen=True)
class LineEdit:
    """Replace lines span.start..span.end (an empty span inserts) with `text` (whole lines, newline-ended)."""

    span: Span
    text: str
    replaces_guide: bool


def split_lines(text: str) -> list[str]:
    """The text's lines with their endings, split at \\n only: the numbering of `Source.lines` and so of
    every LineEdit. (str.splitlines() also splits at \\f, \\x1c, U+2028 and more: a file with a form feed
    got its guide on the wrong line, and a replaced guide took a line of code with it.)"""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text[:10000] else "\n"


def can_docstring(block: Block) -> bool:
    return block.language == "python" and block.kind != "statements" and block.docstring_line is not None


def plan_edit(src: Source, block: Block, guide: Guide, style: str) -> LineEdit | None:
    """The edit that puts the guide in place, never stacking a second guide on the block."""
    if style == "none":
        return None
    nl = newline_of(src.text)
    if style == "docstring" and can_docstring(block):
        text = to_docstring(block, guide, nl)
        if block.existing_docstring is not None:
            return LineEdit(block.existing_docstring, text, docstring_guide(src, block) is not None)
        at = block.docstring_line
        return LineEdit(Span(at, at), text, False)
    text = to_comment(block, guide, nl)
    existing = guide_above(src, block)
    if existing is not None:
        return LineEdit(existing.span, text, True)
    return LineEdit(Span(block.span.start, block.span.start), text, False)
