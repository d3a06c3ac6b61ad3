"""The checks of a Python usage example: compiled (never run), its imports resolved statically with jedi."""

from __future__ import annotations

import ast
import builtins
import re
import sys
from pathlib import Path

from blockguide.core.languages import LANGUAGES
from blockguide.core.python.jedi_session import JEDI_LOCK, example_script, trim_parsed_modules
from blockguide.core.python.signatures import (
    MAX_BOUND_CALLS, argument_problems, bind_problems, callee_name, calls_in_order, project_params, python_info)
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def imports_name(line: str, name: str) -> bool:
    stripped = line.strip()
    if not stripped.startswith(("from ", "import ")):
        return False
    try:
        tree = ast.parse(stripped)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name).split(".")[-1] == name
                                                                   for a in node.names):
            return True
    return False


def python_imports(code: str, import_line: str) -> bool:
    """The code imports what import_line imports, from the same module (possibly among other names)."""
    m = re.match(r"from\s+([\w.]+)\s+import\s+(\w+)", import_line)
    if not m:
        return import_line in code
    module, name = m.groups()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module and any(a.name == name for a in node.names):
            return True
    return False


def _bound_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                names.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def check_python(code: str, g: Grounding) -> tuple[list[str], bool]:
    """(the example's problems, whether its calls were bound to the signatures they call: "python bind")."""
    try:
        compile(code, "<example>", "exec", dont_inherit=True)  # compiled only, never run
        tree = ast.parse(code)
    except SyntaxError as exc:
        if "outside" in (exc.msg or "") and ("await" in exc.msg or "async" in exc.msg):
            return ["the example uses `await` outside a function: put it in `async def main()` and run "
                    "`asyncio.run(main())`"], False
        return [f"the example is not valid Python: {exc.msg} (line {exc.lineno})"], False
    except ValueError as exc:
        return [f"the example is not valid Python: {exc}"], False
    problems: list[str] = []
    block = g.block
    name = block.name
    # 1. the block's own import
    if g.import_line and not python_imports(code, g.import_line):
        problems.append(f"the example must import the block with exactly `{g.import_line}`")
    # 2. other imports resolve in the project or the standard library
    problems += _unresolved_imports(tree, code, g)
    # 3. every name is imported or defined
    bound = _bound_names(tree) | set(dir(builtins))
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound and \
                node.id not in missing:
            missing.append(node.id)
    for m in missing[:4]:
        problems.append(f"the example uses `{m}` but never imports or defines it")
    # 4. it calls the block; every call into the project binds to the signature it calls
    # a block reached through the function around it (example_via) is not called by the example itself
    info = python_info(g, _source_for(g)) if name and block.kind != "statements" and not g.example_via else None
    calls = _calls_of(tree, info) if info is not None else []
    if info is not None and not calls and not _uses_name(tree, info):
        what = {"class": "creates or uses", "method": "calls"}.get(block.kind, "calls")
        problems.append(f"the example never {what} `{info.owner + '.' if info.owner else ''}{name}`")
    bound, bind = _bind(tree, code, g, info, calls)
    problems += bound
    # 5. async code is awaited and run with asyncio.run
    if info is not None and info.is_async and block.kind != "class":
        problems += _async_problems(tree, calls, info)
    top_await = _top_level_await(tree)
    if top_await and "await" not in " ".join(problems):
        problems.append("the example uses `await` outside a function: put it in `async def main()` and run "
                        "`asyncio.run(main())`")
    return problems, bind


def _bind(tree: ast.AST, code: str, g: Grounding, info, block_calls: list[ast.Call]) -> tuple[list[str], bool]:
    """Bind the arguments of the example's calls, as Python would, to the signatures they call: for every call
    into the user's project, jedi's signature of it (a class's inherited `__init__`, a method of the object the
    example made); for a call of the block, the block's own parameters, read from its source (jedi may drop
    some: a `*args: P.args` of a ParamSpec). (problems, whether a call was bound)."""
    problems: list[str] = []
    done: set[int] = set()
    own = {id(call) for call in block_calls} if info is not None and info.kind in ("function", "method") else set()
    root = Path(g.root) if g.root else None
    if root is not None:
        with JEDI_LOCK:
            try:
                script = example_script(code, root)
            except Exception:  # jedi failed on the example: its calls are bound to the block's parameters below
                script = None
            try:
                for call in calls_in_order(tree)[:MAX_BOUND_CALLS] if script is not None else []:
                    if id(call) in own:
                        continue
                    overloads = project_params(script, code, call, root)
                    if overloads is not None:
                        done.add(id(call))
                        problems += [p for p in bind_problems(call, overloads, callee_name(call))
                                     if p not in problems]
            finally:
                trim_parsed_modules()
    for call in block_calls[:3]:
        if id(call) not in done and info is not None:
            done.add(id(call))
            problems += [p for p in argument_problems(call, info.params, info.name or "") if p not in problems]
    return problems, bool(done)


