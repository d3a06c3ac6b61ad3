"""The Python example's calls are bound, as Python would bind them, to the real signatures they call: jedi's
signature of each call into the user's project (an inherited constructor, a method of the object the example
made), the block's own parameters where jedi cannot follow the call. The check is named "python bind" in the
guide's provenance; a signature example that does not bind is rewritten to fit."""

from __future__ import annotations

from blockguide.core import checks, examples
from blockguide.core.fallback import static_guide
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example
from tests.support.analysis import ground

SHAPES = '''\
class Named:
    def __init__(self, name, *, strict=False):
        self.name = name


class Circle(Named):
    def area(self, scale=1.0):
        return 3.14 * scale


def grow(circle, by):
    return circle.area(by)
'''


def _g(project, name):
    path = project / "src/textkit/shapes.py"
    path.write_text(SHAPES)
    src = Source(LANGUAGES["python"], path.read_text())
    return ground(find_definition(src, name), src, path, project, 5), src, path


def py(code):
    return Example("python", code)


def test_a_call_that_binds_is_recorded_as_python_bind(project):
    g, _, _ = _g(project, "grow")
    problems = checks.check_example(py("from textkit.shapes import grow\n\nprint(grow(None, 2))\n"), g)
    assert problems == [] and problems.checks == ("static", "python bind")


def test_an_inherited_constructor_is_bound_with_its_real_parameters(project):
    g, _, _ = _g(project, "area")
    missing = checks.check_example(py("from textkit.shapes import Circle\n\nprint(Circle().area())\n"), g)
    assert missing == ["the call to `Circle` is missing the required argument `name`"]
    assert missing.checks == ("static", "python bind")
    extra = checks.check_example(py("from textkit.shapes import Circle\n\nprint(Circle('c', True).area())\n"), g)
    assert extra == ["`Circle` takes at most 1 positional argument but the example passes 2"]
    good = checks.check_example(py("from textkit.shapes import Circle\n\nprint(Circle('c', strict=True).area(2))\n"), g)
    assert good == []


def test_a_method_of_the_object_the_example_made_is_bound_to_its_signature(project):
    g, _, _ = _g(project, "grow")
    code = ("from textkit.shapes import Circle, grow\n\nc = Circle('c')\nprint(c.area(1, 2))\nprint(grow(c, 2))\n")
    assert checks.check_example(py(code), g) == ["`area` takes at most 1 positional argument but the example passes 2"]


def test_calls_outside_the_project_are_not_bound(project):
    g, _, _ = _g(project, "grow")
    code = "import json\nfrom textkit.shapes import grow\n\nprint(json.dumps(grow(None, 2), None, None, None))\n"
    assert checks.check_example(py(code), g) == []


def test_the_signature_example_of_a_method_builds_its_object_with_the_inherited_constructor(project):
    g, src, path = _grounded_without_call_sites(project, "area")
    examples.attach(g, src, path, project, checks.check_example)
    assert 'obj = Circle("example")' in g.example.code or "obj = Circle(name=" in g.example.code, g.example.code
    assert g.example_checks == ("static", "python bind") and g.example_problems == ()
    assert "The usage example passed python bind." in static_guide(g).provenance.notes


def _grounded_without_call_sites(project, name):
    g, src, path = _g(project, name)
    g.call_sites = []
    return g, src, path
