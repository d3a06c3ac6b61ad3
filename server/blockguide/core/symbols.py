"""Grounding facts for a block: what it defines, what it uses, where it is called, how it is imported.

Python goes through jedi (static analysis: the user's code is never imported or run). Other languages get
their import path and call sites from the file system and tree-sitter.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

from blockguide.core import workspace
from blockguide.core.syntax import outline
from blockguide.core.syntax.dataflow import dataflow
from blockguide.core.syntax.nodes import body_of, class_bases, definition_node, statements, text_of, unwrap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.types import BaseClass, Block, Grounding, Symbol

log = logging.getLogger(__name__)

MAX_USED_NAMES = 24
# Looking a name up can take jedi a second in a large project (`self.query.get_compiler` infers `self` and
# its class's attributes first). Names are looked up plain names first, attributes after, until this many
# seconds have gone; the rest are left out and a note says so. It bounds the analysis of one block.
RESOLVE_SECONDS = 0.3
MAX_INHERITED = 12
_projects: dict[Path, object] = {}
# jedi keeps global caches and is not thread-safe: every use in blockguide holds this lock.
JEDI_LOCK = threading.RLock()


def jedi_project(root: Path):
    """One jedi Project per root, reused: its caches make later analyses fast."""
    import jedi

    root = root.resolve()
    if root not in _projects:
        # Inferring an unannotated parameter from the calls to its function across the whole project cost a
        # single lookup 2+ s in Django (bench item 2): calls in the same module are still used.
        jedi.settings.dynamic_params_for_other_modules = False
        added = [str(root / "src")] if (root / "src").is_dir() else []
        _projects[root] = jedi.Project(root, added_sys_path=added, smart_sys_path=True, load_unsafe_extensions=False)
    return _projects[root]


def ground(block: Block, source: Source | str, path: Path | None, root: Path | None, references: int) -> Grounding:
    """Everything we can tell the model about the block besides its text.

    The outline and a selection's inputs/outputs come from the syntax tree (every language); names, base
    classes and the import path from jedi (Python) or the project's files; call sites from a bounded search;
    and a usage example blockguide builds and checks itself (adapted from a call site when there is one).
    """
    grounding = Grounding(block=block)
    src = source if isinstance(source, Source) else Source(LANGUAGES[block.language], source)
    try:
        grounding.flow = outline.outline(src, block)
        grounding.outline = outline.describe(grounding.flow)
        if block.kind == "statements":
            grounding.inputs, grounding.outputs = dataflow(src, block)
    except Exception as exc:  # an odd tree must not stop the guide: it only loses the outline
        log.warning("outline failed for %s: %s", path, exc, exc_info=True)
    if path is None:
        _finish(grounding, src, None, None)
        return grounding
    root = root or workspace.find_root(path)
    grounding.path = workspace.relative(path, root)
    grounding.root = str(root)
    if block.language == "python":
        with JEDI_LOCK:
            try:
                _ground_python(grounding, src, path, root, references)
            finally:
                _trim_parsed_modules(MAX_PARSED_MODULES)
    else:
        _ground_generic(grounding, src, path, root, references)
    _finish(grounding, src, path, root)
    return grounding


def _finish(g: Grounding, src: Source, path: Path | None, root: Path | None) -> None:
    """The usage example blockguide would write itself: adapted from a call site, else from the signature."""
    from blockguide.core import examples

    try:
        with JEDI_LOCK:
            built = examples.build(g, src, path, root)
    except Exception as exc:
        log.warning("could not build an example for %s: %s", path, exc, exc_info=True)
        return
    if built is not None:
        g.example, g.example_source = built


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


def _ground_python(g: Grounding, src: Source, path: Path, root: Path, references: int) -> None:
    block = g.block
    g.module = workspace.python_module(path, root)
    try:
        script, names = _script_and_names(src.text, path, root)
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
    wanted = []
    for n in inside:
        if n.is_definition() or n.name in seen or n.name in local or len(seen) >= MAX_USED_NAMES:
            continue
        seen.add(n.name)
        wanted.append(n)
    wanted.sort(key=lambda n: _is_attribute(src, n))  # stable: code order within each group
    deadline = time.monotonic() + RESOLVE_SECONDS
    for i, n in enumerate(wanted):
        if time.monotonic() > deadline:
            left = ", ".join(f"`{m.name}`" for m in wanted[i:i + 5]) + (" and more" if len(wanted) - i > 5 else "")
            g.notes.append(f"{len(wanted) - i} names the block uses were not looked up within the analysis time "
                           f"limit: {left}")
            break
        try:
            targets = n.goto(follow_imports=True, follow_builtin_imports=False)
        except Exception:
            continue
        for d in targets[:1]:
            if d.module_name == "builtins" and d.type != "class":
                continue
            if d.type == "param":  # a parameter of the block, or a keyword argument's name
                continue
            if d.module_path and Path(d.module_path).resolve() == path.resolve() and d.line and \
                    block.span.start <= d.line - 1 < block.span.end:
                continue
            g.uses.append(_symbol_of(d, root))

    if block.kind == "class":
        g.bases = _python_bases(script, src, block, root)
    own = [s.name for s in g.defines if s.name == block.name]
    callable_names = own or [s.name for s in g.defines] or ([block.name] if block.name else [])
    if callable_names and block.kind != "statements" or (block.kind == "statements" and g.defines):
        g.call_sites = workspace.find_call_sites(
            root, callable_names, (".py",), references, exclude=(path, range(block.span.start, block.span.end))
        )


# parso keeps every module jedi has read parsed in memory (in Django: 150 modules, ~100 MB of Python
# objects after 29 blocks, which fragmentation then keeps in the process). Only the most recently used are
# kept: past MAX_PARSED_MODULES the least recently used are dropped down to half of it (they come back from
# parso's disk cache, a pickle load, when needed again). jedi expects the modules of a live Script to stay in
# that cache, so the Scripts kept below are dropped with them. A trim costs the next analyses their reuse
# (bench item 2 with 64: warm p95 ~1.1 s against ~0.7-0.9 s without a cap), so the cap bounds a long session's
# growth rather than the benchmark's 150 modules.
MAX_PARSED_MODULES = 128


def _trim_parsed_modules(limit: int) -> None:
    from parso import cache

    items = [(item.last_used or 0.0, grammar, path) for grammar, by_path in cache.parser_cache.items()
             for path, item in by_path.items()]
    if len(items) <= limit:
        return
    items.sort(key=lambda i: i[0])
    for _, grammar, path in items[:len(items) - limit // 2]:
        cache.parser_cache[grammar].pop(path, None)
    _scripts.clear()


_scripts: dict[tuple[str, str, int], tuple[float, object, list]] = {}
SCRIPT_SECONDS = 60.0  # a Script remembers what it inferred about other files: keep it only this long


def _script_and_names(text: str, path: Path, root: Path):
    """jedi's Script for the file's text and every name in it, kept for the next block of the same text
    (listing the names of a large module costs jedi 100+ ms); the two most recent texts are kept."""
    import jedi

    key = (str(path), str(root), hash(text))
    now = time.monotonic()
    kept = _scripts.get(key)
    if kept is not None and now - kept[0] < SCRIPT_SECONDS:
        return kept[1], kept[2]
    script = jedi.Script(text, path=str(path), project=jedi_project(root))
    names = script.get_names(all_scopes=True, definitions=True, references=True)
    _scripts.pop(key, None)
    _scripts[key] = (now, script, names)
    while len(_scripts) > 2:
        _scripts.pop(next(iter(_scripts)))
    return script, names


def _is_attribute(src: Source, name) -> bool:
    """Is the name an attribute (`x.name`), as the source shows it: the slow kind to look up."""
    try:
        before = src.line(name.line - 1)[:name.column].rstrip()
    except Exception:
        return False
    return before.endswith(".")


def _python_bases(script, src: Source, block: Block, root: Path) -> list[BaseClass]:
    """The class's base classes, where they come from, and the public members it inherits from them."""
    node = definition_node(src, block)
    supers = node.child_by_field_name("superclasses") if node is not None else None
    if supers is None:
        return []
    own = set()
    for member in statements(src, body_of(node)):
        inner = unwrap(member)
        name = inner.child_by_field_name("name")
        if name is not None:
            own.add(text_of(name))
        elif inner.type in ("expression_statement", "assignment"):
            for target in re.findall(r"^\s*(\w+)\s*[:=]", text_of(inner)):
                own.add(target)
    out: list[BaseClass] = []
    for base in supers.named_children:
        if base.type == "keyword_argument":
            continue
        text = text_of(base)
        anchor = base
        while anchor.type == "attribute" and anchor.child_by_field_name("attribute") is not None:
            anchor = anchor.child_by_field_name("attribute")
        module, inherited = None, ()
        try:
            found = script.goto(anchor.start_point.row + 1, anchor.start_point.column, follow_imports=True)
        except Exception:
            found = []
        if found:
            d = found[0]
            module = d.module_name or None
            try:
                members = [m.name for m in d.defined_names()]
            except Exception:
                members = []
            inherited = tuple(m for m in dict.fromkeys(members)
                              if not m.startswith("_") and m not in own)[:MAX_INHERITED]
        out.append(BaseClass(text, module, inherited))
    return out


