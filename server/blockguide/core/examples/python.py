"""Python usage examples built from the signature: a small program that imports the block, makes the
object a method needs, calls it with plausible arguments and prints (or iterates, awaits) the result."""

from __future__ import annotations

import ast
import dataclasses
import re
import textwrap
from pathlib import Path

from blockguide.core.examples.generic import named_string
from blockguide.core.syntax.split import split_top_level
from blockguide.core.python.jedi_session import JEDI_LOCK, example_script, trim_parsed_modules
from blockguide.core.examples.literals import argument_values
from blockguide.core.examples.python_objects import ProjectClasses, class_for, constructor_params, make_object
from blockguide.core.examples.python_use import CALLABLE, OBJECT, SEQUENCE, STRING, use_of, value_for
from blockguide.core.examples.usage import PLACEHOLDER, VALUES, better, inverses, param_use
from blockguide.core.python.signatures import (
    MAX_BOUND_CALLS, Param, PyInfo, bind_problems, calls_in_order, parse_block, project_params)
from blockguide.core.types import Example, Grounding


def guess_python(p: Param) -> str:
    """A plausible literal for a required parameter, from its annotation or its name."""
    name = p.name.lower()
    ann = re.sub(r"^(typing|t|collections\.abc|typing_extensions)\.", "", (p.annotation or "").replace(" ", ""))
    union = re.fullmatch(r"(?:Union|Optional)\[(.+)\]", ann)
    members = split_top_level(union.group(1), (",",)) if union else ann.split("|") if "|" in ann else []
    if len(members) > 1 or (union and ann.startswith("Optional")):  # the first member a value is known for
        for member in members:
            guess = guess_python(dataclasses.replace(p, annotation=member)) if member != "None" else "None"
            if guess != "None":
                return guess
    if name in _DATE_PARTS:
        return _DATE_PARTS[name]
    if (kind := named_string(name)) != '"example"':  # a URL, a path, a charset, a date
        return kind
    if ann in ("str", "Optional[str]", "str|None", "AnyStr"):
        return '"example"'
    if ann in ("int", "Optional[int]", "int|None") or re.search(r"^(n|num|count|size|limit|length|index|idx|"
                                                              r"number|max_\w+|min_\w+|port|level|depth)$", name) \
            or re.search(r"^(max|min)?\w*?(size|len|count|limit|depth|width|height)$", name):  # maxsize, bufsize
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
    if ann.startswith(("dict", "Dict", "Mapping", "MutableMapping")) or \
            name in ("headers", "params", "options", "mapping", "kwargs", "config", "settings", "data", "context"):
        return '{"key": "value"}'
    if ann.startswith(("Callable", "callable")) or name in ("func", "fn", "callback", "handler", "hook", "f"):
        return "print"
    if _stringy(name) or name in _STRING_NAMES:
        return '"example"'
    return "None"


_STRING_NAMES = {"text", "string", "s", "name", "key", "value", "title", "label", "prefix", "suffix", "sep",
                 "separator", "message", "msg", "word", "query", "pattern", "content", "line", "char", "encoding",
                 "method", "host", "domain", "scheme", "username", "password", "token", "prompt", "model"}
_DATE_PARTS = {"year": "2024", "month": "6", "day": "15", "hour": "12", "minute": "30", "second": "0"}


def _stringy(name: str) -> bool:
    """A name that says its value is a string: `fullname`, `option_name`, `dt_str`, `source_text`."""
    return re.search(r"(name|_str|_string|_text)$", name.lower()) is not None


def call_args(params: list[Param], given: dict[str, str] | None = None) -> str:
    """Arguments for the required parameters: positional in order, keyword-only by name."""
    given = given or {}
    out = []
    for p in params:
        if p.kind in ("positional", "posonly") and (p.required or p.name in given):
            out.append(given.get(p.name) or guess_python(p))
        elif p.kind == "keyword" and (p.required or p.name in given):
            out.append(f"{p.name}={given.get(p.name) or guess_python(p)}")
    return ", ".join(out)


def render_python(imports: list[str], setup: list[str], call: str, info: PyInfo) -> str:
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


