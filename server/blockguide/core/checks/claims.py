"""Claims in a model's text that the code must confirm: versions, platforms and performance the code does not
show, talk about the guide itself, names that exist nowhere in the block or its context, and what the block
returns. Each check returns short reasons; an empty list accepts the text."""

from __future__ import annotations

import ast
import re
import textwrap
from typing import Iterable

from blockguide.core.checks.commitments import commitment_problems
from blockguide.core.checks.prose import context_text, invented_names, known_names, vague_terms
from blockguide.core.facts import Raise, Return, Yield
from blockguide.core.types import Grounding

# --- text helpers -----------------------------------------------------------------------------------------
CODE_SPAN = re.compile(r"`[^`\n]*`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\"'])")
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf)\.", re.IGNORECASE)


def prose_of(text: str) -> str:
    """The text with code in backticks replaced by a placeholder word (its dots end no sentence)."""
    return _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", ""), CODE_SPAN.sub("CODE", text))


def sentences(text: str) -> list[str]:
    """The sentences of a text (code in backticks is not split)."""
    text = prose_of(text.strip())
    return [s for s in _SENTENCE_END.split(text) if s.strip()] if text else []


def norm(text: str) -> str:
    """Lower case, words only: for comparing sentences."""
    return " ".join(re.findall(r"[a-z0-9_]+", text.lower()))


def code_norm(text: str) -> str:
    return re.sub(r"[\s`;:.]+", "", text.lower())


def words(text: str) -> list[str]:
    return prose_of(text).split()


# --- claims the code must confirm -------------------------------------------------------------------------
# (pattern, what it is about). A match passes when its words occur in the block or its context.
_CLAIMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), what) for p, what in (
    (r"\bpython\s*[23](?:\.\d+)*\b|\bpy[23]k?\b", "a Python version"),
    (r"\b(?:java|node(?:\.js)?|c\+\+|ecmascript|es|php|ruby|rust|typescript|kotlin|swift)\s*v?\d+(?:\.\d+)*\b"
     r"|\bgo\s*1\.\d+\b|\b(?:c|gnu)(?:89|90|99|11|17|18|23)\b|\bc\+\+(?:0x|1[147z]|2[03ac])\b",
     "a language version"),
    (r"\bversions?\s+v?\d|\b(?:newer|older|later|earlier|all|some|recent|current|previous|future) versions?\b"
     r"|\bversions? of (?:python|node|java|go|rust|the language)\b|\bdeprecated\b|\blegacy\b|\bbackwards? compatib\w*"
     r"|\bcompatib\w* (?:with|across) (?:python|versions?|older|newer|all)\b"
     r"|\bnot (?:available|supported) (?:in|on|for|by|under)\b", "versions or support"),
    (r"\bpromises?\b|\basync\w*|\basynchronous\w*|\bawait\w*|\bcoroutines?\b|\bconcurren\w*|\bin parallel\b"
     r"|\bthreads?\b|\bcallbacks?\b|\bevent loop\b", "asynchrony or concurrency"),
    (r"\bwindows\b|\blinux\b|\bmac\s?os\b|\bos\s?x\b|\bunix\b|\bposix\b|\bandroid\b|\bios\b|\bcross-platform\b"
     r"|\bplatforms?\b|\b(?:web )?browsers?\b|\bnode\.?js\b|\bdeno\b|\bweb workers?\b|\bserver[- ]side\b",
     "platforms"),
    (r"\bfast(?:er|est)?\b|\bquick(?:ly|er)?\b|\bslow(?:er|ly)?\b|\befficien\w*|\bperforman\w*|\boptimi[sz]\w*"
     r"|\boptimal\w*|\bspeed\w*|\bscal(?:able|ability)\b|\blightweight\b|\blatency\b|\bblazing\w*"
     r"|\bthread[- ]?safe\w*|\bthread safety\b|\bO\([^)]{1,12}\)", "performance"),
))
_META = re.compile(r"\b(?:this|the|our|above|below|following)\s+(?:usage\s+)?(?:example|guide|step|steps|section"
                   r"|documentation|json|description)\b|\b(?:above|below|following|next|first|second|third|previous|last)\s+"
                   r"(?:code|steps?)\b|\bin step \d+\b|\bas shown\b|\bjson object\b|\b(?:a|the) list of steps\b"
                   r"|\bdefined in (?:this|the) block\b", re.IGNORECASE)
