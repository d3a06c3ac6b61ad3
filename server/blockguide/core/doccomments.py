"""The author's documentation of a definition, read once for every convention: `DocComment`.

Where it is: a Python docstring (the string first in the body), else the comment right above the definition
(no blank line between; decorators, annotations and Rust attributes are looked past): `/** */` with or
without a leading `*` on each line, `/*! */`, `/* */`, runs of `///`, `//!` or `//` (Go, C, C++, JavaScript,
TypeScript, Rust, Java) and runs of `#` above Python code. A guide blockguide wrote above the block is never
the author's documentation.

What it says: `parse` turns the comment's text into a `DocComment` — the summary (the first sentence, whole),
the body without its sections and tags, the parameters, what it returns and raises, its examples. Sections
and tags of every convention are read: reST fields (`:param x:`, `:returns:`, `:raises E:`), Google sections
(`Args:`, `Returns:`, `Raises:`, `Examples:`), NumPy sections (a title underlined with dashes), JSDoc and
Javadoc block tags (`@param`, `@returns`, `@throws`, `@example`) and Doxygen's (`@brief`, `\\param`, ...),
Rust's Markdown sections (`# Examples`, `# Errors`, `# Panics`). Inline markup becomes Markdown: Javadoc and
JSDoc inline tags (`{@link X}` -> X, `{@link X#m label}` -> label, `{@code x}` -> `x`), reST literals and roles,
Markdown and rustdoc links (their text), HTML tags and entities.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from blockguide.core.languages import for_file
from blockguide.core.syntax.markers import find_guides
from blockguide.core.syntax.nodes import definition_node, macro_prefix
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, DocComment, Span

SUMMARY_MAX = 320  # characters: a longer first sentence is cut at a clause boundary, or not used


# --- finding the comment ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RawComment:
    """A comment as written (its markers included) and the lines it covers."""

    text: str
    span: Span


_DIRECTIVE = re.compile(
    r"^(//\s*(go:|\+build|nolint|eslint|prettier|istanbul|@ts-|tslint|jshint|jscs|c8 |NOLINT|clang-format|"
    r"#region|#endregion|region\b|endregion\b)|#\s*(type:|noqa|pylint|pragma|fmt:|isort:|mypy:|pyright:|-\*-|!)|"
    r"/\*\s*(eslint|global|jshint|istanbul|c8|prettier|webpackChunkName)\b)", re.I)


_BANNER = re.compile(r"\b(copyright|licensed|license:|@license|spdx-license-identifier)\b|\(c\)\s*\d{4}", re.I)


def comment_above(src: Source, node: Node | None = None, line: int | None = None) -> RawComment | None:
    """The comment that documents the definition starting at `node` (its wrappers included) or at `line`:
    the comment lines right above it, or None. Rust attributes (`#[...]`) between the comment and the
    definition are looked past; a blockguide guide, a license banner separated by a blank line, and tool
    directives (`//go:build`, `# noqa`, `/* eslint ... */`) are not documentation."""
    if node is not None:
        outer = node
        while outer.parent is not None and outer.parent.type in src.lang.wrappers:
            outer = outer.parent
        line = outer.start_point.row
        before = src.data[:outer.start_byte].decode("utf-8", "replace").split("\n")[-1]
        if before.strip():  # `export function f` wrapped oddly, or code before it on its line
            return None
    if line is None:
        return None
    guides = [g.span for g in find_guides(src)]
    hash_comments = src.lang.comment == "#"
    i = line - 1
    while i >= 0 and src.lang.key == "rust" and src.line(i).strip().startswith("#["):
        i -= 1  # attributes between the documentation and the item
    if i < 0 or any(g.start <= i < g.end for g in guides):
        return None
    if not src.line(i).strip() and not hash_comments and i > 0 and src.line(i - 1).strip().endswith("*/"):
        i -= 1  # a `/** ... */` block one blank line above (express's style) still documents what follows
        loose = True
    else:
        loose = False
    last = i
    text = src.line(i).strip()
    if not hash_comments and text.endswith("*/"):
        while i >= 0 and "/*" not in src.line(i):
            i -= 1
        if i < 0:
            return None
        opening = src.line(i)
        if opening[:opening.index("/*")].strip():  # a comment trailing code on its line
            return None
        if loose and not opening.lstrip().startswith(("/**", "/*!")):
            return None  # a plain comment a blank line apart is not the definition's documentation
        span = Span(i, last + 1)
        raw = "\n".join(src.line(j) for j in range(span.start, span.end))
        if _DIRECTIVE.match(raw.strip()) or (loose and _BANNER.search(raw)):
            return None  # a tool's directive; a file's license banner a blank line above its first function
        return RawComment(raw, span)
    prefix = "#" if hash_comments else "//"
    lines: list[int] = []
    while i >= 0:
        text = src.line(i).strip()
        if not text.startswith(prefix) or any(g.start <= i < g.end for g in guides):
            break
        if _DIRECTIVE.match(text) or (hash_comments and text.startswith("#!")):
            if lines:
                break
            i -= 1  # a directive right above the definition (`//go:generate`, `# noqa`): look past it
            continue
        lines.insert(0, i)
        i -= 1
    if not lines:
        return None
    span = Span(lines[0], lines[-1] + 1)
    return RawComment("\n".join(src.line(j) for j in range(span.start, span.end)), span)


def python_docstring_text(src: Source, node: Node | None) -> RawComment | None:
    """A Python definition's docstring (the string literal first in its body), as written."""
    if node is None:
        return None
    body = node.child_by_field_name("body")
    first = body.named_children[0] if body is not None and body.named_children else None
    if first is None:
        return None
    value = first.named_children[0] if first.type == "expression_statement" and first.named_children else first
    if value.type not in ("string", "concatenated_string"):
        return None
    text = value.text.decode("utf-8", "replace") if value.text else ""
    return RawComment(text, Span(value.start_point.row, value.end_point.row + 1))


