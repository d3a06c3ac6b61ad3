"""The usage example of a Rust block, built from its signature, with arguments of the parameters' types: the
block's documentation example first (the literals its ```` ``` ```` code passes), then a literal the block
matches the parameter against (`b'A'..=b'F' =>`), then a literal of the type (`T: AsRef<[u8]>` takes a string,
`&mut [u8]` a buffer declared before the call). A private function cannot be called from outside its crate:
its example is a test module written next to it, in its own module (core.checks.toolchain_rust checks it
there, in a copy of the crate)."""

from __future__ import annotations

import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.doccomments import comment_above, strip_markers
from blockguide.core.examples.generic import GenericParam, generic_params, guess, guessed_args
from blockguide.core.rust_crate import Crate, Place, impl_of, place_of, type_segments
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
    text = text_of(node) if node is not None else ""
    is_async = bool(re.match(r"^\s*(pub(\([^)]*\))?\s+)?async\b", text))
    aw = ".await" if is_async else ""
    params = [p for p in params if p.name != "self"]  # `self: Pin<&mut Self>` is the receiver
    place = _place(g, node)
    inside = module_form(g, place, text)
    crate = place.crate if place is not None else None
    setup = fill_rust_values(params, block.name or "", node, doc_code(src, node), text)
    returns = node.child_by_field_name("return_type") if node is not None else None
    impl = impl_of(node)
    owner = _type_name(impl) if impl is not None else None
    if block.kind == "class":
        body = [f"let value: {block.name} = todo!(\"build a {block.name}\");", "let _ = value;"]
    elif block.kind == "method":
        owner = owner or "Self"
        self_param = next((c for c in (node.child_by_field_name("parameters") or node).named_children
                           if c.type == "self_parameter" or (c.type == "parameter" and text_of(
                               c.child_by_field_name("pattern")) == "self")), None) if node is not None else None
        trait = type_segments(impl.child_by_field_name("trait")) if impl is not None else None
        implied = _implied(trait[-1] if trait else "", block.name or "")
        if self_param is not None:
            before, make = receiver(crate, owner, inside, src, impl)
            typed = text_of(self_param.child_by_field_name("type")).replace(" ", "")
            mut = "mut " if "mut" in text_of(self_param) else ""
            body = before + setup + [f"let {mut}value = {make};"]
            on = "value"
            if typed.startswith(("Pin<&mutSelf>", "core::pin::Pin<&mutSelf>", "std::pin::Pin<&mutSelf>")):
                body[-1], on = f"let mut value = {make};", "std::pin::Pin::new(&mut value)"
            elif typed in ("Box<Self>", "Rc<Self>", "Arc<Self>"):
                on = f"{typed[:-6]}::new(value)" if typed[0] == "B" else f"std::{'rc' if typed[0] == 'R' else 'sync'}::{typed[:-6]}::new(value)"
            call = f"{on}.{block.name}({guessed_args('rust', params)}){aw}"
            body += implied if implied else _shown(call, returns, crate, owner)
        else:
            call = f"{owner}::{block.name}({guessed_args('rust', params)}){aw}"
            body = setup + _shown(call, returns, crate, owner)
    else:
        body = setup + _shown(f"{block.name}({guessed_args('rust', params)}){aw}", returns, crate, owner)
    if returns is None and block.kind != "class":  # nothing returned: what it wrote into its buffers
        body += [f'println!("{{:?}}", {p.name});' for p in params if p.value == f"&mut {p.name}" and
                 _buffer(p, p.type.replace(" ", ""), "", params) != f"let mut {p.name} = Default::default();"]
    std = crate is not None and crate.no_std()
    if inside:
        trait = place.trait_inside if place is not None else None
        return module_example(g, body, is_async, [f"use {trait};"] if trait else [], std)
    uses = [g.import_line] if g.import_line else []
    if place is not None and place.trait:
        uses.append(f"use {place.trait};")
    head = uses + [""] if uses else []
    main = ["#[tokio::main]", "async fn main() {"] if is_async else ["fn main() {"]
    return "\n".join(head + main + [f"    {l}" for l in body] + ["}"]) + "\n"


def _place(g: Grounding, node: Node | None) -> Place | None:
    if node is None or not g.root or not g.path:
        return None
    try:
        return place_of(Path(g.root) / g.path, node)
    except (OSError, ValueError):
        return None


