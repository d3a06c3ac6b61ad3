"""Python call sites are confirmed through jedi: the call must resolve to the block's own definition."""

from __future__ import annotations

from blockguide.core import callsites
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from tests.support.analysis import ground


def _g(root, rel, name, references=8):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    callsites._called_names.clear()
    return ground(find_definition(src, name), src, path, root, references)


def _project(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kit"\nversion = "0"\n')
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit/__init__.py").write_text("")
    (tmp_path / "tests").mkdir()
    return tmp_path


def test_a_dicts_get_is_not_a_call_of_a_module_function_get(tmp_path):
    root = _project(tmp_path)
    (root / "kit/store.py").write_text("def get(key, default=None):\n    return {}.get(key, default)\n")
    (root / "tests/test_other.py").write_text(
        "def test_kind():\n    data = {'kind': 'x'}\n    assert data.get('kind') == 'x'\n")
    (root / "tests/test_store.py").write_text(
        "from kit.store import get\n\n\ndef test_get():\n    assert get('name') is None\n")
    g = _g(root, "kit/store.py", "get")
    assert [(s.path, s.line) for s in g.call_sites] == [("tests/test_store.py", 4)]


def test_a_same_named_method_of_another_class_is_not_a_call_site(tmp_path):
    root = _project(tmp_path)
    (root / "kit/slugs.py").write_text(
        "class Slugger:\n    def make(self, text):\n        return text.lower()\n\n\n"
        "class Other:\n    def make(self, text):\n        return text\n")
    (root / "tests/test_slugs.py").write_text(
        "from kit.slugs import Other, Slugger\n\n\ndef test_other():\n    other = Other()\n"
        "    assert other.make('A') == 'A'\n\n\ndef test_slugger():\n    s = Slugger()\n"
        "    assert s.make('A') == 'a'\n")
    g = _g(root, "kit/slugs.py", "make")  # the first `make`: Slugger's
    assert g.block.span.start == 1
    assert [(s.path, s.line) for s in g.call_sites] == [("tests/test_slugs.py", 10)]


def test_a_call_jedi_cannot_resolve_is_kept_unconfirmed_and_never_adapted(tmp_path, monkeypatch):
    """Confirming must not mean finding less: `make()` on a receiver jedi cannot infer (a parameter without a
    type) may be the block's call; it is kept after the confirmed ones, marked, and no example is built
    from it."""
    root = _project(tmp_path)
    (root / "kit/slugs.py").write_text(
        "class Slugger:\n    def make(self, text):\n        return text.lower()\n")
    (root / "tests/test_slugs.py").write_text(
        "from kit.slugs import Slugger\n\n\ndef check(slugger):\n    return slugger.make('B')\n\n\n"
        "def test_slugger():\n    s = Slugger()\n    assert s.make('A') == 'a'\n")
    monkeypatch.setattr(callsites, "CONFIRM_SECONDS", 60.0)  # a loaded machine must not turn a verdict late
    g = _g(root, "kit/slugs.py", "make")
    assert [(s.path, s.line, s.confirmed) for s in g.call_sites] == [
        ("tests/test_slugs.py", 9, True), ("tests/test_slugs.py", 4, False)]
    assert g.example_source in (None, "tests/test_slugs.py:10")
