"""Guides already written: the one under a position (hover) and the ones out of date (diagnostics).

Reads the text and the guide store only; never the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from blockguide.cache import GuideCache
from blockguide.core.syntax import blocks, markers
from blockguide.core.syntax.markers import FoundGuide
from blockguide.core.syntax.source import Source
from blockguide.core.render import provenance_text, to_markdown
from blockguide.core.types import Block, Guide, Span

STALE_NOTE = "This guide is out of date: the code changed since it was written."


@dataclass(frozen=True)
class Stale:
    guide: FoundGuide  # the guide in the text
    block: Block  # the code below it, which changed


def _text_of(src: Source, found: FoundGuide, stored: Callable[[str], Guide | None]) -> str:
    block = blocks.documented_block(src, found)
    if block is not None and block.short_hash != found.hash:
        return found.body + "\n\n> " + STALE_NOTE
    guide = stored(block.hash) if block is not None else None
    return found.body + (_detail(guide) if guide is not None else "")


def _detail(guide: Guide) -> str:
    """How the guide was made, under a rule: the hover's detail (never written into the file)."""
    return "\n\n---\n\n*blockguide: " + provenance_text(guide.provenance) + "*"


def guide_at(src: Source, line: int, character: int, previews: Mapping[str, Guide],
             cache: GuideCache | None) -> tuple[str, Span] | None:
    """Markdown of the guide for what is at (line, character), and the lines it covers.

    The cursor on a guide: that guide. In code: the innermost block with a guide in the text (a
    definition's or a run of statements'), else a preview or a stored guide of the definition or the
    statement there.
    """
    def stored(block_hash: str) -> Guide | None:
        return previews.get(block_hash) or (cache.latest(block_hash) if cache is not None else None)

    around: list[tuple[Span, str]] = []
    for found in markers.find_guides(src):
        if found.span.start <= line < found.span.end:
            return _text_of(src, found, stored), found.span
        block = blocks.documented_block(src, found)
        if block is not None and block.span.start <= line < block.span.end:
            around.append((block.span, _text_of(src, found, stored)))
    if around:
        span, text = min(around, key=lambda t: t[0].lines)
        return text, span
    for block in (blocks.enclosing_definition(src, line, character), blocks.snap(src, line, line)):
        if block is None:
            continue
        guide = stored(block.hash)
        if guide is not None:
            return to_markdown(guide) + _detail(guide), block.span
    return None


def stale_guides(src: Source) -> list[Stale]:
    """Guides in the text whose code changed since they were written."""
    out = []
    for found in markers.find_guides(src):
        block = blocks.documented_block(src, found)
        if block is not None and block.short_hash != found.hash:
            out.append(Stale(found, block))
    return out
