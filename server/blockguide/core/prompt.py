"""Grounding → chat messages, within a token budget.

Priority when trimming: the block itself, then the import line and what the block defines, its inputs and
outputs, the outline, a checked usage example, base classes, what it uses (definitions), then call sites. Tokens are estimated (about 3.5 characters a token for code), which is
close enough for budgeting and needs no tokenizer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blockguide.core.languages import LANGUAGES
from blockguide.core.checks.prose import VAGUE_TERMS
from blockguide.core.syntax.steplines import step_lines
from blockguide.core.facts import Assign
from blockguide.core.types import Grounding

SYSTEM = """You write documentation guides for blocks of source code.
Answer with one JSON object and nothing else:
{"description": "...", "steps": [{"label": "...", "detail": "..."}], "example": {"language": "...", "code": "..."}}

Rules:
- description: two or three sentences saying what the block does and why a caller uses it.
- steps: the sequence of actions in the code, in the order the code performs them. Each label is two to
  four words; each detail names the real functions, variables and values involved, in backticks.
- steps follow "What the code does, in order" below: one step for each important action, same order.
- example: a short, complete program that uses the block. It must start with the import line given
  below (when one is given), import every other name it uses, and call the block with arguments that
  match its signature. For async code, run it with asyncio.run. Use only names that exist in the code
  or its context; never invent modules or functions. When a checked example is given below, start
  from it.
- Be specific: say "checks", "validates", "sends", "returns", "parses". Never use vague verbs such as
  {vague}.
