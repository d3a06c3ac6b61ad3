"""How a C++ usage example gets the object a method runs on: the class's public constructors, read from its
definition in the block's file or the header it includes (tree-sitter, never compiled here), and the
namespaces a reader writes (an inline namespace such as `rust::cxxbridge1` is left out: `rust::String`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam
from blockguide.core.languages import LANGUAGES
from blockguide.core.project import including_header
from blockguide.core.syntax.cpp_scopes import included_defines, namespaces_at
from blockguide.core.syntax.nodes import innermost_declarator, text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


MAX_HEADER_CHARS = 400_000


@dataclass
class Owner:
    name: str  # as a reader writes it: rust::String
    constructors: list[list[GenericParam]] | None  # the public ones (not copy/move); None: the class is not found
    node: Node | None = None  # its definition


def hidden_members(cls: Node) -> set[str]:
    """The names of the members a caller cannot reach: declared under `private:` or `protected:` (a class's
    default) and never under `public:` (an overload may be public)."""
    public = cls.type == "struct_specifier"
    hidden, shown = set(), set()
    for member in cls.child_by_field_name("body").named_children:
        if member.type == "access_specifier":
            public = text_of(member).startswith("public")
            continue
        decl = innermost_declarator(member) if member.type in ("declaration", "field_declaration",
                                                               "function_definition") else None
        if decl is not None:
            (shown if public else hidden).add(text_of(decl))
    return hidden - shown


def public_caller(cls: Node, src: Source, owner: str, method: str) -> Node | None:
    """A public method of the class that calls `method` (a private one a reader cannot call): defined in the
    class, or out of it in the block's file (`Owner::Name(...) {...}`)."""
    hidden = hidden_members(cls) | {method}
    short = re.sub(r"<.*", "", owner.rsplit("::", 1)[-1])
    candidates = [m for m in cls.child_by_field_name("body").named_children if m.type == "function_definition"]
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_definition":
            candidates.append(node)
        elif node.type in ("translation_unit", "namespace_definition", "declaration_list", "preproc_ifdef",
                           "preproc_if", "preproc_else", "template_declaration", "linkage_specification"):
            stack.extend(node.named_children)
    for fn in candidates:
        decl = innermost_declarator(fn)
        name = text_of(decl)
        if "::" in name:
            scope, name = name.rsplit("::", 1)
            if re.sub(r"<.*", "", scope.rsplit("::", 1)[-1]) != short:
                continue
        elif fn.parent is None or fn.parent.parent != cls:
            continue  # a free function: not a method of the class
        if name in hidden or name in (short, f"~{short}") or name.startswith("operator") or \
                (fn.child_by_field_name("body") is None):
            continue
        if _calls(fn.child_by_field_name("body"), method):
            return fn
    return None


def _calls(body: Node, method: str) -> bool:
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "field_expression":
                function = function.child_by_field_name("field")
            if function is not None and text_of(function) == method:
                return True
        stack.extend(node.named_children)
    return False


def namespaces(node: Node | None) -> list[str]:
    """The named, not inline, namespaces around a node, outermost first."""
    parts: list[str] = []
    parent = node.parent if node is not None else None
    while parent is not None:
        if parent.type == "namespace_definition":
            name = parent.child_by_field_name("name")
            inline = any(c.type == "inline" or text_of(c) == "inline" for c in parent.children[:2])
            if name is not None and not inline:
                parts.insert(0, text_of(name))
        parent = parent.parent
    return parts


def owner_of(g: Grounding, src: Source, node: Node | None) -> str | None:
    """The class a method belongs to: the scope of an out-of-class definition (`String::c_str`), else the
    class around it."""
    name = g.block.name or ""
    if "::" in name:
        return name.rsplit("::", 1)[0]
    return g.owner if g.block.kind == "method" else None


def scope_of(g: Grounding, node: Node | None) -> list[str]:
    """The namespaces the block's names are in: those around the #include of its file, when a header of
    its folder includes it inside a namespace (project.including_header), then its own: from the syntax tree,
    else, where the tree has none (a namespace a macro opens, or one opened inside an `#ifdef`), as the
    preprocessor reads the file (syntax.cpp_scopes)."""
    outer: tuple[str, ...] = ()
    own = namespaces(node)
    if g.root and g.path and g.block.language == "cpp":
        file = Path(g.root) / g.path
        found = including_header(file)
        outer = found[1] if found is not None else ()
        if not own and node is not None and file.is_file():
            root = node
            while root.parent is not None:
                root = root.parent
            data = root.text or b""
            # from its declarator: a macro before it (`NS_BEGIN int f()`) is read as its type by the tree
            at = (node.child_by_field_name("declarator") or node).start_byte
            offset = len(data[:at].decode("utf-8", "replace"))
            own = namespaces_at(data.decode("utf-8", "replace"), offset, included_defines(file, Path(g.root)))
    return [*outer, *own]


def find_owner(g: Grounding, src: Source, node: Node | None, owner: str) -> Owner:
    """The class `owner` as a reader names and makes it. A class template without its arguments is named by
    the arguments of an alias the project gives it (`typedef GenericReader<UTF8<>, UTF8<> > Reader;`), else with
    its parameters' defaults (`int` for a type without one, 1 for a number): a template names no type alone."""
    scope = scope_of(g, node)
    prefix, short = owner.rsplit("::", 1) if "::" in owner else ("", owner)
    base = re.sub(r"<.*", "", short)  # `Box<T>` of an out-of-class definition: its own parameters, no type
    for text in _sources(g, src):
        cls = _class_node(text, base)
        if cls is not None:
            named = _template_use(cls, base) if cls.parent is not None and \
                cls.parent.type == "template_declaration" else short
            return Owner("::".join([*scope, *([prefix] if prefix else []), named]), _constructors(cls), cls)
    return Owner("::".join([*scope, owner]), None)


