"""Usage examples pass real values, never a placeholder: a parameter the block calls gets a function, one it
iterates a sequence; Go's `error` an error, a struct pointer a struct of the package; Java a doc example's
non-null call and collections of the parameter's type; C an out-parameter the address of a variable, a buffer
for a writable `char *`; a test call that expects an error is not the example."""

from __future__ import annotations

import re

import pytest
from pathlib import Path

from blockguide.core import checks, examples, grounding
from blockguide.core.examples.c import _c_args
from blockguide.core.examples.generic import GenericParam, guess
from blockguide.core.examples.literals import doc_example
from blockguide.core.examples.python import guess_python
from blockguide.core.examples.usage import (BOOLEAN, CALLABLE, MAPPING, NUMBER, SEQUENCE, STRING, param_use,
                                            tolerates_missing)
from blockguide.core.languages import for_path
from blockguide.core.python.signatures import Param
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from tests.support.analysis import example_code

NULLS = re.compile(r"\((?:[^()]*,\s*)?(None|null|nil|nullptr|NULL|\{\}|undefined)\s*[,)]")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_use_of_a_parameter_says_what_it_must_be():
    assert param_use("input", "const result = await input(attemptNumber);") == CALLABLE
    assert param_use("cb", "items.forEach(cb)") is None  # passed on, not used: nothing is known
    # a word of a message followed by "(" is no call: packaging's parse_wheel_filename had been given `print`
    assert param_use("filename", 'if not filename.endswith(".whl"):\n    raise InvalidWheelFilename(\n'
                     '        f"Invalid wheel filename (extension must be \'.whl\'): {filename}"\n    )') == STRING
    assert param_use("s", "return s.lower().strip()") == STRING
    assert param_use("rows", "for row in rows:\n    print(row)") == SEQUENCE
    assert param_use("list", "for (const x of list) {") == SEQUENCE
    assert param_use("conf", 'return conf["name"]') == MAPPING
    assert param_use("n", "return n * 2") == NUMBER
    assert param_use("condition", "if (condition) {\n  return;\n}") == BOOLEAN
    assert param_use("parse", "def parse(text):\n    return text") is None  # the definition is no call
    # what the docstring or a comment says is no use: reST's `*pattern*` is not a multiplication
    assert param_use("pattern", 'def f(pattern):\n    """*pattern* (str) is the glob."""\n    # pattern - 1\n'
                                '    return compile(pattern)') is None
    assert param_use("n", 'label = "n * 2"  # n * 2\nreturn n * 2') == NUMBER  # the code's own use still counts


def test_a_union_annotation_takes_the_value_of_its_first_member_with_one():
    assert guess_python(Param("pattern", annotation="Union[AnyStr, PatternHint, None]")) == '"example"'
    assert guess_python(Param("n", annotation="Optional[int]")) == "3"
    # a size or a count by its name, run together or not (cachetools' `Cache(maxsize)` had been `Cache(None)`)
    assert [guess_python(Param(n)) for n in ("maxsize", "bufsize", "maxlen", "page_size", "token")] == \
        ["3", "3", "3", "3", '"example"']
    assert guess_python(Param("v", annotation="None | bool")) == "True"
    assert guess_python(Param("ctx_args", annotation="t.MutableMapping[str, t.Any]")) == '{"key": "value"}'


def test_a_trailing_options_object_the_block_defaults_may_be_left_out():
    assert tolerates_missing("options", "options = {retries: 10, ...options};")
    assert tolerates_missing("opts", "opts = opts || {};")
    assert not tolerates_missing("options", "return options.retries + 1;")


def test_python_callable_annotation_with_its_module_is_a_function():
    assert guess_python(Param("func", "positional", True, "typing.Callable[P, T]")) == "print"


def test_javascript_called_parameter_gets_a_function_and_defaulted_options_are_left_out(tmp_path):
    root = _write(tmp_path, {
        "package.json": '{"name": "retrying", "version": "1.0.0", "main": "index.js"}\n',
        "index.js": "function retrying(input, options) {\n  options = {retries: 3, ...options};\n"
                    "  return input(options.retries);\n}\n\nmodule.exports = retrying;\n"})
    code = example_code(root, "index.js", "retrying")
    assert 'retrying(() => "done")' in code
    assert not NULLS.search(code)


