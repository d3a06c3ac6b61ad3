"""C/C++ usage examples a reader would copy and the compiler accepts: a CPython function called with a real
object, a static function's statements through the function, a C++ method on an object its class's public
constructor makes (or one a function is handed), a pointer with its length, a new[] result released."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core import checks, examples, grounding
from blockguide.core.checks import toolchain, toolchain_c, toolrun
from blockguide.core.languages import for_file
from blockguide.core.syntax.blocks import find_definition, snap
from blockguide.core.syntax.source import Source


SPEEDUPS = ('#include <Python.h>\n\nstatic PyObject*\nescape_text(PyUnicodeObject *in)\n{\n'
            '\treturn PyObject_CallMethod((PyObject*)in, "upper", NULL);\n}\n\n'
            'static PyObject*\nescape(PyObject *self, PyObject *text)\n{\n\tPyObject *s;\n'
            '\tPyErr_Clear();\n\ts = escape_text((PyUnicodeObject*)text);\n\treturn s;\n}\n')
HEADER = ('#pragma once\n#include <cstddef>\nnamespace kit {\ninline namespace v1 {\n'
          'class Text final {\npublic:\n  Text(const Text &);\n  Text(const char *);\n'
          '  const char *c_str() noexcept;\nprivate:\n  const char *ptr;\n};\n'
          'class Fault final {\npublic:\n  Fault(const Fault &);\n  Fault &operator=(const Fault &) &;\n'
          'private:\n  Fault() noexcept = default;\n  const char *msg;\n  std::size_t len;\n};\n}\n}\n')
SOURCE = ('#include "kit.h"\n#include <cstring>\nnamespace kit {\ninline namespace v1 {\n'
          'const char *Text::c_str() noexcept {\n  return this->ptr;\n}\n\n'
          'static const char *copyOf(const char *ptr, std::size_t len) {\n'
          '  char *copy = new char[len];\n  std::memcpy(copy, ptr, len);\n  return copy;\n}\n\n'
          'Fault &Fault::operator=(const Fault &other) & {\n  if (this != &other) {\n'
          '    delete[] this->msg;\n    this->msg = copyOf(other.msg, other.len);\n    this->len = other.len;\n'
          '  }\n  return *this;\n}\n}\n}\n')


@pytest.fixture(autouse=True)
def toolchain_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_c, "C_SECONDS", 60.0)
    toolrun.results.clear()


def _attached(root, rel, name=None, lines=None):
    path = root / rel
    src = Source(for_file(path, path.read_text()), path.read_text())  # a .h is C or C++ as the server decides
    block = find_definition(src, name) if name else snap(src, *lines)
    g = grounding.ground(block, src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    return g


def _accepted(g, tool):
    if shutil.which(tool.split()[0]) is not None:
        assert g.example_checks == ("static", tool) and g.example_problems == ()


@pytest.fixture
def extension(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "_speedups.c").write_text(SPEEDUPS)
    return tmp_path


@pytest.fixture
def kit(tmp_path):
    (tmp_path / "include").mkdir()
    (tmp_path / "include/kit.h").write_text(HEADER)
    (tmp_path / "src").mkdir()
    (tmp_path / "src/kit.cc").write_text(SOURCE)
    return tmp_path


def test_a_cpython_function_gets_a_real_object_cast_to_its_parameter(extension):
    g = _attached(extension, "_speedups.c", "escape_text")
    code = g.example.code
    assert "#include <Python.h>" in code and "escape_text(NULL)" not in code
    assert 'PyObject *in = PyUnicode_FromString("<a href=\\"x\\">");' in code
    assert "escape_text((PyUnicodeObject *)in)" in code and "Py_Initialize();" in code
    if toolchain_c.python_include() is not None:
        _accepted(g, "cc -fsyntax-only")


def test_statements_of_a_static_c_function_get_an_example_calling_it(extension):
    g = _attached(extension, "_speedups.c", lines=(13, 14))
    assert g.block.kind == "statements"
    assert "escape(NULL, text)" in g.example.code and "PyErr_Clear" not in g.example.code
    if toolchain_c.python_include() is not None:
        _accepted(g, "cc -fsyntax-only")


def test_a_cpp_method_is_called_on_an_object_its_public_constructor_makes(kit):
    g = _attached(kit, "src/kit.cc", "Text::c_str")
    code = g.example.code
    assert '#include "kit.h"' in code
    assert 'kit::Text text("example");' in code and "text.c_str()" in code  # no inline namespace v1
    _accepted(g, "c++ -fsyntax-only")


def test_a_cpp_pointer_gets_its_length_and_a_new_array_result_is_deleted(kit):
    g = _attached(kit, "src/kit.cc", "copyOf")
    code = g.example.code
    assert 'copyOf("example", 7)' in code and "delete[] result;" in code and "is static" in code
    _accepted(g, "c++ -fsyntax-only")


def test_statements_of_an_operator_of_a_class_without_constructors_take_the_object(kit):
    g = _attached(kit, "src/kit.cc", lines=(16, 20))
    assert g.block.kind == "statements"
    code = g.example.code
    assert "void use_fault(kit::Fault &fault, const kit::Fault &other) {" in code and "fault = other;" in code
    assert any("`Fault::operator=`" in n for n in g.notes)
    _accepted(g, "c++ -fsyntax-only")


MACROS = ('#include <stdint.h>\n#include <Python.h>\n#define FAST_INLINE static inline\n'
          '#define COMPAT(T) static inline T\n\n'
          'FAST_INLINE uint32_t rotate(uint32_t v, int by) {\n  return (v << by) | (v >> (32 - by));\n}\n\n'
          'COMPAT(PyObject *) first_item(PyObject *list) {\n  return PyList_GetItem(list, 0);\n}\n\n'
          'static Py_ssize_t width(Py_ssize_t n, PyObject *s) {\n  Py_ssize_t w;\n  Py_BEGIN_ALLOW_THREADS\n'
          '  if (n > 0) {\n    w = n;\n  }\n  Py_END_ALLOW_THREADS\n  return w;\n}\n')


@pytest.fixture
def macros(tmp_path):
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "fast.c").write_text(MACROS)
    return tmp_path


def test_a_macro_before_or_around_the_return_type_is_not_the_result_type(macros):
    # tree-sitter reads `FAST_INLINE` as the type and leaves `uint32_t` as an error after it
    g = _attached(macros, "fast.c", "rotate")
    assert "uint32_t result = rotate(" in g.example.code and "FAST_INLINE result" not in g.example.code
    assert "#include <stdint.h>" in g.example.code  # the standard header of a type the example names
    g = _attached(macros, "fast.c", "first_item")
    assert "PyObject *result = first_item(" in g.example.code and "COMPAT" not in g.example.code
    if toolchain_c.python_include() is not None:
        _accepted(g, "cc -fsyntax-only")


def test_a_macro_statement_in_a_body_is_not_a_function_and_c_arguments_are_never_braces(macros):
    # `Py_BEGIN_ALLOW_THREADS if (n > 0) {...}` reads like a definition of `if`: the statements are `width`'s
    g = _attached(macros, "fast.c", lines=(15, 17))
    assert g.block.kind == "statements" and g.example_via == "width"
    assert "width(3, s)" in g.example.code and "{}" not in g.example.code
    if toolchain_c.python_include() is not None:
        _accepted(g, "cc -fsyntax-only")


def test_a_cpp_example_names_the_types_of_the_namespace_its_block_is_in(tmp_path):
    (tmp_path / "span.hpp").write_text(
        "#pragma once\nnamespace text {\ntemplate <typename T> class Span {\npublic:\n  Span() : n(0) {}\n"
        "  int size() const { return n; }\nprivate:\n  int n;\n};\n"
        "inline int count(Span<const char> s) {\n  return s.size();\n}\n}\n")
    g = _attached(tmp_path, "span.hpp", "count")
    assert "using namespace text;" in g.example.code
    _accepted(g, "c++ -fsyntax-only")


def test_a_header_its_namespace_s_header_includes_is_used_through_that_header(tmp_path):
    """`shapes-inl.h` is included by `shapes.h` inside `namespace geo {`: alone it declares nothing a reader
    can use; the example includes `shapes.h` and names the class in its namespace."""
    (tmp_path / "shapes.h").write_text(
        "#pragma once\nnamespace geo {\nclass Square {\npublic:\n  Square(int side) : side_(side) {}\n"
        "  int Area() const;\nprivate:\n  int side_;\n};\n#include \"shapes-inl.h\"\n}\n")
    (tmp_path / "shapes-inl.h").write_text("inline int Square::Area() const {\n  return side_ * side_;\n}\n")
    (tmp_path / "main.cc").write_text('#include "shapes.h"\nint main() { return geo::Square(2).Area(); }\n')
    g = _attached(tmp_path, "shapes-inl.h", "Square::Area")
    assert g.import_line == '#include "shapes.h"'
    assert "using namespace geo;" in g.example.code and "geo::Square square(3);" in g.example.code
    _accepted(g, "c++ -fsyntax-only")


def test_a_function_template_is_called_with_values_its_type_parameters_are_deduced_from(tmp_path):
    (tmp_path / "minmax.hpp").write_text(
        "#pragma once\ntemplate <typename T>\ninline T Min3(T a, T b, const T& c) {\n"
        "  return a < b ? (a < c ? a : c) : (b < c ? b : c);\n}\n")
    g = _attached(tmp_path, "minmax.hpp", "Min3")
    assert "T{}" not in g.example.code and "Min3(3, 3, " in g.example.code
    _accepted(g, "c++ -fsyntax-only")
