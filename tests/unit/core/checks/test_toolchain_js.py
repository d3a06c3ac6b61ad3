"""JavaScript/TypeScript examples: the import users write (the package name when package.json's entry is the
block's file or re-exports it), then the real toolchain: `tsc --noEmit` with the example in a temporary folder
that maps the package to the project, else `node --check` for JavaScript. Never run; the tree never written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from blockguide.core.checks import check_example, toolchain, toolchain_js, toolrun
from blockguide.core.examples import attach
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.project import js_package_name
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example

REPO = Path(__file__).resolve().parents[4]
TSC_DIRS = [REPO / ".tools/ts/node_modules/.bin", REPO / "vscode-client/node_modules/.bin"]


@pytest.fixture
def with_tsc(monkeypatch):
    """tsc on PATH (the one installed for the repository's tools or the VS Code client), or skip."""
    found = next((d for d in TSC_DIRS if (d / "tsc").is_file()), None)
    if found is None and shutil.which("tsc") is None:
        pytest.skip("no tsc installed")
    if found is not None:
        monkeypatch.setenv("PATH", f"{found}{os.pathsep}{os.environ['PATH']}")
    _on(monkeypatch)


def _on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_js, "TSC_SECONDS", 120.0)
    toolrun.results.clear()


def _grounded(root, rel, name):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    return ground(find_definition(src, name), src, path, root, 5), src, path


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def _ts_package(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({
        "name": "tiny-check", "main": "dist/tiny-check.cjs.js", "module": "dist/tiny-check.esm.js",
        "types": "dist/tiny-check.d.ts",
        "exports": {".": {"import": "./dist/esm/tiny-check.js", "default": {"types": "./dist/tiny-check.d.ts"}}}}))
    (root / "src/tiny-check.ts").write_text(
        "export default function check(condition: unknown, message?: string): asserts condition {\n"
        "  if (!condition) throw new Error(message ?? 'failed');\n}\n\n"
        "export function repeat(text: string, times: number): string {\n  return text.repeat(times);\n}\n")
    (root / "src/helpers.ts").write_text("export function pad(text: string, width: number): string {\n"
                                         "  return text.padStart(width);\n}\n")
    return root


def test_the_package_name_when_package_json_maps_its_entry_to_the_file(tmp_path):
    root = _ts_package(tmp_path)
    assert js_package_name(root / "src/tiny-check.ts", root) == "tiny-check"
    assert js_package_name(root / "src/helpers.ts", root) is None
    (root / "src/index.ts").write_text("export { pad } from './helpers'\nexport type { Nothing } from './none'\n")
    (root / "package.json").write_text(json.dumps({"name": "@kit/pads", "exports": {".": "./dist/index.js"}}))
    assert js_package_name(root / "src/helpers.ts", root, "pad") == "@kit/pads"
    assert js_package_name(root / "src/helpers.ts", root, "other") is None


def test_the_import_line_is_the_package_name_or_else_the_relative_path(tmp_path):
    root = _ts_package(tmp_path)
    g, _, _ = _grounded(root, "src/tiny-check.ts", "check")
    assert g.import_line == 'import check from "tiny-check";'
    g, _, _ = _grounded(root, "src/helpers.ts", "pad")
    assert g.import_line == 'import { pad } from "./src/helpers.js";'


def test_a_commonjs_module_exports_function_is_a_default_import(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"name": "esc"}))
    (tmp_path / "index.js").write_text("function esc(s) {\n  return String(s);\n}\n\nmodule.exports = esc;\n")
    g, _, _ = _grounded(tmp_path, "index.js", "esc")
    assert g.import_line == 'import esc from "esc";'


