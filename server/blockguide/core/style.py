"""The guide's writing rules, kept in one place: the prompt and the checks both read them."""

from __future__ import annotations

import re

# Vague verbs the spec forbids, with the specific verbs a guide should use instead.
VAGUE_TERMS = ("getting", "doing", "handling", "dealing with", "stuff", "things", "processing")

_VAGUE_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in VAGUE_TERMS) + r")\b", re.IGNORECASE)


def vague_terms(text: str) -> list[str]:
    """The vague terms used in a text (lower-case, each once, in order of appearance)."""
    seen: list[str] = []
    for match in _VAGUE_RE.finditer(text):
        word = match.group(1).lower()
        if word not in seen:
            seen.append(word)
    return seen
