"""This benchmark's own reading of a block: its assignments, counts, top-level statements and the author's
documentation. A second implementation, written apart from blockguide's (tree-sitter walks and regexes here;
nothing of blockguide is imported), so that a property checked with it is not the guide writer checking
itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bench.sample.draw import MAX_FILE_BYTES, SUFFIXES, parse, top_statements

IDENT = re.compile(r"[A-Za-z_$][\w$]*")


def squash(text: str) -> str:
    """Text without white space: how code fragments are compared (a guide may join a call's lines)."""
    return re.sub(r"\s+", "", text)


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- assignments -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assignment:
    target: str  # the target's text, e.g. "self.size", "a, b", "{x, y}"
    op: str  # "=", ":=", "+=", "++", ...
    value: str  # the value's text ("" for ++/--)
    parallel: bool = False  # `a, b = c, d`, read whole: each target's own value is in an Assignment of its own

    @property
    def names(self) -> set[str]:
        if self.parallel:
            return {squash(self.target)}
        return set(IDENT.findall(self.target)) | {squash(self.target)}

    @property
    def plain(self) -> bool:
        return self.op in ("=", ":=")


_ASSIGN_TYPES = {"assignment", "augmented_assignment", "assignment_expression", "augmented_assignment_expression",
                 "compound_assignment_expr", "assignment_statement", "named_expression"}
_DECL_TYPES = {"variable_declarator", "init_declarator", "let_declaration", "short_var_declaration", "var_spec",
               "const_spec", "const_item", "static_item"}
_UPDATE_TYPES = {"update_expression", "inc_statement", "dec_statement"}
_COMMENTS = ("comment", "line_comment", "block_comment", "empty_statement")


# nodes that only hold statements or members: a block that is all of one is its statements, not one node
_CONTAINERS = {"block", "statement_block", "compound_statement", "statement_list", "constructor_body",
               "declaration_list", "field_declaration_list", "class_body", "program", "module", "translation_unit",
               "source_file"}


@lru_cache(maxsize=8)
def _parsed(lang: str, text: str):
    return parse(lang, text)


def top_nodes(lang: str, text: str, first: int | None = None, last: int | None = None) -> list:
    """The block's own nodes, read in its file's tree (a block parsed alone is not valid code in most
    languages): the named nodes wholly inside lines first..last (1-based, inclusive) whose parent is not;
    comments left out. Without lines, the file's top-level nodes."""
    root = _parsed(lang, text).root_node
    if first is None or last is None:
        return [c for c in root.named_children if c.type not in _COMMENTS]
    lo, hi = first - 1, last - 1
    out, stack = [], list(reversed(root.named_children))
    while stack:
        node = stack.pop()
        end = node.end_point.row - (1 if node.end_point.column == 0 and node.end_point.row > node.start_point.row else 0)
        if node.start_point.row >= lo and end <= hi and node.type not in _CONTAINERS:
            if node.type not in _COMMENTS:
                out.append(node)
        elif node.start_point.row <= hi and end >= lo:
            stack.extend(reversed(node.named_children))
    return out


def _walk(nodes):
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.named_children)


def assignments(lang: str, text: str, first: int | None = None, last: int | None = None) -> list[Assignment]:
    """Every assignment, declaration with a value, and increment in lines first..last of the text."""
    raw = text.encode("utf-8")
    out = []
    for node in _walk(top_nodes(lang, text, first, last)):
        t = node.type
        if t in _UPDATE_TYPES:
            code = node.text.decode("utf-8", "replace")
            op = "++" if "++" in code else "--"
            out.append(Assignment(code.replace(op, "").strip(), op, ""))
            continue
        if t not in _ASSIGN_TYPES and t not in _DECL_TYPES:
            continue
        left = (node.child_by_field_name("left") or node.child_by_field_name("name")
                or node.child_by_field_name("pattern") or node.child_by_field_name("declarator"))
        right = node.child_by_field_name("right") or node.child_by_field_name("value")
        if left is None or right is None:
            continue
        if t in ("var_spec", "const_spec"):  # Go: var a, b = 1, 2 (the names are children "name")
            names = node.children_by_field_name("name")
            values = _elements(right) or [right]
            parallel = len(names) > 1 and len(values) == len(names)
            out.append(Assignment(", ".join(n.text.decode("utf-8", "replace") for n in names), "=",
                                  right.text.decode("utf-8", "replace"), parallel=parallel))
            if parallel:
                out += [Assignment(n.text.decode("utf-8", "replace"), "=", v.text.decode("utf-8", "replace"))
                        for n, v in zip(names, values)]
            continue
        between = raw[left.end_byte:right.start_byte].decode("utf-8", "replace")
        op = _operator(between)
        pairs = _pairwise(left, right, op)
        out.append(Assignment(left.text.decode("utf-8", "replace"), op, right.text.decode("utf-8", "replace"),
                              parallel=bool(pairs)))
        out += pairs
    return out


