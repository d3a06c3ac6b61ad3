"""The static guide as a reader sees it: labels in words, whole code in backticks, summarised cases and tails."""

from __future__ import annotations

import re

import pytest

from blockguide.jobs import draft as drafting
from blockguide.core.syntax.blocks import find_definition, snap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.render import to_markdown
from blockguide.core.fallback import MAX_STEPS, static_guide
from blockguide.core.checks.prose import lint, vague_terms
from blockguide.settings import Settings

ADD = "def add(a, b):\n    total = a + b\n    print(total)\n    return total\n"


def _guide(tmp_path, lang, name, text, symbol=None, lines=None):
    path = tmp_path / name
    path.write_text(text)
    src = Source(LANGUAGES[lang], text)
    block = find_definition(src, symbol) if symbol else snap(src, lines[0] - 1, lines[1] - 1)
    assert block is not None
    g = drafting.analyse(src, block, path, [tmp_path], Settings())
    return static_guide(g), g


def _spans_are_whole(text: str) -> None:
    assert text.count("`") % 2 == 0, text
    for span in re.findall(r"`([^`]*)`", text):
        assert not (span.endswith("...") and span.strip(".")), f"cut code {span!r} in {text!r}"
        for a, b in ("()", "[]", "{}"):
            assert span.count(a) == span.count(b) or span.count('"') or span.count("'"), f"unbalanced {span!r}"


def _readable(guide, g=None) -> None:
    """What every static guide keeps: labels in words, unique, bounded; whole code spans; no bookkeeping."""
    labels = [s.label for s in guide.steps]
    assert 1 <= len(labels) <= MAX_STEPS
    assert len({l.lower() for l in labels}) == len(labels), labels
    for label in labels:
        assert not re.search(r"\d", re.sub(r"`[^`]*`", "", label)), label
        assert label != "Run statement" and not label.startswith("Run `"), label
        assert not re.match(r"(Step|Description|Execution|Usage)\b", label), label
        assert 2 <= len(re.sub(r"`[^`]*`", "x", label).split()) <= 5, label
    for text in [guide.description] + [s.detail for s in guide.steps] + labels:
        _spans_are_whole(text)
        assert "outline stops here" not in text and "Generated without a model" not in text
    for s in guide.steps:  # no step says the same thing twice
        sentences = [x for x in re.split(r"(?<=[.;])\s+", s.detail) if x]
        assert len(sentences) == len(set(sentences)), s.detail
    assert not vague_terms(to_markdown(guide))
    if g is not None:
        assert lint(guide, g) == []


def test_the_smallest_statements_read_well(tmp_path):
    guide, g = _guide(tmp_path, "python", "add.py", ADD, lines=(2, 4))
    assert g.block.kind == "statements"
    # what they do inside which function, not a count of statements; the call and the return are said after
    assert guide.description.startswith("These 3 lines of `add` in `add.py` set `total`.")
    assert "statement" not in guide.description
    assert [s.label for s in guide.steps] == ["Compute `total`", "Print `total`", "Return `total`"]
    assert guide.steps[0].detail == "It sets `total` to `a + b`."
    _readable(guide, g)


def test_one_line_is_singular(tmp_path):
    guide, _ = _guide(tmp_path, "python", "add.py", ADD, lines=(3, 3))
    assert guide.description.startswith("This line is part of `add` in `add.py`.")
    assert [s.label for s in guide.steps] == ["Print `total`"]


@pytest.mark.parametrize("lang, name, text, lines", [
    ("go", "add.go", "package main\n\nimport \"fmt\"\n\nfunc add(a int, b int) int {\n\ttotal := a + b\n"
                     "\tfmt.Println(total)\n\treturn total\n}\n", (6, 8)),
    ("javascript", "add.js", "function add(a, b) {\n  const total = a + b;\n  console.log(total);\n"
                             "  return total;\n}\n", (2, 4)),
    ("c", "add.c", "#include <stdio.h>\n\nint add(int a, int b) {\n    int total = a + b;\n"
                   "    printf(\"%d\\n\", total);\n    return total;\n}\n", (4, 6)),
])
def test_a_whole_body_selected_is_its_statements(tmp_path, lang, name, text, lines):
    guide, _ = _guide(tmp_path, lang, name, text, lines=lines)
    assert guide.description.startswith(f"These 3 lines of `add` in `{name}` set `total`.")
    assert len(guide.steps) == 3 and guide.steps[-1].label == "Return `total`"
    _readable(guide)


