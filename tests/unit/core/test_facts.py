"""Facts per language, as data: code in, typed records out (core.syntax.outline.read), then a few phrases.

Each row is a function in one of the eight languages and the facts its body must give, written as the
records' own fields (kinds, operators, targets, values, conditions); no English is compared here except in
the phrase tests at the end.
"""

from __future__ import annotations

import pytest

from blockguide.core import facts as F
from blockguide.core import phrase
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax import outline
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source


def _read(lang: str, text: str, name: str = "f") -> tuple[F.Fact, ...]:
    src = Source(LANGUAGES[lang], text)
    block = find_definition(src, name)
    assert block is not None, f"no {name} in {text!r}"
    return outline.read(src, block).facts


def _assigns(facts) -> list[tuple]:
    return [(f.targets, f.op, f.value) for f in F.walk(facts) if isinstance(f, F.Assign)]


# --- every operator, every language ------------------------------------------------------------------------
ASSIGNMENTS = [
    ("python", "def f(a):\n    x = 1\n    x += a\n    x -= 2\n    x *= 2\n    x /= 3\n    x //= 2\n    x %= 5\n"
               "    x **= 2\n    x |= m\n    x &= m\n    x ^= m\n    x <<= 1\n    x >>= 1\n"
               "    self.n += 1\n    d[k] -= v\n",
     [(("x",), F.Op.SET, "1"), (("x",), F.Op.ADD, "a"), (("x",), F.Op.SUB, "2"), (("x",), F.Op.MUL, "2"),
      (("x",), F.Op.DIV, "3"), (("x",), F.Op.FLOOR_DIV, "2"), (("x",), F.Op.MOD, "5"), (("x",), F.Op.POW, "2"),
      (("x",), F.Op.BIT_OR, "m"), (("x",), F.Op.BIT_AND, "m"), (("x",), F.Op.BIT_XOR, "m"),
      (("x",), F.Op.SHL, "1"), (("x",), F.Op.SHR, "1"), (("self.n",), F.Op.ADD, "1"), (("d[k]",), F.Op.SUB, "v")]),
    ("javascript", "function f(o) { let a; const b = 1; a ??= b; o.c ||= {}; o.d &&= 2; i++; j--; s += ' x'; }",
     [(("a",), F.Op.DECLARE, None), (("b",), F.Op.SET, "1"), (("a",), F.Op.NULLISH, "b"),
      (("o.c",), F.Op.OR, "{}"), (("o.d",), F.Op.AND, "2"), (("i",), F.Op.INC, None), (("j",), F.Op.DEC, None),
      (("s",), F.Op.ADD, "' x'")]),
    ("typescript", "function f(n: number): number { let total: number = 0; total += n; total *= 2; return total; }",
     [(("total",), F.Op.SET, "0"), (("total",), F.Op.ADD, "n"), (("total",), F.Op.MUL, "2")]),
    ("go", "package m\nfunc f() { x := 1; var y int; x += 2; y -= 1; x++; y--; x <<= 3 }",
     [(("x",), F.Op.WALRUS, "1"), (("y",), F.Op.DECLARE, None), (("x",), F.Op.ADD, "2"), (("y",), F.Op.SUB, "1"),
      (("x",), F.Op.INC, None), (("y",), F.Op.DEC, None), (("x",), F.Op.SHL, "3")]),
    ("rust", "fn f() { let mut n = 0; n += 1; n *= 2; n >>= 1; n ^= 3; }",
     [(("n",), F.Op.SET, "0"), (("n",), F.Op.ADD, "1"), (("n",), F.Op.MUL, "2"), (("n",), F.Op.SHR, "1"),
      (("n",), F.Op.BIT_XOR, "3")]),
    ("java", "class A {\n  void f() { int n = 0; n += 2; n %= 3; n++; s += \" [x]\"; flags |= MASK; }\n}",
     [(("n",), F.Op.SET, "0"), (("n",), F.Op.ADD, "2"), (("n",), F.Op.MOD, "3"), (("n",), F.Op.INC, None),
      (("s",), F.Op.ADD, '" [x]"'), (("flags",), F.Op.BIT_OR, "MASK")]),
    ("c", "void f(char *ptr, int bytes) { size_t size = 8; size *= 2; ptr += bytes; --bytes; int m; }",
     [(("size",), F.Op.SET, "8"), (("size",), F.Op.MUL, "2"), (("ptr",), F.Op.ADD, "bytes"),
      (("bytes",), F.Op.DEC, None), (("m",), F.Op.DECLARE, None)]),
    ("cpp", "int f(int a) { auto n = a; n /= 2; n &= 0xff; return n; }",
     [(("n",), F.Op.SET, "a"), (("n",), F.Op.DIV, "2"), (("n",), F.Op.BIT_AND, "0xff")]),
]


