"""tree-sitter: parse documents, snap selections to whole blocks, find guides already inserted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node, Point, Tree

from blockguide.core.languages import Language, parser_for
from blockguide.core.types import Block, Span, text_hash

# Marker lines around an inserted guide (after the comment prefix). ASCII on purpose.
BEGIN_RE = re.compile(r"^-{3} blockguide (?P<hash>[0-9a-f]{8}) \((?P<model>[^()]*)\) -{3}$")
END_LINE = "--- end blockguide ---"
DOCSTRING_TAG_RE = re.compile(r"^blockguide (?P<hash>[0-9a-f]{8}) \((?P<model>[^()]*)\)$")


class Source:
    """One document's text and its syntax tree.

    `update` re-parses incrementally when given the edit, from scratch otherwise.
    """

    def __init__(self, lang: Language, text: str) -> None:
        self.lang = lang
        self._set_text(text)
        self.tree: Tree = parser_for(lang).parse(self.data)

    def _set_text(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.lines = text.split("\n")
        self._guides: list[FoundGuide] | None = None  # find_guides, once per text

    def fork(self) -> "Source":
        """A copy to edit while other threads keep reading this one (trees are edited in place)."""
        new = Source.__new__(Source)
        new.lang, new.text, new.data, new.lines = self.lang, self.text, self.data, self.lines
        new._guides = self._guides
        new.tree = self.tree.copy()
        return new

    def edit(self, changes: list[tuple[int, int, int, int, str]]) -> None:
        """Apply edits and re-parse incrementally: tree-sitter reuses what the edits did not touch.

        Each change is (start_line, start_col, end_line, end_col, new_text), columns in code points,
        applied in order (as LSP's incremental didChange sends them).
        """
        for change in changes:
            self.apply(*change)
        self.reparse()

    def apply(self, start_line: int, start_col: int, end_line: int, end_col: int, new_text: str) -> None:
        """One edit to the text and the tree; call `reparse` after the last one.

        Costs O(1) Python work per keystroke beyond copying the buffers: only the edited lines are split
        and encoded again (a 20k-line document used to be re-encoded and re-split on every key).
        """
        a, a_col, a_point = self._locate(start_line, start_col)
        b, b_col, b_point = self._locate(end_line, end_col)
        if b < a:
            a, b, a_col, b_col, a_point, b_point = b, a, b_col, a_col, b_point, a_point
        if self.text.isascii():  # O(1) in CPython; byte offsets are character offsets
            start_byte, old_end_byte = a, b
        else:
            start_byte = len(self.text[:a].encode("utf-8", "surrogatepass"))
            old_end_byte = start_byte + len(self.text[a:b].encode("utf-8", "surrogatepass"))
        inserted = new_text.encode("utf-8", "surrogatepass")
        rows = new_text.split("\n")
        if len(rows) == 1:
            new_end = Point(a_point.row, a_point.column + len(inserted))
        else:
            new_end = Point(a_point.row + len(rows) - 1, len(rows[-1].encode("utf-8", "surrogatepass")))
        self.tree.edit(start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=start_byte + len(inserted),
                       start_point=a_point, old_end_point=b_point, new_end_point=new_end)
        first, last = a_point.row, b_point.row
        edited = (self.lines[first][:a_col] + new_text + self.lines[last][b_col:]).split("\n")
        self.text = self.text[:a] + new_text + self.text[b:]
        self.data = self.data[:start_byte] + inserted + self.data[old_end_byte:]
        self.lines = self.lines[:first] + edited + self.lines[last + 1:]
        self._guides = None

    def reparse(self) -> None:
        self.tree = parser_for(self.lang).parse(self.data, self.tree)

    def _locate(self, line: int, col: int) -> tuple[int, int, Point]:
        """Character offset, column (code points) and tree-sitter point (byte column) of a line/column,
        clamped to the text."""
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return (len(self.text), len(self.lines[last]),
                    Point(last, len(self.lines[last].encode("utf-8", "surrogatepass"))))
        line = max(0, line)
        offset = sum(map(len, self.lines[:line])) + line
        col = max(0, min(col, len(self.lines[line])))
        return offset + col, col, Point(line, len(self.lines[line][:col].encode("utf-8", "surrogatepass")))

    def line(self, i: int) -> str:
        return self.lines[i].rstrip("\r") if 0 <= i < len(self.lines) else ""

    def line_count(self) -> int:
        return len(self.lines)

    def slice(self, span: Span) -> str:
        return "\n".join(self.line(i) for i in range(span.start, min(span.end, len(self.lines))))

    def has_errors(self) -> bool:
        return self.tree.root_node.has_error


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _last_line(node: Node) -> int:
    """0-based last line a node covers (a node ending at column 0 ends on the line before)."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def _unwrap(lang: Language, node: Node) -> Node:
    """The definition inside a wrapper (decorators, export, template), or the node itself."""
    if node.type in lang.wrappers:
        for child in node.named_children:
            inner = _unwrap(lang, child)
            if _definition_kind(lang, inner):
                return inner
    return node


_NAMESPACES = {"namespace_definition", "mod_item"}  # C++ namespaces and Rust modules hold functions, not methods


def _definition_kind(lang: Language, node: Node) -> str | None:
    if node.type in lang.classes:
        return "class"
    if node.type in lang.functions:
        parent = node.parent
        while parent is not None and parent.type in lang.containers | lang.wrappers:
            parent = parent.parent
        if parent is not None and parent.type in lang.classes and parent.type not in _NAMESPACES:
            return "method"
        return "function"
    if node.type in lang.extra_definitions:
        # `const f = () => {}` / `let f = function () {}`: a definition only when the value is a function.
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            if value is not None and value.type in lang.functions:
                return "function"
    return None


def _definition_name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    if name is None and node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            name = decl.child_by_field_name("name")
            if name is not None:
                break
    if name is None and node.type in ("function_definition",):  # C/C++: the declarator holds the name
        decl = node.child_by_field_name("declarator")
        while decl is not None and decl.child_by_field_name("declarator") is not None:
            decl = decl.child_by_field_name("declarator")
        name = decl
    if name is None and node.type == "type_declaration":  # Go
        spec = next((c for c in node.named_children if c.type == "type_spec"), None)
        name = spec.child_by_field_name("name") if spec is not None else None
    if name is None and node.type == "impl_item":  # Rust
        name = node.child_by_field_name("type")
    if name is None or name.text is None:
        return None
    return name.text.decode("utf-8", "replace")


def _python_docstring(node: Node) -> tuple[int | None, Span | None, str | None]:
    """Where a docstring goes in a Python def/class: (line, existing docstring span, body indent)."""
    body = node.child_by_field_name("body")
    if body is None or body.start_point.row == node.start_point.row:
        return None, None, None  # one-line definition: no room for a docstring
    first = body.named_children[0] if body.named_children else None
    if first is None:
        return None, None, None
    existing = None
    if first.type == "expression_statement" and first.named_children:
        first_value = first.named_children[0]
    else:
        first_value = first
    if first_value.type in ("string", "concatenated_string"):
        existing = Span(first.start_point.row, _last_line(first) + 1)
    return first.start_point.row, existing, None


def make_block(src: Source, nodes: list[Node], kind: str, name: str | None, definition: Node | None) -> Block:
    start = nodes[0].start_point.row
    end = _last_line(nodes[-1]) + 1
    # A decorator or comment may sit on the same line before the node; blocks are whole lines.
    span = Span(start, end)
    text = src.slice(span)
    doc_line = existing = body_indent = None
    if definition is not None and src.lang.key == "python":
        doc_line, existing, _ = _python_docstring(definition)
        if doc_line is not None:
            body_indent = _indent(src.line(doc_line))
    # The hash is of the code: the block's own docstring and the guides nested in it (a documented method
    # of a class) are left out, so that documenting a method does not make its class's guide stale.
    left_out = [existing] if existing is not None else []
    left_out += [g.span for g in find_guides(src) if span.start <= g.span.start and g.span.end <= span.end]
    hashed = text
    if left_out:
        kept = [src.line(i) for i in range(span.start, span.end) if not any(o.start <= i < o.end for o in left_out)]
        hashed = "\n".join(kept)
    return Block(
        language=src.lang.key, span=span, text=text, indent=_indent(src.line(start)), kind=kind, name=name,
        body_indent=body_indent, docstring_line=doc_line, existing_docstring=existing,
        code_hash=text_hash(hashed),
    )


def _first_code_column(line: str) -> int:
    return len(line.encode("utf-8", "surrogatepass")) - len(line.lstrip().encode("utf-8", "surrogatepass"))


def _is_container(lang: Language, node: Node) -> bool:
    return node.parent is None or node.type in lang.containers


def _statement_children(lang: Language, node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment" and not c.type.endswith("comment")]


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
    start = Point(first_line, _first_code_column(src.line(first_line)))
    end_text = src.line(last_line).rstrip()
    end = Point(last_line, len(end_text.encode("utf-8", "surrogatepass")))
    node = src.tree.root_node.descendant_for_point_range(start, end)
    if node is None:
        return None
    # Lowest container that holds the whole selection.
    container = node
    while not _is_container(src.lang, container) or not (
        container.start_point <= start and container.end_point >= end
    ):
        if container.parent is None:
            break
        container = container.parent
    chosen = [
        c for c in _statement_children(src.lang, container)
        if c.start_point.row <= last_line and _last_line(c) >= first_line
    ]
    if not chosen:
        return None
    if len(chosen) == 1:
        inner = _unwrap(src.lang, chosen[0])
        kind = _definition_kind(src.lang, inner)
        if kind is not None:
            return make_block(src, chosen, kind, _definition_name(inner), inner)
    return make_block(src, chosen, "statements", None, None)


def enclosing_definition(src: Source, line: int, column: int = 0) -> Block | None:
    """The innermost function, method or class around a position, with its decorators/exports."""
    if not 0 <= line < src.line_count():
        return None
    text = src.line(line)
    col = min(len(text[:column].encode("utf-8", "surrogatepass")), len(text.encode("utf-8", "surrogatepass")))
    if text.strip() and (not text[column:].strip() or not text[:column].strip()):
        # past the end of the line, or in its indentation: the code on the line is meant (a cursor at
        # column 0 of an indented `def` is on that method, not on its class)
        col = _first_code_column(text)
    node = src.tree.root_node.descendant_for_point_range(Point(line, col), Point(line, col))
    while node is not None:
        kind = _definition_kind(src.lang, node)
        if kind is not None and node.type not in ("arrow_function", "function_expression", "func_literal"):
            outer = node
            while outer.parent is not None and outer.parent.type in src.lang.wrappers:
                outer = outer.parent
            return make_block(src, [outer], kind, _definition_name(node), node)
        if kind is not None and node.parent is not None:
            # an arrow function bound by `const f = () => ...` is documented as its declaration
            decl = node.parent.parent
            if decl is not None and _definition_kind(src.lang, decl):
                outer = decl
                while outer.parent is not None and outer.parent.type in src.lang.wrappers:
                    outer = outer.parent
                return make_block(src, [outer], "function", _definition_name(decl), decl)
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
        Point(line, _first_code_column(text)), Point(line, _first_code_column(text))
    )
    # climb to the statement-level node starting on this line
    while node is not None and node.parent is not None and not _is_container(src.lang, node.parent):
        node = node.parent
    if node is None or node.parent is None:
        return None
    if node.start_point.row != line:
        return None
    inner = _unwrap(src.lang, node)
    kind = _definition_kind(src.lang, inner)
    if kind is None:
        return make_block(src, [node], "statements", None, None)
    return make_block(src, [node], kind, _definition_name(inner), inner)


@dataclass(frozen=True)
class FoundGuide:
    """A guide already in the document."""

    span: Span  # its lines, markers included
    hash: str  # short hash of the block it was written for
    model: str
    style: str  # "comment" or "docstring"
    body: str  # the Markdown inside, comment prefixes removed


def _comment_payload(lang: Language, line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith(lang.comment):
        return None
    payload = stripped[len(lang.comment):]
    return payload[1:] if payload.startswith(" ") else payload


_MARKER = "blockguide "  # in every begin marker and docstring tag: a document without it has no guide
_DOCSTRING_TAG_LINE = re.compile(r"^[^\S\n]*blockguide [0-9a-f]{8} \([^()\n]*\)[^\S\n]*$", re.M)


def _lines_with(src: Source, pattern: re.Pattern | str) -> list[int]:
    """0-based numbers of the lines where `pattern` (a regex, or a plain substring) occurs, ascending."""
    text = src.text
    if isinstance(pattern, str):
        offsets, at = [], text.find(pattern)
        while at >= 0:
            offsets.append(at)
            at = text.find(pattern, at + len(pattern))
    else:
        offsets = [m.start() for m in pattern.finditer(text)]
    out, line, pos = [], 0, 0
    for offset in offsets:
        line += text.count("\n", pos, offset)
        pos = offset
        if not out or out[-1] != line:
            out.append(line)
    return out


def find_guides(src: Source) -> list[FoundGuide]:
    """Every inserted guide: comment guides by their markers, Python docstrings by their tag line.

    Computed once per text (hover, the stale-guide scan and edits all ask) and only around the lines that
    carry a marker: the scan costs a substring search when a document has no guide.
    """
    if src._guides is None:
        src._guides = _find_guides(src) if _MARKER in src.text else []
    return list(src._guides)


def _find_guides(src: Source) -> list[FoundGuide]:
    found: list[FoundGuide] = []
    n = src.line_count()
    i = 0
    for start in _lines_with(src, "--- " + _MARKER):
        if start < i:  # inside the guide found last
            continue
        i = start
        payload = _comment_payload(src.lang, src.line(i))
        match = BEGIN_RE.match(payload.strip()) if payload is not None else None
        if match:
            body: list[str] = []
            j = i + 1
            while j < n:
                inner = _comment_payload(src.lang, src.line(j))
                if inner is None:
                    break
                if inner.strip() == END_LINE:
                    found.append(FoundGuide(Span(i, j + 1), match["hash"], match["model"], "comment",
                                            "\n".join(body)))
                    break
                body.append(inner)
                j += 1
            i = j + 1
    if src.lang.key == "python":
        found.extend(_docstring_guides(src))
    return sorted(found, key=lambda g: g.span.start)


def _docstring_guides(src: Source) -> list[FoundGuide]:
    """Docstrings with a blockguide tag line: from each tag line up to the definition that holds it."""
    out = []
    seen: set[Span] = set()
    for tag_line in _lines_with(src, _DOCSTRING_TAG_LINE):
        text = src.line(tag_line)
        col = _first_code_column(text)
        node = src.tree.root_node.descendant_for_point_range(Point(tag_line, col), Point(tag_line, col))
        while node is not None and node.type not in ("function_definition", "class_definition"):
            node = node.parent
        if node is not None:
            _, existing, _ = _python_docstring(node)
            if existing is not None and existing.start <= tag_line < existing.end and existing not in seen:
                seen.add(existing)
                lines = [src.line(i) for i in range(existing.start, existing.end)]
                tag = next((DOCSTRING_TAG_RE.match(l.strip()) for l in reversed(lines)
                            if DOCSTRING_TAG_RE.match(l.strip())), None)
                if tag:
                    body = "\n".join(lines).strip()
                    body = re.sub(r'^[rRuU]?("""|\'\'\')', "", body)
                    body = re.sub(r'("""|\'\'\')$', "", body)
                    body_lines = [l for l in body.split("\n") if not DOCSTRING_TAG_RE.match(l.strip())]
                    indent = _indent(src.line(existing.start))
                    body_lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body_lines]
                    out.append(FoundGuide(existing, tag["hash"], tag["model"], "docstring",
                                          _unescape_docstring("\n".join(body_lines).strip("\n"))))
    return out


def _unescape_docstring(text: str) -> str:
    return text.replace('\\"\\"\\"', '"""').replace("\\\\", "\\")


def guide_above(src: Source, block: Block) -> FoundGuide | None:
    """A comment guide that ends right above the block (blank lines between are allowed)."""
    line = block.span.start - 1
    while line >= 0 and not src.line(line).strip():
        line -= 1
    for guide in find_guides(src):
        if guide.style == "comment" and guide.span.end - 1 == line:
            return guide
    return None


def docstring_guide(src: Source, block: Block) -> FoundGuide | None:
    if block.existing_docstring is None:
        return None
    for guide in find_guides(src):
        if guide.style == "docstring" and guide.span == block.existing_docstring:
            return guide
    return None


def documented_block(src: Source, guide: FoundGuide) -> Block | None:
    """The block a found guide documents."""
    if guide.style == "comment":
        return block_after(src, guide.span.end)
    # a docstring: the definition around it
    return enclosing_definition(src, guide.span.start, 0)


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
