"""Document one block: analyse → draft (cache, model, retry) → render. Shared by the CLI and the server.

It knows nothing of LSP. Analysis is synchronous (tree-sitter, jedi) and the server runs it in one
worker thread; drafting is async and can be cancelled at any await, which aborts the model call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from blockguide.cache import GuideCache
from blockguide.core import symbols
from blockguide.core.blocks import Source
from blockguide.core.prompt import build_prompt
from blockguide.core.render import title_for
from blockguide.core.static import static_guide
from blockguide.core.types import Block, Example, Grounding, Guide, Step
from blockguide.core.verify import ensure_import
from blockguide.llm import Backend, BadAnswer, DraftRequest, guide_schema, parse_draft
from blockguide.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

PROMPT_VERSION = "1"  # bump when the prompt or the rendering changes what a cached guide would say


@dataclass
class Drafted:
    guide: Guide
    from_cache: bool
    prompt_tokens: int = 0
    output_tokens: int = 0


def analyse(src: Source, block: Block, path: Path | None, roots: list[Path], settings: Settings) -> Grounding:
    """Grounding facts for the block (runs jedi for Python; bounded reference search)."""
    root = None
    if path is not None:
        from blockguide.core.workspace import find_root

        root = find_root(path, roots)
    return symbols.ground(block, src.text, path, root, settings.references)


def cache_key(settings: Settings) -> str:
    return f"{PROMPT_VERSION}|{settings.output_key()}"


async def draft(
    grounding: Grounding,
    settings: Settings,
    backend: Backend | None,
    cache: GuideCache | None,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> Drafted:
    """A guide for the block: from the cache, from the model (one retry with the problems), or static."""
    block = grounding.block
    key = cache_key(settings)
    if use_cache and cache is not None:
        cached = cache.get(block.hash, key)
        if cached is not None:
            return Drafted(cached, True)
    if backend is None:
        guide = static_guide(grounding)
    else:
        guide, prompt_tokens, output_tokens = await _draft_with_model(grounding, settings, backend, progress)
    if cache is not None:
        cache.put(block.hash, key, guide)
    return Drafted(guide, False) if backend is None else Drafted(guide, False, prompt_tokens, output_tokens)


async def _draft_with_model(g: Grounding, settings: Settings, backend: Backend, progress: Progress | None):
    feedback = None
    prompt_tokens = output_tokens = 0
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
            draft_ = parse_draft(result.text)
        except BadAnswer as exc:
            if result.stop_reason == "length":
                exc = BadAnswer(f"{exc} (the answer hit the {settings.max_tokens}-token cap)")
            log.info("attempt %d: %s", attempt, exc)
            if attempt == 2:
                raise BadAnswer(f"The model {backend.model} gave an unusable answer twice: {exc}. Try again, "
                                f"or choose a stronger model in the `blockguide.model` setting.") from None
            feedback = f"- {exc}\n- Answer with the JSON object only."
            continue
        guide = Guide(
            title=title_for(g.block), description=draft_.description,
            steps=tuple(Step(s.label, s.detail) for s in draft_.steps if s.label.strip() or s.detail.strip()),
            example=Example(g.block.language if g.block.language != "tsx" else "tsx", draft_.example.code),
            model=backend.model,
        )
        example, note = ensure_import(guide.example, g)
        if note:
            guide = replace(guide, example=example, notes=guide.notes + (note,))
        return guide, prompt_tokens, output_tokens
    raise AssertionError("unreachable")
