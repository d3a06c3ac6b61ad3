"""A Rust crate's module tree, read from its files (tree-sitter): which modules there are, from the library's
root file down (`mod x;` and `mod x { ... }`, with their visibility and `#[cfg(...)]` attributes), what each
defines and what its `use` declarations bind, and so the paths code outside the crate reaches an item by.

An item is reachable from outside when a chain of public names leads to it from the crate's root: `pub mod`
declarations, `pub` items and `pub use` re-exports (`pub use self::x::*`, `pub use x::{a, b}`,
`pub use x::name as other`), each compiled under the crate's default features (a `#[cfg(...)]` is read with
them; `test` is off, since a dependency is built without its tests). `Crate.reach` answers the shortest such
path, or the one a single non-default feature opens (the reader must enable it), or None: the item is private
to the crate. Nothing is compiled or run; a macro's expansion is not followed (`cfg_if!`, items a macro
defines), and an unknown `cfg` predicate (one a build script sets) counts as off.
"""

from __future__ import annotations

import platform
import re
import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.source import Source

MAX_MODULES = 2000  # module files read per crate, at most
MAX_BINDING_DEPTH = 24  # `use` chains followed, at most

_ITEMS = {"function_item", "struct_item", "enum_item", "union_item", "type_item", "trait_item", "const_item",
          "static_item", "function_signature_item"}


@dataclass(frozen=True)
class Reach:
    """The path code outside the crate names an item by, and the non-default features it needs enabled."""
    path: str
    features: tuple[str, ...] = ()


@dataclass
class Use:
    public: bool
    cfgs: tuple[str, ...]
    path: tuple[str, ...]  # the path up to the bound name (for a glob, the module whose names it imports)
    name: str | None  # the name taken from there; None for a glob (`*`)
    alias: str | None  # `as` name


@dataclass(frozen=True)
class Function:
    """An associated function of a type's inherent `impl` (for its constructors)."""
    name: str
    public: bool
    has_self: bool
    returns: str  # the return type as written ("" for none)
    file: Path
    row: int  # its first line (attributes excluded)
    module: tuple[str, ...]


@dataclass
class Module:
    path: tuple[str, ...]  # names from the crate's root
    file: Path
    dir: Path  # where the files of its `mod x;` children are
    cfgs: tuple[str, ...] = ()  # on its declaration
    rows: tuple[int, int] | None = None  # an inline module's lines in its file
    children: dict[str, tuple[bool, tuple[str, ...]]] = field(default_factory=dict)  # name -> (pub, cfgs)
    items: dict[str, tuple[bool, tuple[str, ...]]] = field(default_factory=dict)  # name -> (pub, cfgs)
    uses: list[Use] = field(default_factory=list)
    restricted: set[str] = field(default_factory=set)  # items `pub(crate)`, `pub(super)`, `pub(in ...)`


# --- cfg predicates --------------------------------------------------------------------------------------------
_TOKEN = re.compile(r'\s*(?:(?P<s>"(?:\\.|[^"\\])*")|(?P<w>[A-Za-z_][\w]*)|(?P<p>[(),=]))')


def _tokens(text: str) -> list[str]:
    out, at = [], 0
    while at < len(text):
        m = _TOKEN.match(text, at)
        if not m:
            if text[at:].strip():
                return []
            break
        out.append(m.group(m.lastgroup))
        at = m.end()
    return out


def _host(key: str) -> str | None:
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    os_name = {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux" if sys.platform.startswith("linux")
                                                         else sys.platform)
    return {"target_os": os_name, "target_arch": arch, "target_pointer_width": "64" if sys.maxsize > 2**32 else "32",
            "target_endian": sys.byteorder, "target_family": "windows" if os_name == "windows" else "unix",
            "panic": "unwind"}.get(key)


