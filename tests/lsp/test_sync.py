"""Incremental sync as an editor drives it: the server's copy of the text (and its tree) must be the
editor's after every kind of change, or the guide lands on the wrong line and quotes code that is gone."""

from __future__ import annotations

import re

import pytest_asyncio

from tests.lsp.editor import start_editor

CODE = (
    "import re\n"
    "\n"
    "\n"
    "def greet(name):\n"
    "    word = 'héllo 😋 wörld'\n"
    "    return word + name\n"
    "\n"
    "\n"
    "def shout(text):\n"
    "    return text.upper()\n"
)


@pytest_asyncio.fixture
async def static_editor(project, tmp_path):
    """No model: the guide is built from the server's copy of the code, so it shows what that copy holds."""
    ed = await start_editor(project, tmp_path / "cache", settings={"model": "none"})
    yield ed
    await ed.client.shutdown_session()
    await ed.client.stop()


async def guide_for(ed, uri: str, line: int) -> str:
    """Document the definition at `line` and apply the edit; the guide's text as inserted."""
    before = ed.text(uri)
    resolved = await ed.document(uri, (line, 5))
    assert resolved.edit is not None, "no edit: the server could not find the block"
    after = ed.text(uri)
    assert after != before
    return after


def guide_above(text: str, def_line: str) -> str:
    """The guide comment right above `def_line` (the marker lines included)."""
    lines = text.replace("\r\n", "\n").split("\n")
    end = lines.index(def_line)
    start = max(i for i in range(end) if "--- blockguide " in lines[i])
    assert "--- end blockguide ---" in lines[end - 1], "the guide is not right above the definition"
    return "\n".join(lines[start:end])


async def test_multi_edit_change_after_non_ascii_lands_where_the_editor_put_it(static_editor, project):
    ed = static_editor
    path = project / "src/textkit/greet.py"
    path.write_text(CODE)
    uri = ed.open(path)
    await ed.actions(uri, (3, 5))  # parsed once, then edited incrementally
    # One didChange with three changes, UTF-16 columns counted past 'é' (1 unit) and '😋' (2 units): the
    # literal's last word replaced, a parameter added, and a line inserted above the function.
    ed.changes(uri, [
        ((4, 21), (4, 26), "wide"),        # 'wörld' starts at code point 20, UTF-16 unit 21
        ((3, 14), (3, 14), ", times"),
        ((1, 0), (1, 0), "LIMIT = 3\n"),
    ])
    assert "'héllo 😋 wide'" in ed.text(uri) and "def greet(name, times):" in ed.text(uri)
    text = await guide_for(ed, uri, 4)
    guide = guide_above(text, "def greet(name, times):")
    assert "wide" in guide and "wörld" not in guide  # it quotes the code as the editor has it
    example = guide.split("Usage Example")[-1]
    assert re.search(r"greet\([^,()]+, [^,()]+\)", example), example  # the parameter the change added


async def test_crlf_document_edited_across_lines_stays_in_step(static_editor, project):
    ed = static_editor
    path = project / "src/textkit/crlf.py"
    path.write_bytes(CODE.replace("\n", "\r\n").encode())
    uri = ed.open(path, text=CODE.replace("\n", "\r\n"))
    await ed.actions(uri, (3, 5))
    # join two lines of greet's body (the CRLF between them removed), then split shout's return in two
    ed.changes(uri, [
        ((4, 27), (5, 4), "; "),           # from the literal's line end (before \r\n, UTF-16 unit 27)
        ((8, 0), (8, 0), "    text = text.strip()\r\n"),  # shout's body, now that greet lost a line
    ])
    text = ed.text(uri)
    assert "'héllo 😋 wörld'; return word + name\r\n" in text
    assert "def shout(text):\r\n    text = text.strip()\r\n    return text.upper()" in text
    done = await guide_for(ed, uri, 7)
    guide = guide_above(done, "def shout(text):")
    assert "strip" in guide
    # and greet, documented after that, is still found at its line and quotes its joined body
    done = await guide_for(ed, uri, 3)
    assert "return word + name" in done and guide_above(done, "def greet(name):")


async def test_a_day_of_keystrokes_and_undos_leaves_the_same_text(static_editor, project):
    """Type then undo all over a file (as bench-day does): the server's copy ends as the file began."""
    import random

    ed = static_editor
    path = project / "src/textkit/greet.py"
    path.write_text(CODE)
    uri = ed.open(path)
    r = random.Random(5)
    lines = CODE.split("\n")
    for _ in range(60):
        line = r.randrange(len(lines) - 1)
        col = r.randint(0, len(lines[line]))
        ed.change(uri, (line, col), (line, col), r.choice("x(é😋 "))
        width = 2 if ed.text(uri).split("\n")[line][col:col + 1] == "😋" else 1
        ed.change(uri, (line, col), (line, col + width), "")
    assert ed.text(uri) == CODE
    text = await guide_for(ed, uri, 8)
    assert guide_above(text, "def shout(text):")
