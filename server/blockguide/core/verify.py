"""Checks for a usage example, and the one repair blockguide makes on its own (the block's import line).

`check_example` answers the exact problems, one sentence each, so they can go back to the model:
- Python: the example compiles (never runs), imports the block from its real module, every other import
  resolves in the user's project or the standard library (jedi, statically), every name it uses is imported
  or defined, it calls the block with arguments its signature accepts, and async code is awaited and run
  with `asyncio.run`.
- JavaScript/TypeScript: it parses (tree-sitter), imports the block from its real path, and its other
  imports are project files, dependencies or Node.js built-ins.
- Other languages: it parses (as a file, or as the body of a main function) and uses the block's real names.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import sys
from pathlib import Path

from blockguide.core.languages import LANGUAGES, parser_for
from blockguide.core.types import Example, Grounding

MAX_PROBLEMS = 6


# --- the import line ----------------------------------------------------------------------------------------
def ensure_import(example: Example, g: Grounding) -> tuple[Example, str | None]:
    """Make the example import the block from its real path; returns a note when it had to be fixed."""
    if not g.import_line or g.import_line in example.code:
        return example, None
    code = example.code
    if g.block.language == "python":
        name = g.import_line.rsplit(" import ", 1)[-1]
        if _python_imports(code, g.import_line):
            return example, None
        kept = [l for l in code.split("\n") if not _imports_name(l, name)]
        code = "\n".join(kept)
    elif g.block.language in ("javascript", "typescript", "tsx"):
        if _js_imports_block(code, g):
            return example, None
        name = g.block.name or ""
        kept = [l for l in code.split("\n")
                if not (re.match(r"\s*(import\b|const\s.*=\s*require\()", l) and re.search(rf"\b{re.escape(name)}\b", l))]
        code = "\n".join(kept)
    else:
        return example, None  # other languages: reported by check_example, not rewritten
    return (Example(example.language, f"{g.import_line}\n{code.lstrip()}"),
            "The example's import line was corrected to the block's real module path.")


def _imports_name(line: str, name: str) -> bool:
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


def _python_imports(code: str, import_line: str) -> bool:
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


# --- checks ---------------------------------------------------------------------------------------------------
def check_example(example: Example, g: Grounding) -> list[str]:
    """Problems with an example, as exact sentences; empty when it passes every check."""
    code = example.code
    if not code.strip():
        return ["the usage example is empty"]
    lang = g.block.language
    if lang == "python":
        problems = _check_python(code, g)
    elif lang in ("javascript", "typescript", "tsx"):
        problems = _check_js(code, g)
    else:
        problems = _check_other(code, g)
    return problems[:MAX_PROBLEMS]


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


def _check_python(code: str, g: Grounding) -> list[str]:
    from blockguide.core import examples

    try:
        compile(code, "<example>", "exec", dont_inherit=True)  # compiled only, never run
        tree = ast.parse(code)
    except SyntaxError as exc:
        if "outside" in (exc.msg or "") and ("await" in exc.msg or "async" in exc.msg):
            return ["the example uses `await` outside a function: put it in `async def main()` and run "
                    "`asyncio.run(main())`"]
        return [f"the example is not valid Python: {exc.msg} (line {exc.lineno})"]
    except ValueError as exc:
        return [f"the example is not valid Python: {exc}"]
    problems: list[str] = []
    block = g.block
    name = block.name
    # 1. the block's own import
    if g.import_line and not _python_imports(code, g.import_line):
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
    # 4. it calls the block, with arguments that match its signature
    if name and block.kind != "statements":
        info = examples.python_info(g, _source_for(g))
        calls = _calls_of(tree, info)
        if not calls and not _uses_name(tree, info):
            what = {"class": "creates or uses", "method": "calls"}.get(block.kind, "calls")
            problems.append(f"the example never {what} `{info.owner + '.' if info.owner else ''}{name}`")
        for call in calls[:3]:
            params = info.params
            problems += _signature_problems(call, params, name)
        # 5. async code is awaited and run with asyncio.run
        if info.is_async and block.kind != "class":
            problems += _async_problems(tree, calls, info)
    top_await = _top_level_await(tree)
    if top_await and "await" not in " ".join(problems):
        problems.append("the example uses `await` outside a function: put it in `async def main()` and run "
                        "`asyncio.run(main())`")
    return problems


def _source_for(g: Grounding):
    """The block's own text as a Source: enough to check calls (the owner class comes from the import line)."""
    from blockguide.core.syntax.source import Source

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