def cfg_holds(text: str, features: frozenset[str], test: bool = False) -> bool:
    """Whether `#[cfg(<text>)]` holds on this host with these features (and `test` as given); a predicate
    nobody sets here (a build script's, `docsrs`) is off."""
    tokens = _tokens(text)
    at = 0

    def pred() -> bool:
        nonlocal at
        if at >= len(tokens):
            raise ValueError("end")
        word = tokens[at]
        at += 1
        if at < len(tokens) and tokens[at] == "(" and word in ("all", "any", "not"):
            at += 1
            values = []
            while at < len(tokens) and tokens[at] != ")":
                values.append(pred())
                if at < len(tokens) and tokens[at] == ",":
                    at += 1
            at += 1
            if word == "not":
                return not values[0] if values else True
            return all(values) if word == "all" else any(values)
        if at < len(tokens) and tokens[at] == "=":
            value = tokens[at + 1].strip('"') if at + 1 < len(tokens) else ""
            at += 2
            if word == "feature":
                return value in features
            if word == "target_has_atomic":
                return True
            return _host(word) == value
        return {"test": test, "unix": _host("target_family") == "unix", "windows": _host("target_os") == "windows",
                "debug_assertions": True}.get(word, False)

    try:
        return pred()
    except (ValueError, IndexError):
        return False


def _cfgs_hold(cfgs: tuple[str, ...], features: frozenset[str], test: bool = False) -> bool:
    return all(cfg_holds(c, features, test) for c in cfgs)


# --- reading the files -----------------------------------------------------------------------------------------
def _attributes(node: Node) -> list[Node]:
    """The `#[...]` attributes written before an item (its preceding siblings, comments skipped)."""
    out = []
    prev = node.prev_named_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "attribute_item":
            out.append(prev)
        prev = prev.prev_named_sibling
    return out


def _attribute(attr: Node) -> tuple[str, Node | None, Node | None]:
    """(name, arguments token tree, value) of an attribute item: `cfg`, `(feature = "x")`; `path`, "x.rs"."""
    inner = next((c for c in attr.named_children if c.type == "attribute"), None)
    if inner is None:
        return "", None, None
    name = next((c for c in inner.named_children if c.type in ("identifier", "scoped_identifier")), None)
    return (_text(name), inner.child_by_field_name("arguments"), inner.child_by_field_name("value"))


def cfgs_of(node: Node) -> tuple[str, ...]:
    """The `#[cfg(...)]` predicates on an item, as text (`feature = "std"`); a `#[test]` function is
    compiled only in tests, as if `#[cfg(test)]`."""
    out = []
    for attr in _attributes(node):
        name, args, _ = _attribute(attr)
        if name == "cfg" and args is not None:
            out.append(_text(args)[1:-1])
        elif name in ("test", "tokio::test", "bench"):
            out.append("test")
    return tuple(out)


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _public(node: Node) -> bool:
    """`pub`, not `pub(crate)`/`pub(super)`/`pub(in ...)`: visible outside the crate."""
    vis = next((c for c in node.named_children if c.type == "visibility_modifier"), None)
    return vis is not None and _text(vis).strip() == "pub"


def _segments(node: Node | None) -> tuple[str, ...]:
    """`a::b::c` as ("a", "b", "c") (a path in a `use` or a type)."""
    if node is None:
        return ()
    if node.type in ("scoped_identifier", "scoped_type_identifier"):
        return _segments(node.child_by_field_name("path")) + (_text(node.child_by_field_name("name")),)
    if node.type in ("identifier", "type_identifier", "self", "super", "crate", "metavariable"):
        return (_text(node),)
    return (_text(node),)