def test_python_parameter_the_block_iterates_gets_a_sequence(tmp_path):
    root = _write(tmp_path, {"setup.py": "", "pkg/__init__.py": "",
                             "pkg/sums.py": "def total(rows):\n    out = 0\n    for row in rows:\n"
                                            "        out += len(row)\n    return out\n"})
    code = example_code(root, "pkg/sums.py", "total")
    assert 'total(["a", "b"])' in code and "None" not in code


def test_a_test_call_that_expects_an_error_is_not_theexample_code(tmp_path):
    root = _write(tmp_path, {
        "setup.py": "", "pkg/__init__.py": "",
        "pkg/codec.py": "def decode(text):\n    if len(text) % 4:\n        raise ValueError(text)\n    return text\n",
        "tests/test_codec.py": "import pytest\nfrom pkg.codec import decode\n\n\ndef test_bad():\n"
                               "    with pytest.raises(ValueError):\n        decode('12345')\n\n\n"
                               "def test_good():\n    assert decode('abcd') == 'abcd'\n"})
    code = example_code(root, "pkg/codec.py", "decode")
    assert "decode('abcd')" in code and "12345" not in code


def test_go_error_and_struct_pointer_parameters_get_values_of_their_type(tmp_path):
    root = _write(tmp_path, {
        "go.mod": "module example.com/wrap\n\ngo 1.20\n",
        "wrap.go": "package wrap\n\ntype Options struct{ Depth int }\n\n"
                   "func Wrap(err error, o *Options, names []string, msg string) error {\n"
                   "\tif err == nil {\n\t\treturn nil\n\t}\n\treturn err\n}\n"})
    code = example_code(root, "wrap.go", "Wrap")
    assert 'wrap.Wrap(fmt.Errorf("something failed"), &wrap.Options{}, []string{"a", "b"}, ' in code
    assert "nil" not in code


def test_go_an_exported_method_of_an_unexported_type_is_used_from_inside_its_package(tmp_path):
    """`int32Value.Set` is exported, its receiver's type is not: no code outside the package can make one, so
    the example is a file of the package; a parameter of an unexported type of the package likewise."""
    root = _write(tmp_path, {
        "go.mod": "module example.com/flags\n\ngo 1.20\n",
        "flags.go": "package flags\n\nimport \"strconv\"\n\ntype int32Value int32\n\n"
                    "func (i *int32Value) Set(s string) error {\n\tv, err := strconv.ParseInt(s, 0, 32)\n"
                    "\t*i = int32Value(v)\n\treturn err\n}\n\ntype wrapper struct{ name string }\n\n"
                    "func Describe(w *wrapper) string {\n\treturn w.name\n}\n"})
    code = example_code(root, "flags.go", "int32Value.Set")
    assert code.startswith("package flags\n") and "v := int32Value(1)\n\tvalue := &v" in code and "flags.int32Value" not in code
    code = example_code(root, "flags.go", "Describe")
    assert code.startswith("package flags\n") and "Describe(&wrapper{})" in code and "flags." not in code


def test_java_doc_example_without_null_and_collections_of_their_type():
    doc = (' * StringUtils.isBlank(null)      = true\n * StringUtils.isBlank("")        = true\n'
           ' * StringUtils.isBlank("bob")     = false\n')
    assert doc_example("isBlank", ["cs"], doc) == {"cs": '"bob"'}
    assert doc_example("f", ["a"], " * f(null) = 0\n") == {}
    assert guess("java", GenericParam("names", "List<String>")) == 'java.util.List.of("a", "b")'
    assert guess("java", GenericParam("counts", "Map<String, Integer>")) == "java.util.Map.of()"
    assert guess("java", GenericParam("text", "CharSequence")) != "null"


def test_c_out_parameters_get_a_variable_s_address_and_buffers_their_size():
    setup: list[str] = []
    args = _c_args([GenericParam("argc", "int*"), GenericParam("argv", "char**"), GenericParam("buf", "char*"),
                    GenericParam("len", "size_t"), GenericParam("opts", "struct opts")], setup, cpp=False)
    assert args == "&argc, argv, buf, sizeof buf, (struct opts){0}"
    assert setup == ["int argc = 0;", 'char argv0[] = "example";', "char *argv[] = {argv0, 0};",
                     'char buf[64] = "";']
    setup = []
    assert _c_args([GenericParam("out", "Foo&"), GenericParam("in", "const Foo&")], setup, cpp=True) == "out, Foo{}"
    assert setup == ["Foo out{};"]


