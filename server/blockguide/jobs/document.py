"""Document one block: find it, analyse it, draft its guide, plan the edit. The editor, the CLI and the
batch runner all call this; none of them knows how a guide is made.

Blocking work (tree-sitter, jedi) runs through the caller's `offload` (the server's single analysis thread:
jedi is not safe from two threads); drafting runs on the event loop and can be cancelled at any await,
which aborts the model request and changes nothing.
"""

from __future__ import annotations

import asyncio
import copy
import enum
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cachetools import TTLCache

from blockguide.cache import GuideCache
from blockguide.core.syntax import blocks
from blockguide.core.syntax.source import Source
from blockguide.core.edits import LineEdit, plan_edit

from blockguide.core.types import Block, Grounding, Guide
from blockguide.jobs import draft as drafting
from blockguide.jobs.draft import Offload, Progress
from blockguide.llm import Backend, BackendError, ModelMissing, ModelUnreachable
from blockguide.settings import Settings

log = logging.getLogger(__name__)

ANALYSIS_SECONDS = 120.0  # a block's analysis is reused this long (other files may change meanwhile)


class JobError(Exception):
    """Something the user must know; the message says what to do. Nothing was changed. `status`: what a
    model failure left the model server's status at (None for other problems)."""

    def __init__(self, message: str, status: "Status | None" = None) -> None:
        super().__init__(message)
        self.status = status


class Status(str, enum.Enum):
    """What the model server is doing, as an editor shows it (the `blockguide/status` notification)."""

    READY = "ready"
    GENERATING = "generating"
    UNREACHABLE = "unreachable"
    MODEL_MISSING = "modelMissing"


StatusCallback = Callable[[Status, str], None]


def model_error(exc: BackendError) -> tuple[str, Status]:
    """The user's message for a model failure, and the status it leaves."""
    if isinstance(exc, ModelUnreachable):
        return str(exc), Status.UNREACHABLE
    if isinstance(exc, ModelMissing):
        return str(exc), Status.MODEL_MISSING
    return str(exc), Status.READY


# --- finding the block ------------------------------------------------------------------------------
def find_block(src: Source, *, lines: tuple[int, int] | None = None, cursor: tuple[int, int] | None = None,
               symbol: str | None = None) -> Block:
    """The block to document: whole statements over 0-based `lines` (first, last), the definition around a
    `cursor` (line, column), or the definition named `symbol` (`name` or `Class.method`). JobError if none."""
    if symbol is not None:
        block = blocks.find_definition(src, symbol)
        if block is None:
            raise JobError(f"there is no function or class named {symbol!r}")
        return block
    if cursor is not None:
        line, column = cursor
        block = blocks.enclosing_definition(src, line, min(column, len(src.line(line))))
        if block is None:
            raise JobError(f"line {line + 1} is not inside a function or class; select the lines to document")
        return block
    if lines is None:
        raise JobError("say which block: a selection, a cursor position or a symbol")
    first, last = lines
    if first >= src.line_count():
        raise JobError(f"the text has {src.line_count()} lines; line {first + 1} is past its end")
    block = blocks.snap(src, first, min(last, src.line_count() - 1))
    if block is None:
        raise JobError(f"lines {first + 1}-{last + 1} hold no code to document")
    return block


def relocate(src: Source, block: Block) -> Block:
    """The block in `src`, which may have changed since the block was found: where it was if its text is
    still there, else where its text moved to. JobError when it was edited or is gone."""
    if src.slice(block.span) == block.text:
        return block
    span = blocks.locate(src, block.text, block.span.start)
    moved = blocks.snap(src, span.start, span.end - 1) if span is not None else None
    if moved is None:
        raise JobError("the block was edited while its guide was being written; nothing was changed. Run the "
                       "action again to document it as it is now.")
    return moved


def plan(src: Source, block: Block, guide: Guide, style: str) -> tuple[Block, LineEdit | None]:
    """The edit that puts `guide` above (or into) `block` in `src` as it is now: (the block as found again,
    the edit, None when the insertion style is `none`). JobError when the block is gone."""
    block = relocate(src, block)
    return block, plan_edit(src, block, guide, style)


# --- documenting --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """A documented block: its guide, how it was made, and a warning for the user when there is one."""

    block: Block
    guide: Guide
    grounding: Grounding
    from_cache: bool = False
    warning: str | None = None  # the guide was built without the model, and why
    prompt_tokens: int = 0
    output_tokens: int = 0


class Analyses:
    """Groundings kept for a while, so Preview then Document, or a retry after a cancel or a model error,
    does not analyse the same block of the same text twice. Copies go in and out: a draft may change its
    grounding."""

    def __init__(self, size: int = 16, seconds: float = ANALYSIS_SECONDS) -> None:
        self._kept: TTLCache = TTLCache(maxsize=size, ttl=seconds)

    def get(self, key) -> Grounding | None:
        kept = self._kept.get(key)
        return copy.deepcopy(kept) if kept is not None else None

    def put(self, key, grounding: Grounding) -> None:
        self._kept[key] = copy.deepcopy(grounding)

    def forget(self, matches: Callable[[tuple], bool]) -> None:
        for key in [k for k in list(self._kept.keys()) if matches(k)]:
            self._kept.pop(key, None)


async def document(src: Source, block: Block, path: Path | None, roots: list[Path], settings: Settings,
                   backend: Backend | None, cache: GuideCache | None, *, progress: Progress | None = None,
                   status: StatusCallback | None = None, offload: Offload = asyncio.to_thread,
                   use_cache: bool = True, fallback: bool = True, analyses: Analyses | None = None,
                   analysis_key: tuple = ()) -> Outcome:
    """Analyse the block (through `offload`) and draft its guide.

    A model failure raises JobError with the user's message (after `status` says what it left), except that
    when nothing answers at the model host and `fallback` and the settings allow it, the guide is built from
    the analysis alone and `Outcome.warning` says so. Cancellation propagates; nothing is changed.
    """
    def tell(state: Status, detail: str = "") -> None:
        if status is not None:
            status(state, detail)

    tell(Status.GENERATING, f"{block.kind} {block.name or ''}".strip())
    try:
        grounding = None
        key = (analysis_key, block.span, block.hash, tuple(roots), settings)
        if analyses is not None:
            grounding = analyses.get(key)
        if grounding is None:
            grounding = await offload(drafting.analyse, src, block, path, roots, settings)
            if analyses is not None:
                analyses.put(key, grounding)
        drafted = await drafting.draft(grounding, settings, backend, cache, progress, use_cache=use_cache,
                                       fallback_on=drafting.fallback_for(settings) if fallback else (),
                                       offload=offload)
    except BackendError as exc:
        message, state = model_error(exc)
        tell(state, message)
        raise JobError(message, state) from None
    except asyncio.CancelledError:
        tell(Status.READY, "cancelled")
        raise
    if drafted.warning:
        tell(Status.UNREACHABLE, drafted.warning)
    else:
        tell(Status.READY)
    return Outcome(block, drafted.guide, grounding, drafted.from_cache, drafted.warning, drafted.prompt_tokens,
                   drafted.output_tokens)
