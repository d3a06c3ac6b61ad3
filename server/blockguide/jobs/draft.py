"""Draft one block's guide: analyse → draft (cache, model, retry). `jobs.document` calls it for the editor,
the CLI and the batch runner. Analysis is synchronous (tree-sitter, jedi) and the server runs it in one
worker thread; drafting is async and can be cancelled at any await, which aborts the model call.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Awaitable, Callable

from blockguide.cache import GuideCache
from blockguide.core.examples import attach
from blockguide.core.grounding import ground
from blockguide.core.project import find_root
from blockguide.core.syntax.source import Source
from blockguide.core.prompt import build_prompt
from blockguide.core.render import title_for
from blockguide.core.fallback import example_origin, static_example, static_guide
from blockguide.core.fallback import steps as static_steps
from blockguide.core.checks.prose import coverage_problem, lint, skipped
from blockguide.core.types import Block, Example, Grounding, Guide, Step
from blockguide.core.checks import check_example, ensure_import
from blockguide.llm import (
    Backend,
    BackendError,
    BadAnswer,
    DraftRequest,
    ModelNotRunning,
    guide_schema,
    parse_draft,
    salvage_draft,
)
from blockguide.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
# Runs blocking work (jedi) off the event loop: `await offload(fn, *args)`. The server passes its single
# analysis thread, because jedi is not safe to use from two threads at once; the default is a worker thread.
Offload = Callable[..., Awaitable]

PROMPT_VERSION = "3"  # bump when the prompt or the rendering changes what a cached guide would say


@dataclass
class Drafted:
    guide: Guide
    from_cache: bool
    prompt_tokens: int = 0
    output_tokens: int = 0
    # Set when `draft(..., fallback_on=...)` built the guide without the model because the model failed
    # (by default: nothing answers at the host): the message to show the user. Such a guide is not cached,
    # so the next request asks the model again.
    warning: str | None = None


def analyse(src: Source, block: Block, path: Path | None, roots: list[Path], settings: Settings) -> Grounding:
    """Grounding facts for the block (runs jedi for Python; bounded reference search)."""
    root = find_root(path, roots) if path is not None else None
    g = ground(block, src, path, root, settings.references)
    attach(g, src, path, root, check_example)  # the usage example blockguide builds and checks itself
    return g


def cache_key(settings: Settings) -> str:
    return f"{PROMPT_VERSION}|{settings.output_key()}"


async def draft(
    grounding: Grounding,
    settings: Settings,
    backend: Backend | None,
    cache: GuideCache | None,
    progress: Progress | None = None,
    use_cache: bool = True,
    fallback_on: tuple[type[BackendError], ...] = (),
    offload: Offload = asyncio.to_thread,
) -> Drafted:
    """A guide for the block: from the cache, from the model (one rewrite with the problems found), or static.

    A model failure of a kind in `fallback_on` does not raise: the guide is built from the analysis, says why
    in its notes, and `Drafted.warning` carries the message for the user. The editor and the CLI pass
    (ModelNotRunning,) — the server could not be reached at all — unless the user turned that off; a
    generation that fails midway still raises, so nothing half-made is inserted. Cancellation always propagates.
    """
    block = grounding.block
    key = cache_key(settings)
    if use_cache and cache is not None:
        cached = cache.get(block.hash, key)
        if cached is not None:
            return Drafted(cached, True)
    if backend is None:
        guide = static_guide(grounding)
        if cache is not None:
            cache.put(block.hash, key, guide)
        return Drafted(guide, False)
    try:
        guide, prompt_tokens, output_tokens = await _draft_with_model(grounding, settings, backend, progress, offload)
    except BackendError as exc:
        if not isinstance(exc, fallback_on):
            raise
        log.info("model failed, using the guide built without it: %s", exc)  # the caller tells the user
        return Drafted(static_guide(grounding, reason=fallback_note(exc)), False, warning=str(exc))
    if cache is not None:
        cache.put(block.hash, key, guide)
    return Drafted(guide, False, prompt_tokens, output_tokens)


def fallback_for(settings: Settings) -> tuple[type[BackendError], ...]:
    """The model failures the editor and the CLI answer with a guide built without the model."""
    return (ModelNotRunning,) if settings.offline_fallback else ()


def fallback_note(exc: BackendError) -> str:
    """The note on a guide built without the model because the model failed: what happened and the fix."""
    return f"The model was not used: {str(exc).rstrip('.')}. Run the action again once that is fixed."


def review(guide: Guide, g: Grounding) -> tuple[list[str], list[str]]:
    """(example problems, prose problems) of a drafted guide. Runs jedi: call it off the event loop."""
    return check_example(guide.example, g), lint(guide, g)


def _feedback(guide: Guide, example_problems: list[str], prose_problems: list[str], g: Grounding) -> str:
    lines = [f"- usage example: {p}" for p in example_problems] + [f"- text: {p}" for p in prose_problems]
    coverage = coverage_problem(guide, g)
    if coverage:
        lines.append(f"- steps: {coverage}")
    if example_problems and g.example is not None:
        lines.append("- this usage example passes every check; you may use it as it is:\n" + g.example.code)
    return "\n".join(lines)


def _same_code(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _dedupe(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The steps without repeats (same label and text, ignoring case and punctuation): small models repeat
    a step until the token cap."""
    seen: set[str] = set()
    out = []
    for step in steps:
        key = re.sub(r"\W+", " ", f"{step.label} {step.detail}".lower()).strip()
        if key and key in seen:
            continue
        seen.add(key)
        out.append(step)
    return tuple(out)


