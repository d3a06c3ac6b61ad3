"""The quality benchmark's per-language toolchain report (bench/quality/checked.py): plain data in, lines out."""

from __future__ import annotations

from bench.quality.checked import Checked, toolchain_report


def test_the_report_counts_per_language_what_the_tool_accepted_and_what_it_never_saw():
    rows = [
        Checked("go", ("static", "go vet"), ()),
        Checked("go", ("static", "go vet"), ("go vet: example.go:6:2: too many arguments",)),
        Checked("go", ("static",), ()),
        Checked("python", ("static", "python bind"), ()),
        Checked("python", ("static", "python bind"), ()),
        Checked("typescript", ("static",), ()),
        Checked("typescript", ("static",), ("the example never uses `x`",)),
    ]
    assert toolchain_report(rows) == [
        "go: 1/3 accepted by go vet; 1 rejected; 1 not checked by a tool (1 pass the static checks)",
        "python: 2/2 accepted by python bind",
        "typescript: 0/2 accepted by a tool; 2 not checked by a tool (1 pass the static checks)",
    ]


def test_a_language_checked_by_two_tools_names_both():
    rows = [Checked("javascript", ("static", "tsc --noEmit"), ()), Checked("javascript", ("static", "node --check"), ())]
    assert toolchain_report(rows) == ["javascript: 2/2 accepted by tsc --noEmit, node --check"]


def test_parse_only_is_not_a_tool():
    rows = [Checked("rust", ("static", "parse only (no target/)"), ())]
    assert toolchain_report(rows) == ["rust: 0/1 accepted by a tool; 1 not checked by a tool (1 pass the static checks)"]
