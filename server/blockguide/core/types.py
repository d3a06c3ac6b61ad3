"""Plain data shared by the core, the pipeline, the CLI and the language server.

Lines are 0-based everywhere in the core; a `Span` is half-open: `start` is the first line of the
block, `end` the line after its last one. Columns are never needed: blocks are whole lines.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum


class _StrEnum(str, Enum):
    """An enum whose members are their string values: `==`, hashing, f-strings and JSON see the value."""

    def __str__(self) -> str:
        return self.value

    def __hash__(self) -> int:
        return str.__hash__(self)


class BlockKind(_StrEnum):
    FUNCTION = "function"
    CLASS = "class"
    METHOD = "method"
    STATEMENTS = "statements"


class ActionKind(_StrEnum):
    """What one statement of an outline does (see `Action`)."""

    CALL = "call"
    ASSIGN = "assign"
    BRANCH = "branch"
    ELSE = "else"
    LOOP = "loop"
    WITH = "with"
    TRY = "try"
    EXCEPT = "except"
    FINALLY = "finally"
    SWITCH = "switch"
    CASE = "case"
    RETURN = "return"
    RAISE = "raise"
    YIELD = "yield"
    DEFER = "defer"
    DEFINE = "define"
    IMPORT = "import"
    CHECK = "check"
    JUMP = "jump"
    CLASS = "class"
    STATEMENT = "statement"


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    @property
    def lines(self) -> int:
        return self.end - self.start

    def human(self) -> str:
        """1-based, inclusive: how editors and people number lines."""
        return f"{self.start + 1}-{max(self.end, self.start + 1)}"


def text_hash(text: str) -> str:
    """A stable hash of a block's text, insensitive to trailing spaces and line endings."""
    norm = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip("\n")
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()  # an editor may send lone surrogates


@dataclass(frozen=True)
class Block:
    """A snapped block: whole statements or a whole definition."""

    language: str  # a languages.Language key, e.g. "python"
    span: Span
    text: str  # the block's lines, joined with "\n", no trailing newline
    indent: str  # leading white space of the first line
    kind: BlockKind  # function, class, method, statements (a plain string is turned into a BlockKind)
    name: str | None = None  # the defined name, for definitions
    body_indent: str | None = None  # indentation of the body (for docstrings)
    docstring_line: int | None = None  # 0-based line where a docstring goes (Python definitions)
    existing_docstring: Span | None = None  # an existing docstring's lines
    code_hash: str = ""  # text_hash of the block without its docstring; set by syntax.blocks.make_block

    def __post_init__(self) -> None:
        if not isinstance(self.kind, BlockKind):
            object.__setattr__(self, "kind", BlockKind(self.kind))

    @property
    def hash(self) -> str:
        return self.code_hash or text_hash(self.text)

    @property
    def short_hash(self) -> str:
        return self.hash[:8]


@dataclass(frozen=True)
class Symbol:
    """A name the block defines or uses, as the analysis resolved it."""

    name: str
    kind: str  # "function", "class", "module", "statement", "param", ...
    module: str | None = None  # dotted module path, e.g. "textkit.slug"
    signature: str | None = None
    doc: str | None = None  # first line of the docstring
    path: str | None = None  # file that defines it, relative to the project root when inside it
    line: int | None = None  # 0-based definition line


@dataclass(frozen=True)
class DocComment:
    """The author's documentation of a definition, as core.doccomments reads it from any convention."""

    summary: str  # the first sentence, whole ("" when none reads whole)
    body: str = ""  # the text before its sections and tags, markup made Markdown
    params: tuple[tuple[str, str], ...] = ()  # (parameter, what the documentation says of it)
    returns: str | None = None  # what it says the definition returns (or yields)
    raises: tuple[tuple[str, str], ...] = ()  # (error type, when)
    examples: tuple[str, ...] = ()  # code of its examples (doctests, @example, fenced code)
    span: Span | None = None  # the lines of the comment or docstring in its file

    def param(self, name: str) -> str | None:
        return next((text for p, text in self.params if p == name), None)


@dataclass(frozen=True)
class CallSite:
    path: str  # relative to the project root
    line: int  # 0-based
    code: str  # the lines around the call
    confirmed: bool = True  # False: the name matches but the reference could not be resolved (nor refuted)


@dataclass(frozen=True)
class Action:
    """One statement of a block's outline, in code order (built by core.syntax.outline from the syntax tree)."""

    line: int  # 0-based document line
    depth: int  # 0 for the block's own statements, +1 inside each branch, loop, try or with
    kind: ActionKind  # a plain string is turned into an ActionKind
    text: str  # one line, names in backticks, e.g. "if `not res.ok`:"
    calls: tuple[str, ...] = ()  # callees in the order they run (arguments before the call)
    io: tuple[tuple[str, str], ...] = ()  # (I/O kind, callee) of calls that read/write files or talk to the network
    awaits: bool = False
    targets: tuple[str, ...] = ()  # names the statement binds
    fact: "Fact | None" = field(default=None, compare=False)  # the core.facts record it was flattened from

    def __post_init__(self) -> None:
        if not isinstance(self.kind, ActionKind):
            object.__setattr__(self, "kind", ActionKind(self.kind))


