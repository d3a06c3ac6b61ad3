"""Code text split where its brackets and strings allow (core/syntax/split.py)."""

from __future__ import annotations

from blockguide.core.syntax.split import closing_bracket, split_top_level


def test_commas_inside_brackets_and_strings_do_not_split():
    assert split_top_level('"a, b", f(1, 2), [3, 4], {"k": 5}, `x,${y}`') == \
        ['"a, b"', "f(1, 2)", "[3, 4]", '{"k": 5}', "`x,${y}`"]
    assert split_top_level(r'"say \"hi, you\"", 2') == [r'"say \"hi, you\""', "2"]  # escaped quotes
    assert split_top_level("") == [] and split_top_level(" , ") == []


def test_other_separators_split_a_condition():
    assert split_top_level("a > 0 and f(b and c) or d", (" and ", " or ")) == ["a > 0", "f(b and c)", "d"]


def test_the_closing_bracket_skips_nested_ones_and_strings():
    code = 'encode(hex("a)"), [1, (2)]) + 1'
    start = code.index("(") + 1
    assert code[start:closing_bracket(code, start)] == 'hex("a)"), [1, (2)]'
    assert closing_bracket("f(1, 2", 2) is None
