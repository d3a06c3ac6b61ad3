"""The usage example of a JavaScript or TypeScript block, built from its signature."""

from __future__ import annotations

import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_node, generic_params, guess, guessed_args
from blockguide.core.examples.ts_objects import TsTypes, bounds, project_value, substitute, type_node
from blockguide.core.examples.usage import by_use
from blockguide.core.project import js_package_name, js_specifier
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


def js_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam],
               objects: bool = True) -> str:
    """The example's code; `objects=False`: without the project's objects made for its parameters (the next
    source of arguments where they fail the checks)."""
    block = g.block
    # a class of the project is imported the way the block is: by the package's name, or by its file's path
    by_package = g.import_line is not None and not re.search(r"""from\s+["']\.""", g.import_line)
    typed = block.language in ("typescript", "tsx")
    types = TsTypes(Path(g.root), by_package) if typed and objects and g.root and g.path else None
    cls = class_node_of(src, node) if block.kind == "method" else None
    if typed:  # a type parameter (the function's, its class's) stands for its constraint
        _constrained(params, {**bounds(cls), **bounds(_function_of(node))})
    here = Path(g.root) / g.path if types is not None else None
    imports = _project_objects(params, types, here) if types is not None else []
    is_async = node is not None and text_of(node).lstrip().startswith(("async", "export async"))
    is_gen = node is not None and ("generator" in node.type or text_of(node).split("(")[0].count("*") > 0)
    aw = "await " if is_async else ""
    if block.kind == "class":
        ctor = _constructor(block.language, src, node)
        if typed:
            _constrained(ctor, bounds(node))
        if types is not None:
            imports += _project_objects(ctor, types, here)
        body = [f"const obj = new {block.name}({guessed_args('javascript', ctor)});", "console.log(obj);"]
    elif block.kind == "method" and cls is None and not g.owner and _object_of(node)[0]:
        # a method of an object literal (`const provider = { now() {...} }`): called through that object,
        # imported the way the block would be when the module exports it
        holder, exported = _object_of(node)
        if exported and not g.import_line and g.root and g.path:
            file = Path(g.root) / g.path
            spec = js_package_name(file, Path(g.root), holder) or js_specifier(file, Path(g.root))
            g.import_line = f'import {{ {holder} }} from "{spec}";' if spec else None
        call = f"{holder}.{block.name}({guessed_args('javascript', params)})"
        body = [f"for (const item of {call}) console.log(item);"] if is_gen else \
            [f"const result = {aw}{call};", "console.log(result);"]
    elif block.kind == "method":
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else g.owner or "Owner"
        static = node is not None and text_of(node).lstrip().startswith("static")
        ctor = _constructor(block.language, src, cls) if cls is not None else \
            _constructor_function(block.language, src, owner)
        if typed:
            _constrained(ctor, bounds(cls))
        if types is not None:
            imports += _project_objects(ctor, types, here)
        target = owner if static else "obj"
        args = guessed_args("javascript", ctor)
        made = project_value(owner, types, here) if types is not None and not static and ctor and \
            _needs_a_real_value(ctor) else None
        if block.name == "constructor":  # the constructor runs when the class is made: `new`, with its values
            body = [f"const obj = new {owner}({guessed_args('javascript', params)});", "console.log(obj);"]
            return _written(g, block.name, imports, body)
        if static:
            body = []
        elif made is not None:  # the project's own factory of the class (its constructor needs more)
            body, imports = [f"const obj = {made.code};"], imports + made.imports
        elif typed and ctor and _needs_a_real_value(ctor):
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
    return _written(g, block.name, imports, body)


def _written(g: Grounding, name: str, imports: list[str], body: list[str]) -> str:
    """The example's text: its import lines (the block's, then the values'), a blank line, its body."""
    head = [] if g.import_line or g.owner else \
        [f"// `{name}` is not exported: this runs in the module that defines it"]
    head += _merged([line for line in dict.fromkeys([g.import_line, *imports]) if line])
    return "\n".join(head + [""] * bool(head) + body) + "\n"


_NAMED_IMPORT = re.compile(r'import \{ ([\w$, ]+) \} from "([^"]+)";')


