"""Many guides into one file in one pass: innermost definitions first, each pass re-parsed, so a class's guide
is rendered for the class as it is with its methods' guides (its marker is not stale at once)."""

from __future__ import annotations

from blockguide.cache import GuideCache
from blockguide.core.syntax import blocks
from blockguide.core.syntax.source import Source
from blockguide.core.edits import LineEdit, plan_edit
from blockguide.core.types import Block, Guide
from blockguide.jobs.files import apply_edits


def _contains(outer: Block, inner: Block) -> bool:
    return outer is not inner and outer.span.start <= inner.span.start and inner.span.end <= outer.span.end


def place_all(src: Source, guides: list[tuple[Block, Guide]], style: str, cache: GuideCache | None,
              key: str) -> tuple[str, dict[int, str]]:
    """The text of `src` with every (block, guide) in place, and {index: reason} for those left out.

    Innermost definitions go first (methods, then their class, then an outer class), each pass against the
    text the previous one left, re-parsed: a class's guide is rendered for its final text (methods' guides
    included), so its marker is not stale at once, and it is stored under that text so a re-run finds it. A
    guide whose edit would overlap another's, or whose block cannot be found again, is left out.
    """
    failed: dict[int, str] = {}
    left = list(range(len(guides)))
    at = {i: guides[i][0].span.start for i in left}  # where each block starts in the current text
    text, current = src.text, src
    while left:
        now = [i for i in left if not any(_contains(guides[i][0], guides[j][0]) for j in left)]
        left = [i for i in left if i not in now]
        planned = []
        for i in now:
            first, guide = guides[i]
            block = first
            if current is not src:  # an earlier pass moved or grew it: find it in the new text
                block = blocks.block_after(current, at[i])
                if block is None or block.name != first.name or block.kind != first.kind:
                    failed[i] = "its block could not be found again after the guides inside it were inserted; " \
                                "nothing inserted"
                    continue
                if cache is not None and block.hash != first.hash:
                    cache.put(block.hash, key, guide)
            edit = plan_edit(current, block, guide, style)
            if edit is not None:
                planned.append((edit.span.start, edit.span.end, block.span.start, edit, i))
        planned.sort(key=lambda t: t[:3])
        edits: list[LineEdit] = []
        end = 0
        for start, stop, _, edit, i in planned:
            if start < end:
                failed[i] = "its guide would overlap another guide's lines; nothing inserted"
                continue
            edits.append(edit)
            end = max(end, stop)
        if not edits:
            continue
        text = apply_edits(text, edits)
        for i in left:
            at[i] += sum(e.text.count("\n") - e.span.lines for e in edits if e.span.end <= at[i])
        if left:
            current = Source(src.lang, text)
    return text, failed
