"""Usage examples blockguide writes itself: adapted from a real call site, or built from the signature.

Used as the model's starting point (the prompt shows it), as the fallback when the model's example fails its
checks, and by the guide built without a model. Every example is checked with core.verify before it is
used; the user's code is only read (ast, tree-sitter), never imported or run.
"""

from __future__ import annotations

import ast
import logging
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tree_sitter import Node

from blockguide.core.syntax.nodes import body_of, definition_node, statements, text_of, unwrap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.python.jedi_session import JEDI_LOCK
from blockguide.core.types import CallSite, Example, Grounding

MAX_SITES_TRIED = 6
# The example checker, passed in by the caller (examples never import the checks).
Check = Callable[[Example, Grounding], list[str]]
log = logging.getLogger(__name__)


def attach(g: Grounding, src: Source, path: Path | None, root: Path | None, check: Check) -> None:
    """Build the usage example blockguide would write itself (adapted from a call site, else from the
    signature) and set it on the grounding: `g.example` and `g.example_source`. Run after grounding."""
    try:
        with JEDI_LOCK:
            built = build(g, src, path, root, check)
    except Exception as exc:
        log.warning("could not build an example for %s: %s", path, exc, exc_info=True)
        return
    if built is not None:
        g.example, g.example_source = built


def build(g: Grounding, src: Source, path: Path | None, root: Path | None,
          check: Check) -> tuple[Example, str | None] | None:
    """(example, "path:line" of the call site it came from, or None when built from the signature).

    `check` answers an example's problems (core.checks.check_example): a call site's adaptation is used
    only when it passes.
    """
    block = g.block
    if block.kind == "statements" and block.indent:
        inner = _enclosing_grounding(g, src)
        if inner is not None:
            built = build(inner, src, path, root, check)
            if built is not None:
                g.notes.append(f"These statements run inside `{inner.block.name}`: a usage example calls "
                               f"`{inner.block.name}`.")
                return built
    if block.language == "python":
        info = python_info(g, src)
        best: tuple[int, Example, str] | None = None
        for site in g.call_sites[:MAX_SITES_TRIED] if root is not None else []:
            adapted = _adapt_python_site(site, root, g, info)
            if adapted is None:
                continue
            example, kept = adapted
            # the site whose real arguments survive best (tests and examples come first on a tie)
            if (best is None or kept > best[0]) and not check(example, g):
                best = (kept, example, f"{site.path}:{site.line + 1}")
        if best is not None:
            return best[1], best[2]
        return python_from_signature(g, info), None
    made = generic_from_signature(g, src)
    return (made, None) if made is not None else None


def _enclosing_grounding(g: Grounding, src: Source) -> Grounding | None:
    """A grounding for the function around a selection of statements (what a caller runs to reach them)."""
    from blockguide.core.syntax.blocks import enclosing_definition

    block = g.block
    line = src.line(block.span.start)
    enc = enclosing_definition(src, block.span.start, len(line) - len(line.lstrip()))
    if enc is None or enc.kind == "class" or not enc.name:
        return None
    inner = Grounding(block=enc, path=g.path, module=g.module, root=g.root)
    if block.language == "python" and g.module:
        if enc.kind == "function" and not enc.indent:
            inner.import_line = f"from {g.module} import {enc.name}"
        elif enc.kind == "method":
            owner = _owner_class(src, enc)
            if owner is not None and owner.start_point.column == 0:
                inner.import_line = f"from {g.module} import {text_of(owner.child_by_field_name('name'))}"
    elif g.import_line is None and block.language != "python":
        return None
    return inner


# --- Python -------------------------------------------------------------------------------------------------
@dataclass
class Param:
    name: str
    kind: str = "positional"  # positional, posonly, keyword, varargs, varkw
    default: str | None = None
    annotation: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None and self.kind in ("positional", "posonly", "keyword")


