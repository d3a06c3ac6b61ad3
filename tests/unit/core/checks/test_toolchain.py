"""The real toolchain checks the example where it is installed: `go vet` with an overlay (the example as a
file of the block's own package; the tree is never written) and `cc -fsyntax-only`. Never run."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core.checks import check_example, toolchain, toolchain_c, toolrun
from blockguide.core.fallback import static_guide
from blockguide.core.grounding import ground
from blockguide.core.examples import attach
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example


go_missing = pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
cc_missing = pytest.mark.skipif(shutil.which("cc") is None, reason="cc is not installed")


@pytest.fixture(autouse=True)
def generous_limits(monkeypatch):
    """The toolchain on, and time for a cold build cache (CI), which costs the first `go vet` more than the
    editor's limit."""
    monkeypatch.setattr(toolchain, "ENABLED", True)  # tests/unit/conftest.py turns it off elsewhere
    monkeypatch.setattr(toolchain, "GO_SECONDS", 120.0)
    monkeypatch.setattr(toolchain_c, "C_SECONDS", 60.0)
    toolrun.results.clear()


def _grounded(root, rel, name):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    g = ground(find_definition(src, name), src, path, root, 5)
    return g, src, path


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def _go_project(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/kit\n\ngo 1.21\n")
    (tmp_path / "parse").mkdir()
    (tmp_path / "parse/parse.go").write_text(
        "package parse\n\n// twice counts the bytes of s twice.\nfunc twice(s string) int {\n\treturn len(s) * 2\n}\n\n"
        "// Count is twice's exported face.\nfunc Count(s string) int {\n\treturn twice(s)\n}\n")
    return tmp_path


@go_missing
def test_go_an_unexported_functions_example_compiles_in_its_own_package(tmp_path):
    root = _go_project(tmp_path)
    before = _tree(root)
    g, src, path = _grounded(root, "parse/parse.go", "twice")
    good = Example("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(twice("ab"))\n}\n')
    problems = check_example(good, g)
    assert problems == [] and problems.checks == ("static", "go vet")
    bad = Example("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(twice(3))\n}\n')
    problems = check_example(bad, g)
    assert problems.checks == ("static", "go vet") and len(problems) == 1
    assert problems[0].startswith("go vet: example.go:6:") and "cannot use 3" in problems[0]
    assert _tree(root) == before  # the overlay only: nothing written into the tree


@go_missing
def test_go_an_exported_functions_example_imports_the_module_path(tmp_path):
    root = _go_project(tmp_path)
    g, src, path = _grounded(root, "parse/parse.go", "Count")
    attach(g, src, path, root, check_example)
    assert '"example.com/kit/parse"' in g.example.code and "parse.Count(" in g.example.code
    assert g.example_checks == ("static", "go vet") and g.example_problems == ()
    assert "The usage example passed go vet." in static_guide(g).provenance.notes
    wrong = Example("go", 'package main\n\nimport "example.com/kit/parse"\n\nfunc main() {\n'
                          '\tparse.Count("a", "b")\n}\n')
    assert "too many arguments" in check_example(wrong, g)[0]


def test_go_without_the_tool_the_static_checks_stay(tmp_path, monkeypatch):
    root = _go_project(tmp_path)
    g, _, _ = _grounded(root, "parse/parse.go", "twice")
    monkeypatch.setattr(toolchain.shutil, "which", lambda name: None)
    problems = check_example(Example("go", 'package main\n\nfunc main() {\n\ttwice(3)\n}\n'), g)
    assert problems == [] and problems.checks == ("static",)


@cc_missing
def test_c_an_example_passes_or_fails_cc_syntax_only(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("")
    (tmp_path / "include").mkdir()
    (tmp_path / "include/sum.h").write_text("int sum(int a, int b);\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src/sum.c").write_text('#include "sum.h"\n\nint sum(int a, int b) {\n    return a + b;\n}\n')
    g, src, path = _grounded(tmp_path, "src/sum.c", "sum")
    assert g.import_line == '#include "sum.h"'
    good = Example("c", '#include <stdio.h>\n#include "sum.h"\n\nint main(void) {\n'
                        '    printf("%d\\n", sum(1, 2));\n    return 0;\n}\n')
    problems = check_example(good, g)
    assert problems == [] and problems.checks == ("static", "cc -fsyntax-only")
    bad = Example("c", '#include "sum.h"\n\nint main(void) {\n    return sum("one");\n}\n')
    problems = check_example(bad, g)
    assert problems.checks == ("static", "cc -fsyntax-only") and problems
    assert problems[0].startswith("cc -fsyntax-only: example.c:4:") and "error" in problems[0]


@cc_missing
def test_c_a_static_function_is_checked_inside_its_own_file(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("")
    (tmp_path / "util.c").write_text("static int half(int x) {\n    return x / 2;\n}\n")
    g, src, path = _grounded(tmp_path, "util.c", "half")
    attach(g, src, path, tmp_path, check_example)
    assert "half(" in g.example.code
    assert g.example_checks == ("static", "cc -fsyntax-only") and g.example_problems == ()


@go_missing
def test_go_an_unexported_functions_own_example_is_a_file_of_its_package_that_go_vet_accepts(tmp_path):
    root = _go_project(tmp_path)
    before = _tree(root)
    g, src, path = _grounded(root, "parse/parse.go", "twice")
    attach(g, src, path, root, check_example)
    code = g.example.code
    assert code.startswith("package parse\n") and "package main" not in code and "func main" not in code
    assert "func exampleUseTwice() {" in code and 'result := twice("example")' in code
    assert g.example_checks == ("static", "go vet") and g.example_problems == ()
    assert toolchain.go_example_file(code, "parse", g.module) == code  # checked exactly as the reader gets it
    assert _tree(root) == before


@go_missing
def test_go_a_function_without_results_imports_no_unused_fmt(tmp_path):
    root = _go_project(tmp_path)
    (root / "parse/log.go").write_text("package parse\n\n// Note records s.\nfunc Note(s string) {\n\t_ = s\n}\n")
    g, src, path = _grounded(root, "parse/log.go", "Note")
    attach(g, src, path, root, check_example)
    assert '"fmt"' not in g.example.code and 'import "example.com/kit/parse"' in g.example.code
    assert g.example_checks == ("static", "go vet") and g.example_problems == ()
