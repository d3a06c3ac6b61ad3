"""TypeScript examples pass values of the parameters' own types, never `{}`: an interface's members include its
bases', an enum gives its first member, an alias what it names, a union its first member that can be made, a
type no literal spells out the project's own factory; a type parameter (the function's or its class's) stands
for its constraint; a function-typed parameter returns a value of its result; a made object the checks reject
falls back to the next source of arguments."""

from __future__ import annotations

from pathlib import Path

from blockguide.core import checks, examples, grounding
from blockguide.core.examples.ts_objects import TsTypes, project_value, substitute
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _grounded(root: Path, rel: str, name: str):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    return grounding.ground(find_definition(src, name), src, path, root, 5), src, path


def _example(root: Path, rel: str, name: str, check=checks.check_example) -> str:
    g, src, path = _grounded(root, rel, name)
    examples.attach(g, src, path, root, check)
    assert g.example is not None
    return g.example.code


SHAPES = {
    "package.json": '{"name": "shapes", "version": "1.0.0", "main": "src/index.ts"}',
    "src/index.ts": "export * from './shapes'\nexport * from './board'\n",
    "src/shapes.ts":
        "export enum Kind {\n  Square = 'square',\n  Circle = 'circle',\n}\n\n"
        "interface Named<T> {\n  name: string\n  tag: T\n  note?: string\n}\n\n"
        "type Sized = keyof Extra extends never ? { size: number } : { size: number; extra: Extra }\n"
        "export interface Extra {}\n\n"
        "export interface Shape<T> extends Named<T>, Sized {\n  kind: Kind\n}\n\n"
        "export type Compare<T> = (a: T, b: T) => number\n"
        "export type Source = Shape<number> | (() => void)\n",
    "src/board.ts":
        "import { Shape } from './shapes'\n\n"
        "export interface Board {\n  a: number\n  b: number\n  c: number\n  d: number\n  e: number\n"
        "  f: number\n  g: number\n  h: number\n  i: number\n  shapes: Shape<string>[]\n}\n\n"
        "export function createBoard(width: number): Board {\n"
        "  return { a: width, b: 0, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0, i: 0, shapes: [] }\n}\n",
}


def test_an_interface_s_bases_an_enum_an_alias_and_a_union_give_values_of_their_types(tmp_path):
    root = _write(tmp_path, SHAPES)
    types, here = TsTypes(root), root / "src/board.ts"
    made = project_value("Shape<string>", types, here)
    # the bases' members, their type parameter taking the argument (`tag: T` a string); a conditional base's
    # first branch; the enum's first member, imported from the package that re-exports it
    assert made.code == '{ name: "example", tag: "example", size: 3, kind: Kind.Square }'
    assert made.imports == ['import { Kind } from "shapes";']
    assert project_value("Compare<number>", types, root / "src/shapes.ts").code == "() => (3)"
    assert project_value("Source", types, root / "src/shapes.ts").code.startswith("{ name: ")
    assert project_value("Extra | null", types, root / "src/shapes.ts").code == "{}"
    assert project_value("keyof Shape<number>", types, root / "src/shapes.ts").code == '"kind"'
    assert project_value("Window & typeof globalThis", types, root / "src/shapes.ts").code == "window"
    # a tuple its required elements (a rest or an optional one left out); a function type its result
    assert project_value("(deps?: number[]) => [label: string, count?: number, ...rest: Kind[]]", types,
                         root / "src/shapes.ts").code == '() => (["example"])'


def test_a_type_imported_through_an_index_that_re_exports_everything_is_found(tmp_path):
    """`import { Shape } from './index'` where index.ts has `export * from './shapes'`: Shape's declaration."""
    root = _write(tmp_path, SHAPES)
    (root / "src/use.ts").write_text("import { Shape } from './index'\n\nexport const x = 1\n")
    made = project_value("Shape<number>", TsTypes(root), root / "src/use.ts")
    assert made is not None and made.code.startswith('{ name: "example", tag: 3,')


def test_a_type_no_literal_spells_out_is_made_by_the_project_s_factory(tmp_path):
    """`Board` has more required members than an example shows: the exported `createBoard` returns one."""
    root = _write(tmp_path, SHAPES)
    made = project_value("Board", TsTypes(root), root / "src/board.ts")
    assert made.code == "createBoard(3)" and made.imports == ['import { createBoard } from "shapes";']


