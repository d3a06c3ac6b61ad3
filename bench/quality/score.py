"""Score a drafted guide against a case: format, vague terms, example validity, fact recall, invented names.

Each score is in 0..1; the total is their mean. The example is judged by independent checks (it parses, it
uses the expected import, it names the block) and by blockguide's own static checks (core.checks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from blockguide.core import checks as verify
from blockguide.core.checks.prose import invented_names, known_names, vague_terms
from blockguide.core.types import Example, Grounding

METRICS = ("format", "vague", "example", "facts", "invented")


@dataclass
class Score:
    format: float = 0.0
    vague: float = 0.0
    example: float = 0.0
    facts: float = 0.0
    invented: float = 0.0
    details: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(getattr(self, m) for m in METRICS) / len(METRICS)


def score_format(markdown: str) -> tuple[float, list[str]]:
    lines = markdown.split("\n")
    checks = {
        "title underlined with =": len(lines) > 1 and bool(lines[0].strip()) and set(lines[1]) == {"="},
        "Description section": "Description\n" + "-" * 25 in markdown,
        "Execution Steps section": "Execution Steps\n" + "-" * 25 in markdown,
        "Usage Example section": "Usage Example\n" + "-" * 25 in markdown,
        "numbered steps with bold labels": bool(re.search(r"^1\. \*\*[^*\n]+\*\*: \S", markdown, re.M)),
        "one code block": len(re.findall(r"^```+\w+$", markdown, re.M)) == 1,
    }
    failed = [k for k, ok in checks.items() if not ok]
    return 1 - len(failed) / len(checks), [f"format: no {k}" for k in failed]


def prose_of(guide: dict) -> str:
    return "\n".join([guide["description"]] + [f"{s['label']}: {s['detail']}" for s in guide["steps"]])


def score(case: dict, guide: dict, markdown: str, g: Grounding) -> Score:
    s = Score()
    s.format, problems = score_format(markdown)
    s.details += problems
    prose = prose_of(guide)
    vague = vague_terms(prose)
    s.vague = 0.0 if vague else 1.0
    if vague:
        s.details.append("vague: " + ", ".join(vague))
    example = Example(guide["example"]["language"], guide["example"]["code"])
    parts = []
    parse_problems = [p for p in verify.check_example(example, g) if "not valid" in p or "does not parse" in p]
    parts.append(not parse_problems)
    if case.get("import"):
        ok = bool(re.search(case["import"], example.code))
        parts.append(ok)
        if not ok:
            s.details.append("example: not the expected import")
    name = case["symbol"].split(".")[-1]
    uses = bool(re.search(rf"\b{re.escape(name)}\b", example.code))
    parts.append(uses)
    all_problems = verify.check_example(example, g)
    parts.append(not all_problems)
    s.details += [f"example: {p}" for p in all_problems[:2]]
    s.example = sum(parts) / len(parts)
    facts = case.get("facts", [])
    found = [f for f in facts if re.search(f, prose, re.I)]
    s.facts = len(found) / len(facts) if facts else 1.0
    missed = [f for f in facts if f not in found]
    if missed:
        s.details.append("facts missed: " + ", ".join(missed))
    invented = invented_names(prose, known_names(g, example.code))
    s.invented = max(0.0, 1 - 0.25 * len(invented))
    if invented:
        s.details.append("invented: " + ", ".join(invented[:6]))
    return s
