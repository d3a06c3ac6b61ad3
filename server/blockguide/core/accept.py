"""A guide from a model's fields, field by field over the guide the analysis built: each field the model wrote
that passes its checks (`core.checks.fields`) is taken, each one that fails keeps the analysis' text, and a
FieldOutcome per field says which and why. The drafts are read by their attributes (the core does not import
the model client): any object with the same fields works."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol, Sequence

from blockguide.core.checks.fields import (
    CHECKS,
    DESCRIPTION_SENTENCES,
    MIN_STEPS_KEPT,
    description_problems,
    label_problems,
    sentence_problems,
)
from blockguide.core.checks.prose import known_names
from blockguide.core.fallback import NOTE
from blockguide.core.prompt import step_code, step_source
from blockguide.core.types import Example, FieldOutcome, Grounding, Guide, Provenance, Step

# --- what the drafts look like (attributes only; llm.base.PhraseDraft / GuideDraft fit) ----------------------
class _PhraseStep(Protocol):
    label: str
    sentence: str


class _Phrase(Protocol):
    description: str
    steps: Sequence[_PhraseStep]


# --- building the guide -----------------------------------------------------------------------------------
def accept_phrase(draft: _Phrase, fallback: Guide, g: Grounding, model: str | None = None,
                  asked: int | None = None) -> tuple[Guide, list[FieldOutcome]]:
    """The guide from a small model's PhraseDraft, field by field over the static `fallback` guide.

    Same title, example and number of steps as `fallback`; each model field that passes its checks is taken
    (the description's purpose goes before the analysis' description, a step's sentence before the analysis'
    detail for that step, a label replaces the analysis' label), each one that fails or is missing keeps the
    analysis' text alone; with `asked`, the model was asked for the first `asked` steps only, and the others
    keep the analysis' text (and have no outcome). With
    `model`, the guide is marked as that model's when at least one of its fields was kept, and the static
    guide's "generated without a model" note is dropped; its other notes stay.
    """
    codes = step_code(g, fallback.steps)
    sources = step_source(g, fallback.steps)
    n = len(fallback.steps)
    given = list(draft.steps)[:n]
    labels = [(s.label or "").strip() for s in given] + [""] * (n - len(given))
    texts = [_first(_tidy(s.sentence or ""), 1) for s in given] + [""] * (n - len(given))
    known = known_names(g, fallback.example.code)
    outcomes: list[FieldOutcome] = []

    description = fallback.description
    purpose = _named(_first(_tidy(draft.description), DESCRIPTION_SENTENCES[1]), g)
    problems = description_problems(purpose, g, known)
    if problems:
        outcomes.append(FieldOutcome("description", "analysis", tuple(problems)))
    else:  # the model's purpose first, then the analysis' facts: the model adds, it never takes away
        description = purpose + " " + fallback.description
        outcomes.append(FieldOutcome("description", "model"))

    steps: list[Step] = []
    kept_labels: list[str] = []
    for i, old in enumerate(fallback.steps):
        label, detail = old.label, old.detail
        if asked is not None and i >= asked:
            steps.append(old)  # not the model's to word: no outcome
            continue
        if i >= len(given):
            label_reasons = sentence_reasons = ["missing"]
        else:
            # labels: the first use of a label is kept, later ones fall back; sentences: a repeated one says
            # nothing about its step, so every copy falls back
            label_reasons = label_problems(labels[i], kept_labels, g, known, sources[i])
            sentence_reasons = sentence_problems(texts[i], codes[i], g, texts[:i] + texts[i + 1:], known,
                                                 sources[i])
        if label_reasons:
            outcomes.append(FieldOutcome(f"steps[{i + 1}].label", "analysis", tuple(label_reasons)))
        else:
            label = _tidy(labels[i]).rstrip(".:")
            kept_labels.append(label)
            outcomes.append(FieldOutcome(f"steps[{i + 1}].label", "model"))
        if sentence_reasons:
            outcomes.append(FieldOutcome(f"steps[{i + 1}].sentence", "analysis", tuple(sentence_reasons)))
        else:
            detail = _with_facts(_sentence(texts[i]), old.detail)
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
    known = known_names(g, fallback.example.code + "\n" + (draft.example.code or ""), whole_file=True)
    outcomes: list[FieldOutcome] = []
    description = fallback.description
    problems = description_problems(draft.description, g, known, strict=False)
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
        label_reasons = label_problems(s.label, [k.label for k in kept], g, known, strict=False)
        detail_reasons = sentence_problems(s.detail, "", g, details[:i] + details[i + 1:], known, strict=False)
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
    """The bookkeeping for a guide built by accept_phrase / accept_draft: each field, who wrote it and why a
    replaced one was (`Provenance.replaced`), and the checks that ran."""
    return Provenance(model=model, role=role, fields=tuple(outcomes), checks=CHECKS)


def _mark(guide: Guide, fallback: Guide, outcomes: list[FieldOutcome], model: str | None) -> Guide:
    if model and any(o.from_model for o in outcomes if o.field != "example"):
        return replace(guide, model=model, notes=tuple(n for n in fallback.notes if n != NOTE))
    return guide


_SUBJECT = re.compile(r"^(?:This|The)\s+(?:function|method|class|code|block|code block)\b", re.IGNORECASE)


_VERB_FIRST = re.compile(r"^(?:[A-Z][a-z]+(?:es|s))\b")  # "Encodes data ...": a sentence without its subject


def _named(text: str, g: Grounding) -> str:
    """A description that says "This function ..." (or starts with its verb, "Encodes ...") says it of the
    block: name it (the guide's title is the same for every block, so the Description's first sentence
    carries the name)."""
    name = g.block.name if g.block.kind != "statements" else None
    if name and not re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
        if _SUBJECT.match(text):
            return _SUBJECT.sub(f"`{name}`", text, count=1)
        if _VERB_FIRST.match(text):
            return f"`{name}` {text[0].lower()}{text[1:]}"
    return text


def _first(text: str, n: int) -> str:
    """The first `n` sentences: a small model goes on after what was asked, and what it adds is where it
    strays (what is kept is still checked). Code in backticks and "e.g." end no sentence."""
    count, inside = 0, False
    for i, ch in enumerate(text):
        if ch == "`":
            inside = not inside
        elif ch in ".!?" and not inside and re.match(r"\s+[A-Z`(\"']", text[i + 1:]) \
                and not re.search(r"\b(?:e\.g|i\.e|etc|vs|cf)$", text[:i], re.IGNORECASE):
            count += 1
            if count == n:
                return text[:i + 1]
    return text


def _with_facts(sentence: str, analysis: str) -> str:
    """The model's plain sentence, followed by the analysis' detail unless the sentence already names all the
    code it names: the exact calls and values stay in the step whatever the model wrote."""
    if all(code in sentence for code in re.findall(r"`[^`]+`", analysis)) and "`" in analysis:
        return sentence
    return f"{sentence} {analysis}" if analysis else sentence


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sentence(text: str) -> str:
    text = _tidy(text)
    if text and text[0].islower() and not text.startswith("`"):
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