def module_form(g: Grounding, place: Place | None, text: str) -> bool:
    """Whether the example is a test module next to the block: it is private to its crate (no public path
    reaches it, or it is compiled only in the crate's tests), or it is in no library's module tree."""
    if place is not None:
        return not place.public or place.test_only
    return is_private_function(g, text)


def is_private_function(g: Grounding, text: str) -> bool:
    """A function without `pub` in a crate, which no `use` reaches from outside it."""
    return (g.block.kind == "function" and not g.import_line and bool(g.module)
            and not re.match(r"^\s*(#\[[^\n]*\]\s*)*pub\b", text))


def _type_name(impl: Node) -> str:
    """The name an `impl`'s type (or a trait's) is called by in code: its last path segment, no generics."""
    if impl.type == "trait_item":
        return text_of(impl.child_by_field_name("name"))
    written = impl.child_by_field_name("type")
    segs = type_segments(written)
    return segs[-1] if segs else text_of(written)


def module_example(g: Grounding, body: list[str], is_async: bool, uses: list[str] = (), no_std: bool = False) -> str:
    """The example as a test module placed next to the private function, in its own module. In a `#![no_std]`
    crate the module brings `std` in for its printing (`extern crate std;`)."""
    name = g.block.name
    where = f"`{g.path}`" if g.path else "its file"
    test = ["#[tokio::test]", f"async fn calls_{name}() {{"] if is_async else ["#[test]", f"fn calls_{name}() {{"]
    what = "private" if g.block.kind != "method" else "private to its crate"
    lines = [f"// In {where}, next to `{name}`: it is {what}, so the example is a test in its own module.",
             "#[cfg(test)]", f"mod {name}_example {{"]
    lines += ["    extern crate std;"] if no_std else []
    lines += ["    use super::*;"] + [f"    {u}" for u in uses] + [""]
    if no_std:
        body = [re.sub(r"^println!", "std::println!", l) for l in body]
    lines += [f"    {l}" for l in test] + [f"        {l}" for l in body] + ["    }", "}"]
    return "\n".join(lines) + "\n"


# --- the receiver and the result ------------------------------------------------------------------------------
_STD_PRINTABLE = {"String", "str", "Vec", "VecDeque", "Option", "Result", "Box", "Rc", "Arc", "Cow", "HashMap",
                  "HashSet", "BTreeMap", "BTreeSet", "BinaryHeap", "Ordering", "Duration", "Instant", "PathBuf",
                  "Path", "OsString", "OsStr", "Range", "RangeInclusive", "Cell", "RefCell", "Layout", "NonNull",
                  "NonZeroU8", "NonZeroU16", "NonZeroU32", "NonZeroU64", "NonZeroUsize", "NonZero", "Wrapping",
                  "Error", "ParseIntError", "ParseFloatError", "Utf8Error", "FromUtf8Error", "TryFromIntError",
                  "SocketAddr", "IpAddr", "Ipv4Addr", "Ipv6Addr", "TypeId", "Infallible", "PhantomData",
                  "ErrorKind", "SystemTime", "File", "Metadata", "Chars", "Bytes", "Utf8Chunks"}


def printable(node: Node | None, crate: Crate | None, owner: str | None) -> bool:
    """A value of this type can be printed with `{:?}`: a primitive, a string, a tuple, array or slice of
    printable values, a standard container of them (Vec, Option, Result, Box ...), a crate type that derives
    or implements Debug. Not a generic parameter, an `impl Trait` or a type the crate does not show Debug for."""
    if node is None:
        return True  # `()`
    t = node.type
    if t in ("primitive_type", "unit_type", "never_type"):
        return True
    if t in ("reference_type", "pointer_type"):
        return printable(node.child_by_field_name("type"), crate, owner)
    if t in ("array_type", "slice_type"):
        return printable(node.child_by_field_name("element") or node.named_children[0], crate, owner)
    if t == "tuple_type":
        return all(printable(c, crate, owner) for c in node.named_children)
    segs = type_segments(node)
    if not segs:
        return False
    name = owner if segs[-1] == "Self" and owner else segs[-1]
    if crate is not None and name in crate.shapes:
        return "Debug" in crate.traits.get(name, set())
    if name not in _STD_PRINTABLE:
        return False
    args = node.child_by_field_name("type_arguments") if node.type == "generic_type" else None
    return all(printable(a, crate, owner) for a in (args.named_children if args is not None else ())
               if a.type not in ("lifetime", "type_binding"))