def call_of(g: Grounding, info: PyInfo, args: str, owner_args: str | None = None) -> tuple[list[str], str]:
    """(setup lines, the call) for the block with these arguments: a method on an instance built with the
    class's own constructor arguments (on the class for a static method, without a call for a property; the
    class itself called for `__init__`)."""
    if g.block.kind == "method" and info.owner:
        if info.name == "__init__":  # a constructor runs when the class is called, never as `obj.__init__(...)`
            return [], f"{info.owner}({args})"
        if info.is_static:
            return [], f"{info.owner}.{info.name}" if info.is_property else f"{info.owner}.{info.name}({args})"
        made = call_args(info.owner_params) if owner_args is None else owner_args
        setup = [f"obj = {info.owner}({made})"]
        if info.is_property:
            return setup, f"obj.{info.name}"
        return setup, _by_syntax(info.name, args) or f"obj.{info.name}({args})"
    return [], f"{info.name}({args})"


# special methods as their callers write them: `str(obj)`, not `obj.__str__()`
_SPECIAL = {"__str__": "str(obj)", "__repr__": "repr(obj)", "__len__": "len(obj)", "__iter__": "list(obj)",
            "__hash__": "hash(obj)", "__bool__": "bool(obj)", "__bytes__": "bytes(obj)", "__int__": "int(obj)",
            "__float__": "float(obj)", "__abs__": "abs(obj)", "__neg__": "-obj", "__reversed__": "list(reversed(obj))",
            "__format__": "format(obj, {0})", "__call__": "obj({all})", "__getitem__": "obj[{0}]",
            "__contains__": "{0} in obj", "__eq__": "obj == {0}", "__ne__": "obj != {0}", "__lt__": "obj < {0}",
            "__le__": "obj <= {0}", "__gt__": "obj > {0}", "__ge__": "obj >= {0}", "__add__": "obj + {0}",
            "__sub__": "obj - {0}", "__mul__": "obj * {0}", "__truediv__": "obj / {0}", "__mod__": "obj % {0}",
            "__and__": "obj & {0}", "__or__": "obj | {0}", "__xor__": "obj ^ {0}"}


def _by_syntax(name: str, args: str) -> str | None:
    """The expression that calls special method `name` with these arguments; None for any other method, or
    when the arguments do not fit the expression's (an operator takes one)."""
    form = _SPECIAL.get(name)
    if form is None:
        return None
    given = [a.strip() for a in split_top_level(args, (",",))] if args.strip() else []
    if "{all}" in form:
        return form.replace("{all}", args)
    wanted = 1 if "{0}" in form else 0
    if len(given) != wanted or any("=" in a.split("(")[0] for a in given):
        return None
    return form.format(*given)


def python_from_signature(g: Grounding, info: PyInfo, objects: bool = True) -> Example:
    """The example from the signature; `objects=False`: without the objects of the project's classes
    (`project_objects`), the example to fall back on when one of them fails the checks."""
    block = g.block
    imports = [g.import_line] if g.import_line else []
    if block.kind == "statements" or not info.name:
        return _python_statements_example(g)
    classes = ProjectClasses(Path(g.root)) if objects and g.root is not None else None  # one index for all
    info = _with_inherited_init(g, info, classes or (ProjectClasses(Path(g.root)) if g.root is not None else None))
    values, needed_by_use = block_values(g, info, classes)
    made = _made_by_inverse(g, info, values)
    if made is not None:
        imports = [f"{imports[0]}, {made[0]}"] if imports and imports[0].startswith("from ") else imports
    owner_values: dict[str, str] = {}
    needed = project_objects(g, info.params, values, classes) + \
        project_objects(g, info.owner_params, owner_values, classes) if classes is not None else []
    imports = with_imports(imports, needed + needed_by_use)
    setup, call = call_of(g, info, call_args(info.params, values), call_args(info.owner_params, owner_values))
    if not g.import_line:
        setup.insert(0, f"# `{info.name}` is not importable from another module; this runs where it is defined")
    return Example("python", render_python(imports, setup, call, info))