def test_an_input_the_function_reads_is_made_by_the_module_s_own_inverse(tmp_path):
    root = _write(tmp_path, {
        "setup.py": "", "codec/__init__.py": "",
        "codec/b64.py": "import base64\n\n\ndef b64_encode(data):\n    return base64.b64encode(data.encode())\n\n\n"
                        "def b64_decode(text):\n    return base64.b64decode(text)\n"})
    code = example_code(root, "codec/b64.py", "b64_decode")
    assert "from codec.b64 import b64_decode, b64_encode" in code
    assert 'b64_decode(b64_encode("Hello, World"))' in code


def test_an_example_no_compiler_ran_on_is_said_not_compiled():
    from types import SimpleNamespace

    from blockguide.core.fallback import example_checked
    from blockguide.core.types import Example

    g = SimpleNamespace(example=Example("rust", "fn main() {}\n"), example_problems=(),
                        example_checks=("static", "parse only (no target/)"))
    assert example_checked(g) == ("The usage example was not compiled (no target/): only its syntax, its import "
                                  "and the names it uses were checked.")
    g.example_checks = ("static",)
    assert "was not compiled (no toolchain for it ran here)" in example_checked(g)
    g.example_checks = ("static", "go vet")
    assert example_checked(g) == "The usage example passed go vet."


def test_a_call_site_whose_values_are_all_guesses_is_noexample_code(tmp_path):
    """The only call passes a variable the example cannot have: the signature's example (with the module's
    inverse making the input) is better than the site with a guess in its place."""
    root = _write(tmp_path, {
        "setup.py": "", "codec/__init__.py": "",
        "codec/b64.py": "import base64\n\n\ndef b64_encode(data):\n    return base64.b64encode(data.encode())\n\n\n"
                        "def b64_decode(text):\n    return base64.b64decode(text)\n",
        "app.py": "from codec.b64 import b64_decode\n\n\ndef load(blob):\n    return b64_decode(blob)\n"})
    path = root / "codec/b64.py"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(find_definition(src, "b64_decode"), src, path, root, 5)
    assert g.call_sites
    examples.attach(g, src, path, root, checks.check_example)
    assert g.example_source is None and 'b64_decode(b64_encode("Hello, World"))' in g.example.code


def test_java_object_parameter_is_made_with_its_class_s_public_constructor(tmp_path):
    root = _write(tmp_path, {
        "org/kit/Range.java": "package org.kit;\n\npublic class Range {\n    private final int low;\n"
                              "    public Range(int low) {\n        this.low = low;\n    }\n"
                              "    public Range(Range other, String name) {\n        this.low = other.low;\n    }\n"
                              "    public int low() {\n        return low;\n    }\n}\n",
        "org/kit/Ranges.java": "package org.kit;\n\nimport java.util.Iterator;\n\npublic class Ranges {\n"
                               "    public static int lowest(Range range, Iterator<String> names) {\n"
                               "        return range.low();\n    }\n}\n"})
    code = example_code(root, "org/kit/Ranges.java", "lowest")
    assert 'Ranges.lowest(new Range(3), java.util.List.of("a", "b").iterator())' in code
    assert "null" not in code


def test_a_call_site_local_first_set_to_none_is_not_copied(tmp_path):
    root = _write(tmp_path, {
        "setup.py": "", "pool/__init__.py": "",
        "pool/run.py": "def run_now(func, *args):\n    return func(*args)\n",
        "pool/app.py": "from pool.run import run_now\n\n\ndef handle(handlers, key):\n    handler = None\n"
                       "    if key in handlers:\n        handler = handlers[key]\n    return run_now(handler, key)\n"})
    code = example_code(root, "pool/run.py", "run_now")
    assert "run_now(print)" in code and "None" not in code


def test_a_string_use_does_not_trade_one_made_up_string_for_another():
    from blockguide.core.examples.usage import better

    assert better(CALLABLE, "None") and better(BOOLEAN, "{}")
    assert not better(STRING, '"example"') and better(STRING, "None")
    assert not better(None, "None")


def test_a_doc_example_string_fills_a_char_sequence_parameter(tmp_path):
    root = _write(tmp_path, {"org/kit/Texts.java": (
        "package org.kit;\n\npublic class Texts {\n    /**\n     * <pre>\n     * Texts.isBlank(null)  = true\n"
        "     * Texts.isBlank(\"bob\") = false\n     * </pre>\n     */\n"
        "    public static boolean isBlank(final CharSequence cs) {\n        return cs == null;\n    }\n}\n")})
    assert 'Texts.isBlank("bob")' in example_code(root, "org/kit/Texts.java", "isBlank")


