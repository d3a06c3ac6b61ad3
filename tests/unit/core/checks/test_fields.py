"""Checks on each field a model writes: a field that fails keeps the analysis' text (core/checks/fields.py)."""

from __future__ import annotations

import re

from types import SimpleNamespace

import pytest

from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.checks import fields
from blockguide.core.accept import accept_draft, accept_phrase, provenance
from blockguide.core.checks.claims import norm, return_claim_problems
from blockguide.core.checks.fields import description_problems, label_problems, sentence_problems
from blockguide.core.languages import LANGUAGES
from blockguide.core.prompt import step_code, step_source
from blockguide.core.fallback import NOTE, static_guide
from blockguide.core.grounding import ground
from blockguide.core.types import FieldOutcome, Provenance

URLS = '''\
"""URL and price helpers."""

from urllib.parse import quote

SAFE = "!#$%&'()*+,/:;=?@[]~"


class InvalidURLError(ValueError):
    """A URL that cannot be quoted."""


def unquote_reserved(url: str) -> str:
    """Undo the quoting of unreserved characters only."""
    parts = url.split("%")
    for i in range(1, len(parts)):
        code = parts[i][:2]
        if len(code) != 2 or not code.isalnum():
            raise InvalidURLError(f"bad escape: %{code}")
        parts[i] = chr(int(code, 16)) + parts[i][2:]
    return "".join(parts)


def requote_url(url: str) -> str:
    """Quote a URL again so that it is fully and consistently quoted."""
    safe_with_percent = SAFE + "%"
    try:
        return quote(unquote_reserved(url), safe=safe_with_percent)
    except InvalidURLError:
        return quote(url, safe=SAFE)


def add_prices(prices: list[float]) -> float:
    """Add up prices."""
    total = 0.0
    for price in prices:
        if price < 0:
            raise ValueError("negative price")
        total += price
    return total


def sum_up(prices):
    total = 0
    for price in prices:
        total += price
    return total


def log_prices(prices) -> None:
    for price in prices:
        print(price)


def first_or_none(items):
    for item in items:
        return item
'''


@pytest.fixture
def shop(project):
    (project / "src/textkit/urls.py").write_text(URLS)
    return project


def _g(project, name, rel="src/textkit/urls.py"):
    path = project / rel
    src = Source(LANGUAGES["python"], path.read_text())
    return ground(find_definition(src, name), src, path, project, 5)


def phrase(description, steps):
    return SimpleNamespace(description=description,
                           steps=[SimpleNamespace(label=l, sentence=s) for l, s in steps])


# --- labels ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("label, reason", [
    ("1", "a number"), ("3.", "a number"), ("Step 3", "a number"), ("Step", "a number"), ("step 2: quote", "a number"),
    ("1. Quote the URL", "numbered"), ("2) Retry", "numbered"),
    ("Description", "section name"), ("Usage Example", "section name"), ("Execution Steps", "section name"),
    ("Example", "section name"), ("Steps", "section name"),
    ("", "empty"), ("Quote the URL again and then return it", "words"),
    ("Handling errors", "vague"), ("Quote url", "used by another step"),
    ("Retry", "1 words"), ("Memcpy", "1 words"),
    # code or placeholders written as a label (what the bundled model put on real steps)
    ("def __setitem__(self, key, value):", "code, not a label"), ("class CaseInsensitiveDict", "code, not a label"),
    ("if (options.signal && !options.signal.aborted) {", "code, not a label"),
    ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxx", "code, not a label"),
])
def test_bad_labels_are_rejected(label, reason):
    problems = label_problems(label, ["Build safe set", "quote URL"])
    assert problems and any(reason in p for p in problems), problems


@pytest.mark.parametrize("label", ["Build safe characters", "Quote the URL", "Set `safe_with_percent`",
                                   "Retry on `InvalidURLError`", "Class of the input"])
def test_good_labels_pass(label):
    assert label_problems(label, ["Catch bad escapes"]) == []


def test_a_label_naming_code_that_does_not_exist_is_rejected(shop):
    g = _g(shop, "requote_url")
    assert label_problems("Call `frobnicate`", [], g) == ["names not in the code: `frobnicate`"]
    assert label_problems("Call `unquote_reserved`", [], g) == []
    # a name written without backticks counts too (the bundled model's "Catch InvalidURLException")
    assert label_problems("Catch InvalidURLException", [], g) == ["names not in the code: `InvalidURLException`"]
    assert label_problems("Catch InvalidURLError", [], g) == []