def _with_inherited_init(g: Grounding, info: PyInfo, classes: ProjectClasses | None) -> PyInfo:
    """A method's owner without an `__init__` of its own is made with the one it inherits from a class of the
    project (`class BashComplete(ShellComplete)` takes ShellComplete's four parameters, not none)."""
    if info.owner_params or not info.owner or classes is None or g.root is None or g.path is None:
        return info
    found = classes.find(info.owner, Path(g.root) / g.path)
    params = constructor_params(*found, classes) if found is not None else None
    return dataclasses.replace(info, owner_params=params) if params else info


def project_objects(g: Grounding, params: list[Param], values: dict[str, str],
                    classes: ProjectClasses) -> list[tuple[str, str]]:
    """A required parameter whose value would be `None` and whose type is a class of the project gets an
    object made by that class's own constructor (examples.python_objects), set in `values`: the (module,
    name) pairs the objects need imported."""
    if g.root is None or g.path is None:
        return []
    path = Path(g.root) / g.path
    needed: list[tuple[str, str]] = []
    for p in params:
        if not p.required or p.name in values or p.kind not in ("positional", "posonly", "keyword") or \
                guess_python(p) != "None":
            continue
        found = class_for(p, classes, path)
        made = make_object(*found, classes, guess_python) if found is not None else None
        if made is not None:
            values[p.name] = made.code
            needed += made.imports
    return needed


def with_imports(imports: list[str], needed: list[tuple[str, str]]) -> list[str]:
    """The import lines with the (module, name) pairs added: a name of the block's own module joins its
    `from` line; the others are grouped by module."""
    lines = list(imports)
    by_module: dict[str, list[str]] = {}
    for mod, name in needed:
        by_module.setdefault(mod, [])
        if name not in by_module[mod]:
            by_module[mod].append(name)
    for mod, names in by_module.items():
        head = f"from {mod} import "
        at = next((i for i, line in enumerate(lines) if line.startswith(head) and "(" not in line), None)
        if at is not None:
            have = [n.strip() for n in lines[at][len(head):].split(",")]
            lines[at] = head + ", ".join(have + [n for n in names if n not in have])
        else:
            lines.append(head + ", ".join(names))
    return lines