@pytest.mark.parametrize("type_, value", [
    ('"Patches" | "MapSet"', '"Patches"'), ("'asc' | 'desc'", '"asc"'), ("string | undefined", '"example"'),
    ("Error", 'new Error("something failed")'), ("Map<string, number>", "new Map()"), ("Set<Row>", "new Set()"),
    ("string[]", '["a", "b"]'), ("Row<any>[]", "[]"), ("Array<number>", "[1, 2, 3]"),
    ("Promise<void>", "Promise.resolve()"), ("Function", '() => console.log("called")'),
])
def test_typescript_parameters_get_a_value_their_type_admits_never_braces(type_, value):
    assert guess("typescript", GenericParam("x", type_)) == value


def test_go_a_named_number_or_string_is_converted_and_standard_types_get_their_values(tmp_path):
    """`Level{}` and `time.Duration{}` do not compile: a named number is a conversion, a standard type one
    of its values, and the standard package it comes from is imported by its path."""
    root = _write(tmp_path, {
        "go.mod": "module example.com/logx\n\ngo 1.20\n",
        "logx.go": "package logx\n\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n\ntype Level int\n\n"
                   "func Log(l Level, every time.Duration, h http.Header) int {\n\treturn int(l) + len(h)\n}\n"})
    code = example_code(root, "logx.go", "Log")
    assert "logx.Log(logx.Level(1), time.Second, http.Header{})" in code
    assert '"net/http"' in code and '"time"' in code and "Level{}" not in code


def test_go_function_types_empty_interfaces_and_named_number_receivers_get_values_that_compile(tmp_path):
    """`Visit{}` of a function type, `Hook{}` of an empty interface and `var value *counter` of a named
    number do not compile or dereference nil: a function literal of the type that does nothing, a value for
    the empty interface, and a converted number whose address is the receiver."""
    root = _write(tmp_path, {
        "go.mod": "module example.com/walk\n\ngo 1.20\n",
        "walk.go": "package walk\n\ntype Node struct{ Name string }\n\n"
                   "type Visit func(n *Node, depth int) error\n\ntype Hook interface{}\n\ntype counter int\n\n"
                   "func Walk(v Visit, h Hook) error {\n\t_ = h\n\treturn v(&Node{}, 0)\n}\n\n"
                   "func (c *counter) Add(n int) int {\n\t*c += counter(n)\n\treturn int(*c)\n}\n"})
    code = example_code(root, "walk.go", "Walk")
    assert 'walk.Walk(func(n *walk.Node, depth int) error { return nil }, "value")' in code
    code = example_code(root, "walk.go", "Add")
    assert "v := counter(1)\n\tvalue := &v\n\tresult := value.Add(3)" in code


def test_go_an_example_inside_the_package_makes_the_receiver_by_the_unexported_constructor(tmp_path):
    """`&listValue{}` leaves the pointer field nil (the method dereferences it): inside the package, its own
    `newListValue` makes it, and a `*[]string` parameter is the address of a filled slice, never nil."""
    root = _write(tmp_path, {
        "go.mod": "module example.com/opts\n\ngo 1.20\n",
        "opts.go": "package opts\n\ntype listValue struct{ items *[]string }\n\n"
                   "func newListValue(val []string, p *[]string) *listValue {\n\t*p = val\n"
                   "\treturn &listValue{items: p}\n}\n\n"
                   "func (l *listValue) Add(s string) int {\n\t*l.items = append(*l.items, s)\n"
                   "\treturn len(*l.items)\n}\n"})
    code = example_code(root, "opts.go", "listValue.Add")
    assert 'value := newListValue([]string{"a", "b"}, &[]string{"a", "b"})' in code and "&listValue{}" not in code


def test_a_string_named_for_its_kind_is_one_of_that_kind_in_every_language():
    # a URL parser, a charset lookup, a file opener: "example" is rejected by each; the name says what to pass
    for lang, t in (("java", "String"), ("go", "string"), ("rust", "&str"), ("c", "const char *"),
                    ("typescript", "string")):
        assert guess(lang, GenericParam("url", t)) == '"https://example.com/path?q=1"', lang
        assert guess(lang, GenericParam("charsetName", t)) == '"UTF-8"', lang
        assert guess(lang, GenericParam("fileName", t)) == '"example.txt"', lang
    assert guess_python(Param("encoding", "positional")) == '"UTF-8"'
    assert guess_python(Param("dt_str", "positional")) == '"2024-06-15"'  # sliced and int()-ed by a date parser
    assert guess("java", GenericParam("timeStr", "String")) == '"12:30:00"'
    assert guess("go", GenericParam("dtype", "string")) == '"example"'  # a "dt" inside a word is no date


