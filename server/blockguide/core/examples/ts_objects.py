"""Values of the user's own TypeScript types for a usage example, instead of `{}`: a parameter typed with an
interface (or an object type alias) of the project gets an object literal with its required members, its
bases' included (`interface Row<T> extends CoreRow<T>, ...`), each a value of its type; one typed with a class
of the project gets `new Cls(...)` by its constructor; an enum its first member; a type alias what it names
(a function type a function returning a value of its result); a union its first member that can be made. A
type no literal spells out (a class without a constructor a reader can call, an interface with more members
than an example shows) is made by the project's own factory, an exported function that returns it
(`createTable(options): Table<T>`), with values of its parameters' types. The declarations are read with
tree-sitter, in the block's file, the files it imports them from, and (for factories) the project's other
files; the user's code is never run. None where nothing here makes a value: the caller keeps what it had."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, generic_params, guess
from blockguide.core.languages import LANGUAGES, for_path
from blockguide.core.project import js_package_name, js_specifier
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source


MAX_DEPTH = 6  # an object whose member is an object, and so on: this many levels at most
MAX_STEPS = 600  # the types one example reads values of, at most (a wide project's nesting stops here)
MAX_MEMBERS = 8  # an interface with more required members than this is not spelled out in an example
MAX_IMPORT_HOPS = 4
MAX_FACTORY_FILES = 2000  # project files searched for a function that returns a type
_SUFFIXES = (".ts", ".tsx", ".d.ts", ".mts", "/index.ts", "/index.tsx", "/index.d.ts")
_PLAIN = re.compile(r"[A-Za-z_$][\w$]*")
_SKIPPED_DIRS = {"node_modules", "dist", "build", "out", "lib", "test", "tests", "__tests__", "spec", "docs"}
_EMPTY_OK = re.compile(r"(object|any|unknown|\{\}|(Partial|Record|Readonly<Partial)<.*>)")  # `{}` is one of these
_NOTHING = ("void", "undefined", "unknown", "any", "never")  # a function returning these returns nothing here
_DECLARATIONS = ("interface_declaration", "type_alias_declaration", "class_declaration",
                 "abstract_class_declaration", "enum_declaration")


@dataclass
class Made:
    code: str
    imports: list[str] = field(default_factory=list)  # import lines the value needs


def substitute(text: str, given: dict[str, str]) -> str:
    """`text` (a type) with each type parameter named in `given` replaced by its type, as whole names: the one
    home of type-parameter substitution (a generic's members, a constrained parameter, a factory's)."""
    for name, value in given.items():
        text = re.sub(rf"(?<![\w$.]){re.escape(name)}(?![\w$.])", lambda _: value, text)
    return text


def type_parameters(node: Node | None) -> list[tuple[str, str | None, str | None]]:
    """(name, constraint, default) of each type parameter a declaration or function node declares."""
    params = node.child_by_field_name("type_parameters") if node is not None else None
    out = []
    for p in params.named_children if params is not None else []:
        if p.type != "type_parameter":
            continue
        constraint, default = p.child_by_field_name("constraint"), p.child_by_field_name("value")
        out.append((text_of(p.child_by_field_name("name")),
                    re.sub(r"^extends\s+", "", text_of(constraint)).strip() if constraint is not None else None,
                    text_of(default).lstrip("=").strip() if default is not None else None))
    return out


def bounds(node: Node | None) -> dict[str, str]:
    """{type parameter: the type it stands for where no argument is given}: its constraint, else its default,
    else `any` (`<T extends Element>` is an Element; `<T>` anything)."""
    return {name: constraint or default or "any" for name, constraint, default in type_parameters(node)}


_TYPES: dict[str, Source] = {}


def type_node(text: str) -> Node | None:
    """The syntax tree of a type written as text (`Box<Map<string, number>> | null`)."""
    if text not in _TYPES:
        if len(_TYPES) > 4096:
            _TYPES.clear()
        _TYPES[text] = Source(LANGUAGES["typescript"], f"type __T = {text};\n")
    top = _TYPES[text].tree.root_node.named_children
    value = top[0].child_by_field_name("value") if top and top[0].type == "type_alias_declaration" else None
    return value if value is not None and not value.has_error else None


class TsTypes:
    """The project's TypeScript files, parsed once each, and the declarations their names mean."""

    def __init__(self, root: Path | None, by_package: bool = True):
        self.root = Path(root) if root is not None else None
        self.by_package = by_package  # a class is imported by its package's name (else by its file's path)
        self._sources: dict[Path, Source | None] = {}
        self._files: list[Path] | None = None
        self.steps = MAX_STEPS

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
            if node is not None and node.type in _DECLARATIONS and text_of(node.child_by_field_name("name")) == name:
                default = exported and any(c.type == "default" for c in top.children)
                return node, path, exported and not default
        for top in src.tree.root_node.named_children:
            if top.type not in ("import_statement", "export_statement"):
                continue
            spec = top.child_by_field_name("source")
            target = text_of(spec).strip("'\"") if spec is not None else ""
            if not target.startswith("."):
                continue
            for original, local in _named_imports(top):
                if local == name:
                    file = self.resolve(path, target)
                    return self.find(original, file, hops + 1) if file is not None else None
        for top in src.tree.root_node.named_children:  # `export * from './x'`: everything x exports
            spec = top.child_by_field_name("source") if top.type == "export_statement" else None
            target = text_of(spec).strip("'\"") if spec is not None else ""
            if target.startswith(".") and any(c.type == "*" for c in top.children):
                file = self.resolve(path, target)
                found = self.find(name, file, hops + 1) if file is not None else None
                if found is not None and found[2]:
                    return found
        return None

    def resolve(self, path: Path, specifier: str) -> Path | None:
        base = (path.parent / specifier).resolve()
        stem = re.sub(r"\.(m|c)?js$", "", str(base))
        for suffix in ("",) + _SUFFIXES:
            candidate = Path(stem + suffix)
            if candidate.is_file() and candidate.suffix in (".ts", ".tsx", ".mts"):
                return candidate
        return None

    def factories(self, name: str) -> list[tuple[Node, Path, str]]:
        """(function node, its file, its name) of each exported function of the project whose declared result
        is the type `name` (`createTable(...): Table<TData>`), fewest parameters first."""
        if self.root is None:
            return []
        if self._files is None:
            self._files = []
            for path in sorted(self.root.rglob("*.ts"))[:MAX_FACTORY_FILES * 2]:
                rel = path.relative_to(self.root).parts
                if path.name.endswith(".d.ts") or any(p in _SKIPPED_DIRS or p.startswith(".") for p in rel[:-1]) \
                        or re.search(r"\.(test|spec)\.ts$", path.name):
                    continue
                self._files.append(path)
            self._files = self._files[:MAX_FACTORY_FILES]
        returns = re.compile(rf"\)\s*:\s*{re.escape(name)}\b")
        found = []
        for path in self._files:
            try:
                if not returns.search(path.read_text("utf-8", "replace")):
                    continue
            except OSError:
                continue
            src = self.source(path)
            for top in src.tree.root_node.named_children if src is not None else []:
                if top.type != "export_statement" or any(c.type == "default" for c in top.children):
                    continue
                fn, fname = _exported_function(top.child_by_field_name("declaration"))
                result = fn.child_by_field_name("return_type") if fn is not None else None
                kind = type_node(text_of(result).lstrip(":").strip()) if result is not None else None
                if kind is not None and _type_name(kind)[0] == name:
                    found.append((fn, path, fname))
        return sorted(found, key=lambda f: len(generic_params(f[0])))