def _made_by_inverse(g: Grounding, info: PyInfo, values: dict[str, str]) -> tuple[str, str] | None:
    """A function that reads a string it is given (`base64_decode`, `loads`, `unquote`) gets one made by the
    module's own inverse (`base64_encode("Hello, World")`), not "example", which it may not read: (the
    inverse's name, the value), set in `values`; None when the module has no such function of one argument."""
    if g.block.kind != "function" or not info.name or g.root is None or g.path is None:
        return None
    first = next((p for p in info.params if p.kind in ("positional", "posonly") and p.required), None)
    if first is None or first.name in values or guess_python(first) != '"example"':
        return None
    try:
        module = ast.parse((Path(g.root) / g.path).read_text("utf-8", "replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    for name in inverses(info.name):
        fn = functions.get(name)
        required = [a for a in fn.args.args[:len(fn.args.args) - len(fn.args.defaults)]] if fn else []
        if fn is not None and len(required) == 1 and not fn.args.posonlyargs and not name.startswith("_"):
            values[first.name] = f'{name}("Hello, World")'
            return name, values[first.name]
    return None


def block_values(g: Grounding, info: PyInfo, classes: ProjectClasses | None = None) \
        -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Values the block's own text gives its parameters (a doctest, a regex it matches, a compared literal);
    a string only for a parameter not annotated as something else. Where the guess would be a placeholder,
    what the function does with the parameter (`examples.python_use`, read from its syntax tree). Returns the
    values and the (module, name) pairs they need imported. An object the function reads attributes of is left
    to a class of the project that `classes` finds for the parameter (`project_objects`)."""
    tree = parse_block(g.block.text)
    node = tree.body[0] if tree is not None and tree.body else None
    doc = ast.get_docstring(node) or "" if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
        else ""
    values = argument_values(info.name or "", [p.name for p in info.params], g.block.text, doc)
    kinds = {p.name: (p.annotation or "").replace(" ", "") for p in info.params}
    values = {k: v for k, v in values.items()
              if not v.startswith('"') or kinds.get(k) in ("", "str", "Optional[str]", "str|None", "AnyStr")}
    around = parse_block(g.inside_text) if g.inside_text and not isinstance(node, (ast.FunctionDef,
                                                                                   ast.AsyncFunctionDef)) else None
    fn = node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else \
        _function_of(node.body, "__init__") if isinstance(node, ast.ClassDef) else \
        _function_of(around.body if around is not None else [], info.name)
    needed: list[tuple[str, str]] = []
    for p in info.params:  # where the guess would be a placeholder, what the block does with the parameter
        if p.name in values or not p.required:
            continue
        guessed = guess_python(p)
        use = use_of(fn, p.name) if fn is not None else None
        made = value_for(use, guessed) if use is not None else None
        kind = use.kind() if use is not None else None
        if kind == OBJECT and classes is not None and g.root is not None and g.path is not None and \
                class_for(p, classes, Path(g.root) / g.path) is not None:
            continue
        if made is not None and (guessed == "None" or kind == CALLABLE and better(CALLABLE, guessed) or
                                 PLACEHOLDER.match(guessed) and kind not in (STRING, SEQUENCE)):
            values[p.name] = made[0]
            needed += made[1]
            continue
        use_kind = param_use(p.name, g.block.text)
        if better(use_kind, guessed):
            values[p.name] = VALUES["python"][use_kind]
    return values, needed


def _function_of(body: list[ast.stmt], name: str | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The definition of the function `name` among the statements `body` (a class's `__init__`, or the
    function statements run inside)."""
    return next((n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)


def _python_statements_example(g: Grounding) -> Example:
    """Statements run where they are: show how to reach them (their function, or importing their module)."""
    lines = []
    if g.module and (not g.block.indent or g.inside is None):  # in a top-level `if`/`try`: run on import
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


def rebind_python(code: str, root: Path | None) -> str | None:
    """The example with each call into the project whose arguments do not bind to its real signature (jedi's:
    e.g. a class whose `__init__` is inherited) rewritten to fit it: the arguments it had that fit kept, the
    required ones it lacked guessed, the ones it has no parameter for dropped. None when nothing changed."""
    if root is None:
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    edits: list[tuple[ast.Call, str]] = []
    with JEDI_LOCK:
        try:
            script = example_script(code, root)
        except Exception:  # jedi failed on the example: nothing to rebind against
            return None
        try:
            for call in calls_in_order(tree)[:MAX_BOUND_CALLS]:
                overloads = project_params(script, code, call, root)
                if overloads and bind_problems(call, overloads, "") and \
                        not any(isinstance(a, ast.Starred) for a in call.args) and all(k.arg for k in call.keywords):
                    edits.append((call, _fitted_args(call, overloads[0], code)))
        finally:
            trim_parsed_modules()
    if not edits:
        return None
    lines = code.split("\n")
    for call, args in sorted(edits, key=lambda e: (e[0].end_lineno, e[0].end_col_offset), reverse=True):
        if call.lineno != call.end_lineno or call.func.end_lineno != call.lineno:
            continue  # a call over several lines is left as it is
        raw = lines[call.lineno - 1].encode("utf-8")
        head = raw[:call.func.end_col_offset].decode("utf-8")
        lines[call.lineno - 1] = head + f"({args})" + raw[call.end_col_offset:].decode("utf-8")
    fixed = "\n".join(lines)
    return fixed if fixed != code else None


def _fitted_args(call: ast.Call, params: list[Param], code: str) -> str:
    given: dict[str, str] = {}
    positional = [p for p in params if p.kind in ("posonly", "positional")]
    for p, arg in zip(positional, call.args):
        given[p.name] = ast.get_source_segment(code, arg) or ast.unparse(arg)
    names = {p.name for p in params if p.kind in ("positional", "keyword")}
    for k in call.keywords:
        if k.arg in names:
            given.setdefault(k.arg, ast.get_source_segment(code, k.value) or ast.unparse(k.value))
    out, by_name = [], False
    for p in params:
        if p.kind in ("varargs", "varkw") or not (p.required or p.name in given):
            by_name = by_name or p.kind in ("positional", "posonly")  # a later one given goes by name
            continue
        value = given.get(p.name) or guess_python(p)
        out.append(f"{p.name}={value}" if p.kind == "keyword" or by_name and p.kind == "positional" else value)
    return ", ".join(out)