def test_go_named_slices_and_results_named_together_are_read_as_written(tmp_path):
    """`type Key []string` is a slice, not a string (`Key("a")` does not compile: `[]` was read as type
    parameters); `(path, data string, err error)` is three results, not two."""
    from blockguide.core.examples.go import package_types

    assert package_types(["type Key []string\ntype Arr [4]int\ntype Set[T comparable] map[T]bool\n"]) == \
        {"Key": "[]string", "Arr": "[4]int", "Set": "map[T]bool"}
    root = _write(tmp_path, {
        "go.mod": "module example.com/files\n\ngo 1.20\n",
        "files.go": "package files\n\nfunc Split(name string) (dir, base string, err error) {\n"
                    "\treturn \"\", name, nil\n}\n"})
    assert "r0, r1, err := files.Split(" in example_code(root, "files.go", "Split")


def test_javascript_parameters_take_their_jsdoc_types():
    from blockguide.core.examples.literals import jsdoc_types

    params = [GenericParam("setting", ""), GenericParam("fn", ""), GenericParam("err", ""),
              GenericParam("names", "")]
    jsdoc_types(params, "/**\n * @param {String} setting\n * @param {Function} fn\n"
                        " * @param {Error|null} err\n * @param {Array<string>} names\n */")
    assert [guess("javascript", p) for p in params] == [
        '"example"', '() => console.log("called")', 'new Error("something failed")', '["a", "b"]']


def test_java_narrow_number_parameters_get_literals_of_their_type():
    # an int literal converts to a byte or short only in an assignment, never as a method's argument
    assert guess("java", GenericParam("pad", "byte")) == "(byte) 3"
    assert guess("java", GenericParam("n", "short")) == "(short) 3"
    assert guess("java", GenericParam("ratio", "float")) == "1.5f"
    assert guess("java", GenericParam("count", "int")) == "3"


def test_go_a_pointer_to_a_builtin_type_is_a_new_one_never_nil(tmp_path):
    root = _write(tmp_path, {
        "go.mod": "module example.com/flagx\n\ngo 1.20\n",
        "flagx.go": "package flagx\n\nfunc Uint32Var(p *uint32, name string, value uint32) {\n\t*p = value\n}\n"})
    code = example_code(root, "flagx.go", "Uint32Var")
    assert "flagx.Uint32Var(new(uint32), " in code and "nil" not in code


def test_a_parameter_the_block_calls_is_a_function_whatever_its_name_says():
    from blockguide.core.examples.usage import better

    assert better(CALLABLE, "True")  # `is_name_match_fn(x)`: named like a flag, called like a function
    assert not better(CALLABLE, '() => console.log("called")') and not better(CALLABLE, "print")
    assert param_use("scope_stack", "for scope in reversed(scope_stack):\n    pass") == SEQUENCE


def test_python_object_of_a_project_class_is_made_by_its_constructor_the_way_the_project_calls_it(tmp_path):
    """`tokenizer: Tokenizer` gets `Tokenizer(...)` by its own `__init__`, a keyword the project's own call
    passes as a module constant taken from there (imported from where it is defined), never `None`."""
    root = _write(tmp_path, {
        "setup.py": "", "pkg/__init__.py": "",
        "pkg/_tokens.py": "RULES = {'OP': '=='}\n\n\nclass Tokenizer:\n"
                          "    def __init__(self, source: str, *, rules: dict) -> None:\n"
                          "        self.source, self.rules = source, rules\n\n"
                          "    def check(self, name):\n        return name in self.rules\n",
        "pkg/parse.py": "from ._tokens import RULES, Tokenizer\n\n\ndef parse(text):\n"
                        "    return _op(Tokenizer(text, rules=RULES))\n\n\n"
                        "def _op(tokenizer: Tokenizer) -> bool:\n    return tokenizer.check('OP')\n"})
    code = example_code(root, "pkg/parse.py", "_op")
    assert "from pkg._tokens import Tokenizer, RULES" in code
    assert '_op(Tokenizer("example", rules=RULES))' in code and "None" not in code