def _template_use(cls: Node, name: str) -> str:
    template = cls.parent
    if template is None or template.type != "template_declaration":
        return name
    root = template
    while root.parent is not None:
        root = root.parent
    alias = _alias(root, name, template.end_byte)
    if alias is not None:
        return alias
    args = []
    for p in (template.child_by_field_name("parameters") or template).named_children:
        default = p.child_by_field_name("default_type") or p.child_by_field_name("default_value")
        if default is not None:
            break  # the rest have defaults too: left to them
        if p.type in ("type_parameter_declaration", "variadic_type_parameter_declaration"):
            args.append("int")
        elif p.type in ("parameter_declaration",):
            args.append("1")
        else:
            return name  # a template template parameter: nothing simple to give it
    return f"{name}<{', '.join(args)}>"


def _alias(root: Node, name: str, after: int) -> str | None:
    """The arguments the project gives the template in an alias of it (`typedef Name<char> Alias;`, `using Alias =
    Name<char>;`) after its definition, at namespace level: `Name<char>`."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_byte >= after and node.type in ("type_definition", "alias_declaration"):
            kind = node.child_by_field_name("type")
            if kind is not None and kind.type == "type_descriptor":
                kind = kind.child_by_field_name("type")
            target = kind.child_by_field_name("name") if kind is not None and kind.type == "template_type" else None
            alias = node.child_by_field_name("declarator") or node.child_by_field_name("name")
            if target is not None and text_of(target) == name and alias is not None and alias.type == "type_identifier":
                return text_of(kind)  # as the alias spells it: the example still names the class
        if node.type in ("translation_unit", "namespace_definition", "declaration_list", "preproc_ifdef", "preproc_if",
                         "preproc_else", "linkage_specification"):
            stack.extend(reversed(node.named_children))
    return None


def _sources(g: Grounding, src: Source) -> list[str]:
    texts = [src.text]
    header = g.import_line.split('"')[1] if g.import_line and '"' in g.import_line else None
    if header and g.root and g.path:
        file = Path(g.root) / g.path
        for folder in (file.parent, Path(g.root) / "include", file.parent.parent / "include"):
            if (folder / header).is_file():
                texts.append((folder / header).read_text("utf-8", "replace")[:MAX_HEADER_CHARS])
                break
    return texts


def _class_node(text: str, name: str) -> Node | None:
    if not re.search(rf"\b(class|struct)\s+{re.escape(name)}\b", text):
        return None
    tree = Source(LANGUAGES["cpp"], text).tree
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("class_specifier", "struct_specifier") and node.child_by_field_name("body") is not None \
                and text_of(node.child_by_field_name("name")) == name:
            return node
        stack.extend(reversed(node.named_children))
    return None


def _constructors(cls: Node) -> list[list[GenericParam]]:
    """The public constructors a caller can use (not copy or move ones); a class that declares none has the
    implicit default one."""
    name = text_of(cls.child_by_field_name("name"))
    public = cls.type == "struct_specifier"
    found = []
    declared = False
    for member in cls.child_by_field_name("body").named_children:
        if member.type == "access_specifier":
            public = text_of(member).startswith("public")
            continue
        if member.type not in ("declaration", "field_declaration", "function_definition"):
            continue
        decl = innermost_declarator(member)
        if decl is None or text_of(decl) != name:
            continue
        declared = True
        if not public or re.search(r"=\s*delete\s*;?\s*$", text_of(member)):
            continue
        params = _params(decl.parent if decl.parent is not None else member)
        if any(re.search(rf"\b{re.escape(name)}\b", p.type) for p in params):
            continue  # copy and move constructors need an object already
        found.append(params)
    return found if declared else [[]]


def _params(function: Node) -> list[GenericParam]:
    """A declaration's parameters a caller passes, the unnamed ones too (`String(const char *);`): up to the
    first with a default."""
    params = function.child_by_field_name("parameters")
    out = []
    for i, p in enumerate(params.named_children if params is not None else []):
        if p.type == "optional_parameter_declaration":
            break  # a caller leaves out the parameters that have defaults
        if p.type != "parameter_declaration":
            continue
        declarator = text_of(p.child_by_field_name("declarator"))
        name = re.sub(r"\W", "", declarator.split("=")[0]) or f"arg{i}"
        const = "const " if any(c.type == "type_qualifier" and text_of(c) == "const" for c in p.children) else ""
        out.append(GenericParam(name, const + text_of(p.child_by_field_name("type")) + re.sub(r"[^*&]", "", declarator)))
    return out


def pick_constructor(constructors: list[list[GenericParam]]) -> list[GenericParam] | None:
    """The constructor a reader would call: one taking a string, else the default one, else the shortest."""
    if not constructors:
        return None
    for params in constructors:
        if len(params) == 1 and re.search(r"char\s*\*|string", params[0].type.replace(" ", "") + params[0].type):
            return params
    return min(constructors, key=len)
