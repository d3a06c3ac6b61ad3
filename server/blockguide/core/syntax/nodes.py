"""Syntax-node helpers shared by every stage above the syntax tree: one copy of each.

Node kinds across grammars (tree-sitter grammars share most node names), text of nodes, the block's nodes,
the definition node of a block, bodies and their statements, callees, names and headers of definitions, and
line/column helpers. Nothing here knows about analysis, examples or guides.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.languages import Language
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, Span


TEXT_CHARS = 72


# --- node kinds, across grammars ---------------------------------------------------------------------------
BRANCHES = {"if_statement", "if_expression", "if_let_expression"}
ELSE_CLAUSES = {"else_clause", "elif_clause"}
SWITCHES = {"switch_statement", "expression_switch_statement", "type_switch_statement", "select_statement",
            "match_statement", "match_expression", "switch_expression"}
CASES = {"case_clause", "switch_case", "switch_default", "match_arm", "expression_case", "default_case",
         "type_case", "communication_case", "case_statement", "switch_block_statement_group", "switch_rule"}
LOOPS = {"for_statement", "for_in_statement", "while_statement", "do_statement", "for_expression",
         "while_expression", "loop_expression", "enhanced_for_statement", "for_range_loop"}
TRIES = {"try_statement", "try_with_resources_statement"}
CATCHES = {"except_clause", "except_group_clause", "catch_clause"}
FINALLYS = {"finally_clause"}
WITHS = {"with_statement"}
RETURNS = {"return_statement", "return_expression"}
RAISES = {"raise_statement", "throw_statement", "throw_expression"}
YIELDS = {"yield", "yield_expression", "yield_statement"}
AWAITS = {"await", "await_expression"}
DEFERS = {"defer_statement", "go_statement"}
IMPORTS = {"import_statement", "import_from_statement", "import_declaration", "use_declaration",
           "future_import_statement", "preproc_include"}
ASSERTS = {"assert_statement"}
JUMPS = {"break_statement", "continue_statement", "break_expression", "continue_expression"}
SKIPPED = {"pass_statement", "empty_statement", "comment", "line_comment", "block_comment", "global_statement",
           "nonlocal_statement", "decorator", "modifiers", "attribute_item", "inner_attribute_item"}
ASSIGNS = {"assignment", "augmented_assignment", "assignment_expression", "augmented_assignment_expression",
           "lexical_declaration", "variable_declaration", "short_var_declaration", "assignment_statement",
           "var_declaration", "const_declaration", "let_declaration", "local_variable_declaration", "declaration",
           "compound_assignment_expr", "inc_statement", "dec_statement", "update_expression", "const_item",
           "static_item", "field_declaration", "named_expression"}
CALLS = {"call", "call_expression", "new_expression", "method_invocation", "object_creation_expression",
         "macro_invocation"}
NESTED_FUNCTIONS = {"lambda", "arrow_function", "function_expression", "func_literal", "closure_expression",
                    "lambda_expression", "function", "generator_function"}
WRAPPERS = {"expression_statement", "decorated_definition", "export_statement", "template_declaration",
            "parenthesized_expression"}
HEADER_FIELDS = ("condition", "value", "subject", "pattern", "left", "right", "parameter", "parameters",
                 "resources", "name", "type", "label")


# --- text helpers ------------------------------------------------------------------------------------------
def text_of(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def short(text: str, limit: int = TEXT_CHARS) -> str:
    """One line, white space collapsed, cut with '...' past the limit."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def code(text: str, limit: int = TEXT_CHARS) -> str:
    """`text` as inline code (backticks inside are dropped: they would end the span)."""
    return "`" + short(text.replace("`", "'"), limit) + "`"


def strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


