"""The user's project on disk: its root, and the paths other code imports a file by (Python modules, Go
import paths, Rust modules, C headers, JavaScript specifiers). Files are only read, never imported or run."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from blockguide.core.languages import ROOT_MARKERS
from blockguide.core.rust_crate import crate_of
from blockguide.core.syntax.cpp_scopes import included_defines, namespaces_at


def find_root(path: Path, workspace_roots: list[Path] | None = None) -> Path:
    """The project a file belongs to: a workspace folder, else the nearest folder with a project marker.

    A Python file outside any project (e.g. inside site-packages) gets the folder above its top package.
    """
    path = path.resolve()
    for root in workspace_roots or []:
        root = root.resolve()
        if path == root or root in path.parents:
            return root
    for parent in path.parents:
        if any((parent / marker).exists() for marker in ROOT_MARKERS):
            return parent
    top = path.parent
    while (top / "__init__.py").exists():
        top = top.parent
    return top


def python_module(path: Path, root: Path, sys_path: list[Path] = ()) -> str | None:
    """The dotted module a Python file is imported as, from the project root (or a src/ layout)."""
    path = path.resolve()
    bases = [root / "src", root, *sys_path]
    # A file inside a package: climb packages (folders with __init__.py) to the top one.
    top = path.parent
    while (top / "__init__.py").exists():
        top = top.parent
    if top != path.parent:
        bases.insert(0, top)
    for base in bases:
        base = Path(base).resolve()
        if base in path.parents:
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return ".".join(parts)
    return None


_GO_PACKAGE = re.compile(r"^\s*package\s+(\w+)[ \t]*(?://[ \t]*import[ \t]+\"([^\"]+)\")?", re.M)


def go_import(path: Path, root: Path, text: str) -> tuple[str | None, str | None]:
    """(import path, import line) of a Go file's package, the way the go command names it: the nearest
    go.mod's module path plus the folder; else (a package from before modules) the package clause's import
    comment (`package errors // import "github.com/pkg/errors"`), a GOPATH folder (`…/src/<path>`) or a
    module-cache folder (`…/pkg/mod/<path>@<version>`)."""
    package = _GO_PACKAGE.search(text)
    if package and package.group(1) == "main":
        return None, None
    folder = path.resolve().parent
    for base in [folder, *folder.parents]:
        mod = base / "go.mod"
        if mod.is_file():
            m = re.search(r"^\s*module\s+(\S+)", mod.read_text("utf-8", "replace"), re.M)
            if not m:
                break
            sub = folder.relative_to(base).as_posix()
            imp = m.group(1).strip('"') + ("" if sub == "." else "/" + sub)
            return imp, f'import "{imp}"'
        if base == root.resolve() or base == base.parent:
            break
    imp = package.group(2) if package else None
    if imp is None:
        parts = folder.parts
        if "mod" in parts and parts.index("mod") > 0 and parts[parts.index("mod") - 1] == "pkg":
            rest = parts[parts.index("mod") + 1:]
            at = next((i for i, p in enumerate(rest) if "@" in p), None)
            if at is not None and "." in rest[0]:
                rest = (*rest[:at], rest[at].split("@")[0], *rest[at + 1:])
                # the module cache writes an upper-case letter as "!" + its lower case
                imp = re.sub(r"!([a-z])", lambda m: m.group(1).upper(), "/".join(rest))
        elif "src" in parts:
            rest = parts[len(parts) - parts[::-1].index("src"):]
            if rest and "." in rest[0]:  # a host name first: github.com/…, golang.org/…
                imp = "/".join(rest)
    return (imp, f'import "{imp}"') if imp else (None, None)


def rust_module(path: Path, root: Path) -> str | None:
    """`crate_name::a::b`: the module a library's file is, as its crate's module tree has it (`mod`
    declarations from the library's root file, core.rust_crate); else src/a/b.rs's path in the crate whose
    Cargo.toml is nearest above the file."""
    path = path.resolve()
    crate = crate_of(path)
    module = crate.module_at(path, 0) if crate is not None else None
    if module is not None:
        return "::".join([crate.name, *module])
    for base in path.parents:
        cargo = base / "Cargo.toml"
        if cargo.is_file():
            name = _crate_name(cargo)
            if name is None:
                return None
            try:
                parts = list(path.relative_to(base / "src").with_suffix("").parts)
            except ValueError:
                return name
            if parts and parts[-1] in ("lib", "main", "mod"):
                parts.pop()
            return "::".join([name, *parts])
        if base == base.parent:
            break
    return None


def _crate_name(cargo: Path) -> str | None:
    """The crate's name as Rust code spells it: `[lib] name`, else `[package] name`, `-` as `_`."""
    try:
        data = tomllib.loads(cargo.read_text("utf-8", "replace"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    for table in ("lib", "package"):
        name = data.get(table, {}).get("name") if isinstance(data.get(table), dict) else None
        if isinstance(name, str) and name:
            return name.replace("-", "_")
    return None


def c_header(path: Path, root: Path) -> str | None:
    """The header that declares a C/C++ file's functions: the file itself when it is one, else a header
    with the same stem next to it or in an include/ folder; as written in `#include "..."`."""
    path = path.resolve()
    if path.suffix in (".h", ".hh", ".hpp", ".hxx"):
        return path.name
    for folder in (path.parent, root / "include", path.parent.parent / "include"):
        for suffix in (".h", ".hpp", ".hh", ".hxx"):
            candidate = folder / (path.stem + suffix)
            if candidate.is_file():
                return candidate.name
    return None


C_HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx")
MAX_INCLUDERS_UP = 3  # headers followed up from a header that is included inside a namespace
MAX_SIBLING_HEADERS = 200


def including_header(path: Path) -> tuple[Path, tuple[str, ...]] | None:
    """For a header that only works included by another one from inside a namespace (`napi-inl.h` includes
    `napi-inl.deprecated.h` inside `namespace Napi {`): the header users include — its includer, followed up
    through the headers of its folder while exactly one includes it — and the namespaces its names are in.
    None for a header that stands on its own."""
    path = path.resolve()
    includer = _includer(path)
    if includer is None or not includer[1]:
        return None
    top, scope = includer
    for _ in range(MAX_INCLUDERS_UP - 1):
        above = _includer(top)
        if above is None:
            break
        top, scope = above[0], above[1] + scope
    return top, scope


def _includer(path: Path) -> tuple[Path, tuple[str, ...]] | None:
    """The one header of the folder that includes `path`, and the namespaces around that #include."""
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.syntax.source import Source

    found = []
    include = re.compile(rf'^\s*#\s*include\s*"(?:[^"]*/)?{re.escape(path.name)}"', re.M)
    try:
        siblings = [p for _, p in zip(range(MAX_SIBLING_HEADERS), sorted(path.parent.iterdir()))
                    if p.suffix in C_HEADER_SUFFIXES and p != path]
    except OSError:
        return None
    for header in siblings:
        try:
            text = header.read_text("utf-8", "replace")
        except OSError:
            continue
        if include.search(text):
            found.append((header, text))
    if len(found) != 1:
        return None
    header, text = found[0]
    tree = Source(LANGUAGES["cpp"], text).tree
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "preproc_include" and include.search(node.text.decode("utf-8", "replace")):
            scope, up = [], node.parent
            while up is not None:
                name = up.child_by_field_name("name") if up.type == "namespace_definition" else None
                if name is not None:
                    scope.insert(0, name.text.decode("utf-8", "replace"))
                up = up.parent
            if not scope:  # a namespace the tree does not see (opened by a macro, or in an #ifdef)
                offset = len(text.encode("utf-8", "replace")[:node.start_byte].decode("utf-8", "replace"))
                scope = namespaces_at(text, offset, included_defines(header, header.parent))
            return header, tuple(scope)
        stack.extend(node.named_children)
    return header, ()
MAX_HEADERS = 200  # headers looked through for a declaration's comment, at most (each read only if it names it)


def c_header_paths(path: Path, root: Path) -> list[Path]:
    """The headers that may declare a C/C++ source file's functions, likeliest first: the header with the
    same stem (next to it, in root/include, in ../include), then the other headers of those folders."""
    path = path.resolve()
    folders = list(dict.fromkeys(f for f in (path.parent, root.resolve() / "include", path.parent.parent / "include")
                                 if f.is_dir()))
    same = [f / (path.stem + s) for f in folders for s in C_HEADER_SUFFIXES if (f / (path.stem + s)).is_file()]
    others: list[Path] = []
    # an include/ folder's public headers (include/brotli/encode.h), then the source file's neighbours
    for folder in sorted(folders, key=lambda f: f == path.parent):
        try:
            found = folder.iterdir() if folder == path.parent else folder.rglob("*")
            others += sorted(p for _, p in zip(range(MAX_HEADERS * 4), found)
                             if p.suffix in C_HEADER_SUFFIXES and p.is_file())
        except OSError:
            continue
    return list(dict.fromkeys(same + others))[:MAX_HEADERS]


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def js_specifier(path: Path, root: Path) -> str | None:
    """How code at the project root imports this file: a package name inside node_modules, else ./relative."""
    parts = path.resolve().parts
    if "node_modules" in parts:
        i = len(parts) - 1 - parts[::-1].index("node_modules")
        pkg = parts[i + 1: i + 3] if parts[i + 1].startswith("@") else parts[i + 1: i + 2]
        return "/".join(pkg)
    rel = relative(path, root)
    if rel.endswith((".ts", ".tsx", ".mts", ".cts")):
        rel = rel.rsplit(".", 1)[0] + ".js"  # TypeScript imports name the emitted .js file
    return "./" + rel


# --- a JavaScript/TypeScript package's entry ----------------------------------------------------------------
_JS_EXT = re.compile(r"(\.d)?\.(m|c)?(j|t)sx?$")
_BUILD_DIRS = re.compile(r"^((dist|build|lib|out|esm|cjs|es|umd|modern|legacy|types|typings)/)+")
_FORMATS = re.compile(r"\.(cjs|esm|es|umd|min|development|production|module|browser|node)(?=\.|$)")
_SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")


def package_json(root: Path) -> dict:
    try:
        data = json.loads((root / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def js_entries(data: dict) -> list[str]:
    """The files package.json names as the package's entry (`exports` "." and its conditions, `main`, `module`,
    `types`, `typings`; Node's default `index.js` when none is named), as paths from the package's folder."""
    found: list[str] = []

    def leaves(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for v in value:
                leaves(v)
        elif isinstance(value, dict):
            for key, v in value.items():
                if key == "." or not key.startswith("."):  # "." and conditions; not other subpaths
                    leaves(v)

    leaves(data.get("exports"))
    for key in ("main", "module", "types", "typings"):
        if isinstance(data.get(key), str):
            found.append(data[key])
    if not found:
        found.append("index.js")
    return list(dict.fromkeys(e.removeprefix("./") for e in found))


def _loose(rel: str) -> str:
    """A file's path without extensions, build folders and format infixes: dist/x.esm.js and src/x.ts are x."""
    stem = _JS_EXT.sub("", rel.removeprefix("./"))
    stem = re.sub(r"^src/", "", _BUILD_DIRS.sub("", stem))
    return _FORMATS.sub("", stem)


def js_package_name(path: Path, root: Path, name: str | None = None) -> str | None:
    """The package name users import this file by: package.json's `name`, when its entry is this file (as
    written, or built from it: dist/tiny-invariant.esm.js from src/tiny-invariant.ts), or when the entry's
    source re-exports `name` (or everything) from this file. None otherwise."""
    found = js_package_entry(path, root, name)
    return found[0] if found else None


def js_package_entry(path: Path, root: Path, name: str | None = None) -> tuple[str, Path] | None:
    """(package name, the source file the name resolves to: this file, or the entry that re-exports from it)."""
    data = package_json(root)
    package = data.get("name")
    if not isinstance(package, str) or not package:
        return None
    rel = relative(path, root)
    if not rel or rel.startswith(("..", "/")):
        return None
    entries = js_entries(data)
    own = _JS_EXT.sub("", rel)
    if any(_JS_EXT.sub("", e) == own or _loose(e) == _loose(rel) for e in entries):
        return package, path
    if name is None:
        return None
    for entry in dict.fromkeys(_loose(e) for e in entries):
        for base in ("src/", ""):
            source = next((root / f"{base}{entry}{s}" for s in _SOURCE_SUFFIXES
                           if (root / f"{base}{entry}{s}").is_file()), None)
            if source is not None and _re_exports(source, path, name):
                return package, source
    return None


def _re_exports(entry: Path, target: Path, name: str) -> bool:
    """The entry file re-exports `name` (as a value, not a type only) or everything from the target file."""
    try:
        text = entry.read_text("utf-8", "replace")
    except OSError:
        return False
    spec = _JS_EXT.sub("", Path(relative(target, entry.parent)).as_posix())
    spec = re.escape(spec if spec.startswith(".") else "./" + spec)
    where = rf"""from\s+["']{spec}(\.(m|c)?(j|t)sx?)?["']"""
    if re.search(rf"export\s*\*\s*{where}", text):
        return True
    return any(re.search(rf"\b{re.escape(name)}\b", m.group(1)) for m in
               re.finditer(rf"export\s*\{{([^}}]*)\}}\s*{where}", text))
