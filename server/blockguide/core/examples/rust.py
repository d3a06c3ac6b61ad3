"""The usage example of a Rust block, built from its signature."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def rust_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    is_async = bool(re.match(r"^\s*(pub(\([^)]*\))?\s+)?async\b", text))
    aw = ".await" if is_async else ""
    if block.kind == "class":
        body = [f"let value: {block.name} = todo!(\"build a {block.name}\");", "let _ = value;"]
    elif block.kind == "method":
        impl = class_node_of(src, node)
        owner = text_of(impl.child_by_field_name("type")) if impl is not None else "Self"
        has_self = node is not None and any(c.type == "self_parameter" for c in
                                            (node.child_by_field_name("parameters") or node).named_children)
        if has_self:
            ctor = "new" if re.search(r"\bfn\s+new\s*\(", text_of(impl) if impl is not None else "") else None
            ctor_params = constructor_params(src, impl, ("new",)) if ctor else []
            make = f"{owner}::new({guessed_args('rust', ctor_params)})" if ctor else f"{owner}::default()"
            body = [f"let value = {make};", f"let result = value.{block.name}({guessed_args('rust', params)}){aw};"]
        else:
            body = [f"let result = {owner}::{block.name}({guessed_args('rust', params)}){aw};"]
        body.append('println!("{:?}", result);')
    else:
        body = [f"let result = {block.name}({guessed_args('rust', params)}){aw};", 'println!("{:?}", result);']
    main = ["#[tokio::main]", "async fn main() {"] if is_async else ["fn main() {"]
    return "\n".join(head + main + [f"    {l}" for l in body] + ["}"]) + "\n"
