"""The guide built without a model: description, steps from the outline, a checked example, clear notes."""

from __future__ import annotations

import pytest

from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.blocks import snap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from blockguide.core.render import to_markdown
from blockguide.core.fallback import NOTE, static_guide
from blockguide.core.checks.prose import lint, vague_terms
from tests.support.analysis import ground
from blockguide.core.checks import check_example

PY = LANGUAGES["python"]


def _ground(project, rel, name=None, lines=None):
    path = project / rel
    src = Source(LANGUAGES["python"], path.read_text())
    block = find_definition(src, name) if name else snap(src, *lines)
    return ground(block, src, path, project, 5)


def test_a_function_guide_from_the_code(project):
    g = _ground(project, "src/textkit/slug.py", "slugify")
    guide = static_guide(g)
    assert guide.model == "none" and guide.static and guide.notes == () and NOTE in guide.provenance.notes
    # the purpose first, from the docstring's summary said of the block ("Turn text into a URL slug.")
    assert guide.description.startswith('`slugify`: Turn text into a URL slug. '
                                        '`slugify(text: str, sep: str = "-") -> str` is a function in `textkit.slug`.')
    assert "It returns `text.strip(sep)`." in guide.description
    assert [s.label for s in guide.steps] == ["Decode `text`", "Substitute `text`", "Return `text.strip` result"]
    assert "calling `text.lower` and `_SEP.sub` in that order" in guide.steps[1].detail
    assert "Turn text" not in " ".join(s.detail for s in guide.steps)  # the docstring is not a step
    # the example is the real call in app.py, made runnable, and cited
    assert guide.example.code == 'from textkit.slug import slugify\n\nresult = slugify(\'Hello, World!\')\nprint(result)\n'
    assert "Example adapted from the call at `app.py:5`." in guide.provenance.notes
    assert check_example(guide.example, g) == [] and lint(guide, g) == []
    assert not vague_terms(to_markdown(guide))


def test_a_method_example_builds_its_object(project):
    g = _ground(project, "src/textkit/slug.py", "make")
    guide = static_guide(g)
    assert "is a method of class `Slugger` in `textkit.slug`" in guide.description
    assert guide.example.code.startswith("from textkit.slug import Slugger\n\nobj = Slugger()\nresult = obj.make(")
    assert check_example(guide.example, g) == []


@pytest.mark.parametrize("method, params, call", [
    ("__str__", "self", "result = str(obj)"),
    ("__len__", "self", "result = len(obj)"),
    ("__contains__", "self, item", " in obj\n"),
    ("__eq__", "self, other", "result = obj == "),
])
def test_a_special_method_is_called_the_way_its_callers_write_it(project, method, params, call):
    from blockguide.core.checks import check_example
    path = project / "src/textkit/box.py"
    path.write_text(f"class Box:\n    def __init__(self):\n        self.items = ['a']\n\n"
                    f"    def {method}({params}):\n        return True\n")
    g = _ground(project, "src/textkit/box.py", method)
    code = static_guide(g).example.code
    assert code.startswith("from textkit.box import Box\n\nobj = Box()\n") and f"obj.{method}(" not in code
    assert code.split("\n")[3].replace('"', "'").split(" = ")[0] == "result"
    assert check_example(static_guide(g).example, g) == []
    assert call in code
    from dataclasses import replace
    idle = replace(static_guide(g).example, code="from textkit.box import Box\n\nobj = Box()\nprint(obj.items)\n")
    assert any("never calls `Box." in p for p in check_example(idle, g))  # a use by syntax must be there


def test_a_class_guide_lists_its_methods(project):
    guide = static_guide(_ground(project, "src/textkit/slug.py", "Slugger"))
    assert [s.label for s in guide.steps] == ["Initialize instance", "Make `text`"]
    assert "It defines the methods `__init__` and `make`." in guide.description


def test_statements_are_shown_through_their_function(project):
    g = _ground(project, "src/textkit/slug.py", lines=(10, 11))
    guide = static_guide(g)
    assert "They read `text`, `sep` and `_SEP`, set before them." in guide.description
    assert "They set `text`, which the code after them uses." in guide.description
    assert "slugify(" in guide.example.code and check_example(guide.example, g) == []
    one = static_guide(_ground(project, "src/textkit/slug.py", lines=(10, 10)))  # a single line is "it"
    assert one.description.startswith("This line") and "They " not in one.description
    assert any("run inside `slugify`" in n for n in guide.notes)