def read(src: Source, node: Node | None, line: int | None = None) -> DocComment | None:
    """The documentation of the definition `node` (or of the block starting at `line`): a Python
    docstring, else the comment above it; None when it has none."""
    raw = python_docstring_text(src, node) if src.lang.key == "python" else None
    raw = raw or comment_above(src, node if line is None else None, line)
    if raw is None:
        return None
    doc = parse(raw.text, src.lang.key, raw.span)
    return doc if doc.summary or doc.body or doc.params or doc.returns or doc.examples else None


def for_block(src: Source, block: Block) -> DocComment | None:
    """A definition block's own documentation (a run of statements has none)."""
    if block.kind == "statements":
        return None
    return read(src, definition_node(src, block), block.span.start)


# --- a C/C++ definition's comment on its declaration in a header --------------------------------------------
_DECLARATIONS = {"declaration", "field_declaration", "function_definition"}
MAX_HEADER_BYTES = 2_000_000


def declared_doc(headers: list[Path], name: str, owner: str | None = None) -> DocComment | None:
    """The documentation on the declaration of `name` (`Owner::name`, or `name` in class `owner`) in the
    first of these headers that declares it with a comment: where C and C++ projects document a function
    whose definition, in the .c/.cc file, has none."""
    if "::" in name:
        owner, name = name.rsplit("::", 1)[0].split("::")[-1], name.rsplit("::", 1)[1]
    for header in headers:
        try:
            if header.stat().st_size > MAX_HEADER_BYTES:
                continue
            text = header.read_text("utf-8", errors="replace")
        except OSError:
            continue
        if not re.search(rf"\b{re.escape(name)}\s*\(", text):
            continue
        lang = for_file(header, text)
        if lang is None:
            continue
        src = Source(lang, text)
        for node in _declarations_of(src.tree.root_node, name):
            cls = _class_of(node)
            if cls != owner and not (owner is not None and cls is None and node.type == "function_definition"):
                continue  # a method of another class, or a free function's namesake in a class
            doc = read(src, node)
            if doc is not None and doc.summary:
                return doc
    return None


