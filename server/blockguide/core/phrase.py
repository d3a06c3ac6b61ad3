"""The facts of core.facts in English: one phrase per fact kind, shared by every language.

`outline(src, block)` reads a block's facts and flattens them into `Action`s (one per statement, with its depth,
its line for the prompt and its fact) for the guide writer's step grouping; `describe` renders those as the
prompt's text lines. `clause(fact)` is what a statement does, as a verb phrase that follows "it" ("adds `bytes` to `ptr`",
"doubles `size`", "repeats until it returns `x` or breaks when `c == '\\n'`"); `outline_line(fact)` is the
prompt's line for it (a compound statement's header: "if `x`:", "for each `x` in `xs`:"). Names, values and
conditions are quoted as code, shortened whole (never cut inside a bracket).
"""

from __future__ import annotations

import re

from blockguide.core import facts as F
from blockguide.core.syntax.outline import read
from blockguide.core.syntax.quote import _quote
from blockguide.core.syntax.source import Source
from blockguide.core.syntax.split import split_top_level, top_level
from blockguide.core.types import Action, Block


LIMIT = 72


def code(text: str | None, limit: int = LIMIT) -> str:
    """`text` as inline code on one line, shortened whole (`f(a, ...)`), never cut inside a bracket."""
    return _quote(re.sub(r"\s+", " ", text or "").strip(), limit)


def join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _names(names: tuple[str, ...] | list[str]) -> str:
    return join([code(n, 40) for n in names])


_STRING = re.compile(r"""^[a-zA-Z]{0,2}("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)$""", re.DOTALL)


def is_string(value: str | None) -> bool:
    return bool(value) and bool(_STRING.match(value.strip()))


def _number(value: str | None) -> str | None:
    """The value as a plain number (`2`, `2.0`, `0x10`, `1u`, `2L`), else None."""
    if value is None:
        return None
    v = value.strip().rstrip("uUlLfF").removesuffix("usize").removesuffix("i32").removesuffix("u32") \
        .removesuffix("i64").removesuffix("u64")
    return v if re.fullmatch(r"\d+(\.0+)?|0[xX][0-9a-fA-F]+", v) else None


# --- a condition -------------------------------------------------------------------------------------------
_NULL = {"None", "null", "nil", "NULL", "undefined", "nullptr"}
_COMPARE = re.compile(r"===|!==|==|!=|<=|>=|(?<![<>=\-])[<>](?![<>=])")
_SAYS = {"==": ("is", "is not"), "===": ("is", "is not"), "!=": ("is not", "is"), "!==": ("is not", "is"),
         "<": ("is less than", "is at least"), "<=": ("is at most", "is greater than"),
         ">": ("is greater than", "is at most"), ">=": ("is at least", "is less than")}
_TYPEOF = {"undefined": ("is undefined", "is defined"), "function": ("is a function", "is not a function"),
           "object": ("is an object", "is not an object")}
# methods whose call reads as a plain relation: `s.startswith(p)` → "`s` starts with `p`"
_RELATIONS = {"startswith": "starts with", "startsWith": "starts with", "starts_with": "starts with",
              "endswith": "ends with", "endsWith": "ends with", "ends_with": "ends with",
              "includes": "contains", "contains": "contains", "has": "has", "containsKey": "has",
              "contains_key": "has", "has_key": "has"}
_EMPTY = ("is_empty", "isEmpty", "empty")
MAX_CONDITIONS = 6


