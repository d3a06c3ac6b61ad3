"""Checks on each field a model writes, so that it may only add what the code confirms.

The analysis owns the facts; a model phrases them. Every field the model writes (the description, each step's
label and sentence) is checked on its own, and a field that fails is replaced by the analysis' field (the static
guide's), never sent back for a rewrite. Each check returns the problems it found as short reasons; an empty
list accepts the field.

- `description_problems(text, g)`: 1-2 sentences of 20-300 characters that name the block (a definition's
  name must appear: the prompt asks for it in the first sentence, and a description that does not name what
  it describes is replaced rather than patched), that say something beyond "is a block of code", whose content
  words are the block's own (at most UNSHOWN_MAX others; `strict=False` for a larger model's whole draft), plus
  the claim checks below.
- `label_problems(label, others, g=None, step_source="")`: 2-5 words, not a number, not "Step 3", not a section
  name, not code ("def f(x):", "class Foo", placeholders such as "xxxx-xxxx"), unique in the guide
  (case-insensitive), no vague terms, sharing a word with its own step's code (`off_step`).
- `sentence_problems(sentence, step_code, g, others, step_source="")`: 15-200 characters, one sentence, words
  and not only code, not a copy of the step's code line, not a near-duplicate of another step's sentence
  (rapidfuzz ratio >= SIMILAR), not about the whole block ("This function ..."), about its own step's code
  (a shared word; content words and numbers that code shows, at most UNSHOWN_MAX other words), plus the
  claim checks below.
- The claim checks, for descriptions and sentences: no vague terms, no talk about the guide ("this example",
  "the second step", "this JSON object"), none to the reader ("you", "here's how"), no claims about language
  versions, platforms or performance that the code does not show, no code-like names that exist nowhere in
  the block or its context, and no claim about what the block returns that contradicts it
  (`return_claim_problems`); behaviours, parameters, errors and declared return kinds (checks.commitments).
- `strict=False` (a larger model's whole draft, `core.accept.accept_draft`): limits sized to that role
  (DRAFT_*), and no vocabulary rule: its words are its own ("normalises", "percent-encodes"), what it commits the
  code to is checked, and its numbers must be the code's (a sum of two counts: `36 + 9` is 45).

The step's code (`core.prompt.step_source`, from `core.syntax.steplines`) is its lines up to the next statement, with the
comment lines right above it: what the author wrote about a step counts as that step's words.

`core.accept` builds the guide from these verdicts.
"""

from __future__ import annotations

import re
from typing import Iterable

from rapidfuzz import fuzz

from blockguide.core.checks.claims import (
    CODE_SPAN,
    IDENT_PARTS,
    bare_code,
    GENERAL_WORDS,
    claim_problems,
    code_norm,
    code_vocabulary,
    norm,
    prose_of,
    sentences,
    supported,
    unsupported_words,
    vocabulary,
    words,
)
from blockguide.core.checks.prose import context_text, invented_names, known_names, vague_terms
from blockguide.core.types import Grounding

# --- thresholds -------------------------------------------------------------------------------------------
DESCRIPTION_CHARS = (20, 300)
DESCRIPTION_SENTENCES = (1, 2)
LABEL_WORDS = (2, 5)  # "two to four words" is asked; one word ("Start", "Memcpy", "A") says too little
SENTENCE_CHARS = (15, 200)
SENTENCE_MAX = 1  # "one plain sentence" is asked
# A larger model drafting the whole guide (`strict=False`) is asked for a Description of two to four sentences
# and steps of a sentence or two: its limits are sized to that, and its words are its own to choose (what it
# commits the code to is checked instead: checks.commitments).
DRAFT_DESCRIPTION_CHARS = (20, 700)
DRAFT_DESCRIPTION_SENTENCES = (1, 4)
DRAFT_LABEL_WORDS = (1, 7)
DRAFT_SENTENCE_CHARS = (10, 320)
DRAFT_SENTENCE_MAX = 2
# A field whose content words the code does not support: more than this share of them, and at least
# UNSUPPORTED_MIN of them (labels: one is enough when it is the majority) — see checks.claims.unsupported_words.
UNSUPPORTED_SHARE = 0.5
UNSUPPORTED_MIN = 2
SIMILAR = 85  # rapidfuzz ratio (0-100) from which two step sentences are the same sentence
COPIED_CODE = 90  # ratio from which a sentence is the step's code line again
MIN_STEPS_KEPT = 0.5  # accept_draft: below this share of surviving model steps, the analysis' steps are used

SECTION_NAMES = {"description", "execution steps", "execution step", "usage example", "usage examples", "example",
                 "examples", "steps", "step", "usage", "guide", "summary", "overview"}

CHECKS = ("length", "sentences", "names the block", "label form", "unique label", "about its step",
          "repeated sentence", "copied code", "vague terms", "talk about the guide", "talk to the reader",
          "unconfirmed claims", "invented names", "return claims", "behaviours", "parameters", "errors", "numbers")


