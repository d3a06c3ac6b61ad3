"""What a block's code does, as typed data: one frozen record per statement, children held by their parent.

core.syntax.outline reads these from the syntax tree (every language); core.phrase says them in English. No
record holds English: names, values and conditions are the code's own text, kinds are enums. Every record
keeps its lines (`span`, document lines, half-open), its code text and the calls it makes in the order they
run, each with its I/O kind (`Calls`), so nothing downstream has to find a statement again by its wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterator

from blockguide.core.types import Span


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return self.value


class Op(_StrEnum):
    """How an assignment changes its target."""

    SET = "="
    ADD = "+="
    SUB = "-="
    MUL = "*="
    DIV = "/="
    FLOOR_DIV = "//="
    MOD = "%="
    POW = "**="
    BIT_OR = "|="
    BIT_AND = "&="
    BIT_XOR = "^="
    SHL = "<<="
    SHR = ">>="
    NULLISH = "??="
    OR = "||="
    AND = "&&="
    WALRUS = ":="  # Go's short declaration, Python's named expression
    INC = "++"
    DEC = "--"
    DECLARE = "declare"  # a declaration without a value: `var x int`, `int n;`, `let x;`

    @classmethod
    def of(cls, text: str) -> "Op":
        """The operator as written (`+=`, `>>>=` is a shift), SET for anything unknown."""
        text = text.strip()
        if text == ">>>=":
            return cls.SHR
        try:
            return cls(text)
        except ValueError:
            return cls.SET


class IOKind(_StrEnum):
    FILE = "file"
    NETWORK = "network"


class LoopKind(_StrEnum):
    FOR_EACH = "for-each"  # for x in xs, for (const x of xs), for x := range xs, for (T x : xs)
    WHILE = "while"
    DO_WHILE = "do-while"
    C_FOR = "for"  # for (init; condition; update)
    ENDLESS = "endless"  # while (1), while True, for (;;), loop {}, Go's bare for


class JumpKind(_StrEnum):
    BREAK = "break"
    CONTINUE = "continue"
    GOTO = "goto"


class DefineKind(_StrEnum):
    FUNCTION = "function"
    CLASS = "class"
    METHOD = "method"


class DeferKind(_StrEnum):
    DEFER = "defer"
    GO = "go"


@dataclass(frozen=True)
class CallRef:
    """One call a statement makes, in run order: the callee as written and what kind of I/O it does."""

    callee: str
    io: IOKind | None = None


@dataclass(frozen=True, kw_only=True)
class Fact:
    span: Span  # document lines, half-open
    code: str  # the statement's text as written
    calls: tuple[CallRef, ...] = ()  # calls of its own header (not of its children), in run order
    awaits: bool = False

    def children(self) -> tuple["Fact", ...]:
        """The facts nested in this one, in code order."""
        return ()

    @property
    def line(self) -> int:
        return self.span.start


@dataclass(frozen=True, kw_only=True)
class Assign(Fact):
    targets: tuple[str, ...]
    op: Op = Op.SET
    value: str | None = None  # the right-hand side as written (all of it, for several targets)
    values: tuple[str | None, ...] = ()  # one value per target, when each has its own (`a, b = 1, 2`)
    declared: bool = False  # `let`, `var`, `const`, `:=`, a typed declaration
    destructured: bool = False  # `a, b = ...`, `const {a, b} = ...`, `let (a, b) = ...`


@dataclass(frozen=True, kw_only=True)
class Call(Fact):
    callee: str
    args: tuple[str, ...] = ()
    awaited: bool = False


@dataclass(frozen=True, kw_only=True)
class Return(Fact):
    value: str | None = None
    implicit: bool = False  # a Rust block's tail expression


@dataclass(frozen=True, kw_only=True)
class Raise(Fact):
    value: str | None = None  # None: re-raise the error being handled
    cause: str | None = None  # Python's `raise X from e`


@dataclass(frozen=True, kw_only=True)
class Yield(Fact):
    value: str | None = None


@dataclass(frozen=True, kw_only=True)
class Arm(Fact):
    condition: str | None  # None: the `else`
    body: tuple[Fact, ...] = ()

    def children(self) -> tuple[Fact, ...]:
        return self.body


@dataclass(frozen=True, kw_only=True)
class Branch(Fact):
    arms: tuple[Arm, ...]

    def children(self) -> tuple[Fact, ...]:
        return self.arms

    @property
    def has_else(self) -> bool:
        return any(a.condition is None for a in self.arms)


@dataclass(frozen=True, kw_only=True)
class Case(Fact):
    labels: tuple[str, ...] = ()
    default: bool = False
    body: tuple[Fact, ...] = ()
    falls_through: bool = False  # C, C++, Java, JS: an empty case runs the next case's body (not Go, not match)

    def children(self) -> tuple[Fact, ...]:
        return self.body


@dataclass(frozen=True, kw_only=True)
class Switch(Fact):
    subject: str | None
    cases: tuple[Case, ...] = ()
    is_match: bool = False  # Python/Rust `match`

    def children(self) -> tuple[Fact, ...]:
        return self.cases

    @property
    def tagless(self) -> bool:
        """Go's `switch { case cond: ... }`: no subject, each case's label a condition (not a `select`)."""
        return self.subject is None and not self.code.lstrip().startswith("select")


@dataclass(frozen=True, kw_only=True)
class Exit(Fact):
    """A way out of a loop: the break, return or raise, and the conditions (innermost last) it sits under."""

    fact: Fact
    when: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Loop(Fact):
    kind: LoopKind
    var: str | None = None
    iterable: str | None = None
    condition: str | None = None
    body: tuple[Fact, ...] = ()
    exits: tuple[Exit, ...] = ()
    orelse: tuple[Fact, ...] = ()  # Python's `for ... else`: runs when the loop ends without a break

    def children(self) -> tuple[Fact, ...]:
        return self.body + self.orelse


@dataclass(frozen=True, kw_only=True)
class Handler(Fact):
    exceptions: str | None = None  # None: catches everything
    name: str | None = None
    body: tuple[Fact, ...] = ()

    def children(self) -> tuple[Fact, ...]:
        return self.body


@dataclass(frozen=True, kw_only=True)
class Try(Fact):
    body: tuple[Fact, ...] = ()
    handlers: tuple[Handler, ...] = ()
    orelse: tuple[Fact, ...] = ()
    final: tuple[Fact, ...] = ()
    resources: str | None = None  # Java's try-with-resources

    def children(self) -> tuple[Fact, ...]:
        return self.body + self.handlers + self.orelse + self.final


@dataclass(frozen=True, kw_only=True)
class With(Fact):
    items: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    body: tuple[Fact, ...] = ()
    asynchronous: bool = False  # `async with`

    def children(self) -> tuple[Fact, ...]:
        return self.body


@dataclass(frozen=True, kw_only=True)
class Jump(Fact):
    kind: JumpKind
    leaves_switch: bool = False  # C's `break` inside a switch case


@dataclass(frozen=True, kw_only=True)
class Define(Fact):
    kind: DefineKind
    name: str
    signature: str = ""
    members: tuple[Fact, ...] = ()  # a class's own members (Define, Assign)

    def children(self) -> tuple[Fact, ...]:
        return self.members


@dataclass(frozen=True, kw_only=True)
class Import(Fact):
    pass


@dataclass(frozen=True, kw_only=True)
class Delete(Fact):
    """`del d[k]`, `delete obj.key`, C++'s `delete p`: what is deleted (an entry, a property, a name, an object
    on the heap)."""

    targets: tuple[str, ...] = ()
    frees: bool = False  # C++'s `delete`: the object is destroyed and its memory freed


@dataclass(frozen=True, kw_only=True)
class Assert(Fact):
    condition: str = ""
    message: str = ""  # what it says when the condition is false (Python's and Java's second part)


@dataclass(frozen=True, kw_only=True)
class Defer(Fact):
    kind: DeferKind
    call: str = ""


@dataclass(frozen=True, kw_only=True)
class Expr(Fact):
    """Any other statement; `propagates` for Rust's `expr?` (returns early on an error)."""

    propagates: bool = False


@dataclass(frozen=True)
class Outline:
    """A block's facts, and how many statements past `limit` were not read into facts (0 almost always:
    the bound is a field, never a sentence)."""

    facts: tuple[Fact, ...] = ()
    unread: int = 0
    name: str = ""  # a class block's name
    extends: tuple[str, ...] = field(default=())  # a class block's bases


def walk(facts: tuple[Fact, ...] | list[Fact]) -> Iterator[Fact]:
    """Every fact, depth first in code order (an Exit's fact is its loop body's, not walked twice)."""
    for f in facts:
        yield f
        yield from walk(f.children())


def all_calls(facts: tuple[Fact, ...] | list[Fact]) -> list[CallRef]:
    """Every call the facts make, in code order."""
    return [c for f in walk(facts) for c in f.calls]


def own_returns(facts: tuple[Fact, ...] | list[Fact]) -> list[Return]:
    """The block's returns (not a nested function's: those are never read into facts)."""
    return [f for f in walk(facts) if isinstance(f, Return)]
