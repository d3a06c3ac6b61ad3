"""What a block does, in code order, read from the syntax tree: the facts its Execution Steps must follow.

`outline` walks the block's statements (into branches, loops, try/with bodies and cases, a few levels deep)
and turns each into an `Action`: its kind, a one-line description with real names in backticks, the calls
it makes in the order they run, the file or network I/O among them, awaits and the names it binds.
`describe` turns the actions into the prompt's text lines. One walker serves every language in
languages.py: tree-sitter grammars share most node names (the tables are in syntax.nodes).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from blockguide.core.syntax.dataflow import bindings_in
from blockguide.core.syntax.io_calls import io_kind
from blockguide.core.syntax.nodes import (
    ASSERTS, ASSIGNS, AWAITS, BRANCHES, CALLS, CASES, CATCHES, DEFERS, ELSE_CLAUSES, FINALLYS, IMPORTS, JUMPS,
    LOOPS, RAISES, RETURNS, SKIPPED, SWITCHES, TRIES, WITHS, YIELDS, block_nodes, body_of,
    class_bases, code, def_name, definition_node, holds_statements, short, signature_text, statements,
    strip_parens, text_of, unwrap,
)
from blockguide.core.syntax.source import Source
from blockguide.core.syntax.summary import _calls_in, _has, _method_summary, _skip_docstring
from blockguide.core.types import Action, Block


MAX_ACTIONS = 40


MAX_DEPTH = 4


# --- the outline -------------------------------------------------------------------------------------------
@dataclass
class _Walk:
    src: Source
    actions: list[Action]
    truncated: int = 0

    def add(self, action: Action) -> bool:
        if len(self.actions) >= MAX_ACTIONS:
            self.truncated += 1
            return False
        self.actions.append(action)
        return True


def outline(src: Source, block: Block) -> list[Action]:
    """The block's actions in code order."""
    walk = _Walk(src, [])
    definition = definition_node(src, block)
    if definition is not None and definition.type in src.lang.classes:
        _class_outline(walk, definition)
    elif definition is not None:
        body = body_of(definition)
        if body is not None and not holds_statements(src, body):  # `(a, b) => a + b`
            walk.add(_action(src, body, 0, "return", f"returns {code(text_of(body))}", head=[body]))
        else:
            _statements(walk, _skip_docstring(src, statements(src, body)), 0)
    else:
        _statements(walk, [n for n in block_nodes(src, block)], 0)
    if walk.truncated:
        last = walk.actions[-1]
        walk.actions.append(Action(last.line, 0, "statement", f"... and {walk.truncated} more statements"))
    return walk.actions


def describe(actions: list[Action]) -> list[str]:
    """The outline as text lines for the prompt: `line N: <indent>what it does (calls ...)`."""
    lines = []
    for a in actions:
        extra = []
        called = [c for c in a.calls if c not in a.text] if a.kind != "define" else []
        if called:
            extra.append("calls " + ", ".join(f"`{c}`" for c in called[:6]))
        for io in a.io:
            extra.append(io.replace(": ", " I/O: `", 1) + "`")
        if a.awaits and "await" not in a.text:
            extra.append("awaits")
        lines.append(f"line {a.line + 1}: {'  ' * a.depth}{a.text}" + (f" ({'; '.join(extra)})" if extra else ""))
    return lines


def _statements(walk: _Walk, stmts: list[Node], depth: int) -> None:
    for node in stmts:
        if len(walk.actions) >= MAX_ACTIONS:
            walk.truncated += 1
            continue
        _statement(walk, node, depth)


def _action(src: Source, node: Node, depth: int, kind: str, text: str, head: list[Node],
            targets: tuple[str, ...] = ()) -> Action:
    calls = _calls_in(src, head)
    names = tuple(dict.fromkeys(name for name, _ in calls))
    io = tuple(dict.fromkeys(f"{k}: {name}" for name in names if (k := io_kind(name.removeprefix("new ")))))
    return Action(line=node.start_point.row, depth=depth, kind=kind, text=text, calls=names, io=io,
                  awaits=_has(src, head, AWAITS), targets=targets)


def _header(node: Node, src: Source) -> list[Node]:
    """The parts of a compound statement that are not bodies or clauses (its condition, iterable, ...)."""
    return [c for c in node.named_children
            if not holds_statements(src, c) and c.type not in ELSE_CLAUSES | CATCHES | FINALLYS | CASES | BRANCHES
            and c.type not in SKIPPED]


def _field_text(node: Node, *names: str) -> str:
    for name in names:
        child = node.child_by_field_name(name)
        if child is not None:
            return strip_parens(text_of(child))
    return ""


