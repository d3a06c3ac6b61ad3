"""A Python usage example adapted from a real call site: the call as a small program, with the site's
imports, its literal arguments kept and literal locals inlined, the other arguments guessed."""

from __future__ import annotations

import ast
import re
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cachetools import LRUCache

from blockguide.core.examples.python import block_values, call_of, guess_python, render_python, with_imports
from blockguide.core.languages import LANGUAGES
from blockguide.core.python.signatures import Param, PyInfo
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import CallSite, Example, Grounding


def adapt_python_site(site: CallSite, root: Path, g: Grounding, info: PyInfo) -> tuple[Example, int] | None:
    """The call at a call site as a small program: its imports, literal arguments kept, others guessed."""
    if not info.name or g.block.kind == "statements":
        return None
    index = _site_scope(Path(root) / site.path, site.line)
    if index is None:
        return None
    calls = [n for n in index.calls if n.lineno <= site.line + 1 <= n.end_lineno and _callee_name(n.func) == info.name]
    if not calls:
        return None
    call = max(calls, key=lambda c: (c.lineno, -c.col_offset))  # the innermost on that line
    if expects_error(index.module, call):
        return None  # a test showing the error path (`with pytest.raises(BadData): f("12345")`): no example of use
    imports = _module_imports(index.imports, site.path)
    literals = _local_literals(index, call)
    given: dict[str, str] = {}
    kept = 0
    positional = [p for p in info.params if p.kind in ("positional", "posonly")]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if len(call.args) > len(positional) and not any(p.kind == "varargs" for p in info.params):
        return None
    needed: list[str] = []
    from_block: list[tuple[dict[str, str], list[tuple[str, str]]]] = []

    def fill(param: Param) -> str:  # an argument the site's code cannot give: what the block gives it
        if not from_block:
            from_block.append(block_values(g, info))
        return from_block[0][0].get(param.name) or guess_python(param)

    for arg, param in zip(call.args, positional):
        value = _portable(arg, imports, literals, needed)
        if value == "None":  # a local first set to None (`handler = None`, then chosen): no value to copy
            value = None
        kept += value is not None
        given[param.name] = value or fill(param)
    known = {p.name for p in info.params}
    for kw in call.keywords:
        if kw.arg not in known and not any(p.kind == "varkw" for p in info.params):
            return None
        value = _portable(kw.value, imports, literals, needed)
        if value is not None:
            given[kw.arg] = value
            kept += 1
        elif kw.arg in known and next(p for p in info.params if p.name == kw.arg).required:
            given[kw.arg] = fill(next(p for p in info.params if p.name == kw.arg))
    args = _call_args_given(info.params, given)
    setup, text = call_of(g, info, args)
    head = [g.import_line] if g.import_line else []
    used = [n for n in (from_block[0][1] if from_block else []) if any(f"{n[1]}(" in v for v in given.values())]
    return Example("python", render_python(with_imports(head + needed, used), setup, text, info)), kept


_RAISES = re.compile(r"(^|\.)(raises|assertRaises\w*|assertWarns\w*|expectedFailure)$")


def expects_error(module: ast.Module, call: ast.Call) -> bool:
    """The call is inside a `with pytest.raises(...)` / `with self.assertRaises(...)` block: the test expects it
    to fail."""
    for node in ast.walk(module):
        if isinstance(node, (ast.With, ast.AsyncWith)) and node.lineno <= call.lineno <= (node.end_lineno or 0):
            for item in node.items:
                ctx = item.context_expr
                if isinstance(ctx, ast.Call) and _RAISES.search(ast.unparse(ctx.func)):
                    return True
    return False


def _call_args_given(params: list[Param], given: dict[str, str]) -> str:
    out = []
    for p in params:
        if p.name not in given:
            if p.required:
                out.append(f"{p.name}={guess_python(p)}" if p.kind == "keyword" else guess_python(p))
            continue
        out.append(f"{p.name}={given[p.name]}" if p.kind == "keyword" or out and "=" in out[-1] else given[p.name])
    return ", ".join(out)


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


@dataclass
class _SiteIndex:
    """What adapt_python_site reads around one call site: the code of the function (or top-level
    statement) holding the call, parsed with `ast` at the file's line numbers, and the file's imports."""
    module: ast.Module
    calls: list[ast.Call] = field(default_factory=list)
    imports: list[ast.stmt] = field(default_factory=list)
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)
    constants: list[ast.stmt] = field(default_factory=list)  # the file's short top-level assignments


@dataclass
class _SiteFile:
    src: Source
    imports: list[ast.stmt]
    constants: list[ast.stmt]


# The call sites' files parsed, by (path, mtime, size): the eight most recently used.
_site_files: LRUCache = LRUCache(maxsize=8)
_site_files_lock = threading.Lock()


