"""What a model's text commits the code to, checked against what the code shows.

A guide may use any word a reader needs ("normalises", "percent-encodes", "backtracks"): those are not claims
the code could contradict. These are:
- behaviours a block either has or has not: caching, encryption, retries, locking, sorting, logging,
  compression, hashing, recursion, time limits, validation, writing files (`behaviour_problems`); each passes
  when the block, or what it uses, shows it;
- parameters and options: "takes an optional `timeout` argument" names a parameter of the block or an option
  key its code reads (`parameter_problems`);
- errors: "raises `KeyError`", "throws a RangeError", "returns `ErrInvalid`" names an error the block, or what
  it calls, raises or returns (`error_problems`);
- what it returns, in every language: a kind of value ("returns a boolean", "returns nothing") against the
  declared return type (Go, Rust, Java, C, C++, TypeScript) or the returned expressions (JavaScript)
  (`declared_return_problems`; Python's own check is `claims.return_claim_problems`).
Each returns short reasons; [] accepts the text.
"""

from __future__ import annotations

import re

from blockguide.core.checks.prose import file_text
from blockguide.core.types import Grounding

_CODE_SPAN = re.compile(r"`[^`\n]*`")


def evidence_text(g: Grounding) -> str:
    """The code that may show a behaviour: the block (statements: with the function they run inside), what it
    uses (names, signatures, docs), its bases."""
    parts = [g.block.text, g.inside_text or ""]
    for s in [*g.uses, *g.defines]:
        parts += [s.name, s.signature or "", s.doc or ""]
    for b in g.bases:
        parts += [b.name, " ".join(b.inherited)]
    return "\n".join(parts)


# --- behaviours -------------------------------------------------------------------------------------------
# (what the text says, what the code must show for it, what it is about)
_BEHAVIOURS: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = tuple(
    (re.compile(said, re.IGNORECASE), re.compile(shown, re.IGNORECASE), what) for said, shown, what in (
        (r"\bcach(?:e|es|ed|ing)\b|\bmemoi[sz]\w*", r"cach|memo|lru", "caching"),
        (r"\b(?:en|de)crypt\w*|\bciphers?\b", r"crypt|cipher|aes\b|rsa\b", "encryption"),
        (r"\bretr(?:y|ies|ied|ying)\b", r"retr|attempt", "retries"),
        (r"\block(?:s|ed|ing)?\b|\bmutex\w*|\bsynchroni[sz]\w*|\bconcurrent callers\b",
         r"lock|mutex|synchron|atomic", "locking"),
        (r"\bsort(?:s|ed|ing)?\b", r"sort", "sorting"),
        (r"\blog(?:s|ged|ging)?\b(?! of\b)", r"\blog|logger|logging|console\.|warn", "logging"),
        (r"\b(?:de)?compress\w*|\bgzip\w*|\bzlib\b|\bdeflate\w*", r"compress|gzip|zlib|deflate", "compression"),
        (r"\bhash(?:es|ed|ing)?\b", r"hash|digest|sha\d|md5", "hashing"),
        (r"\brecursiv\w*", r"", "recursion"),  # shown when the block calls itself (below)
        (r"\btimes? ?out\b|\btimeouts?\b", r"time ?out|deadline", "a time limit"),
        (r"\bvalidat\w*", r"valid|verif|check|assert|invariant|ensure", "validation"),
        (r"\b(?:writes?|saves?|stores?|persists?) (?:\w+ ){0,3}(?:to|on|in) (?:a |the )?(?:file|disk)\b",
         r"write|open|save|file|fs\.|fopen|ofstream", "writing files"),
        (r"\bgoroutines?\b|\bworker threads?\b|\bthread pool\b|\bbackground thread\b|\bevent loop\b",
         r"thread|goroutine|\bgo\s+\w+\(|spawn|executor|pool", "threads"),
        (r"\bTokio\b|\bCompletableFuture\b|\bstd::future\b", r"tokio|future", "asynchrony"),
    ))