# the sides of a parallel assignment: `a, b = c, d` (Python, Go), `(a, b) = (c, d)`, `[a, b] = [c, d]`
_SEQUENCES = {"pattern_list", "expression_list", "tuple_pattern", "tuple", "list_pattern", "list", "array_pattern",
              "array", "tuple_expression"}


def _elements(node) -> list | None:
    if node.type not in _SEQUENCES:
        return None
    return [c for c in node.named_children if c.type not in _COMMENTS]


def _pairwise(left, right, op: str) -> list[Assignment]:
    """A parallel assignment read target by target (`a, b = c, d` sets `a` to `c` and `b` to `d`), when both
    sides list the same number of items; [] otherwise (`a, b = pair` sets no item to a value of its own)."""
    targets, values = _elements(left), _elements(right)
    if not targets or not values or len(targets) != len(values) or len(targets) < 2:
        return []
    return [Assignment(t.text.decode("utf-8", "replace"), op, v.text.decode("utf-8", "replace"))
            for t, v in zip(targets, values)]


def _operator(between: str) -> str:
    """The operator between a target and its value: `=`, `:=`, `+=`, ... (a type annotation in between is
    skipped: `x: int = 1`, `let x: u8 = 1`)."""
    ops = re.findall(r"(?:<<|>>>?|\*\*|//|\?\?|\|\||&&|[-+*/%|&^@:])?=(?!=)", between)
    return ops[-1].strip() if ops else "="


# --- counts --------------------------------------------------------------------------------------------------
_RETURNS = {"return_statement", "return_expression"}
_NESTED = {"function_definition", "function_declaration", "method_definition", "arrow_function",
           "function_expression", "function", "function_item", "closure_expression", "lambda", "func_literal",
           "lambda_expression", "class_definition", "class_declaration", "generator_function_declaration"}


def _key(node) -> tuple | None:
    return None if node is None else (node.start_byte, node.end_byte, node.type)


def definition_of(tops: list):
    """The definition a block is, when it is one node holding a body (decorators, templates, `export`, a
    property or variable a function is assigned to unwrapped); else None."""
    if len(tops) != 1:
        return None
    node = tops[0]
    while node is not None and node.type in ("decorated_definition", "template_declaration", "export_statement",
                                             "expression_statement", "lexical_declaration", "variable_declaration"):
        inner = node.child_by_field_name("definition") or node.child_by_field_name("declaration")
        if inner is None:
            kids = [c for c in node.named_children if c.type not in ("decorator", "template_parameter_list")
                    and c.type not in _COMMENTS]
            inner = kids[-1] if kids else None
        if inner is None or inner is node:
            break
        node = inner
    if node is not None and node.type in ("assignment_expression", "variable_declarator"):
        node = node.child_by_field_name("right") or node.child_by_field_name("value")
    return node if node is not None and node.child_by_field_name("body") is not None else None