# a text that addresses the reader ("This is how you ...", "You need to ...") instead of saying what the code does
_READER = re.compile(r"\b(?:you|your|yours|yourself)\b|\bhere'?s how\b|\bthis is how\b", re.IGNORECASE)
# identifiers written as code without backticks: dotted names, snake_case names, calls, CamelCase names
_BARE_CODE = re.compile(r"(?<![\w`.])(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z]*_\w*|[A-Za-z_]\w*\(\)"
                        r"|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)(?![\w`])")


def bare_code(prose: str) -> str:
    """The identifiers a text writes as code without backticks, each in backticks (for the name checks)."""
    return " ".join(f"`{m.group(0).removesuffix('()')}`" for m in _BARE_CODE.finditer(prose)
                    if not re.fullmatch(r"[a-z]\.[a-z]", m.group(0).lower()))


def claim_problems(text: str, g: Grounding, known: set[str] | None = None) -> list[str]:
    """What a description or a sentence says that the code does not show (see the module's doc)."""
    problems: list[str] = []
    vague = vague_terms(text)
    if vague:
        problems.append("vague: " + ", ".join(f'"{v}"' for v in vague))
    block = g.block.text.lower()
    for meta in _META.finditer(text):
        noun = meta.group(0).lower().split()[-1].rstrip("s")
        if not re.search(r"(?<!\w)" + re.escape(noun), block):  # code about steps may speak of "the steps"
            problems.append(f'talks about the guide ("{meta.group(0)}")')
            break
    reader = _READER.search(CODE_SPAN.sub(" ", text))
    if reader and not re.search(r"(?<!\w)" + re.escape(reader.group(0).lower()) + r"(?!\w)", block):
        problems.append(f'talks to the reader ("{reader.group(0)}"), not about the code')
    context = context_text(g).lower()
    prose = CODE_SPAN.sub(" ", text)
    for pattern, what in _CLAIMS:
        for m in pattern.finditer(prose):
            if not _shown(m.group(0).lower(), context):
                problems.append(f'claims about {what} the code does not show ("{m.group(0)}")')
                break
    known = known if known is not None else known_names(g)
    invented = invented_names(text + " " + bare_code(prose), known)
    if invented:
        problems.append("names not in the code: " + ", ".join(f"`{n}`" for n in invented[:5]))
    problems += return_claim_problems(text, g)
    problems += commitment_problems(text, g)
    return problems


def _shown(said: str, context: str) -> bool:
    """Whether the code or its context shows a claim's words: a single word by its stem ("versions" is shown by
    `version`, "efficiently" by `efficient`), anything else as written."""
    if re.fullmatch(r"[a-z]+", said) and len(said) > 5:
        return re.search(r"(?<!\w)" + re.escape(said[:max(4, len(said) - 3)]), context) is not None
    return re.search(r"(?<!\w)" + re.escape(said) + r"(?!\w)", context) is not None


