"""The usage example of a C or C++ block, built from its signature: a program a reader could copy.

A static function's example runs inside the file that defines it (the checks compile it there). In a CPython
extension (a file that includes `Python.h`) an object parameter gets a real object (`PyUnicode_FromString`,
cast to the parameter's type) between `Py_Initialize` and `Py_Finalize`. A C++ method is called on an object:
made with one of its class's public constructors, or, when the class has none a caller can use, taken as a
parameter of a small function. A pointer and its length get a string and that string's length; a result the
block allocates with `new[]`/`malloc` is released."""

from __future__ import annotations

import re

from tree_sitter import Node

from blockguide.core.examples.cpp import find_owner, hidden_members, owner_of, pick_constructor, public_caller, scope_of
from blockguide.core.examples.generic import GenericParam, generic_params, guess
from blockguide.core.syntax.nodes import innermost_declarator, text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding


_PRINTF = {"int": "%d", "long": "%ld", "unsigned": "%u", "size_t": "%zu", "double": "%f", "float": "%f",
           "char*": "%s", "constchar*": "%s", "bool": "%d", "ssize_t": "%zd", "Py_ssize_t": "%zd"}
_PRINTABLE = re.compile(r"(int|long|short|double|float|bool|size_t|ssize_t|u?int\d+_t|string|string_view|char)")
_PYTHON_H = re.compile(r'^\s*#\s*include\s*[<"]Python\.h[>"]', re.M)
_PY_OBJECT = re.compile(r"^(const)?Py(Unicode)?Object\*$")
_LENGTH = re.compile(r"^(len|length|size|n|count|nbytes|size_t)$", re.I)
_HTMLISH = re.compile(r"escape|html|markup|quote", re.I)


def c_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam], cpp: bool = False) -> str:
    block = g.block
    python = not cpp and _PYTHON_H.search(src.text) is not None
    head = ["#include <Python.h>"] if python else []
    head += [g.import_line] if g.import_line else []
    scope = scope_of(g, node) if cpp else []
    if scope and g.import_line:  # the types of its parameters and its class are named as code in that namespace names them
        # each level: a name of `a` is not reached through `using namespace a::b;`
        head += [f"using namespace {'::'.join(scope[:i + 1])};" for i in range(len(scope))]
    if block.kind == "class" and cpp and block.name:
        return _object(g, src, node, head)
    if block.kind == "class":
        body = [f"{block.name} value{{}};" if cpp else f"struct {block.name} value = {{0}};", "(void)value;"]
        return _program(["#include <iostream>" if cpp else "#include <stdio.h>", *head], body, cpp)
    if cpp:
        _concrete(params, node)
    _pair_lengths(params)
    setup: list[str] = []
    cleanup: list[str] = []
    returns = _returns(node)
    owner = owner_of(g, src, node) if cpp and node is not None else None
    if owner is not None:
        return _method(g, src, node, owner, params, head, returns)
    args = _python_args(params, block.name or "", setup, cleanup) if python else _c_args(params, setup, cpp)
    name = "::".join([*scope_of(g, node), block.name or ""]) if cpp else block.name
    call = f"{name}({args})"
    if node is not None and re.match(r"^\s*static\b", text_of(node)):
        setup.insert(0, (f"// `{block.name}` is static: this runs inside the file that defines it" if cpp else
                         f"/* `{block.name}` is static: this runs inside the file that defines it */"))
    if python:
        setup.insert(1 if setup and setup[0].startswith("/*") else 0, "Py_Initialize();")
    body = setup + _use(call, returns, cpp, _released(node), python, head) + cleanup
    if python:
        body.append("Py_Finalize();")
    return _program(head, body, cpp)


def cpp_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    return c_example(g, src, node, params, cpp=True)


def _program(head: list[str], body: list[str], cpp: bool) -> str:
    main = "int main() {" if cpp else "int main(void) {"
    head = _standard_headers(body, cpp) + head
    return "\n".join([*dict.fromkeys(head), "", main, *(f"    {l}" for l in body), "    return 0;", "}"]) + "\n"


# The standard header that declares a type the example names (a project's header may not include it itself:
# a header meant to be included after others, a type its declarations do not use).
_STANDARD_TYPES = ((re.compile(r"\bu?int(8|16|32|64|ptr|max)_t\b"), "<stdint.h>", "<cstdint>"),
                   (re.compile(r"\b(size_t|ptrdiff_t)\b"), "<stddef.h>", "<cstddef>"),
                   (re.compile(r"\bbool\b"), "<stdbool.h>", None))