def _source_for(g: Grounding):
    """The block's own text as a Source: enough to check calls (the owner class comes from the import line)."""
    return Source(LANGUAGES[g.block.language], g.block.text)


def _calls_of(tree: ast.AST, info) -> list[ast.Call]:
    out = []
    target = info.name
    if info.kind == "method" and info.name == "__init__":
        target = info.owner
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == target and info.kind in ("function", "class") or \
                    isinstance(f, ast.Attribute) and f.attr == target:
                out.append(node)
            elif info.kind == "method" and info.name == "__init__" and isinstance(f, ast.Name) and f.id == target:
                out.append(node)
    return out


# special methods and the syntax that calls them: a builtin applied to the object, or an operator
_SPECIAL_BUILTINS = {"__str__": ("str", "print", "format"), "__repr__": ("repr",), "__len__": ("len",),
                     "__iter__": ("list", "iter", "tuple", "sorted", "set"), "__hash__": ("hash",),
                     "__bool__": ("bool",), "__bytes__": ("bytes",), "__int__": ("int",), "__float__": ("float",),
                     "__abs__": ("abs",), "__reversed__": ("reversed",), "__format__": ("format",)}
_SPECIAL_OPERATORS = {"__contains__": ast.In, "__eq__": ast.Eq, "__ne__": ast.NotEq, "__lt__": ast.Lt,
                      "__le__": ast.LtE, "__gt__": ast.Gt, "__ge__": ast.GtE, "__add__": ast.Add, "__sub__": ast.Sub,
                      "__mul__": ast.Mult, "__truediv__": ast.Div, "__mod__": ast.Mod, "__and__": ast.BitAnd,
                      "__or__": ast.BitOr, "__xor__": ast.BitXor, "__neg__": ast.USub}


def _special_use(node: ast.AST, name: str, objects: set[str]) -> bool:
    """`node` calls special method `name` on one of `objects` (names bound to an instance of the class) the way
    Python code does: `len(obj)`, `x in obj`, `obj[k]`, `obj(...)`."""
    def on(n: ast.AST) -> bool:
        return isinstance(n, ast.Name) and n.id in objects
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return (node.func.id in _SPECIAL_BUILTINS.get(name, ()) and any(on(a) for a in node.args)) or \
            (name == "__call__" and on(node.func))
    if name == "__getitem__":
        return isinstance(node, ast.Subscript) and on(node.value)
    op = _SPECIAL_OPERATORS.get(name)
    if op is None:
        return False
    if isinstance(node, ast.Compare):
        return any(isinstance(o, op) for o in node.ops) and any(on(n) for n in [node.left, *node.comparators])
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, op) and (on(node.left) or on(node.right))
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, op) and on(node.operand)


