"""Java examples through `javac -sourcepath <source root>` when no build is needed: classes go to a temporary
folder, the tree is never written; an import only a build provides means no javac run (the static checks
stand)."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core.checks import check_example, toolchain, toolchain_java, toolrun
from blockguide.core.examples import attach
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example

pytestmark = pytest.mark.skipif(shutil.which("javac") is None, reason="javac is not installed")


@pytest.fixture(autouse=True)
def javac_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_java, "JAVA_SECONDS", 120.0)
    toolrun.results.clear()


TEXT = """package com.kit.text;

import java.util.Locale;

public class Words {
    private final String sep;

    public Words(String sep) {
        this.sep = sep;
    }

    public static boolean isBlank(CharSequence cs) {
        return cs == null || cs.toString().trim().isEmpty();
    }

    public String join(String a, String b) {
        return (a + sep + b).toLowerCase(Locale.ROOT);
    }
}
"""


def _project(root):
    folder = root / "src/main/java/com/kit/text"
    folder.mkdir(parents=True)
    (folder / "Words.java").write_text(TEXT)
    (root / "pom.xml").write_text("<project/>\n")
    return root


def _grounded(root, name):
    path = root / "src/main/java/com/kit/text/Words.java"
    src = Source(for_path(str(path)), path.read_text())
    return ground(find_definition(src, name), src, path, root, 5), src, path


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def _main(body, imports=""):
    return Example("java", imports + "import com.kit.text.Words;\n\npublic class Example {\n    public static void main(String[] "
                           "args) {\n        " + body + "\n    }\n}\n")


def test_javac_accepts_a_good_example_and_names_the_wrong_call(tmp_path):
    root = _project(tmp_path)
    before = _tree(root)
    g, _, _ = _grounded(root, "join")
    good = check_example(_main('System.out.println(new Words("-").join("a", "b"));'), g)
    assert good == [] and good.checks == ("static", "javac")
    bad = check_example(_main('System.out.println(new Words().join("a", "b"));'), g)
    assert bad.checks == ("static", "javac") and len(bad) == 1
    assert bad[0].startswith("javac: Example.java:5: constructor Words in class Words cannot be applied")
    assert _tree(root) == before  # classes went to a temporary folder


def test_the_signature_example_compiles_and_says_so(tmp_path):
    root = _project(tmp_path)
    g, src, path = _grounded(root, "isBlank")
    attach(g, src, path, root, check_example)
    assert "Words.isBlank(" in g.example.code
    assert g.example_checks == ("static", "javac") and g.example_problems == ()


def test_an_import_only_a_build_provides_still_lets_javac_check_the_example(tmp_path):
    """The block's file imports what a build fetches (a logger, annotations): javac still checks the example;
    an error of the example's own is a rejection, one that names what the build provides is inconclusive."""
    root = _project(tmp_path)
    path = root / "src/main/java/com/kit/text/Words.java"
    path.write_text(TEXT.replace("import java.util.Locale;", "import java.util.Locale;\nimport org.slf4j.Logger;")
                    .replace("    private final String sep;", "    private final String sep;\n    Logger log;"))
    assert toolchain_java.unresolved_imports(path.read_text(), root / "src/main/java") == ["org.slf4j.Logger"]
    g, _, _ = _grounded(root, "join")
    problems = check_example(_main('System.out.println(new Words().join("a", "b"));'), g)
    assert problems.checks == ("static", "javac") and any("Words" in p for p in problems)  # no Words()
    problems = check_example(_main('System.out.println(new Words("-").log);'), g)
    assert problems.checks == ("static",) and not any("javac" in p for p in problems)  # names Logger: inconclusive
    # an example that itself imports from the build is not compiled
    problems = check_example(_main('System.out.println(new Words("-").join("a", "b"));',
                                   "import org.slf4j.Logger;\n"), g)
    assert problems.checks == ("static",)


def test_a_module_info_at_the_source_root_does_not_stop_the_check(tmp_path):
    """`module-info.java` requiring a module only a build fetches made every javac run fail outside the
    example (inconclusive): the example is compiled against the root without it."""
    root = _project(tmp_path)
    (root / "src/main/java/module-info.java").write_text(
        "module com.kit.text {\n    requires static com.example.annotations;\n    exports com.kit.text;\n}\n")
    g, _, _ = _grounded(root, "join")
    problems = check_example(_main('System.out.println(new Words().join("a", "b"));'), g)
    assert problems.checks == ("static", "javac") and problems
    assert not check_example(_main('System.out.println(new Words("-").join("a", "b"));'), g)