def test_python_project_objects_nest_and_an_unannotated_parameter_named_like_a_class_gets_one(tmp_path):
    root = _write(tmp_path, {
        "setup.py": "", "shop/__init__.py": "",
        "shop/model.py": "import enum\n\n\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n\n\n"
                         "class Item:\n    def __init__(self, name: str, color: Color):\n"
                         "        self.name, self.color = name, color\n\n\n"
                         "class Basket:\n    def __init__(self, first_item: Item, size: int):\n"
                         "        self.items = [first_item] * size\n",
        "shop/report.py": "from shop.model import Basket\n\n\ndef describe(basket):\n    return len(basket.items)\n"})
    code = example_code(root, "shop/report.py", "describe")
    assert "from shop.model import Basket, Item, Color" in code
    assert 'describe(Basket(Item("example", Color.RED), 3))' in code and "None" not in code


def test_python_a_class_the_example_cannot_make_keeps_the_old_value(tmp_path):
    """An abstract class, or one built on a base outside the project, is not made up."""
    root = _write(tmp_path, {
        "setup.py": "", "pkg/__init__.py": "",
        "pkg/base.py": "import abc\nimport threading\n\n\nclass Store(abc.ABC):\n    @abc.abstractmethod\n"
                       "    def get(self, key): ...\n\n\nclass Worker(threading.Thread):\n    pass\n\n\n"
                       "def run(store: Store, worker: Worker):\n    return store.get(worker.name)\n"})
    code = example_code(root, "pkg/base.py", "run")
    assert "Store(" not in code and "Worker(" not in code


def test_go_an_object_of_the_package_is_made_by_its_own_constructor(tmp_path):
    """A pointer to a struct of the package (a parameter, the receiver) is made by the package's `NewT(...)`
    with values of its parameters' types; a constructor that needs what nothing here can make is not used."""
    root = _write(tmp_path, {
        "go.mod": "module example.com/cache\n\ngo 1.20\n",
        "cache.go": "package cache\n\ntype Store struct{ items map[string]string; size int }\n\n"
                    "func NewStore(size int, name string) *Store {\n"
                    "\treturn &Store{items: map[string]string{}, size: size}\n}\n\n"
                    "func (s *Store) Put(key string, value string) {\n\ts.items[key] = value\n}\n\n"
                    "type Hook struct{ fn func() }\n\nfunc NewHook(fn func()) *Hook {\n\treturn &Hook{fn: fn}\n}\n\n"
                    "func Fill(s *Store, h *Hook) int {\n\treturn s.size\n}\n"})
    code = example_code(root, "cache.go", "Fill")
    assert 'cache.Fill(cache.NewStore(3, "example"), &cache.Hook{})' in code
    code = example_code(root, "cache.go", "Store.Put")
    assert 'value := cache.NewStore(3, "example")' in code and "&cache.Store{}" not in code


def test_typescript_a_project_interface_gets_an_object_of_its_required_members_and_a_class_its_constructor(tmp_path):
    """`{}` is no `Options` (tsc rejects it) nor a `Clock`: an interface of the project, imported by the block's
    file, gets a literal of its required members by their types (a method a function); a class of the
    project `new Clock(...)` imported from its file; a generic one's member the type argument's value."""
    root = _write(tmp_path, {
        "package.json": '{"name": "timers", "version": "1.0.0"}',
        "src/types.ts": "export interface Options {\n  delay: number\n  label?: string\n  mode: 'fast' | 'slow'\n"
                        "  onDone(): void\n}\n\nexport interface Box<T> {\n  value: T\n}\n",
        "src/clock.ts": "export class Clock {\n  constructor(private start: number, name?: string) {}\n"
                        "  now(): number {\n    return this.start\n  }\n}\n",
        "src/run.ts": "import { Options, Box } from './types'\nimport { Clock } from './clock'\n\n"
                      "export function schedule(options: Options, clock: Clock, box: Box<string>): number {\n"
                      "  return clock.now() + options.delay + box.value.length\n}\n"})
    code = example_code(root, "src/run.ts", "schedule")
    assert 'schedule({ delay: 100, mode: "fast", onDone: () => {} }, new Clock(3), { value: "example" })' in code
    assert 'import { Clock } from "./src/clock.js";' in code