def _uses_name(tree: ast.AST, info) -> bool:
    """A class used without a call (subclassed, an attribute read), a property read, or a special method
    called by its syntax on an object of its class (`len(obj)`) counts as a use."""
    objects = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
               and isinstance(n.value.func, ast.Name) and n.value.func.id == info.owner
               for t in n.targets if isinstance(t, ast.Name)} if info.owner else set()
    for node in ast.walk(tree):
        if objects and _special_use(node, info.name, objects):
            return True
        if info.kind == "class" and isinstance(node, ast.Name) and node.id == info.name and \
                isinstance(node.ctx, ast.Load):
            return True
        if info.is_property and isinstance(node, ast.Attribute) and node.attr == info.name:
            return True
    return False


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _async_problems(tree: ast.AST, calls: list[ast.Call], info) -> list[str]:
    parents = _parents(tree)
    uses_run = any(isinstance(n, ast.Call) and ast.unparse(n.func) in ("asyncio.run", "run", "anyio.run", "trio.run")
                   for n in ast.walk(tree))
    for call in calls:
        parent = parents.get(call)
        ok = isinstance(parent, ast.Await) or (isinstance(parent, (ast.AsyncFor, ast.AsyncWith))) or \
            isinstance(parent, ast.withitem) and isinstance(parents.get(parent), ast.AsyncWith) or \
            (isinstance(parent, ast.Call) and ast.unparse(parent.func).split(".")[-1] in
             ("run", "gather", "create_task", "ensure_future", "wait_for", "run_until_complete"))
        if info.is_generator and not info.is_contextmanager:
            ok = isinstance(parent, ast.AsyncFor) or isinstance(parent, ast.comprehension) and parent.is_async
            if not ok:
                return [f"`{info.name}` is an async generator: iterate it with `async for` inside `async def "
                        f"main()` and run `asyncio.run(main())`"]
        if not ok:
            return [f"`{info.name}` is a coroutine function: call it with `await` inside `async def main()` and "
                    f"run `asyncio.run(main())`"]
    if calls and not uses_run:
        return ["the example defines async code but never runs it: end it with `asyncio.run(main())`"]
    return []


def _top_level_await(tree: ast.Module) -> bool:
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, (ast.AsyncFunctionDef, ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _unresolved_imports(tree: ast.Module, code: str, g: Grounding) -> list[str]:
    """Imports that resolve neither in the user's project (its environment) nor in the standard library."""
    targets: list[tuple[str, int, int, str]] = []  # (what, line, column, description)
    lines = code.split("\n")
    for node in tree.body if isinstance(tree, ast.Module) else []:
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom):
                if sub.level:
                    targets.append(("relative", sub.lineno, 0, f"`{ast.unparse(sub)}` is a relative import: "
                                    f"use the absolute module path"))
                    continue
                if g.import_line and python_imports(ast.unparse(sub), g.import_line) and len(sub.names) == 1:
                    continue
                line = lines[sub.lineno - 1]
                for a in sub.names:
                    col = _name_column(line, a.name, after=" import ")
                    if col is not None and a.name != "*":
                        targets.append(("name", sub.lineno, col, f"`{sub.module}` has no `{a.name}`"))
                col = _name_column(line, sub.module.split(".")[-1], after="from ")
                if col is not None:
                    targets.append(("module", sub.lineno, col, f"module `{sub.module}` is not in the project, its "
                                    f"installed packages or the standard library"))
            elif isinstance(sub, ast.Import):
                line = lines[sub.lineno - 1]
                for a in sub.names:
                    col = _name_column(line, a.name.split(".")[-1], after="import ")
                    if col is not None:
                        targets.append(("module", sub.lineno, col, f"module `{a.name}` is not in the project, its "
                                        f"installed packages or the standard library"))
    if not targets:
        return []
    problems = [d for kind, _, _, d in targets if kind == "relative"]
    targets = [t for t in targets if t[0] != "relative"]
    unresolved_modules: set[int] = set()
    for kind, line, col, desc in sorted(targets, key=lambda t: t[0] != "module"):
        if kind == "name" and line in unresolved_modules:
            continue
        if not _resolves(code, line, col, g):
            if kind == "module":
                unresolved_modules.add(line)
            problems.append(desc)
    return problems


def _name_column(line: str, name: str, after: str) -> int | None:
    start = line.find(after)
    if start < 0:
        return None
    m = re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", line[start + len(after):])
    return start + len(after) + m.start() if m else None


def _resolves(code: str, line: int, col: int, g: Grounding) -> bool:
    """Whether jedi finds the definition of the import name at (line, col) — statically, nothing is imported."""
    root = Path(g.root) if g.root else None
    with JEDI_LOCK:
        try:
            script = example_script(code, root)
            found = script.goto(line, col, follow_imports=True)
        except Exception:
            return True  # jedi failed: do not blame the example
    if found:
        return True
    # compiled modules without stubs: jedi cannot see inside them, so a module that exists is enough
    top = code.split("\n")[line - 1]
    m = re.match(r"\s*(?:from\s+([\w.]+)|import\s+([\w.]+))", top)
    module = (m.group(1) or m.group(2)) if m else ""
    return module.split(".")[0] in sys.stdlib_module_names and module.split(".")[0] in sys.builtin_module_names
