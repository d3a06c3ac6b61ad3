"""What a parameter must be, read from how the block uses it (any language, from its text; never run): a
parameter the block calls is a function, one whose string methods it calls is a string, one it iterates is a
sequence, one it looks keys up in is a mapping, one it does arithmetic with is a number. The example builders
use this where neither the block's text nor the parameter's type gives a value, instead of a placeholder
(`None`, `{}`, `null`) that fails as soon as the block uses it."""

from __future__ import annotations

import re

from blockguide.core.examples.generic import GenericParam, guess
from blockguide.core.syntax.split import closing_bracket, split_top_level

CALLABLE, STRING, SEQUENCE, MAPPING, NUMBER, BOOLEAN = "callable", "string", "sequence", "mapping", "number", "boolean"

# A value of each use, per language: what an example passes where the use is all that is known.
VALUES = {
    "python": {CALLABLE: "print", STRING: '"Hello, World"', SEQUENCE: '["a", "b"]', MAPPING: '{"key": "value"}',
               NUMBER: "3", BOOLEAN: "True"},
    "javascript": {CALLABLE: '() => "done"', STRING: '"Hello, World"', SEQUENCE: '["a", "b"]',
                   MAPPING: '{ key: "value" }', NUMBER: "3", BOOLEAN: "true"},
}
VALUES["typescript"] = VALUES["tsx"] = VALUES["javascript"]

# Placeholders: values that stand for "something of this type" and fail as soon as the block uses them. A
# string use does not replace "example" (one arbitrary string for another): see `better`.
PLACEHOLDER = re.compile(r"^(None|null|nil|NULL|nullptr|undefined|\{\s*\}|&?Default::default\(\)|[\"']example[\"'])$")

_STRING_METHODS = (r"lower|upper|strip|lstrip|rstrip|split|rsplit|startswith|endswith|encode|replace|find|rfind|"
                   r"isdigit|isalpha|isspace|casefold|splitlines|partition|toLowerCase|toUpperCase|trim|trimStart|"
                   r"trimEnd|charCodeAt|charAt|codePointAt|substring|substr|padStart|padEnd|normalize|localeCompare|"
                   r"ToLower|ToUpper|TrimSpace|to_lowercase|to_uppercase|trim_start|trim_end|chars|as_bytes|"
                   r"toLowerCase|equalsIgnoreCase|isEmpty|isBlank")
_SEQUENCE_METHODS = (r"forEach|map|filter|reduce|some|every|append|extend|push|pop|iter|into_iter|stream|sort|reverse|"
                     r"splice|shift|unshift|flat|flatMap|find|findIndex")  # (methods a string has not)
_MAPPING_METHODS = r"get|items|keys|values|setdefault|hasOwnProperty|containsKey|entrySet"


_PLACEHOLDER_ARG = re.compile(r"""[(,]\s*(?:[A-Za-z_]\w*\s*=\s*)?(None|null|nil|nullptr|NULL|undefined|\{\s*\}|"""
                              r"""&?Default::default\(\)|todo!\(\)|"example"|'example')\s*(?=[,)])""")


def has_placeholder(code: str) -> bool:
    """An argument in the example's code is a placeholder or a null (`None`, `{}`, `"example"`): the reader
    must replace it."""
    return _PLACEHOLDER_ARG.search(code) is not None


_COMMENT_OR_STRING = re.compile(r'''"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|/\*[\s\S]*?\*/|//[^\n]*|#[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`''')


_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')


def code_only(code: str) -> str:
    """The code without its comments and docstrings (a string is kept whole, so a `#` or `//` in it starts
    nothing): what it does, not what it says. (`#` starts a comment in Python; elsewhere it drops a
    preprocessor line, which uses no parameter.)"""
    def keep(m: re.Match) -> str:
        text = m.group(0)
        if text.startswith(("/*", "//", "#")):
            return " "
        if text[:3] in ('"""', "\'\'\'"):  # a docstring: prose
            return text[:3] * 2
        return text  # a string stays: `conf["name"]` uses `conf` as a mapping
    return _COMMENT_OR_STRING.sub(keep, code)