ELIF = '''\
def kind(items, log):
    if not items:
        return "nothing"
    elif len(items) == 2:
        return "two"
    elif isinstance(items, dict):
        return "dict"
    elif items is None:
        raise ValueError("none")
    elif "x" in items:
        print("has x")
    else:
        log(items)
'''


def test_branch_labels_say_what_the_condition_means():
    from blockguide.core.fallback.labels import _cond_label
    assert _cond_label("not items") == "Handle empty `items`"
    assert _cond_label("len(items) == 2") == "Check `items` length"
    # a member access through a pointer (`->`) is not a comparison: never "Compare `compound-`"
    assert _cond_label("compound->num_chunks == MAX_DICTS") == "Check `compound->num_chunks` is `MAX_DICTS`"
    assert _cond_label("isinstance(items, dict)") == "Check `items` is `dict`"
    assert _cond_label("items is None") == "Handle missing `items`"
    assert _cond_label('"x" in items') == 'Check `"x"` in `items`'
    assert _cond_label("!name") == "Handle missing `name`"
    assert _cond_label("err != nil", {"error_source": "os.Open"}) == "Handle `os.Open` error"
    assert _cond_label("value < 0") == "Check `value` below `0`"
    assert _cond_label("path.exists()") == "Check `path` exists"


def test_an_elif_chain_is_one_step_that_names_its_cases(tmp_path):
    guide, g = _guide(tmp_path, "python", "kind.py", ELIF, symbol="kind")
    assert len(guide.steps) == 1 and guide.steps[0].label == "Classify `items`"
    detail = guide.steps[0].detail
    for cond in ("`not items`", "`len(items)` equals 2", "`items` is a `dict`", "`items` is `None`",
                 '`"x"` is in `items`'):
        assert cond in detail
    assert detail.endswith("otherwise, it calls `log(items)`.")
    _readable(guide, g)


def test_short_if_chains_keep_a_step_per_branch(tmp_path):
    code = ("def f(items):\n    if not items:\n        return 0\n    elif len(items) == 2:\n        return 2\n"
            "    total = sum(items)\n    return total\n")
    guide, _ = _guide(tmp_path, "python", "f.py", code, symbol="f")
    assert [s.label for s in guide.steps][:2] == ["Handle empty `items`", "Check `items` length"]
    assert guide.steps[1].detail == "Otherwise, if `len(items)` equals 2, it returns `2`."
    _readable(guide)


CALLS = '''\
import requests


def push(items, path):
    session = requests.Session()
    session.send(items)
    open(path, "w").write(str(items))
    items.append(path)
    return len(items)
'''


def test_call_labels_use_the_callee_verb(tmp_path):
    guide, g = _guide(tmp_path, "python", "push.py", CALLS, symbol="push")
    assert [s.label for s in guide.steps] == ["Create `session`", "Send request", "Write file", "Append `path`",
                                              "Return `len` result"]
    _readable(guide, g)