# --- what a block returns ---------------------------------------------------------------------------------
_TYPE_WORDS = {
    "list": "list", "lists": "list", "array": "list", "dict": "dict", "dictionary": "dict", "mapping": "dict",
    "map": "dict", "string": "str", "str": "str", "integer": "number", "int": "number", "number": "number",
    "float": "number", "count": None, "boolean": "bool", "bool": "bool", "tuple": "tuple", "pair": "tuple",
    "set": "set", "bytes": "bytes", "generator": "iterator", "iterator": "iterator",
}
_ANNOTATION_KINDS = {
    "str": "str", "list": "list", "List": "list", "Sequence": None, "dict": "dict", "Dict": "dict",
    "Mapping": "dict", "int": "number", "float": "number", "complex": "number", "bool": "bool",
    "tuple": "tuple", "Tuple": "tuple", "set": "set", "Set": "set", "frozenset": "set", "bytes": "bytes",
    "Iterator": "iterator", "Generator": "iterator", "Iterable": "iterator", "AsyncIterator": "iterator",
    "AsyncGenerator": "iterator",
}
_RETURNS_NOTHING = re.compile(
    r"\b(?:returns?|gives back)\s+(?:`?None`?|nothing|no value|no result|void)\b"
    r"|\b(?:does not|doesn't|never) return(?:s)? (?:a value|anything|any value|a result)\b"
    r"|\bhas no return value\b", re.IGNORECASE)
_RETURNS_A = re.compile(r"(?<!which )(?<!that )(?<!it calls )\b(?:returns?|gives back)\s+(?:a|an|the|one)\s+"
                        r"(?:new\s+|single\s+|plain\s+|python\s+)?([a-z]+)\b", re.IGNORECASE)
