"""The one definition lister (syntax.blocks.definitions / find_definition) in every language: top-level
functions and classes, methods of classes (Rust impls, Go receivers, C++ out-of-class definitions), nested
functions only when asked, and `Class.method` telling apart two same-named methods."""

from __future__ import annotations

import pytest

from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import definitions, find_definition, owner_name
from blockguide.core.syntax.source import Source
from blockguide.core.types import BlockKind

SOURCES = {
"python": '''import x


def top(a):
    def inner():
        return a
    return inner


class Box:
    @property
    def size(self):
        return 1

    def open(self):
        pass


class Crate:
    def open(self):
        pass
''',
"javascript": '''export function top(a) {
  function inner() { return a; }
  return inner;
}

const arrow = (x) => x + 1;

class Box {
  open() { return 1; }
}

export class Crate {
  open() { return 2; }
}
''',
"typescript": '''export function top(a: number): number {
  const inner = (b: number) => b;
  return inner(a);
}

class Box {
  open(): number { return 1; }
}

export class Crate {
  open(): number { return 2; }
}
''',
"tsx": '''export function View(props: {n: number}) {
  return <div>{props.n}</div>;
}

class Box {
  open(): number { return 1; }
}

class Crate {
  open(): number { return 2; }
}
''',
"go": '''package shapes

type Box struct{ n int }

type Crate struct{ n int }

func Top(a int) int {
	inner := func() int { return a }
	return inner()
}

func (b *Box) Open() int { return b.n }

func (c Crate) Open() int { return c.n }
''',
"rust": '''pub fn top(a: i32) -> i32 {
    fn inner(b: i32) -> i32 { b }
    inner(a)
}

pub struct Stack<T> { items: Vec<T> }

impl<T> Stack<T> {
    pub fn push(&mut self, item: T) { self.items.push(item); }
    pub fn open(&self) -> usize { 1 }
}

struct Crate;

impl Crate {
    fn open(&self) -> usize { 2 }
}

mod util {
    pub fn helper() {}
}
''',
"java": '''package shapes;

public class Box {
    public int open() { return 1; }

    static class Inner {
        void open() {}
    }
}

class Crate {
    Crate() {}
    int open() { return 2; }
}
''',
"c": '''#include <stdio.h>

struct point { int x; int y; };

static int add(int a, int b) {
    return a + b;
}

int *find(int *xs, int n) {
    return xs;
}
''',
"cpp": '''#include <string>

namespace shapes {

int top(int a) { return a; }

class Box {
public:
    int open() { return 1; }
};

class Crate {
public:
    int open();
};

int Crate::open() { return 2; }

template <typename T>
T twice(T x) { return x + x; }

}  // namespace shapes
''',
}

# (language, [(kind, name, 1-based lines, owner)] of definitions(), nested-only names, {query: first line})
EXPECTED = [
    ("python", [("function", "top", "4-7", None), ("class", "Box", "10-16", None), ("method", "size", "11-13", "Box"),
                ("method", "open", "15-16", "Box"), ("class", "Crate", "19-21", None),
                ("method", "open", "20-21", "Crate")],
     ["inner"], {"Box.open": 15, "Crate.open": 20, "open": 15, "top": 4, "inner": 5}),
    ("javascript", [("function", "top", "1-4", None), ("function", "arrow", "6-6", None), ("class", "Box", "8-10", None),
                    ("method", "open", "9-9", "Box"), ("class", "Crate", "12-14", None),
                    ("method", "open", "13-13", "Crate")],
     ["inner"], {"Box.open": 9, "Crate.open": 13, "arrow": 6}),
    ("typescript", [("function", "top", "1-4", None), ("class", "Box", "6-8", None), ("method", "open", "7-7", "Box"),
                    ("class", "Crate", "10-12", None), ("method", "open", "11-11", "Crate")],
     ["inner"], {"Box.open": 7, "Crate.open": 11}),
    ("tsx", [("function", "View", "1-3", None), ("class", "Box", "5-7", None), ("method", "open", "6-6", "Box"),
             ("class", "Crate", "9-11", None), ("method", "open", "10-10", "Crate")],
     [], {"Box.open": 6, "Crate.open": 10, "View": 1}),
    ("go", [("class", "Box", "3-3", None), ("class", "Crate", "5-5", None), ("function", "Top", "7-10", None),
            ("method", "Open", "12-12", "Box"), ("method", "Open", "14-14", "Crate")],
     [], {"Box.Open": 12, "Crate.Open": 14, "Top": 7}),
    ("rust", [("function", "top", "1-4", None), ("class", "Stack", "6-6", None), ("class", "Stack<T>", "8-11", None),
              ("method", "push", "9-9", "Stack"), ("method", "open", "10-10", "Stack"), ("class", "Crate", "13-13", None),
              ("class", "Crate", "15-17", None), ("method", "open", "16-16", "Crate"), ("class", "util", "19-21", None),
              ("function", "helper", "20-20", None)],
     ["inner"], {"Stack.open": 10, "Crate.open": 16, "open": 10, "helper": 20}),
    ("java", [("class", "Box", "3-9", None), ("method", "open", "4-4", "Box"), ("class", "Inner", "6-8", "Box"),
              ("method", "open", "7-7", "Inner"), ("class", "Crate", "11-14", None), ("method", "Crate", "12-12", "Crate"),
              ("method", "open", "13-13", "Crate")],
     [], {"Box.open": 4, "Inner.open": 7, "Crate.open": 13}),
    ("c", [("class", "point", "3-3", None), ("function", "add", "5-7", None), ("function", "find", "9-11", None)],
     [], {"add": 5, "find": 9}),
    ("cpp", [("class", "shapes", "3-22", None), ("function", "top", "5-5", None), ("class", "Box", "7-10", None),
             ("method", "open", "9-9", "Box"), ("class", "Crate", "12-15", None),
             ("method", "Crate::open", "17-17", "Crate"), ("function", "twice", "19-20", None)],
     [], {"Box.open": 9, "Crate.open": 17, "twice": 19}),
]


@pytest.mark.parametrize("key, listed, nested, queries", EXPECTED, ids=[e[0] for e in EXPECTED])
def test_definitions_in_every_language(key, listed, nested, queries):
    src = Source(LANGUAGES[key], SOURCES[key])
    found = definitions(src)
    assert [(b.kind, b.name, b.span.human(), owner_name(src, b)) for b in found] == listed
    assert all(isinstance(b.kind, BlockKind) for b in found)
    deeper = [b.name for b in definitions(src, nested=True) if b not in found]
    assert deeper == nested
    for query, line in queries.items():
        block = find_definition(src, query)
        assert block is not None and block.span.start + 1 == line, query


def test_unknown_names_and_owners_are_not_found():
    src = Source(LANGUAGES["python"], SOURCES["python"])
    assert find_definition(src, "missing") is None
    assert find_definition(src, "Box.missing") is None
    assert find_definition(src, "Nope.open") is None
    assert find_definition(src, "top.inner") is None  # a nested function has no class
