"""core.doccomments: one reader for every comment convention, as data (comment text in, DocComment out), and
where a definition's comment is found (above it, a Python docstring, a C/C++ header's declaration)."""

from __future__ import annotations

import pytest

from blockguide.core import doccomments
from blockguide.core.doccomments import parse, summary_of
from blockguide.core.fallback.describe import description
from blockguide.core.fallback.purpose import by_name, said_of
from blockguide.core.grounding import ground
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source

# (language, the comment as written, summary, params, returns, raises, examples)
CASES = [
    ("python", '"""Returns the value of the header, or None.\n\n    Args:\n        name: the header name.\n'
               '        default (str): what to return\n            when it is missing.\n\n    Returns:\n'
               '        The value.\n\n    Raises:\n        KeyError: when missing.\n    """',
     "Returns the value of the header, or None.",
     {"name": "the header name.", "default": "what to return when it is missing."}, "The value.",
     {"KeyError": "when missing."}, 0),
    ("python", '"""Re-quote the given URI.\n\n    This function passes the given URI through a cycle.\n\n'
               '    :param uri: The URI to quote.\n    :rtype: str\n    :raises InvalidURL: if it is bad\n    """',
     "Re-quote the given URI.", {"uri": "The URI to quote."}, None, {"InvalidURL": "if it is bad"}, 0),
    ("python", '"""\n    Compute the double.\n\n    Parameters\n    ----------\n    x : int\n        The number.\n\n'
               '    Returns\n    -------\n    int\n\n    Examples\n    --------\n    >>> double(2)\n    4\n    """',
     "Compute the double.", {"x": "The number."}, "int", {}, 1),
    ("python", "# Helper that builds the index (used by the CLI).\n# It is rebuilt on every start.",
     "Helper that builds the index (used by the CLI).", {}, None, {}, 0),
    ("javascript", "/**\n  Serialize data into a cookie header.\n\n  @param {string} name\n"
                   "  @param {object} [options] - how to serialize\n  @return {string}\n  @public\n*/",
     "Serialize data into a cookie header.", {"name": "", "options": "how to serialize"}, "", {}, 0),
    ("javascript", "/**\n * Parse the given `str`.\n *\n * @example\n * ms('2 days')\n */",
     "Parse the given `str`.", {}, None, {}, 1),
    ("java", "/**\n * Returns the {@link Foo} for the given {@code key}, as {@link Bar#baz the baz method} says.\n"
             " * <p>More text.\n *\n * @param key the key\n *            to look up\n * @return the foo\n"
             " * @throws IllegalArgumentException if key is null\n */",
     "Returns the `Foo` for the given `key`, as the baz method says.", {"key": "the key to look up"},
     "the foo", {"IllegalArgumentException": "if key is null"}, 0),
    ("rust", "/// Parses a duration such as `\"2 days\"`.\n///\n/// # Examples\n///\n/// ```\n"
             "/// let d = parse(\"2 days\");\n/// ```\n///\n/// # Errors\n///\n/// Fails on [`Error`] input.",
     'Parses a duration such as `"2 days"`.', {}, None, {"": "Fails on `Error` input."}, 1),
    ("rust", "//! The crate's [parser](crate::parse) reads [`Duration`]s.", "The crate's parser reads `Duration`s.",
     {}, None, {}, 0),
    ("go", "// NewReader returns a new Reader reading from r.\n// The Reader is buffered, e.g. it reads 4 KiB at a time.",
     "NewReader returns a new Reader reading from r.", {}, None, {}, 0),
    ("cpp", "/*! \\brief Frees the buffer.\n *  \\param buf the buffer\n */", "Frees the buffer.", {"buf": "the buffer"},
     None, {}, 0),
    ("c", "/* Frees the buffer. Safe on NULL. */", "Frees the buffer.", {}, None, {}, 0),
    ("cpp", "// Copies `other` into this string; the old\n// contents are released.",
     "Copies `other` into this string; the old contents are released.", {}, None, {}, 0),
]