def finish(guide: Guide, g: Grounding, example_problems: list[str], prose_problems: list[str]) -> Guide:
    """What remains after the rewrite: a failing example is replaced by blockguide's own; the rest is noted."""
    notes = list(guide.notes)
    unique = _dedupe(guide.steps)
    if len(unique) < len(guide.steps):  # small models repeat a step until the token cap
        notes.append(f"{len(guide.steps) - len(unique)} repeated step(s) from the model were dropped.")
        guide = replace(guide, steps=unique)
    if example_problems:
        example, _ = static_example(g)
        origin = example_origin(g) if g.example is not None else "blockguide repeated the block instead."
        notes.append(f"The model's example failed the checks ({'; '.join(example_problems[:3])}). {origin}")
        guide = replace(guide, example=example)
        prose_problems = lint(guide, g)  # names from the dropped example no longer count
    elif g.example is not None and g.example_source and _same_code(guide.example.code, g.example.code):
        notes.append(example_origin(g))
    if skipped(guide, g):
        # the model's steps do not follow the code: the outline's steps are true, so they replace them
        guide = replace(guide, steps=tuple(static_steps(g)))
        notes.append("The model's steps skipped most of what the code does; these steps were built from the code's "
                     "outline.")
        prose_problems = lint(guide, g)
    notes += [f"Left after one rewrite: {p}." for p in prose_problems]
    return replace(guide, notes=tuple(notes))


def _read_answer(text: str, capped: bool, max_tokens: int):
    """(draft, note) from the model's answer. An answer the token cap cut off keeps its finished part, with
    a note; BadAnswer when nothing usable is left."""
    try:
        return parse_draft(text), None
    except BadAnswer as exc:
        if not capped:
            raise
        salvaged = salvage_draft(text)
        if salvaged is None:
            raise BadAnswer(f"{exc} (the answer hit the {max_tokens}-token cap)") from None
    return salvaged, (f"The model's answer was cut off at the {max_tokens}-token cap (the `blockguide.maxTokens` "
                      f"setting); its unfinished part was left out.")


async def _draft_with_model(g: Grounding, settings: Settings, backend: Backend, progress: Progress | None,
                            offload: Offload):
    feedback = None
    prompt_tokens = output_tokens = 0
    best: tuple[Guide, list[str], list[str]] | None = None
    for attempt in (1, 2):
        prompt = build_prompt(g, settings.context_budget, feedback)
        if prompt.dropped:
            log.info("context over budget: left out %s", ", ".join(prompt.dropped))
        request = DraftRequest(prompt.messages, guide_schema(), settings.temperature, settings.seed,
                               settings.max_tokens)

        def on_token(count: int) -> None:
            if progress is not None and (count == 1 or count % 8 == 0):
                progress(f"generating ({count} tokens)")

        if progress is not None:
            progress("generating" if attempt == 1 else "generating (second try)")
        result = await backend.draft(request, on_token)
        prompt_tokens += result.prompt_tokens
        output_tokens += result.tokens
        try:
            draft_, cut_note = _read_answer(result.text, result.stop_reason == "length", settings.max_tokens)
        except BadAnswer as exc:
            log.info("attempt %d: %s", attempt, exc)
            if attempt == 2:
                if best is not None:  # the first answer was usable: keep it rather than fail
                    break
                raise BadAnswer(f"The model {backend.model} gave an unusable answer twice: {exc}. Try again, "
                                f"or choose a stronger model in the `blockguide.model` setting.") from None
            feedback = f"- {exc}\n- Answer with the JSON object only."
            continue
        guide = Guide(
            title=title_for(g.block), description=draft_.description,
            steps=tuple(Step(s.label, s.detail) for s in draft_.steps if s.label.strip() or s.detail.strip()),
            example=Example(g.block.language if g.block.language != "tsx" else "tsx", draft_.example.code),
            model=backend.model, notes=(cut_note,) if cut_note else (),
        )
        if not guide.example.code.strip():  # cut off before the example: blockguide's own, checked
            own, origin = static_example(g)
            guide = replace(guide, example=own, notes=guide.notes + (f"The model's answer ended before its usage "
                                                                     f"example. {origin or ''}".strip(),))
        example, note = ensure_import(guide.example, g)
        if note:
            guide = replace(guide, example=example, notes=guide.notes + (note,))
        if progress is not None:
            progress("checking the example and the text")
        example_problems, prose_problems = await offload(review, guide, g)
        if best is None or len(example_problems) + len(prose_problems) <= len(best[1]) + len(best[2]):
            best = (guide, example_problems, prose_problems)
        if not example_problems and not prose_problems:
            break
        log.info("attempt %d: %d example and %d text problems", attempt, len(example_problems), len(prose_problems))
        if attempt == 1:
            feedback = _feedback(guide, example_problems, prose_problems, g)
    assert best is not None
    guide, example_problems, prose_problems = best
    return finish(guide, g, example_problems, prose_problems), prompt_tokens, output_tokens
