"""The properties every right guide has, each checked on one block with bench.sample.reader (this benchmark's own
reading of the code, never blockguide's). Each check answers a Verdict: pass, fail or n/a, with a one-line
reason. Plain data in (a Case), plain data out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.sample import reader
from bench.sample.reader import IDENT, comparable, squash

PASS, FAIL, NA = "pass", "fail", "n/a"
# in report order; "example" is the toolchain's verdict (reported), "run" the hook for running examples
PROPERTIES = ("drafted", "assignments", "counts", "names", "doc", "steps", "labels", "kind", "language", "extent",
              "example", "run")


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


@dataclass
class Case:
    """One drawn block and the guide blockguide wrote for it."""

    id: str
    language: str  # this benchmark's decision
    kind: str  # this benchmark's decision: function, method, class, statements
    kinds: tuple[str, ...]  # kinds a right guide may state
    start: int  # the drawn lines, 1-based inclusive
    end: int
    file_text: str
    result: dict  # the worker's answer: guide, kind, language, lines, example_checks, example_problems | error
    what: str = ""
    name: str | None = None
    tree: Path | None = None  # the package's tree (for a C/C++ declaration's comment in a header)
    file: str = ""  # the block's file, a path inside `tree` (where its example is run)
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    @property
    def guide(self) -> dict:
        return self.result.get("guide") or {}

    @property
    def lines(self) -> tuple[int, int]:
        """The lines the guide documents (blockguide's, where it says), 1-based inclusive."""
        got = self.result.get("lines")
        return (int(got[0]), int(got[1])) if got else (self.start, self.end)

    @property
    def block(self) -> str:
        first, last = self.lines
        return "\n".join(self.file_text.split("\n")[first - 1:last])

    @property
    def steps(self) -> list[dict]:
        return list(self.guide.get("steps") or [])

    @property
    def prose(self) -> str:
        """What a reader reads as prose: the description and every step's label and sentence."""
        parts = [self.guide.get("description") or ""]
        for s in self.steps:
            parts += [s.get("label") or "", s.get("detail") or ""]
        return "\n".join(parts)

    @property
    def failed(self) -> list[str]:
        return [p for p, v in self.verdicts.items() if v.status == FAIL]


# --- 1. "sets `x` to `v`" is an assignment `x = v` ----------------------------------------------------------
_NAMES = r"((?:`[^`]+`(?:,\s*|\s+and\s+)?)+)"
_SETS = re.compile(r"\bsets\s+" + _NAMES + r"\s+to\s+`([^`]+)`")
_MORE = re.compile(r"^(?:,\s*|\s+and\s+)" + _NAMES + r"\s+to\s+`([^`]+)`")
_ASSIGNS = re.compile(r"\bassigns\s+`([^`]+)`\s+to\s+" + _NAMES)
_DECLARES = re.compile(r"\bdeclares\s+" + _NAMES + r"\s+as\s+`([^`]+)`")


def claims_of_assignment(prose: str) -> list[tuple[list[str], str]]:
    """([targets], value) for every "sets `x` to `v`" (with its "..., `y` to `w`" run), "assigns `v` to `x`"
    and "declares `x` as `v`" in the prose."""
    out = []
    for m in _SETS.finditer(prose):
        out.append((re.findall(r"`([^`]+)`", m.group(1)), m.group(2)))
        rest = prose[m.end():]
        while (more := _MORE.match(rest)):
            out.append((re.findall(r"`([^`]+)`", more.group(1)), more.group(2)))
            rest = rest[more.end():]
    for m in _ASSIGNS.finditer(prose):
        out.append((re.findall(r"`([^`]+)`", m.group(2)), m.group(1)))
    for m in _DECLARES.finditer(prose):
        out.append((re.findall(r"`([^`]+)`", m.group(1)), m.group(2)))
    return out


def _fragment(text: str) -> str:
    """Code as a fragment is compared: no white space or `;`, one kind of quote (a guide cannot nest a
    template literal's backticks), no trailing comma before a closing bracket."""
    text = re.sub(r"[`'\"]", '"', squash(text).replace(";", ""))
    return re.sub(r",(?=[)\]}])", "", text)


def in_order(said: str, code: str) -> bool:
    """Whether a quoted fragment, possibly shortened with "..." or "…", is the code's text: its pieces between
    the ellipses appear in the code in that order (white space ignored; the closing brackets a shortened
    fragment ends with are its writer's, not the code's)."""
    said_q, code_q = _fragment(said), _fragment(code)
    if said_q in code_q:
        return True
    pos = 0
    for piece in re.split(r"…|\.\.\.", said_q):
        if not piece or re.fullmatch(r"[)\]}>\"]+", piece):
            continue
        found = code_q.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def _value_matches(said: str, value: str) -> bool:
    said_q, value_q = squash(said), squash(value)
    return said_q == value_q or (len(said_q) >= 3 and in_order(said, value))


def check_assignments(case: Case) -> Verdict:
    claims = claims_of_assignment(case.prose)
    if not claims:
        return Verdict(NA, "no assignment is stated")
    found = reader.assignments(case.language, case.file_text, *case.lines)
    for targets, value in claims:
        for target in targets:
            t = squash(target)
            to_target = [a for a in found if t in a.names]
            plain = [a for a in to_target if a.plain and _value_matches(value, a.value)]
            if plain:
                continue
            compound = sorted((a for a in to_target if not a.plain), key=lambda a: not _value_matches(value, a.value))
            if compound:
                a = compound[0]
                return Verdict(FAIL, f"says it sets `{target}` to `{value}`, but the code is `{a.target} {a.op} "
                                     f"{a.value}`".rstrip() + " (a compound assignment)")
            if to_target:
                return Verdict(FAIL, f"says it sets `{target}` to `{value}`; the block sets it to "
                                     f"`{reader.normal(to_target[0].value)[:60]}`")
            return Verdict(FAIL, f"says it sets `{target}` to `{value}`; the block has no assignment to `{target}`")
    return Verdict(PASS, f"{len(claims)} assignment(s) stated, each one in the block")


# --- 2. every count is the block's count ---------------------------------------------------------------------
_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = re.compile(r"\b(\d+|" + "|".join(_NUMBER) + r")\s+(more\s+|other\s+|further\s+)?(return\s+statements?|"
                    r"statements?|lines?|parameters?|arguments?)\b", re.I)


def claims_of_count(prose: str) -> list[tuple[int, str, bool]]:
    """(n, noun, partial) for every count in the prose; partial for "N more statements"."""
    out = []
    for m in _COUNT.finditer(prose):
        word = m.group(1).lower()
        n = int(word) if word.isdigit() else _NUMBER[word]
        noun = re.sub(r"\s+", " ", m.group(3).lower())
        noun = {"return statement": "return statements", "statement": "statements", "line": "lines",
                "parameter": "parameters", "argument": "parameters", "arguments": "parameters"}.get(noun, noun)
        out.append((n, noun, bool(m.group(2))))
    return out


def check_counts(case: Case) -> Verdict:
    """The Description's counts are the block's; a step's ("it runs 8 statements that call ...", "then 4 more
    statements") count a part of it, so they are held to the block's total only."""
    description = case.guide.get("description") or ""
    claims = [(n, noun, partial) for n, noun, partial in claims_of_count(description)]
    claims += [(n, noun, True) for n, noun, _ in claims_of_count(case.prose[len(description):])
               if noun == "statements"]
    if not claims:
        return Verdict(NA, "no count is stated")
    right = reader.counts(case.language, case.file_text, *case.lines)
    for n, noun, partial in claims:
        if partial:
            total = max(right["statements"] | {0})
            if n > _all_statements(case):
                return Verdict(FAIL, f"says {n} {noun} of a part; the block has {total} top-level")
            continue
        if noun == "parameters" and case.kind in ("class", "statements"):
            continue  # a class's or a run's "N parameters" is about a callee, not checkable here
        if noun == "lines" and n > len(case.block.split("\n")):
            return Verdict(FAIL, f"says {n} lines; the block has {len(case.block.split(chr(10)))}")
        if noun != "lines" and right[noun] and n not in right[noun]:
            return Verdict(FAIL, f"says {n} {noun}; the block has {' or '.join(map(str, sorted(right[noun])))}")
    return Verdict(PASS, f"{len(claims)} count(s) stated, each right")


def _all_statements(case: Case) -> int:
    """Statements at any depth: an upper bound for "N more statements"."""
    return len(re.findall(r"[;\n]", case.block)) + 1


# --- 3. every quoted name exists in the block or its context (file, package, imported standard modules) ------
_BUILTINS = {"None", "True", "False", "null", "undefined", "nil", "true", "false", "NULL", "nullptr", "self",
             "this", "NaN", "Infinity", "void", "Ok", "Err", "Some", "Option", "Result", "Self", "super",
             "Exception", "Error", "int", "str", "bool", "float", "dict", "list", "tuple", "string", "object",
             "Object", "String", "Promise", "async", "await", "new", "return", "errors", "error", "panic"}
_DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*(?:\(\))?$")


def quoted(prose: str) -> list[str]:
    return [q for q in re.findall(r"`([^`\n]+)`", prose) if q.strip()]


class _Known:
    """The names a guide may quote: the block's file's and its id's; past those (read only when asked), its
    package's other files (a member inherited from a class defined there) and the standard library modules
    the file imports."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.words = set(IDENT.findall(case.file_text)) | set(IDENT.findall(case.id))
        self.wider = False

    def __contains__(self, name: str) -> bool:
        if name in self.words or name in _BUILTINS:
            return True
        if not self.wider:
            self.wider = True
            if self.case.tree is not None and Path(self.case.tree).is_dir():
                self.words |= reader.package_words(self.case.tree, self.case.language)
            self.words |= reader.standard_words(self.case.language, self.case.file_text)
        return name in self.words


def check_names(case: Case) -> Verdict:
    spans = quoted(case.prose)
    if not spans:
        return Verdict(NA, "nothing is quoted")
    words = _Known(case)
    where = case.id.rsplit(":", 1)[0]  # package@version/path/in/package
    for span in spans:
        s = span.strip()
        if len(s) > 2 and where.endswith(s.removeprefix("./")):
            continue  # the file's name or path
        if "/" in s and not re.search(r"\s", s) and all(
                p in where for p in re.split(r"/", re.sub(r"^\./|\.\w+$", "", s)) if p not in ("", ".", "..")):
            continue  # the file's or the package's path, e.g. "github.com/pkg/x/sub" or "./lib/utils.js"
        if re.fullmatch(r"[\w+-]+(\.[\w+-]+)*\.[A-Za-z]\w*", s) and case.tree is not None and \
                Path(case.tree).is_dir() and s in reader.package_file_names(case.tree):
            continue  # a file of the package by name, e.g. the header a block is reached through
        if _DOTTED.match(s):
            parts = [p for p in re.split(r"\.|::|->|\(\)", s) if p]
            missing = [p for p in parts if p not in words]
            if missing:
                return Verdict(FAIL, f"`{s}`: `{missing[0]}` is neither in the block, its file, its package nor "
                                     "the standard library it imports")
            continue
        if not in_order(s, case.file_text) and not in_order(s, case.block):
            return Verdict(FAIL, f"`{s[:60]}` is not in the file")
    return Verdict(PASS, f"{len(spans)} quoted name(s) and fragment(s), each in the file")


# --- 4. the author's first sentence is in the Description, whole ---------------------------------------------
def check_doc(case: Case) -> Verdict:
    if case.kind == "statements":
        return Verdict(NA, "statements have no documentation of their own")
    doc = reader.doc_of(case.language, case.file_text, case.start, case.kind, case.tree, case.name)
    if not doc:
        return Verdict(NA, "the definition has no documentation")
    sentence = reader.first_sentence(doc)
    if not sentence:
        return Verdict(NA, "its documentation has no sentence of prose")
    description = comparable(case.guide.get("description") or "")
    if comparable(sentence) in description:
        return Verdict(PASS, "the author's first sentence is in the description")
    return Verdict(FAIL, f"the author's first sentence is not in the description, whole: \"{sentence[:120]}\"")


# --- 5. no step stands for more than two statements it does not describe; no generic label -------------------
MAX_UNDESCRIBED = 2
_MORE_STATEMENTS = re.compile(r"\b(\d+)\s+(?:more|other|further)\s+statements?\b", re.I)


def _describes(step_text: str, statement: str) -> bool:
    flat = squash(statement)
    names = set(IDENT.findall(statement))
    for q in quoted(step_text):
        q = q.strip()
        if IDENT.fullmatch(q):
            if q in names:
                return True
        else:
            core = squash(re.sub(r"(…|\.\.\.)$", "", q))
            if len(core) >= 2 and (core in flat or flat.startswith(core) or
                                   any(p in names for p in re.split(r"\.|::|->|\(|\)", q) if len(p) > 2)):
                return True
    return False


def check_steps(case: Case) -> Verdict:
    steps = case.steps
    if not steps:
        return Verdict(FAIL, "the guide has no steps") if case.kind != "class" else Verdict(NA, "a class")
    for i, s in enumerate(steps, 1):
        m = _MORE_STATEMENTS.search(s.get("detail") or "")
        if m and int(m.group(1)) > MAX_UNDESCRIBED:
            return Verdict(FAIL, f"step {i} stands for {m.group(1)} statements it does not describe")
    tops = reader.statements(case.language, case.file_text, *case.lines, case.kind)
    if len(tops) <= MAX_UNDESCRIBED:
        return Verdict(PASS if tops or case.kind != "class" else NA, f"{len(tops)} top-level statement(s)")
    texts = [f"{s.get('label') or ''} {s.get('detail') or ''}" for s in steps]
    owner = 0  # the step that stands for an undescribed statement: the last one that described something
    undescribed = [0] * len(steps)
    for stmt in tops:
        by = [i for i, t in enumerate(texts) if _describes(t, stmt)]
        if by:
            owner = max(owner, by[0]) if by[0] >= owner else owner
            continue
        undescribed[owner] += 1
    worst = max(range(len(steps)), key=lambda i: undescribed[i])
    if undescribed[worst] > MAX_UNDESCRIBED:
        return Verdict(FAIL, f"step {worst + 1} (\"{steps[worst].get('label')}\") stands for "
                             f"{undescribed[worst]} of the {len(tops)} top-level statements without describing them")
    return Verdict(PASS, f"{len(tops)} top-level statements over {len(steps)} steps")


GENERIC_LABELS = re.compile(
    r"^\s*(set up( the)? values?|finish( the)? remaining work|repeat until done|repeat while `?(1|true|True)`?|"
    r"loop forever|run (the )?(statements?|code|block)|more statements|other statements|remaining statements|"
    r"do (the )?work|process|handle|continue|statements?|code|step( \d+)?|\d+|misc\w*|run|execute|"
    r"evaluate `?;`?|finish|done|work)\s*\.?\s*$", re.I)


def check_labels(case: Case) -> Verdict:
    steps = case.steps
    if not steps:
        return Verdict(NA, "no steps")
    for i, s in enumerate(steps, 1):
        label = (s.get("label") or "").strip()
        if not label or GENERIC_LABELS.match(label):
            return Verdict(FAIL, f"step {i} has a generic label: \"{label}\"")
    return Verdict(PASS, f"{len(steps)} specific labels")


# --- 6. the kind and the language -----------------------------------------------------------------------------
_STATED_KIND = re.compile(r"\bis an? (?:\w+ ){0,3}?(function|method|class|constructor|struct)\b", re.I)


def check_kind(case: Case) -> Verdict:
    got = str(case.result.get("kind") or "")
    if got not in case.kinds:
        return Verdict(FAIL, f"documented as a {got}, but it is a {case.what or case.kind}")
    first = re.split(r"(?<=[.!?])\s", (case.guide.get("description") or "").strip(), maxsplit=1)[0]
    m = _STATED_KIND.search(first)
    if m:
        said = {"constructor": "method", "struct": "class"}.get(m.group(1).lower(), m.group(1).lower())
        if said not in case.kinds and not (said == "function" and "method" in case.kinds):
            return Verdict(FAIL, f"the description calls it a {m.group(1)}, but it is a {case.what or case.kind}")
    return Verdict(PASS, f"a {got}")


_SAME_LANGUAGE = {"tsx": "typescript", "c++": "cpp", "js": "javascript", "ts": "typescript", "py": "python"}


def check_language(case: Case) -> Verdict:
    got = str(case.result.get("language") or "")
    got = _SAME_LANGUAGE.get(got, got)
    if got != case.language:
        return Verdict(FAIL, f"read as {got}, but the file is {case.language}")
    example = (case.guide.get("example") or {}).get("language") or ""
    example = _SAME_LANGUAGE.get(example, example)
    if example and example != case.language:
        return Verdict(FAIL, f"its example is {example}, but the file is {case.language}")
    return Verdict(PASS, case.language)


def check_extent(case: Case) -> Verdict:
    if (case.start, case.end) != case.lines:
        return Verdict(FAIL, f"lines {case.start}-{case.end} were selected; the guide documents "
                             f"{case.lines[0]}-{case.lines[1]}")
    return Verdict(PASS, "the selected lines")


# --- 7. the toolchain's verdict on the example (reported) -------------------------------------------------
def tools_of(checks: list[str]) -> list[str]:
    return [c for c in checks if c != "static" and not c.startswith("parse only")]


def check_example(case: Case) -> Verdict:
    checks = list(case.result.get("example_checks") or [])
    problems = list(case.result.get("example_problems") or [])
    tools = tools_of(checks)
    if not tools:
        return Verdict(NA, f"no toolchain check ran ({', '.join(checks) or 'none'})")
    if problems:
        return Verdict(FAIL, f"{', '.join(tools)} rejected it: {problems[0][:120]}")
    return Verdict(PASS, f"accepted by {', '.join(tools)}")


CHECKS = {"assignments": check_assignments, "counts": check_counts, "names": check_names, "doc": check_doc,
          "steps": check_steps, "labels": check_labels, "kind": check_kind, "language": check_language,
          "extent": check_extent, "example": check_example}


def judge(case: Case, run_example=None) -> Case:
    """Every property's verdict for one case. `run_example(case) -> Verdict` is the hook for running the
    example (bench/run_examples.py, issue 20); without it the "run" column says n/a."""
    if "error" in case.result or not case.guide:
        reason = case.result.get("error") or "no guide"
        case.verdicts = {p: Verdict(FAIL, f"blockguide failed: {reason}") for p in PROPERTIES if p != "run"}
        case.verdicts["run"] = Verdict(NA, "no guide")
        return case
    case.verdicts = {"drafted": Verdict(PASS, "a guide")}
    for prop, check in CHECKS.items():
        try:
            case.verdicts[prop] = check(case)
        except Exception as exc:  # a checker's own bug must not pass as the guide's failure, nor end the run
            case.verdicts[prop] = Verdict(NA, f"checker error: {type(exc).__name__}: {exc}")
    case.verdicts["run"] = run_example(case) if run_example else Verdict(NA, "examples are not run yet")
    return case