_IMPORTS = ("import_statement", "import_from_statement", "future_import_statement")


_COMPOUND = ("try_statement", "if_statement", "with_statement", "block", "else_clause", "except_clause",
             "finally_clause", "elif_clause")


def _site_file(file: Path) -> _SiteFile | None:
    """A call site's file parsed with tree-sitter, and its module-level imports (also those one level down
    in try/if/with) parsed with `ast`; kept for the next block while the file is unchanged (eight files).
    Test modules are large: only the code around each call is given to `ast`."""
    try:
        st = file.stat()
        key = (str(file), st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    with _site_files_lock:
        if key in _site_files:
            return _site_files[key]
    try:
        src = Source(LANGUAGES["python"], file.read_text("utf-8", errors="replace"))
    except (OSError, ValueError):
        found = None
    else:
        imports: list[ast.stmt] = []
        constants: list[ast.stmt] = []
        todo = list(src.tree.root_node.children)
        while todo:
            node = todo.pop(0)
            if node.type in _IMPORTS or (node.type in ("assignment", "expression_statement") and
                                         node.parent.type == "module" and
                                         node.end_byte - node.start_byte < 300):
                try:
                    parsed = ast.parse(text_of(node)).body
                except SyntaxError:
                    continue
                for stmt in parsed:
                    ast.increment_lineno(stmt, node.start_point.row)
                (imports if node.type in _IMPORTS else constants).extend(parsed)
            elif node.type in _COMPOUND and node.parent is not None and (
                    node.parent.type == "module" or node.parent.type in _COMPOUND):
                todo.extend(node.children)
        found = _SiteFile(src, imports, constants)
    with _site_files_lock:
        _site_files[key] = found
    return found


def _site_scope(file: Path, line: int) -> _SiteIndex | None:
    """The innermost function around `line` (0-based), else the top-level statement holding it."""
    sf = _site_file(file)
    if sf is None:
        return None
    root = sf.src.tree.root_node
    text = sf.src.line(line)
    node = root.descendant_for_point_range((line, len(text) - len(text.lstrip())), (line, len(text.rstrip())))
    scope = None
    while node is not None and node.parent is not None:
        if node.type == "function_definition" and scope is None:
            scope = node
        if node.parent.type == "module" and scope is None:
            scope = node
        node = node.parent
    if scope is None:
        return None
    first, last = scope.start_point.row, scope.end_point.row
    code = "\n".join(sf.src.line(i) for i in range(first, last + 1))
    try:
        tree = ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    ast.increment_lineno(tree, first)
    index = _SiteIndex(tree, imports=list(sf.imports), constants=sf.constants)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            index.calls.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            index.imports.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            index.functions.append(node)
    return index


def _module_imports(nodes: list[ast.stmt], site_path: str) -> dict[str, str]:
    """name → the absolute import line that binds it in the call site's file (relative imports resolved)."""
    package = ".".join(Path(site_path).with_suffix("").parts[:-1])
    if package.startswith("src."):
        package = package[4:]
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                bound = a.asname or a.name.split(".")[0]
                out[bound] = f"import {a.name}" + (f" as {a.asname}" if a.asname else "")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, module] if module else base)
            if not module:
                continue
            for a in node.names:
                if a.name == "*":
                    continue
                out[a.asname or a.name] = f"from {module} import {a.name}" + (f" as {a.asname}" if a.asname else "")
    return out


def _local_literals(index: _SiteIndex, call: ast.Call) -> dict[str, str]:
    """Names assigned a literal before the call in the same function, or at the module's top level:
    inlined into the example."""
    scope = None
    for node in index.functions:
        if node.lineno <= call.lineno <= (node.end_lineno or node.lineno):
            if scope is None or node.lineno > scope.lineno:
                scope = node
    body = [*index.constants, *(ast.walk(scope) if scope is not None else index.module.body)]
    out: dict[str, str] = {}
    for node in body:
        if isinstance(node, ast.Assign) and node.lineno < call.lineno and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and _is_literal(node.value):
            out[node.targets[0].id] = ast.unparse(node.value)
    return out


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return len(ast.unparse(node)) <= 120


def _portable(arg: ast.expr, imports: dict[str, str], literals: dict[str, str], needed: list[str]) -> str | None:
    """The argument as code that runs on its own: literals, imported names, inlined literal locals."""
    if _is_literal(arg):
        return ast.unparse(arg)
    if isinstance(arg, ast.Name) and arg.id in literals:
        return literals[arg.id]
    names = {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
    if any(isinstance(n, (ast.Call, ast.Lambda, ast.Await, ast.Yield)) for n in ast.walk(arg)):
        return None
    if names and all(n in imports for n in names) and len(ast.unparse(arg)) <= 80:
        for n in sorted(names):
            needed.append(imports[n])
        return ast.unparse(arg)
    return None
