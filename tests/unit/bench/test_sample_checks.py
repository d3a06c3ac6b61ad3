"""The sampled benchmark's property checks (bench/sample/checks.py): each passes a guide that is right and fails
one with a planted error of the kind issue 19 lists."""

from __future__ import annotations

from bench.sample import checks
from bench.sample.checks import FAIL, NA, PASS, Case


def case(code: str, description: str = "", steps=(), *, language="python", kind="function", kinds=None,
         result=None, file_text=None, what="", name=None) -> Case:
    text = file_text if file_text is not None else code
    first = text.split("\n").index(code.split("\n")[0]) + 1
    guide = {"description": description, "steps": [{"label": a, "detail": b} for a, b in steps],
             "example": {"language": language, "code": ""}}
    got = {"guide": guide, "kind": kind, "language": language, "lines": [first, first + code.count("\n")]}
    got.update(result or {})
    return Case(id=f"pkg@1/f:{first}-{first + code.count(chr(10))}", language=language, kind=kind,
                kinds=tuple(kinds or (kind,)), start=first, end=first + code.count("\n"), file_text=text,
                result=got, what=what, name=name)


# --- assignments ---------------------------------------------------------------------------------------------
def test_a_plain_assignment_said_as_sets_passes():
    c = case("def grow(size):\n    size = 2\n    return size", steps=[("Double", "It sets `size` to `2`.")])
    assert checks.check_assignments(c).status == PASS


def test_a_compound_assignment_said_as_sets_fails():
    c = case("def grow(size):\n    size *= 2\n    return size", steps=[("Double", "It sets `size` to `2`.")])
    v = checks.check_assignments(c)
    assert v.status == FAIL and "*=" in v.reason


def test_a_compound_assignment_in_c_said_as_sets_fails():
    code = "void advance(char *ptr, int bytes) {\n    ptr += bytes;\n}"
    c = case(code, steps=[("Advance", "It sets `ptr` to `bytes`.")], language="c")
    assert checks.check_assignments(c).status == FAIL


def test_go_short_declarations_and_every_name_of_a_run_of_sets_are_checked():
    code = "func f() int {\n\tx := g()\n\ty := 2\n\treturn x + y\n}"
    right = case(code, steps=[("Set", "It sets `x` to `g()` and `y` to `2`.")], language="go")
    wrong = case(code, steps=[("Set", "It sets `x` to `g()` and `y` to `3`.")], language="go")
    assert checks.check_assignments(right).status == PASS
    assert checks.check_assignments(wrong).status == FAIL


def test_a_value_shortened_with_an_ellipsis_matches_its_start():
    code = "def f():\n    table = {'a': 1, 'b': 2, 'c': 3}\n    return table"
    c = case(code, steps=[("Build", "It sets `table` to `{'a': 1, ...}`.")])
    assert checks.check_assignments(c).status == PASS


def test_no_assignment_stated_is_not_applicable():
    assert checks.check_assignments(case("def f():\n    return 1", "Returns one.")).status == NA


# --- counts --------------------------------------------------------------------------------------------------
_THREE_RETURNS = "def sign(x):\n    if x > 0:\n        return 1\n    if x < 0:\n        return -1\n    return 0"


def test_a_right_count_of_return_statements_passes_and_a_wrong_one_fails():
    assert checks.check_counts(case(_THREE_RETURNS, "It has 3 return statements.")).status == PASS
    v = checks.check_counts(case(_THREE_RETURNS, "It has 2 return statements."))
    assert v.status == FAIL and "3" in v.reason


def test_counts_of_parameters_and_lines():
    code = "def add(a, b, c):\n    return a + b + c"
    assert checks.check_counts(case(code, "It takes 3 parameters.")).status == PASS
    assert checks.check_counts(case(code, "It takes two parameters.")).status == FAIL
    assert checks.check_counts(case(code, "These 9 lines add.")).status == FAIL