def behaviour_problems(text: str, g: Grounding) -> list[str]:
    """Behaviours the text commits the block to that neither it nor what it uses shows."""
    prose = _CODE_SPAN.sub(" ", text)
    evidence = evidence_text(g)
    problems = []
    for said, shown, what in _BEHAVIOURS:
        m = said.search(prose)
        if m is None or _negated(prose, m.start()):
            continue
        if what == "recursion":
            ok = bool(g.block.name) and len(re.findall(r"(?<![\w.])" + re.escape(g.block.name) + r"\s*\(",
                                                          g.block.text)) > 1
        else:
            ok = shown.search(evidence) is not None
        if not ok:
            problems.append(f'claims {what} the code does not show ("{m.group(0)}")')
    return problems


_NEGATION = re.compile(r"\b(?:not|never|no|without|nor|neither|doesn't|does not|isn't|cannot|can't)\b[^.;,]*$",
                       re.IGNORECASE)


def _negated(text: str, at: int) -> bool:
    """The claim is denied ("it does not cache", "without retries")."""
    return _NEGATION.search(text[max(0, at - 60):at]) is not None


# --- parameters and options ---------------------------------------------------------------------------------
_PARAM_CLAIM = re.compile(
    r"`([A-Za-z_$][\w$.]*)`\s*(?:=\s*\S+\s+)?(?:argument|parameter|option|flag|keyword argument|setting|kwarg)s?\b"
    r"|\b(?:argument|parameter|option|flag|keyword argument|setting)s?\s+(?:called\s+|named\s+)?`([A-Za-z_$][\w$.]*)`"
    r"|\bpass(?:ing)?\s+`([A-Za-z_$][\w$]*)\s*=",
    re.IGNORECASE)


def parameter_problems(text: str, g: Grounding) -> list[str]:
    """A name the text calls a parameter or option must be one: a parameter of the block, or a name its code
    reads (an option key such as `options.retries`)."""
    if g.block.kind == "statements":
        return []
    code_names = set(re.findall(r"[A-Za-z_$][\w$]*", g.block.text))
    problems = []
    for m in _PARAM_CLAIM.finditer(text):
        name = next(n for n in m.groups() if n)
        last = name.split(".")[-1]
        if last not in code_names:
            problems.append(f"calls `{name}` a parameter, but the block has no parameter or option of that name")
    return problems


# --- errors -------------------------------------------------------------------------------------------------
_ERROR_NAME = (r"`?((?:\w+(?:::|\.))*(?:[A-Z]\w*(?:Error|Exception)\b|Err[A-Z]\w*|E[A-Z]{3,}\b)(?:::[A-Z]\w*)?"
               r"|(?:\w+::)+(?:Error|[a-z]+(?:_[a-z]+)+)\b)`?")
_ERROR_CLAIM = re.compile(r"\b(?:raises?|raised|throws?|thrown|panics? with|returns?|fails? with|gives?)\s+"
                          r"(?:an?\s+|the\s+)?" + _ERROR_NAME)


def error_problems(text: str, g: Grounding) -> list[str]:
    """An error the text says the block raises, throws or returns must be one its code or what it uses names
    (a qualified name by its last two parts: `io.ErrUnexpectedEOF`, `std::io::Error`)."""
    evidence = evidence_text(g)
    problems = []
    for m in _ERROR_CLAIM.finditer(text):
        name = m.group(1)
        parts = [p for p in re.split(r"::|\.", name) if p]
        if len(parts) > 1 and parts[-1][0].isupper() and not parts[-2][0].isupper() or len(parts) > 1 and \
                parts[-1] == "Error":
            needle = r"\b" + re.escape(parts[-2]) + r"(?:::|\.)" + re.escape(parts[-1]) + r"\b"
        else:
            needle = r"(?<![\w])" + re.escape(parts[-1]) + r"(?![\w])"
        if re.search(needle, evidence) is None:
            problems.append(f"says it raises or returns `{name}`, which the code never does")
    return problems