def _exported_function(decl: Node | None) -> tuple[Node | None, str]:
    """(the function, its name) an export declares: `function f` or `const f = (...) => ...`."""
    if decl is None:
        return None, ""
    if decl.type == "function_declaration":
        return decl, text_of(decl.child_by_field_name("name"))
    if decl.type == "lexical_declaration":
        for d in decl.named_children:
            value = d.child_by_field_name("value") if d.type == "variable_declarator" else None
            if value is not None and value.type in ("arrow_function", "function_expression", "function"):
                return value, text_of(d.child_by_field_name("name"))
    return None, ""


def _named_imports(node: Node) -> list[tuple[str, str]]:
    """(name in the other file, name here) of an import's (or a re-export's) named specifiers."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("import_specifier", "export_specifier"):
            name, alias = n.child_by_field_name("name"), n.child_by_field_name("alias")
            out.append((text_of(name), text_of(alias) if alias is not None else text_of(name)))
        stack.extend(n.named_children)
    return out


def _type_name(node: Node) -> tuple[str, list[str]]:
    """(name, type arguments) of a named type (`Box<string, T[]>` -> ("Box", ["string", "T[]"])); ("", [])
    for any other type."""
    if node.type == "type_identifier":
        return text_of(node), []
    if node.type == "generic_type":
        name = node.child_by_field_name("name") or node.named_children[0]
        args = node.child_by_field_name("type_arguments")
        if name.type == "type_identifier":
            return text_of(name), [text_of(a) for a in args.named_children] if args is not None else []
    return "", []


def project_value(type_text: str, types: TsTypes, path: Path, depth: int = 0) -> Made | None:
    """A value of the type `type_text` (named as the file at `path` names it), or None."""
    node = type_node(type_text.strip())
    if depth >= MAX_DEPTH or node is None:
        return None
    return _value(node, types, path, depth)


def _value(node: Node, types: TsTypes, file: Path, depth: int) -> Made | None:
    types.steps -= 1
    if types.steps < 0:
        return None
    while node.type == "parenthesized_type" and node.named_children:
        node = node.named_children[0]
    text = text_of(node)
    if node.type == "union_type":
        members = _union_members(node)
        for m in members:
            if text_of(m) not in ("null", "undefined", "void"):
                made = _value(m, types, file, depth)
                if made is not None:
                    return made
        nulls = [text_of(m) for m in members if text_of(m) in ("null", "undefined")]
        return Made(nulls[0]) if nulls else None  # `T | null` where no T is known: the type takes null
    if node.type == "intersection_type":  # `Window & typeof globalThis`: a value of its first part that has one
        for part in node.named_children:
            value = guess("typescript", GenericParam("value", text_of(part)))
            if value != "{}":
                return Made(value)
        return None
    if node.type == "function_type":
        result = node.child_by_field_name("return_type")
        kind = text_of(result) if result is not None else "void"
        if kind in _NOTHING:
            return Made("() => {}")
        inner = project_value(kind, types, file, depth)
        return Made(f"() => ({inner.code})", inner.imports) if inner is not None else None
    if node.type == "readonly_type" and node.named_children:
        return _value(node.named_children[0], types, file, depth)
    if node.type == "tuple_type":  # its required elements, each a value of its type
        elements = []
        for e in node.named_children:
            if e.type in ("rest_type", "optional_parameter", "optional_type") or text_of(e).startswith("..."):
                continue
            kind = e.child_by_field_name("type") if e.type == "required_parameter" else e
            made = member_value("value", text_of(kind).lstrip(":").strip(), types, file, depth) \
                if kind is not None else None
            if made is None:
                return None
            elements.append(made)
        return Made("[" + ", ".join(m.code for m in elements) + "]", [i for m in elements for i in m.imports])
    if node.type == "index_type_query" and node.named_children:  # `keyof Plugins`: the name of its first member
        key = _first_key(node.named_children[0], types, file)
        if key is not None:
            return Made(f'"{key}"')
    if node.type == "literal_type":
        return Made('"' + text[1:-1] + '"' if text.startswith("'") else text)
    if node.type == "object_type":
        return _object_literal(_own_members(node, {}), types, file, depth)
    name, arguments = _type_name(node)
    if name:
        found = types.find(name, file)
        if found is not None:
            return _named(found, arguments, types, depth)
    value = guess("typescript", GenericParam("value", text))
    if value != "{}":
        return Made(value)
    if _EMPTY_OK.fullmatch(text.replace(" ", "")):
        return Made("{}")
    return None


def _first_key(node: Node, types: TsTypes, file: Path) -> str | None:
    """The first member's name an interface or object type of the project declares (optional ones too)."""
    name, _ = _type_name(node)
    found = types.find(name, file) if name else None
    body = None
    if found is not None and found[0].type == "interface_declaration":
        body = found[0].child_by_field_name("body")
    elif found is not None and found[0].type == "type_alias_declaration":
        body = _object_type(found[0].child_by_field_name("value"))
    for m in body.named_children if body is not None else []:
        if m.type in ("property_signature", "method_signature"):
            key = text_of(m.child_by_field_name("name")).strip("'\"")
            return key if _PLAIN.fullmatch(key) else None
    return None


