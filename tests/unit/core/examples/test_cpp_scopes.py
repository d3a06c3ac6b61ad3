"""C++ names a reader writes with their namespace, where the namespace is opened by a macro or inside an
`#ifdef` (tree-sitter does not run the preprocessor), and objects an example can declare."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core import checks, examples, grounding
from blockguide.core.checks import toolchain, toolchain_c, toolrun
from blockguide.core.examples.c import _variable
from blockguide.core.languages import for_file
from blockguide.core.project import including_header
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.cpp_scopes import included_defines, namespaces_at
from blockguide.core.syntax.source import Source


CONFIG = ("#pragma once\n/* Wrap it in your own:\n#define SHAPES_BEGIN namespace mine { namespace shapes {\n*/\n"
          "#define SHAPES_NAME shapes __attribute__((visibility(\"default\")))\n"
          "#define SHAPES_BEGIN namespace shapes {\n#define SHAPES_END }\n"
          "#define SUB_BEGIN(name) namespace name { SHAPES_PRAGMA\n#define SUB_END(name) SHAPES_PRAGMA }\n"
          "#define SHAPES_PRAGMA\n")
AREA = ('#pragma once\n#include "config.h"\n\nSHAPES_BEGIN\n\n/* { a brace in a comment */\n'
        'inline int area(int w, int h) {\n  return w * h;\n}\n\nSUB_BEGIN(detail)\n'
        'inline int twice(int v) {\n  return v + v;\n}\nSUB_END(detail)\n\n'
        'inline int after(int v) { return v; }\n\nSHAPES_END\n')


@pytest.fixture(autouse=True)
def toolchain_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_c, "C_SECONDS", 60.0)
    toolrun.results.clear()


@pytest.fixture
def shapes(tmp_path):
    (tmp_path / "include").mkdir()
    (tmp_path / "include/config.h").write_text(CONFIG)
    (tmp_path / "include/area.hpp").write_text(AREA)
    return tmp_path


def _attached(root, rel, name):
    path = root / rel
    src = Source(for_file(path, path.read_text()), path.read_text())
    g = grounding.ground(find_definition(src, name), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    return g


def test_a_namespace_a_macro_opens_is_read_from_the_macro_s_definition_in_an_included_header(shapes):
    macros = included_defines(shapes / "include/area.hpp", shapes)
    assert "SHAPES_BEGIN" in macros and macros["SHAPES_BEGIN"][1] == "namespace shapes {"  # not the comment's
    at = AREA.index
    assert namespaces_at(AREA, at("inline int area"), macros) == ["shapes"]
    assert namespaces_at(AREA, at("inline int twice"), macros) == ["shapes", "detail"]
    assert namespaces_at(AREA, at("inline int after"), macros) == ["shapes"]  # SUB_END closed `detail`
    assert namespaces_at(AREA, len(AREA), macros) == []
    assert namespaces_at(AREA, at("inline int area"), {}) == []  # an unknown macro opens nothing


def test_a_macro_argument_that_is_a_macro_names_by_its_first_word_and_an_undefined_ifdef_is_skipped():
    text = ("#define NS_BEGIN(name) namespace name {\n#define NS_END(name) }\n#define PROJECT proj __attribute__((x))\n"
            "NS_BEGIN(PROJECT)\n#ifdef CUSTOM_NS\nnamespace CUSTOM_NS {\n#endif\n"
            "#if defined(_WIN32)\nnamespace win {\n#else\nnamespace posix {\n#endif\n"
            "int f();\n}\nnamespace a::b { inline namespace v2 {\nint g();\n} }\nNS_END(PROJECT)\n")
    assert namespaces_at(text, text.index("int f()")) == ["proj", "win"]  # an #if's first branch is read
    assert namespaces_at(text, text.index("int g()")) == ["proj", "a", "b"]  # inline v2 is not written
    assert namespaces_at(text, len(text)) == []


def test_a_function_in_a_macro_opened_namespace_is_called_by_its_qualified_name(shapes):
    g = _attached(shapes, "include/area.hpp", "twice")
    code = g.example.code
    assert "shapes::detail::twice(" in code
    assert "using namespace shapes;\nusing namespace shapes::detail;" in code
    if shutil.which("c++") is not None:
        assert g.example_checks == ("static", "c++ -fsyntax-only") and g.example_problems == ()
    g = _attached(shapes, "include/area.hpp", "area")  # right after the macro: the tree reads it as the type
    assert "shapes::area(3, 3)" in g.example.code
    if shutil.which("c++") is not None:
        assert g.example_problems == ()


def test_a_fragment_included_inside_an_ifdef_guarded_namespace_is_used_through_its_includer(tmp_path):
    (tmp_path / "api.h").write_text("#pragma once\nnamespace Api {\n#ifdef API_CUSTOM_NS\nnamespace API_CUSTOM_NS {\n"
                                    "#endif\nclass Box;\n#ifdef API_CUSTOM_NS\n}\n#endif\n"
                                    '#include "api-inl.h"\n}\n')
    (tmp_path / "api-inl.h").write_text("inline int Sum(int a, int b) { return a + b; }\n")
    found = including_header(tmp_path / "api-inl.h")
    assert found is not None and found[0].name == "api.h" and found[1] == ("Api",)


def test_a_variable_for_an_object_is_never_a_keyword_nor_holds_template_arguments():
    assert _variable("conv::Double") == "double_value"
    assert _variable("json::Writer<StringBuffer>") == "writer"
    assert _variable("ThreadState_DestroyNoGIL") == "thread_state_destroy_no_gil"
    assert _variable("kit::Text") == "text"


def test_a_second_object_made_without_arguments_is_no_function_declaration(tmp_path):
    (tmp_path / "num.h").write_text("#pragma once\nnamespace num {\nclass Big {\npublic:\n  Big() : v(0) {}\n"
                                    "  bool Equals(const Big &other) const { return v == other.v; }\n"
                                    "private:\n  int v;\n};\n}\n")
    g = _attached(tmp_path, "num.h", "Equals")
    assert "num::Big other;" in g.example.code and "other()" not in g.example.code
    if shutil.which("c++") is not None:
        assert g.example_problems == ()


def test_a_result_is_printed_only_when_std_cout_takes_it():
    from blockguide.core.examples.c import _printable

    assert all(_printable(t) for t in ("int", "const char *", "const std::string&", "uint32_t", "unsigned long"))
    assert not any(_printable(t) for t in ("Vector<const char>", "Foo *", "int *", "conv::Vector<char>", "void"))


LIB = ("#pragma once\n#include <string>\nnamespace lib {\nstruct Heap {};\n"
       "template <typename T, typename A = Heap>\nclass Reader {\npublic:\n  explicit Reader(const char *src) : s(src) {}\n"
       "  bool Parse(int *consumed) { *consumed = 1; return s != nullptr; }\nprivate:\n  const char *s;\n};\n"
       "typedef Reader<char> TextReader;\n"
       "template <typename T>\nclass Cell {\npublic:\n  T Get() const { return v; }\nprivate:\n  T v{};\n};\n"
       "struct Point {\n  int x, y;\n  int Sum() const { return x + y; }\n};\n"
       "inline void Trim(std::string &text) { text.erase(0, text.find_first_not_of(' ')); }\n}\n")


@pytest.fixture
def lib(tmp_path):
    (tmp_path / "lib.hpp").write_text(LIB)
    return tmp_path


def _accepted(g):
    if shutil.which("c++") is not None:
        assert g.example_checks == ("static", "c++ -fsyntax-only") and g.example_problems == (), g.example.code


def test_a_class_template_takes_the_arguments_of_the_project_s_alias_else_its_parameters_defaults(lib):
    g = _attached(lib, "lib.hpp", "Parse")
    code = g.example.code
    assert 'lib::Reader<char> reader("example");' in code  # the alias's arguments, its string constructor
    assert "int consumed{};" in code and "reader.Parse(&consumed)" in code and "nullptr" not in code
    _accepted(g)
    g = _attached(lib, "lib.hpp", "Get")
    assert "lib::Cell<int> cell;" in g.example.code  # no alias: `int` for its type parameter
    _accepted(g)


def test_a_class_without_declared_constructors_is_made_by_its_implicit_one(lib):
    g = _attached(lib, "lib.hpp", "Sum")
    assert "lib::Point point;" in g.example.code and "point.Sum()" in g.example.code
    assert "use_point" not in g.example.code
    _accepted(g)


def test_a_class_block_s_example_makes_an_object_with_its_public_constructor(lib):
    g = _attached(lib, "lib.hpp", "Reader")
    assert g.block.kind == "class"
    assert 'lib::Reader<char> reader("example");' in g.example.code
    _accepted(g)


def test_a_non_const_reference_gets_a_variable_never_a_temporary(lib):
    g = _attached(lib, "lib.hpp", "Trim")
    assert 'std::string text = "example";' in g.example.code and "lib::Trim(text)" in g.example.code
    _accepted(g)


def test_a_private_method_is_used_through_the_public_method_that_calls_it(tmp_path):
    (tmp_path / "conv.h").write_text("#pragma once\nnamespace conv {\nclass Printer {\npublic:\n  Printer() {}\n"
                                     "  int Print(double v, char *out) const;\nprivate:\n"
                                     "  bool Special(double v, char *out) const;\n};\n}\n")
    (tmp_path / "conv.cc").write_text('#include "conv.h"\nnamespace conv {\n'
                                      "bool Printer::Special(double v, char *out) const {\n"
                                      "  if (v != v) { out[0] = 'n'; return true; }\n  return false;\n}\n\n"
                                      "int Printer::Print(double v, char *out) const {\n"
                                      "  if (Special(v, out)) return 1;\n  out[0] = '0';\n  return 0;\n}\n}\n")
    g = _attached(tmp_path, "conv.cc", "Printer::Special")
    code = g.example.code
    assert "`Special` is not public: `Print`, a public method of `conv::Printer`, calls it" in code
    assert "printer.Print(1.5, out)" in code and "printer.Special(" not in code
    assert g.example_via == "Printer::Print"  # the checks look for the call of what the example calls
    assert examples.via_note(g) == "`Printer::Special` is not public: a usage example calls `Printer::Print`, which calls it."
    _accepted(g)


def test_python_h_reached_through_the_project_s_headers_is_found_for_the_compiler(tmp_path):
    (tmp_path / "compat.h").write_text("#pragma once\n#include <Python.h>\n")
    (tmp_path / "mod.h").write_text('#pragma once\n#include "compat.h"\n\nstatic inline int twice(int v) {\n'
                                    "  return v + v;\n}\n")
    g = _attached(tmp_path, "mod.h", "twice")
    if shutil.which("cc") is not None and toolchain_c.python_include() is not None:
        assert g.example_checks == ("static", "cc -fsyntax-only") and g.example_problems == ()


def test_a_constructor_s_defaulted_parameters_are_left_out_and_a_template_s_own_parameters_are_no_arguments(tmp_path):
    (tmp_path / "var.hpp").write_text(
        "#pragma once\n#include <string>\nnamespace sym {\nstruct Context {\n  virtual ~Context() = 0;\n};\n"
        "class Var {\npublic:\n  Var(Context *context = 0) : c(context) {}\n"
        "  Var(const char *name, Context *context = 0) : c(context) { (void)name; }\nprivate:\n  Context *c;\n};\n"
        "template <typename T>\nclass Ref {\npublic:\n  Ref() : p(nullptr) {}\n  bool Empty() const;\nprivate:\n"
        "  T *p;\n};\ntemplate <typename T>\nbool Ref<T>::Empty() const {\n  return p == nullptr;\n}\n}\n")
    g = _attached(tmp_path, "var.hpp", "Var")
    assert 'sym::Var var("example");' in g.example.code and "Context" not in g.example.code
    _accepted(g)
    g = _attached(tmp_path, "var.hpp", "Ref<T>::Empty")
    assert "sym::Ref<int> ref;" in g.example.code and "<T>" not in g.example.code
    _accepted(g)