def _declarations_of(root: Node, name: str):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in _DECLARATIONS:
            decl = node.child_by_field_name("declarator")
            while decl is not None and decl.type != "function_declarator":
                decl = decl.child_by_field_name("declarator") or (
                    decl.named_children[0] if decl.type == "reference_declarator" and decl.named_children else None)
            inner = decl.child_by_field_name("declarator") if decl is not None else None
            if inner is not None and inner.text is not None:
                said = inner.text.decode("utf-8", "replace")
                if said == name or said.endswith("::" + name):
                    yield node
            if node.type != "function_definition":
                continue
        kids = node.named_children
        for prefix, statement in zip(kids, kids[1:]):
            if _called(statement) == name and macro_prefix(prefix, statement, ("expression_statement",)):
                yield prefix  # `EXPORT BOOL Name(Reader* r);`: macros read as a declaration, then a "call"
        stack.extend(reversed(kids))


def _called(node: Node) -> str | None:
    """The function an expression statement calls (`Name(Reader* r);`), else None."""
    call = node.named_children[0] if node.type == "expression_statement" and node.named_children else None
    fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    return fn.text.decode("utf-8", "replace") if fn is not None and fn.text is not None else None


def _class_of(node: Node) -> str | None:
    parent = node.parent
    while parent is not None and parent.type not in ("class_specifier", "struct_specifier"):
        parent = parent.parent
    name = parent.child_by_field_name("name") if parent is not None else None
    return re.sub(r"<.*$", "", name.text.decode("utf-8", "replace")) if name is not None and name.text else None


# --- reading it ---------------------------------------------------------------------------------------------
def strip_markers(text: str, language: str = "") -> str:
    """The comment's words without its markers: quotes of a docstring, `/**`, `*/`, leading `*`, `///`, `//!`,
    `//`, `#`; indentation common to the lines removed."""
    text = text.replace("\r\n", "\n").strip()
    m = re.match(r'^[rRuUbBfF]{0,2}("""|\'\'\'|"|\')(.*)\1$', text, re.S)
    if m:  # a Python string literal
        return _dedent(m.group(2).split("\n"))
    if text.startswith("/*"):
        text = re.sub(r"^/\*[*!]?", "", text)
        text = re.sub(r"\*+/$", "", text)
        lines = text.split("\n")
        starred = [l for l in lines[1:] if l.strip()]
        if starred and all(l.lstrip().startswith("*") for l in starred):
            lines = [lines[0]] + [re.sub(r"^\s*\*(?!/) ?", "", l) for l in lines[1:]]
        return _dedent(lines)
    out = []
    for line in text.split("\n"):
        line = line.strip()
        line = re.sub(r"^(///?[!<]?|#+(?=\s|$)|#)", "", line, count=1)
        out.append(line[1:] if line.startswith(" ") else line)
    return _dedent(out)