def counts(lang: str, text: str, first: int | None = None, last: int | None = None) -> dict[str, set[int]]:
    """What a right count of each noun may be for lines first..last: returns (with and without those of nested
    functions), lines (all, non-blank), statements (the block's top-level ones, and those of a definition's
    body), parameters (of the definition, with and without a receiver like self)."""
    tops = top_nodes(lang, text, first, last)
    lines = text.split("\n")[(first or 1) - 1:last or None]
    out = {"lines": {len(lines), sum(1 for line in lines if line.strip())}, "return statements": set(),
           "statements": {len(tops)}, "parameters": set()}
    definition = definition_of(tops)
    own = every = 0
    stack = [(n, False) for n in tops]
    while stack:
        node, inside = stack.pop()
        if node.type in _RETURNS:
            every += 1
            own += 0 if inside else 1
        deeper = inside or (node.type in _NESTED and _key(node) != _key(definition))
        stack.extend((c, deeper) for c in node.named_children)
    out["return statements"] = {own, every}
    if definition is not None:
        body = definition.child_by_field_name("body")
        if body is not None:
            out["statements"].add(len(top_statements(body, lang)))
            tail = [c for c in body.named_children if c.type not in _COMMENTS]
            if lang == "rust" and tail and tail[-1].type.endswith("expression") and \
                    tail[-1].type != "return_expression":  # a Rust body's last expression is its value
                out["return statements"] |= {own + 1, every + 1}
        params = definition.child_by_field_name("parameters")
        decl = definition.child_by_field_name("declarator")
        while params is None and decl is not None:
            params = decl.child_by_field_name("parameters")
            decl = decl.child_by_field_name("declarator")
        if params is not None:
            items = [c for c in params.named_children if c.type not in _COMMENTS]
            out["parameters"].add(len(items))
            head = IDENT.findall(items[0].text.decode("utf-8", "replace")) if items else []
            if (head and head[0] in ("self", "cls", "this")) or (items and items[0].type == "self_parameter"):
                out["parameters"].add(len(items) - 1)
    return out


# --- top-level statements --------------------------------------------------------------------------------
def statements(lang: str, text: str, first: int, last: int, kind: str) -> list[str]:
    """The texts of the block's top-level statements: its body's for a function or method, the block's own
    for statements; [] for a class (its members are not statements run in order)."""
    if kind == "class":
        return []
    tops = top_nodes(lang, text, first, last)
    if kind in ("function", "method"):
        definition = definition_of(tops)
        body = definition.child_by_field_name("body") if definition is not None else None
        if body is None or not body.named_children or body.type not in (
                "block", "statement_block", "compound_statement", "constructor_body"):
            return []
        nodes = top_statements(body, lang)
    else:
        nodes = tops
    return [n.text.decode("utf-8", "replace") for n in nodes]


# --- the author's documentation ---------------------------------------------------------------------------
_TAG = re.compile(r"\{@(?:link|linkplain|value)\s+([^}\s(]+(?:\([^)]*\))?)(?:\s+([^}]*))?\}")
_CODE_TAG = re.compile(r"\{@(?:code|literal)\s+([^}]*)\}")  # code as written: {@code write(String)}
_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|incl|resp)\.$", re.I)


def _member(target: str) -> str:
    """A Javadoc link's target as a reader sees it: `X#m(A, B)` -> `X.m`, `#m` -> `m`."""
    return re.sub(r"\(.*\)$", "", target).lstrip("#").replace("#", ".")


def doc_of(lang: str, file_text: str, start: int, kind: str, tree_root: Path | None = None,
           name: str | None = None) -> str | None:
    """The documentation a definition's author wrote for it (its text, markers stripped), or None.
    `start` is the definition's first line, 1-based."""
    if kind == "statements":
        return None
    lines = file_text.split("\n")
    text = None
    if lang == "python":
        text = _python_docstring(file_text, start)
    if text is None:
        text = _comment_above(lines, start - 1, lang)
    if text is None and lang in ("c", "cpp") and tree_root is not None and name:
        text = _declaration_comment(tree_root, name, lang)
    return text