# --- lines and columns -----------------------------------------------------------------------------------
def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def last_row(node: Node) -> int:
    """0-based last line a node covers (a node ending at column 0 ends on the line before)."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def first_code_column(line: str) -> int:
    return len(line.encode("utf-8", "surrogatepass")) - len(line.lstrip().encode("utf-8", "surrogatepass"))


# --- finding a block's nodes -----------------------------------------------------------------------------
def block_nodes(src: Source, block: Block) -> list[Node]:
    """The largest syntax nodes that lie inside the block's lines (its statements, or its one definition)."""
    out: list[Node] = []
    first, last = block.span.start, block.span.end - 1

    def visit(node: Node) -> None:
        start, end = node.start_point.row, last_row(node)
        if end < first or start > last:
            return
        if start >= first and end <= last and node.parent is not None and node.is_named:
            if holds_statements(src, node):  # a whole body selected: its statements, not one `block` statement
                for child in node.children:
                    visit(child)
            elif node.type not in SKIPPED and (node.type != "ERROR" or re.search(r"\w", text_of(node))):
                out.append(node)  # (a stray bracket the parser could not read is nothing)
            return
        for child in node.children:
            visit(child)

    visit(src.tree.root_node)
    heads: dict[int, list[Node]] = {}  # by the row they start on: a macro prefix ends on its function's first row
    for n in out:
        if n.type == "function_definition":
            heads.setdefault(n.start_point.row, []).append(n)
    return [n for n in out if not any(macro_prefix(n, f) for f in heads.get(n.end_point.row, ()) if f is not n)]


def macro_prefix(node: Node, following: Node, heads: tuple[str, ...] = ("function_definition",)) -> bool:
    """C/C++: what the parser made up from the macros before a function's return type, which is the head of
    the function (or, among `heads`, of the declaration read as a call) after it on the same line: a
    "declaration" missing its `;` (`XXH_FORCE_INLINE XXH_PUREF xxh_u32\nXXH32_round(...) {`), an ERROR node
    (`MACRO(a, b) /// note\n\n[[noreturn]] EXPORT void fail(...) {`) or a piece of one."""
    if following.type not in heads or node.end_point.row != following.start_point.row or \
            node.end_byte > following.start_byte:
        return False
    around = node
    while around is not None and around.type != "ERROR":
        around = around.parent
    return around is not None or (node.type == "declaration" and any(c.is_missing for c in node.children))


def unwrap(node: Node) -> Node:
    """The definition or statement inside decorators, `export`, `template <...>` or an expression statement."""
    while node.type in WRAPPERS:
        inner = node.child_by_field_name("definition") or node.child_by_field_name("declaration")
        if inner is None:
            named = [c for c in node.named_children if c.type not in SKIPPED]
            if not named:
                return node
            inner = named[-1] if node.type in ("decorated_definition", "template_declaration") else named[0]
        node = inner
    return node


_C_DECLARATIONS = {"declaration", "field_declaration"}


def declared_class(lang: Language, node: Node) -> Node | None:
    """C/C++: the class, struct, union or enum a declaration defines with its body (`class Data : public
    Base {...};` inside a class, `struct point {...} origin;`), else None."""
    if node.type not in _C_DECLARATIONS:
        return None
    kind = node.child_by_field_name("type")
    if kind is None or kind.type not in lang.classes or kind.child_by_field_name("body") is None:
        return None
    return kind


def definition_node(src: Source, block: Block) -> Node | None:
    """For a function/method/class block: the node that defines it (a function value for `const f = () => ...`)."""
    if block.kind == "statements":
        return None
    nodes = block_nodes(src, block)
    if len(nodes) != 1:
        return None
    assigned = assigned_function(src.lang, nodes[0])
    if assigned is not None:
        return assigned[1]
    node = unwrap(nodes[0])
    node = declared_class(src.lang, node) or node
    value = node.child_by_field_name("value") if node.type in ("public_field_definition", "field_definition",
                                                               "pair") else None
    if value is not None and value.type in src.lang.functions:  # a class field (an object's property) holding a function
        return value
    if node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            if value is not None and value.type in src.lang.functions:
                return value
    return node


_PROPERTY_TARGETS = {"member_expression"}  # JavaScript/TypeScript: `obj.send`, `X.prototype.m`, `exports.f`


def assigned_function(lang: Language, node: Node) -> tuple[Node, Node] | None:
    """(target, function) of a statement that assigns a function to a property — `obj.send = function
    (name, value) {...}`, `Foo.prototype.bar = function () {}`, `module.exports.f = (x) => {}` — else None."""
    if node.type != "expression_statement" or not node.named_children:
        return None
    inner = node.named_children[0]
    if inner.type != "assignment_expression":
        return None
    target, value = inner.child_by_field_name("left"), inner.child_by_field_name("right")
    if target is None or value is None or target.type not in _PROPERTY_TARGETS:
        return None
    if value.type not in lang.functions or target.child_by_field_name("property") is None:
        return None
    return target, value


