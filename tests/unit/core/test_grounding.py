"""Grounding facts: jedi for Python (names, bases, inherited members), import paths for every language,
call sites (tests and examples first)."""

from __future__ import annotations

from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.languages import for_path
from tests.support.analysis import ground


def _g(root, rel, name, references=5):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    return ground(find_definition(src, name), src, path, root, references)


def test_python_uses_are_resolved_and_keyword_names_are_not_uses(project, monkeypatch):
    from blockguide.core.python import grounding

    # no time limit: under a loaded CI run the 0.3 s budget ended before `normalize` (an attribute, looked up
    # late) was reached; the limit itself is tested below
    monkeypatch.setattr(grounding, "RESOLVE_SECONDS", 60.0)
    g = _g(project, "src/textkit/slug.py", "slugify")
    uses = {u.name: u for u in g.uses}
    assert uses["normalize"].module == "unicodedata" and "sep" not in uses and "text" not in uses
    assert g.import_line == "from textkit.slug import slugify" and g.outline and g.example is not None


def test_base_classes_and_inherited_members(project):
    (project / "src/textkit/base.py").write_text(
        "class Base:\n    def render(self):\n        return ''\n\n    def save(self, path):\n        pass\n\n"
        "    def _hidden(self):\n        pass\n")
    (project / "src/textkit/page.py").write_text(
        "from textkit.base import Base\n\n\nclass Page(Base):\n    def render(self):\n        return 'page'\n")
    g = _g(project, "src/textkit/page.py", "Page")
    assert [(b.name, b.module, b.inherited) for b in g.bases] == [("Base", "textkit.base", ("save",))]


def test_a_base_from_the_same_file_a_builtin_or_a_function_names_no_module_or_member_it_lacks(project):
    (project / "src/textkit/kinds.py").write_text(
        "from typing import TypedDict\n\n\nclass Base:\n    def save(self):\n        pass\n\n\n"
        "class Local(Base):\n    pass\n\n\nclass Bad(ValueError):\n    pass\n\n\n"
        "class Env(TypedDict):\n    name: str\n")
    # the same file: no module of jedi's making (it had named the file's path as a dotted module)
    assert [(b.name, b.module, b.inherited) for b in _g(project, "src/textkit/kinds.py", "Local").bases] == \
        [("Base", None, ("save",))]
    assert [(b.name, b.module) for b in _g(project, "src/textkit/kinds.py", "Bad").bases] == [("ValueError", None)]
    # `TypedDict` is a function in typing's stubs: its parameters are no members the class inherits
    assert [b.inherited for b in _g(project, "src/textkit/kinds.py", "Env").bases] == [()]


def test_call_sites_in_tests_come_first(project):
    (project / "tests").mkdir()
    (project / "tests/test_slug.py").write_text("from textkit.slug import slugify\n\n\ndef test_it():\n"
                                                "    assert slugify('A B') == 'a-b'\n")
    g = _g(project, "src/textkit/slug.py", "slugify")
    assert [c.path for c in g.call_sites][:2] == ["tests/test_slug.py", "app.py"]
    assert g.example_source == "tests/test_slug.py:5" and "slugify('A B')" in g.example.code


