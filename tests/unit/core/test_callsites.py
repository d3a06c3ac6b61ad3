"""The call-site search keeps, per file, the names called in it: same answers as reading every file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from blockguide.core import callsites


def brute_force(root: Path, names: list[str], limit: int) -> list:
    """The search without the index: every file read and matched (the definition of the answer)."""
    callsites._called_names.clear()
    found = []
    for _ in range(2):  # the first search fills the index, the second uses it: both must agree
        found.append(callsites.find_call_sites(root, names, (".py",), limit, seconds=60))
    return found


def test_index_gives_the_same_sites_as_a_full_read(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("def slug(x):\n    return x\n\nslug('a')\nobj.slug ('b')\n")
    (tmp_path / "pkg" / "b.py").write_text("from pkg.a import slug\nprint(slug(1), other(2))\n")
    (tmp_path / "pkg" / "c.py").write_text("# slug(1) in a comment\nslugify(3)\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test():\n    assert slug('x') == 'x'\n")
    (tmp_path / "pkg" / "u.py").write_text("def naïve(x):\n    return x\nnaïve(1)\n", encoding="utf-8")
    for names in (["slug"], ["other"], ["naïve"], ["missing"]):
        first, second = brute_force(tmp_path, names, 10)
        assert first == second
    first, _ = brute_force(tmp_path, ["slug"], 10)
    assert [(s.path, s.line) for s in first] == [("tests/test_a.py", 1), ("pkg/a.py", 3), ("pkg/a.py", 4),
                                                 ("pkg/b.py", 1)]
    assert [s.path for s in brute_force(tmp_path, ["naïve"], 10)[1]] == ["pkg/u.py"]


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("def f():\n    pass\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    callsites._called_names.clear()
    assert callsites.find_call_sites(tmp_path, ["f"], (".py",), 5) == []
    assert callsites.find_call_sites(tmp_path, ["f"], (".py",), 5) == []  # from the index: b.py is not read
    (tmp_path / "b.py").write_text("x = 1\nf()\n")
    stat = (tmp_path / "b.py").stat()
    os.utime(tmp_path / "b.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    (tmp_path / "c.py").write_text("f()\n")
    monkeypatch.setattr(callsites, "RELIST_SECONDS", 0.0)  # the next search lists the tree again
    sites = callsites.find_call_sites(tmp_path, ["f"], (".py",), 5)
    assert [(s.path, s.line) for s in sites] == [("b.py", 1), ("c.py", 0)]


def test_the_index_finds_every_name_the_call_pattern_finds():
    text = "a.b(1) c<T>() D {x} e\t( f\u00a0( g\x1c( é1h( 2k( i.j::l(\n"
    pattern = re.compile(r"(?<![\w.])(?:[\w.]+(?:\.|::|->))?(\w+)" + callsites._CALL_OPEN)
    called = {m.group(1) for m in pattern.finditer(text)}
    indexed = {n.decode() for n in callsites._CALLED.findall(text.encode("utf-8"))}
    assert {n for n in called if n.isascii()} <= indexed


def test_a_confirmer_keeps_or_drops_each_candidate_and_a_slow_one_never_blocks(tmp_path, monkeypatch):
    import time

    (tmp_path / "a.py").write_text("f(1)\nx.f(2)\n")
    (tmp_path / "b.py").write_text("f(3)\n")
    callsites._called_names.clear()
    seen = []

    def plain_only(file, text, line, column, before):
        seen.append((file.name, line, column, before))
        return not before.endswith(".")

    tally = callsites.Tally()
    sites = callsites.find_call_sites(tmp_path, ["f"], (".py",), 5, confirm=plain_only, tally=tally)
    assert [(s.path, s.line, s.confirmed) for s in sites] == [("a.py", 0, True), ("b.py", 0, True)]
    assert ("a.py", 1, 2, "x.") in seen
    assert (tally.candidates, tally.confirmed, tally.rejected, tally.rejected_at) == (3, 2, 1, ["a.py:2"])

    def slow(file, text, line, column, before):
        time.sleep(0.2)
        return True

    monkeypatch.setattr(callsites, "CONFIRM_SECONDS", 0.0)
    started = time.monotonic()
    tally = callsites.Tally()
    sites = callsites.find_call_sites(tmp_path, ["f"], (".py",), 5, seconds=0.1, confirm=slow, tally=tally)
    assert time.monotonic() - started < 0.5  # the one confirmation ended late: not waited for again
    # ...and nothing found by name is lost: the candidates are kept, marked unconfirmed
    assert sites and not any(s.confirmed for s in sites) and tally.unchecked == len(sites)


def test_unresolved_candidates_follow_the_confirmed_ones_and_rejected_ones_never_come(tmp_path):
    """Confirming by reference must not mean finding less: a call the confirmer cannot tell about is kept
    (after every confirmed one), one it refutes is not."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_a.py").write_text("obj.f(1)\nf(2)\nother.f(3)\n")
    callsites._called_names.clear()

    def verdict(file, text, line, column, before):
        return {"obj.": None, "": True, "other.": False}[before.strip()]

    tally = callsites.Tally()
    sites = callsites.find_call_sites(tmp_path, ["f"], (".py",), 5, confirm=verdict, tally=tally)
    assert [(s.line, s.confirmed) for s in sites] == [(1, True), (0, False)]
    assert (tally.candidates, tally.confirmed, tally.unresolved, tally.rejected) == (3, 1, 1, 1)
    tally = callsites.Tally()
    assert [s.line for s in callsites.find_call_sites(tmp_path, ["f"], (".py",), 1, confirm=verdict,
                                                      tally=tally)] == [1]  # the limit takes confirmed first