def _uses_name(tree: ast.AST, info) -> bool:
    """A class used without a call (subclassed, an attribute read) or a property read counts as a use."""
    for node in ast.walk(tree):
        if info.kind == "class" and isinstance(node, ast.Name) and node.id == info.name and \
                isinstance(node.ctx, ast.Load):
            return True
        if info.is_property and isinstance(node, ast.Attribute) and node.attr == info.name:
            return True
    return False


def _signature_problems(call: ast.Call, params, name: str) -> list[str]:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return []  # *args / **kwargs at the call: cannot be checked statically
    positional = [p for p in params if p.kind in ("positional", "posonly")]
    varargs = any(p.kind == "varargs" for p in params)
    varkw = any(p.kind == "varkw" for p in params)
    problems = []
    if len(call.args) > len(positional) and not varargs:
        problems.append(f"`{name}` takes at most {len(positional)} positional argument"
                        f"{'s' if len(positional) != 1 else ''} but the example passes {len(call.args)}")
    filled = {p.name for p in positional[: len(call.args)]}
    by_name = {p.name: p for p in params}
    for kw in call.keywords:
        p = by_name.get(kw.arg)
        if p is None or p.kind == "posonly":
            if not varkw:
                problems.append(f"`{name}` has no parameter `{kw.arg}`")
        elif kw.arg in filled:
            problems.append(f"`{name}` gets `{kw.arg}` twice (by position and by name)")
        else:
            filled.add(kw.arg)
    for p in params:
        if p.required and p.name not in filled:
            problems.append(f"the call to `{name}` is missing the required argument `{p.name}`")
    return problems


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
                if g.import_line and _python_imports(ast.unparse(sub), g.import_line) and len(sub.names) == 1:
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
    import jedi

    from blockguide.core.python.jedi_session import JEDI_LOCK, jedi_project

    root = Path(g.root) if g.root else None
    with JEDI_LOCK:
        try:
            project = jedi_project(root) if root is not None else None
            path = (root / "__blockguide_example__.py") if root is not None else None
            script = jedi.Script(code, path=path, project=project)
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


# --- JavaScript / TypeScript ------------------------------------------------------------------------------
NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
    "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring",
    "readline", "readline/promises", "repl", "stream", "stream/promises", "stream/web", "string_decoder", "sys",
    "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test", "sqlite",
}
_JS_SPEC = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"']+)\1""")


def _tree_errors(language: str, code: str, wrappers: tuple[tuple[str, str], ...] = ()) -> str | None:
    """None when the code parses (as is or inside one of the wrappers), else where it first fails."""
    lang = LANGUAGES[language]
    first_error = None
    for head, tail in (("", ""), *wrappers):
        text = head + code + tail
        tree = parser_for(lang).parse(text.encode("utf-8"))
        if not tree.root_node.has_error:
            return None
        if first_error is None:
            first_error = _first_error(tree.root_node, text, head.count("\n"))
    return first_error


def _first_error(node, text: str, offset: int) -> str:
    stack = [node]
    while stack:
        n = stack.pop(0)
        if n.type == "ERROR" or n.is_missing:
            line = n.start_point.row - offset + 1
            snippet = text.split("\n")[n.start_point.row].strip()[:60]
            return f"line {max(1, line)}: `{snippet}`" + (f" (missing `{n.type}`)" if n.is_missing else "")
        if n.has_error:
            stack = list(n.children) + stack
    return "somewhere"


def _js_imports_block(code: str, g: Grounding) -> bool:
    m = re.search(r"""from\s+(["'])([^"']+)\1""", g.import_line or "")
    want = m.group(2) if m else None
    name = g.import_line.split("{")[-1].split("}")[0].strip() if g.import_line and "{" in g.import_line else \
        (g.import_line.split()[1] if g.import_line else g.block.name)
    for spec_match in _JS_SPEC.finditer(code):
        spec = spec_match.group(2)
        line = code[code.rfind("\n", 0, spec_match.start()) + 1: code.find("\n", spec_match.end()) % (len(code) + 1)
                    if code.find("\n", spec_match.end()) >= 0 else len(code)]
        if want and _same_spec(spec, want) and re.search(rf"\b{re.escape(name)}\b", line):
            return True
    return False