@pytest.mark.parametrize("lang,text,expected", ASSIGNMENTS, ids=[row[0] for row in ASSIGNMENTS])
def test_assignments_keep_their_operator_target_and_value(lang, text, expected):
    assert _assigns(_read(lang, text)) == expected


def test_declarations_and_destructuring():
    go = _read("go", "package m\nfunc f() { v, err := open(p); a, b := 1, 2 }")
    assert go[0].declared and go[0].destructured and go[0].targets == ("v", "err") and go[0].value == "open(p)"
    assert go[1].values == ("1", "2") and not go[1].destructured
    # a `var ( ... )` group: each name its own value, never one value of them all joined ("unpacks `make(...) p.x`")
    group = _read("go", "package m\nfunc f(p *P) {\n\tvar (\n\t\th = make(map[string]any)\n\t\tc = p.context\n"
                        "\t\tn int\n\t)\n}")[0]
    assert group.values == ("make(map[string]any)", "p.context", None) and not group.destructured
    assert phrase.clause(group) == "sets `h` to `make(map[string]any)` and `c` to `p.context` and declares `n`"
    js = _read("javascript", "function f(o) { const {a, b} = o; [x, y] = [y, x]; }")
    assert js[0].destructured and js[0].targets == ("a", "b") and js[0].declared
    assert js[1].destructured and js[1].targets == ("x", "y") and not js[1].declared
    c = _read("c", "void f() { int n = 0, m; }")[0]
    assert c.targets == ("n", "m") and c.values == ("0", None)
    py = _read("python", "def f():\n    if (m := g()) is not None:\n        return m\n")
    assert py[0].arms[0].condition == "(m := g()) is not None"


# --- loops and their exits ---------------------------------------------------------------------------------
def _loops(facts) -> list[F.Loop]:
    return [f for f in F.walk(facts) if isinstance(f, F.Loop)]


LOOPS = [
    ("python", "def f(xs):\n    for i, x in enumerate(xs):\n        pass\n    while True:\n        c = read()\n"
               "        if c == '\\n':\n            break\n        if not c:\n            return None\n"
               "    while n > 0:\n        n -= 1\n",
     [(F.LoopKind.FOR_EACH, "i, x", "enumerate(xs)", None), (F.LoopKind.ENDLESS, None, None, "True"),
      (F.LoopKind.WHILE, None, None, "n > 0")]),
    ("javascript", "function f(xs) { for (const x of xs) {} for (let i = 0; i < n; i++) {} for (;;) { break; }"
                   " do { x--; } while (x > 0); }",
     [(F.LoopKind.FOR_EACH, "x", "xs", None), (F.LoopKind.C_FOR, "i", None, "i < n"),
      (F.LoopKind.ENDLESS, None, None, None), (F.LoopKind.DO_WHILE, None, None, "x > 0")]),
    ("typescript", "function f(m: Map<string, number>) { for (const k in m) {} while (q.length) { q.pop(); } }",
     [(F.LoopKind.FOR_EACH, "k", "m", None), (F.LoopKind.WHILE, None, None, "q.length")]),
    ("go", "package m\nfunc f() { for k := range m {}; for i := 0; i < n; i++ {}; for x < 5 { x++ }; for { break } }",
     [(F.LoopKind.FOR_EACH, "k", "m", None), (F.LoopKind.C_FOR, "i", None, "i < n"),
      (F.LoopKind.WHILE, None, None, "x < 5"), (F.LoopKind.ENDLESS, None, None, None)]),
    ("rust", "fn f() { for i in 0..n {} while let Some(x) = it.next() {} loop { break; } }",
     [(F.LoopKind.FOR_EACH, "i", "0..n", None), (F.LoopKind.WHILE, None, None, "let Some(x) = it.next()"),
      (F.LoopKind.ENDLESS, None, None, None)]),
    ("java", "class A {\n  void f() { for (int x : xs) {} for (int i = 0; i < n; i++) {} while (true) { return; } }\n}",
     [(F.LoopKind.FOR_EACH, "x", "xs", None), (F.LoopKind.C_FOR, "i", None, "i < n"),
      (F.LoopKind.ENDLESS, None, None, "true")]),
    ("c", "int f(char *p) { for (;;) { if (*p == 0) return 1; } while (1) { p++; } do { p--; } while (*p); }",
     [(F.LoopKind.ENDLESS, None, None, None), (F.LoopKind.ENDLESS, None, None, "1"),
      (F.LoopKind.DO_WHILE, None, None, "*p")]),
    ("cpp", "void f(std::vector<int> v) { for (auto &x : v) { x++; } }",
     [(F.LoopKind.FOR_EACH, "&x", "v", None)]),
]


