"""Draft one block's guide: the analysis owns the facts, the model phrases them.

`analyse` grounds the block (tree-sitter, jedi, call sites) and attaches the usage example blockguide built and
checked itself. `draft` takes the guide from the store, else builds the guide without a model
(`core.fallback`) and lets the model word what it can:

- **phrase** (small models, the default up to about 1B parameters): one call; the model writes the
  Description's purpose and, for each step of the outline (handed to it numbered, with its code), a label and a
  sentence. The number and order of steps and the usage example are the analysis'. A second call only when
  the first answer cannot be read.
- **draft** (larger models, or `modelRole = draft`): the model writes a whole guide; its example is checked
  (one rewrite with the problems found).

Either way every field the model wrote is checked on its own (`core.checks.fields`) and a field that fails
keeps the analysis' text (`core.accept`); `Guide.provenance` records which and why, for the hover, the log
and `--format json` — never for the user's file. Drafting is async and can be cancelled at any await, which
aborts the model call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Awaitable, Callable

from blockguide.cache import GuideCache
from blockguide.core.accept import accept_draft, accept_phrase, provenance
from blockguide.core.checks import check_example, ensure_import, last_checks
from blockguide.core.checks.agreement import compiled, disagreements
from blockguide.core.examples import attach
from blockguide.core.fallback import static_guide
from blockguide.core.grounding import ground
from blockguide.core.project import find_root
from blockguide.core.prompt import FEEDBACK_HEAD, PHRASE_BUDGET, build_phrase_prompt, build_prompt
from blockguide.core.render import provenance_text
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, Example, FieldOutcome, Grounding, Guide, Provenance, Step
from blockguide.llm import (
    PHRASE_MAX_TOKENS,
    PHRASE_STEPS,
    Backend,
    BackendError,
    BadAnswer,
    DraftRequest,
    ModelTimeout,
    ModelUnreachable,
    guide_schema,
    parse_draft,
    parse_phrase,
    phrase_schema,
    role_for,
    salvage_draft,
)
from blockguide.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
# Runs blocking work (jedi) off the event loop: `await offload(fn, *args)`. The server passes its single
# analysis thread, because jedi is not safe to use from two threads at once; the default is a worker thread.
Offload = Callable[..., Awaitable]

PROMPT_VERSION = "4"  # bump when the prompt or the rendering changes what a cached guide would say


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


@dataclass
class _Usage:
    prompt_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0


def analyse(src: Source, block: Block, path: Path | None, roots: list[Path], settings: Settings) -> Grounding:
    """Grounding facts for the block and the usage example blockguide builds and checks itself (runs jedi
    for Python; bounded reference search): call it off the event loop."""
    root = find_root(path, roots) if path is not None else None
    g = ground(block, src, path, root, settings.references)
    attach(g, src, path, root, check_example)
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
    """A guide for the block: from the store, else the analysis' guide with the model's checked fields.

    A model failure of a kind in `fallback_on` does not raise: the analysis' guide is returned and
    `Drafted.warning` carries the message for the user. The editor and the CLI pass `fallback_for(settings)`
    (no server, a timeout, a cut stream, an unreadable answer) unless the user turned that off: the guide is
    then the analysis' alone, marked so, with the reason; it is never half the model's. Such a guide is not
    stored: the next request asks the model again. (A readable answer whose every field failed its checks is
    stored with its provenance: the same model would answer the same again.) Cancellation always propagates.
    """
    block = grounding.block
    key = cache_key(settings)
    if use_cache and cache is not None:
        cached = cache.get(block.hash, key)
        if cached is not None:
            return Drafted(cached, True)
    base = static_guide(grounding)
    if backend is None:
        if cache is not None:
            cache.put(block.hash, key, base)
        return Drafted(base, False)
    usage = _Usage()
    try:
        role = role_for(settings.model_role, await backend.parameter_count())
        if role == "phrase":
            guide = await _phrase(grounding, base, settings, backend, progress, usage)
        else:
            guide = await _draft_whole(grounding, base, settings, backend, progress, offload, usage)
    except BackendError as exc:
        if not isinstance(exc, fallback_on):
            raise
        log.info("model failed, using the guide built without it: %s", exc)  # the caller tells the user
        why = Provenance("none", "none", notes=(f"The model was not used: {str(exc).rstrip('.')}.",))
        return Drafted(replace(base, provenance=why), False, warning=str(exc))
    log.info("guide for %s %s: %s (%d model call(s))", block.kind, block.name or "", provenance_text(guide.provenance),
             usage.calls)
    if cache is not None:
        cache.put(block.hash, key, guide)
    return Drafted(guide, False, usage.prompt_tokens, usage.output_tokens)


def fallback_for(settings: Settings) -> tuple[type[BackendError], ...]:
    """The model failures the editor and the CLI answer with a guide built without the model (and a warning
    saying why): nothing answers at the host, the model times out, its stream is cut off, or its answer cannot
    be read. A missing model or a server error stays an error with what to do."""
    return (ModelUnreachable, ModelTimeout, BadAnswer) if settings.offline_fallback else ()


async def _ask(backend: Backend, request: DraftRequest, progress: Progress | None, usage: _Usage, label: str):
    def on_token(count: int) -> None:
        if progress is not None and (count == 1 or count % 8 == 0):
            progress(f"{label} ({count} tokens)")

    if progress is not None:
        progress(label)
    result = await backend.draft(request, on_token)
    usage.calls += 1
    usage.prompt_tokens += result.prompt_tokens
    usage.output_tokens += result.tokens
    return result


async def _phrase(g: Grounding, base: Guide, settings: Settings, backend: Backend, progress: Progress | None,
                  usage: _Usage) -> Guide:
    """The small model's job: the purpose and each outline step's label and sentence; one call (a second
    only when the first answer cannot be read). An answer unusable twice leaves the analysis' guide."""
    n = min(len(base.steps), PHRASE_STEPS)  # the later steps keep the analysis' text
    if n == 0:
        return base
    prompt = build_phrase_prompt(g, list(base.steps)[:n], PHRASE_BUDGET)
    request = DraftRequest(prompt.messages, phrase_schema(n), settings.temperature, settings.seed,
                           min(settings.max_tokens, PHRASE_MAX_TOKENS))
    problem: BadAnswer | None = None
    for attempt in (1, 2):
        result = await _ask(backend, request, progress, usage, "generating" if attempt == 1 else
                            "generating (second try)")
        try:
            answer = parse_phrase(result.text, n)
            break
        except BadAnswer as exc:
            log.info("phrase attempt %d: %s", attempt, exc)
            problem = exc
            messages = [*prompt.messages[:-1], {**prompt.messages[-1], "content": prompt.messages[-1]["content"]
                        + FEEDBACK_HEAD + f"- {exc}\n- Answer with the JSON object only."}]
            request = replace(request, messages=messages)
    else:
        raise BadAnswer(f"The answer of the model {backend.model} could not be read twice ({problem}).")
    guide, outcomes = accept_phrase(answer, base, g, model=backend.model, asked=n)
    record = provenance(backend.model, "phrase", outcomes)
    tools = tuple(c for c in g.example_checks if c != "static" and c not in record.checks)  # the analysis' example
    record = replace(record, checks=record.checks + tools)
    if n < len(base.steps):
        record = replace(record, notes=record.notes + (f"The model worded the first {n} of the {len(base.steps)} "
                                                       f"steps; the others are the analysis' text.",))
    if result.stop_reason == "length":
        record = replace(record, notes=record.notes + (f"The answer hit the {request.max_tokens}-token cap; its "
                                                       f"finished fields were kept.",))
    return replace(guide, provenance=record)