def body_of(node: Node) -> Node | None:
    body = node.child_by_field_name("body")
    if body is None:
        body = next((c for c in node.named_children if c.type in ("block", "compound_statement",
                                                                  "statement_block", "class_body")), None)
    return body


def is_container(lang: Language, node: Node) -> bool:
    return node.parent is None or node.type in lang.containers


def statement_children(lang: Language, node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment" and not c.type.endswith("comment")]


def holds_statements(src: Source, node: Node) -> bool:
    return node.type in src.lang.containers or node.type in ("block", "statement_block", "compound_statement",
                                                             "statement_list", "constructor_body",
                                                             "switch_body", "switch_block", "match_block",
                                                             "field_declaration_list", "declaration_list")


def statements(src: Source, container: Node | None) -> list[Node]:
    """The statements directly in a body (Go's block holds a statement_list: it is looked through)."""
    if container is None:
        return []
    out: list[Node] = []
    for child in container.named_children:
        if child.type in SKIPPED or child.type.endswith("comment"):
            continue
        if child.type == "statement_list":
            out.extend(statements(src, child))
        else:
            out.append(child)
    return out


def tail_name(name: str, limit: int) -> str:
    """A dotted name on one line, a long one shortened from the left by whole parts: `a.b.c.d` → `c.d`."""
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) <= limit:
        return name
    parts = re.split(r"(\.|::)", name)
    out = parts[-1]
    i = len(parts) - 2
    while i > 0 and len(parts[i - 1] + parts[i] + out) <= limit:
        out = parts[i - 1] + parts[i] + out
        i -= 2
    return out


def _short_name(text: str, limit: int) -> str:
    """A callee as written, one line; a long one keeps its last whole parts (`converter.asTextDocument`)."""
    out = tail_name(text, limit)
    shortened = out != re.sub(r"\s+", " ", text).strip()
    if shortened and (any(out.count(a) != out.count(b) for a, b in ("()", "[]", "{}")) or " " in out):
        return ""  # `{...}[key](args)`: no name to show
    return out


def callee(node: Node) -> str:
    """What a call node calls, as written: `os.path.join`, `res.json`, `new User`, `println!`."""
    if node.type == "method_invocation":
        obj, name = node.child_by_field_name("object"), node.child_by_field_name("name")
        return _short_name((text_of(obj) + "." if obj is not None else "") + text_of(name), 48)
    if node.type == "object_creation_expression":
        return "new " + _short_name(re.sub(r"<.*>$", "", text_of(node.child_by_field_name("type"))), 40)
    if node.type == "new_expression":
        target = node.child_by_field_name("constructor") or node.child_by_field_name("type")
        return "new " + _short_name(text_of(target), 40)
    if node.type == "macro_invocation":
        return _short_name(text_of(node.child_by_field_name("macro")), 40) + "!"
    fn = node.child_by_field_name("function")
    if fn is None or fn.type in NESTED_FUNCTIONS or strip_parens(text_of(fn)).startswith(("func(", "function")):
        return ""  # an anonymous function called where it is written: its own calls are listed
    text = text_of(fn)
    prop = fn.child_by_field_name("property") or fn.child_by_field_name("attribute") or \
        fn.child_by_field_name("field")
    obj = fn.child_by_field_name("object") or fn.child_by_field_name("operand") or fn.child_by_field_name("value")
    if prop is not None and obj is not None and (len(text_of(obj)) > 30 or obj.type in ("regex", "string",
                                                                                          "template_string")):
        return _short_name(text_of(prop), 48)  # `/^...$/i.exec` → `exec`
    # a chained call `a.b().c` keeps only its last link: the earlier calls are listed on their own
    if "(" in text:
        text = re.split(r"\)\s*[.]", text)[-1]
    return _short_name(text, 48)


def innermost_declarator(node: Node) -> Node | None:
    """A C/C++ definition's name under its declarators (`*f(...)`, `&Error::operator=(...) &`): a reference
    declarator holds the next one without a field name."""
    decl = node.child_by_field_name("declarator")
    while decl is not None and next_declarator(decl) is not None:
        decl = next_declarator(decl)
    return decl


