"""Call sites confirmed by reference for the languages other than Python (Python: core.python.references).

A candidate the text search found is a call of the block only when its file binds the called name to the
block's module:
- JavaScript/TypeScript: `import {name} from '…'` / `import * as ns` / default import / `require('…')` whose
  relative specifier resolves to the block's file, or a plain call in the block's own file;
- Go: `pkg.Name(...)` where `pkg` is the import of the block's package, or a plain call in a file of the same
  package (same folder and package clause);
- Rust: a `use` path that ends in the block's module (or names the item), a call qualified by that module's
  path, or a plain call in the block's own file;
- Java, C, C++: the name matches, and a method-call form (`x.get(`, `x->get(`) counts only for a method block,
  in a file that names the method's class; C/C++ also need the file to `#include` the block's header or be the
  block's own file (or the header).
Files are only read (regular expressions over their text), never compiled or run.
"""

from __future__ import annotations

import re
from pathlib import Path

from blockguide.core.callsites import Confirm

_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")


def confirmer(language: str, path: Path, root: Path, name: str, kind: str, owner: str | None,
              module: str | None, header: str | None) -> Confirm | None:
    """The confirmer for a block of `language` defined in `path` (None: keep the name match)."""
    target = path.resolve()
    if language in ("javascript", "typescript", "tsx"):
        return _js(target, name, kind, owner)
    if language == "go":
        return _go(target, name, kind, module)
    if language == "rust":
        return _rust(target, name, kind, owner, module)
    if language in ("java", "c", "cpp"):
        return _c_like(language, target, kind, owner, header)
    return None


def _method_form(before: str) -> bool:
    return before.rstrip().endswith((".", "->"))


# --- JavaScript / TypeScript ----------------------------------------------------------------------------------
_JS_IMPORT = re.compile(r"""\bimport\s+(?:type\s+)?([^;'"]*?)\s*\bfrom\s*['"]([^'"]+)['"]""", re.S)
_JS_REQUIRE = re.compile(r"""\b(?:const|let|var)\s+([^=;]+?)\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)""")


def _js_resolves(file: Path, spec: str, target: Path) -> bool:
    if not spec.startswith("."):
        return False
    base = (file.parent / spec).resolve()
    stem = target.with_suffix("")
    candidates = {base, base.with_suffix("") if base.suffix in _JS_SUFFIXES else base}
    return stem in candidates or target in candidates or (target.stem == "index" and target.parent in candidates)


def _js_bindings(file: Path, text: str, target: Path) -> tuple[dict[str, str], set[str]]:
    """(local name -> imported name, namespace names) of the file's imports of the block's module."""
    names: dict[str, str] = {}
    spaces: set[str] = set()
    found = [(m.group(1), m.group(2)) for m in _JS_IMPORT.finditer(text)]
    found += [(m.group(1), m.group(2)) for m in _JS_REQUIRE.finditer(text)]
    for clause, spec in found:
        if not _js_resolves(file, spec, target):
            continue
        braces = re.search(r"\{([^}]*)\}", clause)
        if braces:
            for part in braces.group(1).split(","):
                bits = re.split(r"\s+as\s+|\s*:\s*", part.strip())
                if bits and bits[0]:
                    names[bits[-1].strip()] = bits[0].replace("type ", "").strip()
        rest = re.sub(r"\{[^}]*\}", "", clause).strip().strip(",").strip()
        star = re.search(r"\*\s*as\s+(\w+)", rest)
        if star:
            spaces.add(star.group(1))
        elif re.fullmatch(r"\w+(\s*,.*)?", rest):
            first = rest.split(",")[0].strip()
            names[first] = "default"
            spaces.add(first)  # a default export or a whole CommonJS module: `mod.name(...)`
    return names, spaces


def _js(target: Path, name: str, kind: str, owner: str | None) -> Confirm:
    def confirm(file: Path, text: str, line: int, column: int, before: str) -> bool:
        same = file.resolve() == target
        if kind == "method":  # `x.name(` in the class's file, or where the class is imported from it
            if same:
                return True
            names, _ = _js_bindings(file, text, target)
            return owner is not None and owner in names.values()
        qualifier = re.search(r"(\w+)\s*\.\s*$", before)
        if qualifier is None and _method_form(before):
            return False
        if same:
            return qualifier is None
        names, spaces = _js_bindings(file, text, target)
        if qualifier is not None:
            return qualifier.group(1) in spaces
        return names.get(name) in (name, "default")
    return confirm


# --- Go -------------------------------------------------------------------------------------------------------
_GO_PACKAGE = re.compile(r"^\s*package\s+(\w+)", re.M)
_GO_IMPORT_BLOCK = re.compile(r"^\s*import\s*\((.*?)\)", re.M | re.S)
_GO_IMPORT_ONE = re.compile(r"^\s*import\s+(\w+|\.|_)?\s*\"([^\"]+)\"", re.M)
_GO_SPEC = re.compile(r"^\s*(\w+|\.|_)?\s*\"([^\"]+)\"", re.M)


