"""The usage example of a JavaScript or TypeScript block, built from its signature."""

from __future__ import annotations


from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def js_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else \
        [f"// `{block.name}` is not exported: this runs in the module that defines it", ""]
    is_async = node is not None and text_of(node).lstrip().startswith(("async", "export async"))
    is_gen = node is not None and ("generator" in node.type or text_of(node).split("(")[0].count("*") > 0)
    aw = "await " if is_async else ""
    if block.kind == "class":
        ctor = constructor_params(src, node, ("constructor",))
        body = [f"const obj = new {block.name}({guessed_args('javascript', ctor)});", "console.log(obj);"]
    elif block.kind == "method":
        cls = class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else "Owner"
        static = node is not None and text_of(node).lstrip().startswith("static")
        ctor = constructor_params(src, cls, ("constructor",))
        target = owner if static else "obj"
        body = [] if static else [f"const obj = new {owner}({guessed_args('javascript', ctor)});"]
        call = f"{target}.{block.name}({guessed_args('javascript', params)})"
        body += [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    else:
        call = f"{block.name}({guessed_args('javascript', params)})"
        body = [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    return "\n".join(head + body) + "\n"
