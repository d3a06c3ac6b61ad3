"""Blocks: snap a selection to whole statements or one definition, find the definition around a position or
after a line, list a document's definitions, and find a block's text again after edits."""

from __future__ import annotations

import re

from tree_sitter import Node, Point

from blockguide.core.languages import Language
from blockguide.core.syntax.markers import FoundGuide, find_guides
from blockguide.core.syntax.nodes import (
    assigned_function, class_of_member, declared_class, first_code_column, in_function_body, indent_of, innermost_declarator, is_container,
    last_row, macro_prefix, misread_function, python_docstring, statement_children, text_of,
)
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, BlockKind, Span, text_hash


def _unwrap(lang: Language, node: Node) -> Node:
    """The definition inside a wrapper (decorators, export, template, a C/C++ declaration that defines a
    class), or the node itself."""
    if lang.key in ("c", "cpp") and declared_class(lang, node) is not None:
        return declared_class(lang, node)
    if node.type in lang.wrappers:
        for child in node.named_children:
            inner = _unwrap(lang, child)
            if _definition_kind(lang, inner):
                return inner
    return node


_NAMESPACES = {"namespace_definition", "mod_item"}  # C++ namespaces and Rust modules hold functions, not methods


def _definition_kind(lang: Language, node: Node) -> BlockKind | None:
    if node.type in lang.classes:
        return BlockKind.CLASS
    if node.type in lang.functions:
        if lang.key in ("c", "cpp") and node.type == "function_definition" and (
                misread_function(node) or in_function_body(node)):
            # C/C++ have no functions inside a body: a macro statement misread (`Py_BEGIN_ALLOW_THREADS if (x) {`)
            # is none, but the functions in the "body" of a misread one (`NS_BEGIN namespace internal {`) are
            return None
        if lang.key == "cpp" and node.type == "function_definition" and _defines_a_member(node):
            return BlockKind.METHOD  # `Text::size() const {...}`, outside its class
        if node.type == "method_declaration" and lang.key in ("go", "java"):
            # Go: `func (r *Route) Name()`, a receiver's method; Java has no functions outside a class (an enum
            # constant's body or an anonymous class holds methods too)
            return BlockKind.METHOD
        parent = node.parent
        while parent is not None and parent.type in lang.containers | lang.wrappers:
            parent = parent.parent
        if parent is not None and parent.type in lang.classes and parent.type not in _NAMESPACES:
            return BlockKind.METHOD
        if lang.key == "cpp" and class_of_member(node) is not None:  # in `NS_BEGIN\nclass X {`, misread
            return BlockKind.METHOD
        return BlockKind.FUNCTION
    if node.type == "expression_statement" and assigned_function(lang, node) is not None:
        # `obj.send = function (name) {}`, `X.prototype.m = function () {}`, `exports.f = () => {}`
        target = assigned_function(lang, node)[0]
        return BlockKind.METHOD if ".prototype." in text_of(target) else BlockKind.FUNCTION
    if node.type in lang.extra_definitions:
        # `const f = () => {}` / `let f = function () {}`: a definition only when the value is a function.
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            while value is not None and value.type == "assignment_expression":  # `a = b = function`
                value = value.child_by_field_name("right")
            if value is not None and value.type in lang.functions:
                return BlockKind.FUNCTION
    return None


def _defines_a_member(node: Node) -> bool:
    """A C++ definition of a qualified name whose scope is a class, not a namespace: the file neither opens
    nor uses a namespace of that name (`namespace text {`, `using namespace text;`)."""
    name = innermost_declarator(node)
    if name is None or name.type != "qualified_identifier":
        return False
    scope = name.child_by_field_name("scope")
    last = re.sub(r"<.*", "", text_of(scope)).rsplit("::", 1)[-1].strip() if scope is not None else ""
    if not last:
        return False
    root = node
    while root.parent is not None:
        root = root.parent
    text = text_of(root)
    return re.search(rf"\bnamespace\s+(\w+::)*{re.escape(last)}\b", text) is None


