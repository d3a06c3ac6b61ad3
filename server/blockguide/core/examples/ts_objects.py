"""Objects of the user's own TypeScript types for a usage example, instead of `{}`: a parameter typed with an
interface (or an object type alias) of the project gets an object literal with its required members, each a
value of its type; one typed with a class of the project gets `new Cls(...)` by its constructor (imported from
the file that exports it). The declarations are read with tree-sitter, in the block's file and the files it
imports them from; the user's code is never run. None where a member or an argument has no value here (a
generic member, a base interface, a function that must return an object): the caller keeps what it had."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, generic_params, guess
from blockguide.core.languages import for_path
from blockguide.core.project import js_package_name, js_specifier
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.split import split_top_level
from blockguide.core.syntax.source import Source


MAX_DEPTH = 3  # an object whose member is an object, and so on: this many levels at most
MAX_MEMBERS = 8  # an interface with more required members than this is not spelled out in an example
MAX_IMPORT_HOPS = 3
_SUFFIXES = (".ts", ".tsx", ".d.ts", ".mts", "/index.ts", "/index.tsx", "/index.d.ts")
_PLAIN = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass
class Made:
    code: str
    imports: list[str] = field(default_factory=list)  # import lines the value needs


class TsTypes:
    """The project's TypeScript files, parsed once each, and the declarations their names mean."""

    def __init__(self, root: Path | None, by_package: bool = True):
        self.root = Path(root) if root is not None else None
        self.by_package = by_package  # a class is imported by its package's name (else by its file's path)
        self._sources: dict[Path, Source | None] = {}

    def source(self, path: Path) -> Source | None:
        path = path.resolve()
        if path not in self._sources:
            try:
                self._sources[path] = Source(for_path(str(path)), path.read_text("utf-8", "replace"))
            except (OSError, ValueError):
                self._sources[path] = None
        return self._sources[path]

    def find(self, name: str, path: Path, hops: int = 0) -> tuple[Node, Path, bool] | None:
        """(declaration, its file, exported) of the type `name` in the file at `path`: declared there, or
        imported there from a relative path of the project."""
        src = self.source(path)
        if src is None or hops > MAX_IMPORT_HOPS:
            return None
        for top in src.tree.root_node.named_children:
            exported = top.type == "export_statement"
            node = top.child_by_field_name("declaration") if exported else top
            if node is not None and node.type in ("interface_declaration", "type_alias_declaration",
                                                  "class_declaration", "abstract_class_declaration") and \
                    text_of(node.child_by_field_name("name")) == name:
                default = exported and any(c.type == "default" for c in top.children)
                return node, path, exported and not default
        for top in src.tree.root_node.named_children:
            if top.type != "import_statement":
                continue
            spec = top.child_by_field_name("source")
            target = text_of(spec).strip("'\"") if spec is not None else ""
            if not target.startswith("."):
                continue
            for imported in _named_imports(top):
                original, local = imported
                if local == name:
                    file = self.resolve(path, target)
                    return self.find(original, file, hops + 1) if file is not None else None
        return None

    def resolve(self, path: Path, specifier: str) -> Path | None:
        base = (path.parent / specifier).resolve()
        stem = re.sub(r"\.(m|c)?js$", "", str(base))
        for suffix in ("",) + _SUFFIXES:
            candidate = Path(stem + suffix)
            if candidate.is_file() and candidate.suffix in (".ts", ".tsx", ".mts"):
                return candidate
        return None


def _named_imports(node: Node) -> list[tuple[str, str]]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "import_specifier":
            name, alias = n.child_by_field_name("name"), n.child_by_field_name("alias")
            out.append((text_of(name), text_of(alias) if alias is not None else text_of(name)))
        stack.extend(n.named_children)
    return out


def project_value(type_text: str, types: TsTypes, path: Path, depth: int = 0) -> Made | None:
    """A value of the project's type `type_text` (named as the file at `path` names it), or None."""
    t = re.sub(r"\s+", "", type_text)
    name = re.sub(r"<.*>$", "", t)
    if depth >= MAX_DEPTH or not _PLAIN.fullmatch(name):
        return None
    found = types.find(name, path)
    if found is None:
        return None
    node, file, exported = found
    arguments = split_top_level(t[len(name) + 1:-1], (",",)) if t != name else []
    if node.type == "class_declaration":
        return _instance(node, arguments, file, exported, types, depth)
    if node.type == "interface_declaration":
        if any(c.type == "extends_type_clause" for c in node.children):
            return None  # members of a base this does not read
        return _object_literal(node.child_by_field_name("body"), node, arguments, file, types, depth)
    value = node.child_by_field_name("value")
    if node.type == "type_alias_declaration" and value is not None and value.type == "object_type":
        return _object_literal(value, node, arguments, file, types, depth)
    return None