_C_KEYWORDS = {"if", "else", "while", "for", "switch", "do", "return", "case", "default", "sizeof", "goto", "break",
               "continue", "namespace", "typedef", "struct", "class", "union", "enum", "template", "using"}


def misread_function(node: Node) -> bool:
    """A C/C++ `function_definition` the parser made up around a macro it cannot expand: one whose declarators
    hold no parameter list (`NS_BEGIN namespace internal {`, read as a "function" named `namespace` whose body
    holds the namespace's functions), or whose name is a keyword (`Py_BEGIN_ALLOW_THREADS if (x) {`, a
    "function" named `if`)."""
    decl = node.child_by_field_name("declarator")
    params = False
    while decl is not None:
        params = params or decl.type == "function_declarator"
        inner = next_declarator(decl)
        if inner is None:
            break
        decl = inner
    return not params or decl is None or text_of(decl) in _C_KEYWORDS


def misread_class(node: Node | None) -> str | None:
    """C++: the name of the class a misread function stands for (`NS_BEGIN\nclass Stream {`, read as a
    "function" `Stream` after an ERROR `class`, its body holding the class's members), else None."""
    if node is None or node.type != "function_definition" or not misread_function(node):
        return None
    for child in node.children:
        words = text_of(child).split() if child.type == "ERROR" else []
        if words and words[0] in ("class", "struct"):
            if len(words) > 1:
                return words[-1]
            decl = innermost_declarator(node)
            return text_of(decl) if decl is not None and decl.type == "identifier" else None
    return None


def class_of_member(node: Node) -> str | None:
    """The misread class (`misread_class`) whose body a C++ member sits in, else None."""
    body = node.parent
    return misread_class(body.parent) if body is not None and body.type == "compound_statement" else None


def in_function_body(node: Node) -> bool:
    """Whether a C/C++ node sits in the body of a real function (not one the parser made up)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "function_definition" and not misread_function(parent):
            return True
        parent = parent.parent
    return False


def next_declarator(decl: Node) -> Node | None:
    inner = decl.child_by_field_name("declarator")
    if inner is None and decl.type == "reference_declarator" and decl.named_children:
        inner = decl.named_children[0]
    return inner


def def_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is None and node.type == "impl_item":  # Rust `impl<T> Drop for Guard<T>`: the type's name
        return re.sub(r"\s*<.*", "", text_of(node.child_by_field_name("type")), flags=re.S)
    return text_of(name if name is not None else innermost_declarator(node))


def signature_text(node: Node) -> str:
    """The name and parameters as written, with what stands between them (`inner<E>(engine: &E)`, `first<T
    extends Item>(items: T[])`): a quoted signature is the code's own text, its parameters shortened."""
    name = def_name(node)
    params = node.child_by_field_name("parameters")
    if params is None:
        decl = node.child_by_field_name("declarator")
        params = decl.child_by_field_name("parameters") if decl is not None else None
    if params is None:
        return name
    named = node.child_by_field_name("name") or innermost_declarator(node)
    between = ""
    if named is not None and named.end_byte <= params.start_byte and node.text is not None:
        between = node.text[named.end_byte - node.start_byte:params.start_byte - node.start_byte].decode(
            "utf-8", "replace")
        between = short(between, 40) if between.strip() else ""
    return f"{name}{between}{short(text_of(params), 50)}"


def class_bases(node: Node) -> list[str]:
    """Base classes and interfaces named in a class header (Python, JS/TS, Java, C++)."""
    out: list[str] = []
    supers = node.child_by_field_name("superclasses") or node.child_by_field_name("superclass")
    if supers is not None:
        for child in supers.named_children or [supers]:
            if child.type == "keyword_argument":
                continue
            out.append(text_of(child))
    for child in node.named_children:
        if child.type in ("class_heritage", "base_class_clause", "super_interfaces", "extends_interfaces"):
            for sub in child.named_children:
                if sub.type in ("extends_clause", "implements_clause", "type_list"):
                    out.extend(text_of(c) for c in sub.named_children if c.type != "type_arguments")
                elif sub.type != "access_specifier":
                    out.append(text_of(sub))
    return [short(b, 60) for b in out if b and b not in ("object",)]


def python_docstring(node: Node) -> tuple[int | None, Span | None, str | None]:
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
        existing = Span(first.start_point.row, last_row(first) + 1)
    return first.start_point.row, existing, None