def _definition_name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    if name is None and node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            name = decl.child_by_field_name("name")
            if name is not None:
                break
    if name is None and node.type in ("function_definition",):  # C/C++: the declarator holds the name
        name = innermost_declarator(node)
    if name is None and node.type == "type_declaration":  # Go
        spec = next((c for c in node.named_children if c.type == "type_spec"), None)
        name = spec.child_by_field_name("name") if spec is not None else None
    if name is None and node.type == "impl_item":  # Rust
        name = node.child_by_field_name("type")
    if name is None and node.type == "expression_statement":  # `obj.send = function ...`: the property
        target = node.named_children[0].child_by_field_name("left") if node.named_children else None
        name = target.child_by_field_name("property") if target is not None else None
    if name is None or name.text is None:
        return None
    return name.text.decode("utf-8", "replace")


def make_block(src: Source, nodes: list[Node], kind: BlockKind | str, name: str | None, definition: Node | None) -> Block:
    start = nodes[0].start_point.row
    end = last_row(nodes[-1]) + 1
    # A decorator or comment may sit on the same line before the node; blocks are whole lines.
    span = Span(start, end)
    text = src.slice(span)
    doc_line = existing = body_indent = None
    if definition is not None and src.lang.key == "python":
        doc_line, existing, _ = python_docstring(definition)
        if doc_line is not None:
            body_indent = indent_of(src.line(doc_line))
    # The hash is of the code: the block's own docstring and the guides nested in it (a documented method
    # of a class) are left out, so that documenting a method does not make its class's guide stale.
    left_out = [existing] if existing is not None else []
    left_out += [g.span for g in find_guides(src) if span.start <= g.span.start and g.span.end <= span.end]
    hashed = text
    if left_out:
        kept = [src.line(i) for i in range(span.start, span.end) if not any(o.start <= i < o.end for o in left_out)]
        hashed = "\n".join(kept)
    return Block(
        language=src.lang.key, span=span, text=text, indent=indent_of(src.line(start)), kind=kind, name=name,
        body_indent=body_indent, docstring_line=doc_line, existing_docstring=existing,
        code_hash=text_hash(hashed),
    )


def snap(src: Source, first_line: int, last_line: int) -> Block | None:
    """Snap lines first_line..last_line (0-based, inclusive) to whole statements or one definition.

    Returns None when the lines hold no code (blank lines, comments only).
    """
    n = src.line_count()
    first_line = max(0, min(first_line, n - 1))
    last_line = max(first_line, min(last_line, n - 1))
    # Trim blank lines at both ends of the selection.
    while first_line < last_line and not src.line(first_line).strip():
        first_line += 1
    while last_line > first_line and not src.line(last_line).strip():
        last_line -= 1
    if not src.line(first_line).strip():
        return None
    start = Point(first_line, first_code_column(src.line(first_line)))
    end_text = src.line(last_line).rstrip()
    end = Point(last_line, len(end_text.encode("utf-8", "surrogatepass")))
    node = src.tree.root_node.descendant_for_point_range(start, end)
    if node is None:
        return None
    method = _object_method(node, first_line, last_line)
    if method is not None:  # `{ get(state, prop) {...} }`: a method of an object literal, selected whole
        return make_block(src, [method], BlockKind.METHOD, _definition_name(method), method)
    # Lowest container that holds the whole selection.
    container = node
    while not is_container(src.lang, container) or not (
        container.start_point <= start and container.end_point >= end
    ):
        if container.parent is None:
            break
        container = container.parent
    # a bare block `{ ... }` selected whole, braces and all, is a statement of the block around it
    parent = container.parent
    if parent is not None and is_container(src.lang, parent) and container.start_point.row >= first_line and \
            last_row(container) <= last_line and any(c.id == container.id for c in statement_children(src.lang, parent)):
        container = parent
    chosen = [
        c for c in statement_children(src.lang, container)
        if c.start_point.row <= last_line and last_row(c) >= first_line
    ]
    # a stray bracket the parser could not read (`})` closing a macro's parenthesis) is nothing selected
    chosen = [c for c in chosen if c.type != "ERROR" or re.search(r"\w", text_of(c))] or chosen
    if not chosen:
        return None
    if len(chosen) == 2 and macro_prefix(chosen[0], chosen[1]):  # `MACRO MACRO int\nf(...) {`: the function
        kind = _definition_kind(src.lang, chosen[1])
        if kind is not None:  # with the macros' lines when they are selected (a misread before it is not)
            nodes = chosen if chosen[0].start_point.row >= first_line else chosen[1:]
            return make_block(src, nodes, kind, _definition_name(chosen[1]), chosen[1])
    if len(chosen) == 1:
        inner = _unwrap(src.lang, chosen[0])
        kind = _definition_kind(src.lang, inner)
        if kind is not None:
            return make_block(src, chosen, kind, _definition_name(inner), inner)
    return make_block(src, chosen, BlockKind.STATEMENTS, None, None)


