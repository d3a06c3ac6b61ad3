"""The quality benchmark's rubric (bench/quality/score.py): plain data in, points out. No process, no network,
no model, no blockguide analysis."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from bench.quality import score as rubric
from bench.quality.score import REQUIRED_TITLE, score

CASE = {
    "id": "demo.parse_port",
    "language": "python",
    "kind": "function",
    "symbol": "parse_port",
    "import": r"from demo\.net import parse_port",
    "facts": {
        "strips white space first": [r"strips?\b", r"white ?space"],
        "accepts 1 to 65535": [r"65535", r"1\s*(-|to)\s*65535"],
        "raises ValueError when out of range": [r"ValueError"],
        "returns the port as an int": [r"returns? (the port as )?an? int", r"\bint\b"],
    },
    "false": {
        "returns None on bad input": [r"returns? None"],
        "is async": [r"\basync\b"],
    },
}

STEPS = [
    {"label": "Strip the text", "detail": "It strips white space from both ends of `text`."},
    {"label": "Convert to a number", "detail": "It converts the text with `int`, so a non-number raises ValueError."},
    {"label": "Check the range", "detail": "It raises ValueError unless the port is from 1 to 65535."},
    {"label": "Give the port back", "detail": "It returns the port as an int."},
]


def guide(**changes) -> dict:
    g = {
        "title": REQUIRED_TITLE,
        "description": "`parse_port(text)` reads a TCP port number from user input and returns the port as an int.",
        "steps": copy.deepcopy(STEPS),
        "example": {"language": "python",
                    "code": 'from demo.net import parse_port\n\nport = parse_port(" 8080 ")\nprint(port)'},
        "model": "test",
        "notes": [],
    }
    g.update(changes)
    return g


def markdown(g: dict) -> str:
    """The guide rendered as blockguide renders it (the layout checks look at this)."""
    lines = [g["title"], "=" * len(g["title"]), "", "Description", "-" * 25, g["description"], "",
             "Execution Steps", "-" * 25]
    lines += [f"{i}. **{s['label']}**: {s['detail']}" for i, s in enumerate(g["steps"], 1)]
    lines += ["", "Usage Example", "-" * 25, "", "```python", g["example"]["code"], "```"]
    if g["notes"]:
        lines += [""] + [f"> {n}" for n in g["notes"]]
    return "\n".join(lines)


def total(g: dict, problems: list[str] | None = None) -> float:
    return score(CASE, g, markdown(g), [] if problems is None else problems).total


def test_a_guide_stating_every_fact_with_nothing_wrong_scores_100():
    s = score(CASE, guide(), markdown(guide()), [])
    assert s.facts == "4/4"
    assert not s.penalties
    assert s.total == pytest.approx(100)


def test_stating_all_facts_scores_higher_than_stating_half():
    half = guide(description="`parse_port(text)` reads a TCP port number from user input.",
                 steps=[STEPS[0], {"label": "Check the range", "detail": "It raises ValueError when the port is 0."}])
    s_all, s_half = score(CASE, guide(), markdown(guide()), []), score(CASE, half, markdown(half), [])
    assert s_half.facts == "2/4"
    assert s_all.total > s_half.total
    assert s_all.facts_points - s_half.facts_points == pytest.approx(rubric.FACT_POINTS / 2)


def test_a_repeated_step_loses_points_whatever_its_label():
    steps = copy.deepcopy(STEPS)
    steps.insert(3, {"label": "Validate bounds", "detail": "It raises ValueError unless the port is from 1 to 65535!"})
    g = guide(steps=steps)
    s = score(CASE, g, markdown(g), [])
    assert any(why.startswith("repeated: step 4 repeats step 3") for why, _ in s.penalties)
    assert s.total == pytest.approx(100 - rubric.REPEATED_STEP)


def test_short_different_sentences_are_not_repeats():
    steps = [{"label": "Return a", "detail": "It returns `a`."}, {"label": "Return b", "detail": "It returns `b`."}]
    assert rubric.repeated_steps(steps) == []


@pytest.mark.parametrize("label", ["1", "Step 3", "Run statement", "Description", "More statements"])
def test_a_numeric_or_generic_label_loses_points(label):
    steps = copy.deepcopy(STEPS)
    steps[1]["label"] = label
    g = guide(steps=steps)
    assert total(g) == pytest.approx(100 - rubric.GENERIC_LABEL)


def test_a_false_claim_loses_points():
    g = guide(description=guide()["description"] + " It returns None when the text is not a number.")
    s = score(CASE, g, markdown(g), [])
    assert s.false_claims and s.false_claims[0].startswith("returns None on bad input")
    assert s.total == pytest.approx(100 - rubric.FALSE_CLAIM)


def test_a_negated_false_claim_does_not_count():
    g = guide(description=guide()["description"] + " It never returns None: a bad port raises.")
    assert score(CASE, g, markdown(g), []).false_claims == []


@pytest.mark.parametrize("note", [
    "Left after one rewrite: the text uses a vague term (handling).",
    "The model's example failed the checks (it does not parse). Example built by blockguide.",
    "2 repeated step(s) from the model were dropped.",
])
def test_bookkeeping_shipped_in_the_notes_loses_points(note):
    g = guide(notes=[note])
    s = score(CASE, g, markdown(g), [])
    assert [why for why, _ in s.penalties if why.startswith("shipped problem")]
    assert s.total < 100


def test_an_outline_cut_short_in_a_step_loses_points_for_the_label_and_the_note():
    steps = copy.deepcopy(STEPS) + [{"label": "More statements", "detail": "The outline stops here; 4 more follow."}]
    g = guide(steps=steps)
    assert total(g) == pytest.approx(100 - rubric.GENERIC_LABEL - rubric.SHIPPED)


def test_a_title_other_than_the_required_one_loses_points():
    g = guide(title="How to Use `parse_port`")
    s = score(CASE, g, markdown(g), [])
    assert any(why.startswith("title") for why, _ in s.penalties)
    assert s.total == pytest.approx(100 - rubric.WRONG_TITLE)


def test_vague_terms_lose_points_once_each():
    g = guide(description=guide()["description"] + " Handling of things: handling stuff.")
    s = score(CASE, g, markdown(g), [])
    vague = [why for why, _ in s.penalties if why.startswith("vague")]
    assert len(vague) == 3  # handling, things, stuff
    assert s.total == pytest.approx(100 - 3 * rubric.VAGUE)


def test_the_example_checks_are_one_part_of_the_rubric():
    wrong_import = guide(example={"language": "python", "code": "import demo\n\nprint(demo.parse_port('1'))"})
    s = score(CASE, wrong_import, markdown(wrong_import), [])
    assert s.example_checks["expected import"] is False
    assert s.example_points == pytest.approx(rubric.EXAMPLE_POINTS * 3 / 4)
    broken = score(CASE, guide(), markdown(guide()), ["the example does not parse: line 1"])
    assert broken.example_checks == {"parses": False, "expected import": True, "names the block": True,
                                     "static checks pass": False}
    assert broken.total == pytest.approx(100 - rubric.EXAMPLE_POINTS / 2)


def test_penalties_are_capped_and_the_total_never_goes_below_zero():
    steps = [{"label": "1", "detail": "It does things with stuff and more stuff here."}] * 12
    g = guide(title="Guide", description="It returns None. It is async.", steps=steps,
              notes=["Left after one rewrite: x.", "The outline stops here."])
    s = score(CASE, g, markdown(g), ["does not parse"])
    assert sum(p for why, p in s.penalties if why.startswith("repeated")) == rubric.REPEATED_CAP
    assert sum(p for why, p in s.penalties if why.startswith("generic label")) == rubric.GENERIC_CAP
    assert s.total == 0


def test_the_breakdown_names_what_was_missed_and_each_penalty():
    g = guide(title="Parse a port", steps=STEPS[:2])
    lines = score(CASE, g, markdown(g), []).breakdown()
    assert lines[0].startswith("total ")
    assert "facts 3/4; missed: accepts 1 to 65535" in lines
    assert any(line.startswith("-10: title") for line in lines)


def test_every_case_in_the_set_is_well_formed():
    cases = tomllib.loads((Path(rubric.__file__).with_name("cases.toml")).read_text())["case"]
    assert len(cases) >= 24
    assert {c["language"] for c in cases} >= {"python", "javascript", "typescript", "go", "rust", "java", "c", "cpp"}
    assert {c["kind"] for c in cases} >= {"function", "class", "method", "async", "statements", "private"}
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert ("symbol" in c) != ("lines" in c), c["id"]
        assert len(c["facts"]) >= 4, c["id"]
        assert len(c["false"]) >= 2, c["id"]
        for patterns in [*c["facts"].values(), *c["false"].values()]:
            for p in patterns:
                rubric.stated(p, "")  # compiles


def test_the_side_by_side_table_has_a_row_per_case_the_means_and_the_model_seconds():
    from bench.quality.__main__ import table

    cases = [dict(CASE, id=f"demo.case{i}") for i in range(3)]
    good, bad = guide(), guide(title="Guide", steps=STEPS[:1])
    static = {c["id"]: (score(CASE, bad, markdown(bad), []), {"seconds": 0.1}) for c in cases}
    model = {c["id"]: (score(CASE, good, markdown(good), []), {"seconds": s}) for c, s in zip(cases, (10, 20, 90))}
    text = table(cases, static, model, "tiny")
    rows = [line for line in text.split("\n") if line.startswith("| demo.case")]
    assert len(rows) == 3
    diff = 100 - static["demo.case0"][0].total
    assert f"| +{diff:.0f} | 10.0 |" in rows[0]
    assert "| **mean** |" in text and f"+{diff:.1f}" in text
    assert "median 20.0, p95 90.0 (3 guides)" in text
    assert "| static (facts) | penalties |" in table(cases, static, None, None)


def test_draft_reaches_blockguide_through_the_new_module_when_it_exists(monkeypatch):
    import sys
    import types

    from bench.quality import draft

    assert draft.api("draft").__module__ in ("blockguide.jobs.draft", "blockguide.pipeline")
    assert draft.api("snap").__module__ in ("blockguide.core.syntax.blocks", "blockguide.core.blocks")
    fake = types.ModuleType("blockguide.jobs.draft")
    fake.analyse, fake.draft = object(), object()
    monkeypatch.setitem(sys.modules, "blockguide.jobs", types.ModuleType("blockguide.jobs"))
    monkeypatch.setitem(sys.modules, "blockguide.jobs.draft", fake)
    assert draft.api("draft") is fake.draft and draft.api("analyse") is fake.analyse
    assert draft.api("Source").__module__ == "blockguide.core.syntax.source"  # found where it is now


def test_each_hand_written_reference_states_every_fact_of_its_case_and_no_false_claim():
    here = Path(rubric.__file__).parent
    cases = tomllib.loads((here / "cases.toml").read_text())["case"]
    references = tomllib.loads((here / "references.toml").read_text())
    assert set(references) == {c["id"] for c in cases}
    for c in cases:
        text = rubric.plain(references[c["id"]])
        assert [k for k, v in c["facts"].items() if not rubric.stated(v, text)] == [], c["id"]
        assert [k for k, v in c["false"].items() if rubric.claimed(v, text)] == [], c["id"]
