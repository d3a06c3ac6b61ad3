"""Usage examples in languages other than Python, from the signature: parameters of any grammar and
plausible values for them, guessed from their types and names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from blockguide.core.syntax.nodes import body_of, next_declarator, statements, text_of, unwrap
from blockguide.core.syntax.source import Source


URLISH = re.compile(r"(url|uri|link|href|endpoint)s?$", re.I)


PATHISH = re.compile(r"(path|file|filename|fname|dir|directory|folder)$", re.I)
CHARSETISH = re.compile(r"(charset|encoding|charsetname|enc)$", re.I)
DATEISH = re.compile(r"(^|_)(date|datetime|dt|iso|isostr|datestr|timestamp)(_?str(ing)?)?$", re.I)
TIMEISH = re.compile(r"(^|_)time(_?str(ing)?)?$|^timestr$", re.I)


def named_string(name: str) -> str:
    """A string literal of the kind the parameter's name says (a URL, a path, a charset, an ISO date or time),
    else "example": a block that checks its input (a URL parser, `Charset.forName`) is handed one it accepts."""
    if URLISH.search(name):
        return '"https://example.com/path?q=1"'
    if PATHISH.search(name):
        return '"example.txt"'
    if CHARSETISH.search(name):
        return '"UTF-8"'
    if DATEISH.search(name):
        return '"2024-06-15"'
    if TIMEISH.search(name):
        return '"12:30:00"'
    return '"example"'


# --- other languages, from the signature --------------------------------------------------------------------
@dataclass
class GenericParam:
    name: str
    type: str = ""
    value: str | None = None  # a value the block's own text gives it (examples.literals), used before a guess
    optional: bool = False  # it has a default (or `?`): left out where no parameter after it is passed


def generic_params(node: Node | None) -> list[GenericParam]:
    """Parameters of a function node in any grammar: name and type text."""
    if node is None:
        return []
    params = node.child_by_field_name("parameters")
    if params is None:
        decl = node.child_by_field_name("declarator")
        while decl is not None and params is None:
            params = decl.child_by_field_name("parameters")
            decl = next_declarator(decl)
    out: list[GenericParam] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type in ("comment", "self_parameter", "variadic_parameter", "line_comment", "block_comment"):
            continue
        if p.type == "identifier":  # JS `(a, b)`
            out.append(GenericParam(text_of(p)))
            continue
        name_node = p.child_by_field_name("pattern") or p.child_by_field_name("name") or \
            p.child_by_field_name("declarator") or p.child_by_field_name("left")
        type_node = p.child_by_field_name("type")
        name = text_of(name_node) if name_node is not None else text_of(p)
        type_text = text_of(type_node).lstrip(":").strip() if type_node is not None else ""
        if p.type in ("parameter_declaration",) and type_node is not None and name_node is not None:
            declarator = text_of(name_node)
            if declarator.startswith("*") or declarator.startswith("&"):
                type_text += declarator[0]
            name = declarator.lstrip("*& ")
        if p.type in ("rest_pattern", "rest_parameter"):
            continue
        if p.type in ("assignment_pattern", "optional_parameter") or \
                (p.type == "required_parameter" and p.child_by_field_name("value") is not None):
            # a default value (`b = 1`, `b: T = x`) or `b?: T`: given a value only where a later one is passed
            out.append(GenericParam(re.sub(r"[^\w]", "", name) or name, type_text, optional=True))
            continue
        if p.type == "parameter_declaration" and src_lang_is_go(p):
            names = [text_of(c) for c in p.children_by_field_name("name")]
            out += [GenericParam(n, type_text) for n in names]
            continue
        if name in ("void", "") or name.startswith("..."):
            continue
        out.append(GenericParam(re.sub(r"[^\w]", "", name) or name, type_text))
    while out and out[-1].optional:
        out.pop()
    return out


def src_lang_is_go(node: Node) -> bool:
    return len(node.children_by_field_name("name")) > 1


def guess(lang: str, p: GenericParam) -> str:
    t, name = p.type.replace(" ", ""), p.name.lower()
    if p.value is not None:
        return f"String::from({p.value})" if lang == "rust" and t == "String" and p.value.startswith('"') \
            else p.value
    stringy = re.search(r"string|str\b|&str|char\*|String", t) or (not t and re.search(
        r"(name|text|str|string|path|url|uri|key|msg|message|title|label|prefix|suffix|sep|query|id|html)$|^s$",
        name))
    if lang == "go":
        if t == "string":
            return named_string(name)
        if re.fullmatch(r"u?int\d*|byte|rune|uintptr", t):
            return "3"
        if re.fullmatch(r"float\d+", t):
            return "1.5"
        if t == "bool":
            return "true"
        if t.startswith("[]byte"):
            return '[]byte("example")'
        if t.startswith(("*", "[]", "map[", "func", "chan")) or t in ("error", "interface{}", "any"):
            return "nil"
        if "." in t:
            return f"{t}{{}}" if not t.startswith("*") else "nil"
        return f"{t}{{}}" if t and t[0].isupper() else "nil"
    if lang == "rust":
        if t in ("&str",):
            return named_string(name)
        if t == "String":
            return f'String::from({named_string(name)})'
        if re.fullmatch(r"[iu](8|16|32|64|128|size)", t):
            return "3"
        if re.fullmatch(r"f(32|64)", t):
            return "1.5"
        if t == "bool":
            return "true"
        if t.startswith("&[u8]"):
            return 'b"example"'
        if t.startswith("&"):
            return "&Default::default()"
        return "Default::default()"
    if lang == "java":
        if t == "String":
            return named_string(name)
        if t in ("int", "long", "Integer", "Long"):
            return "3L" if t == "Long" else "3"
        if t in ("short", "byte", "Short", "Byte"):  # an int literal is no argument of a narrower type
            return f"({t.lower()}) 3"
        if t in ("float", "Float"):
            return "1.5f"
        if t in ("double", "Double"):
            return "1.5"
        if t in ("boolean", "Boolean"):
            return "true"
        if t == "char":
            return "'a'"
        if t in ("CharSequence", "Object", "Comparable", "Serializable"):
            return '"Hello, World"'
        if t in ("String[]", "String..."):
            return 'new String[] {"a", "b"}'
        if re.fullmatch(r"(int|long|short|byte|double|float)(\[\]|\.\.\.)", t):
            return f"new {t.rstrip('.[]')}[] {{1, 2, 3}}"
        if t == "char[]":
            return '"Hello".toCharArray()'
        collection = re.match(r"(List|Collection|Iterable|Set|Map)\b", t)
        if collection:
            kind = {"Iterable": "List", "Collection": "List"}.get(collection.group(1), collection.group(1))
            strings = re.fullmatch(r"\w+(<String(,String)?>)?", t) is not None
            filled = {"Map": '("key", "value")', "Set": '("a", "b")', "List": '("a", "b")'}[kind]
            return f"java.util.{kind}.of{filled if strings else '()'}"
        return "null"
    if lang in ("c", "cpp"):
        if "char*" in t or "string" in t:
            return named_string(name)
        if re.search(r"\b(int|long|short|\w*size_t|unsigned|int\d+_t|uint\d+_t|Py_hash_t)\b", p.type):
            return "3"
        if re.search(r"\b(double|float)\b", p.type):
            return "1.5"
        if "bool" in t:
            return "true"
        if "*" in t:
            return "NULL" if lang == "c" else "nullptr"
        return "{}"
    # JavaScript / TypeScript
    typed = ts_value(t) if t else None
    if typed is not None:
        return typed
    t = _first_member(t) if t else t
    if t in ("string",) or (not t and stringy):
        return named_string(name)
    if t == "number" or re.search(r"^(n|num|count|size|limit|ms|wait|delay|timeout|index|length|max|min)$", name):
        return "100" if name in ("ms", "wait", "delay", "timeout") else "3"
    if t == "boolean":
        return "true"
    # (typed arrays and function types got their values from ts_value above)
    if t.startswith("Array") or name in ("items", "list", "values", "array", "arr"):
        return "[1, 2, 3]"
    if not t and name in ("fn", "func", "callback", "cb", "handler", "listener"):  # `{ f: () => T }` is none
        return '() => console.log("called")'
    if re.search(r"(^|\|)\s*undefined\s*($|\|)", p.type) and "|" in p.type:
        return "undefined"  # `Entry | undefined`: no Entry is known here, and the type says the block takes none
    return "{}"


def _first_member(t: str) -> str:
    """The first member of a TypeScript union that is a value (`string | undefined` -> `string`)."""
    parts, depth, begin = [], 0, 0
    for i, ch in enumerate(t):
        depth += ch in "<([{"
        depth -= ch in ">)]}" and not (ch == ">" and t[i - 1:i] == "=")
        if ch == "|" and depth == 0:
            parts.append(t[begin:i])
            begin = i + 1
    parts.append(t[begin:])
    values = [m for m in (p.strip() for p in parts) if m and m not in ("undefined", "null", "void")]
    return values[0] if values else t


_TS_LITERAL = re.compile(r"""'[^'\\]*'|"[^"\\]*"|-?\d+(\.\d+)?|true|false""")


