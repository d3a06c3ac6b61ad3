"""Small wording helpers shared by the parts of the guide without a model."""

from __future__ import annotations

import re




MAX_STEPS = 8


def _join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _names(items, limit: int = 4) -> str:
    items = list(dict.fromkeys(items))
    shown = [f"`{i}`" for i in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return _join(shown)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(text: str, limit: int) -> str:
    """Plain text (never code) on one line, cut at a word with '...' past the limit."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0] if " " in text[: limit - 3] else text[: limit - 3]
    return cut.rstrip(",;:") + "..."


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ":", "?", "!")) else text + "."