def test_async_and_generators(project):
    (project / "src/textkit/feed.py").write_text(
        "import json\n\n\nasync def read_feed(url: str, limit: int = 10):\n    '''Yield entries.'''\n"
        "    for entry in json.loads(url)[:limit]:\n        yield entry\n\n\n"
        "def pages(count):\n    for i in range(count):\n        yield i\n")
    g = _ground(project, "src/textkit/feed.py", "read_feed")
    guide = static_guide(g)
    assert "is an async generator function in `textkit.feed`" in guide.description
    assert "async for item in read_feed(" in guide.example.code and "asyncio.run(main())" in guide.example.code
    assert check_example(guide.example, g) == []
    g = _ground(project, "src/textkit/feed.py", "pages")
    assert "for item in pages(3):" in static_guide(g).example.code and check_example(g.example, g) == []


def test_the_static_guide_renders_in_every_language_without_vague_words(tmp_path):
    code = "export function add(a, b) {\n  if (a == null) {\n    throw new TypeError('a');\n  }\n  return a + b;\n}\n"
    path = tmp_path / "m.js"
    path.write_text(code)
    src = Source(LANGUAGES["javascript"], code)
    g = ground(find_definition(src, "add"), src, path, tmp_path, 5)
    guide = static_guide(g, reason="The model was not used: Cannot reach Ollama.")
    md = to_markdown(guide)
    assert "1. **Handle missing `a`**: If `a` is `null`, it throws `new TypeError('a')`." in md
    assert "2. **Return `a + b`**: It returns `a + b`." in md
    assert 'import { add } from "./m.js";' in md and check_example(guide.example, g) == []
    assert "The model was not used: Cannot reach Ollama." in guide.provenance.notes and not vague_terms(md)
    assert "Cannot reach" not in md  # how the guide was made is not in the text


def test_a_call_site_deep_in_a_large_module_keeps_its_literals_and_imports(project):
    """Only the code around the call is parsed with `ast`; literals of its function, the module's short
    constants and imports (also inside try) still carry over into the example."""
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(400))
    (project / "tests").mkdir()
    (project / "tests/test_big.py").write_text(
        "try:\n    from textkit.slug import slugify\nexcept ImportError:\n    slugify = None\n\n"
        'SEP = "_"\n\n\n' + filler +
        "class TestSlug:\n    def test_sep(self):\n        title = 'Big Title'\n"
        "        assert slugify(title, SEP) == 'big_title'\n")
    g = _ground(project, "src/textkit/slug.py", "slugify")
    assert g.example_source == f"tests/test_big.py:{5 + 3 + 400 * 4 + 4}"
    assert g.example.code == ("from textkit.slug import slugify\n\nresult = slugify('Big Title', '_')\n"
                              "print(result)\n")


def test_an_example_the_toolchain_rejects_is_said_to_the_reader(project):
    """No better example exists when the one built from the call sites and the signature fails the compiler:
    the reader is told before copying it (the provenance keeps saying which checks ran)."""
    g = _ground(project, "src/textkit/slug.py", "slugify")
    assert static_guide(g).notes == ()  # passed: nothing to say
    g.example_checks = ("static", "python bind")
    g.example_problems = ("slugify() got an unexpected keyword argument 'width'",)
    guide = static_guide(g)
    assert guide.notes == ("`python bind` does not accept this example as written: slugify() got an unexpected "
                           "keyword argument 'width'",)
    assert any("does not pass python bind" in n for n in guide.provenance.notes)
    g.example_checks = ("static", "parse only (no target/)")  # no tool ran: nothing claimed
    assert static_guide(g).notes == ()


def test_a_steps_comments_are_quoted_in_its_detail(tmp_path):
    """The author's words about a step (requests' requote_uri says what each branch quotes) reach the guide
    as they are; tool markers, commented-out code and the comment that introduces the next step do not."""
    code = ('def requote(uri):\n'
            '    safe = "!#$%&"\n'
            '    try:\n'
            '        # Unquote only the unreserved characters\n'
            '        # then quote only illegal characters\n'
            '        return quote(unquote_unreserved(uri), safe=safe)\n'
            '    except InvalidURL:\n'
            '        # TODO: log this  # noqa\n'
            '        # We could not unquote the URI, so quote it as it is.\n'
            '        return quote(uri, safe=safe)\n')
    path = tmp_path / "m.py"
    path.write_text(code)
    src = Source(PY, code)
    guide = static_guide(ground(find_definition(src, "requote"), src, path, tmp_path, 0))
    details = [s.detail for s in guide.steps]
    assert details[0].endswith("`.") and "comment" not in details[0]  # the try's comment is the return's
    assert details[1].endswith('The comment here says: "Unquote only the unreserved characters then quote only '
                               'illegal characters"')
    assert details[2].endswith('The comment here says: "We could not unquote the URI, so quote it as it is."')
    code_in_comment = code.replace("# then quote only illegal characters", "# x = quote(uri)  # old way")
    path.write_text(code_in_comment)
    src = Source(PY, code_in_comment)
    guide = static_guide(ground(find_definition(src, "requote"), src, path, tmp_path, 0))
    assert "comment" not in guide.steps[1].detail  # a comment with code in it is not quoted in part