# --- the field checks -------------------------------------------------------------------------------------
def description_problems(text: str, g: Grounding, known: set[str] | None = None, strict: bool = True) -> list[str]:
    """Problems of a model's description (see the module's doc); [] accepts it. `strict`: its words must be
    the block's own (the small model's job); a larger model drafting the whole guide may infer ("hyphen" for
    `"-"`), and its description passes the other checks only."""
    text = (text or "").strip()
    if not text:
        return ["empty"]
    problems: list[str] = []
    low, high = DESCRIPTION_CHARS if strict else DRAFT_DESCRIPTION_CHARS
    if not low <= len(text) <= high:
        problems.append(f"{len(text)} characters (wants {low}-{high})")
    n = len(sentences(text))
    fewest, most = DESCRIPTION_SENTENCES if strict else DRAFT_DESCRIPTION_SENTENCES
    if not fewest <= n <= most:
        problems.append(f"{n} sentences (wants {fewest}-{most})")
    name = g.block.name if g.block.kind != "statements" else None
    if name and not re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
        problems.append(f"does not name `{name}`")
    if not _content_words(text, g):
        problems.append("says nothing about what the block does")
    if not strict:
        return problems + _numbers_unshown(text, g) + claim_problems(text, g, known)
    return problems + _unshown_in(text, g.block.text, g, "the block") + _unsupported(text, g) + \
        claim_problems(text, g, known)


# words of a description that only say that there is code
_NOTHING = frozenset("block blocks code snippet function functions method methods class classes defines define "
                     "defined called statement statements line lines program designed used purpose".split())


def _content_words(text: str, g: Grounding) -> list[str]:
    name = {w.lower() for w in IDENT_PARTS.findall(g.block.name or "")} | {(g.block.name or "").lower()}
    return [w for w in (w.lower() for w in re.findall(r"[A-Za-z]{3,}", CODE_SPAN.sub(" ", text)))
            if w not in GENERAL_WORDS and w not in _FILLER and w not in _NOTHING and w not in name]


_NUMBERED = re.compile(r"^\W*(?:step\s*)?(?:\d+|[ivx]{1,4})\W*$|^\W*step\b", re.IGNORECASE)
# a label that is code: a declaration's head ("def f(x):", "class Foo"), code punctuation outside backticks, or a
# placeholder run ("xxxxxxxx-xxxx")
_DECLARATION = re.compile(r"^(?:async\s+)?(?:def|class|fn|func|function|struct|impl|interface|enum|const|let|var"
                          r"|public|private|protected|static|pub)\s+[A-Za-z_$]")  # code's keywords are lower case
_CODE_MARKS = re.compile(r"[(){}\[\];=<>&|!]|:$")
_PLACEHOLDER = re.compile(r"([A-Za-z])\1{3,}")


def label_problems(label: str, others: Iterable[str] = (), g: Grounding | None = None,
                   known: set[str] | None = None, step_source: str = "", strict: bool = True) -> list[str]:
    """Problems of a step label; `others` are the guide's other labels. With `g`, its names must exist; with
    `step_source` (the step's code), it must be about that code. `strict=False` (a larger model's own steps):
    DRAFT_LABEL_WORDS, and its words are not held to the code's vocabulary."""
    label = (label or "").strip()
    if not label:
        return ["empty"]
    problems: list[str] = []
    if _NUMBERED.match(label) or not re.search(r"[A-Za-z]", prose_of(label)):
        problems.append("a number, not a label")
    elif re.match(r"^\W*\d+\s*[.):-]", label):
        problems.append("numbered (the guide numbers its steps)")
    prose = CODE_SPAN.sub(" ", label).strip()
    if _DECLARATION.match(prose) or _CODE_MARKS.search(prose) or _PLACEHOLDER.search(prose):
        problems.append("code, not a label")
    label_words = words(label)
    fewest, most = LABEL_WORDS if strict else DRAFT_LABEL_WORDS
    if not problems and not fewest <= len(label_words) <= most:
        problems.append(f"{len(label_words)} words (wants {fewest}-{most})")
    key = norm(label)
    if key in SECTION_NAMES:
        problems.append("a section name")
    if key and key in {norm(o) for o in others}:
        problems.append("used by another step")
    vague = vague_terms(label)
    if vague:
        problems.append("vague: " + ", ".join(f'"{v}"' for v in vague))
    if g is not None:
        invented = invented_names(label + " " + bare_code(CODE_SPAN.sub(" ", label)),
                                  known if known is not None else known_names(g))
        if invented:
            problems.append("names not in the code: " + ", ".join(f"`{n}`" for n in invented[:5]))
        if strict:
            problems += _unsupported(label, g, minimum=1)  # a label's words are the code's: any majority strays
    return problems + off_step(label, step_source)


