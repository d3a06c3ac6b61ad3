"""Java examples reach the block the way a Java reader would, and javac accepts them: a private method through
the public method that calls it, a protected one from a subclass the example declares, a package-private class
from an example in its package, an abstract class through the project's subclass (or an anonymous one), an
enum through its constant, a class with private constructors through its static members, an overloaded
method with values of its parameters' types."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blockguide.core import checks, examples, grounding
from blockguide.core.checks import toolchain, toolchain_java, toolrun
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source

pytestmark = pytest.mark.skipif(shutil.which("javac") is None, reason="javac is not installed")

PKG = "src/main/java/org/shop/"


@pytest.fixture(autouse=True)
def javac_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_java, "JAVA_SECONDS", 120.0)
    toolrun.results.clear()


def _example(root: Path, files: dict[str, str], rel: str, name: str):
    for file, text in files.items():
        (root / PKG / file).parent.mkdir(parents=True, exist_ok=True)
        (root / PKG / file).write_text("package org.shop;\n\n" + text)
    (root / "pom.xml").write_text("<project/>\n")
    path = root / PKG / rel
    src = Source(for_path(str(path)), path.read_text())
    g = grounding.ground(find_definition(src, name), src, path, root, 5)
    examples.attach(g, src, path, root, checks.check_example)
    assert g.example is not None
    assert g.example_checks == ("static", "javac") and g.example_problems == (), g.example.code
    return g.example.code


CART = """import java.util.ArrayList;
import java.util.List;

public class Cart {
    private final List<String> items = new ArrayList<>();

    public Cart(String owner) {
    }

    public int add(String item) {
        items.add(normalise(item));
        return items.size();
    }

    private String normalise(String item) {
        return item.trim().toLowerCase();
    }

