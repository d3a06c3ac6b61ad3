"""The sampled benchmark's "run" column (bench/run_examples.run_sampled, issue 20): a run's outcome maps to
pass / fail / n/a, the runner's own failure is n/a said as ours (never the example's fail), and the report
counts per language what ran of what could run, n/a by reason, and lists every failure. No process is started
here: the runs themselves are tested in tests/bench/test_run_examples.py."""

from __future__ import annotations

from pathlib import Path

from bench import run_examples
from bench.run_examples import CRASH, ERROR, NOT_RUNNABLE, OK, RUNNER_ERROR, Ran, run_sampled, verdict_of
from bench.sample import report
from bench.sample.checks import FAIL, NA, PASS, Case, Verdict, judge


def case(code="print(1)\n", language="python", file="pkg/mod.py", tree=Path("/nowhere"), id="p@1/pkg/mod.py:1-2"):
    result = {"guide": {"example": {"language": language, "code": code}}} if code is not None else {"guide": {}}
    return Case(id=id, language=language, kind="function", kinds=("function",), start=1, end=2, file_text="",
                result=result, tree=tree, file=file)


def test_a_run_maps_to_its_verdict():
    assert verdict_of(Ran(OK, "go run")) == Verdict(PASS, "ran (go run)")
    crash = verdict_of(Ran(CRASH, "python", "TypeError: bad operand"))
    assert crash.status == FAIL and crash.reason == "crash (python): TypeError: bad operand"
    assert verdict_of(Ran(ERROR, "javac + java", "Example.java:3: error: x")).status == FAIL
    na = verdict_of(Ran(NOT_RUNNABLE, "cc (compiled only)", "linking needs more"))
    assert na.status == NA and "compiled only" in na.reason and "linking needs more" in na.reason


def test_run_sampled_runs_the_guides_example_in_the_blocks_file(monkeypatch):
    seen = []

    def fake(language, code, tree, file, seconds):
        seen.append((language, code, tree, file, seconds))
        return Ran(CRASH, "python", "ZeroDivisionError: division by zero")

    monkeypatch.setattr(run_examples, "run_example", fake)
    got = run_sampled(case(code="print(1 / 0)"), seconds=7)
    assert got == Verdict(FAIL, "crash (python): ZeroDivisionError: division by zero")
    assert seen == [("python", "print(1 / 0)\n", Path("/nowhere"), "pkg/mod.py", 7)]


def test_the_runners_own_failure_is_not_the_examples(monkeypatch):
    def broken(*args):
        raise KeyError("oops")

    monkeypatch.setattr(run_examples, "run_example", broken)
    got = run_sampled(case())
    assert got.status == NA and got.reason.startswith(f"{RUNNER_ERROR}: KeyError")
    assert run_sampled(case(file="")).reason.startswith(RUNNER_ERROR)  # a case without its file


def test_a_guide_without_an_example_fails_to_run():
    assert run_sampled(case(code="  \n")).status == FAIL
    assert run_sampled(case(code=None)).status == FAIL


def test_judge_fills_the_run_column_from_the_hook():
    got = judge(case(), run_example=lambda c: Verdict(PASS, "ran (python)"))
    assert got.verdicts["run"] == Verdict(PASS, "ran (python)")
    assert judge(case()).verdicts["run"].status == NA  # no hook (--no-run)


def made(language: str, status: str, reason: str, id: str = "p@1/f:1-2") -> Case:
    c = case(language=language, id=id)
    c.verdicts = {"run": Verdict(status, reason)}
    return c


def test_the_report_counts_what_ran_of_what_could_and_the_na_by_reason():
    cases = [made("go", PASS, "ran (go run)"), made("go", FAIL, "crash (go test): panic: nil map", id="g@1/a.go:3-4"),
             made("go", NA, "not runnable (go test): the example in the package has no function without arguments"),
             made("c", NA, "not runnable (cc (compiled only)): linking needs more than the block's file (the "
                           "project's own build): undefined foo"),
             made("c", NA, "not runnable (cc (compiled only)): linking needs more than the block's file (the "
                           "project's own build): undefined bar"),
             made("c", NA, f"{RUNNER_ERROR}: OSError: no space")]
    lines = report.run_summary(cases)
    assert lines[1].startswith("- go: 1/2 ran (50%); 1 n/a: 1 not runnable (go test): the example in the package")
    assert lines[0] == ("- c: 0/0 ran; 3 n/a: 2 not runnable (cc (compiled only)): linking needs more than the "
                        "block's file (the project's own build); 1 runner error: OSError")
    assert report.run_failures(cases) == ["- g@1/a.go:3-4 (go): crash (go test): panic: nil map"]
    text = report.results_file(cases, 7, {}, {})
    assert "## Examples run" in text and "- g@1/a.go:3-4 (go): crash (go test): panic: nil map" in text


def test_a_typescript_example_s_compiled_sources_still_reach_the_package_s_dependencies(tmp_path, monkeypatch):
    """tsc writes the package's sources outside the package: a dependency they require (installed in the
    package's node_modules) must still be found when node runs them, or a good example fails as "Cannot
    find module"."""
    import os
    import shutil

    import pytest

    from bench import run_examples

    tsc_dir = Path(__file__).resolve().parents[3] / "vscode-client/node_modules/.bin"
    if shutil.which("node") is None or not (tsc_dir / "tsc").is_file() and shutil.which("tsc") is None:
        pytest.skip("node or tsc is not installed")
    monkeypatch.setenv("PATH", f"{tsc_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(run_examples, "RUN_CACHE", tmp_path / "cache")
    tree = tmp_path / "greeter"
    (tree / "src").mkdir(parents=True)
    (tree / "node_modules/shout").mkdir(parents=True)
    (tree / "package.json").write_text('{"name": "greeter", "version": "1.0.0", "main": "dist/index.js"}')
    (tree / "node_modules/shout/package.json").write_text('{"name": "shout", "main": "index.js"}')
    (tree / "node_modules/shout/index.js").write_text("exports.shout = (s) => s.toUpperCase();\n")
    (tree / "src/index.ts").write_text("// @ts-ignore\nimport { shout } from 'shout'\n\n"
                                       "export function greet(name: string): string {\n  return shout(name)\n}\n")
    ran = run_examples.run_example("typescript", 'import { greet } from "./src/index.js";\n\nconsole.log(greet("ada"));\n',
                                   tree, "src/index.ts", seconds=120)
    assert ran.ok, str(ran)