@dataclass
class PyInfo:
    """What an example needs to know about a Python block."""

    name: str | None
    kind: str  # function, method, class, statements
    params: list[Param] = field(default_factory=list)  # without self/cls
    is_async: bool = False
    is_generator: bool = False
    is_property: bool = False
    is_static: bool = False  # staticmethod or classmethod: called on the class
    is_contextmanager: bool = False
    owner: str | None = None  # the class of a method
    owner_params: list[Param] = field(default_factory=list)  # the owner's __init__ parameters


def params_of(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, drop_first: bool = False) -> list[Param]:
    a = fn.args
    out: list[Param] = []
    positional = [(p, "posonly") for p in a.posonlyargs] + [(p, "positional") for p in a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for (p, kind), d in zip(positional, defaults):
        out.append(Param(p.arg, kind, ast.unparse(d) if d is not None else None,
                         ast.unparse(p.annotation) if p.annotation is not None else None))
    if a.vararg:
        out.append(Param(a.vararg.arg, "varargs"))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append(Param(p.arg, "keyword", ast.unparse(d) if d is not None else None,
                         ast.unparse(p.annotation) if p.annotation is not None else None))
    if a.kwarg:
        out.append(Param(a.kwarg.arg, "varkw"))
    if drop_first and out and out[0].kind in ("positional", "posonly"):
        out = out[1:]
    return out


def params_from_signature(signature: str) -> list[Param] | None:
    """Parameters from a jedi signature string such as `quote(string: str, safe="/") -> str`."""
    head = signature.split("->")[0].strip()
    m = re.match(r"^[\w.]+\s*(\(.*\))\s*$", head, re.S)
    if not m:
        return None
    try:
        tree = ast.parse(f"def _f{m.group(1)}: pass")
    except SyntaxError:
        return None
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    params = params_of(fn)
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return params


def _decorators(fn) -> set[str]:
    names = set()
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        names.add(ast.unparse(target).split(".")[-1])
    return names


def _parse_block(text: str) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(text))
    except SyntaxError:
        return None


def python_info(g: Grounding, src: Source) -> PyInfo:
    block = g.block
    info = PyInfo(block.name, block.kind)
    tree = _parse_block(block.text)
    node = next((n for n in (tree.body if tree else []) if getattr(n, "name", None) == block.name), None)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        decorators = _decorators(node)
        info.is_async = isinstance(node, ast.AsyncFunctionDef)
        info.is_generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(node))
        info.is_property = bool(decorators & {"property", "cached_property"})
        info.is_static = bool(decorators & {"staticmethod", "classmethod"})
        info.is_contextmanager = bool(decorators & {"contextmanager", "asynccontextmanager"})
        drop = block.kind == "method" and "staticmethod" not in decorators
        info.params = params_of(node, drop_first=drop)
    elif isinstance(node, ast.ClassDef):
        init = next((n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == "__init__"), None)
        if init is not None:
            info.params = params_of(init, drop_first=True)
        else:
            own = next((s for s in g.defines if s.name == block.name and s.signature), None)
            info.params = (params_from_signature(own.signature) or []) if own else []
            if not own and _is_dataclass(node):
                info.params = _dataclass_params(node)
    if block.kind == "method":
        owner = _owner_class(src, block) if src.text != block.text else None
        if owner is None and g.import_line:
            info.owner = g.import_line.rsplit(" import ", 1)[-1].strip()
        if owner is not None:
            info.owner = text_of(owner.child_by_field_name("name"))
            owner_tree = _parse_block(_class_skeleton(src, owner))
            cls = owner_tree.body[0] if owner_tree and owner_tree.body else None
            if isinstance(cls, ast.ClassDef):
                init = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and n.name == "__init__"), None)
                if init is not None:
                    info.owner_params = params_of(init, drop_first=True)
                elif _is_dataclass(cls):
                    info.owner_params = _dataclass_params(cls)
    return info