@dataclass(frozen=True)
class BaseClass:
    name: str
    module: str | None = None
    inherited: tuple[str, ...] = ()  # public members it gives the class that the class does not override


@dataclass
class Grounding:
    """Everything the model is told about a block besides its text."""

    block: Block
    path: str | None = None  # the file, relative to the project root when inside it
    module: str | None = None  # the block's importable module path
    import_line: str | None = None  # e.g. "from textkit.slug import slugify"
    defines: list[Symbol] = field(default_factory=list)
    uses: list[Symbol] = field(default_factory=list)
    call_sites: list[CallSite] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flow: list[Action] = field(default_factory=list)  # the outline as data (outline is its text)
    bases: list[BaseClass] = field(default_factory=list)  # base classes of a class block
    root: str | None = None  # the project root (absolute), to check an example's imports statically
    owner: str | None = None  # the class (or Rust impl type) a method belongs to, as grounding found it
    example: Example | None = None  # a usage example blockguide built and checked itself
    example_source: str | None = None  # "path:line" of the call site it was adapted from
    # whether an example built from the signature has values blockguide guessed (placeholders the reader
    # replaces), rather than none or only those the block's own text gives
    example_guessed: bool = True
    # which checks the example went through ("static", "go vet", "cc -fsyntax-only"), and what the toolchain
    # still found wrong with it when nothing better could be built (core.examples.attach)
    example_checks: tuple[str, ...] = ()
    example_problems: tuple[str, ...] = ()
    doc: DocComment | None = None  # the block's own documentation (core.doccomments)
    inside: str | None = None  # statements: the name of the function they run inside
    inside_doc: DocComment | None = None  # statements: the documentation of the function they run inside
    constructor: bool = False  # the block is a class's constructor (`__init__`, `constructor`, `Foo::Foo`)
    class_doc: DocComment | None = None  # an undocumented constructor: its class's documentation
    inside_text: str | None = None  # statements: the source of the function they run inside
    example_via: str | None = None  # statements: the function whose usage example stands for them
    # what must be enabled for the block to be compiled at all (Rust: the crate's non-default features)
    needs_features: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    label: str
    detail: str
    # the statements the step tells of (core.facts records) and their lines, up to the next step (document
    # lines); the prompt and the field checks read the step's code from these. Not part of a step's identity,
    # and never stored (a model's step or a cached one has none).
    span: Span | None = field(default=None, compare=False)
    facts: tuple = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Example:
    language: str
    code: str


@dataclass(frozen=True)
class Guide:
    title: str
    description: str
    steps: tuple[Step, ...]
    example: Example
    model: str = ""  # the model that drafted it; "none" for a guide built from analysis alone
    notes: tuple[str, ...] = ()  # what the reader must know or do (rendered under the guide); nothing else
    # how it was made (model, role, which fields were replaced and why): hover detail, log, --format json;
    # never rendered into the user's file, and not part of a guide's identity
    provenance: "Provenance | None" = field(default=None, compare=False)

    @property
    def static(self) -> bool:
        return self.model == "none"

    def to_dict(self) -> dict:
        """The guide as plain data (JSON), without the facts its steps keep for the checks."""
        return asdict(self, dict_factory=lambda items: {k: v for k, v in items if k != "facts"})


# --- where each field of a guide came from (the model may only add what the code confirms) ----------------
@dataclass(frozen=True)
class FieldOutcome:
    """One field of a guide and who wrote it: the model (its text passed every check) or the analysis (the
    model's text failed, or was missing, and the static guide's field stands; `reasons` says why)."""

    field: str  # "description", "steps[1].label", "steps[1].sentence", ... (steps numbered from 1, as shown)
    source: str  # "model" | "analysis"
    reasons: tuple[str, ...] = ()

    @property
    def from_model(self) -> bool:
        return self.source == "model"


@dataclass(frozen=True)
class Provenance:
    """How a guide was made: our bookkeeping for logs, benchmarks and the cache, never written into the
    user's file (that is `Guide.notes`' job)."""

    model: str  # the model asked, "none" when none was
    role: str  # "phrase" (the model worded the analysis' facts), "draft" (it wrote a whole guide), "none"
    fields: tuple[FieldOutcome, ...] = ()
    checks: tuple[str, ...] = ()  # which checks ran on the model's fields
    notes: tuple[str, ...] = ()  # what was replaced and why

    @property
    def model_unused(self) -> bool:
        """A model was asked, and none of what it wrote is in the guide (unreadable, or every field failed)."""
        return self.model != "none" and not any(f.from_model for f in self.fields)

    @property
    def replaced(self) -> tuple[FieldOutcome, ...]:
        return tuple(f for f in self.fields if not f.from_model)