@pytest.mark.parametrize("lang,text,expected", LOOPS, ids=[row[0] for row in LOOPS])
def test_loops_keep_their_kind_variable_iterable_and_condition(lang, text, expected):
    assert [(l.kind, l.var, l.iterable, l.condition) for l in _loops(_read(lang, text))] == expected


def test_a_loop_knows_its_exits_and_the_conditions_they_sit_under():
    c = _loops(_read("c", "int f(char *p) { while (1) { if (*p == '\\n') break; if (!*p) return -1; p++;"
                          " switch (*p) { case 'a': break; } for (;;) { break; } } }"))[0]
    # the switch's break and the inner loop's break stay inside them
    assert [(type(e.fact), e.when) for e in c.exits] == [(F.Jump, ("*p == '\\n'",)), (F.Return, ("!*p",))]
    py = _loops(_read("python", "def f(q):\n    while q:\n        try:\n            x = q.pop()\n"
                                "        except IndexError:\n            raise\n        else:\n"
                                "            if x:\n                return x\n            else:\n"
                                "                continue\n"))[0]
    assert [(type(e.fact), e.when) for e in py.exits] == [(F.Raise, ()), (F.Return, ("x",))]
    rust = _loops(_read("rust", "fn f() -> Result<(), E> { loop { let n = read()?; if n == 0 { break; } } Ok(()) }"))
    assert [type(e.fact) for e in rust[0].exits] == [F.Jump]


# --- branches, switches and match arms ----------------------------------------------------------------------
def test_branches_keep_every_arm_with_its_condition_and_body():
    for lang, text in [
        ("python", "def f(x):\n    if x > 1:\n        return 1\n    elif x < 0:\n        raise ValueError(x)\n"
                   "    else:\n        return 0\n"),
        ("go", "package m\nfunc f(x int) int { if x > 1 { return 1 } else if x < 0 { panic(x) } else { return 0 } }"),
        ("rust", "fn f(x: i32) -> i32 { if x > 1 { return 1; } else if x < 0 { panic!(); } else { return 0; } }"),
        ("java", "class A {\n  int f(int x) { if (x > 1) { return 1; } else if (x < 0) { g(); } else { return 0; } }\n}"),
        ("javascript", "function f(x) { if (x > 1) return 1; else if (x < 0) g(); else return 0; }"),
    ]:
        branch = _read(lang, text)[0]
        assert isinstance(branch, F.Branch), lang
        assert [a.condition for a in branch.arms] == ["x > 1", "x < 0", None], lang
        assert isinstance(branch.arms[0].body[0], F.Return) and branch.arms[0].body[0].value == "1", lang
        assert branch.has_else, lang