@pytest.mark.parametrize("lang, name, text, symbol, cases", [
    ("python", "h.py", "def handle(cmd, args):\n    match cmd:\n" + "".join(
        f"        case \"c{i}\":\n            return run{i}(args)\n" for i in range(12)) +
     "        case _:\n            raise ValueError(cmd)\n", "handle", [f'"c{i}"' for i in range(12)]),
    ("javascript", "h.js", "export function handle(cmd) {\n  switch (cmd) {\n" + "".join(
        f"    case \"c{i}\":\n      run{i}();\n      break;\n" for i in range(10)) +
     "    default:\n      throw new Error(\"bad\");\n  }\n}\n", "handle", [f'"c{i}"' for i in range(10)]),
    ("go", "h.go", "package main\n\nfunc handle(cmd string) int {\n\tswitch cmd {\n" + "".join(
        f"\tcase \"c{i}\":\n\t\treturn {i}\n" for i in range(10)) + "\t}\n\treturn -1\n}\n", "handle",
     [f'"c{i}"' for i in range(10)]),
    ("java", "H.java", "public class H {\n    public int handle(int cmd) {\n        switch (cmd) {\n" + "".join(
        f"            case {i}:\n                return {i * 10};\n" for i in range(10)) +
     "            default:\n                return -1;\n        }\n    }\n}\n", "handle", [f"`{i}`" for i in range(10)]),
    ("c", "h.c", "int handle(int cmd) {\n    switch (cmd) {\n" + "".join(
        f"    case {i}:\n        return {i * 10};\n" for i in range(10)) + "    default:\n        return -1;\n    }\n}\n",
     "handle", [f"`{i}`" for i in range(10)]),
    ("rust", "h.rs", "pub fn handle(cmd: u8) -> u8 {\n    match cmd {\n" + "".join(
        f"        {i} => {{ return {i * 10}; }}\n" for i in range(10)) + "        _ => 0,\n    }\n}\n", "handle",
     [f"`{i}`" for i in range(10)]),
])
def test_a_long_switch_is_one_step_naming_every_case(tmp_path, lang, name, text, symbol, cases):
    guide, _ = _guide(tmp_path, lang, name, text, symbol=symbol)
    switch = [s for s in guide.steps if "switches on" in s.detail or "matches" in s.detail]
    assert len(switch) == 1, [s.detail for s in guide.steps]
    for case in cases:
        assert case in switch[0].detail
    _readable(guide)


LONG = "def long(a):\n" + "".join(f"    v{i} = step{i}(a)\n" for i in range(60)) + "    return v59\n"


def test_a_long_body_groups_its_tail_and_says_every_statement_of_it(tmp_path):
    guide, _ = _guide(tmp_path, "python", "long.py", LONG, symbol="long")
    assert len(guide.steps) == MAX_STEPS
    tail = guide.steps[-1].detail
    first_of_tail = int(re.search(r"`v(\d+)`", tail).group(1))
    assert all(f"`v{i}` to `step{i}(a)`" in tail for i in range(first_of_tail, 60)) and tail.endswith("returns `v59`.")
    assert not re.search(r"runs \d+ (more )?statements", tail)
    assert guide.steps[0].detail.startswith("It sets `v0` to `step0(a)`")
    assert guide.steps[0].label == "Compute `v0`, `v1` and `v2`"
    _readable(guide)


@pytest.mark.parametrize("lang, name, text, symbol, methods", [
    ("python", "store.py", "import json\n\n\nclass Store:\n    def __init__(self, path):\n        self.path = path\n"
     "        self.data = {}\n\n    def get(self, key, default=None):\n        return self.data.get(key, default)\n\n"
     "    def put(self, key, value):\n        if key is None:\n            raise KeyError(key)\n"
     "        self.data[key] = value\n        self.flush()\n\n    def flush(self):\n"
     "        with open(self.path, 'w') as f:\n            json.dump(self.data, f)\n\n"
     "    def _helper(self):\n        pass\n", "Store", ["get", "put", "flush"]),
    ("javascript", "cart.js", "export class Cart {\n  constructor(owner) {\n    this.owner = owner;\n"
     "    this.items = [];\n  }\n\n  add(item, qty = 1) {\n    this.items.push({ item, qty });\n    return this;\n  }\n\n"
     "  total() {\n    return this.items.reduce((s, i) => s + i.qty * i.item.price * i.item.discountFactor, 0);\n"
     "  }\n\n  remove(item) {\n    this.items = this.items.filter((i) => i.item !== item);\n  }\n}\n", "Cart",
     ["add", "total", "remove"]),
    ("java", "Inventory.java", "import java.util.List;\n\npublic class Inventory {\n    private final List<String> items;\n\n"
     "    public Inventory(List<String> items) {\n        this.items = items;\n    }\n\n"
     "    public int count() {\n        return items.size();\n    }\n\n    public void add(String item) {\n"
     "        if (item == null) {\n            throw new IllegalArgumentException(\"item\");\n        }\n"
     "        items.add(item);\n    }\n\n    public String describe(int code) {\n        switch (code) {\n"
     "            case 1:\n                return \"one\";\n            default:\n                return \"other\";\n"
     "        }\n    }\n\n    private void hidden() {}\n}\n", "Inventory", ["count", "add", "describe"]),
])
def test_a_class_gets_a_step_per_public_method(tmp_path, lang, name, text, symbol, methods):
    guide, _ = _guide(tmp_path, lang, name, text, symbol=symbol)
    details = [s.detail for s in guide.steps]
    for method in methods:
        assert sum(d.startswith(f"`{method}(") for d in details) == 1, details
    assert not any(l.startswith("Method ") for l in (s.label for s in guide.steps))
    _readable(guide)


