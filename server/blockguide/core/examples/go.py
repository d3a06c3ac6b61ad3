"""The usage example of a Go block, built from its signature."""

from __future__ import annotations

import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, guess
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


_GO_BUILTIN = {"string", "bool", "byte", "rune", "error", "any", "uintptr", "float32", "float64", "complex64",
               "complex128"}


# Standard packages whose names an example's values may spell (`reflect.ValueOf(3)`): imported when used, by
# their import path.
_STANDARD = {"bytes": "bytes", "context": "context", "errors": "errors", "io": "io", "os": "os", "reflect": "reflect",
             "sort": "sort", "strconv": "strconv", "strings": "strings", "time": "time", "unicode": "unicode",
             "net": "net", "http": "net/http", "url": "net/url", "json": "encoding/json", "regexp": "regexp",
             "filepath": "path/filepath", "fs": "io/fs", "sync": "sync", "math": "math", "utf8": "unicode/utf8",
             "httptest": "net/http/httptest"}
# Values of standard types that are no struct (a composite literal of them does not compile).
_STANDARD_VALUES = {"time.Duration": "time.Second", "reflect.Kind": "reflect.String", "io.Writer": "os.Stdout",
                    "net.IP": 'net.ParseIP("127.0.0.1")', "time.Time": "time.Now()", "fs.FileMode": "0o644",
                    "os.FileMode": "0o644", "reflect.Type": 'reflect.TypeOf("")', "reflect.Value": 'reflect.ValueOf("")',
                    # pointers the standard library makes: a request, a response recorder, a URL, buffers
                    "*http.Request": 'httptest.NewRequest("GET", "https://example.com/path?q=1", nil)',
                    "http.ResponseWriter": "httptest.NewRecorder()", "*url.URL": '&url.URL{Scheme: "https", '
                    'Host: "example.com", Path: "/path"}', "*bytes.Buffer": 'bytes.NewBufferString("Hello, World")',
                    "*strings.Builder": "new(strings.Builder)", "*strings.Reader": 'strings.NewReader("Hello, World")',
                    # interfaces (a composite literal of one does not compile): the standard library's own
                    "fs.FS": 'os.DirFS(".")', "http.Handler": "http.NotFoundHandler()"}
_NUMERIC = re.compile(r"u?int\d*|float\d+|byte|rune|uintptr")


def package_types(sources: list[str]) -> dict[str, str]:
    """The underlying type of each named type the package's `sources` declare (`type Kind int` -> "int"; a
    function type whole, `type Visit func(n *Node) error` -> "func(n *Node) error"; "interface{}" for an empty
    interface, "interface" and "struct" for the others)."""
    found: dict[str, str] = {}
    for text in sources:
        # (type parameters name a type: `Set[T comparable]`, not `[]string` nor `[4]int`)
        for m in re.finditer(r"^\s*type\s+([A-Za-z_]\w*)\s*(?:\[\s*[A-Za-z_]\w*\s+[^\]]+\]\s*)?(=\s*)?([^\n]*)",
                             text, re.M):
            rest = m.group(3).split("//")[0].strip()
            if rest.startswith("func") and rest.count("(") == rest.count(")"):
                underlying = re.sub(r"\s*\{\s*$", "", rest)
            elif re.fullmatch(r"interface\s*\{\s*\}", rest):
                underlying = "interface{}"
            else:
                underlying = re.match(r"[^\s{(]*", rest).group(0)
            found.setdefault(m.group(1), underlying)
    return found


def _func_literal(signature: str, prefix: str) -> str | None:
    """A function value of the type `signature` (`func(n *Node) error`) that does nothing: its parameters
    unnamed, the package's own types qualified with `prefix`, and a zero result; None for results other than
    one nil-able, number, string or bool."""
    m = re.fullmatch(r"func\s*\((.*?)\)\s*(.*)", signature)
    if m is None:
        return None
    result = m.group(2).strip()
    if result.startswith("(") and "," in result:
        return None
    result = result.strip("()").strip()
    result = result.split()[-1] if result and len(result.split()) == 2 else result  # (err error) -> error

    def qualify(text: str) -> str:
        return re.sub(r"(?<![\w.])([A-Z]\w*)(?![\w.(])", lambda t: prefix + t.group(1), text) if prefix else text

    zero = "" if not result else "return nil" if result == "error" or result.startswith(("*", "[]", "map[", "func",
        "chan", "interface")) else "return 0" if _NUMERIC.fullmatch(result) else 'return ""' if result == "string" \
        else "return false" if result == "bool" else None
    if zero is None:
        return None
    return f"func({qualify(m.group(1))}) {qualify(result)} {{ {zero} }}".replace(")  {", ") {").replace("{  }", "{}")