SWITCHES = [
    ("javascript", "function f(k) { switch (k) { case 'a': case 'b': g(); break; default: throw new Error(k); } }",
     "k", [(("'a'",), False), (("'b'",), False), ((), True)]),
    ("typescript", "function f(k: string) { switch (k) { case 'x': return 1; default: return 2; } }",
     "k", [(("'x'",), False), ((), True)]),
    ("go", "package m\nfunc f(x int) { switch x { case 1, 2: g(); default: h() } }",
     "x", [(("1", "2"), False), ((), True)]),
    ("rust", "fn f(x: i32) { match x { 1 | 2 => g(), y if y > 9 => {} _ => h(), } }",
     "x", [(("1", "2"), False), (("y if y > 9",), False), ((), True)]),
    ("java", "class A {\n  void f(int k) { switch (k) { case A, B -> g(); default -> h(); } }\n}",
     "k", [(("A", "B"), False), ((), True)]),
    ("c", "void f(int k) { switch (k) { case 1: g(); break; default: h(); } }",
     "k", [(("1",), False), ((), True)]),
    ("cpp", "void f(int k) { switch (k) { case 1: { g(); break; } case 2: h(); } }",
     "k", [(("1",), False), (("2",), False)]),
    ("python", "def f(cmd):\n    match cmd:\n        case 'go' | 'run':\n            go()\n        case _:\n"
               "            stop()\n",
     "cmd", [(("'go'", "'run'"), False), ((), True)]),
]


@pytest.mark.parametrize("lang,text,subject,cases", SWITCHES, ids=[row[0] for row in SWITCHES])
def test_switch_and_match_keep_each_case_its_labels_and_the_default(lang, text, subject, cases):
    switch = next(f for f in F.walk(_read(lang, text)) if isinstance(f, F.Switch))
    assert switch.subject == subject
    assert [(c.labels, c.default) for c in switch.cases] == cases
    assert any(c.body for c in switch.cases)


def test_only_a_c_family_empty_case_falls_through():
    js = _read("javascript", "function f(k) { switch (k) { case 1: case 2: g(); } }")[0]
    assert [c.falls_through for c in js.cases] == [True, False]
    go = _read("go", "package m\nfunc f(k int) { switch k { case 1:\n case 2: g() } }")[0]
    assert [c.falls_through for c in go.cases] == [False, False] and go.cases[0].body == ()


def test_a_case_body_and_a_break_that_leaves_the_switch():
    switch = _read("c", "void f(int k) { switch (k) { case 1: g(); break; default: h(); } }")[0]
    call, jump = switch.cases[0].body
    assert isinstance(call, F.Call) and call.callee == "g" and isinstance(jump, F.Jump) and jump.leaves_switch


# --- the other kinds -------------------------------------------------------------------------------------------
def test_calls_returns_raises_and_their_io_in_run_order():
    facts = _read("python", "def f(p, url):\n    data = open(p).read()\n    r = requests.get(url)\n"
                            "    log(format(r))\n    raise KeyError(p)\n")
    assert facts[0].calls == (F.CallRef("open", F.IOKind.FILE), F.CallRef("read"))  # the inner call first
    assert facts[1].calls == (F.CallRef("requests.get", F.IOKind.NETWORK),)
    assert isinstance(facts[2], F.Call) and [c.callee for c in facts[2].calls] == ["format", "log"]
    assert isinstance(facts[3], F.Raise) and facts[3].value == "KeyError(p)"
    chained = _read("python", "def f():\n    try:\n        g()\n    except E as e:\n        raise Bad('x') from e\n")
    assert (chained[0].handlers[0].body[0].value, chained[0].handlers[0].body[0].cause) == ("Bad('x')", "e")
    reraise = _read("java", "class A {\n  void f() { try { g(); } catch (IOException e) { throw e; } }\n}")[0]
    assert isinstance(reraise, F.Try) and reraise.handlers[0].exceptions == "IOException"
    assert reraise.handlers[0].name == "e"
    final = _read("java", "class A {\n  void f() { try { g(); } catch (final IOException e) { h(e); } }\n}")[0]
    assert (final.handlers[0].exceptions, final.handlers[0].name) == ("IOException", "e")


