"""What a Python function or class accepts, read with `ast` and jedi (the user's code is never imported): its
parameters (`Param`), the facts an example needs (`PyInfo`, `python_info`), whether a call's arguments fit
(`argument_problems`, with `inspect.Signature.bind`), and the real parameters of whatever an example calls in
the user's project, from jedi's signatures of the example (`project_params`, `bind_problems`). Shared by
core.examples and core.checks."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass, field

from tree_sitter import Node

from blockguide.core.syntax.nodes import body_of, definition_node, statements, text_of, unwrap
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


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


class _Code(str):
    """A default value as source text: shown as written in a signature."""

    def __repr__(self) -> str:
        return str(self)


_KINDS = {"posonly": inspect.Parameter.POSITIONAL_ONLY, "positional": inspect.Parameter.POSITIONAL_OR_KEYWORD,
          "varargs": inspect.Parameter.VAR_POSITIONAL, "keyword": inspect.Parameter.KEYWORD_ONLY,
          "varkw": inspect.Parameter.VAR_KEYWORD}


def signature_of(params: list[Param]) -> inspect.Signature | None:
    """The parameters as an `inspect.Signature` (None when they do not make a valid one)."""
    try:
        return inspect.Signature([
            inspect.Parameter(p.name, _KINDS[p.kind],
                              default=inspect.Parameter.empty if p.default is None else _Code(p.default))
            for p in params])
    except (ValueError, KeyError, TypeError):
        return None


def argument_problems(call: ast.Call, params: list[Param], name: str) -> list[str]:
    """Whether the call's arguments bind to the parameters, as Python would check them; one sentence."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return []  # *args / **kwargs at the call: cannot be checked statically
    signature = signature_of(params)
    if signature is None:
        return []
    try:
        signature.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError as exc:
        return [_problem(str(exc), call, params, name)]
    return []


def _problem(message: str, call: ast.Call, params: list[Param], name: str) -> str:
    """inspect's message as the sentence the model is told."""
    quoted = re.search(r"'([^']+)'", message)
    arg = quoted.group(1) if quoted else ""
    if message.startswith("too many positional arguments"):
        n = len([p for p in params if p.kind in ("positional", "posonly")])
        return (f"`{name}` takes at most {n} positional argument{'s' if n != 1 else ''} but the example passes "
                f"{len(call.args)}")
    if message.startswith("missing a required"):
        return f"the call to `{name}` is missing the required argument `{arg}`"
    if message.startswith("got an unexpected keyword argument") or "positional only" in message:
        return f"`{name}` has no parameter `{arg}`"
    if message.startswith("multiple values for argument"):
        return f"`{name}` gets `{arg}` twice (by position and by name)"
    return f"the call to `{name}` does not fit its parameters: {message}"


def _decorators(fn) -> set[str]:
    names = set()
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        names.add(ast.unparse(target).split(".")[-1])
    return names


def parse_block(text: str) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(text))
    except SyntaxError:
        return None


def python_info(g: Grounding, src: Source) -> PyInfo:
    block = g.block
    info = PyInfo(block.name, block.kind)
    tree = parse_block(block.text)
    node = next((n for n in (tree.body if tree else []) if getattr(n, "name", None) == block.name), None)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        decorators = _decorators(node)
        info.is_async = isinstance(node, ast.AsyncFunctionDef)
        info.is_generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(node))
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
        owner = owner_class(src, block) if src.text != block.text else None
        if owner is None and g.import_line:
            info.owner = g.import_line.rsplit(" import ", 1)[-1].strip()
        if owner is not None:
            info.owner = text_of(owner.child_by_field_name("name"))
            owner_tree = parse_block(_class_skeleton(src, owner))
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


def own_nodes(fn):
    """Nodes of a function body, not of functions nested in it."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def owner_class(src: Source, block) -> Node | None:
    node = definition_node(src, block)
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    return parent


# --- the real signature of each call in an example, from jedi's model of it ---------------------------------
MAX_BOUND_CALLS = 8
_OUTSIDE_PROJECT = ("site-packages", "dist-packages", "typeshed", "/.venv/", "/venv/", "/.tox/")


def calls_in_order(tree: ast.AST) -> list[ast.Call]:
    return sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))


def _inside_parens(code: str, call: ast.Call) -> tuple[int, int] | None:
    """(line, column) just inside the call's opening parenthesis, as jedi counts them (characters)."""
    lines = code.split("\n")
    line, offset = call.func.end_lineno, call.func.end_col_offset
    if line is None or offset is None or line > len(lines):
        return None
    text = lines[line - 1]
    column = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
    at = text.find("(", column)
    return (line, at + 1) if at >= 0 and not text[column:at].strip() else None


def project_params(script, code: str, call: ast.Call, root) -> list[list[Param]] | None:
    """The parameters of what the call calls, one list per signature jedi finds for it (overloads), when it is
    defined in the user's project (not the standard library, not an installed package); None otherwise.

    A class whose signature jedi reads as empty is left alone: attrs, pydantic and other class-making
    decorators or metaclasses give it parameters jedi does not see."""
    where = _inside_parens(code, call)
    if where is None:
        return None
    try:
        found = script.get_signatures(*where)
    except Exception:  # jedi failed on this call: nothing to bind against
        return None
    out = []
    root_text = str(root.resolve()) if root is not None else None
    for sig in found:
        path = str(sig.module_path or "")
        if not root_text or not path.startswith(root_text) or any(p in path for p in _OUTSIDE_PROJECT):
            continue
        params = params_from_signature(sig.to_string())
        if params is None or (sig.type == "class" and not params):
            continue
        out.append(params)
    return out or None


def bind_problems(call: ast.Call, overloads: list[list[Param]], name: str) -> list[str]:
    """No problem when the call's arguments bind to one of the signatures, else the first one's problem."""
    first: list[str] = []
    for params in overloads:
        problems = argument_problems(call, params, name)
        if not problems:
            return []
        first = first or problems
    return first


def callee_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ast.unparse(f)