async def _draft_whole(g: Grounding, base: Guide, settings: Settings, backend: Backend, progress: Progress | None,
                       offload: Offload, usage: _Usage) -> Guide:
    """A larger model's job: a whole guide, its example checked (one rewrite with the problems found), then
    every field checked like the small model's."""
    feedback = None
    best: tuple[Guide, list[str]] | None = None
    for attempt in (1, 2):
        prompt = build_prompt(g, settings.context_budget, feedback)
        if prompt.dropped:
            log.info("context over budget: left out %s", ", ".join(prompt.dropped))
        request = DraftRequest(prompt.messages, guide_schema(), settings.temperature, settings.seed,
                               settings.max_tokens)
        result = await _ask(backend, request, progress, usage, "generating" if attempt == 1 else
                            "generating (second try)")
        try:
            answer = _read_answer(result.text, result.stop_reason == "length", settings.max_tokens)
        except BadAnswer as exc:
            log.info("draft attempt %d: %s", attempt, exc)
            if attempt == 2 and best is None:
                raise BadAnswer(f"The model {backend.model} gave an unusable answer twice: {exc}. Try again, or "
                                f"set `blockguide.modelRole` to `phrase`.") from None
            feedback = f"- {exc}\n- Answer with the JSON object only."
            continue
        example = Example(base.example.language, answer.example.code) if answer.example.code.strip() \
            else base.example
        example, _ = ensure_import(example, g)
        if progress is not None:
            progress("checking the example")
        problems = await offload(check_example, example, g) if example is not base.example else []
        if example is not base.example and not problems and not compiled(last_checks(problems)):
            problems += disagreements(example.code, g)  # no compiler could check it: held to blockguide's own
        steps = tuple(Step(s.label, s.detail) for s in answer.steps if s.label.strip() or s.detail.strip())
        drafted = replace(base, description=answer.description, steps=steps, example=example)
        if best is None or len(problems) < len(best[1]):
            best = (drafted, problems)
        if not problems:
            break
        feedback = "\n".join(f"- usage example: {p}" for p in problems)
        if g.example is not None:
            feedback += "\n- this usage example passes every check; you may use it as it is:\n" + g.example.code
    assert best is not None
    drafted, problems = best
    guide, outcomes = accept_draft(drafted, base, g, model=backend.model)
    ran = last_checks(problems) if drafted.example is not base.example else g.example_checks
    if problems:  # the example still fails: the analysis' own, checked example stands
        guide = replace(guide, example=base.example, notes=base.notes)
        outcomes = [o for o in outcomes if o.field != "example"]
        outcomes.append(FieldOutcome("example", "analysis", tuple(problems[:3])))
        ran = g.example_checks
    record = provenance(backend.model, "draft", outcomes)
    tools = tuple(c for c in ran if c != "static" and c not in record.checks)  # e.g. "go vet" on the example
    if guide.example is not base.example:  # the model's example: the notes about blockguide's own go with it
        guide = replace(guide, notes=tuple(n for n in guide.notes if n not in base.notes or not _about_example(n)))
        said = (f"The usage example is the model's, checked by {', '.join(ran)}"
                + ("" if compiled(ran) else " and held to blockguide's checked example (no compiler could check it)")
                + ".")
    else:
        said = "The usage example is blockguide's own" + (f" ({why.lower().rstrip('.')})" if (why := next(
            (n for n in base.provenance.notes if n.startswith("Example ")), None)) else "") + "."
    record = replace(record, checks=record.checks + tools, notes=record.notes + (said,))
    return replace(guide, provenance=record)


def _about_example(note: str) -> bool:
    """A note of the static guide about its own example (where it came from, a placeholder to replace, what the
    compiler said of it)."""
    return note.startswith(("Example ", "The example ", "The usage example")) or "this example" in note


def _read_answer(text: str, capped: bool, max_tokens: int):
    """The model's whole-guide answer; an answer the token cap cut off keeps its finished part. BadAnswer
    when nothing usable is left."""
    try:
        return parse_draft(text)
    except BadAnswer as exc:
        if not capped:
            raise
        salvaged = salvage_draft(text)
        if salvaged is None:
            raise BadAnswer(f"{exc} (the answer hit the {max_tokens}-token cap)") from None
    return salvaged
