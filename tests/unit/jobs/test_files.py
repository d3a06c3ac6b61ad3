"""jobs/files.py: the one input guard, line-edit applier and atomic writer (editor text and files alike)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blockguide.core.edits import LineEdit
from blockguide.core.types import Span
from blockguide.jobs.files import MAX_BYTES, InputError, apply_edits, check_text, read_text, write_atomically


@pytest.mark.parametrize("text, words", [
    ("x" * (MAX_BYTES + 1), "larger than the 5 MB limit"),
    ("a = 1\x00\n", "binary"),
    ("a = 1\rb = 2\r", "CR-only"),
])
def test_the_guard_refuses_what_would_misplace_an_edit(text, words):
    with pytest.raises(InputError, match=words):
        check_text(text)


def test_the_guard_keeps_positions_when_it_replaces_lone_surrogates():
    text = "s = '\ud800'\r\nt = 1\n"
    checked = check_text(text)
    assert checked == "s = '\ufffd'\r\nt = 1\n" and len(checked) == len(text)


def test_files_are_read_through_the_same_guard(tmp_path: Path):
    (tmp_path / "latin.py").write_bytes("x = 'é'\n".encode("latin-1"))
    (tmp_path / "cr.py").write_bytes(b"a = 1\rb = 2\r")
    (tmp_path / "pkg").mkdir()
    os.mkfifo(tmp_path / "pipe.py")
    for name, words in [("latin.py", r"not UTF-8 text \(byte 5\)"), ("cr.py", "CR-only"), ("pkg", "is a folder"),
                        ("pipe.py", "not a regular file"), ("missing.py", "no such file")]:
        with pytest.raises(InputError, match=words):
            read_text(tmp_path / name)


def test_edits_apply_in_order_keeping_a_bom_and_ending_a_last_line():
    text = "\ufeffa = 1\nb = 2"
    edits = [LineEdit(Span(0, 0), "# top\n", False), LineEdit(Span(1, 2), "b = 3\n", False),
             LineEdit(Span(2, 2), "# end\n", False)]
    assert apply_edits(text, edits) == "\ufeff# top\na = 1\nb = 3\n# end\n"
    assert apply_edits("a\r\nb", [LineEdit(Span(2, 2), "c\r\n", False)]) == "a\r\nb\r\nc\r\n"


def test_the_writer_replaces_atomically_and_refuses_a_changed_file(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text("a = 1\n")
    path.chmod(0o640)
    write_atomically(path, "a = 2\n", "a = 1\n")
    assert path.read_text() == "a = 2\n" and path.stat().st_mode & 0o777 == 0o640
    with pytest.raises(InputError, match="changed while its guide was being written"):
        write_atomically(path, "a = 3\n", "a = 1\n")
    assert path.read_text() == "a = 2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]  # no temporary file left behind
