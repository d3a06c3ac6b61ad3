"""What a model's text commits the code to, against what the code shows (core/checks/commitments.py): the
behaviours, parameters, errors and returns a claim names are the code's, while a reader's words pass."""

from __future__ import annotations

import pytest

from blockguide.core.checks.commitments import (
    behaviour_problems,
    declared_return_problems,
    error_problems,
    parameter_problems,
    return_kind,
)
from blockguide.core.checks.claims import return_claim_problems
from blockguide.core.grounding import ground
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source


def _g(lang: str, code: str, name: str):
    src = Source(LANGUAGES[lang], code)
    return ground(find_definition(src, name), src, None, None, 0)


QUOTE = '''\
def requote(uri, safe="/"):
    """Quote a URI again."""
    try:
        return quote(unquote_unreserved(uri), safe=safe)
    except InvalidURL:
        return quote(uri, safe=safe + "%")
'''

RETRY_JS = '''\
export default async function pRetry(input, options) {
	options = {retries: 10, ...options};
	const operation = retry.operation(options);
	return new Promise(resolve => operation.attempt(async n => resolve(await input(n))));
}
'''

ESCAPE_JS = '''\
function escapeHtml(string) {
  var str = '' + string;
  var html = '';
  if (!str) {
    return str;
  }
  return html + str.substring(1);
}
'''

GO = '''\
package uuid

func Parse(s string) (UUID, error) {
	if len(s) != 36 {
		return uuid, invalidLengthError{len(s)}
	}
	return uuid, nil
}

func Valid(s string) bool {
	return len(s) == 36
}
'''


@pytest.mark.parametrize("claim", [
    "It caches each result, so a second call is answered from memory.",
    "It retries the operation up to three times when it fails.",
    "It takes a lock first, so concurrent callers never interleave.",
    "It sorts the parts before joining them.",
    "It encrypts the URI before returning it.",
    "It compresses the data with gzip first.",
    "It logs every call at debug level.",
    "It runs in a background thread.",
])
def test_a_behaviour_the_code_lacks_is_a_problem(claim):
    assert behaviour_problems(claim, _g("python", QUOTE, "requote"))


@pytest.mark.parametrize("words", [
    "It percent-encodes the characters that are illegal in a URI and normalises the escapes.",
    "It does not cache anything and never retries.",  # a denied behaviour commits the code to nothing
    "It unquotes the unreserved characters first, then quotes the rest.",
])
def test_a_readers_words_are_not_claims(words):
    assert behaviour_problems(words, _g("python", QUOTE, "requote")) == []


def test_a_behaviour_the_code_shows_passes():
    g = _g("javascript", RETRY_JS, "pRetry")
    assert behaviour_problems("It retries the function up to 10 times.", g) == []
    assert behaviour_problems("It caches the result.", g)


def test_a_named_parameter_must_be_one():
    g = _g("python", QUOTE, "requote")
    assert parameter_problems("It takes an optional `safe` argument with the characters to keep.", g) == []
    assert parameter_problems("It also takes an optional `timeout` argument.", g)
    assert parameter_problems("Pass `strict=True` to reject bad escapes.", g)
    # an option key the code reads is an option
    assert parameter_problems("The `retries` option sets how often it tries again.", _g("javascript", RETRY_JS, "pRetry")) == []


def test_an_error_must_be_one_the_code_raises_or_names():
    g = _g("python", QUOTE, "requote")
    assert error_problems("When the escape is malformed, `unquote_unreserved` raises `InvalidURL`.", g) == []
    assert error_problems("It raises `KeyError` when the input is malformed.", g)
    go = _g("go", GO, "Parse")
    assert error_problems("It returns `io.ErrUnexpectedEOF` when the input is short.", go)
    assert error_problems("It throws a RangeError for bad input.", _g("javascript", ESCAPE_JS, "escapeHtml"))


def test_return_kinds_from_declarations_and_expressions():
    assert return_kind(_g("go", GO, "Parse")) == "named"
    assert return_kind(_g("go", GO, "Valid")) == "bool"
    assert return_kind(_g("javascript", ESCAPE_JS, "escapeHtml")) == "str"
    assert return_kind(_g("javascript", RETRY_JS, "pRetry")) == "promise"
    rust = _g("rust", "pub fn decode_to_slice(data: &[u8], out: &mut [u8]) -> Result<(), FromHexError> {\n    Ok(())\n}\n",
              "decode_to_slice")
    assert return_kind(rust) == "error"
    java = _g("java", "class S {\n    public static boolean isBlank(final CharSequence cs) {\n        return true;\n    }\n}\n",
              "isBlank")
    assert return_kind(java) == "bool"
    c = _g("c", "static const char *copy(const char *p, int n) {\n  return p;\n}\n", "copy")
    assert return_kind(c) == "str"
    ts = _g("typescript", "function check(x: any): asserts x {\n  if (!x) { throw new Error('no') }\n}\n", "check")
    assert return_kind(ts) == "none"


def test_a_return_claim_the_declaration_contradicts():
    go = _g("go", GO, "Valid")
    assert declared_return_problems("`Valid` returns a boolean that says whether the text is a UUID.", go) == []
    assert declared_return_problems("`Valid` returns a string.", go)
    assert declared_return_problems("It returns nothing.", go)
    escape = _g("javascript", ESCAPE_JS, "escapeHtml")
    assert declared_return_problems("`escapeHtml` returns a list of strings.", escape)
    assert declared_return_problems("`escapeHtml` returns a string with the entities.", escape) == []
    # a claim about a callee is not about the block
    assert declared_return_problems("It calls `str.substring`, which returns a list.", escape) == []


