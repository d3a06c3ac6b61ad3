"""The kind of a block decided once: a `.h` header is C or C++ by what it holds and where it is; a function
assigned to a property is a definition. A selection's outputs are only what the code after it reads."""

from __future__ import annotations

import pytest

from blockguide.core.languages import LANGUAGES, for_file
from blockguide.core.syntax.blocks import definitions, enclosing_definition, find_definition, owner_name, snap
from blockguide.core.syntax.dataflow import dataflow
from blockguide.core.syntax.nodes import definition_node
from blockguide.core.syntax.source import Source


@pytest.mark.parametrize("text, language", [
    ("int f(int);\n#ifdef __cplusplus\nextern \"C\" {\n#endif\nstruct s {\n  int a;\n};\n", "c"),
    ("typedef struct foo { int a; } foo_t;\n/* see Foo::bar */\nint g(void);\n", "c"),
    ("class Buffer {\n public:\n  int size() const { return n_; }\n};\n", "cpp"),
    ("namespace util {\nint f();\n}\n", "cpp"),
    ("template <typename T> T max(T a, T b);\n", "cpp"),
    ("struct Derived : public Base {\n  int a;\n};\n", "cpp"),
    ("inline int twice(int x) { return x * 2; }\nstd::string name();\n", "cpp"),
])
def test_a_header_is_c_or_cpp_by_what_it_holds(tmp_path, text, language):
    path = tmp_path / "x.h"
    path.write_text(text)
    assert for_file(path, text).key == language
    assert for_file(f"file://{path}", text, "c").key == language  # what VS Code says of a .h is not trusted


def test_a_header_of_a_cpp_project_is_cpp(tmp_path):
    text = "int f(int);\n"  # nothing C++ in it, but its folder's sources are C++
    (tmp_path / "x.h").write_text(text)
    (tmp_path / "x.cc").write_text("#include \"x.h\"\nint f(int a) { return a; }\n")
    assert for_file(tmp_path / "x.h", text).key == "cpp"
    (tmp_path / "y.c").write_text("int g;\n")
    (tmp_path / "z.c").write_text("int h;\n")
    assert for_file(tmp_path / "x.h", text).key == "c"
    assert for_file(tmp_path / "x.py").key == "python" and for_file(tmp_path / "x.cc").key == "cpp"


def test_a_folder_of_headers_alone_goes_with_the_sources_above_it(tmp_path):
    text = "static int f(int a) { return a; }\n"  # nothing C++ in it; platform/ holds headers only
    (tmp_path / "src/platform").mkdir(parents=True)
    (tmp_path / "src/platform/x_arm.h").write_text(text)
    (tmp_path / "src/platform/x_mips.h").write_text(text)
    (tmp_path / "src/switch.cpp").write_text('#include "platform/x_arm.h"\n')
    assert for_file(tmp_path / "src/platform/x_arm.h", text).key == "cpp"
    (tmp_path / "src/switch.cpp").unlink()
    (tmp_path / "src/switch.c").write_text('#include "platform/x_arm.h"\n')
    assert for_file(tmp_path / "src/platform/x_arm.h", text).key == "c"


def test_a_cpp_class_in_a_header_is_a_class_and_its_inline_methods_are_methods(tmp_path):
    text = "class Buffer {\n public:\n  int size() const { return n_; }\n private:\n  int n_;\n};\n"
    src = Source(for_file(tmp_path / "b.h", text), text)
    found = {(b.kind, b.name) for b in definitions(src)}
    assert ("class", "Buffer") in found and ("method", "size") in found


JS = """\
var app = exports = module.exports = {};

/**
 * Send a response.
 */
app.send = function (name, value, options) {
  var x = name + value;
  return options ? x : null;
};

Foo.prototype.bar = function () {
  return this.x;
};

exports.parse = function parse(str) { return str.trim(); };
module.exports.add = (a, b) => a + b;
"""


def test_a_function_assigned_to_a_property_is_a_definition():
    src = Source(LANGUAGES["javascript"], JS)
    found = [(b.kind, b.name, owner_name(src, b)) for b in definitions(src)]
    assert found == [("function", "send", "app"), ("method", "bar", "Foo"), ("function", "parse", "exports"),
                     ("function", "add", "module.exports")]
    send = find_definition(src, "app.send")
    assert send.span.start == 5 and definition_node(src, send).type == "function_expression"
    params = definition_node(src, send).child_by_field_name("parameters")
    assert [p.text.decode() for p in params.named_children] == ["name", "value", "options"]
    assert enclosing_definition(src, 6, 4).name == "send"  # a cursor in its body
    assert snap(src, 5, 8).kind == "function"