"""


def estimate_tokens(text: str) -> int:
    return max(1, int(len(text) / 3.5) + text.count("\n") // 4)


@dataclass
class Prompt:
    messages: list[dict]
    tokens: int
    dropped: list[str]  # what did not fit the budget


def build_prompt(g: Grounding, budget: int, feedback: str | None = None) -> Prompt:
    lang = LANGUAGES[g.block.language]
    system = SYSTEM.replace("{vague}", ", ".join(f'"{t}"' for t in VAGUE_TERMS))
    header = [f"Language: {lang.key}"]
    if g.path:
        header.append(f"File: {g.path} (lines {g.block.span.human()})")
    if g.block.kind != "statements" and g.block.name:
        header.append(f"The block defines the {g.block.kind} `{g.block.name}`.")
    else:
        header.append("The block is a sequence of statements.")
    if g.import_line:
        header.append(f"Import line for the example (exact): {g.import_line}")
    elif g.module and g.block.language == "python" and g.block.kind == "statements":
        header.append(f"The block is in module `{g.module}`.")
    for note in g.notes:
        header.append(f"Note: {note}")

    code = g.block.text
    frame = "\n".join(header) + "\n\n\n\nThe block:" + (FEEDBACK_HEAD + feedback if feedback else "")
    fixed = estimate_tokens(system) + estimate_tokens(frame)
    dropped: list[str] = []
    if fixed + estimate_tokens(_fence(lang.fence_tag, code)) > budget:
        # The block alone is over budget: keep its head and tail, which carry the signature and the result.
        code = _head_and_tail(code, budget - fixed, lang.fence_tag)
        dropped.append("part of the block")
    remaining = budget - fixed - estimate_tokens(_fence(lang.fence_tag, code))

    sections: list[str] = []
    example = []
    if g.example is not None:
        origin = f" (adapted from the call at {g.example_source})" if g.example_source else " (from the signature)"
        example = [f"checked{origin}:" + _fence(lang.fence_tag, g.example.code.rstrip("\n")).rstrip("\n")]
    for title, items in (
        ("What the block defines", [_symbol_line(s) for s in g.defines]),
        ("Inputs (names read from outside the block)", [", ".join(f"`{n}`" for n in g.inputs)] if g.inputs else []),
        ("Outputs (names bound here and used after it)", [", ".join(f"`{n}`" for n in g.outputs)] if g.outputs
         else []),
        ("What the code does, in order", g.outline),
        ("A usage example that passes every check", example),
        ("Base classes", [_base_line(b) for b in g.bases]),
        ("Names the block uses, resolved", [_symbol_line(s) for s in g.uses]),
        ("Real call sites in the project", [f"{c.path}:{c.line + 1}\n{c.code}" for c in g.call_sites]),
    ):
        kept: list[str] = []
        for item in items:
            cost = estimate_tokens(item) + 2 + (0 if kept else estimate_tokens(title) + 2)
            if cost > remaining:
                dropped.append(title.split(" (")[0].lower())
                break
            kept.append(item)
            remaining -= cost
        if kept:
            sections.append(f"{title}:\n" + "\n".join(f"- {k}" for k in kept))

    def assemble() -> str:
        user = "\n".join(header) + "\n\n" + "\n\n".join(sections)
        user += "\n\nThe block:" + _fence(lang.fence_tag, code)
        return user + (FEEDBACK_HEAD + feedback if feedback else "")

    user = assemble()
    # the parts' estimates are rounded one by one: the whole can come out a token or two over; drop the last
    # section (the least needed) until it fits
    while (over := estimate_tokens(system) + estimate_tokens(user) - budget) > 0:
        if sections:
            dropped.append(sections.pop().split(":\n", 1)[0].split(" (")[0].lower())
        else:  # the block itself, one more cut
            code = _head_and_tail(code, estimate_tokens(_fence(lang.fence_tag, code)) - over - 1, lang.fence_tag)
            dropped.append("part of the block")
        user = assemble()
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return Prompt(messages, estimate_tokens(system) + estimate_tokens(user), sorted(set(dropped)))


FEEDBACK_HEAD = "\n\nYour previous answer had these problems; fix them all:\n"


def _head_and_tail(code: str, room: int, tag: str) -> str:
    """The block's first and last lines (two thirds head) within `room` tokens, with a marker between."""
    lines = code.split("\n")
    keep = len(lines)
    while True:
        keep = max(2, min(keep - 1, int(keep * 0.9)))
        head, tail = lines[: max(1, keep * 2 // 3)], lines[len(lines) - max(1, keep // 3):]
        cut = "\n".join(head + [f"... ({len(lines) - len(head) - len(tail)} lines left out) ..."] + tail)
        if estimate_tokens(_fence(tag, cut)) <= room:
            return cut
        if keep <= 2:  # a few enormous lines (minified code): cut by characters
            return cut[: max(0, int((room - 12) * 3.5))] + "\n... (cut) ..."


def _fence(tag: str, code: str) -> str:
    return f"\n```{tag}\n{code}\n```\n"


def _base_line(b) -> str:
    line = f"`{b.name}`" + (f" (from `{b.module}`)" if b.module else "")
    if b.inherited:
        line += " gives it " + ", ".join(f"`{m}`" for m in b.inherited)
    return line


def _symbol_line(s) -> str:
    parts = [f"`{s.signature or s.name}`", f"({s.kind}"]
    if s.module:
        parts[-1] += f" from `{s.module}`"
    parts[-1] += ")"
    if s.doc:
        parts.append(f"- {s.doc}")
    return " ".join(parts)


# --- the phrase job: a small model words the analysis' facts --------------------------------------------------
# The analysis owns the facts (the static guide's steps, in code order); the model only phrases them: a purpose
# for the description, and a short label and one sentence per step. Each field is then checked on its own
# (core.checks.fields) and a field that fails keeps the analysis' text.

STEP_LINES = 3  # lines of each step's code shown in the phrase prompt (its comments first); 6 cost 0.3 s a guide, for nothing the checks kept
PHRASE_BUDGET = 800  # tokens for the whole prompt; the answer has its own cap (llm.base.PHRASE_MAX_TOKENS)

# The one-shot example: made-up code, so that nothing in it can be copied into a real guide as a fact (the
# checks reject a sentence that repeats it).
# The system message is the same for every block (the block's name and its number of steps are in the user
# message): a model server that keeps the previous request's evaluated prompt (Ollama does, per runner) then
# evaluates only the user message, which saves about a third of the prompt's time on a small CPU.
PHRASE_SYSTEM = """You word documentation for a block of code. The facts are given; you only phrase them.
Answer with JSON only, no other text: {"description": "...", "steps": [{"step": 1, "label": "...", "sentence": "..."}]}

Rules:
- description: one sentence of at most 25 words: what the block is for and what it gives back.
- steps: exactly one object for each numbered step you are given, in that order.
- label: two to four words of your own saying what the step does, e.g. "Check the input". Never a number,
  never "Step", never a sentence.
- sentence: one plain sentence of at most 15 words saying what that step's code does, in the code's own words
  (its comments say why). Name code in backticks, only names from the code. Say nothing the code does not show.
- Do not write about versions, platforms or speed. Do not write "this example", "this guide" or "this step".
- Never use vague words such as {vague}.
"""


def step_code(g: Grounding, steps) -> list[str]:
    """Each step's code: the first source line of the statement it tells of ("" for a step without one, e.g.
    a class's base-class step); a step that stands for a run of plain assignments (no calls) gets their lines
    joined with "; " (at most four)."""
    lines = g.block.text.split("\n")
    out = []
    for step in steps:
        facts = getattr(step, "facts", ()) or ()
        if facts and all(isinstance(f, Assign) and not f.calls for f in facts):
            picked = facts[:4]
        else:
            picked = facts[:1]
        if not picked and getattr(step, "span", None) is not None:
            out.append(_line(lines, g, step.span.start))
            continue
        out.append("; ".join(filter(None, (_line(lines, g, f.span.start) for f in picked))))
    return out


def step_source(g: Grounding, steps) -> list[str]:
    """Each step's whole source ("" for a step without lines): its lines up to the next step's first statement
    (`core.syntax.steplines.step_lines`: the comments right above it included, the trailing ones not). The
    checks use it to tell whether a label or a sentence is about its own step."""
    out = []
    for step in steps:
        span = getattr(step, "span", None)
        out.append("\n".join(step_lines(g.block, span.start, span.end)) if span is not None else "")
    return out


def _line(lines: list[str], g: Grounding, line: int) -> str:
    i = line - g.block.span.start
    return lines[i].strip() if 0 <= i < len(lines) else ""


def build_phrase_prompt(g: Grounding, steps, budget: int = PHRASE_BUDGET) -> Prompt:
    """The phrase job's messages: the block's name, documentation and first line, then the static guide's
    `steps` numbered, each with its own code (comments first, STEP_LINES lines at most), for the model to label
    and phrase in one sentence each. Over `budget`, each step shows fewer lines, then shorter ones; every step
    stays in the prompt (the answer must have exactly that many)."""
    lang = LANGUAGES[g.block.language]
    named = g.block.kind != "statements" and g.block.name
    name = f"its first sentence names `{g.block.name}`" if named else "its first sentence says what the statements do"
    system = PHRASE_SYSTEM.replace("{vague}", ", ".join(f'"{t}"' for t in VAGUE_TERMS))
    header = [f"Language: {lang.key}"]
    if named:
        header.append(f"The block defines the {g.block.kind} `{g.block.name}`.")
    else:
        header.append("The block is a sequence of statements.")
    own = next((s for s in g.defines if s.name == g.block.name), None) if named else None
    if own is not None and own.doc:
        header.append(f"Its documentation says: {_one_line(own.doc, 200)}")
    if named:
        header.append(f"Its first line: {_one_line(_head(g.block.text, g.block.name), 160)}")
    shown = [source.split("\n") if source else [code] if code else []
             for code, source in zip(step_code(g, steps), step_source(g, steps))]
    count = f"{len(steps)} step" + ("s" if len(steps) != 1 else "")

    def user_text(lines: int, width: int) -> str:
        numbered = []
        for i, (step, code) in enumerate(zip(steps, shown), 1):
            numbered.append(f"Step {i} (outline: {_one_line(step.label, 40)}):")
            numbered += ["    " + _one_line(line, width) for line in code[:lines]]
            if len(code) > lines:
                numbered.append("    ...")
            if not code:
                numbered.append("    (no single line of code)")
        return ("\n".join(header) + f"\n\nThe {count}, in order, each with its code:\n" + "\n".join(numbered)
                + f"\n\nAnswer with the JSON object: a description ({name}) and exactly {count}"
                + (f", so exactly {len(steps)} objects in \"steps\"." if len(steps) != 1 else ", so one object in \"steps\"."))

    dropped: list[str] = []
    room = budget - estimate_tokens(system)
    for lines, width in ((STEP_LINES, 100), (3, 100), (1, 100), (1, 60), (1, 30)):
        user = user_text(lines, width)
        if estimate_tokens(user) <= room:
            break
    if (lines, width) != (STEP_LINES, 100):
        dropped.append("part of the steps' code")
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return Prompt(messages, estimate_tokens(system) + estimate_tokens(user), dropped)


def _head(text: str, name: str) -> str:
    """A definition's first line, through the line that names it (C's `static PyObject *` above `escape(...)`,
    a decorator or an annotation above the name): at most three lines, joined."""
    lines = [line.strip() for line in text.strip().split("\n")[:3]]
    named = next((i for i, line in enumerate(lines) if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", line)), 0)
    return " ".join(lines[:named + 1])


def _one_line(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."
