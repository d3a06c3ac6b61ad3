"""Snapping selections to blocks, finding definitions around a cursor, finding guides again."""

from __future__ import annotations

from blockguide.core.syntax.blocks import block_after, definition_around, enclosing_definition, locate, snap
from blockguide.core.syntax.markers import find_guides
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES, for_language_id, for_path
from tests.conftest import SLUG

PY = LANGUAGES["python"]


def test_selection_inside_statements_snaps_to_whole_statements():
    src = Source(PY, SLUG)
    block = snap(src, 10, 11)
    assert block.kind == "statements" and (block.span.start, block.span.end) == (10, 12)
    part = snap(src, 11, 11)  # part of one line
    assert part.span.start == 11 and part.span.end == 12


def test_selection_of_a_whole_function_is_that_function():
    src = Source(PY, SLUG)
    block = snap(src, 8, 12)
    assert (block.kind, block.name, block.span.start, block.span.end) == ("function", "slugify", 8, 13)
    assert block.docstring_line == 9 and block.existing_docstring.start == 9


def test_a_selection_that_starts_mid_function_and_runs_past_it_takes_whole_statements():
    src = Source(PY, SLUG)
    block = snap(src, 12, 16)  # last line of slugify + start of class Slugger
    assert block.kind == "statements" and block.span.start == 8 and block.span.end >= 21


def test_blank_and_comment_only_selections_hold_no_block():
    src = Source(PY, "x = 1\n\n\n# just a comment\n")
    assert snap(src, 1, 2) is None


def test_enclosing_definition_prefers_the_innermost_and_includes_decorators():
    code = "import functools\n\n\n@functools.cache\ndef outer():\n    def inner():\n        return 1\n    return inner\n"
    src = Source(PY, code)
    assert enclosing_definition(src, 6, 8).name == "inner"
    outer = enclosing_definition(src, 7, 4)
    assert outer.name == "outer" and outer.span.start == 3  # the decorator line
    assert enclosing_definition(src, 0, 0) is None


def test_method_is_a_method():
    src = Source(PY, SLUG)
    block = enclosing_definition(src, 20, 8)
    assert (block.kind, block.name) == ("method", "make")


def test_javascript_arrow_function_bound_to_a_const_is_a_definition():
    code = "export const add = (a, b) => {\n  return a + b;\n};\n\nclass K {\n  m() {\n    return 1;\n  }\n}\n"
    src = Source(LANGUAGES["javascript"], code)
    block = enclosing_definition(src, 1, 4)
    assert (block.kind, block.name, block.span.start, block.span.end) == ("function", "add", 0, 3)
    method = enclosing_definition(src, 6, 4)
    assert (method.kind, method.name) == ("method", "m")
    assert snap(src, 0, 2).name == "add"


def test_typescript_interface_and_function():
    code = "interface P {\n  x: number;\n}\n\nfunction norm(p: P): number {\n  return Math.abs(p.x);\n}\n"
    src = Source(LANGUAGES["typescript"], code)
    assert snap(src, 0, 2).kind == "class"
    assert snap(src, 4, 6).name == "norm"


def test_block_hash_ignores_trailing_spaces_and_line_endings():
    a = snap(Source(PY, "def f():\n    return 1\n"), 0, 1)
    b = snap(Source(PY, "def f():   \r\n    return 1\r\n"), 0, 1)
    assert a.hash == b.hash
    c = snap(Source(PY, "def f():\n    return 2\n"), 0, 1)
    assert a.hash != c.hash


def test_docstring_does_not_change_the_code_hash():
    a = snap(Source(PY, "def f():\n    return 1\n"), 0, 1)
    b = snap(Source(PY, 'def f():\n    """Doc."""\n    return 1\n'), 0, 2)
    assert a.hash == b.hash


def test_locate_finds_moved_text_nearest_to_where_it_was():
    src = Source(PY, "x = 1\ny = 2\n\nx = 1\ny = 2\n")
    assert locate(src, "x = 1\ny = 2", 3).start == 3
    assert locate(src, "x = 1\ny = 2", 0).start == 0
    assert locate(src, "z = 3", 0) is None