def _merged(lines: list[str]) -> list[str]:
    """Named imports from one module in one line (`import { a, b } from "pkg";`), in the order first named."""
    out: list[str] = []
    names: dict[str, list[str]] = {}
    for line in lines:
        m = _NAMED_IMPORT.fullmatch(line)
        if m is None:
            out.append(line)
        elif m.group(2) in names:
            names[m.group(2)] += [n.strip() for n in m.group(1).split(",") if n.strip() not in names[m.group(2)]]
        else:
            names[m.group(2)] = [n.strip() for n in m.group(1).split(",")]
            out.append(m.group(2))
    return [f'import {{ {", ".join(names[x])} }} from "{x}";' if x in names else x for x in out]


def _constructor(language: str, src: Source, cls: Node | None) -> list[GenericParam]:
    """The constructor's parameters, each with the value its use in the constructor gives (`comp.trim()`: a
    string), as the block's own parameters get theirs."""
    ctor = constructor_node(src, cls, ("constructor",))
    return by_use(language, generic_params(ctor), text_of(ctor)) if ctor is not None else []


def _object_of(node: Node | None) -> tuple[str, bool]:
    """(the variable an object literal holding this method is assigned to, whether the module exports it):
    `provider` for `export const provider = { now() {...} }`; ("", False) for none."""
    parent = node.parent if node is not None else None
    if parent is not None and parent.type == "pair":
        parent = parent.parent
    holder = parent.parent if parent is not None and parent.type == "object" else None
    if holder is not None and holder.type == "variable_declarator":
        declaration = holder.parent
        exported = declaration is not None and declaration.parent is not None and \
            declaration.parent.type == "export_statement"
        return text_of(holder.child_by_field_name("name")), exported
    return "", False


def _constructor_function(language: str, src: Source, owner: str) -> list[GenericParam]:
    """The parameters of the function that makes the objects of a prototype method (`function Route(path)`
    for `Route.prototype.dispatch`), each with the value its use there gives."""
    fn = module_function(src, owner)
    return by_use(language, generic_params(fn), text_of(fn)) if fn is not None else []


def module_function(src: Source, name: str) -> Node | None:
    """The function a module defines at its top level by `name` (`function f`, `const f = (...) => ...`,
    exported or not), else None."""
    for top in src.tree.root_node.named_children:
        node = top.child_by_field_name("declaration") if top.type == "export_statement" else top
        if node is None:
            continue
        if node.type in ("function_declaration", "generator_function_declaration") and \
                text_of(node.child_by_field_name("name")) == name:
            return node
        for d in node.named_children if node.type in ("lexical_declaration", "variable_declaration") else []:
            value = d.child_by_field_name("value")
            if text_of(d.child_by_field_name("name")) == name and value is not None and \
                    value.type in ("function_expression", "function", "arrow_function"):
                return value
    return None


def callee_in(src: Source):
    """(parameter names, text) of a function of the module by its name, for examples.usage.by_use (the use
    of a parameter the block only passes on)."""
    def find(name: str) -> tuple[list[str], str] | None:
        fn = module_function(src, name)
        return ([p.name for p in generic_params(fn)], text_of(fn)) if fn is not None else None
    return find


def _function_of(node: Node | None) -> Node | None:
    """The function node that declares a block's type parameters (`const f = <T,>(...) => ...`: the arrow)."""
    if node is not None and node.child_by_field_name("type_parameters") is None:
        value = node.child_by_field_name("value")
        if value is not None:
            return value
        for d in node.named_children:  # a lexical declaration around the arrow function
            value = d.child_by_field_name("value") if d.type == "variable_declarator" else None
            if value is not None:
                return value
    return node


def _constrained(params: list[GenericParam], given: dict[str, str]) -> None:
    """A parameter typed with a type parameter takes what it stands for (`<T extends Element>(el: T)` is an
    Element): `{}` is no value of it."""
    for p in params:
        if p.value is None and p.type:
            p.type = substitute(p.type, given)


def _project_objects(params: list[GenericParam], types: TsTypes, path: Path) -> list[str]:
    """A parameter typed with a type of the project (an interface, a class, an enum, an alias, a union with
    one), that would get `{}`, or with a function type whose result is a value, gets a value of it
    (examples.ts_objects): its value set; the import lines it needs returned."""
    imports: list[str] = []
    for p in params:
        if p.value is not None or not p.type:
            continue
        kind = type_node(p.type)
        returns = kind.child_by_field_name("return_type") if kind is not None and kind.type == "function_type" \
            else None
        if guess("typescript", p) in ("{}", "undefined") or (returns is not None and text_of(returns) not in
                                                            ("void", "any", "unknown", "undefined")):
            made = project_value(p.type, types, path)
            if made is not None:
                p.value = made.code
                imports += made.imports
    return imports


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
