"""Block and action kinds are string enums: they compare, hash, format and serialise as their values."""

from __future__ import annotations

import json
from dataclasses import asdict

from blockguide.cache import guide_from_json, guide_to_json
from blockguide.core.fallback import static_guide
from blockguide.core.grounding import ground
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.phrase import outline
from blockguide.core.syntax.source import Source
from blockguide.core.types import Action, ActionKind, Block, BlockKind, Span

SOURCE = ("class Box:\n    def open(self, n):\n        if n:\n            return load(n)\n        return None\n\n"
          "    def close(self):\n        pass\n")


def test_kinds_are_their_strings():
    assert BlockKind.METHOD == "method" and "method" == BlockKind.METHOD
    assert hash(BlockKind.METHOD) == hash("method") and {"method": 1}[BlockKind.METHOD] == 1
    assert f"{BlockKind.CLASS}" == "class" and str(ActionKind.RETURN) == "return"
    block = Block("python", Span(0, 1), "x = 1", "", "statements")
    assert block.kind is BlockKind.STATEMENTS  # a plain string is turned into the enum
    assert Action(0, 0, "call", "calls `f`").kind is ActionKind.CALL


def test_blocks_and_outlines_serialise_as_json():
    src = Source(LANGUAGES["python"], SOURCE)
    block = find_definition(src, "Box.open")
    data = json.loads(json.dumps(asdict(block)))
    assert data["kind"] == "method" and data["name"] == "open"
    assert Block(**{**data, "span": Span(**data["span"]), "existing_docstring": None}) == block
    kinds = [a["kind"] for a in json.loads(json.dumps([asdict(a) for a in outline(src, block)]))]
    assert kinds == ["branch", "return", "return"]


def test_a_guide_built_from_enum_kinds_round_trips_through_the_cache():
    src = Source(LANGUAGES["python"], SOURCE)
    g = ground(find_definition(src, "Box.open"), src, None, None, 0)
    guide = static_guide(g)
    assert guide_from_json(guide_to_json(guide)) == guide
