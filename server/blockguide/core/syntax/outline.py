"""What a block does, in code order, read from the syntax tree: the facts its Execution Steps must follow.

`read` walks the block's statements (into branches, loops, try/with bodies and cases) and turns each into a
typed record of core.facts: an assignment with its target, operator and value, a call, a branch with its arms,
a loop with its kind and exits, ... each with its lines, its code and the calls it makes in run order. No
English is written here (core.phrase says the facts). One walker serves every language in languages.py:
tree-sitter grammars share most node names (the tables are in syntax.nodes).

core.phrase flattens the facts into `Action`s (one per statement, with its depth) for the guide writer's step
grouping, and renders them as the prompt's text lines.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core import facts as F
from blockguide.core.syntax.dataflow import bindings_in
from blockguide.core.syntax.io_calls import io_kind
from blockguide.core.syntax.nodes import (
    ASSERTS, ASSIGNS, AWAITS, BRANCHES, CALLS, CASES, CATCHES, DEFERS, ELSE_CLAUSES, FINALLYS, IMPORTS, JUMPS,
    LOOPS, RAISES, RETURNS, SKIPPED, SWITCHES, TRIES, WITHS, YIELDS, block_nodes, body_of,
    class_bases, def_name, definition_node, holds_statements, signature_text, statements,
    strip_parens, text_of, unwrap,
)
from blockguide.core.syntax.source import Source
from blockguide.core.syntax.summary import _calls_in, _has, _skip_docstring
from blockguide.core.types import Block, Span


MAX_FACTS = 400  # statements read into facts; past it `Outline.unread` counts the rest (a generated table, ...)


# --- the facts -----------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.count = 0
        self.unread = 0

    # common parts
    def base(self, node: Node, head: list[Node]) -> dict:
        calls = _calls_in(self.src, [h for h in head if h is not None])
        refs = tuple(F.CallRef(name, F.IOKind(k) if (k := io_kind(name.removeprefix("new "))) else None)
                     for name, _ in calls)
        return {"span": Span(node.start_point.row, node.end_point.row + 1), "code": text_of(node),
                "calls": refs, "awaits": _has(self.src, [h for h in head if h is not None], AWAITS)}

    def header(self, node: Node) -> list[Node]:
        """The parts of a compound statement that are not bodies or clauses (its condition, iterable, ...)."""
        return [c for c in node.named_children
                if not holds_statements(self.src, c) and c.type not in ELSE_CLAUSES | CATCHES | FINALLYS | CASES
                | BRANCHES and c.type not in SKIPPED]

    def statements(self, nodes: list[Node]) -> tuple[F.Fact, ...]:
        out = []
        for node in nodes:
            if self.count >= MAX_FACTS:
                self.unread += 1
                continue
            inner = unwrap(node)
            if inner.type == "unsafe_block" and inner.named_children:  # Rust `unsafe { ... }`
                inner = inner.named_children[-1]
            if inner.type in _SCOPES:  # `{ int n = ...; ... }`: a bare block's statements run in place
                out.extend(self.statements(statements(self.src, inner)))
                continue
            if inner.type == "ERROR" or not re.search(r"\w", text_of(inner)):
                continue  # what the parser could not read (a stray `)` or `;`) says nothing
            fact = self.statement(node)
            if fact is not None:
                self.count += 1
                out.append(fact)
        return tuple(out)

    def body(self, node: Node | None) -> tuple[F.Fact, ...]:
        if node is None:
            return ()
        if holds_statements(self.src, node):
            return self.statements(statements(self.src, node))
        if node.type == "expression_statement" and node.named_children and holds_statements(
                self.src, node.named_children[0]):
            return self.body(node.named_children[0])
        return self.statements([node])

    # one statement
    def statement(self, node: Node) -> F.Fact | None:
        src = self.src
        node = unwrap(node)
        t = node.type
        if t in SKIPPED or t.endswith("comment"):
            return None
        if t in ("string", "concatenated_string") and src.lang.key == "python":
            return None  # a string standing alone documents what comes before it (an attribute's docstring)
        if src.lang.key == "rust" and _rust_tail(node):
            # the tail expression of a Rust function's block is its result
            return F.Return(**self.base(node, [node]), value=text_of(node), implicit=True)
        if t in BRANCHES:
            return self.branch(node)
        if t in LOOPS:
            return self.loop(node)
        if t in WITHS:
            return self.with_(node)
        if t in TRIES:
            return self.try_(node)
        if t in SWITCHES:
            return self.switch(node)
        if t in RETURNS:
            value = " ".join(text_of(c) for c in node.named_children)
            return F.Return(**self.base(node, list(node.named_children)), value=value or None)
        if t in RAISES:
            cause = node.child_by_field_name("cause")
            value = " ".join(text_of(c) for c in node.named_children if cause is None or c.id != cause.id)
            return F.Raise(**self.base(node, list(node.named_children)), value=value or None,
                           cause=text_of(cause) if cause is not None else None)
        if t in YIELDS:
            value = " ".join(text_of(c) for c in node.named_children)
            return F.Yield(**self.base(node, list(node.named_children)), value=value or None)
        if t in DEFERS:
            kind = F.DeferKind.DEFER if t == "defer_statement" else F.DeferKind.GO
            call = " ".join(text_of(c) for c in node.named_children)
            return F.Defer(**self.base(node, list(node.named_children)), kind=kind, call=call)
        if t in IMPORTS:
            return F.Import(**self.base(node, []))
        deleted = _deleted(node)
        if deleted:
            return F.Delete(**self.base(node, [node]), targets=deleted, frees=node.type == "delete_expression")
        if t in ASSERTS:
            parts = [c for c in node.named_children if not c.type.endswith("comment")]
            # `assert x is None, "why"` / Java's `assert x : "why"`: the condition, then the message
            return F.Assert(**self.base(node, parts), condition=text_of(parts[0]) if parts else "",
                            message=" ".join(text_of(c) for c in parts[1:]))
        if t in JUMPS or t == "goto_statement":
            return self.jump(node)
        if t in src.lang.functions or t in src.lang.classes:
            return self.define(node)
        if t in ASSIGNS or (t == "declaration" and src.lang.key in ("c", "cpp")):
            return self.assign(node)
        if t in CALLS or t in AWAITS:
            return self.call(node)
        if t in ("preproc_if", "preproc_ifdef"):  # `#if X ... #else ... #endif` in a body: a branch at build time
            arms: list[F.Arm] = []
            self._preproc(node, arms)
            return F.Branch(**self.base(node, []), arms=tuple(arms))
        if t == "explicit_constructor_invocation":  # Java's `super(msg)` / `this(a, b)`
            callee = text_of(node).split("(", 1)[0].strip()
            args = node.child_by_field_name("arguments")
            return F.Call(**self.base(node, [node]), callee=callee,
                          args=tuple(text_of(a) for a in args.named_children) if args is not None else ())
        if t == "try_expression":  # Rust `expr?`
            return F.Expr(**self.base(node, [node]), propagates=True)
        return F.Expr(**self.base(node, [node]))

    def _preproc(self, node: Node, arms: list[F.Arm]) -> None:
        head = text_of(node).split("\n", 1)[0].strip()
        if node.type == "preproc_else":
            condition = None
        elif node.type == "preproc_ifdef":  # the directive as the expression it stands for: `defined(NAME)`
            name = text_of(node.child_by_field_name("name"))
            condition = f"!defined({name})" if head.startswith("#ifndef") else f"defined({name})"
        else:
            condition = text_of(node.child_by_field_name("condition"))
        body = [c for i, c in enumerate(node.children) if c.is_named and node.field_name_for_child(i)
                not in ("condition", "name", "alternative")]
        arms.append(F.Arm(**self.base(node, []), condition=condition, body=self.statements(body)))
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            self._preproc(alternative, arms)

    def call(self, node: Node) -> F.Fact:
        if node.type == "macro_invocation" and "assert" in text_of(node.child_by_field_name("macro")):
            return F.Assert(**self.base(node, [node]), condition=re.sub(r"^[\w:]+!\s*[(\[{]|[)\]}]$", "",
                                                                         text_of(node)).strip())
        awaited = node.type in AWAITS
        inner = node
        if awaited:
            inner = next((c for c in node.named_children if c.type in CALLS), node)
        calls = _calls_in(self.src, [inner])
        callee = calls[-1][0] if calls and calls[-1][1] == inner else (calls[-1][0] if calls else text_of(inner))
        args_node = inner.child_by_field_name("arguments")
        args = tuple(text_of(a) for a in args_node.named_children if not a.type.endswith("comment")) \
            if args_node is not None else ()
        return F.Call(**self.base(node, [node]), callee=callee, args=args, awaited=awaited)

    def jump(self, node: Node) -> F.Fact:
        t = node.type
        kind = F.JumpKind.CONTINUE if "continue" in t else F.JumpKind.GOTO if "goto" in t else F.JumpKind.BREAK
        around = node.parent
        while around is not None and around.type not in LOOPS | SWITCHES:
            around = around.parent
        leaves = kind == F.JumpKind.BREAK and around is not None and around.type in SWITCHES
        return F.Jump(**self.base(node, []), kind=kind, leaves_switch=leaves)

    def define(self, node: Node) -> F.Fact:
        src = self.src
        if node.type in src.lang.classes:
            return F.Define(**self.base(node, []), kind=F.DefineKind.CLASS, name=def_name(node),
                            signature=signature_text(node))
        return F.Define(**self.base(node, []), kind=F.DefineKind.FUNCTION, name=def_name(node),
                        signature=signature_text(node))

    # branches
    def branch(self, node: Node) -> F.Fact:
        arms: list[F.Arm] = []
        self._arms(node, arms)
        return F.Branch(**self.base(node, [node.child_by_field_name("condition")]), arms=tuple(arms))

    def _arms(self, node: Node, arms: list[F.Arm]) -> None:
        cond = node.child_by_field_name("condition")
        arms.append(F.Arm(**self.base(node, [cond]), condition=_cond_text(cond),
                          body=self.body(node.child_by_field_name("consequence"))))
        alternatives = list(node.children_by_field_name("alternative")) or [
            c for c in node.named_children if c.type in ELSE_CLAUSES]
        for alt in alternatives:
            self._alternative(alt, arms)

    def _alternative(self, alt: Node, arms: list[F.Arm]) -> None:
        src = self.src
        if alt.type in BRANCHES:  # Go: `else if` is the if itself
            self._arms(alt, arms)
            return
        if alt.type == "elif_clause":
            cond = alt.child_by_field_name("condition")
            arms.append(F.Arm(**self.base(alt, [cond]), condition=_cond_text(cond),
                              body=self.body(alt.child_by_field_name("consequence"))))
            return
        inner = [c for c in alt.named_children if c.type not in SKIPPED and not c.type.endswith("comment")]
        if len(inner) == 1 and inner[0].type in BRANCHES:  # `else if` in JS, Java, C, Rust
            self._arms(inner[0], arms)
            return
        if alt.type in ELSE_CLAUSES or holds_statements(src, alt):
            body = alt.child_by_field_name("body") or (inner[0] if len(inner) == 1 else None)
            facts = self.body(body) if body is not None else self.statements(inner)
        else:
            facts = self.body(alt)
        arms.append(F.Arm(**self.base(alt, []), condition=None, body=facts))

    # loops
    def loop(self, node: Node) -> F.Fact:
        t = node.type
        body = self.body(node.child_by_field_name("body") or body_of(node))
        kind, var, iterable, cond = _loop_parts(node)
        orelse = next((c for c in node.named_children if c.type in ELSE_CLAUSES), None)
        if orelse is not None:  # Python's for ... else: runs when the loop ends without a break
            body_else = self.body(orelse.child_by_field_name("body") or body_of(orelse))
        else:
            body_else = ()
        exits = tuple(_exits(body, ()))
        del t
        return F.Loop(**self.base(node, self.header(node)), kind=kind, var=var, iterable=iterable,
                      condition=cond, body=body, exits=exits, orelse=body_else)

    # with, try, switch
    def with_(self, node: Node) -> F.Fact:
        clause = next((c for c in node.named_children if c.type == "with_clause"), None)
        items = tuple(text_of(i) for i in clause.named_children) if clause is not None else ()
        targets = tuple(dict.fromkeys(n for n, kind, _ in bindings_in(self.src, clause, include_nested=False)
                                      if kind == "var")) if clause is not None else ()
        return F.With(**self.base(node, self.header(node)), items=items, targets=targets,
                      asynchronous=text_of(node).startswith("async"),
                      body=self.body(node.child_by_field_name("body") or body_of(node)))

    def try_(self, node: Node) -> F.Fact:
        src = self.src
        resources = node.child_by_field_name("resources")
        body = self.body(node.child_by_field_name("body") or body_of(node))
        handlers: list[F.Handler] = []
        orelse: tuple[F.Fact, ...] = ()
        final: tuple[F.Fact, ...] = ()
        for child in node.named_children:
            if child.type in CATCHES:
                what = strip_parens(" ".join(text_of(c) for c in child.named_children
                                             if not holds_statements(src, c) and c.type not in SKIPPED))
                exc, name = _exception_parts(what)
                handlers.append(F.Handler(**self.base(child, []), exceptions=exc, name=name,
                                          body=self.body(child.child_by_field_name("body") or body_of(child))))
            elif child.type in FINALLYS:
                final = self.body(child.child_by_field_name("body") or body_of(child) or child)
            elif child.type in ELSE_CLAUSES:
                orelse = self.body(child.child_by_field_name("body") or body_of(child))
        return F.Try(**self.base(node, [resources] if resources is not None else []), body=body,
                     handlers=tuple(handlers), orelse=orelse, final=final,
                     resources=strip_parens(text_of(resources)) if resources is not None else None)

    def switch(self, node: Node) -> F.Fact:
        src = self.src
        subject_node = next((node.child_by_field_name(f) for f in ("subject", "value", "condition")
                             if node.child_by_field_name(f) is not None), None)
        subject = strip_parens(text_of(subject_node)) if subject_node is not None else None
        if subject is None and node.type == "type_switch_statement":
            subject = strip_parens(" ".join(text_of(c) for c in self.header(node))) or None
        cases: list[F.Case] = []
        for child in node.named_children:
            if child.type in CASES:
                cases.append(self.case(child))
            elif holds_statements(src, child):
                for case in child.named_children:
                    if case.type in CASES:
                        cases.append(self.case(case))
        return F.Switch(**self.base(node, self.header(node)), subject=subject or None, cases=tuple(cases),
                        is_match="match" in node.type)

    def case(self, case: Node) -> F.Case:
        src = self.src
        header_fields = {"pattern", "label"} if case.type == "match_arm" else {"value", "pattern", "label"}
        head: list[Node] = []
        body: list[Node] = []
        for i, child in enumerate(case.children):
            if not child.is_named or child.type in SKIPPED or child.type.endswith("comment"):
                continue
            field = case.field_name_for_child(i)
            if field in header_fields and not (case.type == "match_arm" and field == "value") or child.type in (
                    "case_pattern", "switch_label", "match_pattern", "expression_list") and not body:
                head.append(child)
            elif holds_statements(src, child):
                body.extend(statements(src, child))
            else:
                body.append(child)
        labels: list[str] = []
        default = case.type in ("switch_default", "default_case") or not head
        for h in head:
            parts = _case_labels(h)
            if parts == ["default"] or parts == ["_"]:
                default = True
            else:
                labels += parts
        guard = case.child_by_field_name("guard")
        if guard is not None:
            labels = [f"{' | '.join(labels) or '_'} if {text_of(guard)}"]
        facts = self.statements(body)
        return F.Case(**self.base(case, []), labels=tuple(labels), default=default and not labels, body=facts,
                      falls_through=not facts and case.type in _FALLING_CASES)

    # assignments
    def assign(self, node: Node) -> F.Fact:
        src = self.src
        t = node.type
        value_nodes = _values(node)
        value = " ".join(text_of(v) for v in value_nodes) or None
        declared = t in ("lexical_declaration", "variable_declaration", "short_var_declaration", "var_declaration",
                         "const_declaration", "let_declaration", "local_variable_declaration", "declaration",
                         "const_item", "static_item", "field_declaration")
        left = node.child_by_field_name("left")
        if t in ("inc_statement", "dec_statement", "update_expression"):
            operand = node.child_by_field_name("argument") or (node.named_children[0] if node.named_children else
                                                               node)
            op = F.Op.INC if "++" in text_of(node) else F.Op.DEC
            return F.Assign(**self.base(node, [node]), targets=(text_of(operand),), op=op)
        if t == "short_var_declaration" or t == "named_expression":
            op = F.Op.WALRUS
            targets = _left_names(left if left is not None else node.child_by_field_name("name"))
        elif left is not None:
            op = F.Op.of(_operator(node))
            targets = _left_names(left)
        else:
            op = F.Op.SET if value is not None else F.Op.DECLARE
            targets = _declared_names(src, node)
        if op == F.Op.SET and value is None and declared:
            op = F.Op.DECLARE
        values = _paired_values(node, targets, value_nodes)
        destructured = not values and (len(targets) > 1 or any(
            n.type in ("tuple_pattern", "object_pattern", "array_pattern", "pattern_list", "tuple",
                       "list_pattern", "expression_list") and len(n.named_children) > 1
            for n in ([left] if left is not None else []) + [
                c.child_by_field_name("name") or c.child_by_field_name("pattern") or c
                for c in node.named_children]))
        return F.Assign(**self.base(node, value_nodes or [node]), targets=targets, op=op, value=value,
                        values=values, declared=declared or op == F.Op.WALRUS and t == "short_var_declaration",
                        destructured=destructured)


def _paired_values(node: Node, targets: tuple[str, ...], value_nodes: list[Node]) -> tuple[str | None, ...]:
    """One value per target when each has its own: `int a = 1, b;`, `a, b = 1, 2`, `x, y := f(), 2`."""
    if len(targets) < 2:
        return ()
    declarators = [c for c in node.named_children if c.type in ("variable_declarator", "init_declarator")
                   or (c.type in ("identifier", "pointer_declarator", "array_declarator")
                       and node.field_name_for_child(node.children.index(c)) == "declarator")]
    if len(declarators) == len(targets):
        return tuple((text_of(v) if (v := d.child_by_field_name("value")) is not None else None)
                     for d in declarators)
    # Go's `var ( a = x; b = y )`: one spec per name, each with its own value
    specs = [c for c in node.named_children if c.type in ("var_spec", "const_spec")]
    specs += [s for c in node.named_children if c.type == "var_spec_list" for s in c.named_children
              if s.type == "var_spec"]
    if len(specs) == len(targets) and all(len(s.children_by_field_name("name")) == 1 for s in specs):
        return tuple(" ".join(text_of(v) for v in s.children_by_field_name("value")) or None for s in specs)
    if len(value_nodes) == 1 and value_nodes[0].type in ("expression_list", "pattern_list", "tuple") and \
            len(value_nodes[0].named_children) == len(targets):
        return tuple(text_of(v) for v in value_nodes[0].named_children)
    return ()


_SCOPES = {"compound_statement", "statement_block", "block"}
_FALLING_CASES = {"switch_case", "switch_default", "case_statement", "switch_block_statement_group"}


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    if op is not None:
        return text_of(op)
    left = node.child_by_field_name("left")
    for child in node.children:
        if not child.is_named and child.type.endswith("=") and (left is None or child.start_byte >= left.end_byte):
            return child.type
    return "="


def _left_names(left: Node | None) -> tuple[str, ...]:
    if left is None:
        return ()
    if left.type in ("expression_list", "pattern_list", "tuple_pattern", "tuple", "list_pattern", "array_pattern",
                     "object_pattern"):
        return tuple(text_of(c) for c in left.named_children if not c.type.endswith("comment"))
    return (text_of(left),)


def _declared_names(src: Source, node: Node) -> tuple[str, ...]:
    """The names a declaration declares, in order (`int a = 1, *b;` → a, b; `let (x, y) = ...` → x, y)."""
    names = [n for n, kind, _ in bindings_in(src, node, include_nested=False) if kind == "var"]
    if not names:
        name = node.child_by_field_name("name") or node.child_by_field_name("pattern")
        if name is not None:
            names = [text_of(name)]
    return tuple(dict.fromkeys(names))


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


def _cond_text(node: Node | None) -> str:
    return strip_parens(text_of(node)) if node is not None else ""


def _exception_parts(what: str) -> tuple[str | None, str | None]:
    """`ValueError as e` → (ValueError, e); `IOException e` → (IOException, e); `(e)` → (None, e)."""
    what = re.sub(r"^(?:final\s+|const\s+)+", "", what.strip())  # Java's `final IOException e`, C++'s `const E& e`
    if not what:
        return None, None
    m = re.fullmatch(r"(.+?)\s+as\s+(\w+)", what)
    if m:
        return m.group(1), m.group(2)
    m = re.fullmatch(r"(.*[\w>\]|])\s+(\w+)", what)  # Java/C++/C#: `IOException | X e`
    if m and not re.search(r"[(=]", what):
        return m.group(1), m.group(2)
    if re.fullmatch(r"\w+", what) and what[:1].islower():  # JS `catch (e)`
        return None, what
    return what, None


def _case_labels(head: Node) -> list[str]:
    """The values one case header lists (`case 1, 2:`, `1 | 2 =>`, `case A, B ->`)."""
    node = head
    while node.type in ("match_pattern", "case_pattern", "switch_label") and len(node.named_children) == 1:
        node = node.named_children[0]
    if node.type in ("or_pattern", "expression_list", "union_pattern"):
        parts = []
        for c in node.named_children:
            parts += _case_labels(c)
        return parts
    if node.type in ("switch_label",) and node.named_children:
        return [text_of(c) for c in node.named_children]
    text = text_of(node).strip().rstrip(":").strip()
    text = re.sub(r"^(case|default)\b\s*", lambda m: "default" if m.group(1) == "default" else "", text).strip()
    return [text or "default"]


_ENDLESS = {"1", "true", "True", "!0", "TRUE"}


def _loop_parts(node: Node) -> tuple[F.LoopKind, str | None, str | None, str | None]:
    """(kind, variable, iterable, condition) of a loop node."""
    t = node.type

    def field(*names: str) -> str:
        for name in names:
            child = node.child_by_field_name(name)
            if child is not None:
                return strip_parens(text_of(child))
        return ""

    if t == "loop_expression":
        return F.LoopKind.ENDLESS, None, None, None
    if t in ("while_statement", "while_expression"):
        cond = field("condition")
        return (F.LoopKind.ENDLESS if cond in _ENDLESS else F.LoopKind.WHILE), None, None, cond or None
    if t == "do_statement":
        cond = field("condition")
        return (F.LoopKind.ENDLESS if cond in _ENDLESS else F.LoopKind.DO_WHILE), None, None, cond or None
    if t == "for_statement":
        rng = next((c for c in node.named_children if c.type == "range_clause"), None)
        if rng is not None:  # Go: for k, v := range xs
            left = rng.child_by_field_name("left")
            right = rng.child_by_field_name("right")
            return F.LoopKind.FOR_EACH, text_of(left) or None, text_of(right), None
        clause = next((c for c in node.named_children if c.type == "for_clause"), None)
        if clause is not None:  # Go: for i := 0; i < n; i++
            cond = text_of(clause.child_by_field_name("condition"))
            init = clause.child_by_field_name("initializer")
            var = _init_var(init)
            return (F.LoopKind.C_FOR if cond else F.LoopKind.ENDLESS), var, None, cond or None
        left, right = field("left"), field("right")
        if left and right:  # Python: for x in xs
            return F.LoopKind.FOR_EACH, left, right, None
        init = node.child_by_field_name("initializer") or node.child_by_field_name("init")
        cond_node = node.child_by_field_name("condition")
        cond = "" if cond_node is None or cond_node.type == "empty_statement" else strip_parens(text_of(cond_node))
        cond = cond.rstrip(";").strip()
        has_c_parts = init is not None or node.child_by_field_name("update") is not None or \
            node.child_by_field_name("increment") is not None or cond_node is not None
        if not has_c_parts and node.child_by_field_name("body") is not None and src_is_go(node):
            # Go: `for cond {` (a while) or `for {` (endless)
            cond = " ".join(text_of(c) for c in node.named_children if c.type not in ("block",)
                            and not c.type.endswith("comment"))
        if not cond or cond in _ENDLESS:
            return F.LoopKind.ENDLESS, _init_var(init), None, None
        if not has_c_parts:
            return F.LoopKind.WHILE, None, None, cond
        return F.LoopKind.C_FOR, _init_var(init), None, cond
    if t in ("for_in_statement", "for_expression", "enhanced_for_statement", "for_range_loop"):
        var = field("left", "pattern", "name", "declarator")
        iterable = field("right", "value")
        return F.LoopKind.FOR_EACH, var or None, iterable or None, None
    return F.LoopKind.WHILE, None, None, field("condition") or None


def src_is_go(node: Node) -> bool:
    return node.child_by_field_name("body") is not None and node.child_by_field_name("body").type == "block" and \
        not any(c.type in ("(", ";") for c in node.children)


def _init_var(init: Node | None) -> str | None:
    """The variable a C-style for loop sets up (`int i = 0`, `i := 0`, `let i = 0`)."""
    if init is None or init.type == "empty_statement":
        return None
    m = re.match(r"\s*(?:(?:let|var|const|auto|int|size_t|unsigned|long|char|Py_ssize_t|[\w:<>]+)\s+)*\**"
                 r"([A-Za-z_]\w*)\s*(?::=|=)", text_of(init))
    return m.group(1) if m else None


def _exits(body: tuple[F.Fact, ...], when: tuple[str, ...]) -> list[F.Exit]:
    """The breaks (not a nested loop's or switch's), returns and raises under a loop body, with the conditions
    they sit under."""
    out: list[F.Exit] = []
    for f in body:
        if isinstance(f, (F.Return, F.Raise)) or (isinstance(f, F.Jump) and f.kind == F.JumpKind.BREAK
                                                  and not f.leaves_switch) or (
                isinstance(f, F.Expr) and f.propagates):
            out.append(F.Exit(span=f.span, code=f.code, fact=f, when=when))
        elif isinstance(f, F.Branch):
            negated: tuple[str, ...] = ()
            for arm in f.arms:
                cond = (arm.condition,) if arm.condition is not None else negated
                out += _exits(arm.body, when + cond)
        elif isinstance(f, F.Loop):  # its breaks stay inside it; its returns leave this loop too
            out += [e for e in _exits(f.body, when) if not isinstance(e.fact, F.Jump)]
        elif isinstance(f, F.Switch):
            for case in f.cases:
                label = (f"{f.subject} is {' or '.join(case.labels)}",) if f.subject and case.labels else ()
                out += [e for e in _exits(case.body, when + label)
                        if not (isinstance(e.fact, F.Jump) and e.fact.leaves_switch)]
        elif isinstance(f, F.Try):
            out += _exits(f.body, when)
            for h in f.handlers:
                out += _exits(h.body, when)
            out += _exits(f.orelse + f.final, when)
        elif isinstance(f, F.With):
            out += _exits(f.body, when)
    return out


def _rust_tail(node: Node) -> bool:
    parent = node.parent
    return (parent is not None and parent.type == "block" and node.type not in ("let_declaration",)
            and not node.type.endswith(("_item", "_statement")) and parent.named_children[-1] == node
            and node.type not in BRANCHES | LOOPS | SWITCHES and parent.parent is not None
            and parent.parent.type == "function_item")


def read(src: Source, block: Block) -> F.Outline:
    """The block's facts in code order (a class block: its members; a function: its body's statements)."""
    reader = _Reader(src)
    definition = definition_node(src, block)
    if definition is not None and definition.type in src.lang.classes:
        return F.Outline(_class_members(reader, definition), name=def_name(definition),
                         extends=tuple(class_bases(definition)))
    if definition is not None:
        body = body_of(definition)
        if body is not None and not holds_statements(src, body):  # `(a, b) => a + b`
            facts: tuple[F.Fact, ...] = (F.Return(**reader.base(body, [body]), value=text_of(body), implicit=True),)
        else:
            facts = reader.statements(_skip_docstring(src, statements(src, body)))
    else:
        facts = reader.statements(list(block_nodes(src, block)))
    return F.Outline(facts, unread=reader.unread)


def _class_members(reader: _Reader, node: Node) -> tuple[F.Fact, ...]:
    """A class's methods (each with its body's facts), nested types and fields."""
    src = reader.src
    out: list[F.Fact] = []
    for member in statements(src, body_of(node)):
        inner = unwrap(member)
        if inner.type in src.lang.functions:
            body = reader.statements(_skip_docstring(src, statements(src, body_of(inner)))) \
                if body_of(inner) is not None and holds_statements(src, body_of(inner)) else ()
            out.append(F.Define(**reader.base(inner, [body_of(inner) or inner]), kind=F.DefineKind.METHOD,
                                name=def_name(inner), signature=signature_text(inner), members=body))
        elif inner.type in src.lang.classes:
            out.append(F.Define(**reader.base(inner, []), kind=F.DefineKind.CLASS, name=def_name(inner),
                                signature=signature_text(inner)))
        elif inner.type in ASSIGNS or inner.type in ("field_definition", "public_field_definition",
                                                     "property_declaration", "field_declaration"):
            fact = reader.assign(inner)
            if isinstance(fact, F.Assign) and not fact.targets and def_name(inner):
                fact = F.Assign(span=fact.span, code=fact.code, calls=fact.calls, targets=(def_name(inner),),
                                op=fact.op, value=fact.value, declared=True)
            out.append(fact)
    return tuple(out)


def _deleted(node: Node) -> tuple[str, ...]:
    """What a deleting statement deletes: Python's `del a, b[k]`, JavaScript's `delete obj.key`, C++'s
    `delete p` / `delete[] p`; () for any other statement."""
    if node.type == "delete_statement":
        parts = node.named_children
        if len(parts) == 1 and parts[0].type == "expression_list":
            parts = parts[0].named_children
        return tuple(text_of(p) for p in parts if not p.type.endswith("comment"))
    if node.type == "unary_expression" and node.children and node.children[0].type == "delete":
        return tuple(text_of(p) for p in node.named_children[-1:])
    if node.type == "delete_expression":
        return tuple(text_of(p) for p in node.named_children[-1:])
    return ()