def _union_members(node: Node) -> list[Node]:
    out = []
    for c in node.named_children:
        out += _union_members(c) if c.type == "union_type" else [c]
    return out


def _named(found: tuple[Node, Path, bool], arguments: list[str], types: TsTypes, depth: int) -> Made | None:
    """A value of a declaration of the project, given its type arguments."""
    node, file, exported = found
    name = text_of(node.child_by_field_name("name"))
    given = _given(node, arguments)
    made = None
    if node.type == "class_declaration":
        made = _instance(node, given, file, exported, types, depth)
    elif node.type == "interface_declaration":
        members = _members(node, given, types, file, set())
        made = _object_literal(members, types, file, depth) if members is not None else None
    elif node.type == "type_alias_declaration":
        value = node.child_by_field_name("value")
        if _object_type(value) is not None:
            made = _object_literal(_own_members(_object_type(value), given), types, file, depth)
        elif value is not None:
            made = project_value(substitute(text_of(value), given), types, file, depth + 1)
    elif node.type == "enum_declaration":
        made = _enum_member(node, file, exported, types)
    if made is None:
        made = _by_factory(name, arguments, types, depth)
    return made


def _given(decl: Node, arguments: list[str]) -> dict[str, str]:
    """{type parameter: type} for a declaration used with `arguments`; a parameter left out takes its default,
    else its constraint, else `any`."""
    out = {}
    for i, (name, constraint, default) in enumerate(type_parameters(decl)):
        out[name] = arguments[i] if i < len(arguments) else default or constraint or "any"
    return out


