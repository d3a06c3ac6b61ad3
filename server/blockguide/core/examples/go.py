"""The usage example of a Go block, built from its signature."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, guess
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


_GO_BUILTIN = {"string", "bool", "byte", "rune", "error", "any", "uintptr", "float32", "float64", "complex64",
               "complex128"}


# Standard packages whose names an example's values may spell (`reflect.ValueOf(3)`): imported when used.
_STANDARD = ("bytes", "context", "errors", "io", "os", "reflect", "sort", "strconv", "strings", "time", "unicode")


def go_value(p: GenericParam, prefix: str) -> str:
    """A value of the parameter's type a reader can pass: the block's own literal first, then one the type
    admits that is not nil: an error made with fmt.Errorf, a filled slice, an empty map, a struct of the
    package (`&pkg.Options{}`), a context, a reader over a string; nil only for what nothing here can make
    (a function type, another package's pointer)."""
    if p.value is not None:
        return p.value
    t = p.type.replace(" ", "")
    if t == "error":
        return 'fmt.Errorf("something failed")'
    if t in ("interface{}", "any"):
        return '"value"'
    if t == "context.Context":
        return "context.Background()"
    if t == "io.Reader":
        return 'strings.NewReader("Hello, World")'
    if t in ("[]string", "...string"):
        return '[]string{"a", "b"}'
    if re.fullmatch(r"(\[\]|\.\.\.)(u?int\d*|float\d+)", t):
        return f"[]{t.lstrip('[].')}{{1, 2, 3}}"
    if t.startswith("map["):
        return f"{t}{{}}"
    named = re.fullmatch(r"(\*?)([A-Za-z_]\w*)", t)
    if named and named.group(2) not in _GO_BUILTIN and not re.fullmatch(r"u?int\d*|float\d+", named.group(2)):
        qualified = prefix if named.group(2)[:1].isupper() else ""
        return f"{'&' if named.group(1) else ''}{qualified}{named.group(2)}{{}}"
    return guess("go", p)


def go_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    package = re.search(r"^\s*package\s+(\w+)", src.text, re.M)
    pkg = package.group(1) if package else "main"
    receiver = node.child_by_field_name("receiver") if node is not None and node.type == "method_declaration" \
        else None
    rtype = re.sub(r"^\(?\s*\w*\s*", "", text_of(receiver).strip("()")).strip() if receiver is not None else ""
    # a name the example must spell from the package that is unexported (the block's, its receiver's type, a
    # parameter's type of the package) is reached only from inside the package
    spelled = [block.name, re.sub(r"\[.*", "", rtype.lstrip("*"))] + \
        [m.group(2) for p in params if p.value is None for m in [re.fullmatch(r"(\*?)([A-Za-z_]\w*)", p.type.replace(" ", ""))]
         if m and m.group(2) not in _GO_BUILTIN and not re.fullmatch(r"u?int\d*|float\d+", m.group(2))]
    qualified = bool(g.import_line) and all(n[:1].isupper() for n in spelled if n)
    prefix = f"{pkg}." if qualified else ""
    imports = ['"fmt"'] + ([f'"{g.module}"'] if qualified else [])
    args = ", ".join(go_value(p, prefix) for p in params)
    results = 0
    if node is not None:
        result = node.child_by_field_name("result")
        if result is not None:
            results = len(result.named_children) if result.type == "parameter_list" else 1
    body: list[str] = []
    if block.kind == "class":
        body = [f"var value {prefix}{block.name}", 'fmt.Printf("%+v\\n", value)']
    else:
        call = f"{prefix}{block.name}({args})"
        if receiver is not None:
            base = rtype.lstrip("*")
            body.append(f"value := &{prefix}{base}{{}}" if rtype.startswith("*") else f"var value {prefix}{base}")
            call = f"value.{block.name}({args})"
        if results == 0:
            body.append(call)
        else:
            names = ["result"] if results == 1 else [f"r{i}" for i in range(results - 1)] + ["err"]
            body.append(f"{', '.join(names)} := {call}")
            body.append(f"fmt.Println({', '.join(names)})")
    if not any("fmt." in line for line in body):
        imports.remove('"fmt"')
    used = {m.group(1) for line in body for m in re.finditer(r"(?<![\w.])([a-z]\w*)\.[A-Z]", line)}
    imports[len(imports) - bool(qualified):len(imports) - bool(qualified)] = \
        [f'"{std}"' for std in _STANDARD if std in used and std != pkg and f'"{std}"' not in imports]
    head = [f"import {imports[0]}"] if len(imports) == 1 else ["import ("] + [f"\t{i}" for i in imports] + [")"]
    head = [*head, ""] if imports else []
    if not qualified:  # a file of the block's own package: the only place an unexported name is reached from
        why = (f"`{block.name}` is not exported" if not block.name[:1].isupper() else
               f"no go.mod names package {pkg}'s import path")
        lines = [f"package {pkg}", "", f"// {why}: this file belongs to package {pkg} (put it in the package's "
                 f"folder).", "", *head, f"func exampleUse{block.name[:1].upper()}{block.name[1:]}() {{"]
    else:
        lines = ["package main", "", *head, "func main() {"]
    lines += [f"\t{l}" for l in body] + ["}"]
    return "\n".join(lines) + "\n"