def _object_method(node: Node, first_line: int, last_line: int) -> Node | None:
    """The named method of a JavaScript/TypeScript object literal whose lines the selection spans exactly."""
    while node is not None and node.type not in ("method_definition", "object"):
        node = node.parent
    if node is not None and node.type == "object":  # the selection ends past the method (its comma)
        node = next((c for c in node.named_children if c.type == "method_definition"
                     and c.start_point.row == first_line), None)
    if node is None or node.parent is None or node.parent.type != "object":
        return None
    if node.start_point.row != first_line or last_row(node) != last_line:
        return None
    return node if node.child_by_field_name("name") is not None else None


def enclosing_definition(src: Source, line: int, column: int = 0) -> Block | None:
    """The innermost function, method or class around a position, with its decorators/exports."""
    if not 0 <= line < src.line_count():
        return None
    text = src.line(line)
    col = min(len(text[:column].encode("utf-8", "surrogatepass")), len(text.encode("utf-8", "surrogatepass")))
    if text.strip() and (not text[column:].strip() or not text[:column].strip()):
        # past the end of the line, or in its indentation: the code on the line is meant (a cursor at
        # column 0 of an indented `def` is on that method, not on its class)
        col = first_code_column(text)
    node = src.tree.root_node.descendant_for_point_range(Point(line, col), Point(line, col))
    found = _definition_from(src, node)
    return found[0] if found is not None else None


def definition_around(src: Source, block: Block) -> Block | None:
    """The innermost named function, method or class that holds a run of statements and starts before them
    (not one the statements themselves define, not an anonymous callback they sit in)."""
    col = first_code_column(src.line(block.span.start))
    node = src.tree.root_node.descendant_for_point_range(Point(block.span.start, col), Point(block.span.start, col))
    while node is not None:
        found = _definition_from(src, node)
        if found is None:
            return None
        definition, at = found
        if definition.name and definition.span.start < block.span.start:
            return definition
        node = at.parent
    return None


_FIELDS = ("public_field_definition", "field_definition", "pair")  # class fields (TypeScript's, JavaScript's),
# an object literal's properties


def _definition_from(src: Source, node):
    """(the innermost definition at or above `node`, the node it was found at), or None."""
    while node is not None:
        kind = _definition_kind(src.lang, node)
        if kind is not None and node.type not in ("arrow_function", "function_expression", "func_literal"):
            outer = node
            while outer.parent is not None and outer.parent.type in src.lang.wrappers:
                outer = outer.parent
            return make_block(src, [outer], kind, _definition_name(node), node), node
        field = node.parent if kind is not None else None
        if field is not None and field.type in _FIELDS and field.child_by_field_name("value") == node:
            # a class field holding a function (`setOptions = (opts) => {...}`), or an object literal's
            # (`{ createColumn: (column) => {...} }`): a method of its class or object
            name = field.child_by_field_name("name") or field.child_by_field_name("property") or \
                field.child_by_field_name("key")
            if name is not None and name.type in ("property_identifier", "identifier"):
                return make_block(src, [field], BlockKind.METHOD, text_of(name), field), node
        if kind is not None and node.parent is not None:
            # an arrow function bound by `const f = () => ...` is documented as its declaration (through a
            # chain of assignments: `var proto = module.exports = function () {...}`)
            up = node.parent
            while up.parent is not None and up.type == "assignment_expression" and \
                    up.parent.type in ("assignment_expression", "variable_declarator"):
                up = up.parent
            decl = up.parent if up.type == "variable_declarator" and up != node.parent else node.parent.parent
            decl_kind = _definition_kind(src.lang, decl) if decl is not None else None
            if decl_kind is not None:
                outer = decl
                while outer.parent is not None and outer.parent.type in src.lang.wrappers:
                    outer = outer.parent
                kind = decl_kind if decl.type == "expression_statement" else BlockKind.FUNCTION
                return make_block(src, [outer], kind, _definition_name(decl), decl), node
        node = node.parent
    return None


