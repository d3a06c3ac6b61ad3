"""Score a drafted guide against a case with a reader's rubric, out of 100.

Points earned:
- facts (60): the share of the case's facts a reader needs that the guide states. A fact is a set of accepted
  phrasings (case-insensitive regexes), searched in the description and the steps (labels and text, with
  backticks removed). The facts come from reading the code, not from what blockguide prints.
- example (20): the share of the example checks that pass: it parses, it uses the case's import, it names the
  block (definitions only), the static checks of the blockguide checkout doing the scoring find no problem.
- layout (20): the share of the layout checks that pass: the Description, Execution Steps and Usage Example
  sections, numbered steps with bold labels, one fenced code block.

Points lost (the total never goes below 0):
- each false claim found: 15 (a case's plausible but false statements; a match right after a negation such
  as "not" or "never" does not count);
- a title other than exactly `How to Use This Code Block` (the required format): 10;
- each step whose sentence nearly repeats an earlier step's (whatever the labels): 5, at most 20;
- each numeric or generic label ("1", "Step 3", "Run statement", "Description", ...): 3, at most 15;
- each problem shipped in the guide (blockguide's bookkeeping left in the text or notes, e.g. "Left after one
  rewrite", "The outline stops here"): 5, at most 20;
- each distinct vague term ("getting", "doing", "handling", "stuff", "things", "processing"): 3, at most 12.

This module is plain Python: it never imports blockguide (the example's static-check problems are passed in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

REQUIRED_TITLE = "How to Use This Code Block"

FACT_POINTS = 60.0
EXAMPLE_POINTS = 20.0
LAYOUT_POINTS = 20.0
FALSE_CLAIM = 15.0
WRONG_TITLE = 10.0
REPEATED_STEP, REPEATED_CAP = 5.0, 20.0
GENERIC_LABEL, GENERIC_CAP = 3.0, 15.0
SHIPPED, SHIPPED_CAP = 5.0, 20.0
VAGUE, VAGUE_CAP = 3.0, 12.0

# Two step sentences repeat each other when they are equal after normalising, or when both are at least
# REPEAT_MIN_CHARS long and their similarity ratio (rapidfuzz, 0..100) is at least REPEAT_RATIO: short
# sentences such as "It returns `a`." / "It returns `b`." are alike by ratio without saying the same thing.
REPEAT_RATIO = 90.0
REPEAT_MIN_CHARS = 25

VAGUE_TERMS = ("getting", "doing", "handling", "dealing with", "stuff", "things", "processing")
_VAGUE_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in VAGUE_TERMS) + r")\b", re.I)

# Labels that say nothing about the step.
_GENERIC_LABEL = re.compile(
    r"^(\d+|step\s*\d*|(run|execute|do|perform|process)\s+(the\s+)?(statement|code|step|block|line)s?|"
    r"description|usage|usage example|example|execution steps?|details?|code|statements?|more statements|"
    r"other|misc(ellaneous)?|continue|next|summary|overview|action|logic)$", re.I)

# blockguide's bookkeeping: problems the checks found and left in the guide, or the outline cut short.
SHIPPED_PROBLEMS = {
    "left after one rewrite": r"left after one rewrite",
    "example failed the checks": r"model'?s example failed the checks",
    "repeated steps dropped": r"repeated step\(?s?\)?",
    "steps rebuilt from the outline": r"model'?s steps skipped",
    "answer cut off": r"answer was cut off",
    "outline stops here": r"outline stops here|\d+ more statements? follows?",
    "model not used": r"the model was not used",
}

_NEGATION = re.compile(r"\b(not|never|no|without|nor|neither|instead of)\b|n't\b", re.I)


@dataclass
class Score:
    facts_found: list[str] = field(default_factory=list)
    facts_missed: list[str] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # fact -> the text that stated it
    false_claims: list[str] = field(default_factory=list)  # "claim (matched text)"
    example_checks: dict[str, bool] = field(default_factory=dict)
    layout_checks: dict[str, bool] = field(default_factory=dict)
    penalties: list[tuple[str, float]] = field(default_factory=list)  # (why, points lost), false claims included

    @property
    def facts_points(self) -> float:
        return FACT_POINTS * self.facts_share

    @property
    def example_points(self) -> float:
        c = self.example_checks
        return EXAMPLE_POINTS * sum(c.values()) / len(c) if c else EXAMPLE_POINTS

    @property
    def layout_points(self) -> float:
        c = self.layout_checks
        return LAYOUT_POINTS * sum(c.values()) / len(c) if c else LAYOUT_POINTS

    @property
    def penalty_points(self) -> float:
        return sum(p for _, p in self.penalties)

    @property
    def total(self) -> float:
        return max(0.0, self.facts_points + self.example_points + self.layout_points - self.penalty_points)

    @property
    def facts_share(self) -> float:
        n = len(self.facts_found) + len(self.facts_missed)
        return len(self.facts_found) / n if n else 1.0

    @property
    def facts(self) -> str:
        return f"{len(self.facts_found)}/{len(self.facts_found) + len(self.facts_missed)}"

    def breakdown(self) -> list[str]:
        """One line per part, for the results file."""
        lines = [f"total {self.total:.0f}/100 = facts {self.facts_points:.1f} + example {self.example_points:.1f}"
                 f" + layout {self.layout_points:.1f} - penalties {self.penalty_points:.1f}",
                 f"facts {self.facts}" + (f"; missed: {'; '.join(self.facts_missed)}" if self.facts_missed else ""),
                 "found: " + "; ".join(f"{k} ({v!r})" for k, v in self.matched.items())]
        failed = [k for k, ok in self.example_checks.items() if not ok]
        lines.append("example: " + (f"failed {', '.join(failed)}" if failed else "all checks pass"))
        failed = [k for k, ok in self.layout_checks.items() if not ok]
        lines.append("layout: " + (f"no {', '.join(failed)}" if failed else "all checks pass"))
        lines += [f"-{p:g}: {why}" for why, p in self.penalties]
        return lines


def plain(text: str) -> str:
    """Text without Markdown backticks and bold marks, white space collapsed."""
    return re.sub(r"\s+", " ", text.replace("`", "").replace("**", "")).strip()


def prose_of(guide: dict) -> str:
    """The description and the steps (label and text), where facts and false claims are looked for."""
    return plain("\n".join([guide.get("description", "")] +
                           [f"{s.get('label', '')}: {s.get('detail', '')}" for s in guide.get("steps", [])]))


def _regexes(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def stated(patterns, text: str) -> str | None:
    """The first text matched by any of the patterns (case-insensitive), or None."""
    for p in _regexes(patterns):
        m = re.search(p, text, re.I)
        if m:
            return m.group(0)
    return None


def claimed(patterns, text: str) -> str | None:
    """Like `stated`, but a match preceded (within a few words) by a negation does not count."""
    for p in _regexes(patterns):
        for m in re.finditer(p, text, re.I):
            before = text[max(0, m.start() - 30): m.start()]
            before = re.split(r"[.,;:!?]", before)[-1]  # only the same clause
            if not _NEGATION.search(before):
                return m.group(0)
    return None


def _norm_sentence(text: str) -> str:
    return re.sub(r"[^\w ]+", "", plain(text).lower()).strip()


def repeated_steps(steps: list[dict]) -> list[tuple[int, int, float]]:
    """(step, earlier step it repeats, ratio) for each step that nearly repeats an earlier one (1-based)."""
    out = []
    sentences = [_norm_sentence(s.get("detail", "")) for s in steps]
    for i, a in enumerate(sentences):
        for j in range(i):
            b = sentences[j]
            if not a or not b:
                continue
            ratio = fuzz.ratio(a, b)
            if a == b or (min(len(a), len(b)) >= REPEAT_MIN_CHARS and ratio >= REPEAT_RATIO):
                out.append((i + 1, j + 1, ratio))
                break
    return out


def generic_labels(steps: list[dict]) -> list[str]:
    out = []
    for s in steps:
        label = plain(s.get("label", "")).strip("*: .")
        if not label or _GENERIC_LABEL.match(label):
            out.append(label or "(empty)")
    return out


def shipped_problems(markdown: str) -> list[str]:
    text = plain(markdown)
    return [name for name, pattern in SHIPPED_PROBLEMS.items() if re.search(pattern, text, re.I)]


def vague_terms(text: str) -> list[str]:
    seen: list[str] = []
    for m in _VAGUE_RE.finditer(text):
        if m.group(1).lower() not in seen:
            seen.append(m.group(1).lower())
    return seen


def layout_checks(markdown: str) -> dict[str, bool]:
    return {
        "Description section": bool(re.search(r"^Description\n-{3,}$", markdown, re.M)),
        "Execution Steps section": bool(re.search(r"^Execution Steps\n-{3,}$", markdown, re.M)),
        "Usage Example section": bool(re.search(r"^Usage Example\n-{3,}$", markdown, re.M)),
        "numbered steps with bold labels": bool(re.search(r"^1\. \*\*[^*\n]+\*\*: \S", markdown, re.M)),
        "one code block": len(re.findall(r"^```+[\w+#-]*$", markdown, re.M)) == 2,
    }


def _capped(items: list[str], each: float, cap: float, why) -> list[tuple[str, float]]:
    out, left = [], cap
    for item in items:
        p = min(each, left)
        if p <= 0:
            break
        out.append((why(item), p))
        left -= p
    return out


def score(case: dict, guide: dict, markdown: str, example_problems: list[str] | None = None) -> Score:
    """Score one guide. `guide` is the Guide as a dict (title, description, steps [label, detail], example
    [language, code], notes); `markdown` its rendering; `example_problems` what the static checks of the
    scoring checkout found in the example (None: not checked, that check is left out)."""
    s = Score()
    prose = prose_of(guide)
    for name, patterns in case.get("facts", {}).items():
        hit = stated(patterns, prose)
        (s.facts_found if hit else s.facts_missed).append(name)
        if hit:
            s.matched[name] = hit
    for name, patterns in case.get("false", {}).items():
        hit = claimed(patterns, prose)
        if hit:
            s.false_claims.append(f"{name} ({hit!r})")
            s.penalties.append((f"false claim: {name} ({hit!r})", FALSE_CLAIM))
    title = plain(guide.get("title", ""))
    if title != REQUIRED_TITLE:
        s.penalties.append((f"title {title!r} is not {REQUIRED_TITLE!r}", WRONG_TITLE))
    steps = list(guide.get("steps", []))
    s.penalties += _capped([f"step {i} repeats step {j} (ratio {r:.0f})" for i, j, r in repeated_steps(steps)],
                           REPEATED_STEP, REPEATED_CAP, lambda x: f"repeated: {x}")
    s.penalties += _capped(generic_labels(steps), GENERIC_LABEL, GENERIC_CAP, lambda x: f"generic label {x!r}")
    s.penalties += _capped(shipped_problems(markdown), SHIPPED, SHIPPED_CAP, lambda x: f"shipped problem: {x}")
    s.penalties += _capped(vague_terms(prose), VAGUE, VAGUE_CAP, lambda x: f"vague term {x!r}")
    s.layout_checks = layout_checks(markdown)
    code = (guide.get("example") or {}).get("code", "")
    checks: dict[str, bool] = {}
    if example_problems is not None:
        checks["parses"] = not [p for p in example_problems if "not valid" in p or "does not parse" in p]
    if case.get("import"):
        checks["expected import"] = bool(re.search(case["import"], code))
    if case.get("symbol"):
        name = re.split(r"\.|::", case["symbol"])[-1]
        checks["names the block"] = bool(re.search(rf"\b{re.escape(name)}\b", code))
    if example_problems is not None:
        checks["static checks pass"] = not example_problems
    s.example_checks = checks
    return s
