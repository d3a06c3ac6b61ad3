"""Checks on each field a model writes, so that it may only add what the code confirms.

The analysis owns the facts; a model phrases them. Every field the model writes (the description, each step's
label and sentence) is checked on its own, and a field that fails is replaced by the analysis' field (the static
guide's), never sent back for a rewrite. Each check returns the problems it found as short reasons; an empty
list accepts the field.

- `description_problems(text, g)`: 1-3 sentences of 20-400 characters that name the block (a definition's
  name must appear: the prompt asks for it in the first sentence, and a description that does not name what
  it describes is replaced rather than patched), plus the claim checks below.
- `label_problems(label, others, g=None)`: 1-5 words, not a number, not "Step 3", not a section name, unique
  in the guide (case-insensitive), no vague terms.
- `sentence_problems(sentence, step_code, g, others)`: 15-300 characters, at most two sentences, words and not
  only code, not a copy of the step's code line, not a near-duplicate of another step's sentence (rapidfuzz
  ratio >= SIMILAR), plus the claim checks below.
- The claim checks, for descriptions and sentences: no vague terms, no talk about the guide ("this example",
  "this step"), no claims about language versions, platforms or performance that the code does not show, no
  code-like names that exist nowhere in the block or its context, and no claim about what the block returns
  that contradicts it (`return_claim_problems`).

`core.accept` builds the guide from these verdicts.
"""

from __future__ import annotations

import re
from typing import Iterable

from rapidfuzz import fuzz

from blockguide.core.checks.claims import (
    CODE_SPAN,
    claim_problems,
    code_norm,
    code_vocabulary,
    norm,
    prose_of,
    sentences,
    unsupported_words,
    words,
)
from blockguide.core.checks.prose import invented_names, known_names, vague_terms
from blockguide.core.types import Grounding

# --- thresholds -------------------------------------------------------------------------------------------
DESCRIPTION_CHARS = (20, 300)
DESCRIPTION_SENTENCES = (1, 2)
LABEL_WORDS = (1, 5)
SENTENCE_CHARS = (15, 200)
SENTENCE_MAX = 1  # "one plain sentence" is asked
# A field whose content words the code does not support: more than this share of them, and at least
# UNSUPPORTED_MIN of them (labels: one is enough when it is the majority) — see checks.claims.unsupported_words.
UNSUPPORTED_SHARE = 0.5
UNSUPPORTED_MIN = 2
SIMILAR = 85  # rapidfuzz ratio (0-100) from which two step sentences are the same sentence
COPIED_CODE = 90  # ratio from which a sentence is the step's code line again
MIN_STEPS_KEPT = 0.5  # accept_draft: below this share of surviving model steps, the analysis' steps are used

SECTION_NAMES = {"description", "execution steps", "execution step", "usage example", "usage examples", "example",
                 "examples", "steps", "step", "usage", "guide", "summary", "overview"}

CHECKS = ("length", "sentences", "names the block", "label form", "unique label", "repeated sentence",
          "copied code", "vague terms", "talk about the guide", "unconfirmed claims", "invented names",
          "return claims")


# --- the field checks -------------------------------------------------------------------------------------
def description_problems(text: str, g: Grounding, known: set[str] | None = None) -> list[str]:
    """Problems of a model's description (see the module's doc); [] accepts it."""
    text = (text or "").strip()
    if not text:
        return ["empty"]
    problems: list[str] = []
    low, high = DESCRIPTION_CHARS
    if not low <= len(text) <= high:
        problems.append(f"{len(text)} characters (wants {low}-{high})")
    n = len(sentences(text))
    if not DESCRIPTION_SENTENCES[0] <= n <= DESCRIPTION_SENTENCES[1]:
        problems.append(f"{n} sentences (wants {DESCRIPTION_SENTENCES[0]}-{DESCRIPTION_SENTENCES[1]})")
    name = g.block.name if g.block.kind != "statements" else None
    if name and not re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
        problems.append(f"does not name `{name}`")
    return problems + _unsupported(text, g) + claim_problems(text, g, known)