def _standard_headers(body: list[str], cpp: bool) -> list[str]:
    text = "\n".join(body)
    return [f"#include {cpp_header if cpp else c_header}" for pattern, c_header, cpp_header in _STANDARD_TYPES
            if (cpp_header if cpp else c_header) and pattern.search(text)]


def _returns(node: Node | None) -> str:
    """The return type as a declaration of the result spells it. A macro before it (`FORCE_INLINE int f()`,
    which tree-sitter reads as the type, the real one left as an error after it) and a macro around it
    (`COMPAT_INLINE(PyObject *) f()`) are not part of it."""
    if node is None:
        return "void"
    kind = node.child_by_field_name("type")
    after = kind.next_sibling if kind is not None else None
    if after is not None and after.type == "ERROR" and len(after.named_children) == 1 and \
            after.named_children[0].type in ("identifier", "type_identifier", "primitive_type"):
        kind = after.named_children[0]
    elif kind is not None and kind.type == "macro_type_specifier" and kind.child_by_field_name("type") is not None:
        kind = kind.child_by_field_name("type")
    returns = text_of(kind)
    declarator = text_of(node.child_by_field_name("declarator"))
    return returns + " *" if declarator.startswith("*") else returns


def _released(node: Node | None) -> str | None:
    """How the caller frees what the block returns: `delete[]` for a `new T[...]`, `free` for a malloc."""
    text = text_of(node) if node is not None else ""
    for pattern, how in ((r"(\w+)\s*=\s*new\s+[\w:<>]+\s*\[", "delete[] result;"),
                         (r"(\w+)\s*=\s*(?:\(\w+\s*\*\)\s*)?(?:malloc|calloc|strdup)\s*\(", "free(result);")):
        made = re.search(pattern, text)
        if made and re.search(rf"\breturn\s+{made.group(1)}\s*;", text):
            return how
    return None


def _use(call: str, returns: str, cpp: bool, released: str | None, python: bool, head: list[str]) -> list[str]:
    """The call, and what a reader does with its result: print it, release it."""
    flat = returns.replace(" ", "")
    if flat in ("void", ""):
        return [f"{call};"]
    declared = f"auto result = {call};" if cpp else f"{returns.replace(' *', '')} *result = {call};" \
        if returns.endswith("*") else f"{returns} result = {call};"
    if python and _PY_OBJECT.match(flat.removeprefix("static")):
        return [declared, "if (result != NULL) {", "    PyObject_Print(result, stdout, 0);", "}",
                "Py_XDECREF(result);"]
    if released:
        return [declared, "// ... use result ..." if cpp else "/* ... use result ... */", released]
    if cpp and _printable(returns):
        head.insert(0, "#include <iostream>")
        return [declared, "std::cout << result << std::endl;"]
    fmt = None if cpp else _PRINTF.get(flat.replace("static", ""))
    if fmt:
        head.insert(0, "#include <stdio.h>")
        return [declared, f'printf("{fmt}\\n", result);']
    return [declared, "(void)result;"]


def _printable(returns: str) -> bool:
    """`std::cout << result` takes it: a number, a truth value, a character or a string (`const char *`,
    `std::string`), not a class that merely holds one (`Vector<const char>`) nor a pointer to another type."""
    words = re.sub(r"\b(const|static|inline|constexpr|unsigned|signed|volatile|virtual|std\s*::)|&", " ", returns)
    pointer = "*" in words
    words = words.replace("*", " ").split()
    return bool(words) and all(_PRINTABLE.fullmatch(w) for w in words) and (not pointer or words == ["char"])


def _concrete(params: list[GenericParam], node: Node | None) -> None:
    """A function template's type parameters are given a type a caller would use (`int`, or the parameter's
    default), so its arguments are values the compiler deduces them from (`T{}` names no type)."""
    template = node.parent if node is not None else None
    while template is not None and template.type != "template_declaration":
        template = template.parent if template.type in ("declaration", "function_definition") else None
    if template is None:
        return
    concrete = {}
    for t in (template.child_by_field_name("parameters") or template).named_children:
        if t.type in ("type_parameter_declaration", "optional_type_parameter_declaration"):
            name = t.child_by_field_name("name") or next((c for c in t.named_children if c.type == "type_identifier"),
                                                          None)
            default = t.child_by_field_name("default_type")
            if name is not None:
                concrete[text_of(name)] = text_of(default) if default is not None else "int"
    for p in params:
        for name, type_ in concrete.items():
            p.type = re.sub(rf"\b{re.escape(name)}\b", type_, p.type)