def _go_binding(text: str, module: str, package: str | None) -> str | None:
    """The name the file gives the block's package in its imports: its alias ("." for a dot import), else
    the package's own name (its package clause; the path's last element when unknown); None when the file
    does not import it."""
    specs = [(m.group(1), m.group(2)) for m in _GO_IMPORT_ONE.finditer(text)]
    for block in _GO_IMPORT_BLOCK.finditer(text):
        specs += [(m.group(1), m.group(2)) for m in _GO_SPEC.finditer(block.group(1))]
    for alias, path in specs:
        if path == module:
            if alias:
                return alias
            if package:
                return package
            parts = path.split("/")
            last = parts[-1]
            if re.fullmatch(r"v\d+", last) and len(parts) > 1:
                last = parts[-2]
            return re.sub(r"\W", "_", last.removeprefix("go-"))
    return None


def _go(target: Path, name: str, kind: str, module: str | None) -> Confirm:
    try:
        own = _GO_PACKAGE.search(target.read_text("utf-8", "replace"))
    except OSError:
        own = None
    package = own.group(1) if own else None

    def confirm(file: Path, text: str, line: int, column: int, before: str) -> bool:
        clause = _GO_PACKAGE.search(text)
        same = file.resolve().parent == target.parent and clause is not None and clause.group(1) == package
        qualifier = re.search(r"(\w+)\s*\.\s*$", before)
        binding = _go_binding(text, module, package) if module else None
        if kind == "method":  # `value.Name(`: in the package, or where the package is imported
            return qualifier is not None and (same or binding is not None)
        if qualifier is None:
            return (same or binding == ".") and not _method_form(before)
        return binding is not None and qualifier.group(1) == binding
    return confirm


# --- Rust -----------------------------------------------------------------------------------------------------
_RUST_USE = re.compile(r"\buse\s+([^;]+);")


def _rust_paths(text: str, crate: str) -> list[str]:
    """Every path the file's `use` declarations bring in (one level of braces expanded, `crate`/`self` as the
    crate's name), as `a::b::c` (an `as` rename kept as `a::b::c as d`)."""
    out = []
    for m in _RUST_USE.finditer(text):
        body = re.sub(r"\s+", " ", m.group(1)).strip()
        body = re.sub(r"^(pub(\([^)]*\))?\s+)", "", body)
        braces = re.match(r"(.*?)::\{(.*)\}$", body)
        items = [f"{braces.group(1)}::{p.strip()}" for p in braces.group(2).split(",") if p.strip()] \
            if braces else [body]
        out += [re.sub(r"^crate::", crate + "::", i) for i in items]
    return out


def _rust(target: Path, name: str, kind: str, owner: str | None, module: str | None) -> Confirm:
    crate = module.split("::")[0] if module else None

    def confirm(file: Path, text: str, line: int, column: int, before: str) -> bool:
        if file.resolve() == target:
            return True
        if not module or crate is None:
            return False
        uses = _rust_paths(text, crate)
        wanted = owner if kind == "method" and owner else name
        brings = any(u.split(" as ")[0] in (f"{module}::{wanted}", f"{module}::*") for u in uses)
        if kind == "method":
            return brings or f"{module}::{wanted}" in text.replace("crate::", f"{crate}::")
        path = re.search(r"((?:\w+::)+)\s*$", before)
        if path is None:
            return brings and not _method_form(before)
        qualifier = re.sub(r"^crate::", crate + "::", path.group(1).rstrip(":"))
        if qualifier == module:
            return True
        head = qualifier.split("::")[0]
        for u in uses:
            used, _, alias = u.partition(" as ")
            if (alias.strip() or used.split("::")[-1]) == head and \
                    module == "::".join([used.strip(), *qualifier.split("::")[1:]]):
                return True
        return False
    return confirm


# --- Java, C, C++ ---------------------------------------------------------------------------------------------
_DECLARATION = re.compile(r"(?<![\w.>])(?!return\b|else\b|case\b|new\b|throw\b)[A-Za-z_]\w*[\s*&]+$")


def _c_like(language: str, target: Path, kind: str, owner: str | None, header: str | None) -> Confirm:
    def confirm(file: Path, text: str, line: int, column: int, before: str) -> bool:
        same = file.resolve() == target
        if _method_form(before):
            if kind != "method" or owner is None:
                return False
            if not (same or re.search(rf"\b{re.escape(owner)}\b", text)):
                return False
        if _DECLARATION.search(before):  # `int sum(int a);`: a declaration, not a call
            return False
        if language == "java" or same:
            return True
        if header is None:
            return False  # no header declares it: only its own file can call it
        return bool(re.search(rf'#\s*include\s*[<"]([\w./-]*/)?{re.escape(Path(header).name)}[>"]', text))
    return confirm
