"""jedi as the analysis uses it: one Script per file version, the block's names only."""

from __future__ import annotations

from blockguide.core.python import jedi_session

MODULE = '''import os


def helper(path):
    return os.path.join(path, "x")


class Box:
    size = 3

    def grow(self, by):
        self.size = helper(str(by)) + self.size
        return self.size


def last():
    return Box().grow(2)
'''


def _key(n) -> tuple:
    return (n.name, n.line, n.column, n.is_definition(), n.type)


def test_the_blocks_names_are_what_the_whole_modules_listing_has_on_those_lines(tmp_path):
    path = tmp_path / "box.py"
    path.write_text(MODULE)
    with jedi_session.JEDI_LOCK:
        script = jedi_session.script_for(MODULE, path, tmp_path)
        every = script.get_names(all_scopes=True, definitions=True, references=True)
        for first, last in ((11, 13), (1, 5), (16, 17), (1, 17)):
            want = [_key(n) for n in every if first <= n.line <= last]
            assert want and [_key(n) for n in jedi_session.names_in(script, first, last)] == want
        # the names resolve like the listing's: `helper` inside grow goes to its definition
        [helper] = [n for n in jedi_session.names_in(script, 12, 12) if n.name == "helper"]
        assert helper.goto()[0].line == 4


def test_one_script_per_file_version(tmp_path):
    path = tmp_path / "box.py"
    path.write_text(MODULE)
    with jedi_session.JEDI_LOCK:
        first = jedi_session.script_for(MODULE, path, tmp_path)
        assert jedi_session.script_for(MODULE, path, tmp_path) is first  # the next block reuses it
        edited = jedi_session.script_for(MODULE + "\nX = 1\n", path, tmp_path)
        assert edited is not first
        assert len(jedi_session._scripts) <= jedi_session._scripts.maxsize


def test_a_failure_inside_jedi_leaves_the_grounding_incomplete_not_broken(tmp_path, monkeypatch):
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.python import grounding as pyground
    from blockguide.core.syntax.blocks import snap
    from blockguide.core.syntax.source import Source
    from blockguide.core.types import Grounding

    class Broken:  # a name whose kind jedi's subprocess fails to infer
        def is_definition(self):
            return True

        @property
        def type(self):
            raise KeyError("Traceback (most recent call last):\n  ...\nKeyError: ''")

    text = "from . import data\n\n\ndef lookup(key):\n    return data.table[key]\n"
    (tmp_path / "core.py").write_text(text)
    monkeypatch.setattr(pyground, "names_in", lambda script, first, last: [Broken()])
    src = Source(LANGUAGES["python"], text)
    g = Grounding(block=snap(src, 3, 4))
    pyground.ground_python(g, src, tmp_path / "core.py", tmp_path, 0)
    assert g.module == "core" and "static analysis was incomplete for this file" in g.notes
