"""examples.attach builds the example after grounding with the checker it is given: examples never import
the checks, and grounding never builds examples."""

from __future__ import annotations

from pathlib import Path

from blockguide.core import checks, examples, grounding
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source


def _grounded(project: Path, name: str):
    path = project / "src/textkit/slug.py"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(find_definition(src, name), src, path, project, 5)
    return g, src, path


def test_grounding_leaves_the_example_to_attach(project):
    g, src, path = _grounded(project, "slugify")
    assert g.example is None and g.example_source is None and g.call_sites
    examples.attach(g, src, path, project, checks.check_example)
    assert g.example is not None and g.example_source and g.example_source.startswith("app.py:")
    assert checks.check_example(g.example, g) == []


def test_a_checker_that_rejects_every_site_gives_the_signature_example(project):
    g, src, path = _grounded(project, "slugify")
    asked = []

    def reject(example, grounding_):
        asked.append(example)
        return ["rejected"]

    examples.attach(g, src, path, project, reject)
    assert asked and g.example is not None and g.example_source is None
    assert "from textkit.slug import slugify" in g.example.code


def test_a_method_grounding_names_its_owner_and_its_example_builds_the_object(project):
    g, src, path = _grounded(project, "Slugger.make")
    assert g.owner == "Slugger" and g.import_line == "from textkit.slug import Slugger"
    examples.attach(g, src, path, project, checks.check_example)
    assert "Slugger(" in g.example.code and ".make(" in g.example.code


def test_the_stages_do_not_import_each_other_upwards():
    source = Path(examples.__file__).parent
    for file in source.glob("*.py"):
        assert "from blockguide.core.checks" not in file.read_text(), file
    assert "from blockguide.core.examples" not in Path(grounding.__file__).read_text()


def test_statements_inside_a_function_get_its_real_call_s_arguments(tmp_path: Path):
    """The three statements of `add`, selected: the example calls `add` as the file does three lines below,
    not with placeholders."""
    from blockguide.core.syntax.blocks import snap

    (tmp_path / "pyproject.toml").write_text("")
    path = tmp_path / "calc.py"
    path.write_text("def add(a, b):\n    total = a + b\n    print(total)\n    return total\n\n\nprint(add(1, 2))\n")
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(snap(src, 1, 3), src, path, tmp_path, 5)
    examples.attach(g, src, path, tmp_path, checks.check_example)
    assert "add(1, 2)" in g.example.code and "None" not in g.example.code
    assert g.example_source == "calc.py:7"


def test_a_function_defined_inside_another_is_shown_through_the_function_around_it(tmp_path: Path):
    """A closure or a local helper has no name outside its function: the example calls the function around
    it, and says why. So is a function assigned to a property of an object the function itself declares or
    takes (`api`, `column`: no name outside it); one assigned to a module's object is reached through it."""
    from blockguide.core.fallback import static_guide

    (tmp_path / "package.json").write_text('{"name": "pager", "version": "1.0.0", "main": "index.js"}\n')
    path = tmp_path / "index.js"
    path.write_text("function makePager(size) {\n  function pages(total) {\n    return Math.ceil(total / size);\n"
                    "  }\n  const api = {};\n  api.count = function (total) {\n    return pages(total);\n  };\n"
                    "  return api;\n}\n\nmodule.exports = { makePager };\n")
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(find_definition(src, "pages"), src, path, tmp_path, 5)
    examples.attach(g, src, path, tmp_path, checks.check_example)
    assert g.example_via == "makePager" and "makePager(" in g.example.code and "pages(" not in g.example.code
    assert "`pages` is defined inside `makePager`: a usage example calls `makePager`." in static_guide(g).notes
    assert examples.local_function(src, find_definition(src, "pages"))
    assert examples.local_function(src, find_definition(src, "count"))  # `api` is makePager's own
    g = grounding.ground(find_definition(src, "count"), src, path, tmp_path, 5)
    examples.attach(g, src, path, tmp_path, checks.check_example)
    assert g.example_via == "makePager" and "api.count(" not in g.example.code
    path.write_text("const app = {};\n\nfunction setup(column) {\n  column.width = function () {\n    return 3;\n"
                    "  };\n  app.send = function (text) {\n    return text;\n  };\n}\n\nmodule.exports = { setup, app };\n")
    src = Source(for_path(str(path)), path.read_text())
    assert examples.local_function(src, find_definition(src, "width"))  # a parameter's property
    assert not examples.local_function(src, find_definition(src, "send"))  # reached through the module's `app`

    py = tmp_path / "deco.py"
    py.write_text("def tagged(name):\n    def wrap(func):\n        func.tag = name\n        return func\n"
                  "    return wrap\n")
    src = Source(for_path(str(py)), py.read_text())
    g = grounding.ground(find_definition(src, "wrap"), src, py, tmp_path, 5)
    examples.attach(g, src, py, tmp_path, checks.check_example)
    assert g.example_via == "tagged" and "tagged(" in g.example.code and "wrap(" not in g.example.code


def _attached(root: Path, rel: str, text: str, name: str):
    (root / "pyproject.toml").write_text("")
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    src = Source(for_path(str(path)), text)
    g = grounding.ground(find_definition(src, name), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    return g


def test_a_definition_inside_a_top_level_if_or_try_is_imported_like_any_other(tmp_path: Path):
    text = ("import sys\n\nif sys.version_info >= (3,):\n    def shout(text):\n        return text.upper()\n"
            "else:\n    def shout(text):\n        return text\n\ntry:\n    from json import loads\n"
            "except ImportError:\n    def loads(text):\n        return text\n")
    g = _attached(tmp_path, "compat.py", text, "shout")
    assert g.import_line == "from compat import shout" and g.example_problems == ()
    assert 'shout("example")' in g.example.code


def test_a_function_defined_inside_another_is_reached_through_the_outer_one(tmp_path: Path):
    text = ("def counter(start):\n    def step(n):\n        return start + n\n\n    return step(1)\n")
    g = _attached(tmp_path, "count.py", text, "step")
    assert g.example_via == "counter" and "from count import counter" in g.example.code
    assert g.example_problems == () and "defined inside `counter`" in " ".join(g.notes)


def test_a_function_inside_one_bound_through_a_chain_of_assignments_is_reached_through_it(tmp_path: Path):
    """`var proto = module.exports = function (options) { function router() {...} }`: `router` has no name
    outside; the example calls `proto(...)`, never `router(...)` that nothing defines."""
    (tmp_path / "package.json").write_text('{"name": "routing", "version": "1.0.0", "main": "index.js"}\n')
    path = tmp_path / "index.js"
    path.write_text("var proto = module.exports = function (options) {\n  function router(req, res) {\n"
                    "    return req + res\n  }\n  return router\n}\n")
    src = Source(for_path(str(path)), path.read_text())
    assert examples.local_function(src, find_definition(src, "router"))
    g = grounding.ground(find_definition(src, "router"), src, path, tmp_path, 5)
    examples.attach(g, src, path, tmp_path, checks.check_example)
    assert g.example_via == "proto" and "router(" not in g.example.code.split("\n", 1)[1]
