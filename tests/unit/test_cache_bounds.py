"""Every cache the language server keeps has a size or time limit (issue 23: a server lives all day)."""

from __future__ import annotations

import importlib
import time

import pytest
from cachetools import Cache, TTLCache
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from blockguide.core.types import Block, Span
from blockguide.jobs.document import Analyses
from blockguide.lsp.documents import MAX_LISTED, Documents
from blockguide.lsp.protocol import LspTextDocument

PROCESS_CACHES = [
    ("blockguide.core.python.jedi_session", "_scripts"),
    ("blockguide.core.python.jedi_session", "_project"),
    ("blockguide.core.callsites", "_called_names"),
    ("blockguide.core.examples.python_sites", "_site_files"),
    ("blockguide.core.checks.toolrun", "results"),
    ("blockguide.core.checks.toolchain_c", "_header_dirs"),
    ("blockguide.core.syntax.markers", "_guides_of"),
]


@pytest.mark.parametrize("module,name", PROCESS_CACHES)
def test_process_wide_caches_are_bounded(module, name):
    obj = getattr(importlib.import_module(module), name)
    if hasattr(obj, "cache_parameters"):  # functools.lru_cache
        assert obj.cache_parameters()["maxsize"] is not None
        return
    cache = getattr(obj, "cache", obj)  # cachetools' @cached keeps its cache on the function
    assert isinstance(cache, Cache) and 0 < cache.maxsize < 10_000
    if isinstance(cache, TTLCache):
        assert cache.ttl <= 3600


class _Workspace:
    def __init__(self) -> None:
        self.text_documents: dict[str, LspTextDocument] = {}

    def open(self, uri: str, text: str) -> None:
        self.text_documents[uri] = LspTextDocument(uri, source=text, version=1, language_id="python",
                                                   position_codec=PositionCodec(lsp.PositionEncodingKind.Utf16))


def _block(i: int) -> Block:
    return Block(language="python", span=Span(i, i + 1), text=f"x = {i}", indent="", kind="statements")


def test_listed_blocks_are_bounded_and_a_closed_documents_state_is_dropped():
    ws = _Workspace()
    docs = Documents(lambda: ws)
    for uri in ("file:///a.py", "file:///b.py"):
        ws.open(uri, "def f():\n    return 1\n")
        docs.source(uri)
    for i in range(MAX_LISTED + 50):
        docs.remember("file:///a.py", 1, i, i, _block(i))
    docs.remember("file:///b.py", 1, 0, 0, _block(0))
    assert len(docs._listed) == MAX_LISTED
    assert docs.listed("file:///a.py", 1, MAX_LISTED + 49, MAX_LISTED + 49) is not None  # the newest kept
    docs.forget("file:///a.py")  # the editor closed it
    assert docs.version("file:///a.py") is None and "file:///a.py" not in docs._sources
    assert not any(key[0] == "file:///a.py" for key in docs._listed)
    assert docs.listed("file:///b.py", 1, 0, 0) is not None  # the other document's are its own


def test_analyses_are_bounded_in_number_and_time():
    analyses = Analyses(size=4, seconds=0.2)
    from blockguide.core.types import Grounding

    for i in range(10):
        analyses.put(("file:///a.py", i), Grounding(block=_block(i)))
    assert len(analyses._kept) == 4 and analyses.get(("file:///a.py", 9)) is not None
    time.sleep(0.3)
    assert analyses.get(("file:///a.py", 9)) is None


def test_call_site_indexes_are_kept_for_the_most_recent_roots(tmp_path):
    from blockguide.core import callsites

    callsites._called_names.clear()
    for i in range(callsites.MAX_INDEXES + 5):
        root = tmp_path / f"p{i}"
        root.mkdir()
        (root / "a.py").write_text("f(1)\n")
        callsites.find_call_sites(root, ["f"], (".py",), 1)
    assert len(callsites._called_names) == callsites.MAX_INDEXES
    assert (tmp_path / f"p{callsites.MAX_INDEXES + 4}", (".py",)) in callsites._called_names


def test_the_jedi_projects_kept_are_the_most_recent_roots(tmp_path):
    from blockguide.core.python import jedi_session

    jedi_session._project.cache_clear()
    for i in range(jedi_session.MAX_PROJECTS + 3):
        (tmp_path / f"r{i}").mkdir()
        jedi_session.jedi_project(tmp_path / f"r{i}")
    assert jedi_session._project.cache_info().currsize == jedi_session.MAX_PROJECTS
    jedi_session._project.cache_clear()