def _statement(walk: _Walk, node: Node, depth: int) -> None:
    src = walk.src
    node = unwrap(node)
    t = node.type
    if t in SKIPPED or t.endswith("comment"):
        return
    if src.lang.key == "rust" and _rust_tail(node):
        # the tail expression of a Rust block is its value: the function's result at the top level
        verb = "returns" if depth == 0 else "evaluates to"
        walk.add(_action(src, node, depth, "return", f"{verb} {code(text_of(node))}", head=[node]))
        return
    if t in BRANCHES:
        _branch(walk, node, depth, "if")
    elif t in LOOPS:
        walk.add(_action(src, node, depth, "loop", _loop_text(node), head=_header(node, src)))
        _bodies(walk, node, depth)
    elif t in WITHS:
        items = short(text_of(node.child_by_field_name("with_clause")
                              or next((c for c in node.named_children if c.type == "with_clause"), node)), 80)
        kw = "async with" if text_of(node).startswith("async") else "with"
        clause = [c for c in node.named_children if c.type == "with_clause"]
        targets = tuple(t for c in clause for t in _targets(src, c))
        walk.add(_action(src, node, depth, "with", f"{kw} {code(items)} (context manager):",
                         head=_header(node, src), targets=targets))
        _bodies(walk, node, depth)
    elif t in TRIES:
        resources = node.child_by_field_name("resources")
        text = f"try with resources {code(strip_parens(text_of(resources)))}:" if resources is not None else "try:"
        walk.add(_action(src, node, depth, "with" if resources is not None else "try", text,
                         head=[resources] if resources is not None else []))
        _bodies(walk, node, depth)
    elif t in SWITCHES:
        subject = _field_text(node, "subject", "value", "condition") or short(" ".join(
            text_of(c) for c in _header(node, src)))
        walk.add(_action(src, node, depth, "switch", f"{'match' if 'match' in t else 'switch'} on {code(subject)}:",
                         head=_header(node, src)))
        _bodies(walk, node, depth)
    elif t in RETURNS:
        value = " ".join(text_of(c) for c in node.named_children)
        walk.add(_action(src, node, depth, "return", f"returns {code(value)}" if value else "returns",
                         head=list(node.named_children)))
    elif t in RAISES:
        value = " ".join(text_of(c) for c in node.named_children)
        verb = "raises" if src.lang.key == "python" else "throws"
        walk.add(_action(src, node, depth, "raise", f"{verb} {code(value)}" if value else f"re-{verb}",
                         head=list(node.named_children)))
    elif t in YIELDS:
        value = " ".join(text_of(c) for c in node.named_children)
        walk.add(_action(src, node, depth, "yield", f"yields {code(value)}" if value else "yields",
                         head=list(node.named_children)))
    elif t in DEFERS:
        verb = "defers" if t == "defer_statement" else "starts a goroutine running"
        value = " ".join(text_of(c) for c in node.named_children)
        walk.add(_action(src, node, depth, "defer", f"{verb} {code(value)}", head=list(node.named_children)))
    elif t in IMPORTS:
        walk.add(Action(node.start_point.row, depth, "import", f"imports {code(text_of(node))}"))
    elif t in ASSERTS:
        value = " ".join(text_of(c) for c in node.named_children)
        walk.add(_action(src, node, depth, "check", f"asserts {code(value)}", head=list(node.named_children)))
    elif t in JUMPS:
        around = node.parent
        while around is not None and around.type not in LOOPS | SWITCHES:
            around = around.parent
        word = ("continues with the next iteration" if "continue" in t else
                "leaves the switch" if around is not None and around.type in SWITCHES else "breaks out of the loop")
        walk.add(Action(node.start_point.row, depth, "jump", word))
    elif t in src.lang.functions or t in src.lang.classes:
        kind = "class" if t in src.lang.classes else "function"
        walk.add(Action(node.start_point.row, depth, "define",
                        f"defines the {kind} {code(signature_text(node), 60)}",
                        targets=(def_name(node),) if def_name(node) else ()))
    elif t in ASSIGNS or (t == "declaration" and src.lang.key in ("c", "cpp")):
        _assignment(walk, node, depth)
    elif t in CALLS or t in AWAITS:
        kw = "awaits" if t in AWAITS else "calls"
        walk.add(_action(src, node, depth, "call", f"{kw} {code(text_of(node))}", head=[node]))
    elif t in ("try_expression",):  # Rust `expr?`
        walk.add(_action(src, node, depth, "call", f"evaluates {code(text_of(node))} and returns early on an error",
                         head=[node]))
    else:
        walk.add(_action(src, node, depth, "statement", code(text_of(node)), head=[node]))


