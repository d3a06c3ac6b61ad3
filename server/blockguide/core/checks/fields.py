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

`accept_phrase` builds a guide from the small model's PhraseDraft and the static guide; `accept_draft` does the
same for a larger model's whole GuideDraft. Both return the guide and a FieldOutcome per field. The drafts are
read by their attributes (the core does not import the model client): any object with the same fields works.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import replace
from typing import Iterable, Protocol, Sequence

from rapidfuzz import fuzz

from blockguide.core.prompt import PHRASE_EXAMPLE, step_code
from blockguide.core.style import context_text, invented_names, known_names, vague_terms
from blockguide.core.types import Example, FieldOutcome, Grounding, Guide, Provenance, Step

# --- thresholds -------------------------------------------------------------------------------------------
DESCRIPTION_CHARS = (20, 400)
DESCRIPTION_SENTENCES = (1, 3)
LABEL_WORDS = (1, 5)
SENTENCE_CHARS = (15, 300)
SENTENCE_MAX = 2  # "one plain sentence" is asked; a second short clause is tolerated
SIMILAR = 85  # rapidfuzz ratio (0-100) from which two step sentences are the same sentence
COPIED_CODE = 90  # ratio from which a sentence is the step's code line again
MIN_STEPS_KEPT = 0.5  # accept_draft: below this share of surviving model steps, the analysis' steps are used

SECTION_NAMES = {"description", "execution steps", "execution step", "usage example", "usage examples", "example",
                 "examples", "steps", "step", "usage", "guide", "summary", "overview"}

CHECKS = ("length", "sentences", "names the block", "label form", "unique label", "repeated sentence",
          "copied code", "vague terms", "talk about the guide", "unconfirmed claims", "invented names",
          "return claims")


# --- what the drafts look like (attributes only; llm.base.PhraseDraft / GuideDraft fit) ----------------------
class _PhraseStep(Protocol):
    label: str
    sentence: str


class _Phrase(Protocol):
    description: str
    steps: Sequence[_PhraseStep]


# --- text helpers -----------------------------------------------------------------------------------------
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\"'])")
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf)\.", re.IGNORECASE)


def _prose(text: str) -> str:
    """The text with code in backticks replaced by a placeholder word (its dots end no sentence)."""
    return _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", ""), _CODE_SPAN.sub("CODE", text))


def sentences(text: str) -> list[str]:
    """The sentences of a text (code in backticks is not split)."""
    text = _prose(text.strip())
    return [s for s in _SENTENCE_END.split(text) if s.strip()] if text else []


def _norm(text: str) -> str:
    """Lower case, words only: for comparing sentences."""
    return " ".join(re.findall(r"[a-z0-9_]+", text.lower()))


def _code_norm(text: str) -> str:
    return re.sub(r"[\s`;:.]+", "", text.lower())


def _words(text: str) -> list[str]:
    return _prose(text).split()


# --- claims the code must confirm -------------------------------------------------------------------------
# (pattern, what it is about). A match passes when its words occur in the block or its context.
_CLAIMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), what) for p, what in (
    (r"\bpython\s*[23](?:\.\d+)*\b|\bpy[23]k?\b", "a Python version"),
    (r"\b(?:java|node(?:\.js)?|c\+\+|ecmascript|es|php|ruby|rust)\s*v?\d+(?:\.\d+)*\b|\bgo\s*1\.\d+\b",
     "a language version"),
    (r"\bversions?\b|\bdeprecated\b|\blegacy\b|\bbackwards? compatib\w*|\bcompatib\w* (?:with|across) (?:python"
     r"|versions?|older|newer|all)\b|\bnot (?:available|supported) (?:in|on|for|by|under)\b", "versions or support"),
    (r"\bwindows\b|\blinux\b|\bmac\s?os\b|\bos\s?x\b|\bunix\b|\bposix\b|\bandroid\b|\bios\b|\bcross-platform\b"
     r"|\bplatforms?\b", "platforms"),
    (r"\bfast(?:er|est)?\b|\bquick(?:ly|er)?\b|\bslow(?:er|ly)?\b|\befficien\w*|\bperforman\w*|\boptimi[sz]\w*"
     r"|\boptimal\w*|\bspeed\w*|\bscal(?:able|ability)\b|\blightweight\b|\blatency\b|\bblazing\w*"
     r"|\bthread[- ]?safe\w*|\bthread safety\b|\bO\([^)]{1,12}\)", "performance"),
))
_META = re.compile(r"\b(?:this|the|our|above|below|following)\s+(?:usage\s+)?(?:example|guide|step|steps|section"
                   r"|documentation)\b|\bin step \d+\b|\bas shown\b", re.IGNORECASE)