def _own_members(body: Node, given: dict[str, str]) -> list[tuple[str, str]] | None:
    """(name, type) of the required members an interface's body or an object type declares; None where one
    is beyond a literal (a call signature, a computed name)."""
    members = []
    for m in body.named_children:
        if m.type in ("comment", "index_signature"):
            continue  # an index signature asks for no member
        if m.type not in ("property_signature", "method_signature"):
            return None  # a call or construct signature: not spelled out
        if any(c.type == "?" for c in m.children):
            continue  # optional
        name = text_of(m.child_by_field_name("name"))
        if not _PLAIN.fullmatch(name):
            return None
        if m.type == "method_signature":
            returns = m.child_by_field_name("return_type")
            result = text_of(returns).lstrip(":").strip() if returns is not None else "void"
            kind = "() => " + substitute(result, {n: "any" for n, _, _ in type_parameters(m)})
        else:
            annotation = m.child_by_field_name("type")
            kind = text_of(annotation).lstrip(":").strip() if annotation is not None else "any"
        members.append((name, substitute(kind, given)))
    return members


def _members(decl: Node, given: dict[str, str], types: TsTypes, file: Path,
             seen: set[str]) -> list[tuple[str, str]] | None:
    """The required members of an interface with its bases' (`extends A<T>, B`), a base's type parameters
    taking the arguments this interface gives them; None where a base is beyond reading here."""
    name = text_of(decl.child_by_field_name("name"))
    if name in seen:
        return None
    seen = seen | {name}
    merged: dict[str, str] = {}
    for clause in (c for c in decl.children if c.type == "extends_type_clause"):
        for base in clause.named_children:
            base_name, arguments = _type_name(base)
            if base_name == "Partial":
                continue  # all of its members are optional
            found = types.find(base_name, file) if base_name else None
            if found is None:
                return None
            node, where, _ = found
            inner = _given(node, [substitute(a, given) for a in arguments])
            if node.type == "interface_declaration":
                got = _members(node, inner, types, where, seen)
            elif node.type == "type_alias_declaration" and _object_type(node.child_by_field_name("value")):
                got = _own_members(_object_type(node.child_by_field_name("value")), inner)
            else:
                got = None
            if got is None:
                return None
            merged.update(dict(got))
    own = _own_members(decl.child_by_field_name("body"), given)
    if own is None:
        return None
    merged.update(dict(own))
    return list(merged.items())


def _object_type(value: Node | None) -> Node | None:
    """The object type an alias names: itself, or a conditional type's first branch (`keyof X extends never ?
    { a?: A } : { a: A }`: an augmentable interface left empty, as a package ships it)."""
    if value is not None and value.type == "conditional_type":
        value = value.child_by_field_name("consequence")
    return value if value is not None and value.type == "object_type" else None


