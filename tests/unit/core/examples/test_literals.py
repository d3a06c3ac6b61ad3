"""Arguments a reader would use, from the block's own text: its documentation's example call, a string its
regular expression matches, a literal it compares the parameter against, its JSDoc types; a placeholder only
when none of these exists."""

from __future__ import annotations

import pytest

from blockguide.core import checks, examples
from blockguide.core.examples.literals import argument_values, compared_literal, sample_of
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source


@pytest.mark.parametrize("regex, sample", [
    (r"^(-?(?:\d+)?\.?\d+) *(days?|hours?|h)?$", "2 days"),
    (r"^[a-f0-9]{4}-[a-f0-9]{2}$", "aaaa-aa"),
    (r"^v(\d+)\.(\d+)$", "v2.2"),
    (r"(?<=x)y", None),  # beyond a sample: no value rather than a wrong one
])
def test_a_sample_the_pattern_matches(regex, sample):
    assert sample_of(regex) == sample


def test_literals_compared_against_the_parameter():
    assert compared_literal("method", 'switch (method) {\n  case "GET":\n    return 1;\n}') == '"GET"'
    assert compared_literal("mode", "if (mode === 'fast') go()") == '"fast"'
    assert compared_literal("val", "if (typeof val === 'string') go()") is None
    assert compared_literal("kind", 'match kind:\n    case "tree":\n        pass\n') == '"tree"'


def test_the_documentation_example_comes_first():
    doc = 'Slug it.\n\n>>> slugify("Hello World", sep="_")\n\'hello_world\'\n'
    assert argument_values("slugify", ["text", "sep"], "", doc) == {"text": '"Hello World"', "sep": '"_"'}


def test_a_doctest_call_wrapped_or_assigned_still_gives_its_arguments():
    # a generator's doctest lists it, another assigns the result: the call inside is the block's
    doc = "Strip it.\n\n>>> list(lstrip(['x', 'y', 'x'], 'x'))\n['y', 'x']\n"
    assert argument_values("lstrip", ["items", "value"], "", doc) == {"items": "['x', 'y', 'x']", "value": "'x'"}
    doc = ">>> parts = split_pair('a=b')\n>>> parts\n('a', 'b')\n"
    assert argument_values("split_pair", ["text"], "", doc) == {"text": "'a=b'"}
    assert argument_values("lstrip", ["items"], "", ">>> my_lstrip([1])\n") == {}  # another function's call


def _example(tmp_path, rel, text, name):
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    src = Source(for_path(str(path)), text)
    g = ground(find_definition(src, name), src, path, tmp_path, 0)
    g.call_sites = []
    examples.attach(g, src, path, tmp_path, checks.check_example)
    return g.example.code


def test_a_javascript_function_is_called_with_a_string_its_regex_accepts(tmp_path):
    code = _example(tmp_path, "index.js", "/**\n * @param {String} str\n */\nexport function parse(str) {\n"
                    "  const m = /^(\\d+) *(days?|hours?)$/i.exec(\n    str\n  );\n  return m && Number(m[1]);\n}\n",
                    "parse")
    assert 'parse("2 days")' in code


def test_a_jsdoc_type_replaces_the_placeholder(tmp_path):
    code = _example(tmp_path, "index.js", "/**\n * @param {string} html\n * @param {number} times\n */\n"
                    "export function repeat(html, times) {\n  return html.repeat(times);\n}\n", "repeat")
    assert 'repeat("example", 3)' in code and "{}" not in code


def test_a_go_function_documented_with_a_form_is_called_with_one(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/ids\n\ngo 1.21\n")
    code = _example(tmp_path, "ids.go", "package ids\n\n// Parse reads an id of the form\n// "
                    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.\nfunc Parse(s string) (string, error) {\n"
                    "\treturn s, nil\n}\n", "Parse")
    assert 'ids.Parse("f47ac10b-58cc-4372-a567-0e02b2c3d479")' in code


def test_a_python_doctest_gives_the_call_its_arguments(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kit"\n')
    code = _example(tmp_path, "kit/text.py", 'def slugify(text, sep="-"):\n    """Slug it.\n\n'
                    '    >>> slugify("Hello World", sep="_")\n    \'hello_world\'\n    """\n'
                    '    return sep.join(text.lower().split())\n', "slugify")
    assert 'slugify("Hello World", "_")' in code


def test_a_python_parameter_compared_to_literals_gets_one(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kit"\n')
    code = _example(tmp_path, "kit/modes.py", 'def speed(mode: str) -> int:\n    if mode == "fast":\n'
                    '        return 2\n    return 1\n', "speed")
    assert 'speed("fast")' in code


def test_a_documentation_call_with_names_is_no_value():
    assert argument_values("invariant", ["condition"], "", " * @example invariant(value)\n") == {}
    assert argument_values("invariant", ["condition"], "", " * @example invariant(1 > 0)\n") == {}
    assert argument_values("pad", ["text", "width"], "", ' * pad("a", 3)\n') == {"text": '"a"', "width": "3"}