def test_a_method_may_be_counted_with_or_without_self():
    code = "class A:\n    def m(self, a):\n        return a"
    method = "    def m(self, a):\n        return a"
    for said in ("1 parameter", "2 parameters"):
        c = case(method, f"It takes {said}.", kind="method", file_text=code)
        assert checks.check_counts(c).status == PASS, said


# --- names ---------------------------------------------------------------------------------------------------
def test_quoted_names_and_fragments_must_be_in_the_file():
    code = "def frob(items):\n    total = sum(x.size for x in items)\n    return total"
    assert checks.check_names(case(code, "`frob` sums `x.size` over `items` with `sum(x.size for x ...)`.")).status == PASS
    v = checks.check_names(case(code, "`frob` calls `compute_total`."))
    assert v.status == FAIL and "compute_total" in v.reason
    assert checks.check_names(case(code, "It returns `total * 2`.")).status == FAIL


def test_the_files_path_or_module_path_counts_as_known():
    c = case("def f():\n    return 1", "`f` is a function in `./f`.")
    assert checks.check_names(c).status == PASS


def test_a_member_inherited_from_another_file_of_the_package_or_the_standard_library_is_known(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "base.py").write_text("class Base:\n    def reset_all(self):\n        pass\n")
    code = "from pkg.base import Base\nimport textwrap\n\n\nclass Child(Base):\n    pass\n"
    c = case(code.split("\n\n\n")[1], file_text=code, kind="class")
    c.tree = tmp_path
    said = "`Child` extends `Base` (from `builtins`) and inherits `reset_all`; `textwrap.TextWrapper` has `{}`."
    c.result["guide"]["description"] = said.format("unicode_whitespace_trans")
    assert checks.check_names(c).status == PASS
    c.result["guide"]["description"] = said.format("wrap_every_line")  # in no file of the package or library
    v = checks.check_names(c)
    assert v.status == FAIL and "wrap_every_line" in v.reason
    c.result["guide"]["description"] = "`Child` inherits `reset_everything`."
    assert checks.check_names(c).status == FAIL


def test_a_file_of_the_package_named_by_its_name_is_known_and_an_invented_one_is_not(tmp_path):
    (tmp_path / "lib-inl.h").write_text("#include \"lib-inl.impl.h\"\n")
    c = case("int f() {\n  return 1;\n}", "`f` is a function in `lib-inl.h`.", language="cpp")
    c.tree = tmp_path
    assert checks.check_names(c).status == PASS  # the header the block is reached through
    c.result["guide"]["description"] = "`f` is a function in `lib-core.h`."
    assert checks.check_names(c).status == FAIL


# --- the author's documentation -----------------------------------------------------------------------------
_DOCUMENTED = 'def frob(x):\n    """Returns the frobnicated value of x, e.g. for tests.\n\n    More.\n    """\n    return x'


def test_the_authors_whole_first_sentence_in_the_description_passes():
    c = case(_DOCUMENTED, "`frob` returns the frobnicated value of `x`, e.g. for tests. It returns `x`.")
    assert checks.check_doc(c).status == PASS


def test_a_cut_or_dropped_doc_sentence_fails():
    cut = case(_DOCUMENTED, "`frob` returns the frobnicated value of `x`:. It returns `x`.")
    dropped = case(_DOCUMENTED, "`frob(x)` is a function. It returns `x`.")
    assert checks.check_doc(cut).status == FAIL
    assert checks.check_doc(dropped).status == FAIL


def test_jsdoc_without_stars_and_javadoc_inline_tags_are_read():
    js = "/**\n  Parses the header line.\n  @param {string} line\n*/\nfunction parse(line) {\n  return line;\n}"
    fn = "function parse(line) {\n  return line;\n}"
    assert checks.check_doc(case(fn, "Parses the header line.", language="javascript", file_text=js)).status == PASS
    assert checks.check_doc(case(fn, "Parses the header.", language="javascript", file_text=js)).status == FAIL
    java = ("class A {\n  /**\n   * Creates a {@link Reader} over the bytes.\n   */\n"
            "  Reader open(byte[] b) {\n    return null;\n  }\n}")
    method = "  Reader open(byte[] b) {\n    return null;\n  }"
    c = case(method, "Creates a `Reader` over the bytes.", language="java", kind="method", file_text=java)
    assert checks.check_doc(c).status == PASS