def package_sources(folder: Path | None) -> list[str]:
    """The texts of a package's .go files, its tests left out (none without a folder or when it cannot be read)."""
    try:
        files = sorted(folder.glob("*.go")) if folder is not None else []
    except OSError:
        return []
    texts = []
    for file in files:
        if file.name.endswith("_test.go"):
            continue
        try:
            texts.append(file.read_text("utf-8", "replace"))
        except OSError:
            continue
    return texts


_CONSTRUCTOR = re.compile(r"^func\s+([Nn]ew\w*)\s*\(([^()]*)\)\s*(\*?)([A-Za-z_]\w*)\s*\{", re.M)


def package_constructors(sources: list[str]) -> dict[tuple[str, bool], tuple[str, list[GenericParam]]]:
    """The package's own constructor of each of its types, by (type, pointer): a function `NewT(...)` (or
    `New(...)`, or `newT(...)` for an example inside the package) whose one result is `*T` or `T`, with its
    parameters, fewest first."""
    found: dict[tuple[str, bool], tuple[str, list[GenericParam]]] = {}
    for text in sources:
        for m in _CONSTRUCTOR.finditer(text):
            params = _go_params(m.group(2))
            key = (m.group(4), bool(m.group(3)))
            if params is not None and (key not in found or len(params) < len(found[key][1])):
                found[key] = (m.group(1), params)
    return found


def _go_params(text: str) -> list[GenericParam] | None:
    """`a, b string, n int` as parameters; None for a variadic or unnamed list (left to the struct literal)."""
    out: list[GenericParam] = []
    pending: list[str] = []
    for part in (x.strip() for x in text.split(",") if x.strip()):
        bits = part.split(None, 1)
        if len(bits) == 1:
            pending.append(bits[0])
            continue
        if bits[1].startswith("..."):
            return None
        out += [GenericParam(n, bits[1]) for n in pending + [bits[0]]]
        pending = []
    return None if pending else out


def go_value(p: GenericParam, prefix: str, types: dict[str, str] | None = None,
             makers: dict[tuple[str, bool], tuple[str, list[GenericParam]]] | None = None) -> str:
    """A value of the parameter's type a reader can pass: the block's own literal first, then one the type
    admits that is not nil: an error made with fmt.Errorf, a filled slice, an empty map, a struct of the
    package (`&pkg.Options{}`), a context, a reader over a string; nil only for what nothing here can make
    (a function type, another package's pointer)."""
    if p.value is not None:
        return p.value
    t = p.type.replace(" ", "")
    if t == "error":
        return 'fmt.Errorf("something failed")'
    if t in ("interface{}", "any"):
        return '"value"'
    if t == "context.Context":
        return "context.Background()"
    if t == "io.Reader":
        return 'strings.NewReader("Hello, World")'
    if t in ("[]string", "...string"):
        return '[]string{"a", "b"}'
    if re.fullmatch(r"(\[\]|\.\.\.)(u?int\d*|float\d+)", t):
        return f"[]{t.lstrip('[].')}{{1, 2, 3}}"
    if t.startswith("map["):
        return f"{t}{{}}"
    if t in _STANDARD_VALUES:
        return _STANDARD_VALUES[t]
    pointee = t[1:] if t.startswith("*") else ""
    if pointee in _GO_BUILTIN - {"error", "any"} or _NUMERIC.fullmatch(pointee):
        return f"new({pointee})"  # a pointer the block writes through (`p *uint32`): a real one, never nil
    if pointee.startswith(("[]", "map[")):  # `p *[]string`: the address of a filled one
        inner = go_value(GenericParam(p.name, pointee), prefix, types)
        if inner.endswith("}"):
            return f"&{inner}"
    named = re.fullmatch(r"(\*?)([A-Za-z_]\w*)", t)
    underlying = (types or {}).get(named.group(2), "") if named else ""
    if named and not named.group(1) and underlying == "interface{}":
        return '"value"'  # an empty interface of the package holds anything
    if named and not named.group(1) and underlying.startswith("func"):
        made = _func_literal(underlying, prefix if named.group(2)[:1].isupper() else "")
        if made is not None:
            return made
    if named and not named.group(1) and (_NUMERIC.fullmatch(underlying) or underlying == "string"):
        # a named number or string: a conversion of a value of it (a composite literal of it does not compile)
        qualified = prefix if named.group(2)[:1].isupper() else ""
        value = '"example"' if underlying == "string" else "1"
        return f"{qualified}{named.group(2)}({value})"
    made = (makers or {}).get((named.group(2), bool(named.group(1)))) if named else None
    if made is not None and prefix and made[0][:1].islower():
        made = None  # an unexported constructor is reached only from inside the package
    if made is not None:  # the package's own constructor, its arguments by their types (one level: no makers)
        args = [go_value(a, prefix, types) for a in made[1]]
        if "nil" not in args:
            return f"{prefix}{made[0]}({', '.join(args)})"
    if named and named.group(2) not in _GO_BUILTIN and not re.fullmatch(r"u?int\d*|float\d+", named.group(2)):
        qualified = prefix if named.group(2)[:1].isupper() else ""
        return f"{'&' if named.group(1) else ''}{qualified}{named.group(2)}{{}}"
    return guess("go", p)