# identifiers written as code without backticks: dotted names, snake_case names, calls
_BARE_CODE = re.compile(r"(?<![\w`.])(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z]*_\w*|[A-Za-z_]\w*\(\))(?![\w`])")


def claim_problems(text: str, g: Grounding, known: set[str] | None = None) -> list[str]:
    """What a description or a sentence says that the code does not show (see the module's doc)."""
    problems: list[str] = []
    vague = vague_terms(text)
    if vague:
        problems.append("vague: " + ", ".join(f'"{v}"' for v in vague))
    block = g.block.text.lower()
    for meta in _META.finditer(text):
        noun = meta.group(0).lower().split()[-1].rstrip("s")
        if not re.search(r"(?<!\w)" + re.escape(noun), block):  # code about steps may speak of "the steps"
            problems.append(f'talks about the guide ("{meta.group(0)}")')
            break
    context = context_text(g).lower()
    prose = _CODE_SPAN.sub(" ", text)
    for pattern, what in _CLAIMS:
        for m in pattern.finditer(prose):
            if not _shown(m.group(0).lower(), context):
                problems.append(f'claims about {what} the code does not show ("{m.group(0)}")')
                break
    known = known if known is not None else known_names(g)
    bare = " ".join(f"`{m.group(0).removesuffix('()')}`" for m in _BARE_CODE.finditer(prose)
                    if not re.fullmatch(r"[a-z]\.[a-z]", m.group(0).lower()))
    invented = invented_names(text + " " + bare, known)
    if invented:
        problems.append("names not in the code: " + ", ".join(f"`{n}`" for n in invented[:5]))
    problems += return_claim_problems(text, g)
    return problems


def _shown(said: str, context: str) -> bool:
    """Whether the code or its context shows a claim's words: a single word by its stem ("versions" is shown by
    `version`, "efficiently" by `efficient`), anything else as written."""
    if re.fullmatch(r"[a-z]+", said) and len(said) > 5:
        return re.search(r"(?<!\w)" + re.escape(said[:max(4, len(said) - 3)]), context) is not None
    return re.search(r"(?<!\w)" + re.escape(said) + r"(?!\w)", context) is not None


# --- what a block returns ---------------------------------------------------------------------------------
_TYPE_WORDS = {
    "list": "list", "lists": "list", "array": "list", "dict": "dict", "dictionary": "dict", "mapping": "dict",
    "map": "dict", "string": "str", "str": "str", "integer": "number", "int": "number", "number": "number",
    "float": "number", "count": None, "boolean": "bool", "bool": "bool", "tuple": "tuple", "pair": "tuple",
    "set": "set", "bytes": "bytes", "generator": "iterator", "iterator": "iterator",
}
_ANNOTATION_KINDS = {
    "str": "str", "list": "list", "List": "list", "Sequence": None, "dict": "dict", "Dict": "dict",
    "Mapping": "dict", "int": "number", "float": "number", "complex": "number", "bool": "bool",
    "tuple": "tuple", "Tuple": "tuple", "set": "set", "Set": "set", "frozenset": "set", "bytes": "bytes",
    "Iterator": "iterator", "Generator": "iterator", "Iterable": "iterator", "AsyncIterator": "iterator",
    "AsyncGenerator": "iterator",
}
_RETURNS_NOTHING = re.compile(
    r"\b(?:returns?|gives back)\s+(?:`?None`?|nothing|no value|no result|void)\b"
    r"|\b(?:does not|doesn't|never) return(?:s)? (?:a value|anything|any value|a result)\b"
    r"|\bhas no return value\b", re.IGNORECASE)