def test_javadoc_code_is_read_as_written_and_a_link_as_its_member():
    doc = ("class W {\n  /**\n   * Invokes the delegate's {@code write(String)} method.\n   */\n"
           "  void write(String s) {\n    out.write(s);\n  }\n}")
    method = "  void write(String s) {\n    out.write(s);\n  }"
    right = case(method, "`write` invokes the delegate's `write(String)` method.", language="java", kind="method",
                 file_text=doc)
    cut = case(method, "`write` invokes the delegate's write method.", language="java", kind="method",
               file_text=doc)
    assert checks.check_doc(right).status == PASS and checks.check_doc(cut).status == FAIL
    from bench.sample.reader import first_sentence
    assert first_sentence("Reads it, see {@link Reader#read(char[], int)}.") == "Reads it, see Reader.read."


def test_a_first_sentence_that_runs_into_a_list_is_whole_with_its_items():
    ts = "/**\n * Creates a function that acts as\n * - decorator\n * - annotation object\n */\nfunction make() {\n  return 1;\n}"
    fn = "function make() {\n  return 1;\n}"
    whole = case(fn, "`make` creates a function that acts as decorator, annotation object.", language="typescript",
                 file_text=ts)
    cut = case(fn, "`make` creates a function that acts as.", language="typescript", file_text=ts)
    assert checks.check_doc(whole).status == PASS and checks.check_doc(cut).status == FAIL


def test_rust_and_go_line_comments_are_read():
    rust = "/// Returns the length in bytes.\n/// Never panics.\n#[inline]\npub fn len(&self) -> usize {\n    self.n\n}"
    fn = "pub fn len(&self) -> usize {\n    self.n\n}"
    assert checks.check_doc(case(fn, "Returns the length in bytes.", language="rust", file_text=rust)).status == PASS
    go = "// Sum adds the numbers up.\nfunc Sum(xs []int) int {\n\treturn 0\n}"
    fn = "func Sum(xs []int) int {\n\treturn 0\n}"
    assert checks.check_doc(case(fn, "`Sum` adds numbers.", language="go", file_text=go)).status == FAIL


def test_a_licence_above_a_function_is_not_its_documentation():
    text = "// Copyright 2020 The Authors. Licensed under MIT.\nfunc F() {\n\treturn\n}"
    c = case("func F() {\n\treturn\n}", "`F` returns.", language="go", file_text=text)
    assert checks.check_doc(c).status == NA


# --- steps and labels -----------------------------------------------------------------------------------------
_SIX = ("def build(a):\n    b = load(a)\n    c = clean(b)\n    d = split(c)\n    e = merge(d)\n"
        "    f = pack(e)\n    return f")


def test_steps_that_describe_every_statement_pass():
    steps = [("Load", "It sets `b` to `load(a)` and `c` to `clean(b)`."), ("Split", "It calls `split` and `merge`."),
             ("Pack", "It returns `f`, made by `pack(e)`.")]
    assert checks.check_steps(case(_SIX, steps=steps)).status == PASS


def test_a_step_standing_for_statements_it_does_not_describe_fails():
    steps = [("Load", "It calls `load(a)`."), ("Finish", "It does the rest.")]
    v = checks.check_steps(case(_SIX, steps=steps))
    assert v.status == FAIL and "step" in v.reason
    more = [("Load", "It calls `load(a)` and then runs 5 more statements.")]
    assert checks.check_steps(case(_SIX, steps=more)).status == FAIL