    protected int weight(int perItem) {
        return items.size() * perItem;
    }
}
"""


def test_a_private_method_is_reached_through_the_public_method_that_calls_it(tmp_path):
    code = _example(tmp_path, {"Cart.java": CART}, "Cart.java", "normalise")
    assert 'new Cart("example")' in code and "value.add(" in code and ".normalise(" not in code
    assert "`add` runs it" in code


def test_a_protected_method_is_called_from_a_subclass_the_example_declares(tmp_path):
    code = _example(tmp_path, {"Cart.java": CART}, "Cart.java", "weight")
    assert "public class Example extends Cart {" in code and 'super("example");' in code
    assert "value.weight(3)" in code and "package " not in code


def test_a_package_private_class_is_used_from_an_example_in_its_package(tmp_path):
    code = _example(tmp_path, {"Prices.java": "class Prices {\n    static int cents(int euros) {\n"
                                              "        return euros * 100;\n    }\n}\n"}, "Prices.java", "cents")
    assert code.startswith("package org.shop;\n") and "import org.shop.Prices;" not in code
    assert "Prices.cents(3)" in code


def test_an_abstract_class_is_made_through_the_project_s_subclass_or_an_anonymous_one(tmp_path):
    shape = ("public abstract class Shape {\n    public abstract double area();\n\n    public String describe() {\n"
             "        return \"area \" + area();\n    }\n}\n")
    square = "public class Square extends Shape {\n    public Square(int side) {\n    }\n\n" \
             "    public double area() {\n        return 1.0;\n    }\n}\n"
    code = _example(tmp_path / "a", {"Shape.java": shape, "Square.java": square}, "Shape.java", "describe")
    assert "new Square(3)" in code and "new Shape(" not in code
    code = _example(tmp_path / "b", {"Shape.java": shape}, "Shape.java", "describe")
    assert "new Shape() { @Override public double area() { return 0; } }" in code


def test_an_enum_is_one_of_its_constants_and_a_utility_class_is_used_through_its_static_members(tmp_path):
    size = "public enum Size {\n    SMALL(1), LARGE(3);\n\n    private final int units;\n\n" \
           "    Size(int units) {\n        this.units = units;\n    }\n\n" \
           "    public int units() {\n        return units;\n    }\n}\n"
    code = _example(tmp_path / "a", {"Size.java": size}, "Size.java", "units")
    assert "var value = Size.SMALL;" in code and "new Size" not in code
    tools = "public final class Tools {\n    private Tools() {\n    }\n\n" \
            "    public static String shout(String text) {\n        return text.toUpperCase();\n    }\n}\n"
    code = _example(tmp_path / "b", {"Tools.java": tools}, "Tools.java", "Tools")
    assert 'Tools.shout("example")' in code and "new Tools" not in code


def test_overloads_of_one_arity_get_values_of_their_own_types_never_an_ambiguous_null(tmp_path):
    codec = ("import java.io.File;\nimport java.nio.file.Path;\n\npublic class Codec {\n"
             "    public static long size(File file) {\n        return file.length();\n    }\n\n"
             "    public static long size(Path path) {\n        return path.toString().length();\n    }\n}\n")
    code = _example(tmp_path, {"Codec.java": codec}, "Codec.java", "size")
    assert 'Codec.size(new java.io.File("example.txt"))' in code and "null" not in code


def test_an_anonymous_implementation_writes_the_abstract_methods_of_the_interfaces_above_it(tmp_path):
    source = "import java.util.List;\n\npublic interface Source<T> {\n    List<T> next();\n}\n"
    named = "public interface Named<V> extends Source<V> {\n    String name();\n\n" \
            "    default String show() {\n        return name() + next();\n    }\n}\n"
    code = _example(tmp_path, {"Source.java": source, "Named.java": named}, "Named.java", "show")
    assert "new Named<Object>() {" in code and "public List<Object> next()" in code
    assert "import java.util.List;" in code


def test_a_method_of_a_private_nested_class_is_reached_through_the_outer_class(tmp_path):
    shelf = ("public class Shelf {\n    private static final class Slot {\n        private final int size;\n\n"
             "        Slot(int size) {\n            this.size = size;\n        }\n\n"
             "        int half() {\n            return size / 2;\n        }\n    }\n\n"
             "    public int split(int size) {\n        return new Slot(size).half();\n    }\n}\n")
    code = _example(tmp_path, {"Shelf.java": shelf}, "Shelf.java", "half")
    assert "new Shelf()" in code and "value.split(3)" in code and "`split` runs `half`" in code


def test_an_anonymous_class_below_a_small_jdk_interface_it_implements_is_written(tmp_path):
    # AutoCloseable's one abstract method is close(): an interface that writes it leaves nothing else to write
    job = "public interface Job extends AutoCloseable {\n    int run(int times);\n\n" \
          "    default void close() {\n    }\n\n    default int twice() {\n        return run(2);\n    }\n}\n"
    code = _example(tmp_path, {"Job.java": job}, "Job.java", "twice")
    assert "new Job() { @Override public int run(int times) { return 0; } }" in code


def test_a_public_method_of_an_object_only_its_package_constructs_is_shown_from_that_package(tmp_path):
    """`Or`'s constructors are package-private: the example is a class of the package that makes one, and the
    abstract `Rule` parameter gets the project's own subclass, never `add(null)` on a `new Or()` javac rejects."""
    files = {
        "Rule.java": "public abstract class Rule {\n    public abstract boolean test(String s);\n\n"
                     "    public static final class Empty extends Rule {\n        public Empty() {\n        }\n\n"
                     "        @Override\n        public boolean test(String s) {\n            return s.isEmpty();\n"
                     "        }\n    }\n}\n",
        "Rules.java": "import java.util.ArrayList;\nimport java.util.List;\n\npublic abstract class Rules {\n"
                      "    public static final class Or {\n        private final List<Rule> rules = new ArrayList<>();\n\n"
                      "        Or() {\n        }\n\n        public void add(Rule r) {\n            rules.add(r);\n"
                      "        }\n    }\n}\n"}
    code = _example(tmp_path, files, "Rules.java", "Or.add")
    assert code.startswith("package org.shop;") and "new Rules.Or()" in code
    assert "value.add(new Rule.Empty())" in code and "null" not in code