def test_class_steps_say_what_methods_call_return_and_raise(tmp_path):
    text = ("class Store:\n    def put(self, key, value):\n        if key is None:\n            raise KeyError(key)\n"
            "        self.data[key] = value\n        self.flush()\n\n    def get(self, key):\n"
            "        if key in self.data:\n            return self.data[key]\n        return None\n\n"
            "    def _drop(self):\n        pass\n")
    guide, _ = _guide(tmp_path, "python", "s.py", text, symbol="Store")
    put = next(s for s in guide.steps if s.detail.startswith("`put("))
    assert put.label == "Put `key`" and "calls `self.flush`" in put.detail and "raises `KeyError`" in put.detail
    get = next(s for s in guide.steps if s.detail.startswith("`get("))
    assert "returns" in get.detail
    assert guide.steps[-1].label == "Keep private helpers" and "`_drop`" in guide.steps[-1].detail


@pytest.mark.parametrize("lang, name, text, symbol, head", [
    ("python", "w.py", 'def describe_items(items, *, verbose: bool = False, formatter=None, separator: str = ", ", '
     'limit: int = 100, encoding: str = "utf-8") -> str:\n    return separator.join(items)\n', "describe_items",
     "`describe_items(items, *, verbose: bool = False, formatter=None, separator: str = \", \", ...)`"),
    ("typescript", "w.ts", "export async function processRequest(request: Request, response: Response, "
     "{ timeout = 1000, retries = 3 }: Options = {}): Promise<void> {\n  await send(request, response);\n}\n",
     "processRequest", "`async function processRequest("),
    ("go", "w.go", "package main\n\nfunc Run(kind string, path string, verbose bool, retries int, timeoutSeconds int, "
     "outputDirectory string) error {\n\treturn nil\n}\n", "Run", "`func Run(kind string, path string, "),
    ("rust", "w.rs", "pub fn classify(value: i64, threshold: i64, name: &str, verbose: bool, "
     "fallback: Option<String>) -> Result<String, String> {\n    Ok(name.to_string())\n}\n", "classify",
     "`pub fn classify(value: i64, "),
    ("java", "W.java", "public class W {\n    public static String render(String template, java.util.Map<String, "
     "Object> values, boolean escapeHtml, int maxDepth, String missingMarker) {\n        return template;\n    }\n}\n",
     "render", "`"),
    ("c", "w.c", "int dispatch(int opcode, const char *name, FILE *out, int verbose, unsigned long flags, "
     "void *userdata) {\n    return opcode;\n}\n", "dispatch", "`int dispatch(int opcode, "),
])
def test_a_long_signature_is_shortened_whole(tmp_path, lang, name, text, symbol, head):
    guide, _ = _guide(tmp_path, lang, name, text, symbol=symbol)
    # the sentence that names the block by its signature (after what its name says it does, when it does)
    named = re.sub(r"^As its name says, [^.]*\. ", "", guide.description)
    first = named.split("` is ", 1)[0] + "`"
    assert named.startswith(head) and first.endswith(")`"), guide.description
    _readable(guide)