def test_generic_labels_fail_and_specific_ones_pass():
    good = case(_SIX, steps=[("Load the input", "x"), ("Pack the result", "y")])
    assert checks.check_labels(good).status == PASS
    for label in ("Set up values", "Finish remaining work", "Repeat while `1`", "Repeat until done", "Step 2", "3"):
        bad = case(_SIX, steps=[("Load the input", "x"), (label, "y")])
        assert checks.check_labels(bad).status == FAIL, label


# --- kind, language, extent ------------------------------------------------------------------------------
_HEADER = "namespace kiwi {\nclass Term {\npublic:\n  double value() const { return v; }\n  double v;\n};\n}"


def test_a_cpp_class_documented_as_a_function_fails():
    cls = "class Term {\npublic:\n  double value() const { return v; }\n  double v;\n};"
    right = case(cls, "`Term` is a class.", language="cpp", kind="class", file_text=_HEADER)
    wrong = case(cls, "`Term` is a function.", language="cpp", kind="class", file_text=_HEADER,
                 result={"kind": "function"})
    said = case(cls, "`Term` is a function in `kiwi`.", language="cpp", kind="class", file_text=_HEADER)
    assert checks.check_kind(right).status == PASS
    assert checks.check_kind(wrong).status == FAIL
    assert checks.check_kind(said).status == FAIL


def test_a_header_read_as_c_when_it_holds_cpp_fails_the_language():
    cls = "class Term {\npublic:\n  double value() const { return v; }\n  double v;\n};"
    c = case(cls, "`Term` is a class.", language="cpp", kind="class", file_text=_HEADER, result={"language": "c"})
    assert checks.check_language(c).status == FAIL
    assert checks.check_language(case(cls, "", language="cpp", kind="class", file_text=_HEADER)).status == PASS


def test_documenting_other_lines_than_the_selected_ones_fails_the_extent():
    c = case(_SIX, "x", result={"lines": [1, 3]})
    assert checks.check_extent(c).status == FAIL
    assert checks.check_extent(case(_SIX, "x")).status == PASS


def test_the_examples_toolchain_verdict_comes_from_the_provenance():
    ok = case(_SIX, result={"example_checks": ["static", "python bind"], "example_problems": []})
    bad = case(_SIX, result={"example_checks": ["static", "go vet"], "example_problems": ["undefined: x"]})
    none = case(_SIX, result={"example_checks": ["static", "parse only (no target/)"]})
    assert [checks.check_example(c).status for c in (ok, bad, none)] == [PASS, FAIL, NA]


def test_a_crash_fails_every_property_and_the_run_hook_fills_the_run_column():
    crashed = checks.judge(case(_SIX, result={"error": "ValueError: boom", "guide": None}))
    assert crashed.verdicts["drafted"].status == FAIL and crashed.verdicts["kind"].status == FAIL
    ran = checks.judge(case(_SIX, "x", steps=[("Load the input", "`load(a)`")]),
                       run_example=lambda c: checks.Verdict(PASS, "ran"))
    assert ran.verdicts["run"] == checks.Verdict(PASS, "ran")
    assert checks.judge(case(_SIX, "x")).verdicts["run"].status == NA


def test_a_run_of_statements_inside_a_body_is_read_in_its_files_tree():
    text = "def grow(size, step):\n    size *= 2\n    step = size + 1\n    return step\n"
    run = "    size *= 2\n    step = size + 1"
    said = case(run, steps=[("Grow", "It sets `size` to `2` and `step` to `size + 1`.")], kind="statements",
                file_text=text)
    assert checks.check_assignments(said).status == FAIL
    assert checks.check_counts(case(run, "These 2 statements grow it.", kind="statements", file_text=text)).status == PASS
    assert checks.check_counts(case(run, "These 3 statements grow it.", kind="statements", file_text=text)).status == FAIL
    go = "package a\n\nfunc f() int {\n\tx := 1\n\tx += 2\n\treturn x\n}\n"
    said = case("\tx := 1\n\tx += 2", steps=[("Set", "It sets `x` to `1`.")], language="go", kind="statements",
                file_text=go)
    assert checks.check_assignments(said).status == PASS