def test_javascript_an_untyped_parameter_gets_the_properties_the_block_reads_from_it(tmp_path):
    """`{}` is no input: a parameter indexed up to its length is a sequence, an options object read only once
    it is there (`options && options.plain`) may be left out, one whose properties the block reads gets them
    (a property only tested for truth `true`)."""
    from blockguide.core.examples import by_use
    from blockguide.core.examples.usage import properties
    code = ("function toObject(source, options) {\n  var out = options && options.plain ? Object.create(null) : {};\n"
            "  for (var i = 0; i < source.length; ++i) out[i] = source[i];\n  return out;\n}\n")
    assert param_use("source", code) == SEQUENCE and tolerates_missing("options", code)
    assert [(p.name, p.value) for p in by_use("javascript", [GenericParam("source"), GenericParam("options")], code)] \
        == [("source", '["a", "b"]')]
    code = "function pad(text, opts) {\n  if (opts.strict) check(text);\n  return text + ' '.repeat(opts.width);\n}\n"
    assert properties("opts", code) == {"strict": "condition", "width": "value"}
    made = by_use("javascript", [GenericParam("text"), GenericParam("opts")], code)
    assert made[1].value == '{ strict: true, width: "example" }'
    assert properties("rows", "rows.forEach(r => r.id); return rows.length") == {}  # a sequence's own members