def _unwrap(text: str) -> str:
    """Code without the brackets that hold all of it: `(a && b)` → `a && b`."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and top_level(text).strip() == "":
        text = text[1:-1].strip()
    return text


def _operand(text: str, limit: int) -> str | None:
    """An operand in a condition: a plain number as written, else whole code in backticks, else None."""
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    said = code(text, limit)
    return said if said.startswith("`") else None


def _literal(text: str) -> bool:
    return text in _NULL or is_string(text) or _number(text) is not None or text in ("true", "false", "True", "False")


def _article(name: str) -> str:
    return "an" if name.lstrip("`")[:1].lower() in "aeiou" else "a"


def _form(c: str, limit: int) -> tuple[str, str] | None:
    """A condition of a common form in words, and its negation; None for any other."""
    c = _unwrap(c)
    flat = top_level(c)
    if re.search(r"[?;]|\b(if|else|let|as|lambda)\b|(?<![&|])[&|^](?![&|])", flat) or ":=" in flat:
        return None  # a conditional expression, a `let` pattern, bit operators: said as code
    m = re.fullmatch(r"(?:not\s+|!\s*)(.+)", c, re.S)
    if m and not c.startswith("!="):
        if c.startswith("!") and re.search(r"[=<>&|?\s]", top_level(m.group(1)).strip()):
            return None  # `!a == b` is `(!a) == b`: `!` binds tighter than any operator after it
        inner = _form(m.group(1), limit)
        return (inner[1], inner[0]) if inner else None
    m = re.fullmatch(r"isinstance\((.+)\)", c, re.S)
    if m and top_level(c[:-1]).rstrip().endswith("isinstance"):
        args = split_top_level(m.group(1))
        if len(args) == 2:
            kinds = split_top_level(_unwrap(args[1])) if args[1].startswith("(") else [args[1]]
            subject = _operand(args[0], 40)
            said = [_operand(k, 30) for k in kinds]
            if subject and all(said) and said:
                kinds = [f"{_article(k)} {k}" for k in said]
                return (f"{subject} is " + join(kinds, "or"),
                        f"{subject} is not {kinds[0]}" if len(kinds) == 1 else
                        f"{subject} is neither " + " nor ".join(kinds))
        return None
    m = re.fullmatch(r"defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?", c)  # the C preprocessor's `defined(NAME)`
    if m:
        return f"`{m.group(1)}` is defined", f"`{m.group(1)}` is not defined"
    m = re.fullmatch(r"(.+?)\s+instanceof\s+([\w.$]+)", c, re.S)
    if m and " instanceof " in flat:
        subject, kind = _operand(m.group(1), 40), _operand(m.group(2), 30)
        if subject and kind:
            return f"{subject} is {_article(kind)} {kind}", f"{subject} is not {_article(kind)} {kind}"
        return None
    m = re.fullmatch(r"""typeof\s+(.+?)\s*(===|==|!==|!=)\s*(['"])(\w+)\3""", c, re.S)
    if m:
        subject = _operand(m.group(1), 40)
        yes, no = _TYPEOF.get(m.group(4), (f"is {_article(m.group(4))} {m.group(4)}",
                                            f"is not {_article(m.group(4))} {m.group(4)}"))
        if subject:
            return (f"{subject} {yes}", f"{subject} {no}") if m.group(2) in ("===", "==") else \
                (f"{subject} {no}", f"{subject} {yes}")
        return None
    for word, yes, no in ((" not in ", "is not in", "is in"), (" in ", "is in", "is not in"),
                          (" is not ", "is not", "is"), (" is ", "is", "is not")):
        parts = split_top_level(c, (word,))
        if len(parts) == 2 and word in flat:
            a, b = _operand(parts[0], 40), _operand(parts[1], 40)
            return (f"{a} {yes} {b}", f"{a} {no} {b}") if a and b else None
    ops = list(_COMPARE.finditer(flat))
    if len(ops) == 1 and not re.search(r"::<|\bnot\b", flat) and not flat.lstrip().startswith("!"):
        op = ops[0].group(0)
        a, b = c[:ops[0].start()].strip(), c[ops[0].end():].strip()
        if _literal(a) and not _literal(b):  # `null != x`, `'q' == p[0]`: the subject first
            a, b = b, a
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        yes, no = _SAYS[op]
        if op in ("==", "===", "!=", "!==") and b not in _NULL and b not in ("true", "false", "True", "False"):
            # equality of values, not identity ("is" is Python's `is`): `i != strip_value` -> "`i` does not
            # equal `strip_value`"; a null or a truth value still reads "is": "`x` is None"
            yes, no = ("equals", "does not equal") if op in ("==", "===") else ("does not equal", "equals")
        size = re.fullmatch(r"len\((.+)\)|(.+?)\.(?:length|size\(\)|len\(\)|count\(\))", a, re.S)
        if size and b == "0" and op in ("==", "===", "<=", "!=", "!==", ">"):
            subject = _operand(size.group(1) or size.group(2), 40)
            empty = op in ("==", "===", "<=")
            if subject:
                return (f"{subject} is empty", f"{subject} is not empty") if empty else \
                    (f"{subject} is not empty", f"{subject} is empty")
        said_a, said_b = _operand(a, limit), _operand(b, limit)
        if said_a and said_b and a and b:
            return f"{said_a} {yes} {said_b}", f"{said_a} {no} {said_b}"
        return None
    m = re.fullmatch(r"(.+)\.(\w+)\((.*)\)", c, re.S)
    if m and top_level(c).rstrip().endswith(m.group(2)) and not ops:
        receiver, method, args = m.group(1), m.group(2), split_top_level(m.group(3))
        subject = _operand(receiver, 40)
        if subject and method in _EMPTY and not args:
            return f"{subject} is empty", f"{subject} is not empty"
        if subject and method in _RELATIONS and len(args) == 1 and (said := _operand(args[0].lstrip("&"), 40)):
            relation = _RELATIONS[method]
            negative = {"has": "does not have", "contains": "does not contain"}.get(
                relation, "does not " + relation.replace("starts", "start").replace("ends", "end"))
            return f"{subject} {relation} {said}", f"{subject} {negative} {said}"
    return None


def _whether(text: str | None) -> str:
    """A condition after "checks": as code, or "whether" and its words."""
    said = condition(text)
    return said if said == code(text) else f"whether {said}"


def condition(text: str | None, limit: int = LIMIT) -> str:
    """A condition said plainly, as the words that follow "if", "when" or "while": each part of an `and` / `or`
    said apart, a common form in words (`isinstance(x, str)` → "`x` is a `str`", `key in cache` → "`key` is in
    `cache`", `n > 0` → "`n` is greater than 0", `typeof f === 'function'` → "`f` is a function"), any other
    part as code, shortened whole. Never "an expression that calls ...": a part that cannot be quoted whole is
    said by its own parts."""
    c = _unwrap(re.sub(r"\s+", " ", text or "").strip())
    if not c:
        return code(c)
    flat = top_level(c)
    if not re.search(r"[?;]|\bif\b", flat):
        ors = split_top_level(c, ("||", " or "))
        groups = [split_top_level(_unwrap(o), ("&&", " and ")) for o in ors]
        if len(ors) > 1 or len(groups[0]) > 1:
            parts = [p for g in groups for p in g]
            if len(parts) <= MAX_CONDITIONS:
                said = [join([condition(p, limit) for p in g]) for g in groups]
                if len(said) == 1:
                    return said[0]
                return ", or ".join(said) if any(len(g) > 1 for g in groups) else join(said, "or")
    form = _form(c, limit)
    return form[0] if form else code(c, limit)


def _ternary(text: str) -> tuple[str, str, str] | None:
    """(condition, value if true, value if false) of a conditional expression at the top level of `text`:
    `c ? a : b`, Python's `a if c else b`; None for any other."""
    flat = top_level(text)
    m = re.search(r"(?<![?])\?(?![.?])", flat)
    if m and not flat[m.end():].lstrip().startswith(("=", ")", ",", ";")):
        depth = 0
        for i in range(m.end(), len(flat)):
            if flat[i] == "?" and flat[i + 1:i + 2] not in (".", "?") and flat[i - 1] != "?":
                depth += 1
            elif flat[i] == ":" and flat[i + 1:i + 2] != ":" and flat[i - 1] != ":":
                if depth == 0:
                    parts = text[:m.start()].strip(), text[m.end():i].strip(), text[i + 1:].strip()
                    return parts if all(parts) else None
                depth -= 1
        return None
    if " if " in flat and " else " in flat:
        when, rest = split_top_level(text, (" if ",)), None
        if len(when) == 2:
            rest = split_top_level(when[1], (" else ",))
        if rest and len(rest) == 2:
            return rest[0], when[0], rest[1]
    return None


def value_of(text: str | None, limit: int = LIMIT) -> str:
    """A value as inline code, shortened whole; a conditional one too long for that said as its two values and
    its condition ("`defaults.charset` if `opts.charset` is undefined, otherwise `opts.charset`"), never as the
    names it calls."""
    said = code(text, limit)
    if said.startswith("`"):
        return said
    plain = _unwrap(re.sub(r"\s+", " ", text or "").strip())
    parts = _ternary(plain)
    if parts is None:
        return said
    when, yes, no = parts
    return f"{value_of(yes, 50)} if {condition(when, 60)}, otherwise {value_of(no, 50)}"


# --- one statement -----------------------------------------------------------------------------------------
def assign(f: F.Assign) -> str:
    """An assignment of any operator, said as what it does."""
    targets = f.targets
    # no name was read (a declaration the grammar could not take apart): plain words, never a made-up name
    target = "a value" if not targets else code(targets[0], 40) if len(targets) == 1 else _names(targets)
    value = value_of(f.value) if f.value is not None else ""
    n = _number(f.value)
    op = f.op
    if op == F.Op.INC or (op == F.Op.ADD and n in ("1",)):
        return f"increments {target}"
    if op == F.Op.DEC or (op == F.Op.SUB and n in ("1",)):
        return f"decrements {target}"
    if op == F.Op.ADD:
        return f"appends {value} to {target}" if is_string(f.value) else f"adds {value} to {target}"
    if op == F.Op.SUB:
        return f"subtracts {value} from {target}"
    if op == F.Op.MUL:
        return f"doubles {target}" if n == "2" else f"multiplies {target} by {value}"
    if op == F.Op.DIV:
        return f"halves {target}" if n == "2" else f"divides {target} by {value}"
    if op == F.Op.FLOOR_DIV:
        return f"divides {target} by {value}, rounding down"
    if op == F.Op.MOD:
        return f"sets {target} to its remainder after dividing by {value}"
    if op == F.Op.POW:
        return f"raises {target} to the power {value}"
    if op == F.Op.BIT_OR:
        return f"sets the bits of {value} in {target}"
    if op == F.Op.BIT_AND:
        return f"keeps only the bits of {value} in {target}"
    if op == F.Op.BIT_XOR:
        return f"flips the bits of {value} in {target}"
    if op == F.Op.SHL:
        return f"shifts {target} left by {value} bits"
    if op == F.Op.SHR:
        return f"shifts {target} right by {value} bits"
    if op == F.Op.NULLISH:
        return f"defaults {target} to {value} when it is null or undefined"
    if op == F.Op.OR:
        return f"defaults {target} to {value} when it is empty or false"
    if op == F.Op.AND:
        return f"replaces {target} with {value} when it is set"
    if op == F.Op.DECLARE:
        return f"declares {target}"
    if f.values and len(f.values) == len(targets):
        declares = op == F.Op.WALRUS and f.declared
        said = [f"{code(t, 40)} {'as' if declares else 'to'} {value_of(v)}" for t, v in zip(targets, f.values)
                if v is not None]
        bare = [code(t, 40) for t, v in zip(targets, f.values) if v is None]
        verb = "declares" if declares else "sets"
        return join(([f"{verb} " + join(said)] if said else []) + (["declares " + join(bare)] if bare else []))
    if f.value is None:
        return f"declares {target}"
    if f.destructured and len(targets) > 1:
        return f"unpacks {value} into {target}"
    if op == F.Op.WALRUS and f.declared:
        return f"declares {target} as {value}"
    return f"sets {target} to {value}"


def _exits(loop: F.Loop, limit: int = 3) -> list[str]:
    """How a loop ends, one clause per way out: "returns `x`", "breaks when `c == '\\n'`"."""
    out = []
    for e in loop.exits:
        f = e.fact
        if isinstance(f, F.Return):
            what = f"returns {code(f.value, 40)}" if f.value else "returns without a value"
        elif isinstance(f, F.Raise):
            verb = "throws" if f.code.lstrip().startswith("throw") else "raises"
            what = f"{verb} {code(f.value, 40)}" if f.value else f"re-{verb} the error"
        elif isinstance(f, F.Expr):
            what = f"returns early on an error from {code(f.code, 40)}"
        else:
            what = "breaks"
        when = f" when {condition(e.when[-1], 50)}" if e.when else ""
        clause = what + when
        if clause not in out:
            out.append(clause)
    if len(out) > limit:
        out = out[:limit - 1] + [f"{len(out) - limit + 1} other ways"]
    return out


def loop(f: F.Loop) -> str:
    """What a loop repeats over, or for an endless one, how it ends."""
    if f.kind == F.LoopKind.FOR_EACH:
        var = f" (as {code(f.var, 30)})" if f.var else ""
        return f"loops over {code(f.iterable, 50)}{var}"
    if f.kind == F.LoopKind.ENDLESS:
        exits = _exits(f)
        return f"repeats until it {join(exits, 'or')}" if exits else "repeats forever"
    if f.kind == F.LoopKind.C_FOR:
        var = f" {code(f.var, 30)}" if f.var else ""
        return f"steps{var} while {condition(f.condition, 50)}" if var else \
            f"repeats while {condition(f.condition, 50)}"
    if f.kind == F.LoopKind.DO_WHILE:
        return f"runs its body, then repeats while {condition(f.condition, 50)}"
    return f"repeats while {condition(f.condition, 50)}"


def _body(facts: tuple[F.Fact, ...], limit: int) -> str:
    """A body inside another statement: its first statements said whole, the rest by what they change, call
    and end with (a body of one more statement than the limit is said whole)."""
    said = [c for c in dict.fromkeys(nested(b) for b in facts) if c]
    if len(said) > limit + 1:
        rest = rest_of(facts[limit - 1:])
        if rest:
            said = said[:limit - 1] + [rest]
    return join(said) or "does nothing"


MAX_REST_NAMES = 3


def rest_of(facts: tuple[F.Fact, ...]) -> str:
    """Statements past a body's limit, said by the names they set and call and how they end ("then sets `a`
    and `b`, calls `f` and returns `x`"): names, never a count of statements."""
    sets: list[str] = []
    calls: list[str] = []
    ends: list[str] = []
    for f in F.walk(facts):
        if isinstance(f, F.Assign):
            sets += [t for t in f.targets if t not in sets]
        elif isinstance(f, (F.Return, F.Raise, F.Yield)):
            ends.append(clause(f))
        calls += [c.callee for c in f.calls if c.callee not in calls]
        if isinstance(f, F.Call) and f.callee not in calls:
            calls.append(f.callee)
    parts = []
    for verb, names in (("sets", sets), ("calls", calls)):
        if names:
            shown = [code(n, 40) for n in names[:MAX_REST_NAMES]]
            parts.append(f"{verb} {join(shown + ['others'] if len(names) > MAX_REST_NAMES else shown)}")
    parts += list(dict.fromkeys(ends))[:2]
    return "then " + join(parts) if parts else ""


def nested(f: F.Fact) -> str:
    """A statement inside another one's body: a branch in brackets, so its arms cannot be read as the outer
    statement's ("sets `r` and (if `a`, adds `x`; otherwise removes `x`)")."""
    said = clause(f)
    bracketed = isinstance(f, F.Branch) or isinstance(f, F.Switch) and ": " in said
    return f"({said})" if bracketed and said else said


def switch(f: F.Switch, limit: int = 2) -> str:
    """A switch or match inside a body as one clause that follows "it", each case's values (or, in Go's switch
    without a subject, its condition) before what it does: "switches on `f`: for `A` or `B`, returns `x`;
    otherwise returns `y`". A `select` is said by its head alone."""
    if f.subject:
        head = f"{'matches' if f.is_match else 'switches on'} {code(f.subject)}"
    else:
        head = "checks the cases in turn" if f.tagless else "runs the first ready case"
    if not f.subject and not f.tagless:
        return head
    parts: list[str] = []
    waiting: list[str] = []  # the values of empty cases that run the next case's body
    for case in f.cases:
        body = tuple(b for b in case.body if not (isinstance(b, F.Jump) and b.leaves_switch))
        if not body and case.falls_through and case.labels:
            waiting += list(case.labels)
            continue
        labels, waiting = waiting + list(case.labels), []
        what = _body(body, limit)
        if not labels:
            parts.append(f"otherwise {what}")
        elif f.tagless:
            parts.append(f"when {join([condition(l) for l in labels], 'or')}, {what}")
        else:
            parts.append(f"for {join([code(l, 50) for l in labels], 'or')}, {what}")
    return head + (": " + "; ".join(parts) if parts else "")


def branch(f: F.Branch, limit: int = 2) -> str:
    """An if-chain as one clause that follows "it", each arm's condition before what it does: "checks `!p` and,
    if so, returns `-1`; else if `q`, ...; otherwise adds `n` to `total`"."""
    parts = []
    for n, arm in enumerate(f.arms):
        body = _body(arm.body, limit)
        if arm.condition is None:
            parts.append(f"otherwise {body}")
        else:
            parts.append(f"checks {_whether(arm.condition)} and, if so, {body}" if n == 0 else
                         f"else if {condition(arm.condition)}, {body}")
    return "; ".join(parts)


def clause(f: F.Fact) -> str:
    """What one statement does, as the words that follow "it"."""
    if isinstance(f, F.Assign):
        return assign(f)
    if isinstance(f, F.Call):
        said = re.sub(r"^await\s+", "", f.code.rstrip(";"))
        return f"{'awaits' if f.awaited else 'calls'} {code(said)}"
    if isinstance(f, F.Return):
        return f"returns {value_of(f.value)}" if f.value else "returns without a value"
    if isinstance(f, F.Raise):
        verb = "throws" if f.code.lstrip().startswith("throw") else "raises"
        cause = f" from {code(f.cause, 30)}" if f.cause else ""
        return f"{verb} {code(f.value)}{cause}" if f.value else f"re-{verb} the error it is handling"
    if isinstance(f, F.Yield):
        return f"yields {code(f.value)}" if f.value else "yields"
    if isinstance(f, F.Loop):
        return loop(f)
    if isinstance(f, F.Branch):
        return branch(f)
    if isinstance(f, F.Arm):
        return f"checks {_whether(f.condition)}" if f.condition else "otherwise runs the else branch"
    if isinstance(f, F.Switch):
        return switch(f)
    if isinstance(f, F.Case):
        return ""
    if isinstance(f, F.Try):
        return f"opens {code(f.resources)}" if f.resources else "tries the statements below"
    if isinstance(f, F.Handler):
        return f"catches {code(f.exceptions)}" if f.exceptions else "catches errors"
    if isinstance(f, F.With):
        return "enters " + join([code(i) for i in f.items]) if f.items else "enters a context"
    if isinstance(f, F.Jump):
        return {F.JumpKind.CONTINUE: "continues with the next iteration", F.JumpKind.GOTO: f"jumps: {code(f.code)}"
                }.get(f.kind, "leaves the switch" if f.leaves_switch else "breaks out of the loop")
    if isinstance(f, F.Define):
        return f"defines the {f.kind} {code(f.signature or f.name, 60)}"
    if isinstance(f, F.Import):
        return f"imports {code(f.code)}"
    if isinstance(f, F.Delete):
        return ("destroys and frees " if f.frees else "deletes ") + join([code(t) for t in f.targets])
    if isinstance(f, F.Assert):
        said = condition(f.condition)
        return f"asserts {said}" if said == code(f.condition) else f"asserts that {said}"
    if isinstance(f, F.Defer):
        verb = "defers" if f.kind == F.DeferKind.DEFER else "starts a goroutine running"
        return f"{verb} {code(f.call)}"
    if isinstance(f, F.Expr) and f.propagates:
        return f"evaluates {code(f.code)} and returns early on an error"
    return f"evaluates {code(f.code.rstrip(';'))}"


def outline_line(f: F.Fact, first: bool = True) -> str:
    """The prompt's line for one statement: a compound statement's header, else its clause."""
    if isinstance(f, F.Branch):
        return f"if {code(f.arms[0].condition)}:"
    if isinstance(f, F.Arm):
        if f.condition is None:
            return "else:"
        return f"{'if' if first else 'else if'} {code(f.condition)}:"
    if isinstance(f, F.Loop):
        if f.kind == F.LoopKind.FOR_EACH:
            return f"for each {code(f.var or '_')} in {code(f.iterable)}:"
        return loop(f) + ":"
    if isinstance(f, F.Switch):
        return f"{'match' if f.is_match else 'switch'} on {code(f.subject)}:" if f.subject else "select:"
    if isinstance(f, F.Case):
        return f"case {code(' | '.join(f.labels))}:" if f.labels else "default:"
    if isinstance(f, F.Try):
        return f"try with resources {code(f.resources)}:" if f.resources else "try:"
    if isinstance(f, F.Handler):
        word = "except" if f.code.lstrip().startswith("except") else "catch"
        what = f" {code(f.exceptions)}" if f.exceptions else ""
        name = f" as {code(f.name)}" if f.name else ""
        return f"{word}{what}{name}:"
    if isinstance(f, F.With):
        return f"{'async with' if f.asynchronous else 'with'} {join([code(i) for i in f.items])} (context manager):"
    if isinstance(f, F.Return) and f.implicit:
        return f"returns {code(f.value)}"
    if isinstance(f, F.Define) and f.kind == F.DefineKind.METHOD:
        summary = method_summary(f)
        return f"method {code(f.signature or f.name, 60)}" + (f": {summary}" if summary else "")
    if isinstance(f, F.Assign) and f.declared and f.op == F.Op.DECLARE:
        return f"declares {_names(f.targets)}"
    return clause(f)


def extends(name: str, bases: tuple[str, ...]) -> str:
    return f"class {code(name)} extends {join([code(b) for b in bases])}"


# --- the calls a reader needs ----------------------------------------------------------------------------
MAX_CALLS = 4


def calls_that_matter(facts: list[F.Fact] | tuple[F.Fact, ...]) -> list[str]:
    """The calls a reader of the Description needs, in code order: those made for what they do (a call as a
    statement, deferred, or the iterable of a loop) and those whose result the block keeps (an assignment's
    value), each the outermost call of its statement. Not the calls inside a condition or an assert (the steps
    say those), nor inside another call's arguments, nor those in a value the block returns or raises (the
    sentences after this one quote it)."""
    out: list[str] = []
    for f in facts:
        if isinstance(f, F.Call):
            names = [f.callee]
        elif isinstance(f, F.Defer):
            names = [c.callee for c in f.calls[-1:]]
        elif isinstance(f, F.Assign) and f.value:
            names = [c.callee for c in f.calls if _outermost(c.callee, f.value)]
        elif isinstance(f, F.Loop) and f.kind == F.LoopKind.FOR_EACH and f.iterable:
            names = [c.callee for c in f.calls if _outermost(c.callee, f.iterable)]
        else:  # a condition, an assert, a return, a raise, a yield: said by their own sentences and steps
            names = []
        out += [n for n in names if n and n not in out]
    return out


def _outermost(callee: str, value: str) -> bool:
    """Whether the call of `callee` stands at the top level of `value` (not inside another call's brackets)."""
    name = re.split(r"\.|::|->|\s", callee.removeprefix("new ").strip())[-1]
    return bool(name) and re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", top_level(value)) is not None


# --- a method's top level, for a class's steps -------------------------------------------------------------
def method_summary(f: F.Define) -> str:
    """What a method does: "sets `self.a`, calls `b` and returns `c`"."""
    body = f.members
    parts = []
    sets = [t for s in body if isinstance(s, F.Assign) for t in s.targets if t.startswith(("self.", "this."))]
    if sets:
        parts.append("sets " + _names(list(dict.fromkeys(sets))[:4]))
    raised = [re.split(r"[(\s]", s.value.removeprefix("new "))[0] for s in F.walk(body)
              if isinstance(s, F.Raise) and s.value]
    raised = list(dict.fromkeys(r for r in raised if r))
    calls = [c for c in calls_that_matter(list(F.walk(body))) if c.removeprefix("new ") not in raised]
    if calls:
        parts.append("calls " + _names(calls[:MAX_CALLS]))
    top = [s for s in body if isinstance(s, F.Return) and s.value]
    if top:
        parts.append("returns " + code(top[-1].value, 50))
    else:
        nested = [s for s in F.walk(body) if isinstance(s, F.Return) and s.value]
        if len(nested) == 1:
            parts.append("returns " + code(nested[0].value, 50))
        elif nested:
            parts.append("returns " + join([code(s.value, 30) for s in nested[:3]], "or"))
    if raised:
        verb = "throws" if any(isinstance(s, F.Raise) and s.code.lstrip().startswith("throw")
                               for s in F.walk(body)) else "raises"
        parts.append(f"{verb} " + join([code(r, 40) for r in raised[:3]], "or"))
    if any(isinstance(s, F.Yield) for s in F.walk(body)):
        parts.append("yields values")
    return join(parts)


# --- the facts flattened: the step grouping's Actions and the prompt's lines -------------------------------------
def outline(src: Source, block: Block) -> list[Action]:
    """The block's statements in code order, one Action each, nested ones one level deeper."""
    return flatten(read(src, block))


def flatten(out: F.Outline) -> list[Action]:
    actions: list[Action] = []
    if out.extends:
        first = out.facts[0].line if out.facts else 0
        actions.append(Action(first, 0, "class", extends(out.name, out.extends)))

    def add(fact: F.Fact, depth: int) -> None:
        actions.append(Action(fact.line, depth, _kind(fact), outline_line(fact),
                              calls=tuple(dict.fromkeys(c.callee for c in _own_calls(fact))),
                              io=tuple(dict.fromkeys((c.io, c.callee) for c in _own_calls(fact) if c.io)),
                              awaits=fact.awaits, targets=_bound(fact), fact=fact))
        if isinstance(fact, F.Define):
            return
        if isinstance(fact, F.Branch):
            for n, arm in enumerate(fact.arms):
                if n:
                    actions.append(Action(arm.line, depth, "else", outline_line(arm, first=False),
                                          calls=tuple(dict.fromkeys(c.callee for c in arm.calls)),
                                          awaits=arm.awaits, fact=arm))
                for child in arm.body:
                    add(child, depth + 1)
            return
        def clause_of(kind: str, text: str, owner: F.Fact, body: tuple[F.Fact, ...], line: int | None = None):
            """A clause of a compound statement (a handler, an `else`, a `finally`) and the statements in it."""
            if line is None and not body:
                return
            actions.append(Action(body[0].line if line is None else line, depth, kind, text, fact=owner))
            for child in body:
                add(child, depth + 1)

        if isinstance(fact, F.Try):
            for child in fact.body:
                add(child, depth + 1)
            for h in fact.handlers:
                clause_of("except", outline_line(h), h, h.body, h.line)
            # a try's `else` and `finally` keep the try as their fact
            clause_of("else", "else (no exception):", fact, fact.orelse)
            clause_of("finally", "finally:", fact, fact.final)
            return
        if isinstance(fact, F.Loop):
            for child in fact.body:
                add(child, depth + 1)
            clause_of("else", "else (the loop ended without a break):", fact, fact.orelse)
            return
        if isinstance(fact, F.Switch):
            for case in fact.cases:
                actions.append(Action(case.line, depth + 1, "case", outline_line(case), fact=case))
                for child in case.body:
                    add(child, depth + 2)
            return
        for child in fact.children():
            add(child, depth + 1)

    for f in out.facts:
        add(f, 0)
    return actions


def _own_calls(fact: F.Fact) -> tuple[F.CallRef, ...]:
    """A statement's own calls: a branch's are its first condition's (its arms are flattened apart)."""
    if isinstance(fact, F.Branch) and fact.arms:
        return fact.arms[0].calls
    return fact.calls


def _bound(fact: F.Fact) -> tuple[str, ...]:
    if isinstance(fact, F.Assign):
        return tuple(t for t in fact.targets if re.fullmatch(r"[A-Za-z_$][\w$]*", t)) if fact.op != F.Op.DECLARE \
            or fact.declared else fact.targets
    if isinstance(fact, F.With):
        return fact.targets
    if isinstance(fact, F.Define):
        return (fact.name,) if fact.name else ()
    return ()  # a loop's variable is its own, never a name the block sets


_KINDS = {F.Assign: "assign", F.Call: "call", F.Return: "return", F.Raise: "raise", F.Yield: "yield",
          F.Branch: "branch", F.Switch: "switch", F.Loop: "loop", F.Try: "try", F.With: "with", F.Jump: "jump",
          F.Define: "define", F.Import: "import", F.Assert: "check", F.Defer: "defer", F.Expr: "statement",
          F.Delete: "statement",
          F.Arm: "else", F.Case: "case", F.Handler: "except"}


def _kind(fact: F.Fact) -> str:
    if isinstance(fact, F.Try) and fact.resources:
        return "with"
    if isinstance(fact, F.Expr) and fact.propagates:
        return "call"
    return _KINDS[type(fact)]


def describe(actions: list[Action]) -> list[str]:
    """The outline as text lines for the prompt: `line N: <indent>what it does (calls ...)`."""
    lines = []
    for a in actions:
        extra = []
        called = [c for c in a.calls if c not in a.text] if a.kind != "define" else []
        if called:
            extra.append("calls " + ", ".join(f"`{c}`" for c in called[:6]))
        for kind, callee in a.io:
            extra.append(f"{kind} I/O: `{callee}`")
        if a.awaits and "await" not in a.text:
            extra.append("awaits")
        lines.append(f"line {a.line + 1}: {'  ' * a.depth}{a.text}" + (f" ({'; '.join(extra)})" if extra else ""))
    return lines