def _shown(call: str, returns: Node | None, crate: Crate | None, owner: str | None) -> list[str]:
    """The call, then its result printed where its type can be (`{:?}`); an Option's or a Result's whether
    it holds a value, a Display type with `{}`; otherwise the result is bound without printing."""
    if returns is None:
        return [f"{call};"]
    if printable(returns, crate, owner):
        return [f"let result = {call};", 'println!("{:?}", result);']
    segs = type_segments(returns) or ("",)
    if segs[-1] in ("Option", "Result"):
        test = "is_some" if segs[-1] == "Option" else "is_ok"
        return [f"let result = {call};", f'println!("{{}}", result.{test}());']
    name = owner if segs[-1] == "Self" and owner else segs[-1]
    if crate is not None and "Display" in crate.traits.get(name, set()):
        return [f"let result = {call};", 'println!("{}", result);']
    return [f"let _result = {call};"]


def receiver(crate: Crate | None, owner: str, inside: bool, src: Source, impl: Node | None) -> tuple[list[str], str]:
    """(statements first, an expression) that makes a value of the method's type: its argument-less `new`
    (or another argument-less constructor), its Default, a constructor given values of its parameters'
    types (`.unwrap()` on a Result or Option), a unit struct, an enum's first unit variant. A constructor of
    another crate's type is not known: `Owner::default()`."""
    fns = [f for f in (crate.functions.get(owner, []) if crate is not None else [])
           if not f.has_self and (f.public or inside) and _makes(f.returns, owner)]
    fns.sort(key=lambda f: (f.name != "new", f.name))
    for fn in fns:
        found = crate.definition(fn) if crate is not None else None
        if found is not None and not generic_params(found[1]):
            return [], f"{owner}::{fn.name}(){_unwrap(fn.returns, owner)}"
    if crate is not None and "Default" in crate.traits.get(owner, set()):
        return [], f"{owner}::default()"
    for fn in fns:
        found = crate.definition(fn) if crate is not None else None
        if found is None:
            continue
        fsrc, fnode = found
        params = generic_params(fnode)
        setup = fill_rust_values(params, fn.name, fnode, doc_code(fsrc, fnode), text_of(fnode))
        return setup, f"{owner}::{fn.name}({guessed_args('rust', params)}){_unwrap(fn.returns, owner)}"
    shape = crate.shapes.get(owner) if crate is not None else None
    if shape is not None and shape.type == "struct_item" and shape.child_by_field_name("body") is None:
        return [], owner
    if shape is not None and shape.type == "enum_item":
        body = shape.child_by_field_name("body")
        unit = next((v for v in (body.named_children if body is not None else ())
                     if v.type == "enum_variant" and v.child_by_field_name("body") is None), None)
        if unit is not None:
            return [], f"{owner}::{text_of(unit.child_by_field_name('name'))}"
    return [], f"{owner}::default()"


_FORMATS = {"Display": "{}", "Debug": "{:?}", "LowerHex": "{:x}", "UpperHex": "{:X}", "Octal": "{:o}",
            "Binary": "{:b}", "LowerExp": "{:e}", "UpperExp": "{:E}", "Pointer": "{:p}"}


def _implied(trait: str, method: str) -> list[str]:
    """The statements that call a trait's method the way code does, where a direct call is not how it is
    used (or not allowed): a formatting trait's `fmt` through `println!`, `Drop::drop` by dropping."""
    if method == "fmt" and trait in _FORMATS:
        return [f"// `{_FORMATS[trait]}` formats the value with its `{trait}::fmt`",
                f'println!("{_FORMATS[trait]}", value);']
    if method == "drop" and trait == "Drop":
        return ["drop(value); // runs its `Drop::drop`"]
    return []


def _makes(returns: str, owner: str) -> bool:
    """The return type is the type itself (`Self`, `Owner`, `Owner<T>`), possibly in a Result or Option."""
    inner = re.sub(r"^(Result|Option|(\w+::)*Result|(\w+::)*Option)\s*<\s*(.*?)(\s*,.*)?>$", r"\4", returns.strip())
    return re.fullmatch(rf"(Self|{re.escape(owner)})(\s*<.*>)?", inner) is not None


def _unwrap(returns: str, owner: str) -> str:
    return ".unwrap()" if re.match(r"^((\w+::)*)(Result|Option)\s*<", returns.strip()) else ""


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
