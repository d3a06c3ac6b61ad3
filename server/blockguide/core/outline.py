"""What a block does, in code order, read from the syntax tree: the facts its Execution Steps must follow.

`outline` walks the block's statements (into branches, loops, try/with bodies and cases, a few levels deep)
and turns each into an `Action`: its kind, a one-line description with real names in backticks, the calls
it makes in the order they run, the file or network I/O among them, awaits and the names it binds.
`dataflow` works out a selection's inputs (names it reads that are bound before it) and outputs (names it
binds that are read after it). One walker serves every language in languages.py: tree-sitter grammars share
most node names, and the few differences are in the tables below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from blockguide.core.blocks import Source
from blockguide.core.types import Action, Block

MAX_ACTIONS = 40
MAX_DEPTH = 4
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

# Calls that touch files or the network. Unqualified names are specific enough on their own; the qualified
# patterns name generic methods (get, open, create) only on receivers that say what they are.
_FILE_NAMES = {
    "open", "fopen", "fdopen", "freopen", "fread", "fwrite", "fgets", "fputs", "fgetc", "fputc", "fprintf",
    "fscanf", "fclose", "fflush", "read_text", "write_text", "read_bytes", "write_bytes", "readFile",
    "readFileSync", "writeFile", "writeFileSync", "appendFile", "appendFileSync", "createReadStream",
    "createWriteStream", "readdir", "readdirSync", "mkdirSync", "unlinkSync", "read_to_string", "read_dir",
    "ifstream", "ofstream", "fstream", "FileReader", "FileWriter", "FileInputStream", "FileOutputStream",
    "RandomAccessFile", "readAllLines", "readAllBytes", "readString", "writeString", "newBufferedReader",
    "newBufferedWriter", "makedirs", "rmtree", "copyfile", "copyfileobj", "NamedTemporaryFile", "mkstemp",
    "ReadFile", "WriteFile", "OpenFile", "ReadDir", "MkdirAll", "RemoveAll", "iterdir", "glob", "rglob",
    "open_binary", "open_text", "fsync", "getline",
}
_FILE_QUALIFIED = re.compile(
    r"(^|\.)(os|io|fs|ioutil|shutil|pathlib|Path|File|Files|path)(\.|::)(remove|unlink|rename|replace|mkdir|"
    r"rmdir|Create|Open|Remove|Rename|Stat|stat|create|open|read|write|copy|exists|isfile|listdir|scandir|walk)$"
)
_NET_NAMES = {
    "urlopen", "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "sendall", "recv", "recvfrom", "sendto",
    "create_connection", "getaddrinfo", "gethostbyname", "curl_easy_perform", "openConnection", "ClientSession",
    "HttpClient", "HTTPConnection", "HTTPSConnection", "Dial", "DialContext", "DialTimeout", "NewRequest",
    "NewRequestWithContext", "ListenAndServe", "urlretrieve", "make_request", "sendRequest",
}
_NET_QUALIFIED = re.compile(
    r"(^|\.)(requests|httpx|aiohttp|urllib\.request|http|https|axios|got|superagent|reqwest|ureq|socket|net|"
    r"smtplib|ftplib|session|_session|client|http_client|httpClient|conn|connection|sock|ws|TcpStream|"
    r"UdpSocket|TcpListener)(\.|::)(get|post|put|patch|delete|head|options|request|send|connect|Do|Get|Post|"
    r"Head|PostForm|urlopen|stream|fetch|bind|listen|accept|sendall|recv|write|read)$"
)


def io_kind(callee: str) -> str | None:
    """'file' or 'network' when a callee (as written: `os.remove`, `fs.readFile`, `File::open`) does I/O."""
    callee = callee.replace("?.", ".")
    last = re.split(r"\.|::", callee)[-1].rstrip("!")
    if _NET_QUALIFIED.search(callee) or last in _NET_NAMES:
        return "network"
    if _FILE_QUALIFIED.search(callee) or last in _FILE_NAMES:
        return "file"
    return None


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


def _strip_parens(text: str) -> str:
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


# --- finding the block's nodes --------------------------------------------------------------------------
def block_nodes(src: Source, block: Block) -> list[Node]:
    """The largest syntax nodes that lie inside the block's lines (its statements, or its one definition)."""
    out: list[Node] = []
    first, last = block.span.start, block.span.end - 1

    def visit(node: Node) -> None:
        start, end = node.start_point.row, _last_row(node)
        if end < first or start > last:
            return
        if start >= first and end <= last and node.parent is not None and node.is_named:
            if _is_container(src, node):  # a whole body selected: its statements, not one `block` statement
                for child in node.children:
                    visit(child)
            elif node.type not in SKIPPED:
                out.append(node)
            return
        for child in node.children:
            visit(child)

    visit(src.tree.root_node)
    return out