# Words that say nothing about which code a text is about.
_FILLER = frozenset("""the and for with its from into this that then than are was were has have had not but all any
each one two can will also only when what which who how out off per via
""".split())


def off_step(text: str, source: str) -> list[str]:
    """A label or a sentence that shares no word with its step's code (names split at `_` and camelCase, its
    comments and strings; a word of the same stem counts) is about something else: a small model often writes
    one step's label on another step, or the block's purpose on every step. [] when `source` is unknown."""
    if not source.strip():
        return []
    known_words = vocabulary(source)
    said = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in _FILLER]
    for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(CODE_SPAN.findall(text))):
        said += [w.lower() for w in IDENT_PARTS.findall(ident) if len(w) >= 3]
    if said and not any(supported(w, known_words) for w in said):
        return ["not about its step's code"]
    return []


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
                      known: set[str] | None = None, step_source: str = "", strict: bool = True) -> list[str]:
    """Problems of a step's sentence; `step_code` is the step's code line ("" when unknown), `others` the
    other steps' sentences (a sentence that repeats one is rejected wherever it occurs), `step_source` the
    step's whole code (the sentence must be about it). `strict=False` (a larger model's own steps): the DRAFT_
    limits, its words its own, its numbers the block's."""
    sentence = (sentence or "").strip()
    if not sentence:
        return ["empty"]
    problems: list[str] = []
    low, high = SENTENCE_CHARS if strict else DRAFT_SENTENCE_CHARS
    if not low <= len(sentence) <= high:
        problems.append(f"{len(sentence)} characters (wants {low}-{high})")
    n = len(sentences(sentence))
    most = SENTENCE_MAX if strict else DRAFT_SENTENCE_MAX
    if n > most:
        problems.append(f"{n} sentences (wants {'one' if most == 1 else f'at most {most}'})")
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
    if not strict:
        return problems + off_step(sentence, step_source) + _numbers_unshown(sentence, g) + \
            claim_problems(sentence, g, known)
    if _WHOLE_BLOCK.match(sentence):
        problems.append("speaks of the whole block, not of its step")
    return (problems + off_step(sentence, step_source) + _unshown_in(sentence, step_source, g, "its step")
            + _unsupported(sentence, g) + claim_problems(sentence, g, known))


def _numbers_unshown(text: str, g: Grounding) -> list[str]:
    """Numbers in the prose that neither the block nor its context shows ("the first 256 bits", "up to 3
    retries"): a number is the code's or it is made up. A sum of two of the block's numbers counts (`36 + 9`
    is a length of 45)."""
    shown = {int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w])", context_text(g)) if len(n) < 10}
    made_up = []
    for n in dict.fromkeys(re.findall(r"(?<![\w.`-])\d+(?![\w.`]|\.\d)", CODE_SPAN.sub(" ", text))):
        value = int(n)
        if value in shown or value <= 1 or any(value - a in shown for a in shown if a < value):
            continue
        made_up.append(n)
    return [f"numbers the code does not show: {', '.join(made_up[:5])}"] if made_up else []


# a step's sentence whose subject is the block ("This function checks ...") tells what the model thinks the whole
# block does, on a step that does one part of it
_WHOLE_BLOCK = re.compile(r"^(?:this|the)\s+(?:function|method|class|code|block|program|snippet|module)\b(?!\s*`)",
                          re.IGNORECASE)
UNSHOWN_MAX = 1  # content words of a description or a step's sentence its code does not show, at most


def _unshown_in(text: str, source: str, g: Grounding, where: str) -> list[str]:
    """A description says what the block's text shows, a step's sentence what its step's code shows: their
    content words (beyond the plain words any description uses) are words of that code, its comments and
    strings, or of the block's first line (name and parameters) — at most UNSHOWN_MAX others. A small model
    that cannot read the code writes a plausible sentence about something else ("parses a string into an
    array of numbers", "returns a tuple of two integers"); this keeps it out."""
    if not source.strip():
        return []
    known_words = vocabulary(source + " " + (g.block.name or "") + " " + g.block.text.split("\n")[0])
    content = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", CODE_SPAN.sub(" ", text))
               if w.lower() not in GENERAL_WORDS and w.lower() not in _FILLER]
    unshown = [w for w in dict.fromkeys(content) if not supported(w, known_words)]
    problems = []
    if len(unshown) > UNSHOWN_MAX:
        problems.append(f"words {where}'s code does not show: " + ", ".join(unshown[:5]))
    numbers = set(re.findall(r"\d+", source))
    made_up = [n for n in dict.fromkeys(re.findall(r"(?<![\w.])\d+(?![\w.])", CODE_SPAN.sub(" ", text)))
               if n not in numbers]
    if made_up:  # "the first 256 bits": a number is the code's or it is made up
        problems.append(f"numbers {where}'s code does not show: " + ", ".join(made_up[:5]))
    return problems