def _class_skeleton(src: Source, cls: Node) -> str:
    """The class's decorators and header, its `__init__` and its annotated fields: what python_info reads,
    without parsing a class of thousands of lines with `ast` for each method documented in it."""
    outer = cls.parent if cls.parent is not None and cls.parent.type == "decorated_definition" else cls
    body = body_of(cls)
    if body is None:
        return text_of(outer)
    head = " " * outer.start_point.column + src.data[outer.start_byte:body.start_byte].decode("utf-8", "replace")
    kept = []
    for member in statements(src, body):
        inner = unwrap(member)
        name = inner.child_by_field_name("name")
        if inner.type == "function_definition" and name is not None and text_of(name) == "__init__":
            kept.append(member)
        elif member.type in ("assignment", "expression_statement") and \
                ":" in text_of(member).split("=", 1)[0]:
            kept.append(member)
    if not kept:
        return head.rstrip() + "\n" + " " * (outer.start_point.column + 4) + "pass\n"
    return head.rstrip() + "\n" + "\n".join(" " * m.start_point.column + text_of(m) for m in kept) + "\n"


def _is_dataclass(cls: ast.ClassDef) -> bool:
    return any("dataclass" in ast.unparse(d) or "attr" in ast.unparse(d) for d in cls.decorator_list)


def _dataclass_params(cls: ast.ClassDef) -> list[Param]:
    out = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                "ClassVar" not in ast.unparse(stmt.annotation):
            out.append(Param(stmt.target.id, "positional", ast.unparse(stmt.value) if stmt.value else None,
                             ast.unparse(stmt.annotation)))
    return out


