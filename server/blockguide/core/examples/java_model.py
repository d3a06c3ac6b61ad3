"""What a Java example needs to know of the project, read from the syntax tree: a class's kind, access,
constructors, methods and constants; the project's other classes (a concrete subclass of an abstract class, an
implementation of an interface) and where a type name comes from (the import a type written in the example
needs)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source

CLASSES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration")
ACCESS = ("public", "protected", "private")
# java.lang's types: written without an import
JAVA_LANG = frozenset({
    "String", "Object", "Integer", "Long", "Short", "Byte", "Character", "Boolean", "Double", "Float", "Number",
    "CharSequence", "StringBuilder", "StringBuffer", "Class", "Comparable", "Iterable", "Runnable", "Thread",
    "Exception", "RuntimeException", "Throwable", "Error", "Enum", "Void", "Math", "System", "Appendable",
    "AutoCloseable", "Cloneable", "Readable", "Record", "Override", "Deprecated", "SuppressWarnings",
    "IllegalArgumentException", "IllegalStateException", "NullPointerException", "ClassLoader"})
MAX_SCANNED = 3000  # source files read to find a subclass or an implementation


@dataclass
class Member:
    """A method or constructor: its name, modifiers, parameters (type text, name, varargs)."""
    node: Node
    name: str
    mods: frozenset[str]
    params: list[tuple[str, str]]
    varargs: bool = False

    @property
    def access(self) -> str:
        return next((a for a in ACCESS if a in self.mods), "package")

    @property
    def static(self) -> bool:
        return "static" in self.mods

    @property
    def returns(self) -> str:
        return text_of(self.node.child_by_field_name("type")) if self.node.type == "method_declaration" else ""

    @property
    def throws(self) -> str:
        t = next((c for c in self.node.children if c.type == "throws"), None)
        return f" {text_of(t)}" if t is not None else ""


@dataclass
class JavaClass:
    node: Node
    name: str
    path: str  # Outer.Inner for a nested class
    kind: str  # class, interface, enum, record
    mods: frozenset[str]
    type_params: list[tuple[str, str]]  # (name, its first bound or "")
    public_path: bool  # the class and every class around it are public: reachable from another package
    inner: bool  # a nested class that is not static: made through an object of its outer class
    ctors: list[Member] = field(default_factory=list)
    methods: list[Member] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    fields: list[tuple[str, frozenset[str], str]] = field(default_factory=list)  # (name, modifiers, type)
    origin: Project | None = None  # the file it is declared in, when not the block's

    @property
    def abstract(self) -> bool:
        return "abstract" in self.mods or self.kind == "interface"

    def abstract_methods(self) -> list[Member]:
        if self.kind == "interface":
            return [m for m in self.methods if m.node.child_by_field_name("body") is None and
                    not m.mods & {"static", "default", "private"}]
        return [m for m in self.methods if "abstract" in m.mods]

    def generic(self, bounds: bool = True) -> str:
        """`<Object, Object>` for a generic class (each type parameter its bound or Object), else ""."""
        if not self.type_params:
            return ""
        return "<" + ", ".join((b if bounds and b else "Object") for _, b in self.type_params) + ">"


def modifiers(node: Node) -> frozenset[str]:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    return frozenset(c.type for c in mods.children if c.is_named is False) if mods is not None else frozenset()


def params_of(node: Node) -> tuple[list[tuple[str, str]], bool]:
    """((type, name) of each formal parameter, whether the last is varargs)."""
    out, varargs = [], False
    params = node.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        if p.type == "formal_parameter":
            out.append((text_of(p.child_by_field_name("type")), text_of(p.child_by_field_name("name"))))
        elif p.type == "spread_parameter":
            kind = next((c for c in p.named_children if c.type not in ("modifiers", "variable_declarator")), None)
            decl = next((c for c in p.named_children if c.type == "variable_declarator"), None)
            name = text_of(decl.child_by_field_name("name")) if decl is not None else "values"
            out.append((text_of(kind), name))
            varargs = True
    return out, varargs


def type_params(node: Node) -> list[tuple[str, str]]:
    tp = node.child_by_field_name("type_parameters") or next(
        (c for c in node.children if c.type == "type_parameters"), None)
    out = []
    for p in tp.named_children if tp is not None else []:
        if p.type != "type_parameter":
            continue
        name = next((text_of(c) for c in p.named_children if c.type in ("type_identifier", "identifier")), "")
        bound = next((c for c in p.named_children if c.type == "type_bound"), None)
        first = bound.named_children[0] if bound is not None and bound.named_children else None
        out.append((name, re.sub(r"<.*", "", text_of(first)) if first is not None else ""))
    return out


def java_class(node: Node) -> JavaClass:
    """The class, interface, enum or record at `node`, read from its syntax tree."""
    name = text_of(node.child_by_field_name("name"))
    kind = node.type.removesuffix("_declaration")
    mods = modifiers(node)
    outer = node.parent
    while outer is not None and outer.type not in CLASSES:
        outer = outer.parent
    if outer is not None:
        o = java_class(outer)
        in_interface = o.kind == "interface"
        public = o.public_path and ("public" in mods or in_interface)
        static = "static" in mods or in_interface or kind != "class"
        cls = JavaClass(node, name, f"{o.path}.{name}", kind, mods, type_params(node), public, not static)
    else:
        cls = JavaClass(node, name, name, kind, mods, type_params(node), "public" in mods, False)
    body = node.child_by_field_name("body")
    members = list(body.named_children) if body is not None else []
    for child in list(members):
        if child.type == "enum_body_declarations":
            members += child.named_children
    for m in members:
        if m.type in ("field_declaration", "constant_declaration"):
            mods = modifiers(m) | ({"public", "static", "final"} if cls.kind == "interface" else frozenset())
            for d in m.children_by_field_name("declarator"):
                kind = text_of(m.child_by_field_name("type"))
                made = re.search(rf"^new\s+{re.escape(name)}\b", text_of(d.child_by_field_name("value")))
                cls.fields.append((text_of(d.child_by_field_name("name")), mods, name if made else kind))
        elif m.type == "enum_constant":
            cls.constants.append(text_of(m.child_by_field_name("name")))
        elif m.type in ("method_declaration", "constructor_declaration", "compact_constructor_declaration"):
            mods = modifiers(m)
            if cls.kind == "interface" and not mods & {"private"}:
                mods = mods | {"public"}
            if cls.kind == "enum" and m.type == "constructor_declaration":
                mods = mods | {"private"}
            params, varargs = params_of(m)
            member = Member(m, text_of(m.child_by_field_name("name")), mods, params, varargs)
            (cls.methods if m.type == "method_declaration" else cls.ctors).append(member)
    if cls.kind == "record" and not cls.ctors:
        header = node.child_by_field_name("parameters")
        cls.ctors.append(Member(node, name, frozenset({"public"}), params_of(node)[0] if header is not None else []))
    return cls


def class_around(node: Node | None) -> Node | None:
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in CLASSES:
        parent = parent.parent
    return parent


# --- the project ---------------------------------------------------------------------------------------------
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
_IMPORT = re.compile(r"^\s*import\s+([\w.]+?)(\.\*)?\s*;", re.M)


@dataclass
class Project:
    """The block's file in its project: its package, its source root, what its imports name."""
    file: Path | None
    text: str
    package: str | None
    root: Path | None
    imports: dict[str, str]  # simple name -> qualified name
    wildcards: list[str]

    @classmethod
    def of(cls, file: Path | None, text: str) -> Project:
        m = _PACKAGE.search(text)
        package = m.group(1) if m else None
        root = None
        if file is not None:
            folder = file.parent
            for part in reversed(package.split(".") if package else []):
                if folder.name != part:
                    folder = None
                    break
                folder = folder.parent
            root = folder
        imports, wildcards = {}, []
        for i in _IMPORT.finditer(text):
            if i.group(2):
                wildcards.append(i.group(1))
            else:
                imports[i.group(1).rsplit(".", 1)[-1]] = i.group(1)
        return cls(file, text, package, root, imports, wildcards)

    def qualified(self, name: str) -> str | None:
        """The qualified name of a type the block's file names (`Foo` -> `org.x.Foo`), None for java.lang's,
        a type variable or a name not found."""
        if name in self.imports:
            return self.imports[name]
        if name in JAVA_LANG or self.root is None:
            return None
        folder = self.root / Path(*self.package.split(".")) if self.package else self.root
        if (folder / f"{name}.java").is_file():
            return f"{self.package}.{name}" if self.package else None
        for w in self.wildcards:
            if (self.root / Path(*w.split(".")) / f"{name}.java").is_file():
                return f"{w}.{name}"
        return None

    def source_of(self, qualified: str) -> tuple[Source, Project] | None:
        """The source of a class of the project, and its file as a Project (what its own imports name)."""
        if self.root is None:
            return None
        return self.file_at(self.root / (Path(*qualified.split(".")).with_suffix(".java")))

    def file_at(self, path: Path) -> tuple[Source, Project] | None:
        src = _source(path)
        return (src, Project.of(path, src.text)) if src is not None else None

    def subclasses(self, name: str, interface: bool) -> list[tuple[Project, Node]]:
        """(file, class node) of the project's classes that extend (or implement) `name` directly: concrete
        ones first, then the block's own package."""
        if self.root is None:
            return []
        word = "implements" if interface else "extends"
        pattern = re.compile(rf"\b{word}\s+([\w.]+\s*(<[^{{]*>)?\s*,\s*)*(\w+\.)*{re.escape(name)}\b")
        out = []
        for path in _java_files(self.root):
            try:
                text = path.read_text("utf-8", "replace")
            except OSError:
                continue
            if not pattern.search(text):
                continue
            found = self.file_at(path)
            for node in _class_nodes(found[0].tree.root_node) if found is not None else []:
                if name in [n.rsplit(".", 1)[-1] for n, _ in supertypes(node)] and \
                        node.type in ("class_declaration", "enum_declaration", "record_declaration"):
                    out.append((found[1], node))
        return sorted(out, key=lambda pn: ("abstract" in modifiers(pn[1]), pn[0].package != self.package))


