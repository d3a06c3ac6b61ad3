"""A model's usage example that no toolchain could check, held to blockguide's own checked example.

When the compiler ran on a model's example (python bind, go vet, tsc, javac, cargo check, cc), its verdict is
the check. When none could (no build, no toolchain here, or one that only parses: `node --check`, "parse
only"), the example must at least import the block and call it the way the analysis' checked example does:
- every import of the block's module in blockguide's example (the import path, module or header) is in the
  model's too: a model that imports a Rust function through its private module, or a Go package from a path
  that does not exist, is not taken;
- each call of the block passes as many arguments as the block takes (a variadic or optional parameter allows
  more or fewer): a call with an extra argument, or one missing, is not taken.
`disagreements(code, g)` answers the problems, one sentence each; [] takes the example.
"""

from __future__ import annotations

import re

from blockguide.core.checks.commitments import _close, _header
from blockguide.core.types import Grounding

# checks that only parse: they say nothing about imports or calls
PARSE_ONLY = ("static", "node --check")


def compiled(checks: tuple[str, ...]) -> bool:
    """Whether a check that resolves imports and calls ran (not only parsing)."""
    return any(c not in PARSE_ONLY and not c.startswith("parse only") for c in checks)


_IMPORT_LINE = re.compile(r"^\s*(?:import\b|from\s+\S+\s+import\b|use\s|#\s*include\b|package\s|const\s.*require\()"
                          r"|^\s*\"[\w./-]+\"\s*$", re.M)


def _targets(code: str) -> set[str]:
    """What the code's import lines import: quoted paths and dotted or `::` module paths."""
    out: set[str] = set()
    in_go_block = False
    for line in code.split("\n"):
        s = line.strip()
        if s.startswith("import ("):
            in_go_block = True
            continue
        if in_go_block:
            if s == ")":
                in_go_block = False
                continue
            out.update(re.findall(r'"([^"]+)"', s))
            continue
        if not _IMPORT_LINE.match(line):
            continue
        if s.startswith("package "):
            continue
        quoted = re.findall(r"""["'<]([^"'<>]+)["'>]""", s)
        if quoted:
            out.update(quoted)
            continue
        m = re.match(r"(?:from\s+([\w.]+)\s+import\s+([\w, ]+)|import\s+(?:static\s+)?([\w.]+)|use\s+([\w:]+))", s)
        if m:
            if m.group(1):
                out.update(f"{m.group(1)}.{n.strip()}" for n in m.group(2).split(",") if n.strip())
            else:
                out.add(m.group(3) or m.group(4))
    return out


def import_problems(code: str, g: Grounding) -> list[str]:
    """Imports of the block in the analysis' checked example that the model's example lacks."""
    if g.example is None:
        return []
    name = g.block.name or ""
    theirs = _targets(code)
    problems = []
    for target in sorted(_targets(g.example.code)):
        about_block = (name and re.search(r"(?<![\w])" + re.escape(name) + r"$", target)) or \
            (g.module and (target == g.module or target.startswith(g.module + "."))) or \
            (g.import_line and target in g.import_line) or \
            (name and re.search(r"(?<![\w])" + re.escape(re.split(r"[/.:]+", target)[-1]) + r"(?:\.|::)"
                                + re.escape(name.split(".")[-1].split("::")[-1]), g.example.code))
        if not about_block or target in theirs:
            continue
        # `use hex::encode;` and a call `hex::encode(...)` import the same thing
        if "::" in target and re.search(re.escape(target) + r"\s*\(", code):
            continue
        if not any(t == target or t.startswith(target + ".") for t in theirs):
            problems.append(f"the example imports the block differently from blockguide's checked example "
                            f"(which imports `{target}`), and no compiler could check it")
    return problems


def arity(g: Grounding) -> tuple[int, int | None] | None:
    """(fewest, most) arguments a call of the block takes (most None: variadic); None when not known."""
    if g.block.kind not in ("function", "method") or g.block.language == "python":
        return None
    head = _header(g.block.text)
    lang = g.block.language
    start = head.find("(")
    if lang == "go" and re.match(r"\s*func\s*\(", head):  # a method's receiver comes first
        start = head.find("(", _close(head, start) + 1)
    if start < 0:
        return None
    inner = head[start + 1:_close(head, start)]
    params = [p.strip() for p in _split_top(inner) if p.strip()]
    params = [p for p in params if not re.fullmatch(r"&?\s*(?:'\w+\s+)?(?:mut\s+)?self|void", p)]
    if any("..." in p for p in params):  # Go's `args ...T`, a rest parameter, Java's `T... xs`, C's `...`
        return (len([p for p in params if "..." not in p]), None)
    optional = [p for p in params if re.search(r"\?\s*:|=", p)] if lang in ("javascript", "typescript", "cpp") else []
    return (len(params) - len(optional), len(params))


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>" and depth:
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def call_problems(code: str, g: Grounding) -> list[str]:
    """Calls of the block with more or fewer arguments than it takes."""
    bounds = arity(g)
    name = g.block.name or ""
    if bounds is None or not name:
        return []
    fewest, most = bounds
    short = name.split("::")[-1].split(".")[-1]
    problems = []
    for m in re.finditer(r"(?<![\w$])" + re.escape(short) + r"\s*\(", code):
        before = code[max(0, m.start() - 12):m.start()]
        if re.search(r"\b(?:func|fn|function|def)\s+$", before):
            continue  # a definition, not a call
        inner = code[m.end():_close(code, m.end() - 1)]
        n = len([a for a in _split_top(inner) if a.strip()])
        if n < fewest or (most is not None and n > most):
            want = f"{fewest}" if most == fewest else f"{fewest} to {most}" if most is not None else f"at least {fewest}"
            problems.append(f"the example calls `{short}` with {n} argument{'s' * (n != 1)} but it takes {want}, "
                            f"and no compiler could check it")
            break
    return problems


def disagreements(code: str, g: Grounding) -> list[str]:
    """Every problem of this module for a model's example (see the module's doc)."""
    return import_problems(code, g) + call_problems(code, g)