def test_python_returns_nothing_against_a_function_that_always_returns():
    g = _g("python", "def run(func: T, *args) -> T:\n    return func(*args)\n", "run")
    assert return_claim_problems("`run` returns nothing.", g)
    g = _g("python", "def find(k) -> Optional[int]:\n    return table.get(k)\n", "find")
    assert return_claim_problems("`find` returns nothing when the key is missing.", g) == []


def test_urls_output_text_and_language_names_in_backticks_are_not_invented_names():
    from blockguide.core.checks.prose import invented_names
    known = {"url"}
    assert invented_names("It reads `https://user:pass@host/` and prints `message: original error`.", known) == []
    assert invented_names("Written in `TypeScript`, it calls `frobnicate`.", known) == ["frobnicate"]


def test_a_name_of_the_blocks_own_file_is_a_real_name(tmp_path):
    from blockguide.core.checks.prose import known_names
    code = "def is_empty(s):\n    return not s\n\n\ndef is_blank(s):\n    return not s.strip()\n"
    (tmp_path / "m.py").write_text(code)
    src = Source(LANGUAGES["python"], code)
    g = ground(find_definition(src, "is_empty"), src, tmp_path / "m.py", tmp_path, 0)
    assert "is_blank" in known_names(g, whole_file=True) and "frobnicate" not in known_names(g, whole_file=True)
    assert "is_blank" not in known_names(g)  # a small model is held to the block's context


@pytest.mark.parametrize("language, code, name, standard", [
    ("javascript", "function stop(options) {\n  options.signal.abort();\n}\n", "stop", "AbortSignal"),
    ("python", "def first(xs):\n    return xs[0]\n", "first", "IndexError"),
    ("go", "package p\n\nfunc Close(w W) {\n\tw.Close()\n}\n", "Close", "Writer"),
    ("rust", "fn first(v: &[u8]) -> u8 {\n    v[0]\n}\n", "first", "HashMap"),
])
def test_a_standard_name_of_the_language_is_real_for_a_larger_models_draft(language, code, name, standard):
    from blockguide.core.checks.prose import invented_names, known_names
    g = _g(language, code, name)
    assert standard not in code
    assert invented_names(f"It works with `{standard}` and `frobnicate`.", known_names(g, whole_file=True)) \
        == ["frobnicate"]
    assert standard in invented_names(f"It works with `{standard}`.", known_names(g))  # the small model's rule


PRETRY_BODY = '''\
export default async function pRetry(input, options) {
	return new Promise((resolve, reject) => {
		const operation = retry.operation(options);
		const abortHandler = () => {
			operation.stop();
			reject(options.signal?.reason);
		};
		options.signal.addEventListener('abort', abortHandler, {once: true});
	});
}
'''


def test_statements_may_be_said_as_part_of_the_function_they_run_inside():
    from blockguide.core.checks.claims import claim_problems
    from blockguide.core.syntax.blocks import snap
    src = Source(LANGUAGES["javascript"], PRETRY_BODY)
    g = ground(snap(src, 3, 7), src, None, None, 0)  # the abort wiring, inside the retrying promise
    assert g.block.kind == "statements" and "retry" not in g.block.text and "Promise" not in g.block.text
    assert claim_problems("These statements stop the retry operation and reject the promise when the signal "
                          "aborts.", g) == []
    assert claim_problems("These statements cache the operation.", g)  # neither they nor pRetry cache
    assert claim_problems("These statements encrypt the reason.", g)


def test_a_c_standard_is_a_version_claim():
    from blockguide.core.checks.claims import claim_problems
    g = _g("c", "static int twice(int x) {\n  return 2 * x;\n}\n", "twice")
    assert any("version" in p for p in claim_problems("It requires a C23 compiler.", g))


def test_a_docstrings_rtype_declares_what_is_returned():
    g = _g("python", 'def requote(uri):\n    """Quote again.\n\n    :rtype: str\n    """\n    return quote(uri)\n', "requote")
    assert return_claim_problems("`requote` returns a list of strings.", g)
    assert return_claim_problems("`requote` returns a string.", g) == []


def test_a_jsdoc_return_type_declares_what_an_untyped_function_returns(tmp_path):
    code = "/**\n * Long format.\n * @return {String}\n */\nfunction fmt(ms) {\n  return plural(ms, 'day');\n}\n"
    (tmp_path / "index.js").write_text(code)
    src = Source(LANGUAGES["javascript"], code)
    g = ground(find_definition(src, "fmt"), src, tmp_path / "index.js", tmp_path, 0)
    assert return_kind(g) == "str"
    assert declared_return_problems("`fmt` returns a list of strings.", g)


def test_a_returned_name_has_the_kind_of_what_it_was_given():
    code = ("def auth_of(url):\n    parsed = urlparse(url)\n    try:\n        auth = (parsed.username, parsed.password)\n"
            "    except AttributeError:\n        auth = ('', '')\n    return auth\n")
    g = _g("python", code, "auth_of")
    assert return_claim_problems("`auth_of` returns a dict.", g)
    assert return_claim_problems("`auth_of` returns a tuple of the username and password.", g) == []
