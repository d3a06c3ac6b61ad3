"""What a method does at its top level, in one line (sets, calls, returns, raises, yields), and the node
searches the outline shares with it: the calls in some statements, whether a kind of node occurs."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.syntax.nodes import (
    CALLS,
    NESTED_FUNCTIONS,
    RAISES,
    RETURNS,
    YIELDS,
    body_of,
    callee,
    code,
    statements,
    text_of,
    unwrap,
)
from blockguide.core.syntax.source import Source


def _skip_docstring(src: Source, stmts: list[Node]) -> list[Node]:
    if src.lang.key == "python" and stmts:
        first = stmts[0]
        if first.type == "expression_statement" and first.named_children:
            first = first.named_children[0]
        if first.type in ("string", "concatenated_string"):
            return stmts[1:]
    return stmts


def _calls_in(src: Source, nodes: list[Node]) -> list[tuple[str, Node]]:
    """Calls inside the nodes, in the order they run (arguments first), not inside nested functions."""
    out: list[tuple[str, Node]] = []

    def visit(node: Node) -> None:
        if node.type in NESTED_FUNCTIONS or node.type in src.lang.functions or node.type in src.lang.classes:
            return
        for child in node.named_children:
            visit(child)
        if node.type in CALLS:
            name = callee(node)
            if name:
                out.append((name, node))

    for n in nodes:
        visit(n)
    return out


def _has(src: Source, nodes: list[Node], types: set[str]) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.type in types:
            return True
        if node.type in NESTED_FUNCTIONS or node.type in src.lang.functions:
            continue
        stack.extend(node.named_children)
    return False


def _found(src: Source, nodes: list[Node], types: set[str]) -> list[Node]:
    """The nodes of these types under the nodes, in code order, not inside nested functions."""
    out, stack = [], list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.type in types:
            out.append(node)
            continue
        if node.type in NESTED_FUNCTIONS or node.type in src.lang.functions:
            continue
        stack.extend(reversed(node.named_children))
    return out


def _method_summary(src: Source, fn: Node) -> str:
    """`sets `self.sep``, `calls `slugify`; returns `...``: what a method does at its top level."""
    parts = []
    body = statements(src, body_of(fn))
    body = _skip_docstring(src, body)
    sets = []
    for stmt in body:
        inner = unwrap(stmt)
        if inner.type in ("assignment", "assignment_expression") and text_of(
                inner.child_by_field_name("left")).startswith(("self.", "this.")):
            sets.append(text_of(inner.child_by_field_name("left")))
    if sets:
        parts.append("sets " + ", ".join(f"`{s}`" for s in sets[:4]))
    raised = [" ".join(text_of(c) for c in n.named_children) for n in _found(src, body, RAISES)]
    raised = list(dict.fromkeys(re.split(r"[(\s]", r.removeprefix("new "))[0] for r in raised if r))
    calls = list(dict.fromkeys(n for n, _ in _calls_in(src, body) if n.removeprefix("new ") not in raised))
    if calls:
        parts.append("calls " + ", ".join(f"`{c}`" for c in calls[:4]))
    returns = [unwrap(s) for s in body if unwrap(s).type in RETURNS and unwrap(s).named_children]
    if returns:
        parts.append("returns " + code(" ".join(text_of(c) for c in returns[-1].named_children), 50))
    else:  # returns only inside branches, loops or cases: how many
        nested = [n for n in _found(src, body, RETURNS) if n.named_children]
        if nested:
            parts.append(f"returns a value in {len(nested)} place{'s' if len(nested) > 1 else ''}")
    if raised:
        verb = "raises" if src.lang.key == "python" else "throws"
        parts.append(f"{verb} " + ", ".join(code(r, 40) for r in raised[:3]))
    if _has(src, body, YIELDS):
        parts.append("yields values")
    return "; ".join(parts)
