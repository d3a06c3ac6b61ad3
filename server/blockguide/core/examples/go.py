"""The usage example of a Go block, built from its signature."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def go_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    package = re.search(r"^\s*package\s+(\w+)", src.text, re.M)
    pkg = package.group(1) if package else "main"
    qualified = bool(g.import_line) and block.name[:1].isupper()
    prefix = f"{pkg}." if qualified else ""
    imports = ['"fmt"'] + ([f'"{g.module}"'] if qualified else [])
    results = 0
    if node is not None:
        result = node.child_by_field_name("result")
        if result is not None:
            results = len(result.named_children) if result.type == "parameter_list" else 1
    body: list[str] = []
    if block.kind == "class":
        body = [f"var value {prefix}{block.name}", 'fmt.Printf("%+v\\n", value)']
    else:
        call = f"{prefix}{block.name}({guessed_args('go', params)})"
        receiver = node.child_by_field_name("receiver") if node is not None and \
            node.type == "method_declaration" else None
        if receiver is not None:
            rtype = re.sub(r"^\(?\s*\w*\s*", "", text_of(receiver).strip("()")).strip()
            base = rtype.lstrip("*")
            body.append(f"value := &{prefix}{base}{{}}" if rtype.startswith("*") else f"var value {prefix}{base}")
            call = f"value.{block.name}({guessed_args('go', params)})"
        if results == 0:
            body.append(call)
        else:
            names = ["result"] if results == 1 else [f"r{i}" for i in range(results - 1)] + ["err"]
            body.append(f"{', '.join(names)} := {call}")
            body.append(f"fmt.Println({', '.join(names)})")
    if not any("fmt." in line for line in body):
        imports.remove('"fmt"')
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
