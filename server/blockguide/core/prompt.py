"""Grounding → chat messages, within a token budget.

Priority when trimming: the block itself, then the import line and what the block defines, its inputs and
outputs, the outline, a checked usage example, base classes, what it uses (definitions), then call sites. Tokens are estimated (about 3.5 characters a token for code), which is
close enough for budgeting and needs no tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass

from blockguide.core.languages import LANGUAGES
from blockguide.core.checks.prose import VAGUE_TERMS
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

    user = "\n".join(header) + "\n\n" + "\n\n".join(sections)
    user += "\n\nThe block:" + _fence(lang.fence_tag, code)
    if feedback:
        user += FEEDBACK_HEAD + feedback
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
