"""One document's text and its tree-sitter tree, with incremental edits."""

from __future__ import annotations

from tree_sitter import Point, Tree

from blockguide.core.languages import Language, parser_for
from blockguide.core.types import Span


class Source:
    """One document's text and its syntax tree.

    `update` re-parses incrementally when given the edit, from scratch otherwise.
    """

    def __init__(self, lang: Language, text: str) -> None:
        self.lang = lang
        self._set_text(text)
        self.tree: Tree = parser_for(lang).parse(self.data)

    def _set_text(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.lines = text.split("\n")

    def fork(self) -> "Source":
        """A copy to edit while other threads keep reading this one (trees are edited in place)."""
        new = Source.__new__(Source)
        new.lang, new.text, new.data, new.lines = self.lang, self.text, self.data, self.lines
        new.tree = self.tree.copy()
        return new

    def edit(self, changes: list[tuple[int, int, int, int, str]]) -> None:
        """Apply edits and re-parse incrementally: tree-sitter reuses what the edits did not touch.

        Each change is (start_line, start_col, end_line, end_col, new_text), columns in code points,
        applied in order (as LSP's incremental didChange sends them).
        """
        for change in changes:
            self.apply(*change)
        self.reparse()

    def apply(self, start_line: int, start_col: int, end_line: int, end_col: int, new_text: str) -> None:
        """One edit to the text and the tree; call `reparse` after the last one.

        Costs O(1) Python work per keystroke beyond copying the buffers: only the edited lines are split
        and encoded again (a 20k-line document used to be re-encoded and re-split on every key).
        """
        a, a_col, a_point = self._locate(start_line, start_col)
        b, b_col, b_point = self._locate(end_line, end_col)
        if b < a:
            a, b, a_col, b_col, a_point, b_point = b, a, b_col, a_col, b_point, a_point
        if self.text.isascii():  # O(1) in CPython; byte offsets are character offsets
            start_byte, old_end_byte = a, b
        else:
            start_byte = len(self.text[:a].encode("utf-8", "surrogatepass"))
            old_end_byte = start_byte + len(self.text[a:b].encode("utf-8", "surrogatepass"))
        inserted = new_text.encode("utf-8", "surrogatepass")
        rows = new_text.split("\n")
        if len(rows) == 1:
            new_end = Point(a_point.row, a_point.column + len(inserted))
        else:
            new_end = Point(a_point.row + len(rows) - 1, len(rows[-1].encode("utf-8", "surrogatepass")))
        self.tree.edit(start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=start_byte + len(inserted),
                       start_point=a_point, old_end_point=b_point, new_end_point=new_end)
        first, last = a_point.row, b_point.row
        edited = (self.lines[first][:a_col] + new_text + self.lines[last][b_col:]).split("\n")
        self.text = self.text[:a] + new_text + self.text[b:]
        self.data = self.data[:start_byte] + inserted + self.data[old_end_byte:]
        self.lines = self.lines[:first] + edited + self.lines[last + 1:]

    def reparse(self) -> None:
        self.tree = parser_for(self.lang).parse(self.data, self.tree)

    def _locate(self, line: int, col: int) -> tuple[int, int, Point]:
        """Character offset, column (code points) and tree-sitter point (byte column) of a line/column,
        clamped to the text."""
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return (len(self.text), len(self.lines[last]),
                    Point(last, len(self.lines[last].encode("utf-8", "surrogatepass"))))
        line = max(0, line)
        offset = sum(map(len, self.lines[:line])) + line
        col = max(0, min(col, len(self.lines[line])))
        return offset + col, col, Point(line, len(self.lines[line][:col].encode("utf-8", "surrogatepass")))

    def line(self, i: int) -> str:
        return self.lines[i].rstrip("\r") if 0 <= i < len(self.lines) else ""

    def line_count(self) -> int:
        return len(self.lines)

    def slice(self, span: Span) -> str:
        return "\n".join(self.line(i) for i in range(span.start, min(span.end, len(self.lines))))

    def has_errors(self) -> bool:
        return self.tree.root_node.has_error
