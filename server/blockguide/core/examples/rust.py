"""The usage example of a Rust block, built from its signature, with arguments of the parameters' types: the
block's documentation example first (the literals its ```` ``` ```` code passes), then a literal the block
matches the parameter against (`b'A'..=b'F' =>`), then a literal of the type (`T: AsRef<[u8]>` takes a string,
`&mut [u8]` a buffer declared before the call). A private function cannot be called from outside its crate:
its example is a test module written next to it, in its own module (core.checks.toolchain_rust checks it
there, in a copy of the crate)."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.doccomments import comment_above, strip_markers
from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guess, guessed_args
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.syntax.split import closing_bracket, split_top_level
from blockguide.core.types import Grounding


DEFAULT_BUFFER = 16
_LITERAL = re.compile(r"""^(b?"(?:\\.|[^"\\])*"|b?'(?:\\.|[^'\\])'|-?\d[\d_]*(\.\d+)?([iuf]\d+|[iu]size)?|true|false"""
                      r"""|vec!\[[^\[\]]*\]|&?\[[^\[\]]*\])$""")
_INDEXISH = re.compile(r"^(i|j|idx|index|pos|position|offset|start)$")


def rust_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    is_async = bool(re.match(r"^\s*(pub(\([^)]*\))?\s+)?async\b", text))
    aw = ".await" if is_async else ""
    setup = fill_rust_values(params, block.name or "", node, doc_code(src, node), text)
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
            body = setup + [f"let value = {make};",
                            f"let result = value.{block.name}({guessed_args('rust', params)}){aw};"]
        else:
            body = setup + [f"let result = {owner}::{block.name}({guessed_args('rust', params)}){aw};"]
        body.append('println!("{:?}", result);')
    else:
        body = setup + [f"let result = {block.name}({guessed_args('rust', params)}){aw};",
                        'println!("{:?}", result);']
    if is_private_function(g, text):
        return module_example(g, body, is_async)
    main = ["#[tokio::main]", "async fn main() {"] if is_async else ["fn main() {"]
    return "\n".join(head + main + [f"    {l}" for l in body] + ["}"]) + "\n"


def is_private_function(g: Grounding, text: str) -> bool:
    """A function without `pub` in a crate, which no `use` reaches from outside it."""
    return (g.block.kind == "function" and not g.import_line and bool(g.module)
            and not re.match(r"^\s*(#\[[^\n]*\]\s*)*pub\b", text))


def module_example(g: Grounding, body: list[str], is_async: bool) -> str:
    """The example as a test module placed next to the private function, in its own module."""
    name = g.block.name
    where = f"`{g.path}`" if g.path else "its file"
    test = ["#[tokio::test]", f"async fn calls_{name}() {{"] if is_async else ["#[test]", f"fn calls_{name}() {{"]
    lines = [f"// In {where}, next to `{name}`: it is private, so the example is a test in its own module.",
             "#[cfg(test)]", f"mod {name}_example {{", "    use super::*;", ""]
    lines += [f"    {l}" for l in test] + [f"        {l}" for l in body] + ["    }", "}"]
    return "\n".join(lines) + "\n"


# --- argument values -----------------------------------------------------------------------------------------
def doc_code(src: Source, node: Node | None) -> str:
    """The code of the `///` documentation above a definition (its attributes skipped): the lines inside its
    code fences, hidden `# ` lines included."""
    raw = comment_above(src, node) if node is not None else None
    if raw is None or not raw.text.lstrip().startswith("///"):
        return ""
    code, inside = [], False
    for line in strip_markers(raw.text).split("\n"):
        fence = re.match(r"^\s*```(\w*)", line)
        if fence:
            inside = not inside and fence.group(1) in ("", "rust", "no_run", "should_panic", "ignore")
            continue
        if inside:
            code.append(re.sub(r"^#(\s|$)", "", line))
    return "\n".join(code)


def doc_call_args(name: str, code: str) -> list[str] | None:
    """The arguments of the first call of `name` (`name(...)`, `crate::name(...)`) in the code."""
    for m in re.finditer(rf"(?<![\w.])(?:\w+::)*{re.escape(name)}\s*\(", code):
        if re.search(r"\bfn\s*$", code[:m.start()]):
            continue
        end = closing_bracket(code, m.end())
        if end is not None:
            return split_top_level(code[m.end():end])
    return None