def test_guides_are_found_with_their_hash_and_block():
    code = ("# --- blockguide 0123abcd (m) ---\n# Title\n# =====\n# --- end blockguide ---\n"
            "def f():\n    return 1\n")
    src = Source(PY, code)
    [g] = find_guides(src)
    assert (g.span.start, g.span.end, g.hash, g.model, g.body) == (0, 4, "0123abcd", "m", "Title\n=====")
    assert block_after(src, g.span.end).name == "f"


def test_an_unterminated_guide_is_not_a_guide():
    src = Source(PY, "# --- blockguide 0123abcd (m) ---\n# Title\nx = 1\n")
    assert find_guides(src) == []


def test_languages_from_ids_and_paths():
    assert for_language_id("typescriptreact").key == "tsx"
    assert for_path("a/b/c.HPP").key == "cpp"
    assert for_language_id("cobol") is None and for_path("x.txt") is None


def test_incremental_edits_give_the_same_tree_as_a_fresh_parse():
    src = Source(PY, SLUG)
    old = src.fork()
    src.edit([(10, 4, 10, 8, "value"),  # rename on one line
              (0, 0, 0, 0, "# -*- new first line -*-\n\n"),  # insert lines at the top
              (14, 0, 16, 0, ""),  # delete two lines
              (3, 7, 3, 7, "🙂 ünïcode")])  # multi-byte text
    fresh = Source(PY, src.text)
    assert str(src.tree.root_node) == str(fresh.tree.root_node)
    assert src.lines == fresh.lines
    assert old.text == SLUG and str(old.tree.root_node) == str(Source(PY, SLUG).tree.root_node)


def test_a_cursor_in_the_indentation_of_a_def_line_is_on_that_method():
    src = Source(PY, SLUG)
    line = SLUG.split("\n").index("    def make(self, text):")
    for column in (0, 2, 4, 99):
        assert enclosing_definition(src, line, column).name == "make", column


def test_guides_nested_in_a_block_do_not_change_its_hash():
    plain = "class C:\n    def m(self):\n        return 1\n\n    def n(self):\n        return 2\n"
    nested = ("class C:\n    # --- blockguide 0123abcd (m) ---\n    # Title\n    # --- end blockguide ---\n"
              "    def m(self):\n        return 1\n\n"
              '    def n(self):\n        """Doc.\n\n        blockguide 89abcdef (m)\n        """\n'
              "        return 2\n")
    a = enclosing_definition(Source(PY, plain), 0, 0)
    b = enclosing_definition(Source(PY, nested), 0, 0)
    assert len(find_guides(Source(PY, nested))) == 2
    assert a.name == b.name == "C" and a.hash == b.hash
    changed = enclosing_definition(Source(PY, nested.replace("return 2", "return 3")), 0, 0)
    assert changed.hash != a.hash  # the code still counts


def test_a_cpp_definition_returning_a_reference_is_named_without_its_signature():
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.syntax.blocks import enclosing_definition, find_definition
    from blockguide.core.syntax.source import Source
    src = Source(LANGUAGES["cpp"], "Error &Error::operator=(const Error &other) & {\n  this->len = other.len;\n"
                                   "  return *this;\n}\n")
    assert find_definition(src, "Error::operator=") is not None
    assert enclosing_definition(src, 1, 2).name == "Error::operator="


def test_the_definition_around_statements_is_named_and_starts_before_them():
    """p-retry's abort wiring: statements that start by defining `abortHandler`, inside an anonymous Promise
    callback, inside `pRetry`. Their function is pRetry (not the arrow they define, not the callback)."""
    code = ("export default async function pRetry(input, options) {\n"
            "  return new Promise((resolve, reject) => {\n"
            "    const abortHandler = () => {\n"
            "      reject(options.signal?.reason);\n"
            "    };\n"
            "    options.signal.addEventListener('abort', abortHandler);\n"
            "  });\n"
            "}\n")
    src = Source(LANGUAGES["javascript"], code)
    statements = snap(src, 2, 5)
    assert enclosing_definition(src, 2, 4).name == "abortHandler"  # what the first line defines
    around = definition_around(src, statements)
    assert around is not None and around.name == "pRetry" and around.span.start == 0
    top = snap(src, 0, 7)
    assert definition_around(src, top) is None  # nothing holds a whole top-level definition