# --- sentences ------------------------------------------------------------------------------------------------
GOOD_SENTENCE = "It adds `SAFE` and a percent sign into `safe_with_percent`."


def test_a_good_sentence_passes(shop):
    g = _g(shop, "requote_url")
    assert sentence_problems(GOOD_SENTENCE, 'safe_with_percent = SAFE + "%"', g, ["It quotes `url` again."]) == []


@pytest.mark.parametrize("sentence, reason", [
    ("", "empty"),
    ("Quotes.", "characters"),
    ("It quotes it. Then it returns. Then it ends. And more.", "sentences"),
    ('`safe_with_percent = SAFE + "%"`', "code, not a sentence"),
    ('safe_with_percent = SAFE + "%".', "repeats the step's code"),
    ("It unquotes the URL first, which is not available in Python 3.", "a Python version"),
    ("It works the same way on Windows and Linux.", "platforms"),
    ("It only works in browsers, not in Node.js.", "platforms"),
    ("It runs on the server side only.", "platforms"),
    ("It quotes the URL in a fast and efficient way.", "performance"),
    ("It quotes the URL in O(n) time.", "performance"),
    ("It is not supported on Windows.", "versions or support"),
    ("It keeps backward compatibility with old clients.", "versions or support"),
    ("It is thread-safe and quotes the URL.", "performance"),
    ("It calls `frobnicate()` on the URL.", "names not in the code: `frobnicate`"),
    ("It calls frobnicate() on the URL.", "names not in the code: `frobnicate`"),
    ("It passes the URL to text_mangler.run first.", "names not in the code"),
    ("It starts handling the URL.", 'vague: "handling"'),
    ("This step shows how the URL is quoted.", "talks about the guide"),
    ("In this example the URL is quoted again.", "talks about the guide"),
    ("The second step adds a percent sign to `SAFE`.", "talks about the guide"),
    ("This JSON object holds the safe characters.", "talks about the guide"),
    ("This is how you add a percent sign to `SAFE`.", "talks to the reader"),
    ("You need to add a percent sign to `SAFE` first.", "talks to the reader"),
    ("The function quotes the URL with a percent sign.", "speaks of the whole block"),
])
def test_bad_sentences_are_rejected(shop, sentence, reason):
    g = _g(shop, "requote_url")
    problems = sentence_problems(sentence, 'safe_with_percent = SAFE + "%"', g, [])
    assert any(reason in p for p in problems), problems


def test_a_copied_code_line_is_rejected(shop):
    g = _g(shop, "requote_url")
    code = 'return quote(unquote_reserved(url), safe=safe_with_percent)'
    assert "repeats the step's code" in sentence_problems(f"return quote(unquote_reserved(url), "
                                                          f"safe=safe_with_percent) returns it.", code, g, [])
    assert "repeats the step's code" not in sentence_problems("It quotes the result of `unquote_reserved(url)`.",
                                                              code, g, [])


def test_near_duplicate_sentences_are_rejected_and_different_ones_pass(shop):
    g = _g(shop, "requote_url")
    first = "It quotes the URL again with `quote` and returns it."
    near = "It quotes the URL again using `quote` and returns it."
    other = "It falls back to quoting `url` with `SAFE` when `InvalidURLError` is raised."
    assert "repeats another step's sentence" in sentence_problems(near, "", g, [first])
    assert "repeats another step's sentence" not in sentence_problems(other, "", g, [first])
    # the threshold: one word changed in a sentence is a repeat, a different clause is not
    from rapidfuzz import fuzz
    assert fuzz.ratio(norm(first), norm(near)) >= fields.SIMILAR
    assert fuzz.ratio(norm(first), norm("It returns the quoted URL it built from `url`.")) \
        < fields.SIMILAR


def test_claims_pass_when_the_code_shows_them(project):
    (project / "src/textkit/plat.py").write_text(
        "import sys\n\n\ndef on_windows() -> bool:\n    \"\"\"True on Windows.\"\"\"\n"
        "    return sys.platform.startswith(\"win\")\n")
    g = _g(project, "on_windows", "src/textkit/plat.py")
    assert sentence_problems("It checks whether `sys.platform` starts with the Windows prefix.", "", g, []) == []


