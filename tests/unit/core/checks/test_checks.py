"""Checks of usage examples: Python statically with ast + jedi (never run), JS/TS and others with tree-sitter."""

from __future__ import annotations

import pytest

from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from tests.support.analysis import ground
from blockguide.core.types import Example
from blockguide.core.checks import check_example, ensure_import


def _g(project, rel, name, references=5):
    path = project / rel
    src = Source(LANGUAGES["python"] if rel.endswith(".py") else LANGUAGES[
        {".js": "javascript", ".ts": "typescript", ".go": "go"}[path.suffix]], path.read_text())
    return ground(find_definition(src, name), src, path, project, references)


def py(code):
    return Example("python", code)


def test_a_good_example_passes(project):
    g = _g(project, "src/textkit/slug.py", "slugify")
    assert check_example(py('from textkit.slug import slugify\nimport json\n\nprint(json.dumps(slugify("A b")))\n'),
                         g) == []


@pytest.mark.parametrize("code, problem", [
    ("from textkit.slug import slugify\nprint(slugify(\"a\"\n", "is not valid Python"),
    ("print(slugify('a'))\n", "must import the block with exactly `from textkit.slug import slugify`"),
    ("from textkit.slug import slugify\nfrom textkit.magic import wand\nslugify(wand)\n",
     "module `textkit.magic` is not in the project"),
    ("from textkit.slug import slugify\nfrom os import no_such_thing\nslugify(no_such_thing)\n",
     "`os` has no `no_such_thing`"),
    ("from textkit.slug import slugify\nslugify(text)\n", "uses `text` but never imports or defines it"),
    ("from textkit.slug import slugify\nslugify('a', '-', 3)\n", "takes at most 2 positional arguments"),
    ("from textkit.slug import slugify\nslugify('a', separator='-')\n", "has no parameter `separator`"),
    ("from textkit.slug import slugify\nslugify(sep='-')\n", "missing the required argument `text`"),
    ("from textkit.slug import slugify\nprint(1)\n", "never calls `slugify`"),
    ("from .slug import slugify\nslugify('a')\n", "relative import"),
])
def test_problems_are_exact(project, code, problem):
    g = _g(project, "src/textkit/slug.py", "slugify")
    problems = check_example(py(code), g)
    assert any(problem in p for p in problems), problems


def test_methods_and_classes(project):
    g = _g(project, "src/textkit/slug.py", "make")
    assert check_example(py("from textkit.slug import Slugger\nprint(Slugger('_').make('a b'))\n"), g) == []
    assert "never calls `Slugger.make`" in check_example(py("from textkit.slug import Slugger\nSlugger()\n"), g)[0]
    cls = _g(project, "src/textkit/slug.py", "Slugger")
    assert check_example(py("from textkit.slug import Slugger\ns = Slugger(sep='_')\n"), cls) == []
    assert "has no parameter `width`" in check_example(py("from textkit.slug import Slugger\nSlugger(width=3)\n"),
                                                       cls)[0]


def test_async_code_must_be_awaited_and_run(project):
    (project / "src/textkit/net.py").write_text("async def fetch(url, timeout=5):\n    return url\n")
    g = _g(project, "src/textkit/net.py", "fetch")
    good = "import asyncio\nfrom textkit.net import fetch\n\n\nasync def main():\n    print(await fetch('u'))\n\n\n" \
           "asyncio.run(main())\n"
    assert check_example(py(good), g) == []
    assert "coroutine function" in check_example(py("from textkit.net import fetch\nprint(fetch('u'))\n"), g)[0]
    assert "outside a function" in check_example(py("from textkit.net import fetch\nawait fetch('u')\n"), g)[0]
    never_run = "from textkit.net import fetch\n\n\nasync def main():\n    await fetch('u')\n"
    assert "never runs it" in check_example(py(never_run), g)[0]


def test_ensure_import_fixes_a_wrong_module_path(project):
    g = _g(project, "src/textkit/slug.py", "slugify")
    fixed, note = ensure_import(py("from slug import slugify\nprint(slugify('a'))"), g)
    assert fixed.code.startswith("from textkit.slug import slugify\n") and "from slug import" not in fixed.code
    assert note and check_example(fixed, g) == []
    same, note = ensure_import(py("from textkit.slug import Slugger, slugify\nslugify('a')"), g)
    assert note is None


def test_javascript_examples(tmp_path):
    root = tmp_path / "web"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"name": "web", "dependencies": {"lodash": "4"}}')
    (root / "src/util.js").write_text("export function debounce(fn, ms) {\n  return fn;\n}\n")
    g = _g(root, "src/util.js", "debounce")
    assert g.import_line == 'import { debounce } from "./src/util.js";'
    good = 'import { debounce } from "./src/util.js";\nimport fs from "node:fs";\nimport _ from "lodash";\n' \
           'const f = debounce(() => fs.existsSync("x"), 100);\n'
    assert check_example(Example("javascript", good), g) == []
    bad = 'import { debounce } from "./util";\nimport left from "left-pad";\ndebounce(() => 1, 5);\n'
    problems = check_example(Example("javascript", bad), g)
    assert "must import the block with exactly" in problems[0] and any("`left-pad`" in p for p in problems)
    assert "does not parse" in check_example(Example("javascript", "const = ;"), g)[0]


def test_other_languages_parse_and_use_the_real_name(tmp_path):
    root = tmp_path / "gomod"
    (root / "pkg").mkdir(parents=True)
    (root / "go.mod").write_text("module example.com/tool\n\ngo 1.22\n")
    (root / "pkg/sum.go").write_text("package pkg\n\n// Sum adds.\nfunc Sum(a, b int) int {\n\treturn a + b\n}\n")
    g = _g(root, "pkg/sum.go", "Sum")
    assert g.import_line == 'import "example.com/tool/pkg"'
    assert check_example(g.example, g) == [], g.example.code
    assert check_example(Example("go", "fmt.Println(pkg.Sum(1, 2))"), g) == [
        'the example must import the block with `import "example.com/tool/pkg"`']
    assert "never uses `Sum`" in check_example(Example("go", 'import "example.com/tool/pkg"\n'), g)[0]
    assert "does not parse" in check_example(Example("go", "func {"), g)[0]


def test_a_methods_example_importing_its_class_from_elsewhere_gets_one_import_from_the_real_path():
    from blockguide.core.grounding import ground as ground_block
    code = "export class Mutation {\n  async execute(variables: number): Promise<number> {\n    return variables\n  }\n}\n"
    src = Source(LANGUAGES["typescript"], code)
    g = ground_block(find_definition(src, "Mutation.execute"), src, None, None, 0)
    g.import_line = 'import { Mutation } from "./src/mutation.js";'
    example = Example("typescript", 'import { Mutation } from "@tanstack/query-core";\n\n'
                                    "declare const m: Mutation;\nawait m.execute(1);\n")
    fixed, note = ensure_import(example, g)
    assert note and fixed.code.count("import { Mutation }") == 1
    assert fixed.code.startswith('import { Mutation } from "./src/mutation.js";')
