"""The server's copy of an open document: LSP's line breaks, edited in place of the lines a change touches."""

from __future__ import annotations

import random

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec
from pygls.workspace.text_document import TextDocument

from blockguide.lsp.protocol import _LSP_LINE, LspTextDocument

ALPHABET = ["a", "b", " ", "\n", "\r\n", "\r", "é", "😋", "\f", "\u2028"]


def _doc(text: str) -> LspTextDocument:
    return LspTextDocument("file:///a.py", source=text, version=1,
                           position_codec=PositionCodec(lsp.PositionEncodingKind.Utf16))


def _change(a: tuple[int, int], b: tuple[int, int], text: str) -> lsp.TextDocumentContentChangePartial:
    return lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(*a), lsp.Position(*b)), text=text)


def test_incremental_changes_give_what_splitting_and_rewriting_the_whole_text_gives():
    """Random changes (CRLF, lone CR, a CR typed before an LF, non-ASCII, UTF-16 surrogate pairs, ranges past
    the end): the text is pygls's own whole-text rewrite, the lines are the text split afresh."""
    r = random.Random(0)
    for _ in range(1500):
        doc = _doc("".join(r.choice(ALPHABET) for _ in range(r.randrange(0, 30))))
        for _ in range(5):
            count = len(doc.lines)
            a, b = sorted([(r.randrange(count + 2), r.randrange(6)) for _ in range(2)])
            new = "".join(r.choice(ALPHABET) for _ in range(r.randrange(0, 4)))
            reference = _doc(doc.source)
            TextDocument._apply_incremental_change(reference, _change(a, b, new))  # pygls: the whole text
            doc.apply_change(_change(a, b, new))
            assert doc.source == reference.source
            assert doc.lines == _LSP_LINE.findall(doc.source)


def test_a_keystroke_re_splits_only_the_lines_it_touches():
    text = "".join(f"line_{i} = {i}\r\n" for i in range(3000))
    doc = _doc(text)
    before = doc.lines
    doc.apply_change(_change((1500, 4), (1500, 4), "x"))
    after = doc.lines
    assert after[1500] == "linex_1500 = 1500\r\n"
    assert after is not before and len(after) == 3000
    # the other lines are the same string objects: nothing else was split or copied
    assert all(after[i] is before[i] for i in (0, 1, 1498, 2999)) and after[1502] is before[1502]
    doc.apply_change(_change((1500, 4), (1500, 5), ""))
    assert doc.source == text


def test_a_cr_typed_before_an_lf_makes_one_line_break():
    doc = _doc("ab\ncd\n")
    doc.apply_change(_change((0, 2), (0, 2), "\r"))  # "ab\r" + "\n" is one CRLF break, not two
    assert doc.lines == ["ab\r\n", "cd\n"]
    doc.apply_change(_change((0, 2), (1, 0), ""))  # deleting across that break
    assert doc.source == "abcd\n" and doc.lines == ["abcd\n"]