def _python_docstring(file_text: str, start: int) -> str | None:
    lines = file_text.split("\n")
    i = start - 1
    while i < len(lines) and not re.match(r"\s*(async\s+)?(def|class)\b", lines[i]):
        i += 1
    # the signature ends at the first line ending in ':' outside brackets
    depth, j = 0, i
    while j < len(lines):
        code = re.sub(r"#.*", "", lines[j])
        depth += code.count("(") + code.count("[") - code.count(")") - code.count("]")
        if depth <= 0 and code.rstrip().endswith(":"):
            break
        j += 1
    rest = "\n".join(lines[j + 1:])
    m = re.match(r'\s*[rRuUbB]{0,2}("""|\'\'\'|"|\')(.*?)\1', rest, re.S)
    return m.group(2) if m else None


def _comment_above(lines: list[str], row: int, lang: str) -> str | None:
    """The comment right above a definition's first line (0-based `row`), attribute lines skipped."""
    i = row - 1
    while i >= 0 and re.match(r"\s*(#\[|@\w)", lines[i]) and lang in ("rust", "java", "typescript", "javascript"):
        i -= 1
    if i < 0:
        return None
    line = lines[i].strip()
    if line.endswith("*/"):
        j = i
        while j >= 0 and "/*" not in lines[j]:
            j -= 1
        if j < 0:
            return None
        block = "\n".join(lines[j:i + 1])
        block = block[block.index("/*") + 2:block.rindex("*/")]
        if block.startswith("*"):
            block = block[1:]
        if block.startswith("!"):
            return None
        return "\n".join(re.sub(r"^\s*\*? ?", "", ln) for ln in block.split("\n"))
    marker = "#" if lang == "python" else "//"
    run = []
    while i >= 0 and lines[i].strip().startswith(marker):
        run.append(lines[i].strip())
        i -= 1
    if not run:
        return None
    run.reverse()
    if any(r.startswith("//!") for r in run) or any(r.startswith("#!") for r in run):
        return None
    return "\n".join(re.sub(r"^(///?|#+)\s?", "", r) for r in run)


def _declaration_comment(tree_root: Path, name: str, lang: str) -> str | None:
    """For a C/C++ definition without a comment: the comment above its one declaration in a header."""
    short = name.split("::")[-1]
    if not IDENT.fullmatch(short):
        return None
    found = []
    for path in tree_root.rglob("*"):
        if path.suffix not in (".h", ".hpp", ".hh", ".hxx") or not path.is_file():
            continue
        lines = path.read_text("utf-8", errors="replace").split("\n")
        for row, line in enumerate(lines):
            if re.search(rf"\b{re.escape(short)}\s*\(", line) and line.rstrip().endswith(";") and \
                    not line.lstrip().startswith(("return", "//", "*", "#")):
                found.append(_comment_above(lines, row, lang))
        if len(found) > 1:
            return None
    return found[0] if len(found) == 1 else None


def first_sentence(doc: str) -> str | None:
    """The first sentence of documentation: its first paragraph up to the first full stop that ends a
    sentence, inline tags reduced to their text ({@link X} -> X), block tags (@param...) and markup left out.
    None when the documentation has no prose (a licence, a tag line, a directive)."""
    paragraph = []
    for line in doc.strip().split("\n"):
        s = line.strip()
        if not s:
            if paragraph:
                break
            continue
        if s.startswith(("@", ":param", ":return", ":raises", "Args:", "Returns:", "Parameters", "---", "```",
                         ">>>", "# ", "=")) and not paragraph:
            return None
        if s.startswith(("@", ":param", ":return", ":raises", "```", ">>>")):
            break
        paragraph.append(s)
    text = normal(" ".join(paragraph))
    text = _CODE_TAG.sub(lambda m: m.group(1).strip(), text)
    text = re.sub(r"(?<![\w`])[@\\](?:p|c|a|e|b)\s+(?=\S)", "", text)  # Doxygen's inline commands: @p x -> x
    text = _TAG.sub(lambda m: m.group(2) or _member(m.group(1)), text)
    text = re.sub(r"\[`?([^\]`]+)`?\]\([^)]*\)", r"\1", text)  # markdown links
    text = re.sub(r"\[`([^\]`]+)`\]", r"\1", text)  # rustdoc intra-doc links
    text = re.sub(r"</?(?:code|p|b|i|em|strong|tt|pre|a|br|ul|ol|li|var|sup|sub|blockquote|cite|dfn|kbd|samp|abbr|"
                  r"q|s|u|small|big|span|div|dl|dt|dd|h\d|table|tr|td|th|caption|hr|img|font|del|ins|mark)\b[^>]*>", "", text,
                  flags=re.I)  # HTML in Javadoc (not a generic type's <T>)
    if not text or re.search(r"copyright|licen[cs]e|SPDX|TODO|FIXME|eslint|noinspection|nolint|clang-format",
                             text, re.I):
        return None
    sentence = text
    for m in re.finditer(r"\.(?=\s|$)|[!?](?=\s+[A-Z(\[`\"'<*]|\s*$)", text):  # "x ? y : z" goes on
        head = text[:m.start() + 1]
        if _ABBREV.search(head) or re.search(r"\b[A-Z]\.$", head):
            continue
        sentence = head
        break
    if len(IDENT.findall(sentence)) < 2:
        return None
    return sentence.strip()


