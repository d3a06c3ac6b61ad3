"""Argument values a reader would use, read from the block itself (never guessed from a name): the arguments of
a doctest or `@example` in its documentation (or a form it spells out, `xxxxxxxx-xxxx-...`, with hex digits), a
string its regular expression matches (the units of
`/^(\\d+) *(days?|hours?)$/` give "2 days"), a literal it compares the parameter against (`case "GET":`,
`mode === "fast"`), and the type its JSDoc gives a parameter. `argument_values` answers them per parameter
name; the example builders use them before any placeholder."""

from __future__ import annotations

import json
import re

try:  # the regular expression parser of the standard library (sre_parse before 3.11)
    from re import _parser as sre
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as sre  # type: ignore[no-redef]

from blockguide.core.doccomments import comment_above
from blockguide.core.syntax.split import split_top_level


MAX_SAMPLE = 40
_DIGITS = ("2", "3", "5")


def argument_values(name: str, params: list[str], code: str, doc: str = "") -> dict[str, str]:
    """{parameter: literal} for the parameters the block's own text gives a value to; the documentation's
    example call first (all of its arguments), then per parameter a regex match, then a compared literal."""
    found = doc_example(name, params, doc)
    template = re.search(r"(?<![\w-])(x{2,}(?:[-:]x{2,}){2,})(?![\w-])", doc)  # xxxxxxxx-xxxx-... in the doc
    if template and len(params) == 1 and not found:
        hexes = iter("f47ac10b58cc4372a5670e02b2c3d479" * 4)
        found[params[0]] = json.dumps(re.sub("x", lambda _: next(hexes), template.group(1)))
    for p in params:
        if p in found or not p.isidentifier():
            continue
        value = regex_sample(p, code) or compared_literal(p, code)
        if value is not None:
            found[p] = value
    return found


def doc_example(name: str, params: list[str], doc: str) -> dict[str, str]:
    """The arguments of a call of `name` in a doctest (`>>> name(...)`, also wrapped: `>>> list(name(...))`) or an
    `@example` block: the first whose arguments are all literals, none of them a null (a doc lists `isBlank(null) = true` first; a reader's
    example shows a real value), a non-empty one before one with an empty string."""
    fallback: dict[str, str] = {}
    # (a doctest's call may be wrapped or assigned: `>>> list(f(...))`, `>>> x = f(...)`, `>>> print(f(...))`)
    for m in re.finditer(rf"(?:>>>(?:[^\n]*?[^\w.])?|@example|^\s*\*?\s*(?:const|let|var)?\s*\w*\s*=?)\s*"
                         rf"(?:\w+\.)?{re.escape(name)}"
                         rf"\(([^()\n]*)\)", doc, re.M):
        args = split_top_level(m.group(1))
        values = [re.sub(r"^\s*\w+\s*=(?!=)", "", a) for a in args]
        if not args or not all(_LITERAL.match(v) for v in values) or any(_NULL.match(v) for v in values):
            continue  # a name in the doc is no value the example has; a null is no example of use
        positional = [a for a in args if not re.match(r"^\s*\w+\s*=[^=]", a)]
        out = dict(zip(params, (a.strip() for a in positional)))
        out.update({a.split("=", 1)[0].strip(): a.split("=", 1)[1].strip() for a in args if a not in positional
                    and a.split("=", 1)[0].strip() in params})
        if out and not any(_EMPTY.match(v) for v in values):
            return out
        fallback = fallback or out
    return fallback


_NULL = re.compile(r"^\s*(null|None|nil|undefined|NULL|nullptr)\s*$")
_EMPTY = re.compile(r"""^\s*(""|''|``|\[\s*\]|\{\s*\})\s*$""")


_LITERAL = re.compile(r"""^\s*(["'`].*["'`]|b["'].*["']|-?\d[\d_.]*|true|false|True|False|None|null|\[.*\]|"""
                      r"""\{.*\}|\(.*\))\s*$""", re.S)


_JS_REGEX_ON = r"/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\n\[])+)/[a-z]*\s*\)?\s*\.\s*(?:exec|test)\(\s*{p}\s*\)"
_MATCH_JS = r"\b{p}\s*\.\s*(?:match|matchAll|search|replace)\(\s*/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\n\[])+)/"
_PY_REGEX = r"""\bre\.(?:match|fullmatch|search|findall)\(\s*r?(["'])((?:\\.|(?!\1).)+)\1\s*,\s*{p}\b"""
_GO_REGEX = r"""regexp\.MustCompile\(\s*`([^`]+)`\s*\)\s*\.\s*\w*(?:Match|Find)\w*\(\s*{p}\s*\)"""


def regex_sample(param: str, code: str) -> str | None:
    """A string the regular expression the block applies to `param` matches, as a double-quoted literal."""
    p = re.escape(param)
    for pattern, group in ((_JS_REGEX_ON, 1), (_MATCH_JS, 1), (_PY_REGEX, 2), (_GO_REGEX, 1)):
        m = re.search(pattern.format(p=p), code, re.S)
        if m:
            sample = sample_of(m.group(group))
            if sample and sample.strip():
                return json.dumps(sample)
    return None