def go_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    block = g.block
    package = re.search(r"^\s*package\s+(\w+)", src.text, re.M)
    pkg = package.group(1) if package else "main"
    receiver = node.child_by_field_name("receiver") if node is not None and node.type == "method_declaration" \
        else None
    rtype = re.sub(r"^\(?\s*\w*\s*", "", text_of(receiver).strip("()")).strip() if receiver is not None else ""
    # a name the example must spell from the package that is unexported (the block's, its receiver's type, a
    # parameter's type of the package) is reached only from inside the package
    spelled = [block.name, re.sub(r"\[.*", "", rtype.lstrip("*"))] + \
        [m.group(2) for p in params if p.value is None for m in [re.fullmatch(r"(\*?)([A-Za-z_]\w*)", p.type.replace(" ", ""))]
         if m and m.group(2) not in _GO_BUILTIN and not re.fullmatch(r"u?int\d*|float\d+", m.group(2))]
    qualified = bool(g.import_line) and all(n[:1].isupper() for n in spelled if n)
    prefix = f"{pkg}." if qualified else ""
    imports = ['"fmt"'] + ([f'"{g.module}"'] if qualified else [])
    folder = (Path(g.root) / g.path).parent if g.root and g.path else None
    sources = package_sources(folder)  # read once for both
    types, makers = package_types(sources), package_constructors(sources)
    args = ", ".join(go_value(p, prefix, types, makers) for p in params)
    results = 0
    if node is not None:
        result = node.child_by_field_name("result")
        if result is not None:
            # (path, data string, err error): one declaration may name several results
            results = sum(max(1, len(d.children_by_field_name("name"))) for d in result.named_children
                          if d.type == "parameter_declaration") if result.type == "parameter_list" else 1
    body: list[str] = []
    if block.kind == "class":
        body = [f"var value {prefix}{block.name}", 'fmt.Printf("%+v\\n", value)']
    else:
        call = f"{prefix}{block.name}({args})"
        if receiver is not None:
            base = rtype.lstrip("*")
            made = go_value(GenericParam("value", rtype), prefix, types, makers)
            underlying = types.get(re.sub(r"\[.*", "", base), "")
            if re.match(rf"{re.escape(prefix)}[Nn]ew\w*\(", made):  # the package's own constructor makes it
                body.append(f"value := {made}")
            elif _NUMERIC.fullmatch(underlying) or underlying == "string":  # a named number or string: converted
                converted = go_value(GenericParam("value", base), prefix, types)
                body += [f"v := {converted}", "value := &v"] if rtype.startswith("*") else [f"value := {converted}"]
            else:
                body.append(f"value := &{prefix}{base}{{}}" if rtype.startswith("*") else f"var value {prefix}{base}")
            call = f"value.{block.name}({args})"
        if results == 0:
            body.append(call)
        else:
            names = ["result"] if results == 1 else [f"r{i}" for i in range(results - 1)] + ["err"]
            body.append(f"{', '.join(names)} := {call}")
            body.append(f"fmt.Println({', '.join(names)})")
    if not any("fmt." in line for line in body):
        imports.remove('"fmt"')
    used = {m.group(1) for line in body for m in re.finditer(r"(?<![\w.])([a-z]\w*)\.[A-Z]", line)}
    imports[len(imports) - bool(qualified):len(imports) - bool(qualified)] = \
        [f'"{path}"' for name, path in sorted(_STANDARD.items()) if name in used and name != pkg and
         f'"{path}"' not in imports]
    head = [f"import {imports[0]}"] if len(imports) == 1 else ["import ("] + [f"\t{i}" for i in imports] + [")"]
    head = [*head, ""] if imports else []
    if not qualified:  # a file of the block's own package: the only place an unexported name is reached from
        why = (f"`{block.name}` is not exported" if not block.name[:1].isupper() else
               f"no go.mod names package {pkg}'s import path")
        lines = [f"package {pkg}", "", f"// {why}: this file belongs to package {pkg} (put it in the package's "
                 f"folder).", "", *head, f"func exampleUse{block.name[:1].upper()}{block.name[1:]}() {{"]
    else:
        lines = ["package main", "", *head, "func main() {"]
    lines += [f"\t{l}" for l in body] + ["}"]
    return "\n".join(lines) + "\n"