# --- what it returns, from the declaration ------------------------------------------------------------------
_CLAIM_KIND = {
    "boolean": "bool", "bool": "bool", "string": "str", "str": "str", "integer": "number", "int": "number",
    "number": "number", "float": "number", "list": "list", "array": "list", "vector": "list", "slice": "list",
    "dict": "dict", "dictionary": "dict", "map": "dict", "mapping": "dict", "tuple": "tuple", "set": "set",
    "promise": "promise", "function": "function", "callback": "function", "closure": "function",
}
_RETURNS_KIND = re.compile(r"(?<!which )(?<!that )(?<!it calls )\b(?:returns?|gives back)\s+(?:a|an|one)\s+"
                           r"(?:new\s+|single\s+|plain\s+)?(" + "|".join(_CLAIM_KIND) + r")\b", re.IGNORECASE)
_RETURNS_NOTHING = re.compile(r"\b(?:returns?|gives back)\s+(?:nothing|no value|no result|void)\b"
                              r"|\b(?:does not|doesn't|never) returns? (?:a value|anything|any value)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"`([^`]+)`\s*(?:also\s+|then\s+|only\s+)?$")
_COMPATIBLE = {("list", "bytes"), ("bytes", "list"), ("list", "set"), ("number", "bool")}


def declared_return_problems(text: str, g: Grounding) -> list[str]:
    """A claim about the kind of value the block returns that its declared return type (or, in JavaScript,
    every returned expression) contradicts. Python is `claims.return_claim_problems`' job."""
    if g.block.kind in ("class", "statements") or g.block.language == "python":
        return []
    declared = return_kind(g)
    if declared is None:
        return []
    name = g.block.name or ""
    names = {name, re.split(r"::|\.", name)[-1], ""}

    def about_block(m: re.Match) -> bool:  # "`quote` returns a list" is about a callee
        subject = _SUBJECT.search(text[max(0, m.start() - 80):m.start()])
        return subject is None or re.split(r"::|\.", subject.group(1).split("(")[0].strip())[-1] in names

    problems = []
    for m in _RETURNS_NOTHING.finditer(text):
        if about_block(m) and declared != "none":
            problems.append(f'says it returns nothing ("{m.group(0)}") but it returns a value')
            break
    for m in _RETURNS_KIND.finditer(text):
        claimed = _CLAIM_KIND[m.group(1).lower()]
        if not about_block(m) or claimed == declared or (claimed, declared) in _COMPATIBLE:
            continue
        if declared == "none" or (declared in _KNOWN and claimed in _KNOWN) or \
                (claimed == "bool" and declared in ("named", "error", "promise", "function")):
            problems.append(f'says "{m.group(0)}" but it returns {_SAY.get(declared, declared)}')
            break
    return problems


_MODIFIERS = {"public", "private", "protected", "static", "final", "inline", "extern", "virtual", "synchronized",
              "abstract", "const", "constexpr", "unsigned", "signed", "struct", "default", "native", "strictfp"}
_KNOWN = {"bool", "str", "number", "list", "dict", "tuple", "set", "bytes", "promise", "function"}
_SAY = {"none": "nothing", "named": "a value of its own type", "str": "a string", "bool": "a boolean",
        "number": "a number", "list": "a list", "dict": "a map", "bytes": "bytes", "error": "an error",
        "promise": "a promise", "function": "a function"}


def return_kind(g: Grounding) -> str | None:
    """The kind of value the block returns: "bool", "str", "number", "list", "dict", "bytes", "none",
    "promise", "function", "error", "named" (a type of its own); None when not known."""
    lang = g.block.language
    head = _header(g.block.text)
    if lang == "go":
        m = re.match(r"\s*func\s*(?:\([^)]*\)\s*)?[\w]+\s*(?:\[[^\]]*\])?\s*\(", head)
        if not m:
            return None
        rest = head[_close(head, m.end() - 1) + 1:].strip()
        first = rest.strip("()").split(",")[0].strip() if rest else ""
        return _type_kind(first.split()[-1] if first else "", lang) if first else "none"
    if lang == "rust":
        m = re.search(r"->\s*(.+?)\s*(?:\bwhere\b.*)?$", head, re.S)
        return _type_kind(m.group(1), lang) if m else "none"
    if lang == "typescript":
        end = _params_end(head)
        if end is None:
            return None
        m = re.match(r"\s*:\s*(.+?)\s*$", head[end + 1:], re.S)
        if m is None:
            return "promise" if re.match(r"\s*(?:export\s+)?(?:default\s+)?async\b", head) else None
        return _type_kind(m.group(1), lang)
    if lang in ("java", "c", "cpp"):
        i = head.find("(")
        if i < 0:
            return None
        pre = re.sub(r"@\w+(?:\([^)]*\))?|template\s*<[^>]*>", " ", head[:i])
        m = re.match(r"(.*?)([*&\s]*)((?:[\w:~]+::)?(?:operator\S*|[\w~]+))\s*$", pre, re.S)
        if m is None:
            return None
        words = [w for w in m.group(1).split() if w not in _MODIFIERS]
        if not words:  # a constructor
            return None
        pointer = m.group(2).strip()
        return _type_kind(" ".join(words) + (" " + pointer if pointer else ""), lang)
    if lang == "javascript":
        return _js_return_kind(g) or _doc_return_kind(g)
    return None


def _doc_return_kind(g: Grounding) -> str | None:
    """The type a JSDoc comment right above the block declares it returns (`@return {String}`)."""
    text = file_text(g)
    if not text:
        return None
    above = "\n".join(text.split("\n")[max(0, g.block.span.start - 30):g.block.span.start]).rstrip()
    if not above.endswith("*/"):
        return None
    doc = above[above.rfind("/**"):]
    m = re.search(r"@returns?\s*\{([^}]+)\}", doc)
    return _type_kind(m.group(1).strip().lower(), "javascript") if m else None


def _header(text: str) -> str:
    """The text of a definition before its body's opening brace (outside brackets and strings)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([<":
            depth += 1
        elif ch in ")]>" and depth:
            depth -= 1
        elif ch == "{" and depth == 0:
            head = text[:i]
            return re.sub(r"//[^\n]*|/\*.*?\*/", " ", head, flags=re.S)
    return text


def _close(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text) - 1


def _params_start(head: str) -> int | None:
    i = head.find("(")
    return i if i >= 0 else None


def _params_end(head: str) -> int | None:
    i = head.find("(")
    return _close(head, i) if i >= 0 else None


def _type_kind(t: str, lang: str) -> str:
    t = re.sub(r"\s+", " ", t).strip().rstrip(";")
    if not t or t in ("void", "()", "never") or t.startswith("asserts "):
        return "none"
    m = re.match(r"(?:std::)?(?:Result|Option|Optional|Promise|CompletableFuture)\s*<(.*)>$", t)
    if m:
        if t.startswith("Promise"):
            return "promise"
        inner = m.group(1).split(",")[0].strip()
        kind = _type_kind(inner, lang)
        return "error" if kind == "none" and t.startswith("Result") else kind
    if re.search(r"=>", t):
        return "function"
    if t in ("bool", "boolean", "Boolean", "_Bool"):
        return "bool"
    if t in ("string", "String", "str", "&str", "&'static str", "std::string", "char*", "char *", "const char*",
             "const char *") or re.fullmatch(r"&'\w+ str", t):
        return "str"
    if t in ("error",):
        return "error"
    if re.fullmatch(r"(?:u|i)(?:8|16|32|64|128|size)|f32|f64|int|long|short|float|double|number|Integer|Long|"
                    r"Double|Float|size_t|ssize_t|Py_ssize_t|u?int\d*(?:_t)?|uintptr|byte|rune|char", t):
        return "number"
    if re.fullmatch(r"Vec<u8>|\[\]byte|byte\[\]|bytes|Uint8Array|Buffer", t):
        return "bytes"
    if re.match(r"Vec<|\[\]|List<|ArrayList<|Array<|std::vector<|ReadonlyArray<", t) or t.endswith("[]"):
        return "list"
    if re.match(r"(?:Hash|BTree)?Map<|map\[|Record<|std::(?:unordered_)?map<|Dict<", t):
        return "dict"
    return "named"


def _js_return_kind(g: Grounding) -> str | None:
    """The one kind every JavaScript `return` of the block gives (ignoring bare returns and `undefined`), from
    the returned expressions and the declarations of the names returned; None when any is unknown."""
    text = g.block.text
    if re.match(r"\s*(?:export\s+)?(?:default\s+)?async\b", text):
        return "promise"
    body = _own_body(text)
    declared = {m.group(1): m.group(2) for m in re.finditer(r"\b(?:var|let|const)\s+(\w+)\s*=\s*([^;\n]+)", body)}
    kinds = set()
    for m in re.finditer(r"\breturn\b([^;]*?)(?:;|\n\s*\}|\n\s*(?:case|default)\b)", body, re.S):
        expr = m.group(1).strip()
        if not expr or expr in ("undefined", "null"):
            continue
        kinds.add(_js_kind(expr, declared))
    if not kinds or None in kinds or len(kinds) > 1:
        return None
    return kinds.pop()


def _own_body(text: str) -> str:
    """The block's text without nested function bodies (their returns are not the block's)."""
    i = 0
    inner = re.compile(r"(?:function\b[^{]*|=>\s*)\{")
    start = text.find("{")
    body = text[start + 1:] if start >= 0 else text
    while True:
        m = inner.search(body, i)
        if m is None:
            return body
        depth, j = 0, m.end() - 1
        while j < len(body):
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            if depth == 0:
                break
            j += 1
        body = body[:m.start()] + " " + body[j + 1:]
        i = m.start() + 1


def _js_kind(expr: str, declared: dict[str, str], depth: int = 0) -> str | None:
    expr = expr.strip()
    while expr.startswith("(") and _close(expr, 0) == len(expr) - 1:
        expr = expr[1:-1].strip()
    top = _top_level(expr)
    if "?" in top and ":" in top:  # a ? b : c
        q = top.index("?")
        c = top.index(":", q)
        a, b = _js_kind(expr[q + 1:c], declared, depth), _js_kind(expr[c + 1:], declared, depth)
        return a if a == b else None
    if re.fullmatch(r"""(['"`]).*\1""", expr, re.S):
        return "str"
    if re.fullmatch(r"-?\d[\d_.eE]*", expr):
        return "number"
    if expr in ("true", "false") or re.search(r"===|!==|==|!=|<=|>=|(?<![=])[<>](?!=)", top) or expr.startswith("!"):
        return "bool"
    if expr.startswith("["):
        return "list"
    if expr.startswith("{"):
        return "dict"
    if re.match(r"new Promise\b", expr):
        return "promise"
    if "+" in top:
        parts = [p for p in re.split(r"\+", top)]
        pos, kinds = 0, []
        for p in parts:
            kinds.append(_js_kind(expr[pos:pos + len(p)], declared, depth))
            pos += len(p) + 1
        if "str" in kinds:
            return "str"
        return "number" if kinds and all(k == "number" for k in kinds) else None
    if re.search(r"[*/%]|(?<!^)-", top) and not re.search(r"""['"`]""", expr):
        return "number"
    if re.fullmatch(r"[A-Za-z_$][\w$]*", expr) and expr in declared and depth < 2:
        return _js_kind(declared[expr], declared, depth + 1)
    if re.fullmatch(r"Math\.\w+\(.*\)|parseFloat\(.*\)|parseInt\(.*\)|Number\(.*\)", expr, re.S):
        return "number"
    if re.fullmatch(r"String\(.*\)|[\w$.]+\.(?:substring|slice|toLowerCase|toUpperCase|trim|join|replace)\(.*\)",
                    expr, re.S):
        return "str"
    return None


def _top_level(expr: str) -> str:
    """The expression with everything inside brackets and strings blanked (same length)."""
    out, depth, quote = [], 0, None
    for ch in expr:
        if quote:
            out.append(" ")
            if ch == quote:
                quote = None
            continue
        if ch in "'\"`":
            quote = ch
            out.append(" ")
            continue
        if ch in "([{":
            depth += 1
            out.append(" ")
            continue
        if ch in ")]}":
            depth = max(0, depth - 1)
            out.append(" ")
            continue
        out.append(ch if depth == 0 else " ")
    return "".join(out)


def commitment_problems(text: str, g: Grounding) -> list[str]:
    """Every check of this module on one text."""
    return (behaviour_problems(text, g) + parameter_problems(text, g) + error_problems(text, g)
            + declared_return_problems(text, g))
