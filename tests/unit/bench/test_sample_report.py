"""The sampled benchmark's report: shares leave n/a out, the CI threshold fails a property under it, and a
recorded run lands in RESULTS.md's "Sampled benchmark" section, before the next section."""

from __future__ import annotations

from bench.sample import report
from bench.sample.__main__ import ci_failures
from bench.sample.checks import FAIL, NA, PASS, Case, Verdict


def made(statuses: dict[str, str], language="go", kind="function") -> Case:
    c = Case(id="p@1/f.go:1-2", language=language, kind=kind, kinds=(kind,), start=1, end=2, file_text="", result={})
    c.verdicts = {p: Verdict(s, "why") for p, s in statuses.items()}
    return c


def test_shares_leave_not_applicable_blocks_out():
    cases = [made({"doc": PASS}), made({"doc": FAIL}), made({"doc": NA})]
    assert report.share(cases, "doc") == (1, 2)
    assert "50% (1/2)" in "\n".join(report.table(cases, "language"))


def test_the_ci_fails_a_property_under_its_threshold_only():
    cases = [made({"kind": PASS, "doc": FAIL}), made({"kind": PASS, "doc": PASS})]
    assert ci_failures(cases, {"kind": 1.0, "doc": 0.5}) == []
    failures = ci_failures(cases, {"kind": 1.0, "doc": 0.9})
    assert len(failures) == 1 and failures[0].startswith("doc holds for 1/2")


def test_a_recorded_run_goes_into_its_section(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Quality\n\nq\n")
    cases = [made({"kind": PASS}), made({"kind": FAIL}, language="rust")]
    report.record(results, "before", cases, 5, tmp_path, {})  # the section is made, at the end
    text = results.read_text()
    assert text.index("## Quality") < text.index(report.SECTION) < text.index("### before (seed 5")
    results.write_text(text + "\n## Performance\n\np\n")
    report.record(results, "after", cases, 6, tmp_path, {})  # a later run: in the section, before the next one
    text = results.read_text()
    assert text.index("### before (seed 5") < text.index("### after (seed 6") < text.index("## Performance")
    assert text.count(report.SECTION) == 1 and "50% (1/2)" in text
