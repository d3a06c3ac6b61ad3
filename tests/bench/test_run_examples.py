"""bench/run_examples.py runs a usage example the way its language runs a program: per language, an example
that is right runs ("ok") and one that fails at run time is a crash, one that does not build an error. Each
package here is a few lines written by the test, so nothing is fetched (Python's venv installs the package from
its folder; pip may take setuptools from the local wheel cache or PyPI)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench import run_examples
from bench.run_examples import CRASH, ERROR, NOT_RUNNABLE, OK, Ran, run_example, run_report


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(run_examples, "RUN_CACHE", tmp_path / "run-cache")


REPO = Path(__file__).resolve().parents[2]
TSC_DIRS = [REPO / ".tools/ts/node_modules/.bin", REPO / "vscode-client/node_modules/.bin"]


@pytest.fixture(autouse=True)
def repository_tsc(monkeypatch):
    """The TypeScript installed for the repository's tools or the VS Code client, where there is one."""
    found = next((d for d in TSC_DIRS if (d / "tsc").is_file()), None)
    if found is not None:
        monkeypatch.setenv("PATH", f"{found}{os.pathsep}{os.environ['PATH']}")


def needs(*tools: str):
    missing = [t for t in tools if shutil.which(t) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def python_tree(tmp_path):
    return write(tmp_path / "tinypkg-1.0", {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
                          '[project]\nname = "tinypkg"\nversion = "1.0"\n',
        "src/tinypkg/__init__.py": "",
        "src/tinypkg/text.py": "def shout(word):\n    return word.upper() + '!'\n\n\n"
                               "def _private(n):\n    return 10 // n\n",
    })


def test_python_example_runs_with_the_package_installed(python_tree):
    ok = run_example("python", "from tinypkg.text import shout\n\nprint(shout('hi'))\n", python_tree,
                     "src/tinypkg/text.py")
    assert ok == Ran(OK, "python")
    crash = run_example("python", "from tinypkg.text import shout\n\nprint(shout(None))\n", python_tree,
                        "src/tinypkg/text.py")
    assert crash.status == CRASH and crash.detail.startswith("AttributeError")
    missing = run_example("python", "from tinypkg.nothing import shout\n", python_tree, "src/tinypkg/text.py")
    assert missing.status == ERROR and "ModuleNotFoundError" in missing.detail


def test_python_example_without_an_import_runs_in_the_module(python_tree):
    code = "# `_private` is not importable from another module; this runs where it is defined\nprint(_private(2))\n"
    assert run_example("python", code, python_tree, "src/tinypkg/text.py").status == OK
    crash = run_example("python", "print(_private(0))\n", python_tree, "src/tinypkg/text.py")
    assert crash.status == CRASH and "ZeroDivisionError" in crash.detail


@pytest.fixture
def go_tree(tmp_path):
    return write(tmp_path / "tiny-go", {
        "go.mod": "module example.com/tiny\n\ngo 1.20\n",
        "tiny.go": "package tiny\n\nfunc Half(n int) int { return n / 2 }\n\nfunc first(xs []int) int { return xs[0] }\n",
    })


@needs("go")
def test_go_main_example_runs_inside_the_module(go_tree):
    main = 'package main\n\nimport (\n\t"fmt"\n\t"example.com/tiny"\n)\n\nfunc main() {\n\tfmt.Println(tiny.Half(4))\n}\n'
    assert run_example("go", main, go_tree, "tiny.go") == Ran(OK, "go run")
    panics = main.replace("tiny.Half(4)", "tiny.Half(4), []int{}[tiny.Half(4)]")
    crash = run_example("go", panics, go_tree, "tiny.go")
    assert crash.status == CRASH and "panic" in crash.detail
    wrong = main.replace("tiny.Half(4)", 'tiny.Half("4")')
    assert run_example("go", wrong, go_tree, "tiny.go").status == ERROR


@needs("go")
def test_go_example_in_the_package_runs_as_its_test(go_tree):
    ok = "package tiny\n\nimport \"fmt\"\n\nfunc exampleUseFirst() {\n\tfmt.Println(first([]int{1, 2}))\n}\n"
    assert run_example("go", ok, go_tree, "tiny.go") == Ran(OK, "go test")
    crash = run_example("go", ok.replace("[]int{1, 2}", "nil"), go_tree, "tiny.go")
    assert crash.status == CRASH and "index out of range" in crash.detail


@pytest.fixture
def js_tree(tmp_path):
    return write(tmp_path / "tiny-js", {
        "package.json": '{"name": "tiny-js", "version": "1.0.0", "main": "index.js"}\n',
        "index.js": "function inner(s) { return s.trim(); }\n\nmodule.exports = function pad(s) { return ' ' + s; };\n",
        "src/half.ts": "export function half(n: number): number {\n  if (n < 0) throw new Error('negative');\n"
                       "  return n / 2;\n}\n",
    })


@needs("node")
def test_javascript_example_runs_with_node(js_tree):
    ok = 'const pad = require("tiny-js");\nconsole.log(pad("x"));\n'
    assert run_example("javascript", ok, js_tree, "index.js") == Ran(OK, "node")
    inside = "// `inner` is not exported: this runs in the module that defines it\nconsole.log(inner(' a '));\n"
    assert run_example("javascript", inside, js_tree, "index.js").status == OK
    crash = run_example("javascript", "console.log(inner(null));\n", js_tree, "index.js")
    assert crash.status == CRASH and "TypeError" in crash.detail


@needs("node")
def test_typescript_example_is_compiled_then_run(js_tree):
    if shutil.which("tsc") is None:
        pytest.skip("no tsc installed")
    ok = 'import { half } from "./src/half";\n\nconsole.log(half(4));\n'
    assert run_example("typescript", ok, js_tree, "src/half.ts") == Ran(OK, "tsc + node")
    crash = run_example("typescript", ok.replace("half(4)", "half(-1)"), js_tree, "src/half.ts")
    assert crash.status == CRASH and "negative" in crash.detail
    wrong = run_example("typescript", ok.replace("half(4)", 'half("4")'), js_tree, "src/half.ts")
    assert wrong.status == ERROR and "TS2345" in wrong.detail


@needs("javac", "java")
def test_java_example_is_compiled_against_the_sources_then_run(tmp_path):
    tree = write(tmp_path / "tiny-java", {"org/tiny/Words.java": (
        "package org.tiny;\n\npublic class Words {\n    public static int size(String s) { return s.length(); }\n}\n")})
    ok = ("import org.tiny.Words;\n\npublic class Example {\n    public static void main(String[] args) {\n"
          "        System.out.println(Words.size(\"abc\"));\n    }\n}\n")
    assert run_example("java", ok, tree, "org/tiny/Words.java") == Ran(OK, "javac + java")
    crash = run_example("java", ok.replace('"abc"', "null"), tree, "org/tiny/Words.java")
    assert crash.status == CRASH and "NullPointerException" in crash.detail


@needs("cargo")
def test_rust_example_runs_with_cargo(tmp_path):
    tree = write(tmp_path / "tiny-rs", {
        "Cargo.toml": '[package]\nname = "tinyrs"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/lib.rs": "pub fn first(xs: &[u8]) -> u8 {\n    xs[0]\n}\n\nfn double(n: u8) -> u8 {\n    n * 2\n}\n",
    })
    ok = 'fn main() {\n    println!("{}", tinyrs::first(&[1, 2]));\n}\n'
    assert run_example("rust", ok, tree, "src/lib.rs") == Ran(OK, "cargo run")
    crash = run_example("rust", ok.replace("&[1, 2]", "&[]"), tree, "src/lib.rs")
    assert crash.status == CRASH and "index out of bounds" in crash.detail
    private = ("#[cfg(test)]\nmod double_example {\n    use super::*;\n\n    #[test]\n    fn calls_double() {\n"
               "        println!(\"{}\", double(2));\n    }\n}\n")
    assert run_example("rust", private, tree, "src/lib.rs") == Ran(OK, "cargo test")
    assert run_example("rust", private.replace("double(2)", "double(200)"), tree, "src/lib.rs").status == CRASH


@needs("cc")
def test_c_example_is_linked_with_the_blocks_file(tmp_path):
    tree = write(tmp_path / "tiny-c", {
        "include/tiny.h": "int tiny_len(const char *s);\n",
        "src/tiny.c": '#include "tiny.h"\n\nint tiny_len(const char *s) { int n = 0; while (s[n]) n++; return n; }\n\n'
                      "static int twice(int n) { return 2 * n; }\n",
    })
    ok = '#include <stdio.h>\n#include "tiny.h"\n\nint main(void) {\n    printf("%d\\n", tiny_len("abc"));\n    return 0;\n}\n'
    assert run_example("c", ok, tree, "src/tiny.c") == Ran(OK, "cc")
    crash = run_example("c", ok.replace('"abc"', "(const char *)0"), tree, "src/tiny.c")
    assert crash.status == CRASH and "signal" in crash.detail
    static = "/* `twice` is static: this runs inside the file that defines it */\n" \
             '#include <stdio.h>\n\nint main(void) {\n    printf("%d\\n", twice(2));\n    return 0;\n}\n'
    assert run_example("c", static, tree, "src/tiny.c") == Ran(OK, "cc")
    wrong = run_example("c", ok.replace("tiny_len(", "tiny_len(1, "), tree, "src/tiny.c")
    assert wrong.status == ERROR and "the example" in wrong.detail


@needs("cc")
def test_c_example_needing_more_than_the_file_is_compiled_only(tmp_path):
    tree = write(tmp_path / "tiny-c2", {
        "tiny.h": "int outer(int n);\nint tiny_inc(int n);\n",
        "tiny.c": '#include "tiny.h"\n\nint tiny_inc(int n) { return outer(n) + 1; }\n',
    })
    code = '#include "tiny.h"\n\nint main(void) {\n    return tiny_inc(1) == 0;\n}\n'
    ran = run_example("c", code, tree, "tiny.c")
    assert ran.status == NOT_RUNNABLE and "compiled only" in ran.how and "outer" in ran.detail


@needs("cc")
def test_c_example_of_a_block_in_a_header_runs_as_its_own_program(tmp_path):
    tree = write(tmp_path / "tiny-h", {
        "inc/tiny.h": "static inline int tiny_sq(int n) { return n * n; }\nint tiny_elsewhere(int n);\n",
    })
    ok = '#include <stdio.h>\n#include "tiny.h"\n\nint main(void) {\n    printf("%d\\n", tiny_sq(3));\n    return 0;\n}\n'
    assert run_example("c", ok, tree, "inc/tiny.h") == Ran(OK, "cc")
    elsewhere = run_example("c", ok.replace("tiny_sq(3)", "tiny_elsewhere(3)"), tree, "inc/tiny.h")
    assert elsewhere.status == NOT_RUNNABLE and "compiled only" in elsewhere.how
    no_main = run_example("c", '#include "tiny.h"\nint x = 1;\n', tree, "inc/tiny.h")
    assert no_main.status == NOT_RUNNABLE and "no main" in no_main.detail


@needs("javac", "java")
def test_java_sources_needing_an_absent_dependency_are_not_runnable(tmp_path):
    tree = write(tmp_path / "tiny-java2", {"org/tiny/Words.java": (
        "package org.tiny;\n\nimport org.absent.Nullable;\n\npublic class Words {\n"
        "    public static int size(@Nullable String s) { return s.length(); }\n}\n")})
    code = ("import org.tiny.Words;\n\npublic class Example {\n    public static void main(String[] args) {\n"
            "        System.out.println(Words.size(\"abc\"));\n    }\n}\n")
    ran = run_example("java", code, tree, "org/tiny/Words.java")
    assert ran.status == NOT_RUNNABLE and "do not compile on their own" in ran.detail


def sampled(tree: Path, file: str, language: str, code: str):
    from bench.sample.checks import Case

    return Case(id=f"{tree.name}/{file}:1-2", language=language, kind="function", kinds=("function",), start=1,
                end=2, file_text="", result={"guide": {"example": {"language": language, "code": code}}},
                tree=tree, file=file)


def test_the_sampled_hook_runs_a_python_example_in_its_package(python_tree):
    from bench.sample.checks import FAIL, PASS

    ok = run_examples.run_sampled(sampled(python_tree, "src/tinypkg/text.py", "python",
                                          "from tinypkg.text import shout\nprint(shout('a'))"))
    assert ok.status == PASS and ok.reason == "ran (python)"
    crash = run_examples.run_sampled(sampled(python_tree, "src/tinypkg/text.py", "python", "print(_private(0))"))
    assert crash.status == FAIL and "ZeroDivisionError" in crash.reason


@needs("go")
def test_the_sampled_hook_runs_a_go_example_in_its_module(go_tree):
    from bench.sample.checks import FAIL, NA, PASS

    main = 'package main\n\nimport (\n\t"fmt"\n\t"example.com/tiny"\n)\n\nfunc main() {\n\tfmt.Println(tiny.Half(4))\n}\n'
    assert run_examples.run_sampled(sampled(go_tree, "tiny.go", "go", main)).status == PASS
    wrong = run_examples.run_sampled(sampled(go_tree, "tiny.go", "go", main.replace("Half(4)", "Half()")))
    assert wrong.status == FAIL and wrong.reason.startswith("error (go run)")
    assert run_examples.run_sampled(sampled(go_tree, "gone.go", "go", main)).status == NA  # no such file


def test_the_report_counts_runnable_examples_and_lists_failures():
    lines, failures = run_report([("go", "a", Ran(OK, "go run")), ("go", "b", Ran(CRASH, "go test", "panic: x")),
                                  ("c", "c", Ran(NOT_RUNNABLE, "cc (compiled only)", "undefined f"))])
    assert lines == ["go: 1/2 ran (go run, go test); 1 crash", "c: 0/0 ran (cc (compiled only)); 1 not runnable"]
    assert failures == ["b (go): crash (go test): panic: x", "c (c): not runnable (cc (compiled only)): undefined f"]


def test_placeholder_arguments_are_counted_in_the_block_s_calls_only():
    from bench.run_examples import placeholder_args

    code = 'x := errors.Wrap(nil, "example")\nfmt.Println(nil)\nf(a, cert=None, s="a, {}")\n'
    assert placeholder_args(code, "Wrap") == ["nil", '"example"']
    assert placeholder_args(code, "f") == ["cert=None"]
    assert placeholder_args("StringUtils.isBlank(\"bob\")", "StringUtils.isBlank") == []


@needs("cargo")
def test_rust_private_example_that_does_not_build_is_the_examples_error(tmp_path):
    tree = write(tmp_path / "tiny-rs2", {
        "Cargo.toml": '[package]\nname = "tinyrs2"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/lib.rs": "fn double(n: u8) -> u8 {\n    n * 2\n}\n\n#[allow(unused)]\n#[cfg(test)]\nmod tests {\n"
                      "    use absent_crate::Thing;\n}\n",
    })
    wrong = ("#[cfg(test)]\nmod double_example {\n    use super::*;\n\n    #[test]\n    fn calls_double() {\n"
             "        println!(\"{}\", double_it(2));\n    }\n}\n")
    ran = run_example("rust", wrong, tree, "src/lib.rs")
    assert ran.status == ERROR and "double_it" in ran.detail  # not hidden as the crate's own tests' fault
    assert run_example("rust", wrong.replace("double_it", "double"), tree, "src/lib.rs") == Ran(OK, "cargo test")


@needs("c++")
def test_cpp_header_example_is_cpp_and_finds_the_include_root(tmp_path):
    tree = write(tmp_path / "tiny-hpp", {
        "lib/include/tiny/sq.h": "#include <cstdlib>\n#include \"tiny/core.h\"\n"
                                 "namespace tiny { inline int sq(int n) { return core(n) * n; } }\n",
        "lib/include/tiny/core.h": "namespace tiny { inline int core(int n) { return n; } }\n",
        "lib/include/tiny/msvc/stdint.h": "#error \"only for another compiler\"\n",  # never searched
        "src/uses.cpp": "#include <stdint.h>\nint uses() { return 1; }\n",
    })
    code = '#include "tiny/sq.h"\n\nint main() {\n    return tiny::sq(3) == 9 ? 0 : 1;\n}\n'
    assert run_example("cpp", code, tree, "lib/include/tiny/sq.h") == Ran(OK, "c++")
    missing = write(tmp_path / "tiny-dep", {"a.h": "#include <depbuilt/dep.h>\ninline int a() { return 1; }\n"})
    ran = run_example("cpp", '#include "a.h"\nint main() { return a() - 1; }\n', missing, "a.h")
    assert ran.status == NOT_RUNNABLE and "depbuilt/dep.h" in ran.detail


@needs("node")
def test_typescript_example_in_the_module_is_not_failed_for_the_modules_own_errors(js_tree):
    if shutil.which("tsc") is None:
        pytest.skip("no tsc installed")
    (js_tree / "src/env.ts").write_text("const mode: number = 'x';\n\nfunction twice(n: number): number {\n"
                                        "  return n * 2;\n}\n")
    inside = "// `twice` is not exported: this runs in the module that defines it\nconsole.log(twice(2));\n"
    assert run_example("typescript", inside, js_tree, "src/env.ts") == Ran(OK, "tsc + node (in the module)")
    wrong = run_example("typescript", inside.replace("twice(2)", "twice('2')"), js_tree, "src/env.ts")
    assert wrong.status == ERROR and "TS2345" in wrong.detail


def test_python_example_named_like_a_module_does_not_import_itself(python_tree):
    code = "import example\n"  # a placeholder module name: not found, rather than the example file itself
    ran = run_example("python", code, python_tree, "src/tinypkg/text.py")
    assert ran.status == ERROR and "No module named 'example'" in ran.detail


@needs("javac", "java")
def test_java_example_in_the_blocks_package_runs_by_its_full_name(tmp_path):
    tree = write(tmp_path / "tiny-java3", {"org/tiny/Words.java": (
        "package org.tiny;\n\npublic class Words {\n    static int hidden(String s) { return s.length(); }\n}\n")})
    code = ("package org.tiny;\n\npublic class Example {\n    public static void main(String[] args) {\n"
            "        System.out.println(Words.hidden(\"abc\"));\n    }\n}\n")
    assert run_example("java", code, tree, "org/tiny/Words.java") == Ran(OK, "javac + java")
