"""The outline's structure as the steps need it: an action with the actions nested in it, chains of branches."""

from __future__ import annotations

from blockguide.core.facts import Arm
from blockguide.core.types import Action


def _children(flow: list[Action], i: int) -> list[Action]:
    """The actions nested under flow[i] (deeper, until the next action at its depth or shallower)."""
    out = []
    depth = flow[i].depth
    for a in flow[i + 1:]:
        if a.depth <= depth:
            break
        out.append(a)
    return out


def _groups(flow: list[Action]) -> list[tuple[Action, list[Action]]]:
    """Top-level actions with their nested ones; a try's body is lifted to the top (its steps run in order)."""
    out: list[tuple[Action, list[Action]]] = []
    if not flow:
        return out
    base = min(a.depth for a in flow)
    i = 0
    while i < len(flow):
        a = flow[i]
        if a.depth != base:
            i += 1
            continue
        kids = _children(flow, i)
        if a.kind == "try":
            out += _groups([k for k in kids])
        else:
            out.append((a, kids))
        i += 1 + len(kids)
    return out


def _plain_else(a: Action) -> bool:
    """The `else` arm of an if (not a try's or a loop's else)."""
    return a.kind == "else" and isinstance(a.fact, Arm) and a.fact.condition is None


def _arm_of_chain(a: Action) -> bool:
    """A later arm of an if-chain (`elif`, `else if`, `else`)."""
    return a.kind == "else" and isinstance(a.fact, Arm)