def test_import_lines_in_other_languages(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "my-crate"\nversion = "0.1.0"\n')
    (tmp_path / "src/util").mkdir(parents=True)
    (tmp_path / "src/lib.rs").write_text("pub mod util;\n")
    (tmp_path / "src/util/mod.rs").write_text("pub mod text;\n")
    (tmp_path / "src/util/text.rs").write_text("pub fn shout(s: &str) -> String {\n    s.to_uppercase()\n}\n")
    g = _g(tmp_path, "src/util/text.rs", "shout")
    assert g.import_line == "use my_crate::util::text::shout;"
    java = tmp_path / "j"
    (java / "src/main/java/org/acme").mkdir(parents=True)
    (java / "pom.xml").write_text("<project/>")
    (java / "src/main/java/org/acme/Calc.java").write_text(
        "package org.acme;\n\npublic class Calc {\n    public static int twice(int x) {\n        return 2 * x;\n    }\n}\n")
    g = _g(java, "src/main/java/org/acme/Calc.java", "twice")
    assert g.import_line == "import org.acme.Calc;" and "Calc.twice(3)" in g.example.code
    c = tmp_path / "c"
    c.mkdir()
    (c / "CMakeLists.txt").write_text("")
    (c / "sum.h").write_text("int sum(int a, int b);\n")
    (c / "sum.c").write_text('#include "sum.h"\n\nint sum(int a, int b) {\n    return a + b;\n}\n')
    g = _g(c, "sum.c", "sum")
    assert g.import_line == '#include "sum.h"' and 'printf("%d\\n", result);' in g.example.code


def test_name_lookup_is_bounded_in_time_and_says_what_it_left_out(project, monkeypatch):
    from blockguide.core.python import grounding

    monkeypatch.setattr(grounding, "RESOLVE_SECONDS", -1.0)  # the limit is already past
    g = _g(project, "src/textkit/slug.py", "slugify")
    assert g.uses == []
    [note] = [n for n in g.notes if "not looked up within the analysis time limit" in n]
    # plain names first, then attributes, each in code order
    assert note.startswith("9 names") and "`str`, `unicodedata`, `_SEP`, `normalize`, `encode` and more" in note
    assert g.example is not None and g.import_line == "from textkit.slug import slugify"  # the rest is there


def test_plain_names_are_looked_up_before_attributes(project, monkeypatch):
    from blockguide.core.python import grounding

    monkeypatch.setattr(grounding, "RESOLVE_SECONDS", 60.0)  # no time limit: on a busy machine it cut the list
    g = _g(project, "src/textkit/slug.py", "slugify")
    names = [u.name for u in g.uses]
    plain, attributes = ["str", "unicodedata", "_SEP"], ["normalize", "encode", "decode", "sub", "lower", "strip"]
    assert names[:3] == plain and set(names[3:]) <= set(attributes) and "normalize" in names


def test_parsed_modules_are_bounded_and_analysis_goes_on_after_a_trim(project, monkeypatch):
    from parso import cache

    from blockguide.core.python import jedi_session

    monkeypatch.setattr(jedi_session, "MAX_PARSED_LINES", 1)  # every analysis trims all of them
    pkg = project / "src/textkit"
    for i in range(6):
        (pkg / f"m{i}.py").write_text(f"from textkit.slug import slugify\n\n\ndef f{i}(text):\n"
                                      f"    return slugify(text) + str({i})\n\n\n"
                                      f"def g{i}(text):\n    return f{i}(text)\n")
    for i in range(6):  # a trim after f{i} must not break g{i}, analysed with the same jedi Script
        for name in (f"f{i}", f"g{i}"):
            g = _g(project, f"src/textkit/m{i}.py", name)
            assert {"slugify", f"f{i}"} & {u.name for u in g.uses}
            assert sum(len(v) for v in cache.parser_cache.values()) == 0
            assert jedi_session.parsed_lines() == 0


def test_parsed_modules_are_trimmed_by_lines_least_recently_used_first(project, monkeypatch):
    """Past the budget the oldest modules go until half of it is left; the newest stay."""
    from parso import cache

    from blockguide.core.python import jedi_session

    monkeypatch.setattr(jedi_session, "MAX_PARSED_LINES", 10**9)
    pkg = project / "src/textkit"
    for i in range(4):
        (pkg / f"big{i}.py").write_text("".join(f"x{j} = {j}\n" for j in range(300)) + f"\n\ndef f{i}():\n    return x1\n")
        _g(project, f"src/textkit/big{i}.py", f"f{i}")
    held = jedi_session.parsed_lines()
    assert held > 4 * 300
    before = {(g, p): item.last_used for g, by_path in cache.parser_cache.items() for p, item in by_path.items()}
    jedi_session.trim_parsed_modules(held - 1)  # one line over: trimmed down to half the budget
    left = jedi_session.parsed_lines()
    assert 0 < left <= (held - 1) // 2
    kept = {(g, p) for g, by_path in cache.parser_cache.items() for p in by_path}
    dropped = set(before) - kept
    assert dropped and min(before[k] for k in kept) >= max(before[k] for k in dropped)  # the oldest went
    jedi_session.trim_parsed_modules(left)  # at the budget: nothing goes
    assert jedi_session.parsed_lines() == left


def test_a_method_of_a_class_the_parser_misread_keeps_its_kind_and_class(tmp_path):
    from blockguide.core.grounding import ground as ground_facts
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.syntax.blocks import snap
    text = ("NS_BEGIN\n\n//! A stream.\nclass Stream {\npublic:\n    typedef char Ch;\n\n"
            "    Stream(char* buf) : buf_(buf) {\n        pos_ = 0;\n    }\n\n"
            "    void Flush() {\n        pos_ = 0;\n    }\n\nprivate:\n    char* buf_;\n    int pos_;\n};\n\nNS_END\n")
    (tmp_path / "stream.h").write_text(text)
    (tmp_path / "stream.cc").write_text('#include "stream.h"\n')
    src = Source(LANGUAGES["cpp"], text)
    g = ground_facts(snap(src, 11, 13), src, tmp_path / "stream.h", tmp_path, 0)
    assert (g.block.kind, g.owner) == ("method", "Stream")  # not turned into a function by the grounding


def test_a_method_of_a_class_template_specialization_names_the_template(tmp_path):
    from blockguide.core.grounding import ground as ground_facts
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.syntax.blocks import snap
    text = ("template <typename T>\nstruct caster<Map<T, 2>,\n              typename helper<T>::Valid> {\n"
            "    static int cast(const T *src) {\n        return convert(src);\n    }\n};\n")
    (tmp_path / "cast.hpp").write_text(text)
    src = Source(LANGUAGES["cpp"], text)
    g = ground_facts(snap(src, 3, 5), src, tmp_path / "cast.hpp", tmp_path, 0)
    assert (g.block.kind, g.owner) == ("method", "caster")