def _pair_lengths(params: list[GenericParam]) -> None:
    """A string followed by its length (`ptr, len`): the string and the number of its characters."""
    for p, after in zip(params, params[1:]):
        if "char*" in p.type.replace(" ", "") and after.value is None and _LENGTH.match(after.name):
            p.value = p.value or '"example"'
            if re.fullmatch(r'"[^"\\]*"', p.value):
                after.value = str(len(p.value) - 2)


def _c_args(params: list[GenericParam], setup: list[str], cpp: bool) -> str:
    """Arguments a C/C++ function takes without a null: an out-parameter (`int *argc`, `struct foo *out`) gets
    the address of a variable declared for it, a writable `char *` a buffer (its size passed for a length
    after it), a struct by value a zero-initialised one; strings and numbers as guessed."""
    lang = "cpp" if cpp else "c"
    args: list[str] = []
    for i, p in enumerate(params):
        flat = p.type.replace(" ", "")
        base = re.sub(r"\s*[*&]\s*$", "", p.type).strip()
        if cpp and p.value is None and flat.endswith("&") and not flat.endswith("&&"):
            value = guess(lang, p)
            if flat.startswith("const") and value == "{}":  # a value the reference binds to
                args.append(f"{base.removeprefix('const').strip()}{{}}")
            elif flat.startswith("const"):
                args.append(value)
            else:  # a variable the block may write through the reference (no temporary binds to it)
                var = f"{p.name}_value" if p.name in _KEYWORDS or not p.name else p.name
                setup.append(f"{base} {var}{{}};" if value == "{}" else f"{base} {var} = {value};")
                args.append(var)
            continue
        if p.value is None and re.fullmatch(r"(const)?char\*(const)?\*", flat):  # argv-like: strings, then NULL
            element = "const char" if flat.startswith("const") else "char"
            setup += [f'char {p.name}0[] = "example";', f"{element} *{p.name}[] = {{{p.name}0, 0}};"]
            args.append(p.name)
            continue
        if p.value is not None or "*" not in flat or flat.startswith("const") and "char" in flat or \
                flat.count("*") > 1 or re.fullmatch(r"(const)?void\*", flat) or "(" in flat:
            value = guess(lang, p)
            if value == "{}" and p.type.strip():  # a struct by value: a zero-initialised one, written as such
                value = f"{p.type.strip()}{{}}" if cpp else f"({p.type.strip()}){{0}}"
            args.append(value)
            continue
        var = f"{p.name or 'value'}_value" if p.name in ("", "value") else p.name
        if re.fullmatch(r"(unsigned)?char\*", flat):  # a buffer the block writes into
            setup.append(f"char {var}[64] = \"\";")
            args.append(var)
            after = params[i + 1] if i + 1 < len(params) else None
            if after is not None and after.value is None and _LENGTH.match(after.name):
                after.value = f"sizeof {var}"
            continue
        scalar = re.search(r"\b(int|long|short|size_t|unsigned|double|float|bool|int\d+_t|uint\d+_t|ssize_t)\b", base)
        setup.append(f"{base} {var}{{}};" if cpp else f"{base} {var} = {'0' if scalar else '{0}'};")
        args.append(f"&{var}")
    return ", ".join(args)


def _python_args(params: list[GenericParam], name: str, setup: list[str], cleanup: list[str]) -> str:
    """The arguments of a CPython function: an object parameter gets a string object made for it."""
    args = []
    for p in params:
        flat = p.type.replace(" ", "")
        if not _PY_OBJECT.match(flat):  # a C value, made as in any C example (never `{}`, not C)
            args.append(_c_args([p], setup, False))
        elif p.name == "self":
            args.append("NULL")  # the module: a module-level function does not use it
        else:
            value = p.value if p.value and p.value.startswith('"') else \
                '"<a href=\\"x\\">"' if _HTMLISH.search(name) else '"example"'
            setup.append(f"PyObject *{p.name} = PyUnicode_FromString({value});")
            cleanup.insert(0, f"Py_DECREF({p.name});")
            args.append(p.name if flat.endswith("PyObject*") else f"({flat.removeprefix('const')[:-1]} *){p.name}")
    return ", ".join(args)