def type_bounds(node: Node | None) -> dict[str, str]:
    """{type parameter: its bounds} from `<T: AsRef<[u8]>>` and `where T: ...`."""
    if node is None:
        return {}
    out: dict[str, str] = {}
    holders = [node.child_by_field_name("type_parameters"), *(c for c in node.named_children
                                                                if c.type == "where_clause")]
    for holder in filter(None, holders):
        for param in holder.named_children:
            if param.type not in ("type_parameter", "constrained_type_parameter", "where_predicate"):
                continue
            named = [c for c in param.named_children]
            bounds = next((c for c in named if c.type == "trait_bounds"), None)
            if named and bounds is not None:
                name = text_of(named[0])
                out[name] = " + ".join(b for b in (out.get(name), text_of(bounds).lstrip(":").strip()) if b)
    return out


def matched_literal(param: str, code: str) -> str | None:
    """The first literal arm of a `match` on the parameter (`b'A'..=b'F' =>` gives `b'A'`)."""
    m = re.search(rf"\bmatch\s+{re.escape(param)}\s*\{{\s*(b?'(?:\\.|[^'\\])'|\"[^\"\n]*\"|-?\d+)\s*(\.\.=?|\||=>)",
                  code)
    return m.group(1) if m else None


def fill_rust_values(params: list[GenericParam], name: str, node: Node | None, doc: str, code: str) -> list[str]:
    """Give each parameter a value of its type (p.value) and answer the statements the call needs first (a
    buffer for a `&mut [u8]`)."""
    bounds = type_bounds(node)
    for p in params:
        if p.type in bounds:
            p.type = f"impl {bounds[p.type]}"
    from_doc = doc_call_args(name, doc) or []
    setup: list[str] = []
    for i, p in enumerate(params):
        t = p.type.replace(" ", "")
        shown = from_doc[i] if i < len(from_doc) else ""
        if t.startswith("&mut"):
            setup.append(_buffer(p, t, doc, params))
            p.value = f"&mut {p.name}"
        elif _LITERAL.match(shown):
            p.value = shown
        else:
            p.value = matched_literal(p.name, code) or _typed(p, t) or p.value
    return [s for s in setup if s]


def _buffer(p: GenericParam, t: str, doc: str, params: list[GenericParam]) -> str:
    if t in ("&mut[u8]", "&mut[u8;N]") or re.fullmatch(r"&mut\[u8;\w+\]", t):
        size = re.search(r"\[0(?:u8)?\s*;\s*(\d+)\s*\]", doc)
        given = next((v for v in (guess("rust", q) for q in params if q is not p) if re.match(r'^b?"', v)), None)
        n = size.group(1) if size else str(len(given.split('"')[1])) if given else str(DEFAULT_BUFFER)
        return f"let mut {p.name} = [0u8; {n}];"
    if t.startswith("&mutVec<"):
        return f"let mut {p.name} = Vec::new();"
    if t == "&mutString":
        return f"let mut {p.name} = String::new();"
    return f"let mut {p.name} = Default::default();"


def _typed(p: GenericParam, t: str) -> str | None:
    """A literal of the parameter's type, None when generic.guess has one as good."""
    name = p.name.lower()
    if re.search(r"AsRef<(\w+::)*(Path|OsStr)>|^&(\w+::)*Path$", t):
        return '"example.txt"' if t.startswith("impl") else 'std::path::Path::new("example.txt")'
    if t == "PathBuf":
        return 'std::path::PathBuf::from("example.txt")'
    if re.match(r"impl(AsRef<(\[u8\]|str)>|Into<String>|ToString|Display|Borrow<str>)", t):
        return '"example"'
    if t == "u8" and name in ("c", "ch", "b", "byte", "char"):
        return "b'a'"
    if t == "char":
        return "'a'"
    if re.fullmatch(r"[iu](8|16|32|64|128|size)", t) and _INDEXISH.match(name):
        return "0"
    if t == "Vec<u8>":
        return "vec![1, 2, 3]"
    if re.fullmatch(r"&\[[iu](8|16|32|64|size)\]", t):
        return "&[1, 2, 3]"
    if t == "&String":
        return '&String::from("example")'
    if t.startswith("Option<"):
        return "None"
    return None