def _type_params(node: Node) -> list[str]:
    params = node.child_by_field_name("type_parameters")
    return [text_of(p.child_by_field_name("name")) for p in params.named_children
            if p.type == "type_parameter"] if params is not None else []


def _object_literal(body: Node | None, decl: Node, arguments: list[str], file: Path, types: TsTypes,
                    depth: int) -> Made | None:
    """`{ a: value, ... }` of the required members; a member typed with a type parameter takes the type
    argument the parameter's type gives it (`Box<string>`'s `value: T` is a string)."""
    if body is None:
        return None
    generic = _type_params(decl)
    given = dict(zip(generic, arguments))
    members, imports = [], []
    for m in body.named_children:
        if m.type in ("comment",):
            continue
        if m.type not in ("property_signature", "method_signature"):
            return None  # an index signature, a call signature: not spelled out
        if any(c.type == "?" for c in m.children):
            continue  # optional
        name = text_of(m.child_by_field_name("name"))
        if not _PLAIN.fullmatch(name):
            return None
        annotation = m.child_by_field_name("type") if m.type == "property_signature" else None
        kind = text_of(annotation).lstrip(":").strip() if annotation is not None else ""
        if m.type == "method_signature":
            returns = m.child_by_field_name("return_type")
            kind = "() => " + (text_of(returns).lstrip(":").strip() if returns is not None else "void")
        for g, argument in given.items():
            kind = re.sub(rf"(?<![\w$]){re.escape(g)}(?![\w$])", argument, kind)
        if not kind or any(re.search(rf"(?<![\w$]){re.escape(g)}(?![\w$])", kind) for g in generic):
            return None
        made = member_value(name, kind, types, file, depth)
        if made is None:
            return None
        members.append(f"{name}: {made.code}")
        imports += made.imports
    if len(members) > MAX_MEMBERS:
        return None
    return Made("{ " + ", ".join(members) + " }" if members else "{}", imports)


def member_value(name: str, kind: str, types: TsTypes, file: Path, depth: int) -> Made | None:
    """A value of the type `kind`: a function type returns a value of its result (`() => {}` for void), a
    literal or built-in type its guess, a project type its object; None where none is known."""
    result = _arrow_result(kind)
    if result is not None:
        if result in ("void", "undefined", "unknown", "any"):
            return Made("() => {}")
        inner = member_value("result", result, types, file, depth)
        return Made(f"() => ({inner.code})", inner.imports) if inner is not None else None
    value = guess("typescript", GenericParam(name, kind))
    if value != "{}":
        return Made(value)
    if kind.replace(" ", "") in ("object", "any", "unknown", "Record<string,unknown>", "Record<string,any>"):
        return Made("{}")
    made = project_value(kind, types, file, depth + 1)
    if made is None and re.search(r"(^|\|)\s*null\s*($|\|)", kind):
        return Made("null")  # `T | null` where no T is known: the type takes null
    return made


def _arrow_result(kind: str) -> str | None:
    """The result type of a function type `(a: A, b: B) => R`, else None (its parameters' brackets matched)."""
    kind = kind.strip()
    if not kind.startswith("("):
        return None
    depth = 0
    for i, ch in enumerate(kind):
        depth += ch in "([{<"
        depth -= ch in ")]}" or (ch == ">" and kind[i - 1] != "=")
        if depth == 0:
            rest = kind[i + 1:].lstrip()
            return rest[2:].strip() if rest.startswith("=>") else None
    return None


def _instance(node: Node, arguments: list[str], file: Path, exported: bool, types: TsTypes,
              depth: int) -> Made | None:
    """`new Cls(args)` by the class's constructor, imported from where it is exported; None for a class a
    reader cannot import or construct (abstract, not exported, a private constructor)."""
    if not exported or types.root is None or node.type != "class_declaration":
        return None
    name = text_of(node.child_by_field_name("name"))
    ctor = next((m for m in node.child_by_field_name("body").named_children
                 if m.type == "method_definition" and text_of(m.child_by_field_name("name")) == "constructor"), None)
    if ctor is not None and re.match(r"\s*(private|protected)\b", text_of(ctor)):
        return None
    args, imports = [], []
    given = dict(zip(_type_params(node), arguments))
    for p in generic_params(ctor) if ctor is not None else []:
        if not p.type:
            return None
        kind = p.type
        for g, argument in given.items():  # `Box<string>`'s constructor takes what `T` is there
            kind = re.sub(rf"(?<![\w$]){re.escape(g)}(?![\w$])", argument, kind)
        made = member_value(p.name, kind, types, file, depth)
        if made is None:
            return None
        args.append(made.code)
        imports += made.imports
    spec = (js_package_name(file, types.root, name) if types.by_package else None) or \
        js_specifier(file, types.root)
    if not spec:
        return None
    written = f"{name}<{', '.join(arguments)}>" if arguments and len(arguments) == len(given) else name
    return Made(f"new {written}({', '.join(args)})", [f'import {{ {name} }} from "{spec}";'] + imports)
