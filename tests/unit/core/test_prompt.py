"""The prompt stays within its token budget, whatever the block and its context hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from blockguide.core.prompt import build_prompt, estimate_tokens
from blockguide.core.types import Block, CallSite, Example, Grounding, Span, Symbol

line = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=300)


@st.composite
def groundings(draw):
    lines = draw(st.lists(line, min_size=1, max_size=400))
    if draw(st.booleans()):
        lines[0] = "x = '" + "m" * draw(st.integers(0, 60_000)) + "'"  # one minified line
    block = Block("python", Span(0, len(lines)), "\n".join(lines), "", "function", "f")
    sym = st.builds(Symbol, name=st.text(min_size=1, max_size=30), kind=st.just("function"),
                    signature=st.text(max_size=200), doc=st.text(max_size=200))
    return Grounding(
        block=block, path="pkg/mod.py", import_line="from pkg.mod import f",
        defines=draw(st.lists(sym, max_size=5)), uses=draw(st.lists(sym, max_size=30)),
        outline=draw(st.lists(st.text(max_size=200), max_size=40)),
        call_sites=[CallSite("tests/test_mod.py", i, "f(1)\n" * draw(st.integers(1, 20))) for i in range(draw(
            st.integers(0, 8)))],
        example=Example("python", "from pkg.mod import f\n\nf(1)\n"),
        notes=draw(st.lists(st.text(max_size=100), max_size=3)),
    )


@settings(max_examples=150, deadline=None)
@given(groundings(), st.integers(512, 4096), st.none() | st.text(max_size=500))
def test_the_prompt_never_exceeds_its_budget(g, budget, feedback):
    prompt = build_prompt(g, budget, feedback)
    assert prompt.tokens == sum(estimate_tokens(m["content"]) for m in prompt.messages)
    assert prompt.tokens <= budget, (prompt.tokens, budget, prompt.dropped)
    user = prompt.messages[1]["content"]
    assert "The block:" in user and "from pkg.mod import f" in user  # what is never dropped
    if "part of the block" in prompt.dropped:
        assert "lines left out) ..." in user or "... (cut) ..." in user


def test_a_block_within_the_budget_is_sent_whole_and_context_fills_the_rest():
    g = Grounding(block=Block("python", Span(0, 3), "def f(a):\n    return g(a)\n", "", "function", "f"),
                  uses=[Symbol("g", "function", "pkg.other", "g(a: int) -> int", "Double a.")] * 3)
    prompt = build_prompt(g, 2048)
    assert prompt.dropped == [] and "def f(a):\n    return g(a)" in prompt.messages[1]["content"]
    assert "`g(a: int) -> int` (function from `pkg.other`) - Double a." in prompt.messages[1]["content"]