@pytest.mark.parametrize("lang, text, summary, params, returns, raises, examples", CASES)
def test_every_convention_is_read(lang, text, summary, params, returns, raises, examples):
    doc = parse(text, lang)
    assert doc.summary == summary
    assert dict(doc.params) == params
    assert (doc.returns or None) == (returns or None)
    assert dict(doc.raises) == raises
    assert len(doc.examples) == examples


def test_examples_keep_their_code():
    doc = parse('"""Double it.\n\n    >>> double(2)\n    4\n    """', "python")
    assert doc.examples == (">>> double(2)\n4",)
    doc = parse("/**\n * Parse.\n * @example\n * ms('2 days')  // 172800000\n */", "javascript")
    assert doc.examples == ("ms('2 days')  // 172800000",)


@pytest.mark.parametrize("text, summary", [
    # a sentence that introduces a list ends before the colon only when it reads whole
    ("Return the list of words in the string, using sep as the delimiter:\n\n- a\n- b",
     "Return the list of words in the string, using sep as the delimiter."),
    ("Return a list of the words, using the following rules:\n\n- a", ""),
    ("Split on one of these:\n- a", ""),
    # never cut at an abbreviation, a version number, or inside a code span
    ("Parse a value, e.g. `1.5` or `a. b`. Then more.", "Parse a value, e.g. `1.5` or `a. b`."),
    ("Works like v2.1 of the spec. More.", "Works like v2.1 of the spec."),
    # a sentence without its full stop gets one; a parenthesis it does not close is no whole sentence
    ("Create the thing", "Create the thing."),
    ("Create the thing (see below.\nIt works).", ""),
    ("", ""),
    (":param x: the x", ""),
])
def test_the_summary_is_the_first_sentence_whole(text, summary):
    assert summary_of(text) == summary
    assert not summary.endswith(":.")


def test_emphasis_is_read_as_its_words_but_not_a_star_argument_or_a_product():
    assert parse("A minimal :external:exc:`ExceptionGroup` of :py:class:`list`.", "python").summary == \
        "A minimal `ExceptionGroup` of `list`."
    assert parse("*message* (:class:`str`) is the error message.", "python").summary == \
        "message (`str`) is the error message."
    assert parse("Pass *args and **kwargs on to a * b.", "python").summary == "Pass *args and **kwargs on to a * b."


def _src(lang: str, text: str) -> Source:
    return Source(LANGUAGES[lang], text)


@pytest.mark.parametrize("lang, text, symbol, summary", [
    ("python", 'def f():\n    """Returns the answer."""\n    return 42\n', "f", "Returns the answer."),
    ("python", "# Builds the answer.\n@cache\ndef f():\n    return 42\n", "f", "Builds the answer."),
    ("javascript", "/**\n  Serialize a cookie.\n  @param {string} name\n*/\nfunction serialize(name) {}\n",
     "serialize", "Serialize a cookie."),
    ("javascript", "/** Add two. */\nexport const add = (a, b) => a + b;\n", "add", "Add two."),
    ("rust", "/// Parses it.\n#[inline]\n#[must_use]\npub fn parse() {}\n", "parse", "Parses it."),
    ("go", "// +build linux\n\n// Open opens the file.\n//go:noinline\nfunc Open() {}\n", "Open", "Open opens the file."),
    ("java", "class A {\n  /** Returns {@code x}. */\n  @Override\n  int get() { return 1; }\n}\n", "A.get",
     "Returns `x`."),
])
def test_the_comment_of_a_definition_is_found(lang, text, symbol, summary):
    src = _src(lang, text)
    doc = doccomments.for_block(src, find_definition(src, symbol))
    assert doc is not None and doc.summary == summary


