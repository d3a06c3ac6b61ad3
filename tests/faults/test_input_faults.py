"""Hostile and unusual input through the editor: empty and whole-file selections, huge, binary and odd
text, syntax errors, line endings, indentation, positions inside multi-byte characters, unknown languages,
files outside the workspace. Each ends with a complete guide or a clear message, and the text intact.
"""

from __future__ import annotations

import ast
import asyncio
import time

import pytest
from lsprotocol import types as lsp

from tests.faults.conftest import SLUG_BLOCK, Survival, guide_free

pytestmark = pytest.mark.asyncio(loop_scope="module")


def python_ok(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


async def document_or_message(session: Survival, uri: str, start, end=None) -> lsp.CodeAction | None:
    """List and resolve; returns the resolved action (applied when it has an edit), or None when no action
    was offered. Whatever happens, the text outside the guide is what it was."""
    ed = session.editor
    before = ed.text(uri)
    actions = await asyncio.wait_for(ed.actions(uri, start, end), 15)
    docs = [a for a in actions if a.title == "Document this block"]
    if not docs:
        return None
    resolved = await asyncio.wait_for(ed.resolve(docs[0]), 60)
    if resolved.edit is not None:
        assert ed.apply(resolved.edit)
    comment = "//" if uri.endswith((".js", ".ts", ".c", ".go", ".rs")) else "#"
    assert guide_free(ed.text(uri), comment) == guide_free(before, comment)
    return resolved


# --- selections ---------------------------------------------------------------------------------------


async def test_empty_selection_outside_any_definition_offers_nothing(clean: Survival) -> None:
    uri = clean.fresh_copy()
    for position in [(1, 0), (23, 0), (24, 5), (0, 0), (6, 0), (999, 0)]:
        actions = await clean.editor.actions(uri, position)
        assert [a.title for a in actions] == [], (position, [a.title for a in actions])
    await clean.still_answers(uri)


async def test_empty_document_and_blank_selection(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy("")
    assert await ed.actions(uri, (0, 0)) == []
    assert await ed.actions(uri, (0, 0), (5, 0)) == []
    assert await ed.hover(uri, 0, 0) is None
    uri = clean.fresh_copy("\n\n   \n\t\n")
    assert await ed.actions(uri, (0, 0), (4, 0)) == []


@pytest.mark.slow
async def test_whole_file_selection_of_a_50k_line_file_has_a_bounded_prompt(clean: Survival) -> None:
    ed = clean.editor
    parts = []
    for i in range(12_500):
        parts += [f"def f{i}(x):", f"    return x + {i}", "", ""]
    text = "\n".join(parts[:50_000]) + "\n"
    uri = clean.fresh_copy(text)
    started = time.monotonic()
    actions = await ed.actions(uri, (0, 0), (50_000, 0))
    assert time.monotonic() - started < 5, "listing must stay cheap"
    assert any(a.title == "Document this block" for a in actions)
    chats = len(clean.fake.chat_requests)
    resolved = await asyncio.wait_for(ed.resolve(actions[0]), 120)
    assert resolved.edit is not None
    prompt = clean.fake.chat_requests[chats].prompt_text
    assert len(prompt) < 40_000, f"the prompt is {len(prompt)} characters: the context is not bounded"
    assert ed.apply(resolved.edit) and guide_free(ed.text(uri)) == text


# --- sizes and contents --------------------------------------------------------------------------------


async def forged_resolve(session: Survival, uri: str) -> lsp.CodeAction:
    """Resolve an action the server never offered (as a client may), for a document it refuses to list."""
    data = {"uri": uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
            "version": session.editor.version(uri), "action": "document"}
    return await session.editor.resolve(lsp.CodeAction(title="Document this block", data=data))


@pytest.mark.parametrize("kind, expected", [
    ("10mb", "larger than"),
    ("binary", "binary"),
])
async def test_huge_and_binary_documents_are_refused_with_a_message(clean: Survival, kind, expected) -> None:
    ed = clean.editor
    if kind == "10mb":
        text = ("def f(x):\n    return x\n\n\n" * 420_000)[:10_000_000]
    else:
        text = "def f(x):\n    return x\n\x00\x01\x02\xff\x00 PNG\n" * 50
    uri = clean.fresh_copy(text)
    started = time.monotonic()
    assert await ed.actions(uri, (0, 0), (1, 0)) == []
    assert await ed.hover(uri, 0, 0) is None
    assert time.monotonic() - started < 10
    mark = len(ed.client.messages)
    resolved = await forged_resolve(clean, uri)
    assert resolved.edit is None
    clean.message(mark, expected)
    assert ed.text(uri) == text
    await clean.still_answers()


@pytest.mark.parametrize("name, text, block", [
    ("replacement-chars", "def f(x):\n    s = 'caf\ufffd \ufffd'\n    return s\n", ((0, 0), (2, 0))),
    ("lone-surrogates", "def f(x):\n    s = '\udc80\udcff'\n    return s\n", ((0, 0), (2, 0))),
    ("nul-after-8k", "def f(x):\n    return x\n" + "# pad\n" * 3000 + "s = '\x00'\n", ((0, 0), (1, 0))),
    ("control-chars", "def f(x):\n    s = '\x1b[31m\x07\x08'\n    return s\n", ((0, 0), (2, 0))),
])
async def test_odd_text_is_documented_or_refused_cleanly(clean: Survival, name, text, block) -> None:
    ed = clean.editor
    uri = clean.fresh_copy(text)
    mark = len(ed.client.messages)
    resolved = await document_or_message(clean, uri, *block)
    if resolved is not None and resolved.edit is None:
        clean.message(mark, "blockguide")
    await clean.still_answers(uri)


async def test_syntax_errors_around_the_block(clean: Survival) -> None:
    ed = clean.editor
    text = ("def broken(:\n    return )\n\n\ndef fine(x):\n    return x * 2\n\n\nclass Half(\n    def m(self):\n"
            "        pass\n")
    uri = clean.fresh_copy(text)
    resolved = await document_or_message(clean, uri, (4, 0), (5, 0))
    assert resolved is not None and resolved.edit is not None
    after = ed.text(uri)
    assert after.index("# --- end blockguide ---\ndef fine(x):") > 0
    await document_or_message(clean, uri, (0, 0), (1, 0))  # the broken one: a guide or nothing, never a crash


@pytest.mark.parametrize("newline", ["\r\n", "mixed"])
async def test_crlf_and_mixed_line_endings(clean: Survival, newline: str) -> None:
    ed = clean.editor
    from tests.conftest import SLUG

    text = SLUG.replace("\n", "\r\n") if newline == "\r\n" else SLUG.replace("\n", "\r\n", 12)
    uri = clean.fresh_copy(text)
    resolved = await document_or_message(clean, uri, *SLUG_BLOCK)
    assert resolved is not None and resolved.edit is not None
    after = ed.text(uri)
    guide = resolved.edit.document_changes[0].edits[0].new_text
    if newline == "\r\n":
        assert guide.count("\r\n") == guide.count("\n")  # the guide uses the file's line ending
    assert python_ok(after)


async def test_lone_carriage_returns_are_refused_not_misplaced(clean: Survival) -> None:
    """LSP counts a lone CR as a line break, tree-sitter does not: an edit computed on one numbering and
    applied on the other would land on the wrong lines."""
    ed = clean.editor
    text = "import os\rimport re\n\n\ndef f(x):\r    y = x\n    return y\n\n\ndef g(x):\n    return x\n"
    uri = clean.fresh_copy(text)
    mark = len(ed.client.messages)
    resolved = await document_or_message(clean, uri, (9, 0), (10, 0))
    if resolved is not None and resolved.edit is None:
        clean.message(mark, "line endings")
    elif resolved is not None:  # inserted: then exactly above `def g`
        assert "# --- end blockguide ---\ndef g(x):" in ed.text(uri)


async def test_form_feeds_and_unicode_line_separators_do_not_shift_edits(clean: Survival) -> None:
    """Python's str.splitlines() also breaks at \\f, \\v, \\x1c-\\x1e, \\x85, U+2028 and U+2029; LSP does not.
    A document holding them must still get its guide right above the block, after typing in it."""
    ed = clean.editor
    text = ("import os\n\x0c\ndef a(x):\n    s = 'one\u2028two\x85three\x1cfour'\n    return x\n\n\x0c\n"
            "def b(y):\n    return y\n")
    uri = clean.fresh_copy(text)
    await ed.actions(uri, (7, 0))  # parsed once, then typed into: incremental changes below the odd characters
    ed.change(uri, (8, 12), (8, 12), " + 1")
    ed.change(uri, (4, 12), (4, 12), " * 3")
    typed = ed.text(uri)
    assert "return y + 1" in typed and "return x * 3" in typed
    chats = len(clean.fake.chat_requests)
    resolved = await document_or_message(clean, uri, (7, 0), (8, 0))
    assert resolved is not None and resolved.edit is not None
    prompt = clean.fake.chat_requests[chats].prompt_text
    assert "return y + 1" in prompt, "the server's copy of the document drifted from the editor's"
    after = ed.text(uri)
    assert "# --- end blockguide ---\ndef b(y):\n    return y + 1\n" in after
    assert python_ok(after)


@pytest.mark.parametrize("indent", ["tabs", "mixed"])
async def test_tab_and_mixed_indentation(clean: Survival, indent: str) -> None:
    ed = clean.editor
    body = "class K:\n\tdef m(self, x):\n\t\tif x:\n\t\t\treturn 1\n\t\treturn 2\n"
    block = ((1, 0), (4, 0))
    if indent == "mixed":  # tabs in one definition, spaces in the next
        body = "def a(x):\n\treturn x\n\n\nclass K:\n    def m(self, y):\n        if y:\n            return 1\n        return 2\n"
        block = ((5, 0), (8, 0))
    uri = clean.fresh_copy(body)
    assert python_ok(body)
    resolved = await document_or_message(clean, uri, *block)
    assert resolved is not None and resolved.edit is not None
    after = ed.text(uri)
    assert python_ok(after), after
    guide_lines = [l for l in after.split("\n") if "blockguide" in l]
    assert all(l.startswith("\t#") or l.startswith("    #") for l in guide_lines)


@pytest.mark.parametrize("position", [(1, 11), (1, 12), (1, 13), (1, 15), (1, 16), (1, 40), (2, 9)])
async def test_positions_inside_multibyte_characters(clean: Survival, position) -> None:
    """UTF-16 positions that fall between the two halves of an emoji, inside CJK text, or past the line."""
    ed = clean.editor
    text = "def f(x):\n    s = '😀😀 漢字 é 👩‍👩‍👧'  # 😀\n    return s * x\n"
    uri = clean.fresh_copy(text)
    for end in (None, (2, 3), position):
        actions = await ed.actions(uri, position, end)
        assert [a.title for a in actions][:1] in ([], ["Document this block"])
    hover = await ed.hover(uri, *position)
    assert hover is None or hover.contents.value
    resolved = await document_or_message(clean, uri, (0, 0), position)
    assert resolved is not None and resolved.edit is not None
    assert python_ok(ed.text(uri))


# --- languages and places -------------------------------------------------------------------------------


@pytest.mark.parametrize("language, suffix", [("cobol", ".cbl"), ("plaintext", ".txt"), ("", ".weird"),
                                              ("python", ".txt")])
async def test_unknown_languages(clean: Survival, language: str, suffix: str) -> None:
    ed = clean.editor
    text = "def f(x):\n    return x\n"
    uri = clean.fresh_copy(text, suffix=suffix, language=language)
    actions = await ed.actions(uri, (0, 0), (1, 0))
    if language == "python":  # a Python buffer in a .txt file is still Python
        assert actions
        return
    assert actions == []
    mark = len(ed.client.messages)
    resolved = await forged_resolve(clean, uri)
    assert resolved.edit is None
    clean.message(mark, "does not support")
    assert ed.text(uri) == text


@pytest.mark.parametrize("where", ["outside-workspace", "untitled", "space-and-cjk-path", "other-scheme"])
async def test_files_outside_the_workspace(clean: Survival, tmp_path_factory, where: str) -> None:
    ed = clean.editor
    from tests.conftest import SLUG

    if where == "outside-workspace":
        path = tmp_path_factory.mktemp("elsewhere") / "loose.py"
        path.write_text(SLUG)
        uri = ed.open(path)
    elif where == "space-and-cjk-path":
        folder = clean.project / "my docs 漢字"
        folder.mkdir(exist_ok=True)
        (folder / "slug copy.py").write_text(SLUG)
        uri = ed.open(folder / "slug copy.py")
        assert "%20" in uri
    else:
        uri = "untitled:Untitled-1" if where == "untitled" else "vscode-vfs://github/some/repo/slug.py"
        ed.docs[uri] = (1, SLUG)
        ed.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SLUG)))
    resolved = await document_or_message(clean, uri, *SLUG_BLOCK)
    assert resolved is not None and resolved.edit is not None, [m.message for m in ed.client.messages[-2:]]
    hover = await ed.hover(uri, 11, 8)
    assert hover is not None