_RETURNS_ANY = re.compile(r"(?<!which )(?<!that )\b(?:returns|gives back)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"`([^`]+)`\s*(?:also\s+|then\s+|only\s+)?$")


class _Returns:
    """What the block's code says about its result: Python through `ast`, other languages through the outline."""

    def __init__(self, g: Grounding) -> None:
        self.known = False  # False: say nothing (class blocks, code that does not parse)
        self.annotation: str | None = None  # the return annotation's outer kind, "none" for -> None
        self.values: list[str | None] = []  # kinds of the returned expressions (None: unknown), "none" for None
        self.bare = False  # a `return` without a value, or `return None`
        self.any_return = False
        self.generator = False
        self.falls_through = True  # the body may end without a return (an implicit None)
        self.may_be_none = False  # the return annotation allows None (Optional, X | None)
        if g.block.kind == "class":
            return
        if g.block.language == "python":
            self._python(g)
        else:
            self._outline(g)

    def _python(self, g: Grounding) -> None:
        try:
            tree = ast.parse(textwrap.dedent(g.block.text))
        except SyntaxError:
            return
        body = tree.body
        if g.block.kind in ("function", "method"):
            fn = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
            if fn is None:
                return
            body = fn.body
            rtype = re.search(r":rtype:\s*([\w.]+)\s*$", ast.get_docstring(fn) or "", re.M)
            if fn.returns is not None:
                self.annotation = _annotation_kind(fn.returns)
                self.may_be_none = "None" in ast.unparse(fn.returns) or "Optional" in ast.unparse(fn.returns)
            elif rtype:  # the docstring's declared type (reST `:rtype: str`, `:rtype: (str,str)`)
                self.annotation = _ANNOTATION_KINDS.get(rtype.group(1), "?")
            elif re.search(r":rtype:\s*\(", ast.get_docstring(fn) or ""):
                self.annotation = "tuple"
        elif g.block.kind != "statements":
            return
        assigned: dict[str, set[str | None]] = {}  # kinds of the values each plain name is given
        for node in _own_nodes(body):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, set()).add(_expression_kind(node.value))
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
                assigned.setdefault(node.target.id, set()).add(None)
        for node in _own_nodes(body):
            if isinstance(node, ast.Return):
                self.any_return = True
                if node.value is None or (isinstance(node.value, ast.Constant) and node.value.value is None):
                    self.bare = True
                elif isinstance(node.value, ast.Name) and len(assigned.get(node.value.id, ())) == 1:
                    self.values.append(next(iter(assigned[node.value.id])))  # `auth = (a, b)` ... `return auth`
                else:
                    self.values.append(_expression_kind(node.value))
            elif isinstance(node, (ast.Yield, ast.YieldFrom)):
                self.generator = True
        last = body[-1] if body else None
        self.falls_through = not isinstance(last, (ast.Return, ast.Raise))
        self.known = g.block.kind != "statements"

    def _outline(self, g: Grounding) -> None:
        # Only what an explicit return statement shows: other languages return in other ways (Rust's last
        # expression, arrow functions), so the absence of a return says nothing there.
        for a in _flow(g):
            if isinstance(a.fact, Return):
                self.any_return = True
                if a.fact.value is None or a.fact.value.strip() in ("nil", "null", "None", "undefined"):
                    self.bare = True
                else:
                    self.values.append(None)
            elif isinstance(a.fact, Yield):
                self.generator = True
        self.known = bool(self.values) and g.block.kind != "statements"
        top = [a for a in _flow(g) if a.depth == 0]
        # the block's last statement returns a value: no path ends without one (unless another return is bare)
        self.falls_through = not (top and isinstance(top[-1].fact, (Return, Raise)))

    @property
    def returns_value(self) -> bool:
        return bool(self.values) or (self.annotation not in (None, "none")) or self.generator

    def value_kind(self) -> str | None:
        """The one kind every returned value has, or the annotation's; None when not clear."""
        if self.annotation not in (None, "none", "?"):
            return self.annotation
        if self.annotation is None and self.values and not self.bare and not self.generator:
            kinds = set(self.values)
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop()
        return None


def _flow(g: Grounding) -> list:
    """The analysis' statements of the block, in order (each with .kind, .text, .depth): the one place the claim
    checks read the outline's facts."""
    return list(g.flow)


def _own_nodes(body: list[ast.stmt]) -> Iterable[ast.AST]:
    """The nodes of a body, without descending into nested functions, classes and lambdas."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def _annotation_kind(node: ast.expr) -> str:
    """The outer kind of a return annotation: "str", "list", ..., "none" for None, "?" when not clear
    (unions, Optional, Any, names of the project's own classes)."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return "none"
        if isinstance(node.value, str):  # a string annotation
            try:
                return _annotation_kind(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return "?"
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return "?"  # X | Y and the like
    if name == "NoReturn" or name == "Never":
        return "none"
    return _ANNOTATION_KINDS.get(name) or "?"


def _expression_kind(node: ast.expr) -> str | None:
    if isinstance(node, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(node, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(node, ast.Tuple):
        return "tuple"
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant) \
            and isinstance(node.func.value.value, str) and node.func.attr in ("join", "format"):
        return "str"  # "".join(parts), "{}".format(x)
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (int, float)):
            return "number"
        if isinstance(value, str):
            return "str"
        if isinstance(value, bytes):
            return "bytes"
    return None


def return_claim_problems(text: str, g: Grounding) -> list[str]:
    """Claims about what the block returns that its code contradicts. Conservative: only clear cases.

    - "returns None" / "returns nothing" when every return gives a value, none gives None, the body cannot
      end without one, and no annotation allows None; or when it is a generator or annotated with a type;
    - "returns a list" (a string, a dict, ...) when the annotation (or every returned literal) is another kind;
    - any "returns ..." about a Python function with no return, no yield and no annotation but None.
    Claims about what a called function returns ("calls `f`, which returns a list") are not read.
    """
    facts = _Returns(g)
    if not facts.known:
        return []
    name = g.block.name or ""

    def about_block(m: re.Match) -> bool:  # not "`quote` returns a list": that is about a callee
        subject = _SUBJECT.search(text[max(0, m.start() - 80):m.start()])
        return subject is None or subject.group(1).split("(")[0].strip() in (name, f"{name}()")

    problems: list[str] = []
    prose = text
    nothing = next((m for m in _RETURNS_NOTHING.finditer(prose) if about_block(m)), None)
    if nothing:
        if facts.annotation not in (None, "none", "?") or facts.generator:
            problems.append(f'says it returns nothing ("{nothing.group(0)}") but it returns a value')
        elif facts.values and not facts.bare and not facts.falls_through and not facts.may_be_none:
            problems.append(f'says it returns nothing ("{nothing.group(0)}") but every return gives a value')
        return problems
    claimed = None
    for m in _RETURNS_A.finditer(prose):
        word = m.group(1).lower()
        if word in _TYPE_WORDS and about_block(m):
            claimed = (_TYPE_WORDS[word], m.group(0))
            break
    kind = facts.value_kind()
    if claimed and claimed[0] and kind and claimed[0] != kind:
        problems.append(f'says "{claimed[1]}" but it returns a {kind}')
    if (g.block.language == "python" and not facts.any_return and not facts.generator
            and facts.annotation in (None, "none")):
        said = next((m for m in _RETURNS_ANY.finditer(prose) if about_block(m)), None)
        if said:
            problems.append(f'says it returns something ("{said.group(0)}") but it has no return statement')
    return problems




# --- words the code supports ---------------------------------------------------------------------------------
# Plain words any description of code may use. A model's content word outside this list and outside the code's
# own vocabulary (its names split into words, its docstrings, comments and context) is unsupported: a small
# model that writes about Celsius in a function that quotes URLs is recalling its training data, not the code.
GENERAL_WORDS = frozenset("""
able about above across after again against also always another answer anything argument arguments back based
because been before being below between both build builds built call called caller calling calls cannot case cases
change changed changes character characters check checked checking checks code come comes contain contains content
could create created creates current data default defined does done each either else empty ends every exactly fails
field fields first following form found from function functions further gets give given gives goes have here holds
however input inputs instead into item items itself just keep keeps kept last later least left like line lines list
lists long look loop loops made make makes many maps means method methods might more most must name named names need
needed needs never next none nothing number numbers object objects once only order other others otherwise output
outputs over pair parameter parameters part parts pass passed passes place plain print prints produce produces rather
reads result results return returned returns right same second sets should side since single some start starts still
such take taken takes tells than that their them then there these they thing this those three through time times
together true false turn turns type types under unless until used uses using value values variable variables very
want what when where whether which while whole will with within without word words work works would write writes
written your
add adds append appends remove removes removed replace replaces replaced drop drops strip strips trim trims join
joins joined split splits combine combines copy copies count counts compare compares match matches matching keep
format formats lowercase uppercase letter letters separator separators space spaces prefix suffix begin beginning
both ends error errors raise raises raised throw throws fail failed success valid invalid missing found
zero negative positive greater smaller less equal equals above below larger largest smallest
""".split())
_WORD = re.compile(r"[A-Za-z]{4,}")
IDENT_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _stem(word: str) -> str:
    return word.lower()[:5]


def vocabulary(text: str) -> frozenset[str]:
    """Every word a text of code uses, lower case: its words, its identifiers whole and split at `_` and
    camelCase."""
    words = set(_WORD.findall(text))
    for ident in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        words.add(ident)
        words.update(w for w in IDENT_PARTS.findall(ident) if len(w) >= 3)
    return frozenset(w.lower() for w in words)


def code_vocabulary(g: Grounding) -> frozenset[str]:
    """Every word the code and its context use (see `vocabulary`)."""
    return vocabulary(context_text(g))


def supported(word: str, vocabulary: frozenset[str]) -> bool:
    """The code uses the word, a word of the same stem, or a short form of it (`sep` for "separator")."""
    stem = _stem(word)
    return any(v.startswith(stem) or word.startswith(v) for v in vocabulary if len(v) >= 3)


def unsupported_words(text: str, vocabulary: frozenset[str]) -> tuple[list[str], int]:
    """(the content words of `text` the code does not support, how many content words it has). Code in
    backticks is left to the name checks."""
    content = [w.lower() for w in _WORD.findall(CODE_SPAN.sub(" ", text)) if w.lower() not in GENERAL_WORDS]
    return [w for w in content if not supported(w, vocabulary)], len(content)