_RETURNS_A = re.compile(r"(?<!which )(?<!that )(?<!it calls )\b(?:returns?|gives back)\s+(?:a|an|the|one)\s+"
                        r"(?:new\s+|single\s+|plain\s+|python\s+)?([a-z]+)\b", re.IGNORECASE)
_RETURNS_ANY = re.compile(r"(?<!which )(?<!that )\b(?:returns|gives back)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"`([^`]+)`\s*(?:also\s+|then\s+|only\s+)?$")


class _Returns:
    """What the block's code says about its result: Python through `ast`, other languages through the outline."""

    def __init__(self, g: Grounding) -> None:
        self.known = False  # False: say nothing (class blocks, code that does not parse)
        self.annotation: str | None = None  # the return annotation's outer kind, "none" for -> None
        self.values: list[str | None] = []  # kinds of the returned expressions (None: unknown), "none" for None
        self.bare = False  # a `return` without a value, or `return None`
        self.any_return = False
        self.generator = False
        self.falls_through = True  # the body may end without a return (an implicit None)
        if g.block.kind == "class":
            return
        if g.block.language == "python":
            self._python(g)
        else:
            self._outline(g)

    def _python(self, g: Grounding) -> None:
        try:
            tree = ast.parse(textwrap.dedent(g.block.text))
        except SyntaxError:
            return
        body = tree.body
        if g.block.kind in ("function", "method"):
            fn = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
            if fn is None:
                return
            body = fn.body
            if fn.returns is not None:
                self.annotation = _annotation_kind(fn.returns)
        elif g.block.kind != "statements":
            return
        for node in _own_nodes(body):
            if isinstance(node, ast.Return):
                self.any_return = True
                if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
                    self.bare = True
                else:
                    self.values.append(_expression_kind(node.value))
            elif isinstance(node, (ast.Yield, ast.YieldFrom)):
                self.generator = True
        last = body[-1] if body else None
        self.falls_through = not isinstance(last, (ast.Return, ast.Raise))
        self.known = g.block.kind != "statements"

    def _outline(self, g: Grounding) -> None:
        # Only what an explicit return statement shows: other languages return in other ways (Rust's last
        # expression, arrow functions), so the absence of a return says nothing there.
        for a in g.flow:
            if a.kind == "return":
                self.any_return = True
                if a.text.strip() in ("returns", "return") or re.search(r"`(?:nil|null|None|undefined)`", a.text):
                    self.bare = True
                else:
                    self.values.append(None)
            elif a.kind == "yield":
                self.generator = True
        self.known = bool(self.values) and g.block.kind != "statements"
        top = [a for a in g.flow if a.depth == 0]
        # the block's last statement returns a value: no path ends without one (unless another return is bare)
        self.falls_through = not (top and top[-1].kind in ("return", "raise") and not top[-1].text.startswith("... and "))

    @property
    def returns_value(self) -> bool:
        return bool(self.values) or (self.annotation not in (None, "none")) or self.generator

    def value_kind(self) -> str | None:
        """The one kind every returned value has, or the annotation's; None when not clear."""
        if self.annotation not in (None, "none", "?"):
            return self.annotation
        if self.annotation is None and self.values and not self.bare and not self.generator:
            kinds = set(self.values)
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop()
        return None


def _own_nodes(body: list[ast.stmt]) -> Iterable[ast.AST]:
    """The nodes of a body, without descending into nested functions, classes and lambdas."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def _annotation_kind(node: ast.expr) -> str:
    """The outer kind of a return annotation: "str", "list", ..., "none" for None, "?" when not clear
    (unions, Optional, Any, names of the project's own classes)."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return "none"
        if isinstance(node.value, str):  # a string annotation
            try:
                return _annotation_kind(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return "?"
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return "?"  # X | Y and the like
    if name == "NoReturn" or name == "Never":
        return "none"
    return _ANNOTATION_KINDS.get(name) or "?"


def _expression_kind(node: ast.expr) -> str | None:
    if isinstance(node, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(node, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(node, ast.Tuple):
        return "tuple"
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (int, float)):
            return "number"
        if isinstance(value, str):
            return "str"
        if isinstance(value, bytes):
            return "bytes"
    return None


def return_claim_problems(text: str, g: Grounding) -> list[str]:
    """Claims about what the block returns that its code contradicts. Conservative: only clear cases.

    - "returns None" / "returns nothing" when every return gives a value, none gives None, the body cannot
      end without one, and no annotation allows None; or when it is a generator or annotated with a type;
    - "returns a list" (a string, a dict, ...) when the annotation (or every returned literal) is another kind;
    - any "returns ..." about a Python function with no return, no yield and no annotation but None.
    Claims about what a called function returns ("calls `f`, which returns a list") are not read.
    """
    facts = _Returns(g)
    if not facts.known:
        return []
    name = g.block.name or ""

    def about_block(m: re.Match) -> bool:  # not "`quote` returns a list": that is about a callee
        subject = _SUBJECT.search(text[max(0, m.start() - 80):m.start()])
        return subject is None or subject.group(1).split("(")[0].strip() in (name, f"{name}()")

    problems: list[str] = []
    prose = text
    nothing = next((m for m in _RETURNS_NOTHING.finditer(prose) if about_block(m)), None)
    if nothing:
        if facts.annotation not in (None, "none", "?") or facts.generator:
            problems.append(f'says it returns nothing ("{nothing.group(0)}") but it returns a value')
        elif facts.values and not facts.bare and not facts.falls_through and facts.annotation != "?":
            problems.append(f'says it returns nothing ("{nothing.group(0)}") but every return gives a value')
        return problems
    claimed = None
    for m in _RETURNS_A.finditer(prose):
        word = m.group(1).lower()
        if word in _TYPE_WORDS and about_block(m):
            claimed = (_TYPE_WORDS[word], m.group(0))
            break
    kind = facts.value_kind()
    if claimed and claimed[0] and kind and claimed[0] != kind:
        problems.append(f'says "{claimed[1]}" but it returns a {kind}')
    if (g.block.language == "python" and not facts.any_return and not facts.generator
            and facts.annotation in (None, "none")):
        said = next((m for m in _RETURNS_ANY.finditer(prose) if about_block(m)), None)
        if said:
            problems.append(f'says it returns something ("{said.group(0)}") but it has no return statement')
    return problems


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
    return problems + claim_problems(text, g, known)


_NUMBERED = re.compile(r"^\W*(?:step\s*)?(?:\d+|[ivx]{1,4})\W*$|^\W*step\b", re.IGNORECASE)


def label_problems(label: str, others: Iterable[str] = (), g: Grounding | None = None,
                   known: set[str] | None = None) -> list[str]:
    """Problems of a step label; `others` are the guide's other labels. With `g`, its names must exist."""
    label = (label or "").strip()
    if not label:
        return ["empty"]
    problems: list[str] = []
    if _NUMBERED.match(label) or not re.search(r"[A-Za-z]", _prose(label)):
        problems.append("a number, not a label")
    elif re.match(r"^\W*\d+\s*[.):-]", label):
        problems.append("numbered (the guide numbers its steps)")
    words = _words(label)
    if not LABEL_WORDS[0] <= len(words) <= LABEL_WORDS[1]:
        problems.append(f"{len(words)} words (wants {LABEL_WORDS[0]}-{LABEL_WORDS[1]})")
    key = _norm(label)
    if key in SECTION_NAMES:
        problems.append("a section name")
    if key and key in {_norm(o) for o in others}:
        problems.append("used by another step")
    vague = vague_terms(label)
    if vague:
        problems.append("vague: " + ", ".join(f'"{v}"' for v in vague))
    if g is not None:
        invented = invented_names(label, known if known is not None else known_names(g))
        if invented:
            problems.append("names not in the code: " + ", ".join(f"`{n}`" for n in invented[:5]))
    return problems


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
    if len(re.findall(r"[A-Za-z]{2,}", _CODE_SPAN.sub(" ", sentence))) < 2:
        problems.append("code, not a sentence")
    elif step_code and (_code_norm(sentence) == _code_norm(step_code)
                        or fuzz.ratio(_code_norm(sentence), _code_norm(step_code)) >= COPIED_CODE):
        problems.append("repeats the step's code")
    mine = _norm(sentence)
    for i, other in enumerate(others):
        if other and fuzz.ratio(mine, _norm(other)) >= SIMILAR:
            problems.append("repeats another step's sentence")
            break
    if any(fuzz.ratio(mine, _norm(s["sentence"])) >= SIMILAR for s in PHRASE_EXAMPLE["steps"]):
        problems.append("repeats the prompt's example")
    return problems + claim_problems(sentence, g, known)


# --- building the guide -----------------------------------------------------------------------------------
def accept_phrase(draft: _Phrase, fallback: Guide, g: Grounding, model: str | None = None
                  ) -> tuple[Guide, list[FieldOutcome]]:
    """The guide from a small model's PhraseDraft, field by field over the static `fallback` guide.

    Same title, example and number of steps as `fallback`; each model field that passes its checks replaces
    the fallback's (a step's sentence becomes its detail), each one that fails or is missing keeps it. With
    `model`, the guide is marked as that model's when at least one of its fields was kept, and the static
    guide's "generated without a model" note is dropped; its other notes stay.
    """
    codes = step_code(g, fallback.steps)
    n = len(fallback.steps)
    given = list(draft.steps)[:n]
    labels = [(s.label or "").strip() for s in given] + [""] * (n - len(given))
    texts = [(s.sentence or "").strip() for s in given] + [""] * (n - len(given))
    known = known_names(g, fallback.example.code)
    outcomes: list[FieldOutcome] = []

    description = fallback.description
    problems = description_problems(draft.description, g, known)
    if problems:
        outcomes.append(FieldOutcome("description", "analysis", tuple(problems)))
    else:
        description = _tidy(draft.description)
        outcomes.append(FieldOutcome("description", "model"))

    steps: list[Step] = []
    kept_labels: list[str] = []
    for i, old in enumerate(fallback.steps):
        label, detail = old.label, old.detail
        if i >= len(given):
            label_reasons = sentence_reasons = ["missing"]
        else:
            # labels: the first use of a label is kept, later ones fall back; sentences: a repeated one says
            # nothing about its step, so every copy falls back
            label_reasons = label_problems(labels[i], kept_labels, g, known)
            sentence_reasons = sentence_problems(texts[i], codes[i], g, texts[:i] + texts[i + 1:], known)
        if label_reasons:
            outcomes.append(FieldOutcome(f"steps[{i + 1}].label", "analysis", tuple(label_reasons)))
        else:
            label = _tidy(labels[i]).rstrip(".:")
            kept_labels.append(label)
            outcomes.append(FieldOutcome(f"steps[{i + 1}].label", "model"))
        if sentence_reasons:
            outcomes.append(FieldOutcome(f"steps[{i + 1}].sentence", "analysis", tuple(sentence_reasons)))
        else:
            detail = _sentence(texts[i])
            outcomes.append(FieldOutcome(f"steps[{i + 1}].sentence", "model"))
        steps.append(Step(label, detail))
    guide = replace(fallback, description=description, steps=tuple(steps))
    return _mark(guide, fallback, outcomes, model), outcomes


def accept_draft(draft, fallback: Guide, g: Grounding, model: str | None = None
                 ) -> tuple[Guide, list[FieldOutcome]]:
    """The guide from a larger model's whole GuideDraft (description, free steps, example), under the same
    field checks. A step is kept when its label and its detail both pass, else dropped; when fewer than
    MIN_STEPS_KEPT of the model's steps (or none) survive, the static guide's steps are used. The example is
    passed through unchecked (it is checked elsewhere); an empty one keeps the fallback's.
    """
    known = known_names(g, fallback.example.code + "\n" + (draft.example.code or ""))
    outcomes: list[FieldOutcome] = []
    description = fallback.description
    problems = description_problems(draft.description, g, known)
    if problems:
        outcomes.append(FieldOutcome("description", "analysis", tuple(problems)))
    else:
        description = _tidy(draft.description)
        outcomes.append(FieldOutcome("description", "model"))

    given = [s for s in draft.steps if (s.label or "").strip() or (s.detail or "").strip()]
    details = [(s.detail or "").strip() for s in given]
    kept: list[Step] = []
    step_outcomes: list[FieldOutcome] = []
    for i, s in enumerate(given):
        label_reasons = label_problems(s.label, [k.label for k in kept], g, known)
        detail_reasons = sentence_problems(s.detail, "", g, details[:i] + details[i + 1:], known)
        dropped = ("step dropped",) if label_reasons or detail_reasons else ()
        step_outcomes.append(FieldOutcome(f"steps[{i + 1}].label", "analysis" if dropped else "model",
                                          tuple(label_reasons) + (dropped if not label_reasons else ())))
        step_outcomes.append(FieldOutcome(f"steps[{i + 1}].sentence", "analysis" if dropped else "model",
                                          tuple(detail_reasons) + (dropped if not detail_reasons else ())))
        if not dropped:
            kept.append(Step(_tidy(s.label).rstrip(".:"), _sentence(s.detail)))
    if not kept or len(kept) < MIN_STEPS_KEPT * len(given):
        why = f"{len(kept)} of {len(given)} model steps passed the checks"
        step_outcomes = [replace(o, source="analysis", reasons=o.reasons or (why,)) for o in step_outcomes]
        step_outcomes.append(FieldOutcome("steps", "analysis", (why,)))
        steps = fallback.steps
    else:
        steps = tuple(kept)
    outcomes += step_outcomes
    code = (draft.example.code or "") if getattr(draft, "example", None) is not None else ""
    if code.strip():
        example = Example(fallback.example.language or draft.example.language, code)
        outcomes.append(FieldOutcome("example", "model"))
    else:
        example = fallback.example
        outcomes.append(FieldOutcome("example", "analysis", ("missing",)))
    guide = replace(fallback, description=description, steps=steps, example=example)
    return _mark(guide, fallback, outcomes, model), outcomes


def provenance(model: str, role: str, outcomes: Sequence[FieldOutcome]) -> Provenance:
    """The bookkeeping for a guide built by accept_phrase / accept_draft: one note per replaced field."""
    notes = tuple(f"{o.field} kept the analysis' text; the model's was rejected: {'; '.join(o.reasons) or 'failed'}"
                  for o in outcomes if not o.from_model)
    return Provenance(model=model, role=role, fields=tuple(outcomes), checks=CHECKS, notes=notes)


def _mark(guide: Guide, fallback: Guide, outcomes: list[FieldOutcome], model: str | None) -> Guide:
    if model and any(o.from_model for o in outcomes if o.field != "example"):
        from blockguide.core.static import NOTE

        return replace(guide, model=model, notes=tuple(n for n in fallback.notes if n != NOTE))
    return guide


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sentence(text: str) -> str:
    text = _tidy(text)
    if text and text[0].islower() and not text.startswith("`"):
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
