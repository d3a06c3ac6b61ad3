"""The outline (what a block does, in code order) and a selection's inputs and outputs."""

from __future__ import annotations

from blockguide.core import phrase
from blockguide.core.syntax import outline
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.dataflow import dataflow
from blockguide.core.syntax.io_calls import io_kind
from blockguide.core.syntax.blocks import snap
from blockguide.core.syntax.source import Source
from blockguide.core.languages import LANGUAGES
from tests.conftest import SLUG

PY = LANGUAGES["python"]

FETCH = '''\
import asyncio
import aiohttp


async def fetch_all(urls, limit=3):
    """Fetch every URL, at most `limit` at a time."""
    results = {}
    async with aiohttp.ClientSession() as session:
        for url in urls:
            try:
                async with session.get(url) as resp:
                    results[url] = await resp.text()
            except aiohttp.ClientError as exc:
                results[url] = exc
            else:
                yield url
    with open("log.txt", "a") as log:
        log.write(str(len(results)))
    return
'''


def test_outline_follows_the_code_order_with_nesting():
    src = Source(PY, FETCH)
    block = find_definition(src, "fetch_all")
    actions = phrase.outline(src, block)
    assert [(a.depth, a.kind) for a in actions][:6] == [
        (0, "assign"), (0, "with"), (1, "loop"), (2, "try"), (3, "with"), (4, "assign")]
    text = phrase.describe(actions)
    assert text[0] == "line 7: sets `results` to `{}`"
    assert "async with `aiohttp.ClientSession() as session` (context manager):" in text[1]
    assert "for each `url` in `urls`:" in text[2]
    assert any("except `aiohttp.ClientError` as `exc`:" in t for t in text)
    assert any("yields `url`" in t for t in text)
    network = [a for a in actions if a.io]
    assert network[0].io == (("network", "aiohttp.ClientSession"),) and network[0].targets == ("session",)
    assert network[1].io == (("network", "session.get"),) and network[-1].io == (("file", "open"),)
    assert actions[4].awaits is False and actions[5].awaits is True  # `await resp.text()`
    assert actions[-1].kind == "return"


def test_the_docstring_is_not_a_step_and_calls_run_inner_first():
    src = Source(PY, "def f(uri):\n    '''Doc.'''\n    return quote(unquote(uri), safe='/')\n")
    actions = phrase.outline(src, find_definition(src, "f"))
    assert len(actions) == 1 and actions[0].calls == ("unquote", "quote")


def test_a_class_outline_lists_bases_and_methods():
    src = Source(PY, "class Cache(dict, Base):\n    size = 3\n\n    def __init__(self, n):\n        self.n = n\n\n"
                     "    def get(self, key):\n        return self.load(key)\n")
    actions = phrase.outline(src, find_definition(src, "Cache"))
    assert actions[0].text == "class `Cache` extends `dict` and `Base`"
    assert actions[1].kind == "assign" and actions[1].targets == ("size",)
    assert "method `__init__(self, n)`: sets `self.n`" == actions[2].text
    assert actions[3].text == "method `get(self, key)`: returns `self.load(key)`"  # the call said once, in its value


def test_a_members_signature_is_quoted_as_written_with_its_type_parameters():
    ts = Source(LANGUAGES["typescript"], "class Box {\n  first<T extends Item>(items: T[]): T {\n"
                                         "    return items[0]\n  }\n}\n")
    read = outline.read(ts, find_definition(ts, "Box"))
    assert read.facts[0].signature == "first<T extends Item>(items: T[])"
    rust = Source(LANGUAGES["rust"], "fn outer() -> u8 {\n    fn inner<E: Copy>(value: E) -> u8 {\n"
                                     "        1\n    }\n    inner(2)\n}\n")
    read = outline.read(rust, find_definition(rust, "outer"))
    assert read.facts[0].signature == "inner<E: Copy>(value: E)"
    py = Source(PY, "class A:\n    def get(self, key):\n        return key\n")
    assert outline.read(py, find_definition(py, "A")).facts[0].signature == "get(self, key)"


def test_statements_inputs_and_outputs():
    src = Source(PY, SLUG)
    block = snap(src, 10, 11)  # the two `text = ...` lines of slugify
    inputs, outputs = dataflow(src, block)
    assert inputs == ["text", "sep", "_SEP"]  # parameters first, then module-level variables
    assert outputs == ["text"]  # read by `return text.strip(sep)`


def test_module_level_statements():
    src = Source(PY, SLUG)
    inputs, outputs = dataflow(src, snap(src, 24, 24))
    assert inputs == ["TITLE"] and outputs == []
    code = "import os\nbase = os.getcwd()\nname = 'x'\npath = os.path.join(base, name)\nprint(path)\n"
    src = Source(PY, code)
    inputs, outputs = dataflow(src, snap(src, 3, 3))
    assert inputs == ["base", "name"] and outputs == ["path"]  # `os` is an import: used, not an input


def test_io_kinds():
    assert io_kind("open") == "file" and io_kind("fs.readFileSync") == "file"
    assert io_kind("requests.get") == "network" and io_kind("self.session.post") == "network"
    assert io_kind("http.Get") == "network" and io_kind("File::open") == "file"
    assert io_kind("items.get") is None and io_kind("list.remove") is None


def test_every_statement_is_read_and_the_bound_is_a_field(monkeypatch):
    body = "\n".join(f"    x{i} = f({i})" for i in range(80))
    src = Source(PY, f"def big():\n{body}\n")
    block = find_definition(src, "big")
    actions = phrase.outline(src, block)
    assert len(actions) == 80 and actions[-1].text == "sets `x79` to `f(79)`"
    assert not any("more statements" in a.text for a in actions)
    monkeypatch.setattr(outline, "MAX_FACTS", 50)
    read = outline.read(src, block)
    assert len(read.facts) == 50 and read.unread == 30


def test_an_impl_inside_a_function_is_named_by_its_type():
    rust = Source(LANGUAGES["rust"], "fn run() {\n    struct Guard<'a> {\n        n: &'a u8,\n    }\n"
                                     "    impl<'a> Drop for Guard<'a> {\n        fn drop(&mut self) {}\n    }\n}\n")
    read = outline.read(rust, find_definition(rust, "run"))
    assert [f.name for f in read.facts] == ["Guard", "Guard"]