def sample_of(regex: str) -> str | None:
    """A readable string the pattern matches: optional parts kept when they hold letters (a unit, a word),
    alternatives the first whole word, digits a small number. None when the pattern is beyond that."""
    try:
        parsed = sre.parse(regex)
    except Exception:  # not a pattern Python reads (a JS-only feature): no sample
        return None
    try:
        text = _sample(list(parsed))
    except _Beyond:
        return None
    if text is None or len(text) > MAX_SAMPLE:
        return None
    return text if re.fullmatch(regex, text, re.I | re.S) else None


class _Beyond(Exception):
    pass


def _has_letters(items) -> bool:
    for op, av in items:
        name = str(op)
        if name == "LITERAL" and chr(av).isalpha():
            return True
        if name in ("SUBPATTERN",) and _has_letters(list(av[-1])):
            return True
        if name == "BRANCH" and any(_has_letters(list(b)) for b in av[1]):
            return True
        if name in ("MAX_REPEAT", "MIN_REPEAT") and _has_letters(list(av[2])):
            return True
    return False


def _sample(items) -> str:
    out = ""
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out += chr(av)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "IN":
            out += _class_sample(av)
        elif name == "ANY":
            out += "a"
        elif name == "SUBPATTERN":
            out += _sample(list(av[-1]))
        elif name == "BRANCH":
            options = [_sample(list(b)) for b in av[1]]
            words = [o for o in options if re.fullmatch(r"[A-Za-z]{3,}", o)]
            out += (words or options)[0]
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _, sub = av
            sub = list(sub)
            if low == 0:
                single_space = len(sub) == 1 and str(sub[0][0]) == "LITERAL" and sub[0][1] == 32
                if not (single_space or _has_letters(sub)):  # a unit, a plural's `s`: kept; `-?`, `\.?`: left out
                    continue
                low = 1
            out += _sample(sub) * low
        else:
            raise _Beyond(name)
    return out


def _class_sample(av) -> str:
    for op, value in av:
        name = str(op)
        if name == "CATEGORY":
            return {"CATEGORY_DIGIT": _DIGITS[0], "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(value), "a")
        if name == "LITERAL":
            return chr(value)
        if name == "RANGE":
            low, high = value
            return "2" if low <= ord("2") <= high else chr(low)
        if name == "NEGATE":
            return "a"
    return "a"


_COMPARED = (r"""\b{p}\s*(?:===?|!==?)\s*(["'`])([^"'`\n]{{1,40}})\1""",
             r"""(["'`])([^"'`\n]{{1,40}})\1\s*(?:===?|!==?)\s*{p}\b""")


def compared_literal(param: str, code: str) -> str | None:
    """A string literal the block compares `param` against, or the first `case` of a `switch` on it."""
    p = re.escape(param)
    switch = re.search(rf"\bswitch\s*\(?\s*{p}\s*\)?\s*\{{(.*?)\}}", code, re.S)
    if switch:
        case = re.search(r"""\bcase\s+(["'`])([^"'`\n]{1,40})\1""", switch.group(1))
        if case:
            return json.dumps(case.group(2))
    match = re.search(rf"\bmatch\s+{p}\s*:(.*?)(?:\n\S|\Z)", code, re.S)  # Python's match statement
    if match:
        case = re.search(r"""\bcase\s+(["'])([^"'\n]{1,40})\1""", match.group(1))
        if case:
            return json.dumps(case.group(2))
    for pattern in _COMPARED:
        m = re.search(pattern.format(p=p), code)
        if m and not re.fullmatch(r"(string|number|boolean|object|function|undefined|symbol|bigint)", m.group(2)):
            return json.dumps(m.group(2))
    return None


# JSDoc's names of types for the ones a TypeScript checker knows (`{String}` is the primitive `string`)
_JSDOC_TYPES = {"string": "string", "number": "number", "boolean": "boolean", "function": "Function",
                "array": "any[]", "object": "object", "error": "Error", "date": "Date", "regexp": "RegExp"}
_JSDOC_PARAM = re.compile(r"@param\s*\{([^{}]+)\}\s*\[?([A-Za-z_$][\w$]*)")
_STRINGY = re.compile(r"^(string|String|CharSequence|&str|str|&'\w+str|char\*|constchar\*|std::string|"
                      r"conststd::string&|)$")


def jsdoc_types(params, comment: str) -> None:
    """A parameter without a type annotation (examples.generic.GenericParam) takes the type its JSDoc
    `@param {Type} name` gives (the first of a union), so its value is one of that type, not a guess by its
    name."""
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


def fill_values(params, name: str, code: str, comment: str) -> None:
    """Give each parameter (examples.generic.GenericParam) the value the block's text gives it (a string only
    to a parameter whose type takes one)."""
    values = argument_values(name, [p.name for p in params], code, comment)
    for p in params:
        value = values.get(p.name)
        if value is not None and (not value.startswith('"') or _STRINGY.match(p.type.replace(" ", ""))):
            p.value = value


def leading_comment(src, node) -> str:
    """The comment right above a definition as written (core.doccomments finds it), else ""."""
    raw = comment_above(src, node) if node is not None else None
    return raw.text if raw is not None else ""