# --- return claims --------------------------------------------------------------------------------------------
def test_returns_none_on_a_block_that_returns_total_is_rejected(shop):
    g = _g(shop, "add_prices")
    assert return_claim_problems("`add_prices` adds the prices and returns None.", g)
    assert return_claim_problems("It returns nothing.", g)
    assert return_claim_problems("`add_prices` adds up `prices` and returns the sum as `total`.", g) == []
    g = _g(shop, "sum_up")  # no annotation: every return gives a value and the body ends with one
    assert return_claim_problems("It returns None.", g)


def test_return_type_contradicting_the_annotation_is_rejected(shop):
    g = _g(shop, "requote_url")  # -> str
    assert return_claim_problems("`requote_url` returns a list of URLs.", g)
    assert return_claim_problems("`requote_url` returns a string.", g) == []
    assert return_claim_problems("It calls `quote`, which returns a list.", g) == []  # about the callee


def test_return_claims_in_other_languages_come_from_the_outline(tmp_path):
    code = "export function add(a, b) {\n  if (a == null) {\n    throw new TypeError('a');\n  }\n  return a + b;\n}\n"
    (tmp_path / "m.js").write_text(code)
    src = Source(LANGUAGES["javascript"], code)
    g = ground(find_definition(src, "add"), src, tmp_path / "m.js", tmp_path, 0)
    assert return_claim_problems("`add` checks `a` and returns nothing.", g)
    assert return_claim_problems("`add` checks `a` and returns the sum of `a` and `b`.", g) == []
    code = "function log(a) {\n  console.log(a);\n}\n"  # no return: says nothing (arrow functions, Rust)
    src = Source(LANGUAGES["javascript"], code)
    g = ground(find_definition(src, "log"), src, None, None, 0)
    assert return_claim_problems("`log` prints `a` and returns it.", g) == []


def test_claims_about_a_callee_are_not_read_as_the_blocks(shop):
    g = _g(shop, "add_prices")  # -> float
    assert return_claim_problems("`unquote_reserved` returns a string, and `add_prices` adds up `prices`.", g) == []
    assert return_claim_problems("`add_prices` returns a string.", g)
    g = _g(shop, "log_prices")
    assert return_claim_problems("It calls `print`, which returns nothing useful.", g) == []
    assert return_claim_problems("Each `price` goes to `print`; `print` returns nothing.", g) == []


def test_words_that_only_sound_like_claims_pass_when_the_code_has_them(project):
    (project / "src/textkit/steps.py").write_text(
        "def run_steps(steps, version):\n    for step in steps:\n        step(version)\n")
    g = _g(project, "run_steps", "src/textkit/steps.py")
    assert sentence_problems("It calls each of the steps with `version` in turn.", "", g, []) == []
    assert sentence_problems("It passes the versions along to each step.", "", g, []) == []
    assert any("guide" in p for p in sentence_problems("This example calls each step.", "", g, []))


def test_returns_on_a_block_without_return_is_rejected(shop):
    g = _g(shop, "log_prices")
    assert return_claim_problems("`log_prices` prints each price and returns the count.", g)
    assert return_claim_problems("`log_prices` prints each price; it returns nothing.", g) == []
    g = _g(shop, "first_or_none")  # may fall off the end: None is possible
    assert return_claim_problems("It returns None when `items` is empty.", g) == []


# --- descriptions ---------------------------------------------------------------------------------------------
def test_descriptions(shop):
    g = _g(shop, "requote_url")
    good = "`requote_url` quotes a URL again so that every part is quoted the same way, and returns it as a string."
    assert description_problems(good, g) == []
    assert "does not name `requote_url`" in description_problems("It quotes a URL again and returns the result.", g)
    assert any("characters" in p for p in description_problems("`requote_url`.", g))
    assert any("sentences" in p for p in description_problems(
        "`requote_url` quotes. It returns. It ends. It is done. It stops.", g))
    assert any("Python version" in p for p in description_problems(
        "`requote_url` quotes a URL; it is not available in Python 3.", g))


# --- building the guide ---------------------------------------------------------------------------------------
def draft_steps(draft):
    return [(s.label, s.sentence) for s in draft.steps]