def test_try_with_defer_yield_await_and_rust_tail():
    py = _read("python", "async def f(p):\n    async with lock:\n        await g()\n    try:\n        x = 1\n"
                         "    except (OSError, ValueError) as e:\n        pass\n    finally:\n        close()\n"
                         "    yield x\n")
    with_, try_, yield_ = py
    assert isinstance(with_, F.With) and with_.asynchronous and with_.items == ("lock",)
    assert isinstance(with_.body[0], F.Call) and with_.body[0].awaited
    assert try_.handlers[0].exceptions == "(OSError, ValueError)" and try_.handlers[0].name == "e"
    assert isinstance(try_.final[0], F.Call) and isinstance(yield_, F.Yield) and yield_.value == "x"
    go = _read("go", "package m\nfunc f() { defer c.Close(); go run(x) }")
    assert [(type(f), f.kind) for f in go] == [(F.Defer, F.DeferKind.DEFER), (F.Defer, F.DeferKind.GO)]
    rust = _read("rust", "fn f() -> u8 { let x = g()?; h(x)?; x + 1 }")
    assert isinstance(rust[1], F.Expr) and rust[1].propagates
    assert isinstance(rust[2], F.Return) and rust[2].implicit and rust[2].value == "x + 1"


def test_a_class_gives_its_members_and_a_method_its_body():
    src = Source(LANGUAGES["python"], "class C(Base):\n    size = 3\n\n    def get(self, k):\n"
                                      "        return self.load(k)\n")
    read = outline.read(src, find_definition(src, "C"))
    assert read.name == "C" and read.extends == ("Base",)
    field, method = read.facts
    assert isinstance(field, F.Assign) and field.targets == ("size",)
    assert isinstance(method, F.Define) and method.kind == F.DefineKind.METHOD and method.name == "get"
    assert isinstance(method.members[0], F.Return)


def test_facts_keep_their_lines_and_code():
    facts = _read("python", "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n")
    assert [(f.span.start, f.span.end) for f in facts] == [(1, 2), (2, 4), (4, 5)]
    assert facts[1].code.startswith("for x in xs:") and facts[1].body[0].code == "total += x"


# --- a few phrases ----------------------------------------------------------------------------------------------
def _assign(op, value, target="x", **kw):
    return F.Assign(span=F.Span(0, 1), code="", targets=(target,), op=op, value=value, **kw)


def test_compound_assignments_are_said_as_what_they_do():
    assert phrase.clause(_assign(F.Op.MUL, "2", "size")) == "doubles `size`"
    assert phrase.clause(_assign(F.Op.ADD, "bytes", "ptr")) == "adds `bytes` to `ptr`"
    assert phrase.clause(_assign(F.Op.ADD, '" [x]"', "line")) == 'appends `" [x]"` to `line`'
    assert phrase.clause(_assign(F.Op.SUB, "n", "total")) == "subtracts `n` from `total`"
    # a default is no plain "sets `a` to `b`" (which says `a = b`)
    assert phrase.clause(_assign(F.Op.NULLISH, "b", "a")) == "defaults `a` to `b` when it is null or undefined"
    assert phrase.clause(_assign(F.Op.OR, "b", "a")) == "defaults `a` to `b` when it is empty or false"
    assert phrase.clause(_assign(F.Op.AND, "b", "a")) == "replaces `a` with `b` when it is set"
    assert phrase.clause(_assign(F.Op.WALRUS, "1", declared=True)) == "declares `x` as `1`"
    assert phrase.clause(_assign(F.Op.INC, None, "i")) == "increments `i`"
    assert phrase.clause(_assign(F.Op.ADD, "1", "self.n")) == "increments `self.n`"
    # a declaration whose name was not read is said in plain words, never as a name in code
    unnamed = F.Assign(span=F.Span(0, 1), code="", targets=(), op=F.Op.SET, value=None, declared=True)
    assert "`" not in phrase.clause(unnamed)


def test_an_endless_loop_is_said_by_its_exits():
    loop = _loops(_read("c", "int f(char *p) { while (1) { if (*p == '\\n') break; if (!*p) return -1; p++; } }"))[0]
    said = phrase.clause(loop)
    assert said.startswith("repeats until it ") and "breaks when `*p` equals `'\\n'`" in said
    assert "returns `-1` when `!*p`" in said and "`1`" not in said.replace("-1", "")


def test_a_bare_block_runs_in_place_and_unreadable_text_says_nothing():
    c = _read("c", "void f(int a) { { int n = a; while (n--) { g(n); } } }")
    assert [type(f) for f in c] == [F.Assign, F.Loop] and c[1].condition == "n--"
    constructor = _read("java", "class E extends Exception {\n  E(String m) { super(m); this.m = m; }\n}", "E")[0]
    java = constructor.members
    assert isinstance(java[0], F.Call) and java[0].callee == "super" and java[0].args == ("m",)


