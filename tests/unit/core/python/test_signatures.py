"""A call's arguments are checked against the parameters with inspect.Signature.bind."""

from __future__ import annotations

import ast

import pytest

from blockguide.core.python.signatures import argument_problems, params_from_signature, signature_of

PARAMS = params_from_signature("slugify(text: str, sep: str = '-', /, *, lower=True, **extra)")


def call(code: str) -> ast.Call:
    return ast.parse(code).body[0].value


def test_the_parameters_make_an_inspect_signature():
    assert str(signature_of(PARAMS)) == "(text, sep='-', /, *, lower=True, **extra)"


@pytest.mark.parametrize("code, problem", [
    ("slugify('a')", None),
    ("slugify('a', '-', lower=False, other=1)", None),  # **extra takes unknown names
    ("slugify(*args)", None),  # not checked statically
    ("slugify()", "the call to `slugify` is missing the required argument `text`"),
    ("slugify('a', '-', 'x')", "`slugify` takes at most 2 positional arguments but the example passes 3"),
])
def test_problems_in_the_models_words(code, problem):
    assert argument_problems(call(code), PARAMS, "slugify") == ([problem] if problem else [])


def test_keywords_and_duplicates():
    params = params_from_signature("f(a, b=1)")
    assert argument_problems(call("f(1, a=2)"), params, "f") == ["`f` gets `a` twice (by position and by name)"]
    assert argument_problems(call("f(1, c=2)"), params, "f") == ["`f` has no parameter `c`"]
    posonly = params_from_signature("g(a, /)")
    assert argument_problems(call("g(a=1)"), posonly, "g") == ["`g` has no parameter `a`"]