def _object_literal(members: list[tuple[str, str]] | None, types: TsTypes, file: Path,
                    depth: int) -> Made | None:
    """`{ a: value, ... }` of the required members, each a value of its type; None past MAX_MEMBERS."""
    if members is None or len(members) > MAX_MEMBERS:
        return None
    written, imports = [], []
    for name, kind in members:
        made = member_value(name, kind, types, file, depth)
        if made is None:
            return None
        written.append(f"{name}: {made.code}")
        imports += made.imports
    return Made("{ " + ", ".join(written) + " }" if written else "{}", imports)


def member_value(name: str, kind: str, types: TsTypes, file: Path, depth: int) -> Made | None:
    """A value of the type `kind` for a member or an argument called `name`: a built-in type's guess (by the
    name where the type is a plain string or number), the project's type its value; None where none is known."""
    node = type_node(kind)
    if node is None:
        return None
    if node.type in ("predefined_type", "array_type") or (node.type == "generic_type" and
                                                         _type_name(node)[0] in ("Array", "ReadonlyArray")):
        value = guess("typescript", GenericParam(name, kind))
        if value != "{}":
            return Made(value)
    return project_value(kind, types, file, depth + 1)


def _enum_member(node: Node, file: Path, exported: bool, types: TsTypes) -> Made | None:
    """`Enum.First`, imported from where the enum is exported."""
    body = node.child_by_field_name("body")
    first = next((c for c in body.named_children if c.type in ("property_identifier", "enum_assignment")), None) \
        if body is not None else None
    if first is None or not exported:
        return None
    member = text_of(first.child_by_field_name("name") if first.type == "enum_assignment" else first)
    name = text_of(node.child_by_field_name("name"))
    spec = _specifier(file, types, name)
    if not spec or not _PLAIN.fullmatch(member):
        return None
    return Made(f"{name}.{member}", [f'import {{ {name} }} from "{spec}";'])


def _specifier(file: Path, types: TsTypes, name: str) -> str | None:
    """How the example imports `name` exported by `file`: the package's name where its entry re-exports it (a
    reader's import), else the file's path from the project root."""
    if types.root is None:
        return None
    return (js_package_name(file, types.root, name) if types.by_package else None) or js_specifier(file, types.root)


def _arguments(params: list[GenericParam], given: dict[str, str], types: TsTypes, file: Path,
               depth: int) -> tuple[list[str], list[str]] | None:
    """(values, imports) for a constructor's or a factory's parameters (types substituted by `given`)."""
    args, imports = [], []
    for p in params:
        if not p.type:
            return None
        made = member_value(p.name, substitute(p.type, given), types, file, depth)
        if made is None:
            return None
        args.append(made.code)
        imports += made.imports
    return args, imports


def _instance(node: Node, given: dict[str, str], file: Path, exported: bool, types: TsTypes,
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
    made = _arguments(generic_params(ctor) if ctor is not None else [], given, types, file, depth)
    spec = _specifier(file, types, name)
    if made is None or not spec:
        return None
    written = f"{name}<{', '.join(given.values())}>" if given else name
    return Made(f"new {written}({', '.join(made[0])})", [f'import {{ {name} }} from "{spec}";'] + made[1])


def _by_factory(name: str, arguments: list[str], types: TsTypes, depth: int) -> Made | None:
    """`make(args)` by the project's exported function that returns the type `name` (its type parameters
    that the result names take the type's arguments: `createTable<TData>(...): Table<TData>` for a
    `Table<unknown>` is called with unknown's values)."""
    for fn, file, fname in types.factories(name):
        given = bounds(fn)
        result = type_node(text_of(fn.child_by_field_name("return_type")).lstrip(":").strip())
        for written, argument in zip(_type_name(result)[1] if result is not None else [], arguments):
            if written in given:
                given[written] = argument
        made = _arguments(generic_params(fn), given, types, file, depth)
        spec = _specifier(file, types, fname)
        if made is not None and spec:
            return Made(f"{fname}({', '.join(made[0])})", [f'import {{ {fname} }} from "{spec}";'] + made[1])
    return None
