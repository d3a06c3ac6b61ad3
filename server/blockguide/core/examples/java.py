"""The usage example of a Java block, built from its signature."""

from __future__ import annotations

import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guess, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.syntax.split import split_top_level
from blockguide.core.types import Grounding


def java_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    for p in params:  # an object of the project's own class is made with its public constructor, not null
        if p.value is None and guess("java", p) == "null":
            p.value = constructed(p.type, g)
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


_CONSTRUCTOR = r"public\s+{name}\s*\(([^()]*)\)"


def constructed(type_text: str, g: Grounding) -> str | None:
    """`new T(args)` for a parameter whose type is a concrete class of the block's package with a public
    constructor whose own parameters all get a value (the fewest first); `java.util.List.of(...).iterator()`
    for an Iterator; None when neither applies (the parameter keeps its null)."""
    name = re.sub(r"<.*", "", type_text).strip()
    if name in ("Iterator", "ListIterator"):
        return 'java.util.List.of("a", "b").iterator()' if "<" not in type_text or "<String>" in \
            type_text.replace(" ", "") else "java.util.Collections.emptyIterator()"
    if not re.fullmatch(r"[A-Z]\w*", name) or g.root is None or g.path is None:
        return None
    file = (Path(g.root) / g.path).parent / f"{name}.java"
    try:
        text = file.read_text("utf-8", "replace")
    except OSError:
        return None
    if re.search(rf"\b(abstract\s+class|interface|enum)\s+{name}\b", text) or \
            not re.search(rf"\bclass\s+{name}\b", text):
        return None
    generic = "<>" if re.search(rf"\bclass\s+{name}\s*<", text) else ""
    options = []
    for m in re.finditer(_CONSTRUCTOR.format(name=re.escape(name)), text):
        params = [a.strip() for a in split_top_level(m.group(1)) if a.strip()]
        values = []
        for declared in params:
            parts = re.sub(r"\bfinal\s+|@\w+\s+", "", declared).rsplit(None, 1)
            value = guess("java", GenericParam(parts[-1], parts[0] if len(parts) == 2 else ""))
            values.append(value)
        if "null" not in values:
            options.append(values)
    if not options:
        return None
    return f"new {name}{generic}({', '.join(min(options, key=len))})"