def _dedent(lines: list[str]) -> str:
    lines = [l.rstrip() for l in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    # a docstring's first line starts right after the quotes: the others' common indent is the one to remove
    rest = [l for l in lines[1:] if l.strip()]
    common = min((len(l) - len(l.lstrip()) for l in rest), default=0)
    return "\n".join([lines[0].strip()] + [l[common:] for l in lines[1:]])


# section titles: Google (`Args:`), NumPy (underlined), Rust/Markdown (`# Examples`)
_SECTIONS = {
    "args": "params", "arguments": "params", "parameters": "params", "params": "params", "param": "params",
    "keyword args": "params", "keyword arguments": "params", "other parameters": "params", "kwargs": "params",
    "returns": "returns", "return": "returns", "yields": "returns", "yield": "returns",
    "raises": "raises", "raise": "raises", "throws": "raises", "exceptions": "raises", "errors": "raises",
    "panics": "raises", "examples": "examples", "example": "examples", "usage": "examples",
    "notes": "other", "note": "other", "see also": "other", "references": "other", "warnings": "other",
    "warning": "other", "attributes": "other", "methods": "other", "todo": "other", "safety": "other",
    "deprecated": "other", "version added": "other", "since": "other", "type parameters": "other",
}
_SECTION_LINE = re.compile(r"^(?:#{1,4}\s*)?([A-Z][A-Za-z ]{1,24}?)\s*:?\s*$")


def _section_title(line: str, next_line: str) -> str | None:
    """The section a line opens (`Args:`, `Parameters` over `----------`, `# Examples`), or None."""
    stripped = line.strip()
    m = _SECTION_LINE.match(stripped)
    if not m:
        return None
    key = m.group(1).strip().lower()
    if key not in _SECTIONS:
        return None
    underlined = bool(re.fullmatch(r"\s*[-=~^]{3,}\s*", next_line))
    if stripped.endswith(":") or underlined or stripped.startswith("#"):
        return _SECTIONS[key]
    return None


_TAG = re.compile(r"^\s*[@\\](param|arg|argument|property|prop|tparam|returns?|result|retval|yields?|throws?|"
                  r"exception|raises?|example|brief|summary|description|details?|see|since|deprecated|author|"
                  r"version|type|typedef|template|note|remarks?|todo|internal|private|public|override|inheritDoc|"
                  r"link|callback|fires|emits|async|function|func|method|memberof|static|class|constructor|"
                  r"module|namespace|abstract|access|api|pre|post|warning|attention|sa|file|defgroup|ingroup|"
                  r"name|def|fn|var|enum|struct|this|default|readonly|category|group|experimental|alpha|beta|"
                  r"hidden|ignore|export|instance|kind|lends|license|copyright|mixin|package|protected|requires|"
                  r"serial\w*|spec|supported|typeParam|extends|implements|augments|override|[a-z]+)\b(.*)$")
_FIELD = re.compile(r"^\s*:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|raise|except|"
                    r"exception|yields?|ytype|var|ivar|cvar)\b([^:]*):(.*)$")


def parse(text: str, language: str = "", span: Span | None = None) -> DocComment:
    """A comment or docstring as written (markers included, or already stripped) → DocComment."""
    plain = strip_markers(text, language)
    body: list[str] = []
    params: dict[str, list[str]] = {}
    returns: list[str] = []
    raises: list[tuple[str, list[str]]] = []
    examples: list[list[str]] = []
    brief: list[str] = []
    section = None  # the section (or tag) the lines under it belong to
    current: list[str] | None = None  # where a continuation line goes
    lines = plain.split("\n")
    fence = False
    entry_indent: int | None = None  # the indentation of a section's entries (deeper lines continue one)
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        stripped = line.strip()
        if re.match(r"^\s*(```|~~~)", line):
            fence = not fence
            if section == "examples" and current is not None:
                current.append(line)
            elif fence and section in (None, "body"):
                examples.append([])
                current, section = examples[-1], "fence"
            elif not fence and section == "fence":
                current, section = None, None
            i += 1
            continue
        if fence:
            if current is not None:
                current.append(line)
            i += 1
            continue
        title = _section_title(line, nxt)
        if title:
            section = title
            current = entry_indent = None
            if title == "examples":
                examples.append([])
                current = examples[-1]
            if re.fullmatch(r"\s*[-=~^]{3,}\s*", nxt):
                i += 1
            i += 1
            continue
        tag = _TAG.match(line)
        field = _FIELD.match(line) if language == "python" or not tag else None
        if field:
            kind, arg, rest = field.group(1), field.group(2).strip(), field.group(3).strip()
            if kind in ("param", "parameter", "arg", "argument", "key", "keyword") and arg:
                current = params.setdefault(arg.split()[-1], [])
                current.append(rest)
            elif kind in ("returns", "return", "yields", "yield"):
                current = returns
                returns.append(rest)
            elif kind in ("raises", "raise", "except", "exception"):
                raises.append((arg or rest.split()[0] if rest else arg, [rest]))
                current = raises[-1][1]
            else:
                current = []
            section = "field"
            i += 1
            continue
        if tag and (stripped.startswith("@") or stripped.startswith("\\")):
            name, rest = tag.group(1), tag.group(2).strip()
            section = "tag"
            if name in ("param", "arg", "argument", "property", "prop"):
                rest = re.sub(r"^\[(in|out|in,\s*out)\]\s*", "", rest)  # Doxygen's direction
                rest = re.sub(r"^\{[^}]*\}\s*", "", rest)  # JSDoc's type
                m = re.match(r"^\[?([\w$.]+)(?:=[^\]]*)?\]?\s*(?:-\s*)?(.*)$", rest)
                if m:
                    current = params.setdefault(m.group(1), [])
                    current.append(m.group(2))
                else:
                    current = []
            elif name in ("returns", "return", "result", "retval", "yields", "yield"):
                current = returns
                returns.append(re.sub(r"^\{[^}]*\}\s*", "", rest))
            elif name in ("throws", "throw", "exception", "raises", "raise"):
                m = re.match(r"^\{?([\w$.:<>]+)\}?\s*(?:-\s*)?(.*)$", rest)
                raises.append((m.group(1) if m else rest, [m.group(2) if m else ""]))
                current = raises[-1][1]
            elif name == "example":
                examples.append([rest] if rest else [])
                current, section = examples[-1], "example-tag"
            elif name in ("brief", "summary", "description", "details", "detail"):
                current = brief if name in ("brief", "summary") else body
                current.append(rest)
                section = None if name in ("description", "details", "detail") else "tag"
            else:
                current = []
            i += 1
            continue
        if section in ("params", "returns", "raises") and stripped:
            indent = len(line) - len(line.lstrip())
            if entry_indent is None:
                entry_indent = indent
            entry = indent <= entry_indent
            if section == "params" and entry:
                numpy = re.match(r"^\s*\**([\w$.]+)\**\s+:\s*(.*)$", line)  # NumPy: `x : int`, text below
                google = re.match(r"^\s*\**([\w$.]+)\**\s*(\([^)]*\))?\s*:\s*(.*)$", line)
                bare = re.match(r"^\s*([\w$.]+)\s*$", line)
                if numpy or google or bare:
                    name = (numpy or google or bare).group(1)
                    current = params.setdefault(name, [])
                    if google and not numpy and google.group(3):
                        current.append(google.group(3))
                    i += 1
                    continue
            elif section == "raises" and entry:
                m = re.match(r"^\s*([A-Z][\w.]*)\s*(?::\s*(.*))?$", line)
                if m:
                    raises.append((m.group(1), [m.group(2) or ""]))
                    current = raises[-1][1]
                    i += 1
                    continue
                if current is None:
                    raises.append(("", []))
                    current = raises[-1][1]
            elif section == "returns" and current is None:
                current = returns
            if current is not None:
                current.append(stripped)
            i += 1
            continue
        if section in ("examples", "example-tag", "fence"):
            if current is not None:
                current.append(line)
            i += 1
            continue
        if section in ("field", "tag") and stripped and line.startswith((" ", "\t")) and current is not None:
            current.append(stripped)  # a tag's description continued on an indented line
            i += 1
            continue
        if section in ("field", "tag") and stripped and current is not None and section == "tag":
            current.append(stripped)  # JSDoc/Javadoc: a tag's text runs on until the next tag
            i += 1
            continue
        if section == "other":
            i += 1
            continue
        if stripped.startswith(">>>") and language == "python":
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i].strip())
                i += 1
            examples.append(block)
            continue
        section = None if section in ("field", "tag") and not stripped else section
        if section in ("field", "tag"):
            i += 1
            continue
        body.append(line)
        i += 1
    body_text = inline("\n".join(body).strip("\n"), language)
    first = inline("\n".join(brief), language) if any(b.strip() for b in brief) else body_text
    return DocComment(
        summary=summary_of(first),
        body=body_text,
        params=tuple((k, _one(v, language)) for k, v in params.items()),
        returns=_one(returns, language) or None,
        raises=tuple((k, _one(v, language)) for k, v in raises),
        examples=tuple(e for e in ("\n".join(x).strip("\n") for x in examples) if e.strip()),
        span=span,
    )


