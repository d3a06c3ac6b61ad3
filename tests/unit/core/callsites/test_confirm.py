"""Call sites in other languages are confirmed through the import that binds the called name: a same-named
function of another module or package is not a call of the block."""

from __future__ import annotations

from blockguide.core import callsites
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.grounding import ground


def _sites(root, rel, name, references=8):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    callsites._called_names.clear()
    g = ground(find_definition(src, name), src, path, root, references)
    return [(s.path, s.line) for s in g.call_sites]


def test_js_a_local_function_of_the_same_name_in_another_module_is_not_a_call_site(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "kit"}')
    (tmp_path / "src").mkdir()
    (tmp_path / "src/slug.js").write_text("export function slug(s) {\n  return s.toLowerCase();\n}\n")
    (tmp_path / "src/other.js").write_text("function slug(s) {\n  return s;\n}\nconsole.log(slug('A'));\n")
    (tmp_path / "src/app.js").write_text("import { slug } from './slug.js';\nconsole.log(slug('A B'));\n")
    (tmp_path / "src/ns.js").write_text("import * as s from './slug';\ns.slug('x');\nobj.slug('y');\n")
    (tmp_path / "src/cjs.js").write_text("const { slug } = require('./slug');\nslug('z');\n")
    (tmp_path / "src/data.js").write_text("const m = new Map();\nm.slug('k');\n")
    assert sorted(_sites(tmp_path, "src/slug.js", "slug")) == [("src/app.js", 1), ("src/cjs.js", 1), ("src/ns.js", 1)]


def test_go_another_packages_function_of_the_same_name_is_not_a_call_site(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/kit\n\ngo 1.21\n")
    (tmp_path / "parse").mkdir()
    (tmp_path / "parse/parse.go").write_text("package parse\n\nfunc Parse(s string) int {\n\treturn len(s)\n}\n"
                                             "\nfunc twice(s string) int {\n\treturn Parse(s) * 2\n}\n")
    (tmp_path / "otherpkg").mkdir()
    (tmp_path / "otherpkg/other.go").write_text("package otherpkg\n\nfunc Parse(s string) int {\n\treturn 0\n}\n")
    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd/main.go").write_text(
        'package main\n\nimport (\n\t"example.com/kit/otherpkg"\n\tp "example.com/kit/parse"\n)\n\n'
        'func main() {\n\totherpkg.Parse("a")\n\tp.Parse("b")\n}\n')
    assert sorted(_sites(tmp_path, "parse/parse.go", "Parse")) == [("cmd/main.go", 9), ("parse/parse.go", 7)]


def test_rust_the_call_must_come_through_a_use_of_the_blocks_module(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "kit"\nversion = "0.1.0"\n')
    (tmp_path / "src/text").mkdir(parents=True)
    (tmp_path / "src/text/slug.rs").write_text("pub fn slug(s: &str) -> String {\n    s.to_lowercase()\n}\n")
    (tmp_path / "src/other.rs").write_text("fn slug(s: &str) -> &str {\n    s\n}\nfn f() {\n    slug(\"a\");\n}\n")
    (tmp_path / "src/main.rs").write_text(
        "use crate::text::slug::slug;\nuse kit::text::slug as s;\n\nfn main() {\n    slug(\"A\");\n"
        "    s::slug(\"B\");\n    other::slug(\"C\");\n}\n")
    assert _sites(tmp_path, "src/text/slug.rs", "slug") == [("src/main.rs", 4), ("src/main.rs", 5)]


def test_c_the_call_must_be_in_a_file_that_includes_the_header(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("")
    (tmp_path / "sum.h").write_text("int sum(int a, int b);\n")
    (tmp_path / "sum.c").write_text('#include "sum.h"\n\nint sum(int a, int b) {\n    return a + b;\n}\n')
    (tmp_path / "main.c").write_text('#include "sum.h"\n\nint main(void) {\n    return sum(1, 2);\n}\n')
    (tmp_path / "other.c").write_text("static int sum(int a) {\n    return a;\n}\nint g(void) {\n"
                                      "    return sum(3);\n}\nint h(struct s *x) {\n    return x->sum(1);\n}\n")
    assert _sites(tmp_path, "sum.c", "sum") == [("main.c", 3)]


def test_go_the_qualifier_is_the_package_clauses_name_not_the_paths(tmp_path):
    (tmp_path / "go.mod").write_text("module example.com/kit\n\ngo 1.21\n")
    (tmp_path / "go-yaml").mkdir()
    (tmp_path / "go-yaml/decode.go").write_text("package yaml\n\nfunc Parse(s string) int {\n\treturn 1\n}\n")
    (tmp_path / "main.go").write_text('package main\n\nimport "example.com/kit/go-yaml"\n\n'
                                      'func main() {\n\tyaml.Parse("a")\n}\n')
    assert _sites(tmp_path, "go-yaml/decode.go", "Parse") == [("main.go", 5)]
