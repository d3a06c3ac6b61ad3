"""A guide built from the analysis alone: for `model = none`, and when no model answers.

Everything in it comes from the code, so it is correct, if plain.
"""

from __future__ import annotations

from blockguide.core.render import title_for
from blockguide.core.types import Example, Grounding, Guide, Step
from blockguide.core.verify import example_from_signature

NOTE = "Generated without a model, from the code's structure alone."


def static_guide(g: Grounding) -> Guide:
    block = g.block
    own = next((s for s in g.defines if s.name == block.name), None)
    if own is not None and own.doc:
        description = own.doc
    elif block.kind != "statements" and block.name:
        sig = own.signature if own and own.signature else block.name
        description = f"This block defines the {block.kind} `{sig}`."
    else:
        description = f"This block runs {block.span.lines} line(s) of statements."
    if g.path:
        description += f" It is in `{g.path}`."
    steps = [Step(label=_label(line), detail=line) for line in g.outline[:8]]
    if not steps:
        body = [l.strip() for l in block.text.split("\n")[1:] if l.strip() and not l.strip().startswith(("#", "//"))]
        steps = [Step(label=f"Line {i + 1}", detail=f"runs `{line[:100]}`") for i, line in enumerate(body[:6])]
    if not steps:
        steps = [Step(label="Definition", detail=f"declares `{block.text.strip().splitlines()[0][:100]}`")]
    example, note = example_from_signature(g)
    notes = (NOTE,) + ((note,) if note else ())
    return Guide(title=title_for(block), description=description, steps=tuple(steps),
                 example=Example(language=example.language, code=example.code), model="none", notes=notes)


def _label(line: str) -> str:
    words = line.replace("`", "").split()
    return " ".join(words[:2]).title() if words else "Step"