def block_after(src: Source, line: int) -> Block | None:
    """The block that starts at `line` (the first code line at or after it): what a guide above documents."""
    n = src.line_count()
    while line < n and not src.line(line).strip():
        line += 1
    if line >= n:
        return None
    text = src.line(line)
    node = src.tree.root_node.descendant_for_point_range(
        Point(line, first_code_column(text)), Point(line, first_code_column(text))
    )
    # climb to the statement-level node starting on this line
    while node is not None and node.parent is not None and not is_container(src.lang, node.parent):
        node = node.parent
    if node is None or node.parent is None:
        return None
    if node.start_point.row != line:
        return None
    inner = _unwrap(src.lang, node)
    kind = _definition_kind(src.lang, inner)
    if kind is None:
        return make_block(src, [node], BlockKind.STATEMENTS, None, None)
    return make_block(src, [node], kind, _definition_name(inner), inner)


MAX_GUIDED_STATEMENTS = 200  # how far a statements guide is followed to find the run it was written for


def documented_block(src: Source, guide: FoundGuide) -> Block | None:
    """The block a found guide documents: the definition or statement below a comment guide (for a guide
    written for a run of statements, the run whose hash the marker names, when the code is unchanged), the
    definition around a docstring guide."""
    if guide.style != "comment":
        return enclosing_definition(src, guide.span.start, 0)
    first = block_after(src, guide.span.end)
    if first is None or first.kind != BlockKind.STATEMENTS or first.short_hash == guide.hash:
        return first
    run = first
    for _ in range(MAX_GUIDED_STATEMENTS):
        following = block_after(src, run.span.end)
        if following is None or following.kind != BlockKind.STATEMENTS or following.indent != first.indent:
            break
        run = snap(src, first.span.start, following.span.end - 1)
        if run is None or run.kind != BlockKind.STATEMENTS:
            break
        if run.short_hash == guide.hash:
            return run
    return first  # changed since: the statement below is what the guide is stale for


def locate(src: Source, block_text: str, near: int) -> Span | None:
    """Find a block's text again in a changed document, closest to where it was."""
    want = [l.rstrip() for l in block_text.split("\n")]
    n, k = src.line_count(), len(want)
    hits = [
        i for i in range(0, n - k + 1)
        if src.line(i).rstrip() == want[0] and all(src.line(i + j).rstrip() == want[j] for j in range(k))
    ]
    if not hits:
        return None
    best = min(hits, key=lambda i: abs(i - near))
    return Span(best, best + k)


# --- listing definitions ---------------------------------------------------------------------------------
def definitions(src: Source, nested: bool = False) -> list[Block]:
    """The document's functions and classes and the methods of its classes, in file order, as blocks (with
    their decorators, `export` or `template <...>`); one per start line.

    Definitions are looked for among the statements of containers (the module, class bodies, blocks,
    namespaces, Rust `impl`s and modules). A function's body is left alone unless `nested` is true: then
    the functions defined inside functions are listed too.
    """
    found: dict[int, Block] = {}
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        if not is_container(src.lang, node):
            stack.extend(node.named_children)
            continue
        for child in node.named_children:
            if "comment" in child.type:
                continue
            inner = _unwrap(src.lang, child)
            kind = _definition_kind(src.lang, inner)
            if kind is None:
                stack.append(child)
                continue
            row = child.start_point.row
            if row not in found:
                found[row] = make_block(src, [child], kind, _definition_name(inner), inner)
            if kind == BlockKind.CLASS or nested:
                stack.append(inner)
    return [found[row] for row in sorted(found)]