def _object(g: Grounding, src: Source, node: Node | None, head: list[str]) -> str:
    """A C++ class's example: an object made with one of its public constructors (a template with the
    arguments find_owner gives it), else a function that takes one."""
    found = find_owner(g, src, node, g.block.name or "")
    if found.constructors is None:  # its definition is not found: a value-initialised one, as before
        return _program(head, [f"{found.name} value{{}};", "(void)value;"], True)
    var = _variable(found.name)
    ctor = pick_constructor(found.constructors)
    if ctor is None:
        note = f"// `{found.name}` has no public constructor a caller can use: this function takes one it already has"
        return "\n".join([*dict.fromkeys(head), "", note, f"void use_{var}({found.name} &{var}) {{",
                          f"    (void){var};", "}"]) + "\n"
    setup: list[str] = []
    args = _c_args(ctor, setup, True)
    return _program(head, [*setup, f"{found.name} {var}({args});" if ctor else f"{found.name} {var};",
                           f"(void){var};"], True)


def _method(g: Grounding, src: Source, node: Node, owner: str, params: list[GenericParam], head: list[str],
            returns: str) -> str:
    """A C++ method called on an object: made with a public constructor, else taken by a function."""
    found = find_owner(g, src, node, owner)
    cls = found.name
    method = (g.block.name or "").rsplit("::", 1)[-1]
    reached = ""
    if found.node is not None and method in hidden_members(found.node):  # a reader calls a public method
        caller = public_caller(found.node, src, owner, method)          # that calls it
        if caller is not None:
            reached = f"// `{method}` is not public: `{text_of(innermost_declarator(caller)).rsplit('::', 1)[-1]}`, " \
                      f"a public method of `{cls}`, calls it"
            method = text_of(innermost_declarator(caller)).rsplit("::", 1)[-1]
            g.example_via = f"{owner}::{method}"  # what the example calls (the checks, the guide's note)
            params, returns, node = generic_params(caller), _returns(caller), caller
            _pair_lengths(params)
    var = _variable(cls)
    others = [p for p in params if re.search(rf"\b{re.escape(owner.rsplit('::', 1)[-1])}\b", p.type)]
    ctor = pick_constructor(found.constructors) if found.constructors is not None else []
    for p in others:
        p.value = "other"
    # as a function's: an out-parameter gets a variable's address, a non-const reference a variable
    setup: list[str] = []
    args = _c_args(params, setup, True)
    if method.startswith("operator") and len(params) == 1:
        call = f"{var} {method.removeprefix('operator').strip()} {args}"
        returns = "void"
    else:
        call = f"{var}.{method}({args})"
    if ctor is None:  # no constructor a caller can use: the object comes from the caller
        taken = [f"{cls} &{var}", *(f"const {cls} &other" for _ in others[:1])]
        note = f"// `{cls}` has no public constructor a caller can use: this function takes one it already has"
        body = ([reached] if reached else []) + setup + _use(call, returns, True, None, False, head)
        lines = [*dict.fromkeys(_standard_headers(body, True) + head), "", note, f"void use_{var}({', '.join(taken)}) {{",
                 *(f"    {l}" for l in body), "}"]
        return "\n".join(lines) + "\n"
    made_setup: list[str] = []
    made_args = _c_args(ctor, made_setup, True)
    made = f"{cls} {var}({made_args});" if ctor else f"{cls} {var};"
    # `T other();` would declare a function (the most vexing parse): a default-made object is `T other;`
    made_setup += [made, *((f"{cls} other({made_args});" if ctor else f"{cls} other;") for _ in others[:1])]
    body = made_setup + setup + _use(call, returns, True, _released(node), False, head)
    return _program(head, [reached, *body] if reached else body, True)


_KEYWORDS = frozenset(
    "alignas alignof and asm auto bool break case catch char class const constexpr continue decltype default "
    "delete do double else enum explicit export extern false float for friend goto if inline int long mutable "
    "namespace new noexcept not nullptr operator or private protected public register return short signed "
    "sizeof static struct switch template this throw true try typedef typeid typename union unsigned using "
    "virtual void volatile while".split())


def _variable(cls: str) -> str:
    """The name of a variable holding an object of `cls`: its last name in snake case, without template
    arguments (`rapidjson::Writer<StringBuffer>` -> `writer`), never a keyword (`Double` -> `double_value`)."""
    name = re.sub(r"<.*", "", cls).rsplit("::", 1)[-1]
    var = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()  # NoGIL -> no_gil
    var = re.sub(r"_+", "_", re.sub(r"\W", "_", var)).strip("_") or "value"
    return f"{var}_value" if var in _KEYWORDS else var