def test_the_placeholder_note_only_when_blockguide_guessed_a_value(tmp_path):
    """ms.parse's example takes "2 days" from its own regex and a function without parameters has nothing to
    replace: the note asking the reader to replace placeholder values is for guessed values only."""
    from blockguide.core.fallback import PLACEHOLDERS

    code = ("export function units(str) {\n  const m = /^(\\d+) (days|hours)$/.exec(str);\n  return m;\n}\n\n"
            "export function now() {\n  return 1;\n}\n\n"
            "export function pad(text, width) {\n  return text;\n}\n")
    (tmp_path / "package.json").write_text('{"name": "kit", "type": "module", "main": "index.js"}')
    path = tmp_path / "index.js"
    path.write_text(code)
    src = Source(LANGUAGES["javascript"], code)

    def notes(name):
        return static_guide(ground(find_definition(src, name), src, path, tmp_path, 0)).notes

    assert PLACEHOLDERS not in notes("units") and PLACEHOLDERS not in notes("now")
    assert PLACEHOLDERS in notes("pad")  # `text` is "example"


def test_no_placeholder_note_when_every_chosen_value_is_a_real_one():
    from blockguide.core.examples.usage import has_placeholder

    assert has_placeholder('pad("example", 3)') and has_placeholder("f(a, key=None)") and has_placeholder("g({})")
    assert not has_placeholder('easter(2024, EASTER_WESTERN)') and not has_placeholder('load("example.txt")')


@pytest.mark.parametrize("tail, said", [
    ("    return inner\n", "`inner` is defined inside `outer`: `outer` makes it, but does not call it."),
    ("    return inner() + 1\n", "`inner` is defined inside `outer`: calling `outer` runs it."),
])
def test_a_local_function_shown_through_its_enclosing_one_says_whether_that_one_calls_it(project, tail, said):
    # cachetools' `getinfo` is made and stored by `decorator`, never called there: "calling it runs it" was false
    (project / "src/textkit/outer.py").write_text("def outer(n):\n    def inner():\n        return n\n\n" + tail)
    g = _ground(project, "src/textkit/outer.py", "inner")
    assert static_guide(g).example.code.startswith(f"# {said}\n")


def test_statements_two_functions_deep_name_the_function_the_example_calls(project):
    (project / "src/textkit/outer.py").write_text(
        "def outer(n):\n    def inner(k):\n        total = n + k\n        return total\n\n    return inner\n")
    g = _ground(project, "src/textkit/outer.py", lines=(2, 3))
    guide = static_guide(g)
    assert g.block.kind == "statements" and "outer(" in guide.example.code
    assert g.example_via == "outer"  # not `inner`, which the example never calls
    assert "These statements run inside `inner`: a usage example calls `outer`." in guide.notes


def test_an_undocumented_constructor_says_what_its_class_is_for_from_the_class_documentation(tmp_path):
    """`__init__` and a Java constructor without documentation of their own: the class's summary is what
    they make, said after the name ("It makes a new `Lazy`. `Lazy` is used like ..."), never their calls
    alone; a documented constructor keeps its own."""
    py = ('class Lazy:\n    """The ``Lazy`` is used like a property, computed once."""\n\n'
          "    def __init__(self, func):\n        self.func = func\n\n"
          "    def __get__(self, obj, owner=None):\n        return self.func(obj)\n")
    src = Source(LANGUAGES["python"], py)
    (tmp_path / "lazy.py").write_text(py)
    text = static_guide(ground(find_definition(src, "Lazy.__init__"), src, tmp_path / "lazy.py", tmp_path, 0))
    assert "is a constructor of class `Lazy`" in text.description
    assert "It makes a new `Lazy`. `Lazy` is used like a property, computed once." in text.description
    text = static_guide(ground(find_definition(src, "Lazy.__get__"), src, tmp_path / "lazy.py", tmp_path, 0))
    assert "It makes a new" not in text.description  # not a constructor
    java = ("package org.kit;\n\n/** Counts the words of a text. */\npublic class Counter {\n"
            "    private final String text;\n\n    public Counter(String text) {\n        this.text = text;\n    }\n"
            "\n    /** Builds a counter over nothing. */\n    public Counter() {\n        this(\"\");\n    }\n}\n")
    path = tmp_path / "org/kit/Counter.java"
    path.parent.mkdir(parents=True)
    path.write_text(java)
    src = Source(LANGUAGES["java"], java)
    first = snap(src, 6, 8)
    said = static_guide(ground(first, src, path, tmp_path, 0)).description
    assert said.startswith("`public Counter(String text)` is a constructor of class `Counter` in `org.kit`. "
                           "It makes a new `Counter`. `Counter` counts the words of a text.")
    second = snap(src, 11, 13)
    said = static_guide(ground(second, src, path, tmp_path, 0)).description
    assert "`Counter` builds a counter over nothing." in said and "It makes a new" not in said