def owner_name(src: Source, block: Block) -> str | None:
    """The class a method is defined in: its class (or Rust `impl` type), a Go method's receiver type, or
    the `Owner` of a C++ `Owner::name` defined outside its class."""
    node = _definition_at(src, block)
    if node is None:
        return None
    if node.type == "method_declaration" and src.lang.key == "go":
        receiver = node.child_by_field_name("receiver")
        types = [c for c in receiver.named_children if c.type == "parameter_declaration"] if receiver else []
        kind = types[0].child_by_field_name("type") if types else None
        text = kind.text.decode("utf-8", "replace") if kind is not None and kind.text else ""
        return re.sub(r"\[.*\]$", "", text.lstrip("*")) or None
    assigned = assigned_function(src.lang, node)
    if assigned is not None:  # `obj.send = function`: `obj`; `X.prototype.m = function`: `X`
        obj = assigned[0].child_by_field_name("object")
        return property_owner(obj)
    name = _definition_name(node) or ""
    if "::" in name:
        return name.rsplit("::", 1)[0].split("::")[-1] or None
    if src.lang.key == "cpp" and class_of_member(node) is not None:
        return class_of_member(node)
    parent = node.parent
    while parent is not None and not (parent.type in src.lang.classes and parent.type not in _NAMESPACES):
        parent = parent.parent
    if parent is None:
        return None
    owner = _definition_name(parent)
    return re.sub(r"<.*", "", owner, flags=re.S).strip() if owner else None


def is_constructor(src: Source, block: Block) -> bool:
    """The block is a class's constructor: Python's `__init__`/`__new__`, JavaScript's `constructor`, a Java or
    C++ method named as its class (`Foo::Foo` defined outside it too)."""
    if block.kind not in ("method", "function") or not block.name:
        return False
    parts = re.split(r"::|\.", block.name)
    if block.kind == "method" and parts[-1] in ("__init__", "__new__", "constructor"):
        return True
    if block.language not in ("java", "cpp"):
        return False
    if len(parts) >= 2 and parts[-1] == re.sub(r"<.*", "", parts[-2]):
        return True
    return block.kind == "method" and parts[-1] == (owner_name(src, block) or "").split("::")[-1]


def property_owner(obj: Node | None) -> str | None:
    """The object a function is assigned to as a property, as written: `app` for `app.send = ...`, `Foo` for
    `Foo.prototype.bar = ...`, `module.exports` for `module.exports.f = ...`."""
    text = text_of(obj)
    return re.sub(r"\.prototype$", "", text) or None


def _definition_at(src: Source, block: Block) -> Node | None:
    """The definition node a definition block starts with (inside its wrappers)."""
    if block.kind == BlockKind.STATEMENTS:
        return None
    line = src.line(block.span.start)
    node = src.tree.root_node.descendant_for_point_range(
        Point(block.span.start, first_code_column(line)), Point(block.span.start, first_code_column(line)))
    while node is not None and node.parent is not None and not is_container(src.lang, node.parent):
        node = node.parent
    if node is None:
        return None
    inner = _unwrap(src.lang, node)
    return inner if _definition_kind(src.lang, inner) is not None else None


def find_definition(src: Source, dotted: str) -> Block | None:
    """The definition called `name` or `Owner.name` (the first one in the file, nested ones included); a
    C++ `Owner::name` defined outside its class counts as a method of `Owner`."""
    parts = dotted.split(".")
    want, owner = parts[-1], (parts[-2] if len(parts) > 1 else None)
    for block in definitions(src, nested=True):
        name = block.name or ""
        if name != want and not name.endswith("::" + want):
            continue
        if owner is None or owner_name(src, block) == owner:
            return block
    return None
