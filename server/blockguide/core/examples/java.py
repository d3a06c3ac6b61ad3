"""The usage example of a Java block, built from its signature."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def java_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    if block.kind == "class":
        ctor = constructor_params(src, node, (block.name,))
        body = [f"{block.name} value = new {block.name}({guessed_args('java', ctor)});", "System.out.println(value);"]
    else:
        cls = class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else "Owner"
        static = bool(re.search(r"\bstatic\b", text.split("(")[0]))
        returns = text_of(node.child_by_field_name("type")) if node is not None else "void"
        ctor = constructor_params(src, cls, (owner,))
        body = [] if static else [f"{owner} value = new {owner}({guessed_args('java', ctor)});"]
        call = f"{owner if static else 'value'}.{block.name}({guessed_args('java', params)})"
        if block.kind == "method" and node is not None and node.type == "constructor_declaration":
            body = [f"{owner} value = new {owner}({guessed_args('java', params)});", "System.out.println(value);"]
        elif returns == "void":
            body.append(f"{call};")
        else:
            body += [f"var result = {call};", "System.out.println(result);"]
    return "\n".join(head + ["public class Example {", "    public static void main(String[] args) throws Exception {"]
                     + [f"        {l}" for l in body] + ["    }", "}"]) + "\n"