def test_preprocessor_branches_unsafe_blocks_and_assert_macros():
    cpp = _read("cpp", "void f() {\n#if X\n  b();\n#elif Y\n  c();\n#else\n  d();\n#endif\n#ifndef Z\n  e();\n#endif\n}")
    assert [[a.condition for a in f.arms] for f in cpp] == [["X", "Y", None], ["!defined(Z)"]]
    assert [f.body[0].callee for f in cpp[0].arms] == ["b", "c", "d"]
    rust = _read("rust", "fn f() { debug_assert!(a == 1); unsafe { ptr::write(p, s) } }")
    assert isinstance(rust[0], F.Assert) and rust[0].condition == "a == 1"
    assert isinstance(rust[1], F.Call) and rust[1].callee == "ptr::write"


def test_an_assert_keeps_its_condition_apart_from_its_message():
    py = _read("python", 'def f(x):\n    assert x is None, (\n        f"x:{x!r} must be null"\n    )\n')[0]
    assert isinstance(py, F.Assert) and py.condition == "x is None" and "must be null" in py.message
    java = _read("java", 'class A {\n  void f(int x) { assert x > 0 : "positive"; }\n}', "A.f")[0]
    assert java.condition == "x > 0" and java.message == '"positive"'
    assert phrase.clause(py) == "asserts that `x` is `None`"


def test_an_if_chain_says_each_condition_before_its_arm_and_a_nested_one_in_brackets():
    loop = _read("python", "def f(patterns, files):\n    for p in patterns:\n        if p.include is not None:\n"
                 "            found = p.match(files)\n            if p.include:\n                add(found)\n"
                 "            else:\n                remove(found)\n")[0]
    outer = loop.body[0]
    said = phrase.clause(outer)
    assert said == ("checks whether `p.include` is not `None` and, if so, sets `found` to `p.match(files)` and (checks "
                    "`p.include` and, if so, calls `add(found)`; otherwise calls `remove(found)`)")
    chain = _read("python", "def f(n):\n    if n < 0:\n        return -1\n    elif n == 0:\n        return 0\n"
                  "    else:\n        return 1\n")[0]
    assert phrase.clause(chain) == "checks whether `n` is less than 0 and, if so, returns `-1`; else if `n` equals 0, " \
                                   "returns `0`; otherwise returns `1`"


def test_a_condition_is_said_plainly_part_by_part_never_as_the_calls_it_makes():
    said = phrase.condition
    assert said("isinstance(x, str)") == "`x` is a `str`"
    assert said("not isinstance(x, (int, float))") == "`x` is neither an `int` nor a `float`"
    assert said("key in cache") == "`key` is in `cache`" and said("key not in cache") == "`key` is not in `cache`"
    assert said("n > 0") == "`n` is greater than 0" and said("null != opt.maxAge") == "`opt.maxAge` is not `null`"
    assert said("!(x instanceof Foo)") == "`x` is not a `Foo`" and said("len(items) == 0") == "`items` is empty"
    assert said("!defined(PyCapsule_Type)") == "`PyCapsule_Type` is not defined"
    # a long condition is said part by part, each part whole: never "an expression over `typeof`, `opts` ..."
    assert said("typeof opts.allowEmptyArrays !== 'undefined' && typeof opts.allowEmptyArrays !== 'boolean'") == \
        "`opts.allowEmptyArrays` is defined and `opts.allowEmptyArrays` is not a boolean"
    assert said("a && b || c") == "`a` and `b`, or `c`"
    # what a reading in words could get wrong stays code: bit operators (C's `&` binds looser than `==`), chained
    # comparisons, shifts and member access through a pointer are not comparisons of their own
    assert said("flags & MASK == 0") == "`flags & MASK == 0`" and said("0 < x < 10") == "`0 < x < 10`"
    assert said("a >> 2 > b") == "`a >> 2` is greater than `b`" and said("p->x > 0") == "`p->x` is greater than 0"
    assert said("let Some(x) = y") == "`let Some(x) = y`" and said("!p") == "`!p`"
    # C's `!` binds tighter than `==`: `!a == b` is `(!a) == b`, never "`a` does not equal `b`"; Python's `not`
    # binds looser. Equality is "equals", never "is" (Python's identity): `i != v` -> "`i` does not equal `v`"
    assert said("!a == b") == "`!a == b`" and said("!(a == b)") == "`a` does not equal `b`"
    assert said("not a == b") == "`a` does not equal `b`" and said("i != v") == "`i` does not equal `v`"
    assert said("x is not None") == "`x` is not `None`" and said("x == None") == "`x` is `None`"
    assert said("'q' == pms[0]") == "`pms[0]` equals `'q'`"  # the subject first, as with `null != x`
    # an operand is shortened only as the whole condition must be: never `(...) % 4`
    assert said("(padding_bytes_count + morsels_in_leftover) % 4 != 0") == \
        "`(padding_bytes_count + morsels_in_leftover) % 4` does not equal 0"