def _scope_outside(name, block: Block) -> bool:
    """True when the name's enclosing scope starts before the block: it is one of the block's top names."""
    parent = name.parent()
    return parent is None or parent.type == "module" or (parent.line or 0) - 1 < block.span.start


def _ground_generic(g: Grounding, src: Source, path: Path, root: Path, references: int) -> None:
    block = g.block
    lang = LANGUAGES[block.language]
    rel = workspace.relative(path, root)
    node = definition_node(src, block)
    if node is not None and node.type in lang.classes:
        g.bases = [BaseClass(b) for b in class_bases(node)]
    owner = _owner(src, block)
    if node is not None and block.name:
        g.defines.append(Symbol(name=block.name, kind=block.kind, module=None, signature=_header(src, node),
                                doc=_leading_comment(src, block), path=rel, line=block.span.start))
    if block.language in ("javascript", "typescript", "tsx") and block.name:
        name = owner.name if owner is not None and block.kind == "method" else block.name
        head = owner.text if owner is not None and block.kind == "method" else block.text
        exported = _js_exported(src.text, name, head)
        spec = _js_specifier(path, root)
        if exported and spec:
            default = head.lstrip().startswith("export default")
            g.import_line = (f'import {name} from "{spec}";' if default
                             else f'import {{ {name} }} from "{spec}";')
            if block.kind == "method":
                g.notes.append(f"`{block.name}` is a method of class `{name}`")
        g.module = spec
    elif block.language == "go":
        g.module, g.import_line = workspace.go_import(path, root, src.text)
    elif block.language == "rust":
        g.module = workspace.rust_module(path, root)
        public = (owner.text if owner is not None else block.text).lstrip().startswith("pub")
        name = owner.name if owner is not None else block.name
        if g.module and name and (public or owner is not None):
            g.import_line = f"use {g.module}::{name};"
    elif block.language == "java":
        package = re.search(r"^\s*package\s+([\w.]+)\s*;", src.text, re.M)
        top = _top_class(src, block)
        g.module = package.group(1) if package else None
        if top:
            g.import_line = f"import {g.module}.{top};" if g.module else None
            if block.kind == "method":
                g.notes.append(f"`{block.name}` is a method of class `{top}`")
    elif block.language in ("c", "cpp"):
        header = workspace.c_header(path, root)
        g.module = header or rel
        if header:
            g.import_line = f'#include "{header}"'
    else:
        g.module = rel
    if block.name:
        g.call_sites = workspace.find_call_sites(
            root, [block.name], lang.suffixes, references, exclude=(path, range(block.span.start, block.span.end))
        )