def _last_row(node: Node) -> int:
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


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


def definition_node(src: Source, block: Block) -> Node | None:
    """For a function/method/class block: the node that defines it (a function value for `const f = () => ...`)."""
    if block.kind == "statements":
        return None
    nodes = block_nodes(src, block)
    if len(nodes) != 1:
        return None
    node = unwrap(nodes[0])
    if node.type in ("lexical_declaration", "variable_declaration"):
        for decl in node.named_children:
            value = decl.child_by_field_name("value")
            if value is not None and value.type in src.lang.functions:
                return value
    return node


def body_of(node: Node) -> Node | None:
    body = node.child_by_field_name("body")
    if body is None:
        body = next((c for c in node.named_children if c.type in ("block", "compound_statement",
                                                                  "statement_block", "class_body")), None)
    return body


def _is_container(src: Source, node: Node) -> bool:
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
        if body is not None and not _is_container(src, body):  # `(a, b) => a + b`
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


def _skip_docstring(src: Source, stmts: list[Node]) -> list[Node]:
    if src.lang.key == "python" and stmts:
        first = stmts[0]
        if first.type == "expression_statement" and first.named_children:
            first = first.named_children[0]
        if first.type in ("string", "concatenated_string"):
            return stmts[1:]
    return stmts


def _statements(walk: _Walk, stmts: list[Node], depth: int) -> None:
    for node in stmts:
        if len(walk.actions) >= MAX_ACTIONS:
            walk.truncated += 1
            continue
        _statement(walk, node, depth)


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


def definitions(src: Source) -> list[Block]:
    """Every function, method and class in the document, outermost first (as blocks, with decorators)."""
    from blockguide.core.blocks import enclosing_definition

    out: list[Block] = []
    kinds = src.lang.definitions
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in kinds:
            name = node.child_by_field_name("name") or node.child_by_field_name("declarator")
            anchor = name if name is not None else node
            block = enclosing_definition(src, anchor.start_point.row, anchor.start_point.column)
            if block is not None and block not in out:
                out.append(block)
        stack.extend(reversed(node.named_children))
    return out


def find_definition(src: Source, dotted: str) -> Block | None:
    """The definition called `name` or `Owner.name` (the first one in the file)."""
    parts = dotted.split(".")
    found = [b for b in definitions(src) if b.name == parts[-1]]
    if len(parts) > 1:
        owners = [b for b in definitions(src) if b.name == parts[-2] and b.kind == "class"]
        found = [b for b in found if any(o.span.start <= b.span.start and b.span.end <= o.span.end
                                         for o in owners)]
    return found[0] if found else None