def _uses(node: Node, prefix: tuple[str, ...], public: bool, cfgs: tuple[str, ...]) -> list[Use]:
    """The bindings of a `use` tree."""
    t = node.type
    if t in ("identifier", "self", "super", "crate", "scoped_identifier"):
        segs = prefix + _segments(node)
        if segs and segs[-1] == "self":  # `use a::{self}` binds `a`
            segs = segs[:-1]
        return [Use(public, cfgs, segs[:-1], segs[-1], None)] if segs else []
    if t == "use_as_clause":
        segs = prefix + _segments(node.child_by_field_name("path"))
        alias = _text(node.child_by_field_name("alias"))
        if segs and segs[-1] == "self":
            segs = segs[:-1]
        return [Use(public, cfgs, segs[:-1], segs[-1], alias)] if segs and alias != "_" else []
    if t == "use_wildcard":
        inner = next((c for c in node.named_children), None)
        return [Use(public, cfgs, prefix + (_segments(inner) if inner is not None else ()), None, None)]
    if t == "scoped_use_list":
        path = prefix + _segments(node.child_by_field_name("path"))
        lst = node.child_by_field_name("list")
        return _uses(lst, path, public, cfgs) if lst is not None else []
    if t == "use_list":
        return [u for c in node.named_children for u in _uses(c, prefix, public, cfgs)]
    return []


def _features(manifest: dict) -> tuple[frozenset[str], dict[str, list[str]]]:
    """(default features, expanded; every feature's list, optional dependencies as features of their own)."""
    table = {k: list(v) for k, v in (manifest.get("features") or {}).items() if isinstance(v, list)}
    named_by_dep = {e[4:] for v in table.values() for e in v if isinstance(e, str) and e.startswith("dep:")}
    for section in ("dependencies", "build-dependencies"):
        for dep, spec in (manifest.get(section) or {}).items():
            if isinstance(spec, dict) and spec.get("optional") and dep not in table and dep not in named_by_dep:
                table[dep] = [f"dep:{dep}"]
    return expand(table, table.get("default", [])), table


def expand(table: dict[str, list[str]], names) -> frozenset[str]:
    """The features enabled by these (what they enable, transitively; `dep:x` and `x/y` are not features)."""
    out: set[str] = set()
    todo = [n for n in names if isinstance(n, str)]
    while todo:
        name = todo.pop()
        if name.startswith("dep:") or "/" in name or name in out:
            continue
        out.add(name)
        todo.extend(e for e in table.get(name, []) if isinstance(e, str))
    out.discard("default")
    return frozenset(out)


