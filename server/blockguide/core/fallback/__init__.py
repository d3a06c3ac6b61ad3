"""A guide built from the analysis alone: for `model = none`, when no model answers, and as the base every
model field must beat (the model only rewords what this guide says; a field it gets wrong keeps this text).

Everything in it comes from the code: the description from the signature, the docstring and what the outline
shows (calls, I/O, results, errors); the steps from the outline in code order; the example from a real call site
or the signature (built by core.examples, checked by core.checks). It is plain, and true.
"""

from __future__ import annotations

from blockguide.core.examples import via_note
from blockguide.core.examples.usage import has_placeholder
from blockguide.core.languages import LANGUAGES
from blockguide.core.render import title_for
from blockguide.core.types import Example, Grounding, Guide, Provenance
from blockguide.core.fallback.describe import description
from blockguide.core.fallback.steps import steps
from blockguide.core.fallback.words import MAX_STEPS  # noqa: F401 - the bound on the number of steps


NOTE = "Generated without a model, from the code's structure alone."


PLACEHOLDERS = "Example built by blockguide from the signature; replace the placeholder values with real ones."
# values blockguide chose by the parameters' types, names and uses (none of them a placeholder): for the provenance
CHOSEN = "Example built by blockguide from the signature, with values chosen for the parameters' types and uses."


def static_guide(g: Grounding, reason: str | None = None) -> Guide:
    """The guide from analysis. Its notes hold only what the reader must act on (placeholder values to
    replace, an example the compiler rejects) or know about the code (statements that run inside a loop or a
    function); where the example comes from, and `reason` (e.g. the model was unreachable), go to its
    provenance."""
    example, example_note = static_example(g)
    notes = [example_note] if example_note == PLACEHOLDERS else []
    if g.example_via:  # the reader must know why the example calls another function
        notes.append(via_note(g))
    rejected = example_rejected(g)
    if rejected:  # the reader must know before copying it
        notes.append(rejected)
    made = tuple(n for n in (NOTE, reason, example_note, example_checked(g)) if n and n not in notes)
    return Guide(title=title_for(g.block), description=description(g), steps=tuple(steps(g)),
                 example=example, model="none", notes=tuple(notes), provenance=Provenance("none", "none", notes=made))


def static_example(g: Grounding) -> tuple[Example, str | None]:
    """The example blockguide built during analysis (or a minimal one), and the note that says where it is from."""
    lang = LANGUAGES[g.block.language]
    if g.example is not None:
        example = g.example
    else:
        example = Example(lang.fence_tag, g.block.text.strip("\n"))
        return example, "The example repeats the block: no call site or signature to build one from."
    return example, example_origin(g)


def example_checked(g: Grounding) -> str | None:
    """What the real toolchain said of the analysis' example, when one ran ("static" checks go unsaid)."""
    tools = [c for c in g.example_checks if c != "static"]
    compiled = [c for c in tools if not c.startswith("parse only")]
    if g.example is not None and g.example_checks and not compiled:  # never claim more than was checked
        why = "; ".join(c.removeprefix("parse only").strip(" ()") for c in tools)
        return ("The usage example was not compiled (" + (why or "no toolchain for it ran here") +
                "): only its syntax, its import and the names it uses were checked.")
    if not tools:
        return None
    if g.example_problems:
        return f"The usage example does not pass {', '.join(tools)}: {g.example_problems[0]}"
    return f"The usage example passed {', '.join(tools)}."


def example_rejected(g: Grounding) -> str | None:
    """A note for the reader when the real toolchain rejects the example blockguide could build (no better one
    exists: the call sites and the signature gave this one)."""
    tools = [c for c in g.example_checks if c != "static" and not c.startswith("parse only")]
    if tools and g.example_problems:
        return f"`{tools[-1]}` does not accept this example as written: {g.example_problems[0][:200]}"
    return None


def example_origin(g: Grounding) -> str:
    if g.example_source:
        return f"Example adapted from the call at `{g.example_source}`."
    if not g.example_guessed:
        return "Example built by blockguide from the signature, with the values the block's own text gives."
    if g.example is not None and not has_placeholder(g.example.code):
        return CHOSEN
    return PLACEHOLDERS