@pytest.mark.parametrize("lang, code, lines, inputs, outputs", [
    # parameters the selection sets that nothing after it reads are no outputs
    ("javascript", "function f(name, value, options) {\n  var opts = options || {};\n"
                   "  if (typeof value === 'object') {\n    options = value;\n    value = 1;\n  }\n"
                   "  return opts;\n}\n", (1, 5), ["options", "value"], ["opts"]),
    # a for loop's own variable is never an output; one set again before it is read is not either
    ("javascript", "function f(xs) {\n  let t = 0;\n  for (let i = 0; i < xs.length; i++) { t += xs[i]; }\n"
                   "  let i = 5;\n  return t + i;\n}\n", (1, 2), ["xs"], ["t"]),
    ("python", "def f(items):\n    total = 0\n    for i in items:\n        total += i\n    x = 1\n    x = 2\n"
               "    print(total, x, i)\n", (1, 4), ["items"], ["total"]),
    ("go", "package m\n\nfunc f(xs []int) int {\n\tt := 0\n\tfor _, v := range xs {\n\t\tt += v\n\t}\n"
           "\tv := 2\n\treturn t + v\n}\n", (3, 6), ["xs"], ["t"]),
    # a name bound inside a callback the selection defines is not the selection's
    ("javascript", "function f(value) {\n  items.forEach(function (value) { value = 2; });\n  return value;\n}\n",
     (1, 1), [], []),
])
def test_outputs_are_what_the_code_after_reads(lang, code, lines, inputs, outputs):
    src = Source(LANGUAGES[lang], code)
    got_in, got_out = dataflow(src, snap(src, *lines))
    assert got_out == outputs
    assert got_in == inputs


def test_a_header_guard_or_an_if_block_does_not_hide_its_classes(tmp_path):
    text = ("#ifndef BUF_H\n#define BUF_H\nnamespace io {\n#if defined(FAST)\nclass Buffer final {\n public:\n"
            "  int size() const { return n_; }\n};\n#endif\n}\n#endif\n")
    src = Source(for_file(tmp_path / "buf.h", text), text)
    found = {(b.kind, b.name) for b in definitions(src)}
    assert ("class", "Buffer") in found and ("method", "size") in found
    assert find_definition(src, "Buffer.size") is not None


def test_a_java_method_in_an_enum_constants_body_or_an_anonymous_class_is_a_method():
    code = ("enum State {\n    Data {\n        @Override void read(Reader r) {\n            r.consume();\n        }\n"
            "    };\n    abstract void read(Reader r);\n}\n\nclass Run {\n    Runnable job = new Runnable() {\n"
            "        public void run() {\n            go();\n        }\n    };\n}\n")
    src = Source(LANGUAGES["java"], code)
    assert snap(src, 2, 4).kind == "method" and snap(src, 2, 4).name == "read"
    assert snap(src, 11, 13).kind == "method" and snap(src, 11, 13).name == "run"


_NS_MACRO = """\
#define NS_BEGIN namespace lib {
NS_BEGIN
namespace detail {

inline int twice(int x) {
    int y = x * 2;
    return y;
}

}
NS_END
"""

_MACRO_STATEMENT = """\
static int run(int x)
{
    int r = 0;
    LOCK_BEGIN if (x > 0) {
        r = x;
    }
    return r;
}
"""


def test_a_function_inside_a_namespace_opened_after_a_macro_is_a_function():
    # tree-sitter reads `NS_BEGIN namespace detail {` as a "function" named `namespace`; the functions in its
    # "body" are the namespace's
    src = Source(LANGUAGES["cpp"], _NS_MACRO)
    block = snap(src, 4, 7)
    assert (block.kind, block.name, block.span.start, block.span.end) == ("function", "twice", 4, 8)
    assert snap(src, 1, 10).kind == "statements"  # the macro and the namespace are no function


def test_a_macro_statement_misread_as_a_function_inside_a_body_is_statements():
    src = Source(LANGUAGES["c"], _MACRO_STATEMENT)
    assert snap(src, 3, 5).kind == "statements"
    whole = snap(src, 0, 7)
    assert (whole.kind, whole.name) == ("function", "run")


def test_a_class_declared_inside_a_class_is_a_class():
    text = ("class Outer {\nprivate:\n    class Data : public Base {\n    public:\n        int get() const { return n_; }\n"
            "        int n_;\n    };\n    struct Pair {\n        int a;\n    } pair_;\n};\n")
    src = Source(LANGUAGES["cpp"], text)
    data = snap(src, 2, 6)
    assert (data.kind, data.name, data.span.start, data.span.end) == ("class", "Data", 2, 7)
    assert definition_node(src, data).type == "class_specifier"
    assert (snap(src, 7, 9).kind, snap(src, 7, 9).name) == ("class", "Pair")
    assert snap(src, 4, 5).kind != "class"  # a member inside it is not the class


def test_macros_before_a_functions_return_type_are_its_head():
    # `INLINE PURE` is read by tree-sitter as a declaration missing its `;`, then the function
    text = "INLINE PURE unsigned\nround32(unsigned acc, unsigned input)\n{\n    acc += input;\n    return acc;\n}\n"
    src = Source(LANGUAGES["c"], text)
    block = snap(src, 0, 5)
    assert (block.kind, block.name, block.span.start, block.span.end) == ("function", "round32", 0, 6)
    assert definition_node(src, block).type == "function_definition"