def supertypes(node: Node) -> list[tuple[str, list[str]]]:
    """(name, type arguments) of each class and interface a class declaration extends or implements."""
    out = []
    for c in node.children:
        if c.type in ("superclass", "super_interfaces", "extends_interfaces"):
            for t in c.named_children:
                for k in t.named_children if t.type == "type_list" else [t]:
                    if k.type == "generic_type":
                        name = next((text_of(n) for n in k.named_children if n.type != "type_arguments"), "")
                        args = next((n for n in k.named_children if n.type == "type_arguments"), None)
                        out.append((name, [text_of(a) for a in args.named_children] if args is not None else []))
                    else:
                        out.append((text_of(k), []))
    return out


def _class_nodes(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type in CLASSES:
            out.append(n)
        stack.extend(c for c in n.named_children if c.type in CLASSES or c.type.endswith(("body", "program")))
    return out


@functools.lru_cache(maxsize=8)
def _java_files(root: Path) -> tuple[Path, ...]:
    out = []
    for p in sorted(root.rglob("*.java")):
        out.append(p)
        if len(out) >= MAX_SCANNED:
            break
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _source(path: Path) -> Source | None:
    try:
        return Source(LANGUAGES["java"], path.read_text("utf-8", "replace"))
    except OSError:
        return None


def top_class_named(src: Source, name: str) -> Node | None:
    return next((n for n in _class_nodes(src.tree.root_node)
                 if text_of(n.child_by_field_name("name")) == name), None)