def comparable(text: str) -> str:
    """Prose compared as a reader reads it: no backticks, quotes or markup (Markdown and rustdoc links, Sphinx
    roles), white space collapsed, lower case, no final full stop."""
    text = re.sub(r":[\w:]+:(?=`)", "", text)  # :func:`x` -> `x`
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [x](y) -> x
    text = re.sub(r"\[`([^\]`]*)`\]", r"\1", text)  # [`x`] -> x
    text = re.sub(r"(?<!\S)(?:[-*+]|\d+[.)])(?=\s)", " ", text)  # list markers: a sentence may run into a list
    text = re.sub(r"[`*_]", "", text)
    text = re.sub(r"[\"'“”‘’]", "", text)
    text = re.sub(r"[,;:](?=\s|$)", " ", text)  # how list items are joined is not the author's words
    return normal(text).lower().rstrip(".:;,")


# --- the names a block's context holds -------------------------------------------------------------------------
def package_words(tree: Path, lang: str) -> frozenset[str]:
    """Every identifier in the package's files of the language: where a member inherited from a class in
    another file of the package is written."""
    return _package_words(Path(tree).resolve(), lang)


def package_file_names(tree: Path) -> frozenset[str]:
    """The names of the package's files (`napi-inl.h`): a guide may name the header a block is reached through."""
    return _package_file_names(Path(tree).resolve())


@lru_cache(maxsize=16)
def _package_file_names(tree: Path) -> frozenset[str]:
    return frozenset(p.name for p in tree.rglob("*") if p.is_file())


@lru_cache(maxsize=16)
def _package_words(tree: Path, lang: str) -> frozenset[str]:
    words: set[str] = set()
    for path in tree.rglob("*"):
        if path.suffix in SUFFIXES.get(lang, ()) and path.is_file() and path.stat().st_size < MAX_FILE_BYTES:
            words.update(IDENT.findall(path.read_text("utf-8", errors="replace")))
    return frozenset(words)


_PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))", re.M)


def standard_words(lang: str, file_text: str) -> frozenset[str]:
    """Python: the names of the standard library's modules, and every identifier in those the file imports
    (a base class's members, `textwrap.TextWrapper`'s); read as text from this interpreter's library, never
    imported. Other languages: none."""
    if lang != "python":
        return frozenset()
    import sys
    import sysconfig
    modules: set[str] = set()
    for m in _PY_IMPORT.finditer(file_text):
        for name in re.split(r"\s*,\s*", m.group(1) or m.group(2)):
            modules.add(name.strip())
    words = set(getattr(sys, "stdlib_module_names", ()))
    lib = Path(sysconfig.get_paths()["stdlib"])
    for module in sorted(modules):
        if module.split(".")[0] not in words:
            continue  # not the standard library's
        base = lib.joinpath(*module.split("."))
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path.is_file():
                words.update(_file_words(path))
    return frozenset(words)


@lru_cache(maxsize=64)
def _file_words(path: Path) -> frozenset[str]:
    return frozenset(IDENT.findall(path.read_text("utf-8", errors="replace")))
