"""Grounding facts for a block: what it defines, what it uses, where it is called, how it is imported.

Python goes through jedi (static analysis: the user's code is never imported or run). Other languages get
their import path and call sites from the file system and tree-sitter.
"""

from __future__ import annotations

import logging
from pathlib import Path

from blockguide.core import workspace
from blockguide.core.languages import LANGUAGES
from blockguide.core.types import Block, Grounding, Symbol

log = logging.getLogger(__name__)

MAX_USED_NAMES = 24
_projects: dict[Path, object] = {}


def jedi_project(root: Path):
    """One jedi Project per root, reused: its caches make later analyses fast."""
    import jedi

    root = root.resolve()
    if root not in _projects:
        added = [str(root / "src")] if (root / "src").is_dir() else []
        _projects[root] = jedi.Project(root, added_sys_path=added, smart_sys_path=True, load_unsafe_extensions=False)
    return _projects[root]


def ground(block: Block, source: str, path: Path | None, root: Path | None, references: int) -> Grounding:
    """Everything we can tell the model about the block besides its text."""
    grounding = Grounding(block=block)
    if path is None:
        return grounding
    root = root or workspace.find_root(path)
    grounding.path = workspace.relative(path, root)
    if block.language == "python":
        _ground_python(grounding, source, path, root, references)
    else:
        _ground_generic(grounding, path, root, references)
    return grounding


def _first_line(text: str | None) -> str | None:
    for line in (text or "").strip().split("\n"):
        if line.strip():
            return line.strip()[:200]
    return None


def _symbol_of(definition, root: Path) -> Symbol:
    signature = None
    try:
        sigs = definition.get_signatures()
        if sigs:
            signature = sigs[0].to_string()
    except Exception:  # jedi can fail on odd code; a missing signature is fine
        signature = None
    doc = None
    try:
        doc = _first_line(definition.docstring(raw=True))
    except Exception:
        doc = None
    module_path = definition.module_path
    return Symbol(
        name=definition.name,
        kind=definition.type,
        module=definition.module_name or None,
        signature=signature,
        doc=doc,
        path=workspace.relative(Path(module_path), root) if module_path else None,
        line=(definition.line - 1) if definition.line else None,
    )


def _ground_python(g: Grounding, source: str, path: Path, root: Path, references: int) -> None:
    import jedi

    block = g.block
    g.module = workspace.python_module(path, root)
    try:
        script = jedi.Script(source, path=str(path), project=jedi_project(root))
        names = script.get_names(all_scopes=True, definitions=True, references=True)
    except Exception as exc:  # syntax jedi cannot recover from: ground with what tree-sitter gave
        log.info("jedi could not analyse %s: %s", path, exc)
        g.notes.append("static analysis was incomplete for this file")
        return
    inside = [n for n in names if block.span.start <= n.line - 1 < block.span.end]

    # What the block defines at its top level (a definition block: itself; statements: their defs).
    top = [n for n in inside if n.is_definition() and n.type in ("function", "class") and _scope_outside(n, block)]
    for n in top:
        g.defines.append(_symbol_of(n, root))
    module_level = not block.indent
    if g.module and block.kind in ("function", "class") and module_level and block.name:
        g.import_line = f"from {g.module} import {block.name}"
    elif g.module and block.kind == "method":
        owner = next((p.name for n in top if (p := n.parent()) is not None and p.type == "class"), None)
        if owner:
            g.import_line = f"from {g.module} import {owner}"
            g.notes.append(f"`{block.name}` is a method of class `{owner}`")

    # What the block uses: names bound outside it, resolved to their definitions.
    local = {n.name for n in inside if n.is_definition()}
    seen: set[str] = set()
    for n in inside:
        if n.is_definition() or n.name in seen or n.name in local or len(seen) >= MAX_USED_NAMES:
            continue
        seen.add(n.name)
        try:
            targets = n.goto(follow_imports=True, follow_builtin_imports=False)
        except Exception:
            continue
        for d in targets[:1]:
            if d.module_name == "builtins" and d.type != "class":
                continue
            if d.module_path and Path(d.module_path).resolve() == path.resolve() and d.line and \
                    block.span.start <= d.line - 1 < block.span.end:
                continue
            g.uses.append(_symbol_of(d, root))

    if block.kind != "statements":
        g.inputs, g.outputs = [], []
    callable_names = [s.name for s in g.defines] or ([block.name] if block.name else [])
    if callable_names:
        g.call_sites = workspace.find_call_sites(
            root, callable_names, (".py",), references, exclude=(path, range(block.span.start, block.span.end))
        )


def _scope_outside(name, block: Block) -> bool:
    """True when the name's enclosing scope starts before the block: it is one of the block's top names."""
    parent = name.parent()
    return parent is None or parent.type == "module" or (parent.line or 0) - 1 < block.span.start


def _ground_generic(g: Grounding, path: Path, root: Path, references: int) -> None:
    block = g.block
    lang = LANGUAGES[block.language]
    rel = workspace.relative(path, root)
    if block.language in ("javascript", "typescript", "tsx") and block.name:
        exported = block.text.lstrip().startswith("export") or f"exports.{block.name}" in block.text
        spec = _js_specifier(path, root)
        if exported and spec:
            default = block.text.lstrip().startswith("export default")
            g.import_line = (f'import {block.name} from "{spec}";' if default
                             else f'import {{ {block.name} }} from "{spec}";')
        g.module = spec
    else:
        g.module = rel
    if block.name:
        g.call_sites = workspace.find_call_sites(
            root, [block.name], lang.suffixes, references, exclude=(path, range(block.span.start, block.span.end))
        )


def _js_specifier(path: Path, root: Path) -> str | None:
    """How code at the project root imports this file: a package name inside node_modules, else ./relative."""
    parts = path.resolve().parts
    if "node_modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("node_modules")
        pkg = parts[i + 1: i + 3] if parts[i + 1].startswith("@") else parts[i + 1: i + 2]
        return "/".join(pkg)
    rel = workspace.relative(path, root)
    if rel.endswith((".ts", ".tsx", ".mts", ".cts")):
        rel = rel.rsplit(".", 1)[0] + ".js"  # TypeScript imports name the emitted .js file
    return "./" + rel