def _own_nodes(fn):
    """Nodes of a function body, not of functions nested in it."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _owner_class(src: Source, block) -> Node | None:
    node = definition_node(src, block)
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    return parent


_URLISH = re.compile(r"(url|uri|link|href|endpoint)s?$", re.I)
_PATHISH = re.compile(r"(path|file|filename|fname|dir|directory|folder)$", re.I)


def guess_python(p: Param) -> str:
    """A plausible literal for a required parameter, from its annotation or its name."""
    name, ann = p.name.lower(), (p.annotation or "").replace(" ", "")
    if _URLISH.search(name):
        return '"https://example.com/path?q=1"'
    if _PATHISH.search(name):
        return '"example.txt"'
    if ann in ("str", "Optional[str]", "str|None", "AnyStr"):
        return '"example"'
    if ann in ("int", "Optional[int]", "int|None") or re.search(r"^(n|num|count|size|limit|length|index|idx|"
                                                              r"number|max_\w+|min_\w+|port|level|depth)$", name):
        return "3"
    if ann in ("float",) or name in ("timeout", "delay", "ratio", "rate", "seconds", "interval"):
        return "1.5"
    if ann in ("bool",) or name.startswith(("is_", "has_", "use_", "allow_", "enable")):
        return "True"
    if ann.startswith(("bytes", "bytearray")) or name in ("data_bytes", "raw", "payload_bytes"):
        return 'b"example"'
    if ann.startswith(("list", "List", "Sequence", "Iterable", "tuple", "Tuple")) or \
            name in ("items", "values", "elements", "args", "names", "keys", "lines", "parts"):
        return '["a", "b"]'
    if ann.startswith(("dict", "Dict", "Mapping")) or name in ("headers", "params", "options", "mapping",
                                                                "kwargs", "config", "settings", "data", "context"):
        return '{"key": "value"}'
    if ann.startswith(("Callable", "callable")) or name in ("func", "fn", "callback", "handler", "hook", "f"):
        return "print"
    if name in ("text", "string", "s", "name", "key", "value", "title", "label", "prefix", "suffix", "sep",
                "separator", "message", "msg", "word", "query", "pattern", "content", "line", "char", "encoding",
                "method", "host", "domain", "scheme", "username", "password", "token", "prompt", "model"):
        return '"example"'
    return "None"


def _call_args(params: list[Param], given: dict[str, str] | None = None) -> str:
    """Arguments for the required parameters: positional in order, keyword-only by name."""
    given = given or {}
    out = []
    for p in params:
        if p.kind in ("positional", "posonly") and (p.required or p.name in given):
            out.append(given.get(p.name) or guess_python(p))
        elif p.kind == "keyword" and (p.required or p.name in given):
            out.append(f"{p.name}={given.get(p.name) or guess_python(p)}")
    return ", ".join(out)


def _render_python(imports: list[str], setup: list[str], call: str, info: PyInfo) -> str:
    """The program around a call: result printed, generators iterated, async code run with asyncio.run."""
    if info.kind == "class":
        body = [f"obj = {call}", "print(obj)"]
    elif info.is_property:
        body = [f"print({call})"]
    elif info.is_contextmanager:
        body = [f"{'async ' if info.is_async else ''}with {call} as value:", "    print(value)"]
    elif info.is_generator:
        body = [f"{'async ' if info.is_async else ''}for item in {call}:", "    print(item)"]
    elif info.is_async:
        body = [f"result = await {call}", "print(result)"]
    else:
        body = [f"result = {call}", "print(result)"]
    lines = list(dict.fromkeys(i for i in imports if i))
    if info.is_async and "import asyncio" not in lines:
        lines.insert(0, "import asyncio")
    out = "\n".join(lines) + "\n\n"
    if info.is_async:
        out += "\nasync def main():\n" + "\n".join("    " + l for l in setup + body) + "\n\n\nasyncio.run(main())\n"
    else:
        out += "\n".join(setup + body) + "\n"
    return out.strip("\n") + "\n"


def python_from_signature(g: Grounding, info: PyInfo) -> Example:
    block = g.block
    imports = [g.import_line] if g.import_line else []
    if block.kind == "statements" or not info.name:
        return _python_statements_example(g)
    setup: list[str] = []
    if block.kind == "method" and info.owner:
        if info.is_static:
            target = info.owner
        else:
            setup.append(f"obj = {info.owner}({_call_args(info.owner_params)})")
            target = "obj"
        call = f"{target}.{info.name}" if info.is_property else f"{target}.{info.name}({_call_args(info.params)})"
    elif not g.import_line and g.module is None:
        call = f"{info.name}({_call_args(info.params)})"
    else:
        call = f"{info.name}({_call_args(info.params)})"
    if not g.import_line:
        setup.insert(0, f"# `{info.name}` is not importable from another module; this runs where it is defined")
    return Example("python", _render_python(imports, setup, call, info))


def _python_statements_example(g: Grounding) -> Example:
    """Statements run where they are: show how to reach them (their function, or importing their module)."""
    lines = []
    if g.module and not g.block.indent:
        names = [o for o in g.outputs if o.isidentifier()] or [t for a in g.flow for t in a.targets if a.depth == 0]
        names = [n for n in dict.fromkeys(names) if not n.startswith("_")][:3]
        if names:
            lines.append(f"from {g.module} import {', '.join(names)}")
            lines.append("")
            lines += [f"print({n})" for n in names]
        else:
            lines.append(f"import {g.module}  # importing the module runs these statements")
        return Example("python", "\n".join(lines) + "\n")
    code = textwrap.dedent(g.block.text)
    inputs = [f"{name} = ...  # set this input first" for name in g.inputs]
    outputs = [f"print({name})" for name in g.outputs]
    return Example("python", "\n".join(inputs + [code.rstrip()] + outputs) + "\n")


def _adapt_python_site(site: CallSite, root: Path, g: Grounding, info: PyInfo) -> tuple[Example, int] | None:
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
    for arg, param in zip(call.args, positional):
        value = _portable(arg, imports, literals, needed)
        kept += value is not None
        given[param.name] = value or guess_python(param)
    known = {p.name for p in info.params}
    for kw in call.keywords:
        if kw.arg not in known and not any(p.kind == "varkw" for p in info.params):
            return None
        value = _portable(kw.value, imports, literals, needed)
        if value is not None:
            given[kw.arg] = value
            kept += 1
        elif kw.arg in known and next(p for p in info.params if p.name == kw.arg).required:
            given[kw.arg] = guess_python(next(p for p in info.params if p.name == kw.arg))
    args = _call_args_given(info.params, given)
    setup: list[str] = []
    if g.block.kind == "method" and info.owner:
        if info.is_static:
            target = info.owner
        else:
            setup.append(f"obj = {info.owner}({_call_args(info.owner_params)})")
            target = "obj"
        text = f"{target}.{info.name}" if info.is_property else f"{target}.{info.name}({args})"
    else:
        text = f"{info.name}({args})"
    head = [g.import_line] if g.import_line else []
    return Example("python", _render_python(head + needed, setup, text, info)), kept


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
    """What _adapt_python_site reads around one call site: the code of the function (or top-level
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


_site_files: dict[tuple[str, int, int], _SiteFile | None] = {}
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
    if key in _site_files:
        _site_files[key] = _site_files.pop(key)  # most recent last
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
    _site_files[key] = found
    while len(_site_files) > 8:
        _site_files.pop(next(iter(_site_files)))
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


# --- other languages, from the signature --------------------------------------------------------------------
@dataclass
class GenericParam:
    name: str
    type: str = ""


def generic_params(node: Node | None) -> list[GenericParam]:
    """Parameters of a function node in any grammar: name and type text."""
    if node is None:
        return []
    params = node.child_by_field_name("parameters")
    if params is None:
        decl = node.child_by_field_name("declarator")
        while decl is not None and params is None:
            params = decl.child_by_field_name("parameters")
            decl = decl.child_by_field_name("declarator")
    out: list[GenericParam] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type in ("comment", "self_parameter", "variadic_parameter", "line_comment", "block_comment"):
            continue
        if p.type == "identifier":  # JS `(a, b)`
            out.append(GenericParam(text_of(p)))
            continue
        name_node = p.child_by_field_name("pattern") or p.child_by_field_name("name") or \
            p.child_by_field_name("declarator") or p.child_by_field_name("left")
        type_node = p.child_by_field_name("type")
        name = text_of(name_node) if name_node is not None else text_of(p)
        type_text = text_of(type_node).lstrip(":").strip() if type_node is not None else ""
        if p.type in ("parameter_declaration",) and type_node is not None and name_node is not None:
            declarator = text_of(name_node)
            if declarator.startswith("*") or declarator.startswith("&"):
                type_text += declarator[0]
            name = declarator.lstrip("*& ")
        if p.type == "assignment_pattern":  # JS default value: optional
            continue
        if p.type in ("optional_parameter", "rest_pattern", "rest_parameter"):
            continue
        if p.type == "parameter_declaration" and src_lang_is_go(p):
            names = [text_of(c) for c in p.children_by_field_name("name")]
            out += [GenericParam(n, type_text) for n in names]
            continue
        if name in ("void", "") or name.startswith("..."):
            continue
        out.append(GenericParam(re.sub(r"[^\w]", "", name) or name, type_text))
    return out


def src_lang_is_go(node: Node) -> bool:
    return len(node.children_by_field_name("name")) > 1


def _guess(lang: str, p: GenericParam) -> str:
    t, name = p.type.replace(" ", ""), p.name.lower()
    stringy = re.search(r"string|str\b|&str|char\*|String", t) or (not t and re.search(
        r"(name|text|str|path|url|uri|key|msg|message|title|label|prefix|suffix|sep|query|id)$", name))
    if lang == "go":
        if t == "string":
            return '"example.txt"' if _PATHISH.search(name) else '"example"'
        if re.fullmatch(r"u?int\d*|byte|rune|uintptr", t):
            return "3"
        if re.fullmatch(r"float\d+", t):
            return "1.5"
        if t == "bool":
            return "true"
        if t.startswith("[]byte"):
            return '[]byte("example")'
        if t.startswith(("*", "[]", "map[", "func", "chan")) or t in ("error", "interface{}", "any"):
            return "nil"
        if "." in t:
            return f"{t}{{}}" if not t.startswith("*") else "nil"
        return f"{t}{{}}" if t and t[0].isupper() else "nil"
    if lang == "rust":
        if t in ("&str",):
            return '"example"'
        if t == "String":
            return 'String::from("example")'
        if re.fullmatch(r"[iu](8|16|32|64|128|size)", t):
            return "3"
        if re.fullmatch(r"f(32|64)", t):
            return "1.5"
        if t == "bool":
            return "true"
        if t.startswith("&[u8]"):
            return 'b"example"'
        if t.startswith("&"):
            return "&Default::default()"
        return "Default::default()"
    if lang == "java":
        if t == "String":
            return '"example"'
        if t in ("int", "long", "short", "byte", "Integer", "Long"):
            return "3"
        if t in ("double", "float", "Double", "Float"):
            return "1.5"
        if t in ("boolean", "Boolean"):
            return "true"
        if t == "char":
            return "'a'"
        return "null"
    if lang in ("c", "cpp"):
        if "char*" in t or "string" in t:
            return '"example.txt"' if _PATHISH.search(name) else '"example"'
        if re.search(r"\b(int|long|short|size_t|unsigned|int\d+_t|uint\d+_t)\b", p.type):
            return "3"
        if re.search(r"\b(double|float)\b", p.type):
            return "1.5"
        if "bool" in t:
            return "true"
        if "*" in t:
            return "NULL" if lang == "c" else "nullptr"
        return "{}"
    # JavaScript / TypeScript
    if t in ("string",) or (not t and stringy):
        return '"https://example.com"' if _URLISH.search(name) else '"example"'
    if t == "number" or re.search(r"^(n|num|count|size|limit|ms|wait|delay|timeout|index|length|max|min)$", name):
        return "100" if name in ("ms", "wait", "delay", "timeout") else "3"
    if t == "boolean":
        return "true"
    if t.endswith("[]") or t.startswith("Array") or name in ("items", "list", "values", "array", "arr"):
        return "[1, 2, 3]"
    if "=>" in t or t == "Function" or name in ("fn", "func", "callback", "cb", "handler", "listener"):
        return '() => console.log("called")'
    return "{}"


def generic_from_signature(g: Grounding, src: Source) -> Example | None:
    block = g.block
    lang = LANGUAGES[block.language]
    if not block.name:
        return Example(lang.fence_tag, block.text.strip("\n"))
    node = definition_node(src, block)
    params = generic_params(node if node is not None and node.type in lang.functions else None)
    maker = {"javascript": _js, "typescript": _js, "tsx": _js, "go": _go, "rust": _rust, "java": _java,
             "c": _c, "cpp": _cpp}.get(block.language)
    code = maker(g, src, node, params) if maker else None
    return Example(lang.fence_tag, code) if code else None


def _args(lang: str, params: list[GenericParam]) -> str:
    return ", ".join(_guess(lang, p) for p in params)


def _class_node_of(src: Source, node: Node | None) -> Node | None:
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    return parent


def _constructor_params(src: Source, cls: Node | None, names: tuple[str, ...]) -> list[GenericParam]:
    if cls is None:
        return []
    for member in statements(src, body_of(cls)):
        inner = unwrap(member)
        if text_of(inner.child_by_field_name("name")) in names or inner.type == "constructor_declaration":
            return generic_params(inner)
    return []


def _js(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else \
        [f"// `{block.name}` is not exported: this runs in the module that defines it", ""]
    is_async = node is not None and text_of(node).lstrip().startswith(("async", "export async"))
    is_gen = node is not None and ("generator" in node.type or text_of(node).split("(")[0].count("*") > 0)
    aw = "await " if is_async else ""
    if block.kind == "class":
        ctor = _constructor_params(src, node, ("constructor",))
        body = [f"const obj = new {block.name}({_args('javascript', ctor)});", "console.log(obj);"]
    elif block.kind == "method":
        cls = _class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else "Owner"
        static = node is not None and text_of(node).lstrip().startswith("static")
        ctor = _constructor_params(src, cls, ("constructor",))
        target = owner if static else "obj"
        body = [] if static else [f"const obj = new {owner}({_args('javascript', ctor)});"]
        call = f"{target}.{block.name}({_args('javascript', params)})"
        body += [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    else:
        call = f"{block.name}({_args('javascript', params)})"
        body = [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    return "\n".join(head + body) + "\n"


def _go(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    package = re.search(r"^\s*package\s+(\w+)", src.text, re.M)
    pkg = package.group(1) if package else "main"
    qualified = bool(g.import_line) and block.name[:1].isupper()
    prefix = f"{pkg}." if qualified else ""
    imports = ['"fmt"'] + ([f'"{g.module}"'] if qualified else [])
    results = 0
    if node is not None:
        result = node.child_by_field_name("result")
        if result is not None:
            results = len(result.named_children) if result.type == "parameter_list" else 1
    body: list[str] = []
    if block.kind == "class":
        body = [f"var value {prefix}{block.name}", 'fmt.Printf("%+v\\n", value)']
    else:
        call = f"{prefix}{block.name}({_args('go', params)})"
        receiver = node.child_by_field_name("receiver") if node is not None and \
            node.type == "method_declaration" else None
        if receiver is not None:
            rtype = re.sub(r"^\(?\s*\w*\s*", "", text_of(receiver).strip("()")).strip()
            base = rtype.lstrip("*")
            body.append(f"value := &{prefix}{base}{{}}" if rtype.startswith("*") else f"var value {prefix}{base}")
            call = f"value.{block.name}({_args('go', params)})"
        if results == 0:
            body.append(call)
        else:
            names = ["result"] if results == 1 else [f"r{i}" for i in range(results - 1)] + ["err"]
            body.append(f"{', '.join(names)} := {call}")
            body.append(f"fmt.Println({', '.join(names)})")
    if not qualified:
        body.insert(0, f"// `{block.name}` is not exported: this runs inside package {pkg}"
                    if not block.name[:1].isupper() else
                    f"// no go.mod names package {pkg}'s import path: this runs inside package {pkg}")
    lines = ["package main", "", "import ("] + [f"\t{i}" for i in imports] + [")", "", "func main() {"]
    lines += [f"\t{l}" for l in body] + ["}"]
    return "\n".join(lines) + "\n"


def _rust(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    is_async = bool(re.match(r"^\s*(pub(\([^)]*\))?\s+)?async\b", text))
    aw = ".await" if is_async else ""
    if block.kind == "class":
        body = [f"let value: {block.name} = todo!(\"build a {block.name}\");", "let _ = value;"]
    elif block.kind == "method":
        impl = _class_node_of(src, node)
        owner = text_of(impl.child_by_field_name("type")) if impl is not None else "Self"
        has_self = node is not None and any(c.type == "self_parameter" for c in
                                            (node.child_by_field_name("parameters") or node).named_children)
        if has_self:
            ctor = "new" if re.search(r"\bfn\s+new\s*\(", text_of(impl) if impl is not None else "") else None
            ctor_params = _constructor_params(src, impl, ("new",)) if ctor else []
            make = f"{owner}::new({_args('rust', ctor_params)})" if ctor else f"{owner}::default()"
            body = [f"let value = {make};", f"let result = value.{block.name}({_args('rust', params)}){aw};"]
        else:
            body = [f"let result = {owner}::{block.name}({_args('rust', params)}){aw};"]
        body.append('println!("{:?}", result);')
    else:
        body = [f"let result = {block.name}({_args('rust', params)}){aw};", 'println!("{:?}", result);']
    main = ["#[tokio::main]", "async fn main() {"] if is_async else ["fn main() {"]
    return "\n".join(head + main + [f"    {l}" for l in body] + ["}"]) + "\n"


def _java(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    if block.kind == "class":
        ctor = _constructor_params(src, node, (block.name,))
        body = [f"{block.name} value = new {block.name}({_args('java', ctor)});", "System.out.println(value);"]
    else:
        cls = _class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else "Owner"
        static = bool(re.search(r"\bstatic\b", text.split("(")[0]))
        returns = text_of(node.child_by_field_name("type")) if node is not None else "void"
        ctor = _constructor_params(src, cls, (owner,))
        body = [] if static else [f"{owner} value = new {owner}({_args('java', ctor)});"]
        call = f"{owner if static else 'value'}.{block.name}({_args('java', params)})"
        if block.kind == "method" and node is not None and node.type == "constructor_declaration":
            body = [f"{owner} value = new {owner}({_args('java', params)});", "System.out.println(value);"]
        elif returns == "void":
            body.append(f"{call};")
        else:
            body += [f"var result = {call};", "System.out.println(result);"]
    return "\n".join(head + ["public class Example {", "    public static void main(String[] args) throws Exception {"]
                     + [f"        {l}" for l in body] + ["    }", "}"]) + "\n"


_PRINTF = {"int": "%d", "long": "%ld", "unsigned": "%u", "size_t": "%zu", "double": "%f", "float": "%f",
           "char*": "%s", "constchar*": "%s", "bool": "%d", "ssize_t": "%zd"}


def _c(g: Grounding, src: Source, node: Node | None, params: list[GenericParam], cpp: bool = False) -> str:
    block = g.block
    lang = "cpp" if cpp else "c"
    head = ["#include <iostream>" if cpp else "#include <stdio.h>"]
    if g.import_line:
        head.append(g.import_line)
    head.append("")
    if block.kind == "class":
        body = [f"{block.name} value{{}};" if cpp else f"struct {block.name} value = {{0}};", "(void)value;"]
    else:
        returns = text_of(node.child_by_field_name("type")) if node is not None else "void"
        declarator = text_of(node.child_by_field_name("declarator")) if node is not None else ""
        if declarator.startswith("*"):
            returns += "*"
        name = _qualified_cpp_name(src, node, block.name) if cpp else block.name
        call = f"{name}({_args(lang, params)})"
        if returns.replace(" ", "") in ("void", ""):
            body = [f"{call};"]
        elif cpp:
            body = [f"auto result = {call};", "std::cout << result << std::endl;"
                    if re.search(r"\b(int|long|double|float|bool|size_t|string|char)\b", returns) else "(void)result;"]
        else:
            fmt = _PRINTF.get(returns.replace(" ", "").replace("static", "").replace("const", "const"))
            body = [f"{returns} result = {call};", f'printf("{fmt}\\n", result);' if fmt else "(void)result;"]
        if node is not None and re.match(r"^\s*static\b", text_of(node)) and not cpp:
            body.insert(0, f"/* `{block.name}` is static: this runs inside the file that defines it */")
    return "\n".join(head + ["int main(void) {" if not cpp else "int main() {"] + [f"    {l}" for l in body]
                     + ["    return 0;", "}"]) + "\n"


def _cpp(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    return _c(g, src, node, params, cpp=True)


def _qualified_cpp_name(src: Source, node: Node | None, name: str) -> str:
    parts = []
    parent = node.parent if node is not None else None
    while parent is not None:
        if parent.type == "namespace_definition":
            ns = parent.child_by_field_name("name")
            if ns is not None:
                parts.insert(0, text_of(ns))
        parent = parent.parent
    return "::".join([*parts, name])