def _header(src: Source, node) -> str | None:
    """A definition's header as written (everything before its body), on one line."""
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    text = src.data[node.start_byte:end].decode("utf-8", "replace")
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"(^|\s)//[^\n]*", " ", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip("{").strip()
    text = re.sub(r"\(\s+", "(", text)
    return text[:200] or None


def _leading_comment(src: Source, block: Block) -> str | None:
    """The doc comment right above a definition (`///`, `/** */`, `//`, `#`), its first paragraph as one line."""
    lines: list[str] = []
    i = block.span.start - 1
    while i >= 0:
        text = src.line(i).strip()
        if not text or not text.startswith(("//", "/*", "*", "#")) or text.startswith(("#include", "#define")):
            break
        lines.insert(0, re.sub(r"^(///?!?|/\*\*?|\*/|\*|#)\s?", "", text).removesuffix("*/").strip())
        i -= 1
    paragraph: list[str] = []
    for line in lines:
        if not line or line.startswith("@"):
            if paragraph:
                break
            continue
        paragraph.append(line)
    text = " ".join(paragraph).strip()
    return text[:300] or None


def _owner(src: Source, block: Block) -> Block | None:
    """The class (or Rust impl) a method block sits in."""
    if block.kind != "method" or block.span.start == 0:
        return None
    from blockguide.core.syntax.blocks import enclosing_definition

    node = definition_node(src, block)
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    if parent is None:
        return None
    while parent.parent is not None and parent.parent.type in src.lang.wrappers:
        parent = parent.parent
    return enclosing_definition(src, parent.start_point.row, parent.start_point.column) if parent else None


def _top_class(src: Source, block: Block) -> str | None:
    """Java: the outermost class around (or at) the block, which is what other files import."""
    node = definition_node(src, block)
    top = None
    while node is not None:
        if node.type in src.lang.classes:
            top = text_of(node.child_by_field_name("name"))
        node = node.parent
    return top


def _js_exported(text: str, name: str, head: str) -> bool:
    if head.lstrip().startswith("export"):
        return True
    esc = re.escape(name)
    return bool(re.search(rf"(module\.)?exports\.{esc}\s*=|module\.exports\s*=\s*{esc}\b|"
                          rf"export\s*\{{[^}}]*\b{esc}\b[^}}]*\}}|module\.exports\s*=\s*\{{[^}}]*\b{esc}\b", text))


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