_NUMBERED = re.compile(r"^\W*(?:step\s*)?(?:\d+|[ivx]{1,4})\W*$|^\W*step\b", re.IGNORECASE)


def label_problems(label: str, others: Iterable[str] = (), g: Grounding | None = None,
                   known: set[str] | None = None) -> list[str]:
    """Problems of a step label; `others` are the guide's other labels. With `g`, its names must exist."""
    label = (label or "").strip()
    if not label:
        return ["empty"]
    problems: list[str] = []
    if _NUMBERED.match(label) or not re.search(r"[A-Za-z]", prose_of(label)):
        problems.append("a number, not a label")
    elif re.match(r"^\W*\d+\s*[.):-]", label):
        problems.append("numbered (the guide numbers its steps)")
    label_words = words(label)
    if not LABEL_WORDS[0] <= len(label_words) <= LABEL_WORDS[1]:
        problems.append(f"{len(label_words)} words (wants {LABEL_WORDS[0]}-{LABEL_WORDS[1]})")
    key = norm(label)
    if key in SECTION_NAMES:
        problems.append("a section name")
    if key and key in {norm(o) for o in others}:
        problems.append("used by another step")
    vague = vague_terms(label)
    if vague:
        problems.append("vague: " + ", ".join(f'"{v}"' for v in vague))
    if g is not None:
        invented = invented_names(label, known if known is not None else known_names(g))
        if invented:
            problems.append("names not in the code: " + ", ".join(f"`{n}`" for n in invented[:5]))
        problems += _unsupported(label, g, minimum=1)  # a label's words are the code's: any majority strays
    return problems


def _unsupported(text: str, g: Grounding, minimum: int = UNSUPPORTED_MIN) -> list[str]:
    """The field strays from the code: most of its content words appear nowhere in the code or its context."""
    unsupported, total = unsupported_words(text, _vocabulary(g))
    if len(unsupported) >= minimum and len(unsupported) > UNSUPPORTED_SHARE * total:
        return ["words the code does not support: " + ", ".join(dict.fromkeys(unsupported[:5]))]
    return []


_VOCABULARIES: dict[int, tuple[Grounding, frozenset[str]]] = {}


def _vocabulary(g: Grounding) -> frozenset[str]:
    """The code's vocabulary, computed once per grounding while its fields are checked."""
    kept = _VOCABULARIES.get(id(g))
    if kept is None or kept[0] is not g:
        _VOCABULARIES.clear()
        kept = _VOCABULARIES[id(g)] = (g, code_vocabulary(g))
    return kept[1]


def sentence_problems(sentence: str, step_code: str, g: Grounding, others: Iterable[str] = (),
                      known: set[str] | None = None) -> list[str]:
    """Problems of a step's sentence; `step_code` is the step's code line ("" when unknown), `others` the
    other steps' sentences (a sentence that repeats one is rejected wherever it occurs)."""
    sentence = (sentence or "").strip()
    if not sentence:
        return ["empty"]
    problems: list[str] = []
    low, high = SENTENCE_CHARS
    if not low <= len(sentence) <= high:
        problems.append(f"{len(sentence)} characters (wants {low}-{high})")
    n = len(sentences(sentence))
    if n > SENTENCE_MAX:
        problems.append(f"{n} sentences (wants one)")
    if len(re.findall(r"[A-Za-z]{2,}", CODE_SPAN.sub(" ", sentence))) < 2:
        problems.append("code, not a sentence")
    elif step_code and (code_norm(sentence) == code_norm(step_code)
                        or fuzz.ratio(code_norm(sentence), code_norm(step_code)) >= COPIED_CODE):
        problems.append("repeats the step's code")
    mine = norm(sentence)
    for i, other in enumerate(others):
        if other and fuzz.ratio(mine, norm(other)) >= SIMILAR:
            problems.append("repeats another step's sentence")
            break
    return problems + _unsupported(sentence, g) + claim_problems(sentence, g, known)