def test_tsc_accepts_a_good_example_and_names_the_wrong_argument(tmp_path, with_tsc):
    root = _ts_package(tmp_path)
    before = _tree(root)
    g, src, path = _grounded(root, "src/tiny-check.ts", "repeat")
    good = check_example(Example("ts", 'import { repeat } from "tiny-check";\n\nconsole.log(repeat("ab", 2));\n'), g)
    assert good == [] and good.checks == ("static", "tsc --noEmit")
    bad = check_example(Example("ts", 'import { repeat } from "tiny-check";\n\nconsole.log(repeat("ab", "2"));\n'), g)
    assert bad.checks == ("static", "tsc --noEmit") and len(bad) == 1
    assert bad[0].startswith("tsc: example.ts(3,26): error TS2345") and "'number'" in bad[0]
    relative = check_example(Example("ts", 'import { pad } from "./src/helpers.js";\n\nconsole.log(pad("a", 3));\n'),
                             _grounded(root, "src/helpers.ts", "pad")[0])
    assert relative == [] and relative.checks == ("static", "tsc --noEmit")
    assert _tree(root) == before  # a temporary folder only: nothing written into the tree


def test_a_functions_own_example_passes_tsc_and_says_so(tmp_path, with_tsc):
    root = _ts_package(tmp_path)
    g, src, path = _grounded(root, "src/tiny-check.ts", "repeat")
    attach(g, src, path, root, check_example)
    assert 'import { repeat } from "tiny-check";' in g.example.code
    assert g.example_checks == ("static", "tsc --noEmit")


def test_a_function_that_is_not_exported_is_checked_at_the_end_of_its_module(tmp_path, with_tsc):
    (tmp_path / "package.json").write_text(json.dumps({"name": "units"}))
    (tmp_path / "index.js").write_text("/**\n * @param {string} text\n * @returns {number}\n */\n"
                                       "function parse(text) {\n  return Number(text);\n}\n\nmodule.exports = {};\n")
    g, _, _ = _grounded(tmp_path, "index.js", "parse")
    assert g.import_line is None
    good = check_example(Example("js", 'const n = parse("2");\nconsole.log(n);\n'), g)
    assert good == [] and good.checks == ("static", "tsc --noEmit")
    bad = check_example(Example("js", 'const n = parse(2);\nconsole.log(n);\n'), g)
    assert len(bad) == 1 and bad[0].startswith("tsc: example.js(1,17): error TS2345")


def test_node_checks_the_syntax_of_javascript_when_there_is_no_tsc(tmp_path, monkeypatch):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    _on(monkeypatch)
    monkeypatch.setattr(toolchain_js, "find_tsc", lambda root: None)
    (tmp_path / "package.json").write_text(json.dumps({"name": "esc"}))
    (tmp_path / "index.js").write_text("export function esc(s) {\n  return String(s);\n}\n")
    g, _, _ = _grounded(tmp_path, "index.js", "esc")
    good = check_example(Example("js", 'import { esc } from "esc";\n\nconsole.log(esc("<"));\n'), g)
    assert good == [] and good.checks == ("static", "node --check")
    twice = 'import { esc } from "esc";\n\nconst a = esc("<");\nconst a = 2;\n'  # parses, but is no program
    bad = check_example(Example("js", twice), g)
    assert bad.checks == ("static", "node --check") and len(bad) == 1
    assert bad[0].startswith("node --check: example.mjs:4: SyntaxError:") and "'a'" in bad[0]