def _same_spec(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = s.removeprefix("./")
        return re.sub(r"\.(m|c)?(j|t)sx?$", "", s).removesuffix("/index")
    return norm(a) == norm(b)


def _check_js(code: str, g: Grounding) -> list[str]:
    problems: list[str] = []
    grammar = g.block.language
    error = _tree_errors(grammar, code, (("async function main() {\n", "\n}"),))
    if error:
        return [f"the example does not parse as {grammar}: {error}"]
    if g.import_line and not _js_imports_block(code, g):
        problems.append(f"the example must import the block with exactly `{g.import_line}`")
    root = Path(g.root) if g.root else None
    for spec in dict.fromkeys(m.group(2) for m in _JS_SPEC.finditer(code)):
        if g.import_line and spec in g.import_line:
            continue
        if not _js_spec_resolves(spec, root):
            problems.append(f"the example imports `{spec}`, which is not a project file, a declared dependency or "
                            f"a Node.js built-in module")
    if g.block.name and not re.search(rf"\b{re.escape(g.block.name)}\b", _strip_js_imports(code)):
        problems.append(f"the example never uses `{g.block.name}`")
    return problems


def _strip_js_imports(code: str) -> str:
    return "\n".join(l for l in code.split("\n") if not re.match(r"\s*import\b", l))


def _js_spec_resolves(spec: str, root: Path | None) -> bool:
    if spec.startswith("node:") or spec in NODE_BUILTINS:
        return True
    if root is None:
        return True
    if spec.startswith((".", "/")):
        base = (root / spec).resolve() if not spec.startswith("/") else Path(spec)
        stem = re.sub(r"\.(m|c)?(j|t)sx?$", "", str(base))
        candidates = [base] + [Path(stem + ext) for ext in (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts",
                                                              ".cts", ".d.ts")] + \
            [base / f"index{ext}" for ext in (".js", ".ts", ".mjs", ".tsx")]
        return any(c.is_file() for c in candidates)
    package = "/".join(spec.split("/")[:2]) if spec.startswith("@") else spec.split("/")[0]
    if (root / "node_modules" / package).exists():
        return True
    pkg_json = root / "package.json"
    try:
        data = json.loads(pkg_json.read_text("utf-8")) if pkg_json.is_file() else {}
    except (OSError, ValueError):
        data = {}
    if data.get("name") == package:
        return True
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        if package in (data.get(section) or {}):
            return True
    return False


# --- other languages ----------------------------------------------------------------------------------------
_WRAPPERS = {
    "go": (("package main\n\nfunc main() {\n", "\n}"),),
    "rust": (("fn main() {\n", "\n}"),),
    "java": (("class Example {\n", "\n}"), ("class Example {\nvoid main() throws Exception {\n", "\n}\n}")),
    "c": (("int main(void) {\n", "\n}"),),
    "cpp": (("int main() {\n", "\n}"),),
}


def _check_other(code: str, g: Grounding) -> list[str]:
    lang = g.block.language
    error = _tree_errors(lang, code, _WRAPPERS.get(lang, ()))
    if error:
        return [f"the example does not parse as {lang}: {error}"]
    problems = []
    name = g.block.name
    if name and not re.search(rf"\b{re.escape(name)}\b", code):
        problems.append(f"the example never uses `{name}`")
    if g.import_line:
        want = {
            "go": lambda: f'"{g.module}"' in code,
            "rust": lambda: bool(g.module) and (g.import_line.rstrip(";") in code or f"{g.module}::" in code),
            "java": lambda: g.import_line.rstrip(";") in code or (g.module or "") + ".*" in code,
            "c": lambda: _include(code, g.import_line),
            "cpp": lambda: _include(code, g.import_line),
        }.get(lang)
        if want is not None and not want():
            problems.append(f"the example must import the block with `{g.import_line}`")
    return problems


def _include(code: str, line: str) -> bool:
    header = line.split('"')[1] if '"' in line else line
    return bool(re.search(rf'#\s*include\s*[<"]([\w./-]*/)?{re.escape(Path(header).name)}[>"]', code))