_DOM_VALUES = {"Element": 'document.createElement("div")', "HTMLElement": 'document.createElement("div")',
               "HTMLDivElement": 'document.createElement("div")', "HTMLInputElement": 'document.createElement("input")',
               "Node": 'document.createTextNode("Hello, World")', "Document": "document", "Window": "window",
               "Event": 'new Event("change")', "EventTarget": "new EventTarget()"}


def ts_value(t: str) -> str | None:
    """A value of a TypeScript type that is no placeholder, where the type says which: the first literal of
    a union of literals, a built-in class made with `new`, an array of its element type; None where the
    guesses by name decide."""
    t = _first_member(t)
    if re.match(r"(<[^>]*>)?\(", t) and "=>" in t:  # a function type (`() => string[]` is no array)
        return '() => console.log("called")'
    if _TS_LITERAL.fullmatch(t):
        return '"' + t[1:-1] + '"' if t.startswith("'") else t
    if re.fullmatch(r"(Type|Range|Syntax|Reference)?Error", t):
        return f'new {t}("something failed")'
    made = re.fullmatch(r"(Map|Set|WeakMap|WeakSet)(<.*>)?|Date|RegExp|URL|URLSearchParams|AbortController", t)
    if made:
        return {"RegExp": "/example/", "URL": 'new URL("https://example.com")',
                "Date": "new Date(0)"}.get(t, f"new {made.group(1) or t}()")
    if t == "PropertyKey":
        return '"key"'
    if t in _DOM_VALUES:  # the browser's objects (lib "dom"): made the way a page makes them
        return _DOM_VALUES[t]
    if re.fullmatch(r"Promise<.*>", t):
        return "Promise.resolve()"
    element = re.fullmatch(r"(?:readonly)?(.+)\[\]|(?:Readonly)?Array<(.+)>", t)
    if element:
        kind = element.group(1) or element.group(2)
        return {"string": '["a", "b"]', "number": "[1, 2, 3]", "boolean": "[true, false]"}.get(kind, "[]")
    if t == "Function":
        return '() => console.log("called")'
    return None


def guessed_args(lang: str, params: list[GenericParam]) -> str:
    return ", ".join(guess(lang, p) for p in params)


def class_node_of(src: Source, node: Node | None) -> Node | None:
    parent = node.parent if node is not None else None
    while parent is not None and parent.type not in src.lang.classes:
        parent = parent.parent
    return parent


def constructor_node(src: Source, cls: Node | None, names: tuple[str, ...]) -> Node | None:
    """The constructor a class declares (a member called one of `names`, or a constructor declaration)."""
    if cls is None:
        return None
    for member in statements(src, body_of(cls)):
        inner = unwrap(member)
        if text_of(inner.child_by_field_name("name")) in names or inner.type == "constructor_declaration":
            return inner
    return None


def constructor_params(src: Source, cls: Node | None, names: tuple[str, ...]) -> list[GenericParam]:
    return generic_params(constructor_node(src, cls, names))
