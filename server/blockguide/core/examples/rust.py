"""The usage example of a Rust block, built from its signature, with arguments of the parameters' types: the
block's documentation example first (the literals its ```` ``` ```` code passes), then a literal the block
matches the parameter against (`b'A'..=b'F' =>`), then a literal of the type (`T: AsRef<[u8]>` takes a string,
`&mut [u8]` a buffer declared before the call). A private function cannot be called from outside its crate:
its example is a test module written next to it, in its own module (core.checks.toolchain_rust checks it
there, in a copy of the crate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    modifiers = next((c for c in node.children if c.type == "function_modifiers"), None) if node is not None else None
    unsafe = modifiers is not None and "unsafe" in text_of(modifiers).split()
    params = [p for p in params if p.name != "self"]  # `self: Pin<&mut Self>` is the receiver
    place = _place(g, node)
    inside = module_form(g, place, text)
    crate = place.crate if place is not None else None
    imported = frozenset(re.findall(r"(\w+);$", g.import_line or ""))
    made = Values(crate, inside, place.module if place is not None else (), 0, imported)
    impl = impl_of(node)
    generics = impl_generics(made, impl) if impl is not None else {}
    generics.update(impl_generics(Values(crate, inside, made.module, 1, imported), node) if node is not None else {})
    setup = generic_values(params, generics) if generics else []
    setup += fill_rust_values([p for p in params if p.value is None or not setup], block.name or "", node,
                              doc_code(src, node), text, made)
    returns = node.child_by_field_name("return_type") if node is not None else None
    owner = _type_name(impl) if impl is not None else None
    implied: list[str] = []
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
            if owner in generics and generics[owner] is not None:  # `impl<S: Bound> Trait for S`
                before, make = [], generics[owner][1]
            elif impl is not None and impl.type == "trait_item":  # a trait's own method: a type that has it
                chosen = choose(owner, made)
                before, make = ([], chosen[1]) if chosen is not None else receiver(made, owner, impl)
            else:
                before, make = receiver(made, owner, impl)
            typed = text_of(self_param.child_by_field_name("type")).replace(" ", "")
            mut = "mut " if "mut" in text_of(self_param) else ""
            body = before + ([] if implied else setup) + [f"let {mut}value = {make};"]
            on = "value"
            if typed.startswith(("Pin<&mutSelf>", "core::pin::Pin<&mutSelf>", "std::pin::Pin<&mutSelf>")):
                body[-1], on = f"let mut value = {make};", "std::pin::Pin::new(&mut value)"
            elif typed in ("Box<Self>", "Rc<Self>", "Arc<Self>"):
                on = f"{typed[:-6]}::new(value)" if typed[0] == "B" else f"std::{'rc' if typed[0] == 'R' else 'sync'}::{typed[:-6]}::new(value)"
            call = _safe(f"{on}.{block.name}({guessed_args('rust', params)}){aw}", unsafe)
            body += implied if implied else _shown(call, returns, crate, owner, generics)
        else:
            call = _safe(f"{owner}::{block.name}({guessed_args('rust', params)}){aw}", unsafe)
            body = setup + _shown(call, returns, crate, owner, generics)
    else:
        body = setup + _shown(_safe(f"{block.name}({guessed_args('rust', params)}){aw}", unsafe), returns, crate,
                              owner, generics)
    if returns is None and block.kind != "class":  # nothing returned: what it wrote into its buffers
        body += [f'println!("{{:?}}", {p.name});' for p in params if p.value == f"&mut {p.name}" and
                 _buffer(p, p.type.replace(" ", ""), "", params) != f"let mut {p.name} = Default::default();"]
    std = crate is not None and crate.no_std()
    wanted = ", ".join(f'"{f}"' for f in g.needs_features)
    if inside:
        trait = place.trait_inside if place is not None and not implied else None
        code = module_example(g, body, is_async, [f"use {trait};"] if trait else [], std)
        return (f"// Compiled only with the crate's feature{'s' if len(g.needs_features) > 1 else ''} "
                f"{wanted} (cargo test --features {','.join(g.needs_features)}).\n" if wanted else "") + code
    uses = [f"// Needs the crate's feature{'s' if len(g.needs_features) > 1 else ''} {wanted}: "
            f"`features = [{wanted}]` on its dependency in Cargo.toml."] if wanted else []
    uses += [g.import_line] if g.import_line else []
    if place is not None and place.trait and not implied:  # a trait's method is called with the trait in scope
        uses.append(f"use {place.trait};")
    head = uses + [""] if uses else []
    main = ["#[tokio::main]", "async fn main() {"] if is_async else ["fn main() {"]
    return "\n".join(head + main + [f"    {l}" for l in body] + ["}"]) + "\n"


def _safe(call: str, unsafe: bool) -> str:
    """An `unsafe fn` is called in an `unsafe` block (its caller answers for the contract its docs state)."""
    return f"unsafe {{ {call} }}" if unsafe else call


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


def printable(node: Node | None, crate: Crate | None, owner: str | None,
              generics: dict[str, tuple[str, str] | None] | None = None) -> bool:
    """A value of this type can be printed with `{:?}`: a primitive, a string, a tuple, array or slice of
    printable values, a standard container of them (Vec, Option, Result, Box ...), a crate type that derives
    or implements Debug. Not a generic parameter, an `impl Trait` or a type the crate does not show Debug for."""
    if node is None:
        return True  # `()`
    t = node.type
    if t in ("primitive_type", "unit_type", "never_type"):
        return True
    if t in ("reference_type", "pointer_type"):
        return printable(node.child_by_field_name("type"), crate, owner, generics)
    if t in ("array_type", "slice_type"):
        return printable(node.child_by_field_name("element") or node.named_children[0], crate, owner, generics)
    if t == "tuple_type":
        return all(printable(c, crate, owner, generics) for c in node.named_children)
    segs = type_segments(node)
    if not segs:
        return False
    if generics and segs[0] in generics:  # a generic parameter the example chose (or its element, `A::Item`)
        chosen = generics[segs[0]]
        return chosen is not None and (len(segs) > 1 or chosen[0] in _PRINTABLE_CHOICES)
    name = owner if segs[-1] == "Self" and owner else segs[-1]
    if crate is not None and name in crate.shapes:
        return "Debug" in crate.traits.get(name, set())
    if name not in _STD_PRINTABLE:
        return False
    args = node.child_by_field_name("type_arguments") if node.type == "generic_type" else None
    return all(printable(a, crate, owner, generics) for a in (args.named_children if args is not None else ())
               if a.type not in ("lifetime", "type_binding"))


_PRINTABLE_CHOICES = {"i32", "&'static str", "&'static [u8]", "Vec<u8>", "Vec<i32>", "[i32; 4]", "4",
                      "std::vec::IntoIter<i32>", "std::fmt::Error"}


def _shown(call: str, returns: Node | None, crate: Crate | None, owner: str | None,
           generics: dict[str, tuple[str, str] | None] | None = None) -> list[str]:
    """The call, then its result printed where its type can be (`{:?}`); an Option's or a Result's whether
    it holds a value, a Display type with `{}`; otherwise the result is bound without printing."""
    if returns is None:
        return [f"{call};"]
    if printable(returns, crate, owner, generics):
        return [f"let result = {call};", 'println!("{:?}", result);']
    segs = type_segments(returns) or ("",)
    if segs[-1] in ("Option", "Result"):
        test = "is_some" if segs[-1] == "Option" else "is_ok"
        return [f"let result = {call};", f'println!("{{}}", result.{test}());']
    name = owner if segs[-1] == "Self" and owner else segs[-1]
    if crate is not None and "Display" in crate.traits.get(name, set()):
        return [f"let result = {call};", 'println!("{}", result);']
    return [f"let _result = {call};"]


def receiver(made: Values, owner: str, impl: Node | None = None) -> tuple[list[str], str]:
    """(statements first, an expression) that makes a value of the method's type (`construct`, its generic
    parameters given types their bounds in the `impl` allow); a type the crate has no way to make (or
    another crate's): `Owner::default()`."""
    return construct(made, owner, impl) or ([], f"{owner}::default()")


# --- generic parameters: a type (and a value) their bounds allow -------------------------------------------------
_ITER = ("std::vec::IntoIter<i32>", "vec![1, 2, 3].into_iter()")
_TEXT = ("&'static str", '"example"')
_BY_BOUND = {"Iterator": _ITER, "DoubleEndedIterator": _ITER, "ExactSizeIterator": _ITER, "FusedIterator": _ITER,
             "IntoIterator": ("Vec<i32>", "vec![1, 2, 3]"), "Read": ("&'static [u8]", '&b"example"[..]'),
             "BufRead": ("&'static [u8]", '&b"example"[..]'), "Write": ("Vec<u8>", "Vec::new()"),
             "Seek": ("std::io::Cursor<Vec<u8>>", 'std::io::Cursor::new(b"example".to_vec())'),
             "AsRef": _TEXT, "Display": _TEXT, "ToString": _TEXT, "Into": _TEXT, "Borrow": _TEXT,
             "Error": ("std::fmt::Error", "std::fmt::Error"),
             "Hasher": ("std::collections::hash_map::DefaultHasher",
                        "std::collections::hash_map::DefaultHasher::new()"),
             "BuildHasher": ("std::collections::hash_map::RandomState",
                             "std::collections::hash_map::RandomState::new()")}
_MARKERS = {"Clone", "Copy", "Debug", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default", "Send", "Sync",
            "Sized", "Unpin", "RefUnwindSafe", "UnwindSafe", ""}


def choose(bounds: str, made: Values) -> tuple[str, str] | None:
    """(a type, a value of it) that meets a generic parameter's bounds: for a standard trait a standard type
    (an Iterator: a vector's iterator of i32; Read: a byte slice; Write: a Vec<u8>), for the crate's trait a
    type of the crate that implements it (its array impl: `[i32; 4]`), for markers only (Clone, Debug ...)
    an i32; a closure for an Fn bound (its type is written `_`). None when nothing known meets them."""
    names = []
    for bound in split_top_level(bounds.replace("+", ",")) if bounds.strip() else []:
        bound = bound.strip()
        if bound.startswith(("?", "'")) or not bound:
            continue
        head = re.match(r"(?:(?:dyn|impl)\s+)?((?:\w+::)*)(\w+)", bound)
        if head:
            names.append((head.group(2), bound))
    for name, bound in names:
        if name in ("Fn", "FnMut", "FnOnce"):
            closure = _typed(GenericParam("f", ""), f"impl{bound}".replace(" ", ""))
            return ("_", closure) if closure else None
        if name in _BY_BOUND:
            return _BY_BOUND[name]
        if name == "AsMut":
            return ("String", "String::new()") if re.search(r"\b(String|str)\b", bound) else ("Vec<u8>", "Vec::new()")
        if name == "RangeBounds":
            return "std::ops::RangeFull", ".."
        crate = made.crate
        if crate is None or name in _MARKERS:
            continue
        if name in crate.arrays:  # `A: Array<Item = u8>` is a `[u8; 4]`
            item = re.search(r"\bItem\s*=\s*(\w+)", bound)
            element = item.group(1) if item and item.group(1) in _ZEROS else "i32"
            return f"[{element}; 4]", f"[{_ZEROS[element]}; 4]"
        if name in crate.blanket:
            return "i32", "1i32"
        for owner in crate.implementors(name):
            shape = crate.shapes.get(owner)
            if shape is not None and shape.child_by_field_name("type_parameters") is not None:
                continue
            if shape is None:  # a standard type the crate implements its trait for (`String`)
                value = _typed(GenericParam("x", owner), owner) or guess("rust", GenericParam("x", owner))
                if "Default::default()" not in value:
                    return owner, value
                continue
            built = construct(Values(crate, made.inside, made.module, made.depth + 1, made.imported), owner)
            if built is not None and not built[0]:
                return "_", built[1]
        return None
    return "i32", "1i32"


def impl_generics(made: Values, impl: Node | None, also: Node | None = None) -> dict[str, tuple[str, str] | None]:
    """{an `impl`'s (or a function's) generic type parameter: (type, value) its bounds allow (None: none
    known)}; a parameter's bounds see the types chosen for those before it (`G: FnMut(Acc) -> Acc`)."""
    params = impl.child_by_field_name("type_parameters") if impl is not None else None
    if params is None:
        return {}
    bounds = type_bounds(impl)
    for name, more in type_bounds(also).items():  # a method's `where L: IntoIterator` on its impl's `L`
        bounds[name] = " + ".join(b for b in (bounds.get(name), more) if b)
    out: dict[str, tuple[str, str] | None] = {}
    for param in params.named_children:
        if param.type in ("type_parameter", "constrained_type_parameter"):
            name = text_of(param.child_by_field_name("name") or param.named_children[0])
            out[name] = choose(_substituted(bounds.get(name, ""), out), made)
        elif param.type == "const_parameter":
            out[text_of(param.child_by_field_name("name"))] = ("4", "4")
    return out


def _substituted(written: str, generics: dict[str, tuple[str, str] | None]) -> str:
    """A parameter's type with the `impl`'s generic parameters replaced by their chosen types (an associated
    type of one, `A::Item`, is the i32 their elements are)."""
    def element(m: re.Match) -> str:
        chosen = generics.get(m.group(1))
        if m.group(1) not in generics:
            return m.group(0)
        inner = re.fullmatch(r"\[(\w+);.*\]|.*<(\w+)>", chosen[0]) if chosen else None
        return (inner.group(1) or inner.group(2)) if inner else "i32"

    out = re.sub(r"<\s*(\w+)\s+as\s+[\w:]+(<[^<>]*>)?\s*>::\w+", element, written)
    out = re.sub(r"\b(\w+)::\w+\b", element, out)
    return re.sub(r"\b(\w+)\b", lambda m: generics[m.group(1)][0] if generics.get(m.group(1)) and
                  generics[m.group(1)][0] != "_" else m.group(0), out)


def generic_values(params: list[GenericParam], generics: dict[str, tuple[str, str] | None]) -> list[str]:
    """Values for parameters of the `impl`'s generic types (`reader: R`, `engine: &E`) and the types of the
    others with those parameters replaced; the statements a `&mut` one needs first."""
    setup = []
    for p in params:
        m = re.fullmatch(r"(&\s*('\w+\s+)?(mut\s+)?)?(\w+)", p.type.strip())
        chosen = generics.get(m.group(4)) if m else None
        if chosen is not None:
            if m.group(3):
                setup.append(f"let mut {p.name} = {chosen[1]};")
                p.value = f"&mut {p.name}"
            else:
                p.value = ("&" if m.group(1) else "") + chosen[1]
        elif generics:
            p.type = _substituted(p.type, generics)
    return setup


def turbofish(impl: Node | None, generics: dict[str, tuple[str, str] | None]) -> str:
    """`::<[i32; 4]>` for an `impl`'s type `SmallVec<A>` (its arguments, lifetimes left out, each generic
    parameter as its chosen type, `_` where only a value was chosen); "" without type arguments."""
    written = impl.child_by_field_name("type") if impl is not None else None
    while written is not None and written.type == "reference_type":
        written = written.child_by_field_name("type")
    args = written.child_by_field_name("type_arguments") if written is not None and \
        written.type == "generic_type" else None
    if args is None:
        return ""
    shown = []
    for arg in args.named_children:
        if arg.type == "lifetime":
            continue
        name = text_of(arg)
        if name in generics:
            shown.append(generics[name][0] if generics[name] else "_")
        else:
            shown.append(_substituted(name, generics))
    return f"::<{', '.join(shown)}>" if shown else ""


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


@dataclass
class Values:
    """Where an example's values are made: the crate (its constructors and constants), whether the example
    is inside it (a test module in `module`) or outside, and how deep a constructor's own arguments are."""
    crate: Crate | None = None
    inside: bool = False
    module: tuple[str, ...] = ()
    depth: int = 0
    imported: frozenset[str] = frozenset()  # the crate's names the example's `use` line brings in

    def named(self, owner: str) -> str | None:
        """How the example writes the crate's type: by its name inside the crate or where imported, else by
        its public path; None when code outside the crate cannot name it."""
        crate = self.crate
        if crate is None or owner not in crate.shape_at or owner in self.imported:
            return owner
        if self.inside:  # by its path in the crate where it is another module's
            module = crate.shape_at[owner]
            if module == self.module:
                return owner
            return "::".join(("crate", *module, owner)) if visible(crate, self.module, module, owner) else None
        reach = crate.reach(crate.shape_at[owner], owner)
        return reach.path if reach is not None and not reach.features else None


def fill_rust_values(params: list[GenericParam], name: str, node: Node | None, doc: str, code: str,
                     made: Values | None = None) -> list[str]:
    """Give each parameter a value of its type (p.value) and answer the statements the call needs first (a
    buffer for a `&mut [u8]`, a value of the crate's own type made by its constructor)."""
    bounds = type_bounds(node)
    for p in params:
        p.type = re.sub(r"'\w+\s*(?=[\w\[(&*])|<'\w+>|'\w+\s*,\s*", "", p.type)  # lifetimes: `&'a [u8]` is a `&[u8]`
        if p.type in bounds:
            p.type = f"impl {bounds[p.type]}"
    from_doc = doc_call_args(name, doc) or []
    setup: list[str] = []
    for i, p in enumerate(params):
        t = p.type.replace(" ", "")
        shown = from_doc[i] if i < len(from_doc) else ""
        if t.startswith("&mut") and not t.startswith("&mutimpl") and not t.startswith("&mutdyn"):
            setup.append(_buffer(p, t, doc, params, made))
            p.value = f"&mut {p.name}"
        elif _LITERAL.match(shown):
            p.value = shown
        else:
            p.value = matched_literal(p.name, code) or _typed(p, t) or p.value
            if p.value is None and made is not None and made.crate is not None:
                built = _crate_value(made, p.type)
                if built is not None:
                    setup += built[0]
                    p.value = built[1]
    return [s for s in setup if s]


def _crate_value(made: Values, written: str) -> tuple[list[str], str] | None:
    """A value of one of the crate's types (`&Config`, `Version`) from what the crate has to make one."""
    m = re.fullmatch(r"(&\s*('\w+\s+)?)?((\w+::)*)(\w+)(<.*>)?", written.strip())
    if m is None or made.crate is None or made.depth > 1 or m.group(5) not in made.crate.shapes:
        return None
    built = construct(made, m.group(5))
    if built is None:
        return None
    return built[0], ("&" if m.group(1) else "") + built[1]


def visible(crate: Crate, where: tuple[str, ...], module: tuple[str, ...], name: str) -> bool:
    """Code in module `where` can name the item `name` of `module` by its path from the crate's root: each
    module on the path is `pub` or declared in an ancestor of `where` (or `where` itself), and so is the item."""
    for i in range(len(module)):
        decl = crate.modules.get(module[:i])
        pub = decl is not None and decl.children.get(module[i], (False, ()))[0]
        if not pub and where[:i] != module[:i]:
            return False
    found = crate.modules.get(module)
    item = found.items.get(name, (False, ())) if found is not None else (False, ())
    return item[0] or (found is not None and name in found.restricted) or where[:len(module)] == module


def construct(made: Values, owner: str, impl: Node | None = None,
              also: Node | None = None) -> tuple[list[str], str] | None:
    """(statements first, an expression) making a value of the crate's type `owner`: its argument-less `new`
    (or another argument-less constructor), its Default, one of the crate's constants of the type, a
    constructor given values of its parameters' types (`.unwrap()` on a Result or Option), a unit struct,
    an enum's unit variant or one holding a single value. A generic type's arguments are chosen from the
    bounds of the `impl` (the method's, else the constructor's) and written as a turbofish; None when the
    crate has none of these."""
    crate = made.crate
    shown = made.named(owner)
    if crate is None or shown is None:
        return None
    fixed = turbofish(impl, impl_generics(made, impl, also)) if impl is not None else None
    fns = [f for f in crate.functions.get(owner, [])
           if not f.has_self and (f.public or made.inside) and _makes(f.returns, owner)]
    fns.sort(key=lambda f: (f.name != "new", f.name))
    found = [(f, crate.definition(f)) for f in fns]
    found = [(f, w) for f, w in found if w is not None and w[1].child_by_field_name("type_parameters") is None]
    for fn, (fsrc, fnode) in found:
        if not [p for p in generic_params(fnode) if p.name != "self"]:
            tf = fixed if fixed is not None else turbofish(impl_of(fnode), impl_generics(made, impl_of(fnode)))
            return [], f"{shown}{tf}::{fn.name}(){_unwrap(fn.returns, owner)}"
    if "Default" in crate.traits.get(owner, set()) and not fixed:
        return [], f"{shown}::default()"
    for module, name in crate.constants.get(owner, []):
        if made.inside and visible(crate, made.module, module, name):
            return [], "::".join(("crate", *module, name))
        reach = crate.reach(module, name) if not made.inside else None
        if reach is not None and not reach.features:
            return [], reach.path
    for fn, (fsrc, fnode) in found:
        generics = impl_generics(made, impl_of(fnode))
        params = [p for p in generic_params(fnode) if p.name != "self"]
        inner = Values(crate, made.inside, made.module, made.depth + 1, made.imported)
        setup = generic_values(params, generics)
        setup += fill_rust_values([p for p in params if p.value is None], fn.name, fnode,
                                  doc_code(fsrc, fnode), text_of(fnode), inner)
        if any(re.search(r"\bDefault::default\(\)", guess("rust", p)) for p in params):
            continue
        tf = fixed if fixed is not None else ""
        return setup, f"{shown}{tf}::{fn.name}({guessed_args('rust', params)}){_unwrap(fn.returns, owner)}"
    shape = crate.shapes.get(owner)
    if shape is not None and shape.type == "struct_item" and shape.child_by_field_name("body") is None:
        return [], shown
    if shape is not None and shape.type == "enum_item":
        built = _variant(made, owner, shape, impl, fixed or "", shown, also)
        if built is not None:
            return built
    return _from_another(made, owner)


def _from_another(made: Values, owner: str) -> tuple[list[str], str] | None:
    """A value of a type the crate makes only from another of its types (an iterator, a drain, a view):
    that type's value, bound first, then its method that returns one (`source.drain(..)`)."""
    crate = made.crate
    if crate is None or made.depth > 1 or owner not in crate.shapes:
        return None
    for other, fns in sorted(crate.functions.items()):
        for fn in fns:
            if other == owner or not fn.has_self or not (fn.public or made.inside) or \
                    not re.search(rf"\b{re.escape(owner)}\b", fn.returns) or not _makes(fn.returns, owner):
                continue  # (`-> Self` is the other type)
            where = crate.definition(fn)
            if where is None:
                continue
            fsrc, fnode = where
            deeper = Values(crate, made.inside, made.module, made.depth + 1, made.imported)
            source = construct(deeper, other, impl_of(fnode), fnode)
            if source is None:
                continue
            generics = impl_generics(deeper, impl_of(fnode), fnode)
            generics.update(impl_generics(deeper, fnode))
            params = [p for p in generic_params(fnode) if p.name != "self"]
            setup = generic_values(params, generics)
            setup += fill_rust_values([p for p in params if p.value is None], fn.name, fnode, doc_code(fsrc, fnode),
                                      text_of(fnode), deeper)
            if any("Default::default()" in guess("rust", p) for p in params):
                continue
            name = "source" if made.depth == 0 else f"source{made.depth + 1}"
            return source[0] + setup + [f"let mut {name} = {source[1]};"], \
                f"{name}.{fn.name}({guessed_args('rust', params)}){_unwrap(fn.returns, owner)}"
    return None


def _variant(made: Values, owner: str, shape: Node, impl: Node | None, tf: str,
             shown: str, also: Node | None = None) -> tuple[list[str], str] | None:
    """An enum's value: its first unit variant, else its first variant holding one value of a type the
    `impl`'s bounds (or the type's) give a value for."""
    body = shape.child_by_field_name("body")
    variants = [v for v in (body.named_children if body is not None else ()) if v.type == "enum_variant"]
    unit = next((v for v in variants if v.child_by_field_name("body") is None), None)
    if unit is not None:
        return [], f"{shown}{tf}::{text_of(unit.child_by_field_name('name'))}"
    # the enum's own parameter names, given the `impl`'s choices position by position
    own = shape.child_by_field_name("type_parameters")
    names = [text_of(p.child_by_field_name("name") or p.named_children[0]) for p in
             (own.named_children if own is not None else ()) if p.type in ("type_parameter",
                                                                            "constrained_type_parameter")]
    chosen = impl_generics(made, impl, also) if impl is not None else {}
    written = impl.child_by_field_name("type") if impl is not None else None
    args = written.child_by_field_name("type_arguments") if written is not None and \
        written.type == "generic_type" else None
    given = [text_of(a) for a in (args.named_children if args is not None else ()) if a.type != "lifetime"]
    values = {n: chosen.get(g) if g in chosen else ("i32", "1i32") for n, g in zip(names, given)} if given else \
        {n: ("i32", "1i32") for n in names}
    for v in variants:
        fields = v.child_by_field_name("body")
        if fields is None or fields.type != "ordered_field_declaration_list":
            continue
        types = [c for c in fields.named_children if c.type not in ("attribute_item", "visibility_modifier")]
        if len(types) != 1:
            continue
        t = text_of(types[0])
        value = values.get(t)[1] if values.get(t) else _typed(GenericParam("x", t), t.replace(" ", ""))
        if value is None and t not in values:
            value = guess("rust", GenericParam("x", t))
        if value is not None and "Default::default()" not in value:
            if not tf and names:
                tf = "::<" + ", ".join(values[n][0] if values.get(n) else "_" for n in names) + ">"
            return [], f"{shown}{tf}::{text_of(v.child_by_field_name('name'))}({value})"
    return None


def _buffer(p: GenericParam, t: str, doc: str, params: list[GenericParam], made: Values | None = None) -> str:
    if t in ("&mut[u8]", "&mut[u8;N]") or re.fullmatch(r"&mut\[u8;\w+\]", t):
        size = re.search(r"\[0(?:u8)?\s*;\s*(\d+)\s*\]", doc)
        given = next((v for v in (guess("rust", q) for q in params if q is not p) if re.match(r'^b?"', v)), None)
        n = size.group(1) if size else str(len(given.split('"')[1])) if given else str(DEFAULT_BUFFER)
        return f"let mut {p.name} = [0u8; {n}];"
    if t.startswith("&mutVec<"):
        return f"let mut {p.name} = Vec::new();"
    if t == "&mutString":
        return f"let mut {p.name} = String::new();"
    array = re.fullmatch(r"&mut\[(\w+);(\w+)\]", t)
    if array and array.group(1) in _ZEROS:
        return f"let mut {p.name} = [{_ZEROS[array.group(1)]}; {array.group(2)}];"
    built = _crate_value(made, t[4:]) if made is not None else None
    if built is not None and not built[0]:
        return f"let mut {p.name} = {built[1]};"
    return f"let mut {p.name} = Default::default();"


_ZEROS = {**{t: f"0{t}" for t in ("u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
                                  "isize")}, "f32": "0.0f32", "f64": "0.0f64", "bool": "false", "char": "' '"}
_NONZERO = re.compile(r"((core|std)::num::)?(NonZero(U|I)(8|16|32|64|128|size)|NonZero<([iu](8|16|32|64|128|size))>)")


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
    array = re.fullmatch(r"(&?)\[(\w+);(\w+)\]", t)
    if array and array.group(2) in _ZEROS:  # `Default` stops at 32 elements: a repeat expression does not
        return f"{array.group(1)}[{_ZEROS[array.group(2)]}; {array.group(3)}]"
    nonzero = _NONZERO.fullmatch(t.lstrip("&"))
    if nonzero:
        kind = nonzero.group(6) or (nonzero.group(4).lower() + nonzero.group(5))
        return f"{'&' if t.startswith('&') else ''}std::num::NonZero{kind[0].upper()}{kind[1:]}::new(1).unwrap()"
    if re.fullmatch(r"((core|std)::ptr::)?NonNull<(\w+)>", t):
        return f"std::ptr::NonNull::<{t.split('<')[1][:-1]}>::dangling()"
    closure = re.fullmatch(r"impl(FnMut|Fn|FnOnce)\((.*?)\)(->(.+))?", t)
    if closure:
        args = ", ".join("_" for a in split_top_level(closure.group(2)) if a.strip()) if closure.group(2) else ""
        back = closure.group(4) or ""
        result = {"bool": "true", "": "{}", "Ordering": "std::cmp::Ordering::Equal",
                  "core::cmp::Ordering": "std::cmp::Ordering::Equal"}.get(back, _ZEROS.get(back))
        return f"|{args}| {result}" if result is not None else None
    return None
