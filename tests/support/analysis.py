"""Grounding as the job layer runs it: the facts (core.grounding.ground), then the checked usage example
(core.examples.attach). Tests that look at both call this."""

from __future__ import annotations

from pathlib import Path

from blockguide.core.examples import attach
from blockguide.core.grounding import ground as ground_facts
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.types import Block, Grounding
from blockguide.core.checks import check_example


def ground(block: Block, source: Source | str, path: Path | None, root: Path | None, references: int) -> Grounding:
    src = source if isinstance(source, Source) else Source(LANGUAGES[block.language], source)
    g = ground_facts(block, src, path, root, references)
    attach(g, src, path, Path(g.root) if g.root else None, check_example)
    return g


def example_code(root: Path, rel: str, name: str) -> str:
    """The checked usage example of the definition `name` (`Class.method` for a method) in the file `rel` of
    the project at `root`."""
    from blockguide.core.languages import for_path
    from blockguide.core.syntax.blocks import find_definition

    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    g = ground(find_definition(src, name), src, path, root, 5)
    assert g.example is not None
    return g.example.code
