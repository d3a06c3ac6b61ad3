"""What a Python parameter must be, read from the syntax tree of the function that takes it (`ast`; the code is
never run): a value an example can pass where neither the annotation nor the block's literals give one.

Each use of the parameter — or of a local it is copied into (`y = year`) — is evidence: `year % 19` a number,
`prefix + "."` a string, `for x in items` a sequence, `conf["name"]` a mapping, `a, b = pair` a pair,
`spec.name` an object with a `name`. The evidence is weighed into one value (`value_for`); an object the block
reads attributes of is a `types.SimpleNamespace` with those attributes, each valued by its own use. Where the
block calls methods on the parameter that no built-in value has, nothing is made (None): the caller keeps its
other sources.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

STRING, NUMBER, SEQUENCE, MAPPING, CALLABLE, BOOLEAN, BYTES, EXCEPTION, TYPE = (
    "string", "number", "sequence", "mapping", "callable", "boolean", "bytes", "exception", "type")

_STRING_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith",
                   "encode", "replace", "find", "rfind", "index", "isdigit", "isalpha", "isalnum", "isspace",
                   "casefold", "splitlines", "partition", "rpartition", "format", "join", "count", "title",
                   "capitalize", "zfill", "center", "ljust", "rjust", "isidentifier", "isupper", "islower",
                   "expandtabs", "translate", "removeprefix", "removesuffix"}
_BYTES_METHODS = {"decode", "hex"}
_MAPPING_METHODS = {"get", "items", "keys", "values", "setdefault", "update", "pop", "copy"}
_SEQUENCE_METHODS = {"append", "extend", "insert", "remove", "sort", "reverse"}
# built-in functions by what they need of their first argument
_NEEDS = {**dict.fromkeys(("int", "float", "abs", "round", "range", "chr", "divmod", "hex", "oct", "bin",
                           "copysign", "floor", "ceil", "sqrt", "fabs", "isnan", "isinf", "log", "exp"), NUMBER),
          **dict.fromkeys(("iter", "list", "tuple", "sorted", "reversed", "enumerate", "zip", "set", "frozenset",
                           "sum", "min", "max", "map", "filter", "any", "all", "next"), SEQUENCE),
          "ord": STRING, "dict": MAPPING, "len": SEQUENCE, "callable": CALLABLE}
_ISINSTANCE = {"str": STRING, "int": NUMBER, "float": NUMBER, "list": SEQUENCE, "tuple": SEQUENCE,
               "dict": MAPPING, "Mapping": MAPPING, "bytes": BYTES, "bool": BOOLEAN}
_VALUES = {STRING: '"Hello, World"', NUMBER: "3", SEQUENCE: '["a", "b"]', MAPPING: '{"key": "value"}',
           CALLABLE: "print", BOOLEAN: "True", BYTES: 'b"Hello, World"', EXCEPTION: "ValueError", TYPE: "str"}
TUPLE, OBJECT = "tuple", "object"  # a value unpacked into names; an object whose attributes are read
# the order in which evidence wins: a parameter called is a function whatever else; a string is also indexed,
# iterated and measured, so string evidence beats a sequence's
_ORDER = (EXCEPTION, TYPE, CALLABLE, BYTES, MAPPING, STRING, TUPLE, SEQUENCE, NUMBER, OBJECT, BOOLEAN)


@dataclass
class Use:
    kinds: set[str] = field(default_factory=set)
    unpacked: int = 0  # `a, b = p`: the number of targets
    attributes: dict[str, "Use"] = field(default_factory=dict)  # attributes read (not called)
    unknown_method: bool = False  # a method no built-in value has (`p.render()`)

    def kind(self) -> str | None:
        kinds = set(self.kinds)
        if self.unpacked:
            kinds.add(TUPLE)
        if self.attributes:
            kinds.add(OBJECT)
        return next((k for k in _ORDER if k in kinds), None)


def use_of(fn: ast.AST, name: str) -> Use:
    """How the function `fn` uses its parameter `name` (and the locals it is copied into)."""
    parents = {child: node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
    aliases = {name}
    for node in ast.walk(fn):  # `y = year`: y is year
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name:
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    use = Use()
    _note_names(fn, aliases, parents, use, 0)
    return use


def _note_names(fn: ast.AST, aliases: set[str], parents: dict, use: Use, depth: int) -> None:
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id in aliases and isinstance(node.ctx, ast.Load):
            _note(node, parents, use, depth, fn)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in aliases:
            if _constant(node.value, str) or isinstance(node.value, ast.JoinedStr):  # p += "."
                use.kinds.add(STRING)
            elif _constant(node.value, (int, float)):  # p += 1
                use.kinds.add(NUMBER)


def value_for(use: Use, simple: str | None = None) -> tuple[str, list[tuple[str, str]]] | None:
    """The value an example passes for `use` and the (module, name) pairs it needs imported; `simple` is the
    string to use for a string (a name-based guess); None where the use says nothing or asks for a method no
    value made here has."""
    kind = use.kind()
    if kind is None or (use.unknown_method and kind == OBJECT):
        return None
    if kind == STRING and simple and simple.startswith(('"', "'")):
        return simple, []
    if kind == TUPLE:
        return "(" + ", ".join(f'"{chr(97 + i)}"' for i in range(use.unpacked)) + ")", []
    if kind == OBJECT:
        parts, imports = [], [("types", "SimpleNamespace")]
        for attr, inner in list(use.attributes.items())[:6]:
            made = value_for(inner)
            if made is None and (inner.unknown_method or inner.attributes):
                return None  # a method or a deeper object nothing here can make
            parts.append(f"{attr}={made[0] if made else _VALUES[STRING]}")
            imports += made[1] if made else []
        return f"SimpleNamespace({', '.join(parts)})", imports
    return _VALUES[kind], []


def _note(node: ast.expr, parents: dict, use: Use, depth: int, fn: ast.AST) -> None:
    """Record what the expression `node` (the parameter, or an attribute of it) is used as."""
    parent = parents.get(node)
    kinds = use.kinds
    if isinstance(parent, ast.Call):
        if parent.func is node:
            kinds.add(CALLABLE)
        elif node in parent.args:
            fname = parent.func.id if isinstance(parent.func, ast.Name) else \
                parent.func.attr if isinstance(parent.func, ast.Attribute) else ""
            if fname == "isinstance" and len(parent.args) == 2 and parent.args[0] is node:
                kinds.update(_ISINSTANCE[n] for n in _type_names(parent.args[1]) if n in _ISINSTANCE)
            elif fname in ("isinstance", "issubclass") and len(parent.args) == 2 and parent.args[1] is node:
                kinds.add(TYPE)  # isinstance(x, p): a class
            elif fname in _NEEDS and (parent.args[0] is node or _NEEDS[fname] == NUMBER):
                kinds.add(_NEEDS[fname])  # (a number anywhere in a numeric function's arguments: copysign(1, x))
    elif isinstance(parent, ast.ExceptHandler) and parent.type is node:
        kinds.add(EXCEPTION)  # except p: an exception class
    elif isinstance(parent, ast.Starred):
        kinds.add(SEQUENCE)
    elif isinstance(parent, ast.keyword) and parent.arg is None:  # f(**p)
        kinds.add(MAPPING)
    elif isinstance(parent, ast.Attribute) and parent.value is node:
        call = parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent:
            method = parent.attr
            if method in _STRING_METHODS:
                kinds.add(STRING)
            elif method in _BYTES_METHODS:
                kinds.add(BYTES)
            elif method == "pop" and call.args and _constant(call.args[0], int):
                kinds.add(SEQUENCE)  # p.pop(0)
            elif method in _MAPPING_METHODS:
                kinds.add(MAPPING)
            elif method in _SEQUENCE_METHODS:
                kinds.add(SEQUENCE)
            elif not method.startswith("__"):
                use.unknown_method = True
        elif isinstance(parent.ctx, ast.Load) and depth == 0 and not parent.attr.startswith("__"):
            inner = use.attributes.setdefault(parent.attr, Use())
            _note(parent, parents, inner, depth + 1, fn)
            copy = parents.get(parent)
            if isinstance(copy, ast.Assign) and copy.value is parent:  # nargs = option.nargs: nargs's uses too
                _note_names(fn, {t.id for t in copy.targets if isinstance(t, ast.Name)}, parents, inner, depth + 1)
    elif isinstance(parent, ast.BinOp):
        other = parent.right if parent.left is node else parent.left
        if isinstance(other, ast.JoinedStr) or _constant(other, str):
            if not (isinstance(parent.op, ast.Mod) and parent.right is node):  # "%s" % p: anything
                kinds.add(STRING)
        elif _constant(other, (int, float)):
            kinds.add(NUMBER)
        elif isinstance(parent.op, (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow)):
            kinds.add(NUMBER)
    elif isinstance(parent, ast.Compare):
        others = [parent.left, *parent.comparators]
        at = next(i for i, o in enumerate(others) if o is node)
        ops = parent.ops
        op_after = ops[at] if at < len(ops) else None
        op_before = ops[at - 1] if at > 0 else None
        if isinstance(op_before, (ast.In, ast.NotIn)):  # x in p
            left = others[at - 1]
            kinds.add(STRING if _constant(left, str) else SEQUENCE)
        for o, op in ((others[at - 1], op_before) if at > 0 else (None, None), (others[at + 1], op_after)
                      if at + 1 < len(others) else (None, None)):
            if o is None or isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)):
                continue
            if _constant(o, (int, float)) and not _constant(o, bool):
                kinds.add(NUMBER)
            elif _constant(o, str):
                kinds.add(STRING)
    elif isinstance(parent, ast.Subscript):
        if parent.value is node:
            index = parent.slice
            if _constant(index, str):
                kinds.add(MAPPING)
            elif isinstance(index, ast.Slice) or _constant(index, int) or \
                    isinstance(index, ast.UnaryOp) and _constant(index.operand, int):
                kinds.add(SEQUENCE)
        elif parent.slice is node and isinstance(parent.value, (ast.Tuple, ast.List, ast.Constant)):
            kinds.add(NUMBER)  # ("MO", "TU")[p]: an index
    elif isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
        kinds.add(SEQUENCE)
    elif isinstance(parent, ast.Assign) and parent.value is node and \
            any(isinstance(t, (ast.Tuple, ast.List)) for t in parent.targets):
        target = next(t for t in parent.targets if isinstance(t, (ast.Tuple, ast.List)))
        if not any(isinstance(e, ast.Starred) for e in target.elts):
            use.unpacked = max(use.unpacked, len(target.elts))
    elif isinstance(parent, (ast.If, ast.While, ast.IfExp)) and parent.test is node or \
            isinstance(parent, ast.BoolOp) or isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        kinds.add(BOOLEAN)  # only its truth is tested


def _constant(node: ast.AST | None, types) -> bool:
    """A literal of `types` (a negative number too: `-1`)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, types)


def _type_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [n for e in node.elts for n in _type_names(e)]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return []
