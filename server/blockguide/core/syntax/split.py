"""Code text split where its brackets and strings allow: the arguments of a call written in a docstring, the
parts of a condition. For text the syntax tree does not hold (a documentation example) or holds only as one
line of an outline."""

from __future__ import annotations

from typing import Iterator

QUOTES = "\"'`"


def _outside_strings(text: str, start: int = 0, depth: int = 0) -> Iterator[tuple[int, int]]:
    """(index, bracket depth before it) of each character of `text` from `start` that is not in a string
    (backslash escapes stay inside their string)."""
    quote, i = "", start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            quote = "" if ch == quote else quote
        elif ch in QUOTES:
            quote = ch
        else:
            yield i, depth
            depth += (ch in "([{") - (ch in ")]}")
        i += 1


def split_top_level(text: str, seps: tuple[str, ...] = (",",)) -> list[str]:
    """`text` split at the separators that are outside brackets and strings; the parts stripped, empty ones
    left out."""
    parts, begin = [], 0
    for i, depth in _outside_strings(text):
        if depth == 0 and i >= begin:
            sep = next((s for s in seps if text.startswith(s, i)), None)
            if sep:
                parts.append(text[begin:i])
                begin = i + len(sep)
    parts.append(text[begin:])
    return [p.strip() for p in parts if p.strip()]


def closing_bracket(text: str, start: int) -> int | None:
    """The index of the bracket that closes the one just before `start` (strings skipped), or None."""
    for i, depth in _outside_strings(text, start, 1):
        if depth == 1 and text[i] in ")]}":
            return i
    return None


def top_level(text: str) -> str:
    """`text` with every character inside brackets or strings (and their quotes) made a space: the same length,
    so a match in it is at the same place in `text`; what is left is the operators and operands of the top
    level."""
    out = [" "] * len(text)
    for i, depth in _outside_strings(text):
        if depth == 0 and text[i] not in "([{":
            out[i] = text[i]
    return "".join(out)