_NAME = re.compile(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*")  # a parameter, or a property of one (`opts.depth`)
_TYPEOF = {"number": NUMBER, "bigint": NUMBER, "string": STRING, "boolean": BOOLEAN, "function": CALLABLE,
           "object": MAPPING}


def param_use(name: str, code: str) -> str | None:
    """CALLABLE, STRING, SEQUENCE, MAPPING, NUMBER or BOOLEAN (only tested for truth: `if (condition)`) for the
    parameter `name` from the block's text `code`; None when its use says nothing (only passed on, or unused)."""
    if not name or not _NAME.fullmatch(name):
        return None
    code = code_only(code)  # a docstring's `*name*` or a comment's "name - 1" is not a use
    n = re.escape(name)
    if re.search(rf"(?<![\w.$]){n}\s*\((?!\s*\))|(?<![\w.$]){n}\s*\(\s*\)|(?<![\w.$]){n}\s*\.\s*(call|apply|bind)\s*\(",
                 _without_definition(_STRING.sub('""', code), name)):  # "Invalid filename (...)" calls nothing
        return CALLABLE
    typed = re.search(rf"\btypeof\s*\(?\s*{n}\s*\)?\s*[!=]==?\s*[\"'](\w+)[\"']", code)
    if typed and typed.group(1) in _TYPEOF:  # `typeof x === 'number'` (or `!==`, to refuse the others)
        return _TYPEOF[typed.group(1)]
    if re.search(rf"(?<![\w.$]){n}\s*\.\s*({_STRING_METHODS})\s*\(", code) or \
            re.search(rf"(?<![\w.$])(len|strlen)\s*\(\s*{n}\s*\)\s*(==|!=|<|>)", code) and \
            re.search(rf"(?<![\w.$]){n}\s*(\+\s*[\"']|\[\s*\d)", code):
        return STRING
    if re.search(rf"\bfor\s*\(?\s*(const|let|var|auto|final)?\s*[\w\s,&*()\[\]]*\s+(in|of|:)\s+\*?&?{n}\s*[):{{\n]",
                 code) or re.search(rf"(?<![\w.$]){n}\s*\.\s*({_SEQUENCE_METHODS})\s*\(", code) or \
            re.search(rf"\bfor\s+\w+(\s*,\s*\w+)?\s*:?=\s*range\s+{n}\b", code) or \
            re.search(rf"\bfor\b[^\n]*\b(in|of)\s+(reversed|sorted|enumerate|iter|list|tuple)\s*\(\s*{n}\s*[,)]", code) or \
            re.search(rf"[<>]=?\s*{n}\s*\.\s*length\b", code) and re.search(rf"(?<![\w.$]){n}\s*\[\s*[A-Za-z_$]", code) or \
            re.search(rf"(?<![\w.$]){n}\s*\[\s*{n}\s*\.\s*length\s*-", code):
        return SEQUENCE  # (the last two: a loop bounded by its length that indexes it; its last item)
    if re.search(rf"(?<![\w.$]){n}\s*\[\s*[\"'][^\"']+[\"']\s*\]", code) or \
            re.search(rf"[\"'][\w$-]+[\"']\s+in\s+{n}\b", code) or \
            re.search(rf"(?<![\w.$]){n}\s*\.\s*({_MAPPING_METHODS})\s*\(", code):
        return MAPPING
    if re.search(rf"(?<![\w.$]){n}\s*([-*/%]|\+(?!\s*[\"'`]))\s*[\w(]|[-*/%]\s*{n}\b(?!\s*[\"'`])|"
                 rf"(?<![\w.$]){n}\s*[<>]=?\s*-?\d", code):
        return NUMBER
    if re.search(rf"\bif\s*\(?\s*(!|not\s+)?\s*{n}\s*(\)|:)", code):
        return BOOLEAN
    return None


_INVERSES = (("decode", "encode"), ("loads", "dumps"), ("load", "dump"), ("unquote", "quote"),
             ("unescape", "escape"), ("deserialize", "serialize"), ("unpack", "pack"), ("decompress", "compress"),
             ("decrypt", "encrypt"), ("unsign", "sign"), ("parse", "format"), ("parse", "stringify"),
             ("from_", "to_"), ("Decode", "Encode"), ("Parse", "Format"), ("Unmarshal", "Marshal"))


def better(use: str | None, guessed: str) -> bool:
    """The use's value says more than the guess: a function, sequence, mapping, number or truth value for a
    null or `{}`; a string only where the guess is not already one; a truth test never replaces a string
    (`if (filename)` takes any file name: its name says more than `true`)."""
    if use == CALLABLE:  # the block calls it: a guess by its name (`is_match_fn` -> True) is no function
        return not _FUNCTION_VALUE.search(guessed)
    return use is not None and bool(PLACEHOLDER.match(guessed)) and \
        not (use in (STRING, BOOLEAN) and guessed[:1] in "\"'")


_FUNCTION_VALUE = re.compile(r"=>|\blambda\b|^print$|\bfunc\s*\(|^\|[^|]*\||::|->")


def inverses(name: str) -> list[str]:
    """The names a function doing the inverse of `name` may have (`base64_decode` -> `base64_encode`,
    `loads` -> `dumps`): an input `name` reads is best made by the project's own writer of it."""
    out = []
    for reads, writes in _INVERSES:
        if reads in name and not (writes in name and writes.startswith(reads)):
            out.append(name.replace(reads, writes, 1))
    return list(dict.fromkeys(o for o in out if o != name))


def tolerates_missing(name: str, code: str) -> bool:
    """The block gives the parameter a default when the caller leaves it out (`{...options}`, `options || {}`,
    `options ?? x`, `if (!options)`, `options === undefined`), or reads it only once it is there (`options &&
    options.x`): a trailing one can be left out of an example."""
    n = re.escape(name)
    return bool(re.search(rf"\.\.\.\s*{n}\b|(?<![\w.$]){n}\s*(\|\||\?\?|&&\s*{n}\s*\.)|!\s*{n}\b(?!\s*\.)|"
                          rf"(?<![\w.$]){n}\s*===?\s*(undefined|null)\b|typeof\s+{n}\s*===?\s*['\"]undefined", code))


def _without_definition(code: str, name: str) -> str:
    """The code without the line that defines a function called `name` (a parameter named like the block)."""
    return re.sub(rf"^.*\b(def|function|fn|func)\s+{re.escape(name)}\b.*$", "", code, flags=re.M)


_NOT_OWN = {"length", "prototype", "constructor", "call", "apply", "bind", "toString", "valueOf"}


def properties(name: str, code: str) -> dict[str, str]:
    """The properties the block reads from the parameter `name` (`options.depth`, not a method it calls nor one
    it assigns), each with what it is used as: "condition" where only its truth is tested (`if (o.strict)`,
    `o.strict ? a : b`, `o.strict && x`), else "value". Empty where it reads none or the parameter is a sequence."""
    if not name or not name.isidentifier():
        return {}
    code = code_only(code)
    n = re.escape(name)
    found: dict[str, str] = {}
    for m in re.finditer(rf"(?<![\w.$]){n}\s*\.\s*([A-Za-z_$][\w$]*)(?![\w$])(?!\s*\()(?!\s*=[^=])", code):
        prop = m.group(1)
        if prop in _NOT_OWN:
            return {}
        after = code[m.end():m.end() + 4].lstrip()
        before = code[max(0, m.start() - 6):m.start()].rstrip()
        condition = after.startswith(("?", "&&", "||", ")")) and not after.startswith("??") and \
            (not after.startswith(")") or re.search(r"(\bif\s*\(\s*!?|&&|\|\||!)$", before) is not None)
        found[prop] = "condition" if condition and found.get(prop, "condition") == "condition" else "value"
    return found


def by_use(language: str, params: list[GenericParam], code: str, callee=None) -> list[GenericParam]:
    """Values from how the block uses a parameter where its type would give a placeholder (a called parameter
    gets a function, not `{}`; one only passed on to a function of the module, its use there: `callee(name)`
    answers that function's parameter names and text); trailing parameters the block defaults when left out
    are left out (JS)."""
    values = VALUES.get(language, {})
    for p in params:
        if p.value is None:
            use = param_use(p.name, code) or (passed_on(p.name, code, callee) if callee is not None else None)
            if use in values and better(use, guess(language, p)):
                p.value = values[use]
    if language in ("javascript", "typescript", "tsx"):
        while params and params[-1].value is None and PLACEHOLDER.match(guess(language, params[-1])) and \
                tolerates_missing(params[-1].name, code) and (language == "javascript" or not params[-1].type):
            # (TypeScript's type requires a parameter it declares without `?`, whatever the code tolerates)
            params = params[:-1]
    if language == "javascript":  # untyped: an object with the properties the block reads from it
        for p in params:
            read = properties(p.name, code) if p.value is None and guess(language, p) in ("{}", "null") else {}
            if read:
                values = [f"{k}: {_property_value(p.name, k, use, code)}" for k, use in read.items()]
                p.value = "{ " + ", ".join(values) + " }"
    return params


def _property_value(owner: str, name: str, use: str, code: str) -> str:
    """A value for the property `owner.name` the block reads: `true` where only its truth is tested, what its
    own use says (`opts.depth > 0`: a number), else a guess by its name."""
    if use == "condition":
        return "true"
    used = param_use(f"{owner}.{name}", code)
    if used in VALUES["javascript"]:
        return VALUES["javascript"][used]
    guessed = guess("javascript", GenericParam(name))
    return '"example"' if PLACEHOLDER.match(guessed) else guessed


def passed_on(name: str, code: str, callee) -> str | None:
    """The use of the parameter `name` in the function it is passed to (`makeSafeRegex(value)` -> how
    makeSafeRegex uses its own parameter), one call deep; `callee(function name)` gives (its parameter names,
    its text) or None where it is no function of the module."""
    code = code_only(code)
    for m in re.finditer(r"(?<![\w.$])([A-Za-z_$][\w$]*)\s*\(", code):
        args = _arguments_at(code, m.end())
        if name not in args:
            continue
        found = callee(m.group(1))
        if found is None:
            continue
        names, text = found
        at = args.index(name)
        use = param_use(names[at], text) if at < len(names) else None
        if use is not None:
            return use
    return None


def _arguments_at(code: str, at: int) -> list[str]:
    """The top-level arguments, stripped, of the call whose "(" ends just before `at`."""
    end = closing_bracket(code, at)
    return split_top_level(code[at:end if end is not None else len(code)])