@pytest.mark.parametrize("lang, text, symbol", [
    ("python", "# Copyright 2020 someone.\n\ndef f():\n    return 42\n", "f"),  # a banner, a blank line apart
    ("go", "x := 1 // the count\nfunc f() {}\n", "f"),
    ("javascript", "/* eslint-disable no-console */\nfunction f() {}\n", "f"),
    ("python", "# --- blockguide 3f9a1c2e (none) ---\n# How to Use This Code Block\n# --- end blockguide ---\n"
               "def f():\n    return 42\n", "f"),  # blockguide's own guide is not the author's documentation
])
def test_what_is_not_documentation(lang, text, symbol):
    src = _src(lang, text)
    assert doccomments.for_block(src, find_definition(src, symbol)) is None


def test_a_definition_in_a_source_file_reads_the_comment_on_its_declaration(tmp_path):
    (tmp_path / "buf.h").write_text(
        "#pragma once\nclass Buffer {\n public:\n  // Appends `n` bytes to the end, growing the buffer.\n"
        "  void append(const char* p, int n);\n  int size() const;\n};\n\n/** Frees every buffer. */\nvoid free_all();\n")
    (tmp_path / "other.h").write_text("// Appends to something else.\nvoid append(int);\n")
    headers = [tmp_path / "buf.h", tmp_path / "other.h"]
    doc = doccomments.declared_doc(headers, "Buffer::append")
    assert doc is not None and doc.summary == "Appends `n` bytes to the end, growing the buffer."
    assert doccomments.declared_doc(headers, "free_all").summary == "Frees every buffer."
    assert doccomments.declared_doc(headers, "size", "Buffer") is None  # declared, but without a comment
    assert doccomments.declared_doc(headers, "append").summary == "Appends to something else."


def test_a_sentence_that_runs_into_a_list_keeps_its_items_and_a_half_open_range_is_balanced():
    assert parse("Creates a function that acts as\n- decorator\n- annotation object\n\nMore.", "typescript").summary == \
        "Creates a function that acts as decorator, annotation object."
    assert parse("Parses the input. Supports:\n- a\n- b", "typescript").summary == "Parses the input."
    assert parse("Finds runs of zeros in v[0..n) and codes them (lower bits first).", "c").summary == \
        "Finds runs of zeros in v[0..n) and codes them (lower bits first)."
    assert parse("Parses it (and checks it.", "c").summary == ""
    assert parse("Return a measure of the similarity (float in [0,1]).", "go").summary == \
        "Return a measure of the similarity (float in [0,1])."


def test_a_declaration_behind_macros_keeps_its_comment(tmp_path):
    # tree-sitter reads `LIB_API LIB_BOOL` as a declaration missing its `;` and the rest as a call
    (tmp_path / "reader.h").write_text(
        "/* Fills the window before a read.\n   Returns false at the end. */\n"
        "LIB_API LIB_BOOL FillWindow(Reader* r);\n\nLIB_API LIB_BOOL Other(Reader* r);\n")
    doc = doccomments.declared_doc([tmp_path / "reader.h"], "FillWindow")
    assert doc is not None and doc.summary == "Fills the window before a read."
    assert doccomments.declared_doc([tmp_path / "reader.h"], "Other") is None


def test_a_c_definition_is_documented_by_its_public_header(tmp_path):
    (tmp_path / "include" / "lib").mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "include" / "lib" / "enc.h").write_text(
        "/**\n * Calculates the output size bound for the given @p input_size.\n *\n"
        " * @param input_size size of projected input\n * @returns @c 0 if it does not fit\n */\n"
        "LIB_API size_t MaxSize(size_t input_size);\n")
    path = tmp_path / "src" / "enc.c"
    path.write_text("#include <lib/enc.h>\n\nsize_t MaxSize(size_t input_size) {\n  return input_size * 2;\n}\n")
    src = _src("c", path.read_text())
    g = ground(find_definition(src, "MaxSize"), src, path, tmp_path, 0)
    assert g.doc is not None and g.doc.summary == "Calculates the output size bound for the given `input_size`."
    assert g.doc.param("input_size") == "size of projected input" and g.doc.returns == "`0` if it does not fit"
    assert description(g).startswith("`MaxSize` calculates the output size bound for the given `input_size`.")