def test_a_steps_count_of_a_part_is_held_to_the_blocks_total_only():
    steps = [("Load", "It runs 4 statements that call `load`, `clean`, `split` and `merge`.")]
    assert checks.check_counts(case(_SIX, "It builds.", steps=steps)).status == PASS
    assert checks.check_counts(case(_SIX, "It runs 4 statements.", steps=steps)).status == FAIL
    too_many = [("Load", "It then runs 40 more statements.")]
    assert checks.check_counts(case(_SIX, "It builds.", steps=too_many)).status == FAIL


def test_a_shortened_fragment_is_its_codes_text():
    code = "function f(key) {\n  (aliases[key] || []).forEach(function (x) {\n    setKey(argv, x, value);\n  });\n}"
    assert checks.check_names(case(code, "It calls `(aliases[key] || []).forEach(function (x) { setKey(argv, ...)})`.",
                                   language="javascript")).status == PASS
    template = "function t(d) {\n  console.log(`[trace] '${d.name}' on`);\n}"
    assert checks.check_names(case(template, "It calls `console.log('[trace] '${d.name}' on')`.",
                                   language="javascript")).status == PASS
    assert checks.check_names(case(template, "It calls `console.log('[trace] off')`.",
                                   language="javascript")).status == FAIL


def test_rustdoc_links_and_sphinx_roles_are_read_as_their_text():
    rust = ("/// Converts `self` into a [`Left`] variant of [`Either<Self, Self>`](Either).\n"
            "pub fn into_left(self) -> Either<Self, Self> {\n    Left(self)\n}")
    fn = "pub fn into_left(self) -> Either<Self, Self> {\n    Left(self)\n}"
    said = "Converts `self` into a [`Left`] variant of `Either<Self, Self>`."
    assert checks.check_doc(case(fn, said, language="rust", file_text=rust)).status == PASS
    py = 'def split(s):\n    """Split a string as with :func:`shlex.split`, but never fail."""\n    return [s]'
    assert checks.check_doc(case(py, "Split a string as with `shlex.split`, but never fail.")).status == PASS


# --- parallel assignments, target by target ----------------------------------------------------------------
def test_a_parallel_assignment_is_checked_target_by_target():
    py = "def swap(a, b):\n    first, second = b, a\n    return first"
    assert checks.check_assignments(case(py, steps=[("Swap", "It sets `first` to `b` and `second` to `a`.")])
                                     ).status == PASS
    assert checks.check_assignments(case(py, steps=[("Swap", "It sets `first` to `a`.")])).status == FAIL
    go = "func store(d *Digest, v1, v2 uint64) {\n\td.v1, d.v2 = v1, v2\n}"
    right = case(go, steps=[("Store", "It sets `d.v1` to `v1` and `d.v2` to `v2`.")], language="go")
    wrong = case(go, steps=[("Store", "It sets `d.v1` to `v2`.")], language="go")
    assert checks.check_assignments(right).status == PASS
    assert checks.check_assignments(wrong).status == FAIL
    js = "function swap(p) {\n  let a = 1, b = 2;\n  [a, b] = [p.b, p.a];\n  return a;\n}"
    assert checks.check_assignments(case(js, steps=[("Swap", "It sets `a` to `p.b` and `b` to `p.a`.")],
                                         language="javascript")).status == PASS


def test_an_unpacked_value_is_not_a_value_of_each_target():
    py = "def split(pair):\n    head, tail = pair\n    return head"
    assert checks.check_assignments(case(py, steps=[("Split", "It sets `head` to `pair`.")])).status == PASS
    assert checks.check_assignments(case(py, steps=[("Split", "It sets `head` to `tail`.")])).status == FAIL
