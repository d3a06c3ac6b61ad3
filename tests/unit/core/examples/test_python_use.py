"""A Python parameter's value from how the function uses it (its syntax tree, never run): the evidence, the
value an example passes, and examples built over a small project that pass those values instead of `None`."""

from __future__ import annotations

import ast

from blockguide.core.examples.python_use import (
    BOOLEAN, CALLABLE, EXCEPTION, MAPPING, NUMBER, SEQUENCE, STRING, TYPE, use_of, value_for)
from tests.support.analysis import example_code


def _use(code: str, name: str):
    return use_of(ast.parse(code).body[0], name)


def test_each_use_is_evidence_of_a_kind():
    assert _use("def f(year):\n    y = year\n    return y % 19", "year").kind() == NUMBER  # through a copy
    assert _use("def f(x):\n    return int(copysign(1, x))", "x").kind() == NUMBER  # any argument of a numeric fn
    assert _use("def f(name):\n    return name + '.'", "name").kind() == STRING
    assert _use("def f(s):\n    s += '!'\n    return s", "s").kind() == STRING
    assert _use("def f(rows):\n    for r in rows:\n        print(r)", "rows").kind() == SEQUENCE
    assert _use("def f(conf):\n    return conf['name']", "conf").kind() == MAPPING
    assert _use("def f(d):\n    return iter(d.keys())", "d").kind() == MAPPING
    assert _use("def f(q):\n    return q.pop(0)", "q").kind() == SEQUENCE
    assert _use("def f(cb):\n    return cb(1)", "cb").kind() == CALLABLE
    assert _use("def f(i):\n    return ('MO', 'TU')[i]", "i").kind() == NUMBER  # an index into a literal
    assert _use("def f(s):\n    if len(s) > 2:\n        return s.upper()", "s").kind() == STRING  # string beats sized
    assert _use("def f(x):\n    if isinstance(x, (list, tuple)):\n        return x", "x").kind() == SEQUENCE
    assert _use("def f(n):\n    if n == -1:\n        return 0", "n").kind() == NUMBER  # a negative literal
    assert _use("def f(flag):\n    if flag:\n        return 1", "flag").kind() == BOOLEAN
    assert _use("def f(err):\n    try:\n        g()\n    except err:\n        return 1", "err").kind() == EXCEPTION
    assert _use("def f(x, cls):\n    return isinstance(x, cls)", "cls").kind() == TYPE
    assert _use("def f(x):\n    return g(x)", "x").kind() is None  # only passed on: nothing is known
    assert _use("def f(x):\n    return '%s' % x", "x").kind() is None  # formatted: anything


def test_the_value_for_a_use():
    assert value_for(_use("def f(pair):\n    a, b = pair\n    return a", "pair")) == ('("a", "b")', [])
    made = value_for(_use("def f(spec):\n    n = spec.size\n    return spec.name.upper() + str(n * 2)", "spec"))
    assert made == ('SimpleNamespace(name="Hello, World", size=3)', [("types", "SimpleNamespace")]) or \
        made == ('SimpleNamespace(size=3, name="Hello, World")', [("types", "SimpleNamespace")])
    # a method nothing built in has: no value is made (the caller keeps its other sources)
    assert value_for(_use("def f(node):\n    return node.render()", "node")) is None
    assert value_for(_use("def f(s):\n    return s.strip()", "s"), '"example.txt"') == ('"example.txt"', [])
    assert value_for(_use("def f(x):\n    return g(x)", "x")) is None


def test_examples_pass_what_the_function_uses_not_none(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "calc.py").write_text(
        "def golden(year):\n    y = year\n    return y % 19 + 1\n\n\n"
        "def loader(spec):\n    return spec.name + '.py'\n\n\n"
        "def first(pair):\n    head, tail = pair\n    return head\n")
    assert "golden(2024)" in example_code(tmp_path, "pkg/calc.py", "golden")  # a date part by its name
    code = example_code(tmp_path, "pkg/calc.py", "loader")
    assert "from types import SimpleNamespace" in code and "loader(SimpleNamespace(name=" in code
    assert 'first(("a", "b"))' in example_code(tmp_path, "pkg/calc.py", "first")


def test_a_methods_owner_is_made_with_the_init_it_inherits(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "shells.py").write_text(
        "class Shell:\n    def __init__(self, prog_name: str, width: int):\n"
        "        self.prog_name, self.width = prog_name, width\n\n\n"
        "class Fish(Shell):\n    def banner(self) -> str:\n        return self.prog_name.center(self.width)\n")
    code = example_code(tmp_path, "pkg/shells.py", "Fish.banner")
    assert 'obj = Fish("example", 3)' in code  # was Fish(): TypeError, two arguments missing
