"""`cc`/`c++ -fsyntax-only` on C/C++ examples: a CPython extension's file is compiled against a Python's
headers (or the check says it could not be), a static function inside its own file. Never linked or run."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core.checks import check_example, toolchain, toolchain_c, toolrun
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example


cc_missing = pytest.mark.skipif(shutil.which("cc") is None, reason="cc is not installed")
no_python_h = pytest.mark.skipif(toolchain_c.python_include() is None, reason="no Python here has Python.h")

SPEEDUPS = ('#include <Python.h>\n\nstatic PyObject*\nshout(PyUnicodeObject *in)\n{\n'
            '\treturn PyObject_CallMethod((PyObject*)in, "upper", NULL);\n}\n')


@pytest.fixture(autouse=True)
def toolchain_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_c, "C_SECONDS", 60.0)
    toolrun.results.clear()


def _grounded(root, rel, name):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    return ground(find_definition(src, name), src, path, root, 5), src, path


def _extension(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "_speedups.c").write_text(SPEEDUPS)
    return _grounded(tmp_path, "_speedups.c", "shout")[0]


CALL = ('int main(void) {\n    PyObject *text = PyUnicode_FromString("hi");\n'
        '    PyObject *result = shout((PyUnicodeObject *)text);\n    Py_XDECREF(result);\n    return 0;\n}\n')


@cc_missing
@no_python_h
def test_c_a_cpython_extensions_static_function_compiles_against_python_h(tmp_path):
    g = _extension(tmp_path)
    problems = check_example(Example("c", CALL), g)
    assert problems == [] and problems.checks == ("static", "cc -fsyntax-only")
    wrong = CALL.replace("(PyUnicodeObject *)text", "text, 3")
    problems = check_example(Example("c", wrong), g)
    assert problems.checks == ("static", "cc -fsyntax-only") and "shout" in problems[0]


@cc_missing
def test_c_without_python_h_the_check_says_it_could_not_compile(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain_c, "python_include", lambda: None)
    g = _extension(tmp_path)
    problems = check_example(Example("c", CALL), g)
    assert problems == [] and problems.checks == ("static", "parse only (no Python.h)")


def test_python_include_is_the_running_interpreters_when_it_has_headers(tmp_path, monkeypatch):
    (tmp_path / "Python.h").write_text("")
    toolchain_c.python_include.cache_clear()
    monkeypatch.setattr(toolchain_c.sysconfig, "get_paths", lambda: {"include": str(tmp_path)})
    try:
        assert toolchain_c.python_include() == tmp_path
    finally:
        toolchain_c.python_include.cache_clear()


@pytest.mark.skipif(shutil.which("c++") is None, reason="c++ is not installed")
def test_cpp_an_example_that_defines_a_function_is_not_wrapped_in_main(tmp_path):
    (tmp_path / "include").mkdir()
    (tmp_path / "include/box.h").write_text("struct Box { int size() const; };\n")
    (tmp_path / "box.cc").write_text('#include "box.h"\n\nint Box::size() const {\n    return 3;\n}\n')
    g, src, path = _grounded(tmp_path, "box.cc", "Box::size")
    example = Example("cpp", '#include "box.h"\n\nint measure(const Box &box) {\n    return box.size();\n}\n')
    problems = check_example(example, g)
    assert problems == [] and problems.checks == ("static", "c++ -fsyntax-only")
