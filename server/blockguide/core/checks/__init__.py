"""Checks for a usage example, and the one repair blockguide makes on its own (the block's import line).

`check_example` answers the exact problems, one sentence each, so they can go back to the model:
- Python (checks.python): the example compiles (never runs), imports the block from its real module, every
  other import resolves in the user's project or the standard library (jedi, statically), every name it uses
  is imported or defined, it calls the block, and async code is awaited and run with `asyncio.run`. Then
  "python bind": each call into the user's project binds (`inspect.Signature.bind`) to jedi's signature of
  what it calls (an inherited constructor, a method of the object made), a call of the block jedi cannot
  follow to the block's own parameters.
- JavaScript/TypeScript (checks.js): it parses (tree-sitter), imports the block from its real path, and its
  other imports are project files, dependencies or Node.js built-ins.
- Other languages (checks.other): it parses (as a file, or as the body of a main function) and uses the
  block's real names.
- Every other language, once those pass: the real toolchain where it is installed
  (checks.toolchain: `go vet` with an overlay, `cc`/`c++ -fsyntax-only`; checks.toolchain_js: `tsc --noEmit`,
  else `node --check` for JavaScript; checks.toolchain_java: `javac -sourcepath` when no build is needed;
  checks.toolchain_rust: `cargo check --offline` where a target/ folder shows the project is built, else
  "parse only (no target/)"); its messages are problems like the others.
The answer is a `Problems` list; its `checks` say which checks ran ("static", "python bind", "go vet", ...), for
the guide's provenance.
The prose of a guide is checked in checks.prose.
"""

from __future__ import annotations

import re

from blockguide.core.checks.js import check_js, js_imports_block
from blockguide.core.checks.other import check_other
from blockguide.core.checks.python import check_python, imports_name, python_imports
from blockguide.core.checks.toolchain import toolchain_check
from blockguide.core.types import Example, Grounding


MAX_PROBLEMS = 6


# --- the import line ----------------------------------------------------------------------------------------
def ensure_import(example: Example, g: Grounding) -> tuple[Example, str | None]:
    """Make the example import the block from its real path; returns a note when it had to be fixed."""
    if not g.import_line or g.import_line in example.code:
        return example, None
    code = example.code
    if g.block.language == "python":
        name = g.import_line.rsplit(" import ", 1)[-1]
        if python_imports(code, g.import_line):
            return example, None
        kept = [l for l in code.split("\n") if not imports_name(l, name)]
        code = "\n".join(kept)
    elif g.block.language in ("javascript", "typescript", "tsx"):
        if js_imports_block(code, g):
            return example, None
        # the names the import line brings in (a method's example imports its class, not the method)
        head = re.match(r"\s*import\s+(.*?)\s+from\b", g.import_line)
        names = (set(re.findall(r"[A-Za-z_$][\w$]*", head.group(1))) - {"type", "as"}) if head else \
            {g.block.name or ""}
        kept = [l for l in code.split("\n")
                if not (re.match(r"\s*(import\b|const\s.*=\s*require\()", l)
                        and any(re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", l) for n in names if n))]
        code = "\n".join(kept)
    else:
        return example, None  # other languages: reported by check_example, not rewritten
    return (Example(example.language, f"{g.import_line}\n{code.lstrip()}"),
            "The example's import line was corrected to the block's real module path.")


# --- checks ---------------------------------------------------------------------------------------------------
class Problems(list):
    """check_example's answer: the problems, one sentence each (a plain list to every caller), and `checks`,
    which checks ran on the example: "static" (parse, names, imports), then the toolchain's, e.g. "go vet"."""

    def __init__(self, problems=(), checks: tuple[str, ...] = ("static",)) -> None:
        super().__init__(problems)
        self.checks = checks


def check_example(example: Example, g: Grounding) -> Problems:
    """Problems with an example, as exact sentences; empty when it passes every check."""
    code = example.code
    if not code.strip():
        return Problems(["the usage example is empty"])
    lang = g.block.language
    checks: tuple[str, ...] = ("static",)
    if lang == "python":
        problems, bound = check_python(code, g)
        checks += ("python bind",) if bound else ()
    elif lang in ("javascript", "typescript", "tsx"):
        problems = check_js(code, g)
    else:
        problems = check_other(code, g)
    if not problems and lang != "python":  # the compiler only sees what parses and names the block
        ran = toolchain_check(code, g)
        if ran is not None:
            checks += (ran.check,)
            problems = list(ran.problems)
    return Problems(problems[:MAX_PROBLEMS], checks)


def last_checks(problems: list[str]) -> tuple[str, ...]:
    """Which checks ran for an answer of check_example (any list: "static")."""
    return getattr(problems, "checks", ("static",))