def test_substitution_replaces_whole_type_parameter_names_only():
    assert substitute("Map<T, TData[]> | T.x", {"T": "string"}) == "Map<string, TData[]> | T.x"


def test_a_method_s_class_type_parameter_stands_for_its_constraint_and_a_function_type_returns_a_value(tmp_path):
    """`List<T extends Named>`'s `add(item: T)` gets a Named object, not `{}`; `getKeys: () => string[]`
    returns strings, not a function returning nothing."""
    root = _write(tmp_path, {
        "package.json": '{"name": "lists", "version": "1.0.0", "main": "src/list.ts"}',
        "src/list.ts": "export interface Named {\n  name: string\n}\n\n"
                       "export class List<T extends Named> {\n  items: T[] = []\n"
                       "  constructor(first: T) {\n    this.items.push(first)\n  }\n\n"
                       "  add(item: T, getKeys: () => string[]): number {\n"
                       "    this.items.push(item)\n    return getKeys().length\n  }\n}\n"})
    code = _example(root, "src/list.ts", "List.add")
    assert 'const obj = new List({ name: "example" });' in code
    assert 'obj.add({ name: "example" }, () => (["a", "b"]))' in code
    # the constructor itself runs when the class is made: `new`, never `obj.constructor(...)`
    g, src, path = _grounded(root, "src/list.ts", "List.constructor")
    examples.attach(g, src, path, root, checks.check_example)
    assert 'const obj = new List({ name: "example" });' in g.example.code and "obj.constructor(" not in g.example.code
    assert "static" in g.example_checks and g.example_problems == ()  # making the class uses its constructor


def test_a_made_object_the_checks_reject_falls_back_to_the_example_without_it(tmp_path):
    """The next source of arguments: a checker that rejects the project's objects gets the example without
    them, which passes it; a checker that rejects everything keeps the first example (its problems said)."""
    root = _write(tmp_path, SHAPES)
    code = _example(root, "src/board.ts", "createBoard")
    assert code.rstrip().endswith("console.log(result);")
    (root / "src/use.ts").write_text("import { Shape } from './shapes'\n\n"
                                     "export function area(shape: Shape<string>, scale: number): number {\n"
                                     "  return shape.size * scale\n}\n")
    assert "area({ name:" in _example(root, "src/use.ts", "area")

    def no_objects(example, _):
        return ["tsc: rejected"] if "{ name:" in example.code else []

    g, src, path = _grounded(root, "src/use.ts", "area")
    examples.attach(g, src, path, root, no_objects)
    assert "{ name:" not in g.example.code and g.example_problems == ()
    g, src, path = _grounded(root, "src/use.ts", "area")
    examples.attach(g, src, path, root, lambda example, _: ["tsc: rejected"])
    assert "area({ name:" in g.example.code and g.example_problems == ("tsc: rejected",)


def test_statements_shown_through_their_function_fall_back_to_its_next_source_of_arguments(tmp_path):
    """Selected statements are shown by a call of their function: when that call's made object fails the
    checks, the function's next source of arguments is shown instead."""
    from blockguide.core.syntax.blocks import snap

    root = _write(tmp_path, SHAPES)
    path = root / "src/use.ts"
    path.write_text("import { Shape } from './shapes'\n\nexport function area(shape: Shape<string>, scale: number) {\n"
                    "  const size = shape.size\n  const scaled = size * scale\n  return scaled\n}\n")
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(snap(src, 3, 4), src, path, root, 5)
    examples.attach(g, src, path, root, lambda example, _: ["tsc: rejected"] if "{ name:" in example.code else [])
    assert g.example_via == "area" and "area(" in g.example.code and "{ name:" not in g.example.code
    assert g.example_problems == ()


def test_a_parameter_with_a_default_is_left_out_unless_a_later_one_is_passed_and_then_gets_a_value(tmp_path):
    """`scheduler: Scheduler = defaultScheduler` at the end is left out (the block has its own), never `{}`; an
    optional parameter before a required one gets a value of its type, not `undefined`."""
    from blockguide.core.examples.generic import generic_params

    src = Source(for_path("x.ts"), "function wait(ms: number, label?: string, times: number, "
                                    "scheduler: Scheduler = defaultScheduler, tag = 'a') {}\n")
    params = generic_params(src.tree.root_node.named_children[0])
    assert [(p.name, p.optional) for p in params] == [("ms", False), ("label", True), ("times", False)]
    root = _write(tmp_path, {"package.json": '{"name": "waits", "main": "src/wait.ts"}',
                             "src/wait.ts": "export function wait(ms: number, label?: string, times: number, "
                                            "scheduler: Scheduler = defaultScheduler) {\n  return ms\n}\n"})
    assert 'wait(100, "example", 3);' in _example(root, "src/wait.ts", "wait")