def test_a_good_phrase_is_fully_accepted(shop):
    g = _g(shop, "requote_url")
    fallback = static_guide(g)
    assert len(fallback.steps) == 3
    draft = phrase("`requote_url` quotes a URL again so that it is quoted consistently, and returns the new URL.", [
        ("Build safe characters", GOOD_SENTENCE),
        ("Quote the URL", "It unquotes reserved escapes with `unquote_reserved` and quotes the result with `quote`."),
        ("Quote on errors", "When `InvalidURLError` is raised, it quotes `url` as it is with `SAFE`."),
    ])
    guide, outcomes = accept_phrase(draft, fallback, g, model="blockguide-tiny")
    assert [o.source for o in outcomes] == ["model"] * 7, outcomes
    assert [o.field for o in outcomes][:3] == ["description", "steps[1].label", "steps[1].sentence"]
    # the model adds: its purpose before the analysis' description, its sentence before the analysis' detail
    assert guide.description == draft.description + " " + fallback.description
    assert [s.label for s in guide.steps] == ["Build safe characters", "Quote the URL", "Quote on errors"]
    assert all(s.detail.startswith(t) for s, (_, t) in zip(guide.steps, draft_steps(draft)))
    assert all(f.detail in s.detail or all(c in s.detail for c in re.findall(r"`[^`]+`", f.detail))
               for s, f in zip(guide.steps, fallback.steps))  # no fact of the analysis is lost
    assert guide.title == fallback.title and guide.example == fallback.example
    assert guide.model == "blockguide-tiny" and NOTE not in guide.notes
    p = provenance("blockguide-tiny", "phrase", outcomes)
    assert isinstance(p, Provenance) and p.notes == () and p.replaced == () and "return claims" in p.checks


def test_the_requote_bad_answer_keeps_the_analysis_where_it_failed(shop):
    """What the tiny model wrote for requests' requote_uri: eight steps labelled by number, one sentence
    repeated, a false claim."""
    g = _g(shop, "requote_url")
    fallback = static_guide(g)
    same = "The function requote_url quotes the URL again."
    draft = phrase("`requote_url` is not available in Python 3.",
                   [(str(i), same) for i in range(1, 9)])
    guide, outcomes = accept_phrase(draft, fallback, g, model="blockguide-tiny")
    assert len(guide.steps) == len(fallback.steps) == 3  # first n of eight
    assert guide.steps == fallback.steps and guide.description == fallback.description
    assert all(o.source == "analysis" for o in outcomes)
    by_field = {o.field: o.reasons for o in outcomes}
    assert by_field["steps[1].label"] == ("a number, not a label",)
    assert "repeats another step's sentence" in by_field["steps[2].sentence"]
    assert any("Python version" in r for r in by_field["description"])
    assert guide.model == "none" and guide.notes == fallback.notes  # nothing of the model's was kept
    p = provenance("blockguide-tiny", "phrase", outcomes)
    assert len(p.replaced) == 7 and p.replaced[1].field == "steps[1].label" and p.replaced[1].reasons == (
        "a number, not a label",)


def test_a_mixed_phrase_takes_each_passing_field(shop):
    g = _g(shop, "requote_url")
    fallback = static_guide(g)
    draft = phrase("It quotes things.", [
        ("Build safe characters", "safe_with_percent = SAFE + \"%\""),
        ("Step 2", "It quotes the result of `unquote_reserved(url)` with `quote`."),
    ])  # two of three steps
    guide, outcomes = accept_phrase(draft, fallback, g)
    src = {o.field: o.source for o in outcomes}
    assert src == {"description": "analysis", "steps[1].label": "model", "steps[1].sentence": "analysis",
                   "steps[2].label": "analysis", "steps[2].sentence": "model", "steps[3].label": "analysis",
                   "steps[3].sentence": "analysis"}
    assert guide.steps[0] == fallback.steps[0].__class__("Build safe characters", fallback.steps[0].detail)
    assert guide.steps[1].label == fallback.steps[1].label
    assert guide.steps[1].detail.startswith("It quotes the result of `unquote_reserved(url)` with `quote`.")
    assert fallback.steps[1].detail in guide.steps[1].detail
    assert guide.steps[2] == fallback.steps[2]
    assert dict((o.field, o.reasons) for o in outcomes)["steps[3].label"] == ("missing",)
    assert guide.model == "none"  # no model name given


