"""The usage example of a C or C++ block, built from its signature."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


_PRINTF = {"int": "%d", "long": "%ld", "unsigned": "%u", "size_t": "%zu", "double": "%f", "float": "%f",
           "char*": "%s", "constchar*": "%s", "bool": "%d", "ssize_t": "%zd"}


def c_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam], cpp: bool = False) -> str:
    block = g.block
    lang = "cpp" if cpp else "c"
    head = ["#include <iostream>" if cpp else "#include <stdio.h>"]
    if g.import_line:
        head.append(g.import_line)
    head.append("")
    if block.kind == "class":
        body = [f"{block.name} value{{}};" if cpp else f"struct {block.name} value = {{0}};", "(void)value;"]
    else:
        returns = text_of(node.child_by_field_name("type")) if node is not None else "void"
        declarator = text_of(node.child_by_field_name("declarator")) if node is not None else ""
        if declarator.startswith("*"):
            returns += "*"
        name = _qualified_cpp_name(src, node, block.name) if cpp else block.name
        call = f"{name}({guessed_args(lang, params)})"
        if returns.replace(" ", "") in ("void", ""):
            body = [f"{call};"]
        elif cpp:
            body = [f"auto result = {call};", "std::cout << result << std::endl;"
                    if re.search(r"\b(int|long|double|float|bool|size_t|string|char)\b", returns) else "(void)result;"]
        else:
            fmt = _PRINTF.get(returns.replace(" ", "").replace("static", "").replace("const", "const"))
            body = [f"{returns} result = {call};", f'printf("{fmt}\\n", result);' if fmt else "(void)result;"]
        if node is not None and re.match(r"^\s*static\b", text_of(node)) and not cpp:
            body.insert(0, f"/* `{block.name}` is static: this runs inside the file that defines it */")
    return "\n".join(head + ["int main(void) {" if not cpp else "int main() {"] + [f"    {l}" for l in body]
                     + ["    return 0;", "}"]) + "\n"


def cpp_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    return c_example(g, src, node, params, cpp=True)


def _qualified_cpp_name(src: Source, node: Node | None, name: str) -> str:
    parts = []
    parent = node.parent if node is not None else None
    while parent is not None:
        if parent.type == "namespace_definition":
            ns = parent.child_by_field_name("name")
            if ns is not None:
                parts.insert(0, text_of(ns))
        parent = parent.parent
    return "::".join([*parts, name])