def test_a_method_of_an_object_literal_is_called_through_the_object(tmp_path):
    """`const clock = { now() {...} }`'s `now` is `clock.now()`, never `new Owner().now()`."""
    root = _write(tmp_path, {"package.json": '{"name": "clocks", "main": "src/clock.ts"}',
                             "src/clock.ts": "export const clock = {\n  now() {\n    return Date.now()\n  },\n}\n"})
    from blockguide.core.syntax.blocks import snap

    path = root / "src/clock.ts"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(snap(src, 1, 3), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    assert g.block.kind == "method" and g.block.name == "now"
    assert "const result = clock.now();" in g.example.code and "Owner" not in g.example.code


def test_statements_in_a_class_field_s_function_are_shown_through_that_method(tmp_path):
    """`setOptions = (opts: Options) => {...}` is a method of its class: statements selected in it are shown
    by calling `obj.setOptions(...)` on an object of the class, never by their own text (`opts` unbound)."""
    from blockguide.core.syntax.blocks import snap

    root = _write(tmp_path, {"package.json": '{"name": "views", "main": "src/view.ts"}',
                             "src/view.ts": "export interface Options {\n  size: number\n}\n\n"
                                            "export class View {\n  size = 0\n\n"
                                            "  setOptions = (opts: Options) => {\n    const size = opts.size\n"
                                            "    this.size = size\n  }\n}\n"})
    path = root / "src/view.ts"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(snap(src, 8, 9), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    assert g.example_via == "setOptions"
    assert "const obj = new View();" in g.example.code and "obj.setOptions({ size: 3 })" in g.example.code


def test_a_function_assigned_to_a_parameter_s_property_in_an_object_s_method_is_shown_through_that_method(tmp_path):
    """`{ createColumn: (column: Column) => { column.getMax = () => ... } }`: `getMax` has no name outside;
    the example calls `Faceting.createColumn(...)` with a Column, never `column.getMax()` on nothing."""
    from blockguide.core.syntax.blocks import snap

    root = _write(tmp_path, {"package.json": '{"name": "grid", "main": "src/faceting.ts"}',
                             "src/faceting.ts": "export interface Column {\n  id: string\n  getMax?: () => number\n}\n\n"
                                                "export const Faceting = {\n"
                                                "  createColumn: (column: Column): void => {\n"
                                                "    column.getMax = () => {\n      return column.id.length\n    }\n"
                                                "  },\n}\n"})
    path = root / "src/faceting.ts"
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(snap(src, 7, 9), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    assert g.example_via == "createColumn"
    assert 'Faceting.createColumn({ id: "example" })' in g.example.code and "column.getMax(" not in g.example.code
    # the exported object is imported, as a reader's code would (the example runs outside the module)
    assert g.import_line == 'import { Faceting } from "grid";' and g.import_line in g.example.code


def test_named_imports_from_one_module_are_one_line():
    from blockguide.core.examples.js import _merged

    assert _merged(['import { table } from "grid";', 'import proto from "./x.js";', 'import { createRow } from "grid";',
                    'import { table } from "grid";']) == ['import { table, createRow } from "grid";',
                                                          'import proto from "./x.js";']


def test_a_required_typed_options_object_is_passed_as_an_object_of_its_members(tmp_path):
    """`configure(options: { key: string; debug?: () => boolean })` that reads `options || {}` is still
    required by its type: an object of its required members, never left out nor a function (its members'
    `=>` makes no function type of it)."""
    root = _write(tmp_path, {"package.json": '{"name": "conf", "main": "src/conf.ts"}',
                             "src/conf.ts": "export function configure(options: { key: string; debug?: () => boolean }) {\n"
                                            "  const { key } = options || { key: 'x' }\n  return key\n}\n"})
    assert 'configure({ key: "example" })' in _example(root, "src/conf.ts", "configure")
