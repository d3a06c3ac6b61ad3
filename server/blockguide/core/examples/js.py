"""The usage example of a JavaScript or TypeScript block, built from its signature."""

from __future__ import annotations

import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guess, guessed_args
from blockguide.core.examples.ts_objects import TsTypes, project_value
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def js_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    # a class of the project is imported the way the block is: by the package's name, or by its file's path
    by_package = g.import_line is not None and not re.search(r"""from\s+["']\.""", g.import_line)
    types = TsTypes(Path(g.root), by_package) if block.language in ("typescript", "tsx") and g.root and g.path \
        else None
    if block.language in ("typescript", "tsx"):
        _constrained(params, node)
    imports = _project_objects(params, types, Path(g.root) / g.path) if types is not None else []
    is_async = node is not None and text_of(node).lstrip().startswith(("async", "export async"))
    is_gen = node is not None and ("generator" in node.type or text_of(node).split("(")[0].count("*") > 0)
    aw = "await " if is_async else ""
    if block.kind == "class":
        ctor = constructor_params(src, node, ("constructor",))
        if types is not None:
            imports += _project_objects(ctor, types, Path(g.root) / g.path)
        body = [f"const obj = new {block.name}({guessed_args('javascript', ctor)});", "console.log(obj);"]
    elif block.kind == "method":
        cls = class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else g.owner or "Owner"
        static = node is not None and text_of(node).lstrip().startswith("static")
        ctor = constructor_params(src, cls, ("constructor",))
        if types is not None:
            imports += _project_objects(ctor, types, Path(g.root) / g.path)
        target = owner if static else "obj"
        args = guessed_args("javascript", ctor)
        if static:
            body = []
        elif block.language == "typescript" and ctor and _needs_a_real_value(ctor):
            # `new Mutation({})` does not type-check: the method is shown on an instance the reader has
            body = [f"declare const obj: {owner}{_type_arguments(cls)};  // a {owner} your code already has"]
        else:
            body = [f"const obj = new {owner}({args});"]
        call = f"{target}.{block.name}({guessed_args('javascript', params)})"
        body += [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    else:  # a function assigned to an object's property (`app.send = function`) is called through it
        through = f"{g.owner}." if g.owner else ""
        call = f"{through}{block.name}({guessed_args('javascript', params)})"
        body = [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    head = [] if g.import_line or g.owner else \
        [f"// `{block.name}` is not exported: this runs in the module that defines it"]
    head += [line for line in dict.fromkeys([g.import_line, *imports]) if line]
    return "\n".join(head + [""] * bool(head) + body) + "\n"


def _constrained(params: list[GenericParam], node: Node | None) -> None:
    """A parameter typed with the function's own type parameter takes its constraint's type (`<T extends
    Element>(el: T)` is an Element): `{}` is no value of it."""
    found = node.child_by_field_name("type_parameters") if node is not None else None
    if found is None and node is not None:  # `const f = <T extends X>(...) => ...`: on the arrow function
        value = node.child_by_field_name("value")
        found = value.child_by_field_name("type_parameters") if value is not None else None
    bounds = {}
    for tp in found.named_children if found is not None else []:
        name, constraint = tp.child_by_field_name("name"), tp.child_by_field_name("constraint")
        if name is not None and constraint is not None:
            bounds[text_of(name)] = re.sub(r"^extends\s+", "", text_of(constraint)).strip()
    for p in params:
        if p.value is None and p.type:
            for name, bound in bounds.items():
                p.type = re.sub(rf"(?<![\w$]){re.escape(name)}(?![\w$])", bound, p.type)


def _project_objects(params: list[GenericParam], types: TsTypes, path: Path) -> list[str]:
    """A parameter typed with an interface or class of the project, that would get `{}`, gets an object of it
    (examples.ts_objects): its value set; the import lines it needs returned."""
    imports: list[str] = []
    for p in params:
        if p.value is None and p.type and guess("typescript", p) == "{}":
            made = project_value(p.type, types, path)
            if made is not None:
                p.value = made.code
                imports += made.imports
    return imports


# JSDoc's names of types for the ones a TypeScript checker knows (`{String}` is the primitive `string`)
_JSDOC_TYPES = {"string": "string", "number": "number", "boolean": "boolean", "function": "Function",
                "array": "any[]", "object": "object", "error": "Error", "date": "Date", "regexp": "RegExp"}
_JSDOC_PARAM = re.compile(r"@param\s*\{([^{}]+)\}\s*\[?([A-Za-z_$][\w$]*)")


def jsdoc_types(params: list[GenericParam], comment: str) -> None:
    """A JavaScript parameter without a type annotation takes the type its JSDoc `@param {Type} name` gives
    (the first of a union), so its value is one of that type, not a guess by its name."""
    declared = {m.group(2): m.group(1) for m in _JSDOC_PARAM.finditer(comment)}
    for p in params:
        if p.type or p.name not in declared:
            continue
        first = re.split(r"\|", declared[p.name].strip("() "))[0].strip()
        array = re.fullmatch(r"(?:Array\.?<(\w+)>|(\w+)\[\])", first)
        if array:
            element = _JSDOC_TYPES.get((array.group(1) or array.group(2)).lower())
            p.type = f"{element}[]" if element in ("string", "number", "boolean") else "any[]"
        else:
            p.type = _JSDOC_TYPES.get(first.lower(), first if re.fullmatch(r"[A-Z]\w*", first) else "")


def _needs_a_real_value(params: list[GenericParam]) -> bool:
    """A constructor parameter typed with an object or interface type that no literal we can guess fills
    (`config: MutationConfig<...>`): only strings, numbers, booleans and arrays of them are guessed well."""
    plain = re.compile(r"(?:string|number|boolean|bigint)(?:\[\])?|\w+\[\]|")
    return any(p.value is None and not plain.fullmatch(p.type.replace(" ", "")) for p in params)


def _type_arguments(cls: Node | None) -> str:
    """`<any, any>` for a generic class whose type parameters lack defaults, else "" (the defaults apply)."""
    params = cls.child_by_field_name("type_parameters") if cls is not None else None
    if params is None:
        return ""
    found = [p for p in params.named_children if p.type == "type_parameter"]
    if all(p.child_by_field_name("value") is not None for p in found):
        return ""
    return "<" + ", ".join("any" for _ in found) + ">"