def test_a_long_body_inside_a_branch_is_said_by_what_its_statements_do_never_by_their_count():
    facts = _read("python", "def f(a, items):\n    if a:\n        x = 1\n        y = 2\n        log(x)\n"
                            "        z = x + y\n        save(z)\n        return z\n    return 0\n")
    said = phrase.clause(facts[0])
    assert "other statement" not in said and "sets `x`" in said
    assert "then sets `y` and `z`, calls `log` and `save` and returns `z`" in said


def test_a_switch_inside_a_body_says_each_case_not_only_its_subject():
    outer = _read("go", "package m\nfunc f(t, k int) int {\n\tswitch t {\n\tcase 1:\n\t\tswitch k {\n"
                        "\t\tcase 2, 3:\n\t\t\treturn 4\n\t\tdefault:\n\t\t\treturn 5\n\t\t}\n\t}\n\treturn 0\n}")[0]
    inner = outer.cases[0].body[0]
    assert phrase.clause(inner) == "switches on `k`: for `2` or `3`, returns `4`; otherwise returns `5`"
    assert phrase.nested(inner) == "(" + phrase.clause(inner) + ")"
    c = _read("c", "int f(int k) { switch (k) { case 1: case 2: return 3; default: break; } return 0; }")[0]
    assert phrase.clause(c) == "switches on `k`: for `1` or `2`, returns `3`; otherwise does nothing"


def test_a_long_conditional_value_is_said_as_its_two_values_and_its_condition():
    said = phrase.value_of("typeof opts.duplicates === 'undefined' ? defaults.duplicates : opts.duplicatesOption")
    assert said == "`defaults.duplicates` if `opts.duplicates` is undefined, otherwise `opts.duplicatesOption`"
    assert phrase.value_of("a ? b : c") == "`a ? b : c`"  # one that fits is quoted whole
    js = _read("javascript", "function f(opt) {\n  var priority = typeof opt.priority === 'string' ? "
                             "opt.priority.toLowerCase() : opt.priorityGivenByTheCaller;\n}")[0]
    assert phrase.clause(js) == ("sets `priority` to `opt.priority.toLowerCase()` if `opt.priority` is a string, "
                                 "otherwise `opt.priorityGivenByTheCaller`")


@pytest.mark.parametrize("lang, code, said", [
    ("python", "def pop(self, key):\n    del self[key]\n    del a, b.c\n", ["deletes `self[key]`", "deletes `a` and `b.c`"]),
    ("javascript", "function drop(obj) {\n  delete obj.key;\n}\n", ["deletes `obj.key`"]),
    ("cpp", "void f(int *p, int *q) {\n  delete p;\n  delete[] q;\n}\n", ["destroys and frees `p`", "destroys and frees `q`"]),
])
def test_a_deletion_is_said_as_one(lang, code, said):
    # `del self[key]` had been "evaluates `del self[key]`"
    src = Source(LANGUAGES[lang], code)
    block = find_definition(src, code.split("(")[0].split()[-1])
    facts = [f for f in outline.read(src, block).facts if isinstance(f, F.Delete)]
    assert [phrase.clause(f) for f in facts] == said
    from blockguide.core.fallback import static_guide
    from blockguide.core.grounding import ground
    guide = static_guide(ground(block, src, None, None, 0))  # the whole guide says it too
    assert said[0] in " ".join(s.detail for s in guide.steps) and "evaluates `del" not in str(guide)
