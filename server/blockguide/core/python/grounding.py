"""The Python part of grounding, through jedi (static analysis: the user's code is never imported or run):
what a block defines and uses, its import line, a class's base classes, and where it is called."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from blockguide.core import callsites
from blockguide.core.doccomments import parse
from blockguide.core.project import python_module, relative
from blockguide.core.python.jedi_session import JEDI_LOCK, names_in, script_for, trim_parsed_modules
from blockguide.core.python.references import python_confirmer
from blockguide.core.syntax.nodes import body_of, definition_node, statements, text_of, unwrap
from blockguide.core.syntax.source import Source
from blockguide.core.types import BaseClass, Block, Grounding, Symbol

log = logging.getLogger(__name__)


MAX_USED_NAMES = 24


# Looking a name up can take jedi a second in a large project (`self.query.get_compiler` infers `self` and
# its class's attributes first). Names are looked up plain names first, attributes after, until this many
# seconds have gone; the rest are left out and a note says so. It bounds the analysis of one block.
RESOLVE_SECONDS = 0.3


MAX_INHERITED = 12


def ground_python(g: Grounding, src: Source, path: Path, root: Path, references: int) -> None:
    """Fill in what jedi tells about the block (holds JEDI_LOCK; trims parso's modules afterwards)."""
    with JEDI_LOCK:
        try:
            _ground_python(g, src, path, root, references)
        except Exception as exc:  # jedi can fail inside its own subprocess (a KeyError resolving an import of
            # `idna.core`): the guide goes on with what was found before, and says the analysis is incomplete
            log.warning("jedi failed on %s: %s: %s", path, type(exc).__name__, str(exc)[-200:])
            if "static analysis was incomplete for this file" not in g.notes:
                g.notes.append("static analysis was incomplete for this file")
        finally:
            trim_parsed_modules()


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
        raw = definition.docstring(raw=True)
        doc = (parse(raw, "python").summary or _first_line(raw)) if raw else None
    except Exception:
        doc = None
    module_path = definition.module_path
    return Symbol(
        name=definition.name,
        kind=definition.type,
        module=definition.module_name or None,
        signature=signature,
        doc=doc,
        path=relative(Path(module_path), root) if module_path else None,
        line=(definition.line - 1) if definition.line else None,
    )


_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})


def _module_scope(src: Source, block: Block) -> bool:
    """An indented definition at module scope: inside a top-level `if PY3:`, `try:`, `else:` or `with` (no
    function or class around it), it is a name of the module, importable like any other."""
    node = definition_node(src, block)
    if node is None:
        return False
    parent = node.parent
    while parent is not None and parent.type != "module":
        if parent.type in _SCOPES:
            return False
        parent = parent.parent
    return parent is not None


def _ground_python(g: Grounding, src: Source, path: Path, root: Path, references: int) -> None:
    block = g.block
    g.module = python_module(path, root)
    try:
        script = script_for(src.text, path, root)
        # only the block's names: listing the module's (thousands in a large file) cost seconds per block
        inside = names_in(script, block.span.start + 1, block.span.end)
    except Exception as exc:  # syntax jedi cannot recover from: ground with what tree-sitter gave
        log.info("jedi could not analyse %s: %s", path, exc)
        g.notes.append("static analysis was incomplete for this file")
        return

    # What the block defines at its top level (a definition block: itself; statements: their defs).
    top = [n for n in inside if n.is_definition() and n.type in ("function", "class") and _scope_outside(n, block)]
    for n in top:
        g.defines.append(_symbol_of(n, root))
    module_level = not block.indent or _module_scope(src, block)
    if g.module and block.kind in ("function", "class") and module_level and block.name:
        g.import_line = f"from {g.module} import {block.name}"
    elif g.module and block.kind == "method":
        owner = next((p.name for n in top if (p := n.parent()) is not None and p.type == "class"), None)
        if owner:
            g.import_line = f"from {g.module} import {owner}"
        if owner:
            g.owner = owner
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
        span = range(block.span.start, block.span.end)
        g.call_sites = callsites.find_call_sites(root, callable_names, (".py",), references, exclude=(path, span),
                                                 confirm=python_confirmer(path, span, root))


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
            module = _base_module(script, d)
            try:  # only a class gives members: a base that is a function (`TypedDict`) has parameters
                members = [m.name for m in d.defined_names()] if d.type == "class" else []
            except Exception:
                members = []
            inherited = tuple(m for m in dict.fromkeys(members)
                              if not m.startswith("_") and m not in own)[:MAX_INHERITED]
        out.append(BaseClass(text, module, inherited))
    return out


def _base_module(script, d) -> str | None:
    """The module a base class comes from, as its import names it; None for one of the block's own file (the
    description names that module already) or a built-in (`ValueError` comes from nowhere the reader imports)."""
    try:
        if d.in_builtin_module() or (script.path and d.module_path and Path(d.module_path) == Path(script.path)):
            return None
    except Exception:
        return None
    name = d.module_name or ""
    return name if re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", name) and name != "builtins" else None


def _scope_outside(name, block: Block) -> bool:
    """True when the name's enclosing scope starts before the block: it is one of the block's top names."""
    parent = name.parent()
    return parent is None or parent.type == "module" or (parent.line or 0) - 1 < block.span.start