def _rust_tail(node: Node) -> bool:
    parent = node.parent
    return (parent is not None and parent.type == "block" and node.type not in ("let_declaration",)
            and not node.type.endswith(("_item", "_statement")) and parent.named_children[-1] == node
            and node.type not in BRANCHES | LOOPS | SWITCHES and parent.parent is not None
            and parent.parent.type == "function_item")


def _branch(walk: _Walk, node: Node, depth: int, word: str) -> None:
    src = walk.src
    cond = _field_text(node, "condition")
    walk.add(_action(src, node, depth, "branch" if word == "if" else "else", f"{word} {code(cond)}:",
                     head=[c for c in [node.child_by_field_name("condition")] if c is not None]))
    consequence = node.child_by_field_name("consequence")
    _body(walk, consequence, depth + 1)
    alternatives = [c for c in node.children_by_field_name("alternative")]
    if not alternatives:
        alternatives = [c for c in node.named_children if c.type in ELSE_CLAUSES]
    for alt in alternatives:
        _alternative(walk, alt, depth)


def _alternative(walk: _Walk, alt: Node, depth: int) -> None:
    src = walk.src
    if alt.type in BRANCHES:  # Go: `else if` is the if itself
        _branch(walk, alt, depth, "else if")
        return
    if alt.type == "elif_clause":
        cond = _field_text(alt, "condition")
        walk.add(_action(src, alt, depth, "else", f"elif {code(cond)}:",
                         head=[c for c in [alt.child_by_field_name("condition")] if c is not None]))
        _body(walk, alt.child_by_field_name("consequence"), depth + 1)
        return
    inner = [c for c in alt.named_children if c.type not in SKIPPED]
    if len(inner) == 1 and inner[0].type in BRANCHES:  # `else if` in JS, Java, C, Rust
        _branch(walk, inner[0], depth, "else if")
        return
    if alt.type in BRANCHES | ELSE_CLAUSES or holds_statements(src, alt):
        walk.add(Action(alt.start_point.row, depth, "else", "else:"))
        body = alt.child_by_field_name("body") or (inner[0] if len(inner) == 1 else None)
        _body(walk, body if body is not None else alt, depth + 1)
        return
    walk.add(Action(alt.start_point.row, depth, "else", "else:"))
    _body(walk, alt, depth + 1)


def _body(walk: _Walk, node: Node | None, depth: int) -> None:
    if node is None or depth > MAX_DEPTH:
        return
    if holds_statements(walk.src, node):
        _statements(walk, statements(walk.src, node), depth)
    else:
        _statement(walk, node, depth)


def _bodies(walk: _Walk, node: Node, depth: int) -> None:
    """The bodies and clauses of a loop, with, try or switch, in order."""
    src = walk.src
    for child in node.named_children:
        if child.type in CATCHES:
            what = " ".join(text_of(c) for c in child.named_children if not holds_statements(src, c)
                            and c.type not in SKIPPED)
            what = strip_parens(what)
            word = "except" if src.lang.key == "python" else "catch"
            walk.add(Action(child.start_point.row, depth, "except", f"{word} {code(what)}:" if what else f"{word}:"))
            _body(walk, child.child_by_field_name("body") or body_of(child), depth + 1)
        elif child.type in FINALLYS:
            walk.add(Action(child.start_point.row, depth, "finally", "finally:"))
            _body(walk, child.child_by_field_name("body") or body_of(child) or child, depth + 1)
        elif child.type in ELSE_CLAUSES:  # Python's for/while/try ... else
            walk.add(Action(child.start_point.row, depth, "else", "else (no exception / loop finished):"))
            _body(walk, child.child_by_field_name("body") or body_of(child), depth + 1)
        elif child.type in CASES:
            _case(walk, child, depth + 1)
        elif holds_statements(src, child):
            if any(c.type in CASES for c in child.named_children):
                for case in child.named_children:
                    if case.type in CASES:
                        _case(walk, case, depth + 1)
            else:
                _body(walk, child, depth + 1)


def _case(walk: _Walk, case: Node, depth: int) -> None:
    src = walk.src
    header_fields = {"pattern", "label"} if case.type == "match_arm" else {"value", "pattern", "label"}
    head: list[Node] = []
    body: list[Node] = []
    for i, child in enumerate(case.children):
        if not child.is_named or child.type in SKIPPED:
            continue
        field = case.field_name_for_child(i)
        if field in header_fields or child.type in ("case_pattern", "switch_label", "match_pattern",
                                                    "expression_list") and not body:
            head.append(child)
        elif holds_statements(src, child):
            body.extend(statements(src, child))
        else:
            body.append(child)
    label = " ".join(text_of(h) for h in head) if head else "default"
    walk.add(Action(case.start_point.row, depth, "case", f"case {code(label)}:"))
    if depth + 1 <= MAX_DEPTH:
        _statements(walk, body, depth + 1)