def test_a_cut_code_span_is_made_whole():
    from blockguide.core.syntax.quote import _quote
    assert _quote("this.items.reduce((s, i) => s + i.qty * i.item....", cut=True) == "`this.items.reduce(...)`"
    assert _quote('match value { 0 => "zero", 1 => "one", 2 => "two", 3 => "three", _ =>...', 72, cut=True) == \
        '`match value { 0 => "zero", 1 => "one", 2 => "two", 3 => "three", ...}`'
    cut_in_string = _quote("process.platform === 'win32' ? 'clang-format-for-windows-with-a-long-name.exe' : 'x'", 50)
    assert cut_in_string.count("'") % 2 == 0 and cut_in_string.count('"') % 2 == 0, cut_in_string
    assert _quote("first_long_name + second_long_name + third_long_name + fourth_name", 40) == \
        "an expression over `first_long_name`, `second_long_name`, `third_long_name` and 1 more"
    # a cut inside a string that more code follows keeps that code: not `"..."`, which is another expression
    formatted = _quote('"Real path {real!r} was encountered at {first!r} and then {second!r}.".format(real=a, '
                       'first=b, second=c)', 72)
    assert formatted == '`"Real path {real!r} ...".format(real=a, first=b, second=c)`'


def test_go_error_checks_name_the_call_they_check(tmp_path):
    code = ("package main\n\nimport \"os\"\n\nfunc load(a string, b string) error {\n\tf, err := os.Open(a)\n"
            "\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\tg, err := os.Create(b)\n"
            "\tif err != nil {\n\t\treturn err\n\t}\n\tdefer g.Close()\n\treturn nil\n}\n")
    guide, _ = _guide(tmp_path, "go", "load.go", code, symbol="load")
    labels = [s.label for s in guide.steps]
    assert "Handle `os.Open` error" in labels and "Handle `os.Create` error" in labels
    _readable(guide)


LEXER = r'''/* Read a quoted token. */
static int read_token(const char *p, char *out, size_t size) {
    size_t n = 0;
    int quoted = 0;
    while (1) {
        char c = *p++;
        if (c == '\0')
            return -1;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (c == '\n' && !quoted)
            break;
        if (n + 1 >= size) {
            size *= 2;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    switch (out[0]) {
    case '#':
        return 0;
    case '[':
    case '{':
        n += 2;
        break;
    default:
        n -= 1;
    }
    return (int)n;
}
'''

GENERIC = ("Set up values", "Finish remaining work", "Repeat until done", "Repeat while `1`", "Handle case",
           "Check conditions in turn")


def test_an_endless_loop_a_switch_and_compound_assignments_say_what_they_do(tmp_path):
    guide, _ = _guide(tmp_path, "c", "lex.c", LEXER, symbol="read_token")
    labels = [s.label for s in guide.steps]
    assert not any(l.startswith(GENERIC) for l in labels), labels
    loop = next(s for s in guide.steps if "repeats until" in s.detail)
    assert "returns `-1` when `c` equals `'\\0'`" in loop.detail and "breaks when `c` equals `'\\n'` and `!quoted`" in loop.detail
    assert "doubles `size`" in loop.detail and "`1`" not in loop.label
    switch = next(s for s in guide.steps if "switches on `out[0]`" in s.detail)
    assert "for `'#'`, it returns `0`" in switch.detail and "for `'['` or `'{'`, it adds `2` to `n`" in switch.detail
    assert "otherwise, it decrements `n`" in switch.detail
    assert "return statements" not in guide.description and "`-1`" in guide.description
    assert all(s.span is not None and s.facts for s in guide.steps)  # each step keeps its statements
    _readable(guide)


PATTERN = '''import re


class Pattern:
    def __init__(self, pattern: str, include=None):
        """Compile *pattern*."""
        if isinstance(pattern, str):
            assert include is None, "include must be null"
            regex, include = split(pattern)
            if include is not None:
                regex = re.compile(regex)
        else:
            raise TypeError(pattern)
        super().__init__()
        self.regex = regex
        """The compiled expression."""
'''