def _short_name(text: str, limit: int) -> str:
    """A callee as written, one line; a long one keeps its last whole parts (`converter.asTextDocument`)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    parts = re.split(r"(\.|::)", text)
    out = parts[-1]
    i = len(parts) - 2
    while i > 0 and len(parts[i - 1] + parts[i] + out) <= limit:
        out = parts[i - 1] + parts[i] + out
        i -= 2
    if any(out.count(a) != out.count(b) for a, b in ("()", "[]", "{}")) or " " in out:
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
    if fn is None or fn.type in NESTED_FUNCTIONS or _strip_parens(text_of(fn)).startswith(("func(", "function")):
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
            if not _is_container(src, c) and c.type not in ELSE_CLAUSES | CATCHES | FINALLYS | CASES | BRANCHES
            and c.type not in SKIPPED]


def _field_text(node: Node, *names: str) -> str:
    for name in names:
        child = node.child_by_field_name(name)
        if child is not None:
            return _strip_parens(text_of(child))
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
        text = f"try with resources {code(_strip_parens(text_of(resources)))}:" if resources is not None else "try:"
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
                        f"defines the {kind} {code(_signature_text(node), 60)}",
                        targets=(_name(node),) if _name(node) else ()))
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
    if alt.type in BRANCHES | ELSE_CLAUSES or _is_container(src, alt):
        walk.add(Action(alt.start_point.row, depth, "else", "else:"))
        body = alt.child_by_field_name("body") or (inner[0] if len(inner) == 1 else None)
        _body(walk, body if body is not None else alt, depth + 1)
        return
    walk.add(Action(alt.start_point.row, depth, "else", "else:"))
    _body(walk, alt, depth + 1)


def _body(walk: _Walk, node: Node | None, depth: int) -> None:
    if node is None or depth > MAX_DEPTH:
        return
    if _is_container(walk.src, node):
        _statements(walk, statements(walk.src, node), depth)
    else:
        _statement(walk, node, depth)


def _bodies(walk: _Walk, node: Node, depth: int) -> None:
    """The bodies and clauses of a loop, with, try or switch, in order."""
    src = walk.src
    for child in node.named_children:
        if child.type in CATCHES:
            what = " ".join(text_of(c) for c in child.named_children if not _is_container(src, c)
                            and c.type not in SKIPPED)
            what = _strip_parens(what)
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
        elif _is_container(src, child):
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
        elif _is_container(src, child):
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
    names = [n for n, kind, _ in _bindings_in(src, node, include_nested=False) if kind == "var"]
    return tuple(dict.fromkeys(names))


def _name(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is None:
        decl = node.child_by_field_name("declarator")
        while decl is not None and decl.child_by_field_name("declarator") is not None:
            decl = decl.child_by_field_name("declarator")
        name = decl
    return text_of(name)


def _signature_text(node: Node) -> str:
    name = _name(node)
    params = node.child_by_field_name("parameters")
    if params is None:
        decl = node.child_by_field_name("declarator")
        params = decl.child_by_field_name("parameters") if decl is not None else None
    return f"{name}{short(text_of(params), 50)}" if params is not None else name


def _class_outline(walk: _Walk, node: Node) -> None:
    """A class: what it extends, its fields and its methods (each with what it calls and returns)."""
    src = walk.src
    bases = class_bases(node)
    name = _name(node)
    if bases:
        walk.add(Action(node.start_point.row, 0, "class",
                        f"class {code(name)} extends {', '.join(code(b) for b in bases)}"))
    body = body_of(node)
    for member in statements(src, body):
        inner = unwrap(member)
        if inner.type in src.lang.functions:
            summary = _method_summary(src, inner)
            walk.add(Action(inner.start_point.row, 0, "define",
                            f"method {code(_signature_text(inner), 60)}" + (f": {summary}" if summary else ""),
                            calls=tuple(dict.fromkeys(n for n, _ in _calls_in(src, [body_of(inner) or inner]))),
                            awaits=_has(src, [body_of(inner) or inner], AWAITS),
                            targets=(_name(inner),)))
        elif inner.type in src.lang.classes:
            walk.add(Action(inner.start_point.row, 0, "define", f"nested type {code(_name(inner))}",
                            targets=(_name(inner),)))
        elif inner.type in ASSIGNS or inner.type in ("field_definition", "public_field_definition",
                                                     "property_declaration", "field_declaration"):
            targets = _targets(src, inner) or ((_name(inner),) if _name(inner) else ())
            walk.add(_action(src, inner, 0, "assign", f"field {code(text_of(inner), 60)}", head=_values(inner),
                             targets=targets))
        elif inner.type == "expression_statement" or (inner.type == "string" and src.lang.key == "python"):
            continue


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


# --- inputs and outputs of a selection ---------------------------------------------------------------------
# Where an identifier is bound: (parent node type, field of the child). Patterns in between are looked through.
_BINDING_FIELDS = {
    ("assignment", "left"), ("augmented_assignment", "left"), ("for_statement", "left"),
    ("for_in_clause", "left"), ("named_expression", "name"), ("as_pattern_target", None),
    ("function_definition", "name"), ("class_definition", "name"), ("parameters", None),
    ("lambda_parameters", None), ("default_parameter", "name"), ("typed_default_parameter", "name"),
    ("typed_parameter", None), ("aliased_import", "alias"), ("except_clause", None),
    ("variable_declarator", "name"), ("assignment_expression", "left"), ("augmented_assignment_expression", "left"),
    ("for_in_statement", "left"), ("formal_parameters", None), ("required_parameter", "pattern"),
    ("optional_parameter", "pattern"), ("catch_clause", "parameter"), ("function_declaration", "name"),
    ("generator_function_declaration", "name"), ("class_declaration", "name"), ("import_specifier", "name"),
    ("import_specifier", "alias"), ("import_clause", None), ("namespace_import", None),
    ("short_var_declaration", "left"), ("assignment_statement", "left"), ("var_spec", "name"),
    ("const_spec", "name"), ("range_clause", "left"), ("parameter_declaration", "name"),
    ("let_declaration", "pattern"), ("parameter", "pattern"), ("for_expression", "pattern"),
    ("closure_parameters", None), ("let_condition", "pattern"), ("function_item", "name"),
    ("formal_parameter", "name"), ("catch_formal_parameter", "name"), ("enhanced_for_statement", "name"),
    ("resource", "name"), ("inferred_parameters", None), ("lambda_expression", "parameters"),
    ("init_declarator", "declarator"), ("declaration", "declarator"), ("parameter_declaration", "declarator"),
    ("for_range_loop", "declarator"), ("function_declarator", "declarator"),
}
_PATTERNS = {"pattern_list", "tuple_pattern", "list_pattern", "expression_list", "pointer_declarator",
             "reference_declarator", "array_declarator", "object_pattern", "array_pattern", "rest_pattern",
             "assignment_pattern", "pair_pattern", "list_splat_pattern", "dictionary_splat_pattern",
             "tuple_struct_pattern", "struct_pattern", "field_pattern", "ref_pattern", "mut_pattern",
             "reference_pattern", "tuple", "list", "parenthesized_expression", "object_assignment_pattern",
             "as_pattern", "with_item", "with_clause", "pattern", "identifier_list", "inferred_parameters",
             "typed_parameter", "default_parameter", "typed_default_parameter"}
_IDENTIFIERS = {"identifier", "shorthand_property_identifier_pattern", "shorthand_property_identifier"}
# identifiers that name an attribute, a keyword argument or a package path, not a variable
_NOT_VARIABLES = {("attribute", "attribute"), ("keyword_argument", "name"), ("method_invocation", "name"),
                  ("field_access", "field"), ("scoped_identifier", "name"), ("macro_invocation", "macro"),
                  ("scoped_identifier", "path"), ("dotted_name", None), ("labeled_statement", "label"),
                  ("package_clause", None), ("qualified_identifier", "name"), ("method_declaration", "name"),
                  ("constructor_declaration", "name"), ("method_definition", "name")}


def _binding_kind(node: Node) -> str | None:
    """'var', 'def' or 'import' when the identifier is bound here; None when it is read."""
    child, parent = node, node.parent
    while parent is not None and parent.type in _PATTERNS:
        if parent.type in ("pair_pattern",) and parent.child_by_field_name("key") == child:
            return None
        if parent.type == "as_pattern" and parent.named_children and parent.named_children[0] == child:
            return None  # `open(p) as f`: the value is read
        if parent.type in ("typed_parameter", "typed_default_parameter", "default_parameter") and \
                child != parent.named_children[0] and parent.child_by_field_name("name") != child:
            return None  # a parameter's type or default
        if parent.type == "assignment_pattern" and parent.child_by_field_name("right") == child:
            return None
        child, parent = parent, parent.parent
    if parent is None:
        return None
    field = None
    for i in range(parent.child_count):
        if parent.children[i] == child:
            field = parent.field_name_for_child(i)
            break
    if (parent.type, field) not in _BINDING_FIELDS and (parent.type, None) not in _BINDING_FIELDS:
        return None
    if parent.type in ("except_clause",) and child.type == "identifier" and field is None:
        # `except E as e`: only the name after `as` binds (older grammars put both under the clause)
        prev = child.prev_sibling
        return "var" if prev is not None and prev.type == "as" else None
    if parent.type in ("function_definition", "class_definition", "function_declaration", "class_declaration",
                       "generator_function_declaration", "function_item", "function_declarator"):
        return "def"
    if "import" in parent.type:
        return "import"
    if parent.type in ("declaration", "init_declarator") and child.type == "function_declarator":
        return "def"
    return "var"


def _bindings_in(src: Source, root: Node, include_nested: bool = True, skip: Node | None = None):
    """(name, kind, node) for every identifier bound under root."""
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if skip is not None and node.id == skip.id:
            continue
        if node.type in _IDENTIFIERS:
            kind = _binding_kind(node)
            if kind is not None:
                out.append((text_of(node), kind, node))
            continue
        if node.type in ("import_statement", "import_from_statement", "import_declaration"):
            for ident in _descendants(node, _IDENTIFIERS):
                if ident.parent is not None and ident.parent.type in ("dotted_name",) and \
                        ident.parent.parent is not None and ident.parent.parent.type == "aliased_import":
                    continue
                if ident.parent is not None and ident.parent.type == "dotted_name":
                    # `import a.b` binds `a`; `from m import x` binds `x`
                    dotted = ident.parent
                    if dotted.named_children[0] != ident or (node.type == "import_from_statement" and
                                                             dotted == node.child_by_field_name("module_name")):
                        continue
                out.append((text_of(ident), "import", ident))
            continue
        if not include_nested and node is not root and (node.type in src.lang.functions or
                                                        node.type in NESTED_FUNCTIONS):
            if node.type in src.lang.functions:
                name = node.child_by_field_name("name")
                if name is not None:
                    out.append((text_of(name), "def", name))
            continue
        stack.extend(reversed(node.children))
    return sorted(out, key=lambda t: t[2].start_byte)


def _descendants(node: Node, types: set[str]):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(n.children)


def _reads_in(src: Source, root: Node, start_byte: int = 0, end_byte: int | None = None):
    """(name, node) for identifiers read (not bound, not attribute names) under root within the byte range."""
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.end_byte <= start_byte or (end_byte is not None and node.start_byte >= end_byte):
            continue
        if node.type in ("import_statement", "import_from_statement", "import_declaration", "use_declaration",
                         "package_declaration", "package_clause"):
            continue
        if node.type in _IDENTIFIERS:
            if node.start_byte >= start_byte and (end_byte is None or node.end_byte <= end_byte) and \
                    _binding_kind(node) is None and not _attribute_name(node):
                out.append((text_of(node), node))
            continue
        stack.extend(reversed(node.children))
    return out


def _attribute_name(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    for i in range(parent.child_count):
        if parent.children[i] == node:
            field = parent.field_name_for_child(i)
            return (parent.type, field) in _NOT_VARIABLES or (parent.type, None) in _NOT_VARIABLES
    return False


def _scope_of(src: Source, node: Node) -> Node:
    parent = node.parent
    while parent is not None:
        if parent.type in src.lang.functions or parent.type in NESTED_FUNCTIONS:
            return parent
        parent = parent.parent
    return src.tree.root_node


def dataflow(src: Source, block: Block) -> tuple[list[str], list[str]]:
    """A selection's inputs (names read in it and bound before it) and outputs (names bound in it, read after).

    Names bound by imports and definitions outside the block are not inputs: they are the names it *uses*,
    which the symbol analysis reports. Module-level variables count as inputs.
    """
    nodes = block_nodes(src, block)
    if not nodes:
        return [], []
    scope = _scope_of(src, nodes[0])
    start, end = nodes[0].start_byte, nodes[-1].end_byte
    inside_bound: dict[str, int] = {}
    for node in nodes:
        for name, kind, ident in _bindings_in(src, node):
            inside_bound.setdefault(name, ident.start_byte)
    outside: dict[str, str] = {}
    for name, kind, ident in _bindings_in(src, scope, include_nested=False):
        if not start <= ident.start_byte < end:
            outside.setdefault(name, kind) if kind == "var" else outside.setdefault(name, kind)
    if scope is not src.tree.root_node:  # module-level variables are read from inside functions too
        for name, kind, ident in _bindings_in(src, src.tree.root_node, include_nested=False):
            if kind == "var" and not start <= ident.start_byte < end:
                outside.setdefault(name, "module")
    inputs: list[str] = []
    for name, ident in _reads_in(src, scope, start, end):
        if name in inputs or outside.get(name) not in ("var", "module"):
            continue
        first_bind = inside_bound.get(name)
        if first_bind is None or first_bind > ident.start_byte or _same_statement_rhs(ident, first_bind):
            inputs.append(name)
    # locals of the enclosing function first, then module-level variables
    inputs.sort(key=lambda n: outside.get(n) == "module")
    outputs: list[str] = []
    later = _reads_in(src, scope, end, None)
    later_names = {n for n, _ in later}
    for name in inside_bound:
        if name in later_names and name not in outputs:
            outputs.append(name)
    return inputs, outputs


def _same_statement_rhs(ident: Node, first_bind: int) -> bool:
    """`x = x + 1`: the read on the right runs before the binding on the left."""
    node = ident
    while node.parent is not None and node.parent.type not in ("block", "statement_block", "module", "program"):
        node = node.parent
    return node.start_byte <= first_bind < node.end_byte and ident.start_byte > first_bind