def test_a_jsdoc_block_one_blank_line_above_documents_the_function():
    text = "/**\n * Send a response.\n *\n * @param {string} body\n */\n\nres.send = function send(body) {};\n"
    src = _src("javascript", text)
    assert doccomments.for_block(src, find_definition(src, "res.send")).summary == "Send a response."
    text = "/* a plain note */\n\nfunction f() {}\n"  # a plain comment a blank line apart is not its documentation
    src = _src("javascript", text)
    assert doccomments.for_block(src, find_definition(src, "f")) is None


@pytest.mark.parametrize("summary, said", [
    ("Returns the value of the header.", "`get` returns the value of the header."),
    # an imperative or any other summary keeps its words: the author's sentence is in the Description, whole
    ("Re-quote the given URI.", "`get`: Re-quote the given URI."),
    ("This function parses the header.", "`get`: This function parses the header."),
    ("A mapping of header names to values.", "`get` is a mapping of header names to values."),
    ("get returns the header.", "`get` returns the header."),
])
def test_the_summary_is_said_of_the_block(summary, said):
    assert said_of("Headers.get", summary) == said


def test_a_summary_that_is_no_verb_phrase_is_quoted_as_written():
    assert said_of("get", "Helper for the CLI.") == "`get`: Helper for the CLI."
    assert said_of("get", "HTTP headers.") == "`get`: HTTP headers."


@pytest.mark.parametrize("text", ["https://cxx.rs/binding/string.html", "`String`", "TODO", "---"])
def test_a_link_or_a_name_alone_is_no_summary(text):
    assert summary_of(text) == ""


def test_a_cpp_method_defined_in_its_source_file_is_a_method_documented_by_its_header(tmp_path):
    (tmp_path / "buffer.h").write_text(
        "#pragma once\nclass Buffer {\n public:\n  // Appends `n` bytes to the end, growing the buffer.\n"
        "  void append(const char* p, int n);\n};\nnamespace util {\nint twice(int x);\n}\n")
    path = tmp_path / "buffer.cc"
    path.write_text('#include "buffer.h"\n\nvoid Buffer::append(const char* p, int n) {\n  n_ += n;\n}\n\n'
                    "int util::twice(int x) { return 2 * x; }\n")
    src = _src("cpp", path.read_text())
    g = ground(find_definition(src, "Buffer.append"), src, path, tmp_path, 0)
    assert g.owner == "Buffer"
    assert description(g).startswith("`append` appends `n` bytes to the end, growing the buffer. "
                                      "`void Buffer::append(const char* p, int n)` is a method of class `Buffer`")
    g = ground(find_definition(src, "util.twice"), src, path, tmp_path, 0)
    assert g.owner is None and "is a function in" in description(g)  # a namespace's function is no method


def test_a_license_banner_a_blank_line_above_the_first_function_is_not_its_documentation():
    text = "/*!\n * express\n * Copyright(c) 2009-2013 TJ Holowaychuk\n * MIT Licensed\n */\n\nfunction f() {}\n"
    src = _src("javascript", text)
    assert doccomments.for_block(src, find_definition(src, "f")) is None


@pytest.mark.parametrize("summary, said", [
    ("Raised when a version string is not valid.", "`get` is raised when a version string is not valid."),
    ("Provides basic behaviour for decorating an iterator.", "`get` provides basic behaviour for decorating an iterator."),
])
def test_more_summaries_said_of_the_block(summary, said):
    assert said_of("get", summary) == said


@pytest.mark.parametrize("name, said", [
    ("escape_unicode", "As its name says, `escape_unicode` escapes unicode."),
    ("Session.parseArgs", "As its name says, `parseArgs` parses args."),
    ("getURLParts", "As its name says, `getURLParts` gets url parts."),
    ("run", None), ("value_of", None), ("Parser", None), ("map_items", None),
])
def test_an_undocumented_name_that_starts_with_a_verb_says_what_it_does(name, said):
    assert by_name(name) == said