def test_typescript_a_type_parameter_takes_its_constraint_and_a_generic_class_its_type_arguments():
    """`<T extends Element>(el: T)` gets an element, `Entry | undefined` with no Entry known `undefined` (the
    type takes it), and `Pool<string>` is `new Pool<string>({ ... })` whose options' `T` members are strings and
    whose callbacks return what their types say (`T | null` with no T known: null)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp), {
            "package.json": '{"name": "pool", "version": "1.0.0"}',
            "src/pool.ts": "export interface PoolOptions<T> {\n  size: number\n  make: (index: number) => T\n"
                           "  owner: () => Owner | null\n  onDrop?: (item: T) => void\n}\n\n"
                           "export class Pool<T> {\n  constructor(public options: PoolOptions<T>) {}\n}\n\n"
                           "class Owner {\n  constructor(private id: Symbol) {}\n}\n\n"
                           "export const attach = <E extends Element>(el: E, entry: ResizeObserverEntry | undefined, "
                           "pool: Pool<string>) => {\n  return el.tagName + pool.options.size\n}\n"})
        code = example_code(root, "src/pool.ts", "attach")
    assert 'attach(document.createElement("div"), undefined, new Pool<string>({ size: 3, make: () => ("example"), ' \
           'owner: () => (null) }))' in code


def test_go_a_request_and_a_response_writer_are_made_by_the_standard_library_never_nil(tmp_path):
    root = _write(tmp_path, {
        "go.mod": "module example.com/web\n\ngo 1.20\n",
        "web.go": "package web\n\nimport \"net/http\"\n\n"
                  "func Serve(w http.ResponseWriter, r *http.Request) {\n\tw.Write([]byte(r.URL.Path))\n}\n"})
    code = example_code(root, "web.go", "Serve")
    assert 'web.Serve(httptest.NewRecorder(), httptest.NewRequest("GET", "https://example.com/path?q=1", nil))' in code
    assert '"net/http/httptest"' in code


def test_python_an_object_the_checks_reject_falls_back_to_the_example_without_it(tmp_path):
    """A made object the checks reject (here: a checker that resolves the class's module elsewhere) is not
    shipped: the example without the project's objects stands, when it passes — with an object that has the
    attributes the function reads, not None."""
    root = _write(tmp_path, {
        "setup.py": "", "pkg/__init__.py": "",
        "pkg/model.py": "class Item:\n    def __init__(self, name: str):\n        self.name = name\n\n\n"
                        "def label(item: Item) -> str:\n    return item.name\n"})
    path = root / "pkg/model.py"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(find_definition(src, "label"), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    assert 'label(Item("example"))' in g.example.code
    g = grounding.ground(find_definition(src, "label"), src, path, root, 5)
    examples.attach(g, src, path, root, lambda example, _: ["no Item there"] if "Item(" in example.code else [])
    assert 'label(SimpleNamespace(name="Hello, World"))' in g.example.code and g.example_problems == ()
    assert "from types import SimpleNamespace" in g.example.code


def test_go_a_standard_interface_gets_the_standard_library_s_own_value_not_a_composite_literal():
    from blockguide.core.examples.go import go_value
    assert go_value(GenericParam("fsys", "fs.FS"), "pkg.") == 'os.DirFS(".")'
    assert go_value(GenericParam("next", "http.Handler"), "pkg.") == "http.NotFoundHandler()"


def test_javascript_a_constructor_s_parameter_gets_the_value_its_use_there_gives_and_in_makes_an_object(tmp_path):
    """A method is shown on an object made with values its constructor's code asks for (`comp.trim()`: a
    string, not `{}`); a parameter searched with `in` is an object with keys, not `true`."""
    assert param_use("opts", "if (opts) {\n  x = 'indices' in opts;\n}") == MAPPING
    root = _write(tmp_path, {
        "package.json": '{"name": "ranges", "version": "1.0.0", "main": "index.js"}',
        "index.js": "class Range {\n  constructor(comp, loose) {\n    this.comp = comp.trim()\n"
                    "    this.loose = loose\n  }\n\n  test(version) {\n    return this.comp === version\n  }\n}\n\n"
                    "module.exports = Range\n"})
    code = example_code(root, "index.js", "Range.test")
    assert re.search(r'new Range\("[^"]+"', code) and "new Range({}" not in code


def test_javascript_typeof_a_last_item_and_a_property_s_own_use_say_what_a_value_must_be():
    """`typeof x === 'number'` makes x a number (`!==` too: the block refuses the others); `keys[keys.length -
    1]` a sequence; a property the block compares with a number (`opts.depth > 0`) a number, not "example"; a
    regular expression in brackets still gives a string it matches."""
    from blockguide.core.examples.literals import regex_sample
    from blockguide.core.examples.usage import by_use

    assert param_use("x", "if (typeof x === 'number') { return true; }") == NUMBER
    assert param_use("name", "if (typeof name !== 'string') throw new TypeError('name');") == STRING
    assert param_use("keys", "var key = keys[keys.length - 1];\nreturn key in o;") == SEQUENCE
    assert param_use("versions", "const v = versions.sort((a, b) => compare(a, b, options))") == SEQUENCE
    code = "function parseKeys(key, options) {\n  if (options.depth > 0 && options.plain) {\n    return key;\n  }\n}\n"
    made = by_use("javascript", [GenericParam("key"), GenericParam("options")], code)
    assert made[1].value == "{ depth: 3, plain: true }"
    assert regex_sample("x", "return (/^0x[0-9a-f]+$/i).test(x);") == '"0x2"'


def test_javascript_a_prototype_method_s_object_is_made_with_its_constructor_function_s_values(tmp_path):
    """`Route.prototype.describe` is shown on `new Route(...)` with the value `function Route(path)` asks for
    (`path.toLowerCase()`: a string), never `new Route()` short of its argument."""
    root = _write(tmp_path, {
        "package.json": '{"name": "routes", "version": "1.0.0", "main": "index.js"}',
        "index.js": "function Route(path) {\n  this.path = path.toLowerCase();\n}\n\n"
                    "Route.prototype.describe = function describe(verb) {\n  return verb + ' ' + this.path;\n};\n\n"
                    "module.exports = Route;\n"})
    code = example_code(root, "index.js", "describe")
    assert re.search(r'new Route\("[^"]+"\)', code) and ".describe(" in code


def test_javascript_a_parameter_only_passed_on_takes_its_use_in_the_module_s_function_it_is_passed_to(tmp_path):
    """`createToken(name, value)` only hands `value` to `makeSafe(value)`, which splits it: a string, not `{}`."""
    root = _write(tmp_path, {
        "package.json": '{"name": "tokens", "version": "1.0.0", "main": "index.js"}',
        "index.js": "const makeSafe = (text) => {\n  return text.split('-').join('_')\n}\n\n"
                    "function createToken(name, value) {\n  const safe = makeSafe(value)\n  return { name, safe }\n}\n\n"
                    "module.exports = { createToken }\n"})
    code = example_code(root, "index.js", "createToken")
    assert re.search(r'createToken\("[^"]*", "[^"]+"\)', code), code


def test_a_truth_test_does_not_replace_a_string_its_name_gives():
    """`if (filename)` takes any file name: `attachment("example")`, not `attachment(true)`."""
    from blockguide.core.examples.usage import by_use

    code = "function attachment(filename) {\n  if (filename) {\n    this.type(extname(filename));\n  }\n}\n"
    assert param_use("filename", code) == BOOLEAN
    assert by_use("javascript", [GenericParam("filename")], code)[0].value is None
    assert by_use("javascript", [GenericParam("strict")], "if (strict) {\n  run()\n}")[0].value == "true"