def test_accept_draft_drops_failing_steps_and_falls_back_when_few_survive(shop):
    g = _g(shop, "add_prices")
    fallback = static_guide(g)

    def draft(steps, description="`add_prices` adds up `prices` and returns the sum as a float."):
        return SimpleNamespace(description=description,
                               steps=[SimpleNamespace(label=l, detail=d) for l, d in steps],
                               example=SimpleNamespace(language="python", code="print(add_prices([1.0]))"))

    good = [("Start at zero", "It sets `total` to `0.0`."),
            ("Reject negative prices", "It raises `ValueError` when a `price` is below zero."),
            ("Add each price", "It adds each `price` to `total`."),
            ("1", "It returns `total`.")]
    guide, outcomes = accept_draft(draft(good), fallback, g, model="qwen")
    assert [s.label for s in guide.steps] == ["Start at zero", "Reject negative prices", "Add each price"]
    assert guide.example.code == "print(add_prices([1.0]))" and guide.model == "qwen"
    assert {o.field: o.source for o in outcomes}["steps[4].label"] == "analysis"
    bad = [("1", "It sets `total` to `0.0`."), ("2", "It sets `total` to `0.0`."),
           ("Add each price", "It adds each `price` to `total`.")]
    guide, outcomes = accept_draft(draft(bad), fallback, g)
    assert guide.steps == fallback.steps
    assert FieldOutcome("steps", "analysis", ("1 of 3 model steps passed the checks",)) in outcomes


def test_step_code_matches_steps_to_their_lines(shop):
    g = _g(shop, "add_prices")
    assert step_code(g, static_guide(g).steps) == ["total = 0.0", "for price in prices:", "return total"]


def test_fields_the_code_does_not_support_are_rejected(shop):
    """What the bundled model wrote for a URL-quoting function: a temperature conversion (its training data)."""
    g = _g(shop, "requote_url")
    assert any("does not support" in p for p in label_problems("Convert to celsius", [], g))
    assert any("does not support: multiplies, celsius" in p for p in sentence_problems(
        "It multiplies the number by 100 and returns it as Celsius.", "", g, []))
    assert any("does not support" in p for p in description_problems(
        "`requote_url` converts the temperature to Fahrenheit.", g))
    # the code's own words, short forms (`sep` for "separators") and plain words about code pass
    assert label_problems("Quote the URL", [], g) == []
    assert sentence_problems("It quotes the result of `unquote_reserved(url)` with `quote`.", "", g, []) == []


def test_a_sentence_or_label_about_another_step_is_rejected(shop):
    """What the bundled model did on requests' requote_uri: the block's purpose as the label of its first step
    (two assignments), a sentence about exceptions and strings on the step that quotes. Each field is checked
    against its own step's code, comments included."""
    g = _g(shop, "requote_url")
    steps = static_guide(g).steps
    codes, sources = step_code(g, steps), step_source(g, steps)
    assert sources[0] == 'safe_with_percent = SAFE + "%"' and sources[1].startswith("return quote(")
    assert label_problems("Quote the URL again", [], g, step_source=sources[0]) == ["not about its step's code"]
    assert label_problems("Add the percent sign", [], g, step_source=sources[0]) == []
    wrong = "It reports an error that occurs when trying to parse a string."
    assert any("its step's code does not show" in p for p in sentence_problems(wrong, codes[1], g, [], None,
                                                                               sources[1]))
    assert sentence_problems("It adds the first 256 characters of `SAFE` to `safe_with_percent`.", codes[0], g, [],
                             None, sources[0]) == ["numbers its step's code does not show: 256"]
    right = "It quotes the result of `unquote_reserved(url)` with `quote` and the percent sign kept safe."
    assert sentence_problems(right, codes[1], g, [], None, sources[1]) == []


def test_the_step_source_holds_its_comments_not_the_next_steps(tmp_path):
    code = ("def f(a):\n    # keep the sign\n    b = abs(a)\n    # the next comment introduces the return\n"
            "    return b\n")
    path = tmp_path / "m.py"
    path.write_text(code)
    src = Source(LANGUAGES["python"], code)
    g = ground(find_definition(src, "f"), src, path, tmp_path, 0)
    assert step_source(g, static_guide(g).steps) == ["# keep the sign\nb = abs(a)",
                                                     "# the next comment introduces the return\nreturn b"]


def test_a_description_must_say_something_the_block_shows(shop):
    g = _g(shop, "requote_url")
    assert "says nothing about what the block does" in description_problems(
        "`requote_url` is a block of code that defines a function.", g)
    assert any("the block's code does not show" in p for p in description_problems(
        "`requote_url` parses a string into an array of numbers for various purposes.", g))


def test_a_description_that_says_this_function_is_given_the_block_s_name(shop):
    g = _g(shop, "requote_url")
    fallback = static_guide(g)
    draft = phrase("This function quotes a URL again and returns it.", [])
    guide, outcomes = accept_phrase(draft, fallback, g, model="m")
    assert guide.description.startswith("`requote_url` quotes a URL again and returns it. ")
    assert outcomes[0].source == "model"