def test_statements_of_a_branch_are_said_and_a_constructor_is_called_as_its_class(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    guide, _ = _guide(tmp_path, "python", "pkg/pat.py", PATTERN, symbol="Pattern.__init__")
    text = " ".join(s.detail for s in guide.steps)
    # three statements in an arm: each said (no "runs 1 other statement"), the nested if in brackets
    assert "other statement" not in text and "unpacks `split(pattern)` into `regex` and `include`" in text
    assert "asserts that `include` is `None`" in text and "(checks whether `include` is not `None` and, if so," in text
    # the parent's constructor is named so; an attribute's docstring is documentation, not a step
    assert "Initialize base class" in [s.label for s in guide.steps] and "compiled expression" not in text
    # a constructor's example calls the class, never `obj.__init__(...)`
    assert "__init__(" not in guide.example.code and "Pattern(" in guide.example.code


def test_statements_are_said_from_their_facts_inside_their_function(tmp_path):
    code = ("def scan(items, limit):\n    total = 0\n    for item in items:\n        total += item\n"
            "    if total > limit:\n        raise ValueError(total)\n    assert total >= 0, 'negative'\n"
            "    return total\n")
    guide, g = _guide(tmp_path, "python", "scan.py", code, lines=(2, 7))
    assert guide.description.startswith("These 6 lines of `scan` in `scan.py` set `total`, loop for each `item` in "
                                        "`items`, check `total > limit` and assert `total >= 0`.")


def test_a_long_arm_in_a_step_names_what_its_other_statements_do(tmp_path):
    code = ("def settle(acct, amount):\n    if amount > 0:\n        fee = amount // 100\n        net = amount - fee\n"
            "        acct.balance += net\n        log_entry(acct, net)\n        notify(acct)\n        return net\n"
            "    return 0\n")
    guide, _ = _guide(tmp_path, "python", "bank.py", code, symbol="settle")
    text = " ".join(s.detail for s in guide.steps)
    assert "other statement" not in text
    assert "`log_entry`" in text and "`notify`" in text and "returns `net`" in text


def test_hidden_statements_that_set_and_call_nothing_are_said_not_counted(tmp_path):
    code = ("def check(a, b):\n    if a:\n        x = a + 1\n        y = b + 1\n        assert x > 0\n"
            "        assert y > 0\n    return a\n")
    guide, _ = _guide(tmp_path, "python", "check.py", code, symbol="check")
    text = " ".join(s.detail for s in guide.steps)
    assert "other statement" not in text, text
    assert "asserts that `x` is greater than 0" in text and "asserts that `y` is greater than 0" in text


def test_a_go_switch_without_a_subject_checks_its_conditions_in_turn(tmp_path):
    code = ("package m\n\nfunc kindOf(kind int) int {\n\tswitch {\n\tcase kind >= 1 && kind <= 5:\n\t\treturn 1\n"
            "\tcase kind > 10:\n\t\treturn 2\n\tdefault:\n\t\treturn kind\n\t}\n}\n")
    guide, _ = _guide(tmp_path, "go", "m.go", code, symbol="kindOf")
    step = guide.steps[0]
    assert "ready case" not in step.label + step.detail  # not a `select`
    assert step.detail == ("It checks the cases in turn: when `kind` is at least 1 and `kind` is at most 5, it returns "
                           "`1`; when `kind` is greater than 10, it returns `2`; otherwise, it returns `kind`.")
    _readable(guide)


def test_the_description_names_the_calls_that_matter_not_every_call(tmp_path):
    code = ("def store(s, path):\n    if isinstance(s, str):\n        s = s.encode('utf-8')\n    log(debug(s))\n"
            "    data = load(path)\n    for x in sorted(data):\n        save(x)\n    if not data:\n"
            "        raise ValueError(repr(path))\n    return compute(data)\n")
    guide, _ = _guide(tmp_path, "python", "store.py", code, symbol="store")
    # what it does (`log`) and what it keeps (`s.encode`, `load`): not a condition's `isinstance`, an argument's
    # `debug`, nor what the return and raise sentences quote
    assert "It calls `s.encode`, `log`, `load` and `sorted` among others." in guide.description
    for helper in ("`isinstance`", "`debug`", "`repr`", "`compute`,"):
        assert helper not in guide.description.split("It raises")[0], guide.description
    assert "It returns `compute(data)`." in guide.description


def test_a_handler_that_does_nothing_says_the_error_is_ignored(tmp_path):
    code = ("def read(path):\n    data = None\n    try:\n        data = load(path)\n    except OSError:\n"
            "        pass\n    return data\n")
    guide, _ = _guide(tmp_path, "python", "read.py", code, symbol="read")
    assert "When `OSError` is raised, it ignores the error." in [s.detail for s in guide.steps]