def test_a_function_after_macro_calls_the_parser_could_not_read_is_that_function():
    # `MAKE_ERROR(...)` lines without `;` run into the function: tree-sitter makes an ERROR up to its name
    text = ("MAKE_ERROR(cast_error, Base) /// Thrown on a bad cast\nMAKE_ERROR(ref_error, Base) /// Used internally\n\n"
            "[[noreturn]] NOINLINE void fail(const char *reason) {\n    log_it(reason);\n    throw reason;\n}\n")
    src = Source(LANGUAGES["cpp"], text)
    block = snap(src, 3, 6)
    assert (block.kind, block.name, block.span.start, block.span.end) == ("function", "fail", 3, 7)
    assert definition_node(src, block).type == "function_definition"


_CLASS_AFTER_MACRO = ("NS_BEGIN\n\n//! A stream.\nclass Stream {\npublic:\n    typedef char Ch;\n\n"
                      "    Stream(char* buf) : buf_(buf) {\n        pos_ = 0;\n    }\n\n"
                      "    void Flush() {\n        pos_ = 0;\n    }\n\nprivate:\n    char* buf_;\n    int pos_;\n};\n\nNS_END\n")


def test_a_method_of_a_class_opened_after_a_macro_is_a_method_of_that_class():
    # tree-sitter reads `NS_BEGIN class Stream {` as a "function" `Stream` whose body holds the members
    src = Source(LANGUAGES["cpp"], _CLASS_AFTER_MACRO)
    flush = snap(src, 11, 13)
    assert (flush.kind, flush.name) == ("method", "Flush") and owner_name(src, flush) == "Stream"
    assert snap(src, 0, 20).kind == "statements"  # the made-up function is none


def test_a_function_named_by_a_macro_and_closed_with_a_stray_bracket_is_that_function():
    # `FN(Name)(...)` pastes the name; the `)` after its body closes a macro tree-sitter does not see
    text = "EXPORT size_t FN(Combine)(int* out,\n                          int n) {\n    out[0] = n;\n    return 1;\n})\n"
    src = Source(LANGUAGES["c"], text)
    block = snap(src, 0, 4)
    assert (block.kind, block.span.start, block.span.end) == ("function", 0, 5)
    node = definition_node(src, block)
    assert node.type == "function_definition"
    from blockguide.core.syntax.nodes import signature_text
    assert signature_text(node) == "FN(Combine)(int* out, int n)"


def test_a_header_that_includes_a_cpp_header_next_to_it_is_cpp(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "error.h").write_text("struct Result {\n  bool operator==(int c) const { return c == 0; }\n};\n")
    (tmp_path / "inc" / "plain.h").write_text("int plain(int);\n")
    text = '#include "error.h"\n\ninline const char* message(int code) {\n  return code ? "bad" : "ok";\n}\n'
    (tmp_path / "inc" / "en.h").write_text(text)
    assert for_file(tmp_path / "inc" / "en.h", text).key == "cpp"
    c_text = '#include "plain.h"\n#include "missing.h"\n\nint twice(int x) {\n  return 2 * x;\n}\n'
    (tmp_path / "inc" / "c.h").write_text(c_text)
    assert for_file(tmp_path / "inc" / "c.h", c_text).key == "c"


def test_a_header_deep_in_a_cpp_project_s_include_tree_is_cpp(tmp_path):
    text = "int clamp(int x);\n"  # nothing C++ in it
    deep = tmp_path / "proj" / "lib" / "include" / "lib" / "compat"
    deep.mkdir(parents=True)
    (deep / "ints.h").write_text(text)
    (tmp_path / "proj" / "main.cpp").write_text('#include "lib/compat/ints.h"\n')
    assert for_file(deep / "ints.h", text).key == "c"  # no project root: only two folders up are looked at
    (tmp_path / "proj" / "setup.py").write_text("")
    assert for_file(deep / "ints.h", text).key == "cpp"  # up to the project's root, where its sources are


def test_a_bare_block_selected_with_its_braces_is_documented_with_them():
    text = "int pick(int n)\n{\n    check(n);\n    {   if (n > 8) return 2;\n        return 1;\n    }\n}\n"
    src = Source(LANGUAGES["c"], text)
    whole = snap(src, 3, 5)
    assert (whole.kind, whole.span.start, whole.span.end) == ("statements", 3, 6)
    inside = snap(src, 4, 4)
    assert (inside.span.start, inside.span.end) == (4, 5)
    py = Source(LANGUAGES["python"], "def f(x):\n    a = x\n    return a\n")
    body = snap(py, 1, 2)  # a Python body selected whole is its statements, not the function
    assert (body.kind, body.span.start, body.span.end) == ("statements", 1, 3)