def _one(parts: list[str], language: str) -> str:
    return re.sub(r"\s+", " ", inline(" ".join(p for p in parts if p), language)).strip()


# --- inline markup ------------------------------------------------------------------------------------------
def inline(text: str, language: str = "") -> str:
    """Inline markup of every convention turned into plain text with Markdown code spans."""
    def link(m: re.Match) -> str:
        kind, target = m.group(1), m.group(2).strip()
        if kind in ("code", "literal"):
            return f"`{target}`" if kind == "code" else target
        if kind in ("inheritDoc", "inheritdoc"):
            return ""
        m = re.match(r"([^\s(|]+(?:\([^)]*\))?)\s*\|?\s*(.*)$", target, re.S)
        ref, label = (m.group(1), m.group(2).strip()) if m else (target, "")
        if label:
            return label  # {@link X#m label} / {@link X#m(A, B) label} / {@link url|label}
        target = ref.lstrip("#")
        target = re.sub(r"\(.*\)$", "", target).replace("#", ".")
        return f"`{target}`"
    text = re.sub(r"\{@(link|linkplain|linkcode|code|literal|value|inheritDoc|inheritdoc)\s*([^}]*)\}", link, text)
    text = re.sub(r"\[([^\]]+)\]\{@link\s+[^}]*\}", r"\1", text)  # JSDoc's [label]{@link X}
    text = re.sub(r"(?<![\w`])[@\\](p|c)\s+([\w:*()\[\]-]+(?:\.\w+)*)", r"`\2`", text)  # Doxygen's inline code
    text = re.sub(r"(?<![\w`])[@\\](a|e|b|em|ref)\s+(\S+)", r"\2", text)
    text = re.sub(r"(?<![\w:`])::(\w+)", r"`\1`", text)  # Doxygen's link to a global name
    text = re.sub(r"<code>(.*?)</code>", r"`\1`", text, flags=re.S | re.I)
    text = re.sub(r"</?(p|br)\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(r"</?(b|i|em|strong|tt|ul|ol|li|pre|a|span|div|blockquote|h\d|dl|dt|dd|sup|sub|u|small|big|"
                  r"table|tr|td|th|thead|tbody|tfoot|caption|cite|var|kbd|samp|abbr|dfn|q|s|strike|del|ins|"
                  r"mark|hr|img|font|center|section|nav|figure|figcaption)\b[^<>]*>", "", text, flags=re.I)
    if "&" in text:
        text = html.unescape(text)
    text = re.sub(r"(?<![\w:])(?::[\w.+-]+)+:`~?([^`<]+?)(?:\s*<[^>]+>)?`", r"`\1`",
                  text)  # reST roles, with their domains (:func:`x`, :py:class:`x`, :external:exc:`x`)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)  # reST literals
    text = re.sub(r"`([^`<]+?)\s*<[^>]+>`_{1,2}", r"\1", text)  # reST links
    text = re.sub(r"!?\[([^\]]+)\]\([^)\s]+(?:\s+\"[^\"]*\")?\)", r"\1", text)  # Markdown links
    text = re.sub(r"\[(`[^`\]]+`)\](?:\[[^\]]*\])?", r"\1", text)  # rustdoc intra-doc links [`X`]
    text = re.sub(r"\[([^\]`]+)\]\[[^\]]*\]", r"\1", text)  # reference links [text][ref]
    text = re.sub(r"(?<![\w*])\*\*([^*\n]+)\*\*(?![\w*])", r"\1", text)  # bold
    # emphasis: reST's and Markdown's `*word*` (not `*args` or `a * b`: no space inside the stars)
    text = re.sub(r"(?<![\w*])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w`])_([^_\n]+)_(?![\w`])", r"\1", text) if language not in ("python",) else text
    return text


# --- the summary ---------------------------------------------------------------------------------------------
_ABBREVIATIONS = re.compile(r"\b(?i:e\.g|i\.e|etc|vs|cf|approx|incl|resp|no|nr|fig|eq|ca|viz|al|Mr|Mrs|Ms|Dr|St|"
                            r"Jr|Sr|Inc|Ltd|Co|ver|ref|sec|esp)\.$|(^|\s)[A-Z]\.$")
# words a clause does not end on: a sentence introducing a list "for the following:" does not read whole
_DANGLING = {"the", "a", "an", "of", "to", "for", "as", "follows", "following", "these", "this", "those", "are",
             "is", "be", "include", "includes", "including", "like", "such", "with", "and", "or", "by", "from",
             "in", "on", "at", "into", "namely", "below", "either", "one", "any", "each", "its", "their", "has",
             "have", "can", "may", "will", "should", "must", "example", "e.g", "i.e", "where", "when", "which",
             "that", "if", "than", "then", "via", "use", "uses", "using", "see", "values", "options", "cases",
             "forms", "ways", "steps", "rules", "keys", "fields", "arguments", "parameters", "types", "modes"}


def _sentences(text: str) -> list[str]:
    """The text cut into sentences: a `.`, `!` or `?` followed by white space and a capital letter, a digit,
    a quote, a code span or the end; never inside a code span, never after an abbreviation."""
    out, start, i, in_code = [], 0, 0, False
    while i < len(text):
        ch = text[i]
        if ch == "`":
            in_code = not in_code
        elif ch in ".!?" and not in_code:
            j = i + 1
            while j < len(text) and text[j] in "\"')]»":
                j += 1
            at_end = j >= len(text)
            if at_end or (text[j] == " " and j + 1 < len(text) and not text[j + 1].islower()):
                piece = text[start:j].strip()
                if ch != "." or not _ABBREVIATIONS.search(text[start:i + 1]) or at_end:
                    out.append(piece)
                    start = j
        i += 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return [s for s in out if s]


def _first_paragraph(text: str) -> str:
    paragraph: list[str] = []
    items: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        item = re.match(r"^(?:[-*+]|\d+[.)])\s+(.*)", stripped)
        if item and paragraph:
            if items or not re.search(r"[\w,]$", paragraph[-1]):
                if not items:
                    break  # a list starts: the sentence before it (ending in ":" or ".") introduced it
            items.append(item.group(1).rstrip(" .,;"))  # the sentence goes on into the list: its items
            continue
        if items:
            break
        paragraph.append(stripped)
    if items:  # "acts as\n- a decorator\n- an annotation" -> "acts as a decorator, an annotation"
        return " ".join(paragraph) + " " + ", ".join(items)
    return " ".join(paragraph)


def summary_of(text: str) -> str:
    """The first sentence of a documentation's text, whole and ending with a full stop (or `!`/`?`); "" when
    there is none that reads whole: never cut mid-clause, never ending in ":."."""
    paragraph = re.sub(r"\s+", " ", _first_paragraph(text)).strip()
    if not paragraph or paragraph.startswith(("@", ":", ">>>", "\\")):
        return ""
    words = len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\S*://\S*|`[^`]*`", " ", paragraph)))
    if words < 1 or words + paragraph.count("`") // 2 < 2:
        return ""  # a link, a name or a code span alone says nothing of what the block is for
    if paragraph.count("`") % 2:
        paragraph = paragraph.replace("`", "'")
    sentences = _sentences(paragraph)
    if not sentences:
        return ""
    first = sentences[0]
    if first.endswith(":") or (len(sentences) == 1 and re.search(r":\s*$", first)):
        before = first.rstrip(":").rstrip()
        last = re.sub(r"[^\w.]", "", before.rsplit(" ", 1)[-1].lower()) if before else ""
        if len(before.split()) >= 3 and last not in _DANGLING and not before.endswith(","):
            first = before + "."
        else:
            return ""  # it introduces what follows and does not read whole alone
    if len(first) > SUMMARY_MAX:
        cut = max(first.rfind("; ", 0, SUMMARY_MAX), first.rfind(" — ", 0, SUMMARY_MAX))
        if cut < 40:
            return ""
        first = first[:cut].rstrip(" ,;—") + "."
    if not re.search(r"[.!?][\"')\]»]*$", first):
        first = first.rstrip(" ,;-—") + "."
    plain = re.sub(r"\[[^\s\[\]()]*\)|\([^\s\[\]()]*\]", " ", first)  # a half-open range, v[0..n), is balanced
    if plain.count("(") != plain.count(")") or plain.count("[") != plain.count("]"):
        return ""  # a parenthesis the sentence opens and the next one closes: not a whole sentence
    return first