def _loop_text(node: Node) -> str:
    t = node.type
    if t in ("while_statement", "while_expression", "do_statement"):
        return f"while {code(_field_text(node, 'condition'))}:" if t != "do_statement" else \
            f"do ... while {code(_field_text(node, 'condition'))}:"
    if t == "loop_expression":
        return "loops until a `break`:"
    left = _field_text(node, "left", "pattern", "name", "declarator")
    right = _field_text(node, "right", "value")
    if t == "for_statement":
        rng = next((c for c in node.named_children if c.type == "range_clause"), None)
        if rng is not None:  # Go
            return f"for each {code(_field_text(rng, 'left') or '_')} in {code(_field_text(rng, 'right'))}:"
        cond = _field_text(node, "condition") or next(
            (text_of(c) for c in node.named_children if c.type == "for_clause"), "")
        if not left and not right:
            if node.child_by_field_name("body") is not None and cond:
                return f"loops while {code(cond)}:"
            return "loops:"
    if left and right:
        return f"for each {code(left)} in {code(right)}:"
    return f"loops: {code(text_of(node).split(chr(10))[0])}"


def _assignment(walk: _Walk, node: Node, depth: int) -> None:
    src = walk.src
    targets = _targets(src, node)
    value_nodes = _values(node)
    value = " ".join(text_of(v) for v in value_nodes)
    names = ", ".join(f"`{t}`" for t in targets) if targets else code(text_of(node).split("=")[0])
    if node.type in ("augmented_assignment", "augmented_assignment_expression", "compound_assignment_expr"):
        op = text_of(node.child_by_field_name("operator")) or "op="
        text = f"updates {names} with {code(op + ' ' + value)}"
    elif node.type in ("inc_statement", "dec_statement", "update_expression"):
        operand = text_of(node).replace("++", "").replace("--", "").strip()
        text = f"{'increments' if '++' in text_of(node) else 'decrements'} {code(operand)}"
    elif value:
        text = f"sets {names} to {code(value)}"
    else:
        text = f"declares {names}"
    walk.add(_action(src, node, depth, "assign", text, head=value_nodes or [node], targets=targets))


def _values(node: Node) -> list[Node]:
    """The right-hand sides of an assignment or declaration."""
    out = []
    for name in ("right", "value"):
        for child in node.children_by_field_name(name):
            out.append(child)
    if out:
        return out
    for child in node.named_children:  # declarators hold the values
        if child.type in ("variable_declarator", "init_declarator", "var_spec", "const_spec"):
            out.extend(child.children_by_field_name("value"))
        elif child.type in ("var_spec_list",):
            out.extend(_values(child))
    return out


def _targets(src: Source, node: Node) -> tuple[str, ...]:
    names = [n for n, kind, _ in bindings_in(src, node, include_nested=False) if kind == "var"]
    return tuple(dict.fromkeys(names))


def _class_outline(walk: _Walk, node: Node) -> None:
    """A class: what it extends, its fields and its methods (each with what it calls and returns)."""
    src = walk.src
    bases = class_bases(node)
    name = def_name(node)
    if bases:
        walk.add(Action(node.start_point.row, 0, "class",
                        f"class {code(name)} extends {', '.join(code(b) for b in bases)}"))
    body = body_of(node)
    for member in statements(src, body):
        inner = unwrap(member)
        if inner.type in src.lang.functions:
            summary = _method_summary(src, inner)
            walk.add(Action(inner.start_point.row, 0, "define",
                            f"method {code(signature_text(inner), 60)}" + (f": {summary}" if summary else ""),
                            calls=tuple(dict.fromkeys(n for n, _ in _calls_in(src, [body_of(inner) or inner]))),
                            awaits=_has(src, [body_of(inner) or inner], AWAITS),
                            targets=(def_name(inner),)))
        elif inner.type in src.lang.classes:
            walk.add(Action(inner.start_point.row, 0, "define", f"nested type {code(def_name(inner))}",
                            targets=(def_name(inner),)))
        elif inner.type in ASSIGNS or inner.type in ("field_definition", "public_field_definition",
                                                     "property_declaration", "field_declaration"):
            targets = _targets(src, inner) or ((def_name(inner),) if def_name(inner) else ())
            walk.add(_action(src, inner, 0, "assign", f"field {code(text_of(inner), 60)}", head=_values(inner),
                             targets=targets))
        elif inner.type == "expression_statement" or (inner.type == "string" and src.lang.key == "python"):
            continue