def test_a_method_of_a_class_built_from_a_config_object_is_shown_on_an_instance_tsc_accepts(tmp_path, with_tsc):
    """query-core's Mutation.execute got `new Mutation({})`, which tsc rejects (a MutationConfig is no `{}`):
    the config is an object of its required members; where no literal spells it out (a call signature), the
    method is shown on an instance the reader has (`declare const`), with `any` for type parameters that
    have no default."""
    (tmp_path / "package.json").write_text(json.dumps({"name": "jobs"}))
    (tmp_path / "src").mkdir()
    (tmp_path / "src/job.ts").write_text(
        "export interface JobConfig<T> {\n  id: number\n  run: () => T\n}\n\n"
        "export class Job<T, E = Error> {\n  config: JobConfig<T>\n\n"
        "  constructor(config: JobConfig<T>) {\n    this.config = config\n  }\n\n"
        "  async execute(times: number): Promise<T> {\n    return this.config.run()\n  }\n}\n\n"
        "export class Counter {\n  constructor(start: number) {}\n\n  next(): number {\n    return 1\n  }\n}\n\n"
        "export interface Step<T> {\n  (input: string): T\n}\n\n"
        "export class Task<T, E = Error> {\n  constructor(private step: Step<T>) {}\n\n"
        "  async execute(times: number): Promise<T> {\n    return this.step('go')\n  }\n}\n")
    g, src, path = _grounded(tmp_path, "src/job.ts", "Job.execute")
    attach(g, src, path, tmp_path, check_example)
    assert "const obj = new Job({ id: 3, run: () => {} });" in g.example.code
    assert "await obj.execute(" in g.example.code
    assert g.example_checks == ("static", "tsc --noEmit") and g.example_problems == ()
    g, src, path = _grounded(tmp_path, "src/job.ts", "Task.execute")
    attach(g, src, path, tmp_path, check_example)
    assert "declare const obj: Task<any, any>;" in g.example.code and "await obj.execute(" in g.example.code
    assert g.example_checks == ("static", "tsc --noEmit") and g.example_problems == ()
    g, src, path = _grounded(tmp_path, "src/job.ts", "Counter.next")  # a number is guessed: constructed
    attach(g, src, path, tmp_path, check_example)
    assert "const obj = new Counter(" in g.example.code and g.example_problems == ()


def test_statements_are_shown_through_their_exported_function_and_tsc_accepts_it(tmp_path, with_tsc):
    """p-retry's abort wiring got its own statements back as the example (tsc: Cannot find name 'operation');
    a reader reaches them by calling the function around them, imported by the package's name."""
    from blockguide.core.syntax.blocks import snap

    (tmp_path / "package.json").write_text(json.dumps({"name": "retry-kit", "type": "module", "main": "index.js"}))
    code = ("export default async function retry(count) {\n"
            "  return new Promise((resolve, reject) => {\n"
            "    const stop = () => {\n"
            "      reject(new Error('stopped'));\n"
            "    };\n"
            "    if (count > 3) {\n"
            "      stop();\n"
            "    }\n"
            "    resolve(count);\n"
            "  });\n"
            "}\n")
    (tmp_path / "index.js").write_text(code)
    path = tmp_path / "index.js"
    src = Source(for_path(str(path)), code)
    g = ground(snap(src, 2, 7), src, path, tmp_path, 5)
    attach(g, src, path, tmp_path, check_example)
    assert g.example.code.startswith('import retry from "retry-kit";') and "await retry(" in g.example.code
    assert g.example_checks == ("static", "tsc --noEmit") and g.example_problems == ()
    assert any(n.startswith("These statements run inside `retry`") for n in g.notes)


def test_a_function_inside_an_exported_one_is_checked_through_the_package_entry_that_re_exports_it(
        tmp_path, with_tsc):
    """The helper inside `paginate` is shown through `paginate`, which users import by the package's name
    (its entry re-exports the file); tsc is told where that name leads for the outer function's name."""
    (tmp_path / "src").mkdir()
    (tmp_path / "package.json").write_text(json.dumps({"name": "pager-kit", "main": "build/index.js",
                                                       "types": "build/index.d.ts"}))
    (tmp_path / "src/index.ts").write_text("export * from './paginate'\n")
    (tmp_path / "src/paginate.ts").write_text(
        "export function paginate(total: number, size: number): number[] {\n"
        "  function pages(): number {\n    return Math.ceil(total / size);\n  }\n"
        "  return Array.from({ length: pages() }, (_, i) => i);\n}\n")
    g, src, path = _grounded(tmp_path, "src/paginate.ts", "pages")
    attach(g, src, path, tmp_path, check_example)
    assert g.example_via == "paginate"
    assert 'import { paginate } from "pager-kit";' in g.example.code and "paginate(3, 3)" in g.example.code
    assert g.example.code.startswith("// `pages` is defined inside `paginate`: calling `paginate` runs it.")
    assert g.example_checks == ("static", "tsc --noEmit") and g.example_problems == ()
