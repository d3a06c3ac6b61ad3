"""Grounding facts for a block: what it defines, what it uses, where it is called, how it is imported.

The outline and a selection's inputs/outputs come from the syntax tree (every language); Python goes through
jedi (core.python.grounding); other languages get their import path and call sites from the file system and
tree-sitter. The usage example is not built here: core.examples.attach does it after grounding.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

from blockguide.core import callsites, doccomments
from blockguide.core.callsites.confirm import confirmer
from blockguide.core.languages import LANGUAGES
from blockguide.core.project import (
    C_HEADER_SUFFIXES, c_header, c_header_paths, find_root, go_import, including_header, js_package_name, js_specifier,
    relative, rust_module)
from blockguide.core.python.grounding import ground_python
from blockguide.core.rust_crate import place_of
from blockguide.core.syntax.blocks import definition_around, enclosing_definition, is_constructor, property_owner
from blockguide.core.syntax.blocks import owner_name as class_of_method
from blockguide.core.syntax.dataflow import dataflow
from blockguide.core.syntax.nodes import class_bases, definition_node, text_of
from blockguide.core.phrase import describe, outline
from blockguide.core.syntax.source import Source
from blockguide.core.types import BaseClass, Block, BlockKind, Grounding, Symbol

log = logging.getLogger(__name__)


def ground(block: Block, source: Source | str, path: Path | None, root: Path | None, references: int) -> Grounding:
    """Everything we can tell the model about the block besides its text (and its usage example).

    The outline and a selection's inputs/outputs come from the syntax tree (every language); names, base
    classes and the import path from jedi (Python) or the project's files; call sites from a bounded search.
    """
    grounding = Grounding(block=block)
    src = source if isinstance(source, Source) else Source(LANGUAGES[block.language], source)
    try:
        grounding.flow = outline(src, block)
        grounding.outline = describe(grounding.flow)
        if block.kind == "statements":
            grounding.inputs, grounding.outputs = dataflow(src, block)
    except Exception as exc:  # an odd tree must not stop the guide: it only loses the outline
        log.warning("outline failed for %s: %s", path, exc, exc_info=True)
    try:
        grounding.doc = doccomments.for_block(src, block)
        around = definition_around(src, block) if block.kind == "statements" else None
        grounding.inside = around.name if around is not None else None
        grounding.inside_doc = doccomments.for_block(src, around) if around is not None else None
        grounding.inside_text = around.text if around is not None else None
        grounding.constructor = is_constructor(src, block)
        if grounding.doc is None and grounding.constructor:  # its class's documentation says what it makes
            cls = definition_around(src, block)
            grounding.class_doc = doccomments.for_block(src, cls) if cls is not None else None
    except Exception as exc:  # an odd comment must not stop the guide: it only loses the documentation
        log.warning("reading the documentation failed for %s: %s", path, exc, exc_info=True)
    if path is None:
        return grounding
    root = root or find_root(path)
    grounding.path = relative(path, root)
    grounding.root = str(root)
    if block.language == "python":
        ground_python(grounding, src, path, root, references)
    else:
        _ground_generic(grounding, src, path, root, references)
    return grounding


def _ground_generic(g: Grounding, src: Source, path: Path, root: Path, references: int) -> None:
    block = g.block
    lang = LANGUAGES[block.language]
    rel = relative(path, root)
    node = definition_node(src, block)
    if node is not None and node.type in lang.classes:
        g.bases = [BaseClass(b) for b in class_bases(node)]
    owner = _owner(src, block)
    header = None
    prop = _property_of(src, node) if block.language in ("javascript", "typescript", "tsx") else None
    if block.language in ("c", "cpp") and g.doc is None and block.name and path.suffix not in C_HEADER_SUFFIXES:
        try:  # documented where it is declared: the header's comment
            g.doc = doccomments.declared_doc(c_header_paths(path, root), block.name, class_of_method(src, block))
        except Exception as exc:
            log.info("reading the header's documentation failed for %s: %s", path, exc)
    if node is not None and block.name:
        signature = _header(src, node)
        if prop is not None:  # `function (name, value)` is called as `app.send(name, value)`
            params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
            shown = block.name if prop in ("exports", "module.exports") else f"{prop}.{block.name}"
            args = text_of(params) if params is not None else "()"
            signature = shown + (args if args.startswith("(") else f"({args})")
        g.defines.append(Symbol(name=block.name, kind=block.kind, module=None, signature=signature,
                                doc=(g.doc.summary or None) if g.doc else None, path=rel, line=block.span.start))
    if block.language in ("javascript", "typescript", "tsx") and block.name and prop is not None:
        _ground_property(g, src, path, root, prop)
    elif block.language in ("javascript", "typescript", "tsx") and block.name:
        name = owner.name if owner is not None and block.kind == "method" else block.name
        head = owner.text if owner is not None and block.kind == "method" else block.text
        exported = _js_exported(src.text, name, head)
        if not exported and block.kind == "function":
            # defined inside a setup function and exposed as a property (`app.handle = handle;`): reached
            # through that object, which is what the example calls it on (and no "not exported" is said)
            exposed = re.search(rf"(?<![\w$.])([A-Za-z_$][\w$.]*)\.{re.escape(name)}\s*=\s*{re.escape(name)}\s*[;,\n]",
                                src.text)
            if exposed:
                g.owner = re.sub(r"\.prototype$", "", exposed.group(1))
        spec = (js_package_name(path, root, name) if exported else None) or js_specifier(path, root)
        if exported and spec:
            default = head.lstrip().startswith("export default") or \
                re.search(rf"module\.exports\s*=\s*{re.escape(name)}\s*(;|$)", src.text, re.M) is not None
            g.import_line = (f'import {name} from "{spec}";' if default
                             else f'import {{ {name} }} from "{spec}";')
            if block.kind == "method":
                g.owner = name
                g.notes.append(f"`{block.name}` is a method of class `{name}`")
        g.module = spec
    elif block.language == "go":
        g.module, g.import_line = go_import(path, root, src.text)
    elif block.language == "rust":
        g.module = rust_module(path, root)
        place = place_of(path, node) if node is not None and block.name else None
        if place is not None and place.public:  # the shortest public path to it (a method's: its type's)
            g.import_line = f"use {place.reach.path};"
        if place is not None and place.features:
            g.needs_features = place.features
            g.notes.append(f"`{block.name}` is compiled only with the crate's {_and(place.features)} "
                           f"feature{'s' if len(place.features) > 1 else ''} enabled.")
    elif block.language == "java":
        package = re.search(r"^\s*package\s+([\w.]+)\s*;", src.text, re.M)
        top = _top_class(src, block)
        g.module = package.group(1) if package else None
        if top:
            g.import_line = f"import {g.module}.{top};" if g.module else None
            if block.kind == "method":
                g.owner = top
                g.notes.append(f"`{block.name}` is a method of class `{top}`")
    elif block.language in ("c", "cpp"):
        header = c_header(path, root)
        included = including_header(path) if block.language == "cpp" and header == path.name else None
        if included is not None:  # a fragment its namespace's header includes: users include that one
            header = included[0].name
        g.module = header or rel
        if header:
            g.import_line = f'#include "{header}"'
        if block.language == "cpp" and block.name and block.kind != "class":
            g.owner = _cpp_class(src, block, path, root)
            if block.kind == "method" and g.owner is None:  # `util::twice`: no class of that name, a namespace
                g.block = block = replace(block, kind=BlockKind.FUNCTION)
    else:
        g.module = rel
    if block.name:
        owner_name = g.owner or (owner.name if owner is not None else None)
        confirm = confirmer(block.language, path, root, block.name, block.kind, owner_name, g.module, header)
        g.call_sites = callsites.find_call_sites(
            root, [block.name], lang.suffixes, references, exclude=(path, range(block.span.start, block.span.end)),
            confirm=confirm)


def _and(names) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


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


def _owner(src: Source, block: Block) -> Block | None:
    """The class (or Rust impl) a method block sits in."""
    if block.kind != "method" or block.span.start == 0:
        return None
    node = definition_node(src, block)
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    if parent is None:
        return None
    # found from the class's name: on an `export` (a wrapper's first token) no definition encloses the point
    anchor = parent.child_by_field_name("name") or parent
    return enclosing_definition(src, anchor.start_point.row, anchor.start_point.column)


def _top_class(src: Source, block: Block) -> str | None:
    """Java: the outermost class around (or at) the block, which is what other files import."""
    node = definition_node(src, block)
    top = None
    while node is not None:
        if node.type in src.lang.classes:
            top = text_of(node.child_by_field_name("name"))
        node = node.parent
    return top


def _cpp_class(src: Source, block: Block, path: Path, root: Path) -> str | None:
    """The class a C++ method belongs to: the class around an inline method; for an out-of-class definition
    (`Buffer::append`), its scope when this file or a header declares a class or struct of that name (a
    namespace's function is no method)."""
    owner = _owner(src, block) if block.kind == "method" else None
    if owner is not None and owner.name:  # a specialization's template (`caster<T,\n U>` -> `caster`)
        return re.sub(r"\s*<.*", "", owner.name, flags=re.S) or owner.name
    if block.kind == "method" and "::" not in (block.name or ""):  # a class the parser misread (NS_BEGIN class X {)
        return class_of_method(src, block)
    if "::" not in (block.name or ""):
        return None
    scope = block.name.rsplit("::", 1)[0]
    name = re.escape(re.sub(r"<.*>$", "", scope.rsplit("::", 1)[-1]))
    declared = re.compile(rf"\b(class|struct)\s+(\w+\s+)*{name}\b[^;{{]*\{{")
    texts = [src.text]
    for candidate in c_header_paths(path, root)[:MAX_CLASS_HEADERS]:
        try:
            texts.append(candidate.read_text("utf-8", errors="replace"))
        except OSError:
            continue
    return scope if any(declared.search(t) for t in texts) else None


MAX_CLASS_HEADERS = 20  # headers read to tell a method's class from a namespace


def _property_of(src: Source, node) -> str | None:
    """For a function assigned to a property (`app.send = function`, `Foo.prototype.bar = function`,
    `exports.f = ...`): the object it is assigned to (`app`, `Foo`, `exports`), else None."""
    parent = node.parent if node is not None else None
    if parent is None or parent.type != "assignment_expression" or parent.child_by_field_name("right") != node:
        return None
    target = parent.child_by_field_name("left")
    if target is None or target.type != "member_expression":
        return None
    return property_owner(target.child_by_field_name("object"))


def _ground_property(g: Grounding, src: Source, path: Path, root: Path, obj: str) -> None:
    """A function assigned to a property is reached through its object: the package itself for `exports.f`
    and `module.exports.f`, an instance for `Foo.prototype.m`, the object for `app.send`. Its import is the
    object's (or the function's, from the package) when the module exports it; when it cannot tell, the
    guide says nothing about exports rather than a false "not exported"."""
    name = g.block.name or ""
    if obj in ("exports", "module.exports"):
        spec = js_package_name(path, root, name) or js_specifier(path, root)
        g.import_line = f'import {{ {name} }} from "{spec}";' if spec else None
        g.module = spec
        return
    g.owner = obj
    if g.block.kind == "method":
        g.notes.append(f"`{name}` is a method of `{obj}` (assigned to `{obj}.prototype`)")
    esc = re.escape(obj)
    is_module = re.search(rf"(?<![\w$.]){esc}\s*=\s*(exports\s*=\s*)?module\.exports\b|"
                          rf"(?<![\w$.]){esc}\s*=\s*exports\b|module\.exports\s*=\s*(exports\s*=\s*)?{esc}\s*(;|$)",
                          src.text, re.M)
    exported = is_module is not None or _js_exported(src.text, obj, "")
    spec = (js_package_name(path, root, obj) if exported else None) or js_specifier(path, root)
    g.module = spec
    if exported and spec and "." not in obj:
        g.import_line = f'import {obj} from "{spec}";' if is_module else f'import {{ {obj} }} from "{spec}";'


def _js_exported(text: str, name: str, head: str) -> bool:
    if head.lstrip().startswith("export"):
        return True
    esc = re.escape(name)
    return bool(re.search(rf"(module\.)?exports\.{esc}\s*=|module\.exports\s*=\s*{esc}\b|"
                          rf"^\s*export\s+(declare\s+)?(default\s+)?(abstract\s+)?(async\s+)?"
                          rf"(class|function\*?|const|let|var|enum)\s+{esc}\b|"
                          rf"export\s*\{{[^}}]*\b{esc}\b[^}}]*\}}|module\.exports\s*=\s*\{{[^}}]*\b{esc}\b", text, re.M))