def _manifest(crate: Path) -> dict:
    try:
        return tomllib.loads((crate / "Cargo.toml").read_text("utf-8", "replace"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def lib_root(crate: Path, manifest: dict | None = None) -> Path | None:
    """The library's root file: `[lib] path`, else src/lib.rs; None for a crate without a library."""
    manifest = _manifest(crate) if manifest is None else manifest
    lib = manifest.get("lib") if isinstance(manifest.get("lib"), dict) else {}
    path = crate / lib["path"] if isinstance(lib.get("path"), str) else crate / "src/lib.rs"
    return path if path.is_file() else None


class Crate:
    """A library crate's modules, from its root file; see the module's docstring."""

    def __init__(self, folder: Path) -> None:
        manifest = _manifest(folder)
        self.folder = folder
        package = manifest.get("package") if isinstance(manifest.get("package"), dict) else {}
        lib = manifest.get("lib") if isinstance(manifest.get("lib"), dict) else {}
        name = lib.get("name") or package.get("name") or ""
        self.name = name.replace("-", "_") if isinstance(name, str) else ""
        edition = package.get("edition", "2015")
        self.edition = edition if isinstance(edition, str) else "2021"
        self.defaults, self.table = _features(manifest)
        self.modules: dict[tuple[str, ...], Module] = {}
        self.no_std_cfgs: tuple[str, ...] | None = None  # `#![no_std]` under these predicates (() always)
        self.files: list[Path] = []
        self.functions: dict[str, list[Function]] = {}  # type name -> its inherent impls' functions
        self.traits: dict[str, set[str]] = {}  # type name -> traits it implements or derives (last names)
        self.shapes: dict[str, Node] = {}  # type name -> its struct/enum item (the first one read)
        self.shape_at: dict[str, tuple[str, ...]] = {}  # type name -> the module of that item
        self.constants: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # type name -> (module, const) of it
        self.arrays: dict[str, str] = {}  # trait -> the array type an impl gives it (`[T; N]`)
        self.blanket: set[str] = set()  # traits implemented for a generic parameter (`impl<T> Trait for T`)
        root = lib_root(folder, manifest)
        if root is not None and self.name:
            self._read(root, (), (), root.parent)
        self._memo: dict = {}

    # --- reading -------------------------------------------------------------------------------------------
    def _read(self, file: Path, path: tuple[str, ...], cfgs: tuple[str, ...], folder: Path) -> None:
        if len(self.files) >= MAX_MODULES or file in self.files:
            return
        try:
            text = file.read_text("utf-8", "replace")
        except OSError:
            return
        self.files.append(file)
        src = Source(LANGUAGES["rust"], text)
        if not path:
            for attr in src.tree.root_node.named_children:
                if attr.type == "inner_attribute_item":
                    body = _text(attr)
                    if re.fullmatch(r"#!\[\s*no_std\s*\]", body):
                        self.no_std_cfgs = ()
                    m = re.fullmatch(r"#!\[\s*cfg_attr\s*\((.*),\s*no_std\s*\)\s*\]", body, re.S)
                    if m and self.no_std_cfgs is None:
                        self.no_std_cfgs = (m.group(1),)
        self._module(src.tree.root_node, file, path, cfgs, folder, None)

    def _module(self, body: Node, file: Path, path: tuple[str, ...], cfgs: tuple[str, ...], folder: Path,
                rows: tuple[int, int] | None) -> None:
        module = Module(path, file, folder, cfgs, rows)
        self.modules[path] = module
        for node in body.named_children:
            here = cfgs_of(node)
            if node.type == "mod_item":
                name = _text(node.child_by_field_name("name"))
                module.children[name] = (_public(node), here)
                inner = node.child_by_field_name("body")
                if inner is not None:
                    self._module(inner, file, path + (name,), cfgs + here, folder / name,
                                 (node.start_point.row, node.end_point.row))
                    continue
                child = self._child_file(node, file, folder, name)
                if child is not None:
                    owns = child.name == "mod.rs"
                    self._read(child, path + (name,), cfgs + here, child.parent if owns else child.with_suffix(""))
            elif node.type == "use_declaration":
                arg = node.child_by_field_name("argument")
                if arg is not None:
                    module.uses += _uses(arg, (), _public(node), here)
            elif node.type in _ITEMS:
                name = _text(node.child_by_field_name("name"))
                if name:
                    module.items[name] = (_public(node), here)
                    if not _public(node) and any(c.type == "visibility_modifier" for c in node.named_children):
                        module.restricted.add(name)
                if node.type in ("const_item", "static_item") and name:
                    segs = type_segments(node.child_by_field_name("type"))
                    if segs and "mutable_specifier" not in {c.type for c in node.children} and \
                            node.child_by_field_name("type").type != "reference_type":
                        self.constants.setdefault(segs[-1], []).append((path, name))
                if node.type in ("struct_item", "enum_item", "union_item") and name:
                    if name not in self.shapes or (_public(node) and not _public(self.shapes[name])):
                        self.shapes[name], self.shape_at[name] = node, path  # the public one of a name
                    for attr in _attributes(node):
                        key, args, _ = _attribute(attr)
                        if key == "derive" and args is not None:
                            self.traits.setdefault(name, set()).update(
                                w.rsplit("::", 1)[-1] for w in re.findall(r"[\w:]+", _text(args)))
            elif node.type == "impl_item":
                self._impl(node, file, path)

    def _impl(self, node: Node, file: Path, module: tuple[str, ...]) -> None:
        segs = type_segments(node.child_by_field_name("type"))
        trait = type_segments(node.child_by_field_name("trait"))
        params = node.child_by_field_name("type_parameters")
        written = node.child_by_field_name("type")
        if trait and segs and written.type == "type_identifier" and params is not None and any(
                _text(p.child_by_field_name("name") or p) == segs[0] for p in params.named_children):
            self.blanket.add(trait[-1])  # `impl<T: Bound> Trait for T`: every type meeting the bounds has it
            return
        if not segs:
            written = node.child_by_field_name("type")
            if trait and written is not None and written.type == "array_type":
                self.arrays.setdefault(trait[-1], _text(written))  # `impl<T, const N: usize> Array for [T; N]`
            return
        if trait:
            self.traits.setdefault(segs[-1], set()).add(trait[-1])
            return
        body = node.child_by_field_name("body")
        for item in body.named_children if body is not None else ():
            if item.type != "function_item":
                continue
            params = item.child_by_field_name("parameters")
            has_self = params is not None and any(
                c.type == "self_parameter" or _text(c.child_by_field_name("pattern")) == "self"
                for c in params.named_children)
            self.functions.setdefault(segs[-1], []).append(Function(
                _text(item.child_by_field_name("name")), _public(item), has_self,
                _text(item.child_by_field_name("return_type")), file, item.start_point.row, module))

    @staticmethod
    def _child_file(node: Node, file: Path, folder: Path, name: str) -> Path | None:
        for attr in _attributes(node):
            key, _, value = _attribute(attr)
            if key == "path" and value is not None:
                at = file.parent / _text(value).strip('"')
                return at if at.is_file() else None
        for candidate in (folder / f"{name}.rs", folder / name / "mod.rs"):
            if candidate.is_file():
                return candidate
        return None

    def definition(self, fn: Function) -> tuple[Source, Node] | None:
        """The source of a function the index holds, and its node (the file read again)."""
        try:
            src = Source(LANGUAGES["rust"], fn.file.read_text("utf-8", "replace"))
        except OSError:
            return None
        stack = [src.tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "function_item" and node.start_point.row == fn.row:
                return src, node
            if node.start_point.row <= fn.row <= node.end_point.row:
                stack.extend(node.named_children)
        return None

    def implementors(self, trait: str) -> list[str]:
        """The crate's types that implement (or derive) a trait, by their names."""
        return sorted(t for t, traits in self.traits.items() if trait in traits)

    # --- where a file's line is ----------------------------------------------------------------------------
    def module_at(self, file: Path, row: int) -> tuple[str, ...] | None:
        """The module a line of a file belongs to (its innermost inline module), None outside the library."""
        file = file.resolve()
        best = None
        for module in self.modules.values():
            if module.file.resolve() != file:
                continue
            if module.rows is not None and not module.rows[0] <= row <= module.rows[1]:
                continue
            if best is None or len(module.path) > len(best.path):
                best = module
        return best.path if best is not None else None

    def compiled(self, module: tuple[str, ...], features: frozenset[str] | None = None, test: bool = False) -> bool:
        found = self.modules.get(module)
        return found is not None and _cfgs_hold(found.cfgs, self.defaults if features is None else features, test)

    def test_only(self, module: tuple[str, ...], item: str | None = None) -> bool:
        """Compiled only in the crate's tests (`#[cfg(test)]` on it or a module around it)."""
        found = self.modules.get(module)
        if found is None:
            return False
        cfgs = found.cfgs + (found.items.get(item, (False, ()))[1] if item else ())
        everything = expand(self.table, self.table)
        return not _cfgs_hold(cfgs, everything) and _cfgs_hold(cfgs, everything, test=True)

    def no_std(self) -> bool:
        """`#![no_std]` as a dependency is built (default features, no tests)."""
        return self.no_std_cfgs is not None and _cfgs_hold(self.no_std_cfgs, self.defaults)

    # --- names ---------------------------------------------------------------------------------------------
    def binding(self, module: tuple[str, ...], name: str, public: bool, features: frozenset[str],
                depth: int = 0) -> tuple | None:
        """What `name` means in a module: ("mod", path) or ("item", defining module, name); `public`: only
        through what the module makes public (`pub` items and modules, `pub use`)."""
        key = ("b", module, name, public, features)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a cycle of `use` declarations resolves to nothing
        found = self._binding(module, name, public, features, depth)
        self._memo[key] = found
        return found

    def _binding(self, module, name, public, features, depth):
        mod = self.modules.get(module)
        if mod is None or depth > MAX_BINDING_DEPTH:
            return None
        item = mod.items.get(name)
        if item is not None and (item[0] or not public) and _cfgs_hold(item[1], features):
            return ("item", module, name)
        child = mod.children.get(name)
        if child is not None and (child[0] or not public) and self.compiled(module + (name,), features):
            return ("mod", module + (name,))
        for use in mod.uses:
            if use.name is None or (public and not use.public) or not _cfgs_hold(use.cfgs, features):
                continue
            if (use.alias or use.name) == name:
                found = self.resolve(module, use.path + (use.name,), features, depth + 1)
                if found is not None:
                    return found
        for use in mod.uses:
            if use.name is not None or (public and not use.public) or not _cfgs_hold(use.cfgs, features):
                continue
            source = self.resolve(module, use.path, features, depth + 1)
            if source is not None and source[0] == "mod" and source[1] != module:
                found = self.binding(source[1], name, True, features, depth + 1)
                if found is not None:
                    return found
        return None

    def resolve(self, module: tuple[str, ...], segs: tuple[str, ...], features: frozenset[str] | None = None,
                depth: int = 0, in_use: bool = True) -> tuple | None:
        """What a path written in a module names in this crate: ("mod", path) or ("item", module, name); None
        for another crate's (or an enum variant, an associated item). A `use` path (`in_use`) starts at the
        crate's root in the 2015 edition; other paths, and `use` paths since 2018, at the module's names."""
        features = self.defaults if features is None else features
        if not segs:
            return ("mod", module)
        first, rest = segs[0], segs[1:]
        if first in ("crate", "$crate"):
            at: tuple | None = ("mod", ())
        elif first == "self":
            at = ("mod", module)
        elif first == "super":
            at = ("mod", module[:-1])
            while rest and rest[0] == "super":
                at, rest = ("mod", at[1][:-1]), rest[1:]
        else:
            start = () if in_use and self.edition == "2015" else module
            at = self.binding(start, first, False, features, depth)
        for seg in rest:
            if at is None or at[0] != "mod":
                return None
            at = self.binding(at[1], seg, False, features, depth)
        return at

    def public_names(self, module: tuple[str, ...], features: frozenset[str], depth: int = 0) -> set[str]:
        """The names a module makes public (its `pub` items and modules, its `pub use` bindings)."""
        key = ("n", module, features)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = set()
        mod = self.modules.get(module)
        out: set[str] = set()
        if mod is not None and depth <= MAX_BINDING_DEPTH:
            out |= {n for n, (pub, cfgs) in mod.items.items() if pub and _cfgs_hold(cfgs, features)}
            out |= {n for n, (pub, _) in mod.children.items() if pub and self.compiled(module + (n,), features)}
            for use in mod.uses:
                if not use.public or not _cfgs_hold(use.cfgs, features):
                    continue
                if use.name is not None:
                    out.add(use.alias or use.name)
                    continue
                source = self.resolve(module, use.path, features, depth + 1)
                if source is not None and source[0] == "mod" and source[1] != module:
                    out |= self.public_names(source[1], features, depth + 1)
        self._memo[key] = out
        return out

    # --- reach ---------------------------------------------------------------------------------------------
    def _shortest(self, target: tuple, features: frozenset[str]) -> str | None:
        """The shortest public path to an item from the crate's root with these features; one that ends in
        the item's own name before a shorter one through an alias (`pub use x::name as other`)."""
        queue, seen, found = [((), self.name)], {()}, []
        while queue and not any(p.rsplit("::", 1)[-1] == target[-1] for p in found):
            nxt = []
            for module, shown in queue:
                names = sorted(self.public_names(module, features))
                for name in names:
                    at = self.binding(module, name, True, features)
                    if at == target:
                        found.append(f"{shown}::{name}")
                    elif at is not None and at[0] == "mod" and at[1] not in seen:
                        seen.add(at[1])
                        nxt.append((at[1], f"{shown}::{name}"))
            queue = nxt
        own = [p for p in found if p.rsplit("::", 1)[-1] == target[-1]]
        return (own or found or [None])[0]

    def reach(self, module: tuple[str, ...], name: str) -> Reach | None:
        """How code outside the crate names the item `name` defined in `module`: the shortest public path
        under the default features, else under one more feature (named in Reach.features); None when no
        public path reaches it."""
        target = ("item", module, name)
        path = self._shortest(target, self.defaults)
        if path is not None:
            return Reach(path)
        for feature in sorted(set(self.table) - self.defaults - {"default"}):
            path = self._shortest(target, expand(self.table, [*self.defaults, feature]))
            if path is not None:
                return Reach(path, (feature,))
        return None

    def needed(self, cfgs: tuple[str, ...]) -> tuple[str, ...] | None:
        """The non-default features under which these `#[cfg(...)]` predicates hold: () with the defaults,
        one more feature, or None (not with one more: the tests', another target's)."""
        if _cfgs_hold(cfgs, self.defaults):
            return ()
        for feature in sorted(set(self.table) - self.defaults - {"default"}):
            if _cfgs_hold(cfgs, expand(self.table, [*self.defaults, feature])):
                return (feature,)
        return None

    def defined(self, module: tuple[str, ...], segs: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
        """(defining module, name) of the item a path written in `module` names in this crate."""
        found = self.resolve(module, segs, expand(self.table, self.table), in_use=False)
        return (found[1], found[2]) if found is not None and found[0] == "item" else None

    def written_path(self, module: tuple[str, ...], segs: tuple[str, ...]) -> tuple[str, ...] | None:
        """A path written in a module, from another crate's root as the module's `use` declarations spell it
        (`fmt::Display` with `use core::fmt;` is core::fmt::Display); None when no `use` binds its first name."""
        mod = self.modules.get(module)
        if mod is None or not segs:
            return None
        for use in mod.uses:
            if use.name is not None and (use.alias or use.name) == segs[0]:
                full = use.path + (use.name,) + segs[1:]
                if full[0] in ("crate", "self", "super"):
                    return None
                return full
        return None


_cache: dict[Path, tuple[tuple, Crate]] = {}
_lock = threading.Lock()


def _stamps(files: list[Path]) -> tuple:
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((str(f), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(f), None))
    return tuple(out)


def crate_folder(file: Path) -> Path | None:
    """The folder of the Cargo.toml nearest above a file."""
    for base in file.resolve().parents:
        if (base / "Cargo.toml").is_file():
            return base
    return None


def crate_of(file: Path) -> Crate | None:
    """The library crate a file is in (read again when one of its files changed); None without one."""
    folder = crate_folder(file)
    if folder is None:
        return None
    with _lock:
        held = _cache.get(folder)
        if held is not None and _stamps([folder / "Cargo.toml", *held[1].files]) == held[0]:
            return held[1]
    crate = Crate(folder)
    if not crate.modules:
        return None
    with _lock:
        _cache[folder] = (_stamps([folder / "Cargo.toml", *crate.files]), crate)
        if len(_cache) > 16:
            _cache.pop(next(iter(_cache)))
    return crate


# --- the block's place ---------------------------------------------------------------------------------------
PRELUDE_TRAITS = frozenset({
    "Clone", "Copy", "Default", "Drop", "Eq", "PartialEq", "Ord", "PartialOrd", "From", "Into", "TryFrom",
    "TryInto", "AsRef", "AsMut", "Iterator", "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator",
    "Extend", "FromIterator", "ToOwned", "ToString", "Send", "Sync", "Sized", "Unpin", "Fn", "FnMut", "FnOnce"})


@dataclass(frozen=True)
class Place:
    """Where a Rust definition is in its crate, and how code outside the crate reaches it.

    `named`: (defining module, name) of what an example names to reach the block: the function, or for a
    method the type of its `impl` (a trait's own method: the trait); `reach`: its public path (None: private
    to the crate, or a type of another crate); `public`: the block itself is callable from outside (a method
    without `pub` in an inherent `impl` is not); `trait`/`trait_inside`: for a method of a trait's `impl`, the
    path that brings the trait into scope outside the crate and inside it (None: in the prelude, or
    unknown); `test_only`: compiled only in the crate's tests."""
    crate: Crate
    module: tuple[str, ...]
    named: tuple[tuple[str, ...], str] | None
    reach: Reach | None
    public: bool
    trait: str | None
    trait_inside: str | None
    test_only: bool
    features: tuple[str, ...] = ()  # the non-default features it is compiled with (its path's and its own)


def type_segments(node: Node | None) -> tuple[str, ...] | None:
    """The path of a type as written, without its generic arguments or reference (`&'a mut Foo<T>` is
    ("Foo",)); None for a type no path names (a slice, an array, a tuple, a primitive)."""
    while node is not None and node.type in ("generic_type", "reference_type", "pointer_type"):
        node = node.child_by_field_name("type")
    if node is None or node.type not in ("type_identifier", "scoped_type_identifier"):
        return None
    return _segments(node)


def impl_of(node: Node | None) -> Node | None:
    """The `impl` or `trait` item a method is defined in."""
    parent = node.parent if node is not None else None
    if parent is not None and parent.type == "declaration_list":
        parent = parent.parent
    return parent if parent is not None and parent.type in ("impl_item", "trait_item") else None


def place_of(file: Path, node: Node) -> Place | None:
    """The place of a definition (a function, a method, a type) of a library's file; None outside one."""
    crate = crate_of(file)
    if crate is None:
        return None
    module = crate.module_at(file, node.start_point.row)
    if module is None:
        return None
    name = _text(node.child_by_field_name("name"))
    impl = impl_of(node)
    trait = inside = None
    public = _public(node)
    test = crate.test_only(module, name)
    if impl is None:
        named: tuple | None = (module, name) if name in crate.modules[module].items else None
    elif impl.type == "trait_item":
        named = (module, _text(impl.child_by_field_name("name")))
        public = _public(impl)
    else:
        segs = type_segments(impl.child_by_field_name("type"))
        named = crate.defined(module, segs) if segs else None
        test = test or (named is not None and crate.test_only(*named))
        written = type_segments(impl.child_by_field_name("trait"))
        if written:
            public = True  # a trait's method is as visible as the trait
            own = crate.defined(module, written)
            if own is not None:
                found = crate.reach(*own)
                public = found is not None
                trait = found.path if found is not None else None
                inside = "::".join(("crate", *own[0], own[1]))
            elif written[-1] not in PRELUDE_TRAITS or len(written) > 1:
                full = written if written[0] in ("std", "core", "alloc") else crate.written_path(module, written)
                if full and full[0] in ("core", "alloc", "std"):
                    trait, inside = "::".join(("std",) + full[1:]), "::".join(full)
    reach = crate.reach(*named) if named is not None and not test else None
    cfgs = crate.modules[module].cfgs + cfgs_of(node) + (cfgs_of(impl) if impl is not None else ())
    features = crate.needed(cfgs)
    if features is None:  # compiled under no single feature: as good as private
        return Place(crate, module, named, None, False, trait, inside, test)
    features = tuple(sorted(set(features) | set(reach.features if reach is not None else ())))
    return Place(crate, module, named, reach, public and reach is not None, trait, inside, test, features)
