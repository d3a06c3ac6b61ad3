"""The guide marker format, read and written in one place.

A comment guide sits between a begin line `--- blockguide <hash> (<model>) ---` and `--- end blockguide ---`
(after the language's comment prefix); a Python docstring guide ends with a tag line
`blockguide <hash> (<model>)`. `begin_line` and `docstring_tag` write them; `find_guides` and friends read them.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from cachetools import LRUCache, cached
from tree_sitter import Point

from blockguide.core.languages import Language
from blockguide.core.syntax.nodes import first_code_column, indent_of, python_docstring
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, Span


# Marker lines around an inserted guide (after the comment prefix). ASCII on purpose.
BEGIN_RE = re.compile(r"^-{3} blockguide (?P<hash>[0-9a-f]{8}) \((?P<model>[^()]*)\) -{3}$")


END_LINE = "--- end blockguide ---"


DOCSTRING_TAG_RE = re.compile(r"^blockguide (?P<hash>[0-9a-f]{8}) \((?P<model>[^()]*)\)$")


BEGIN_PREFIX = "--- blockguide "  # how a begin line starts: a guide's body line starting so is escaped


def begin_line(block: Block, model: str) -> str:
    """The first line of a comment guide (without the comment prefix); `model` is already a safe tag."""
    return f"{BEGIN_PREFIX}{block.short_hash} ({model}) ---"


def docstring_tag(block: Block, model: str) -> str:
    """The tag line that ends a docstring guide (before the closing quotes)."""
    return f"blockguide {block.short_hash} ({model})"


@dataclass(frozen=True)
class FoundGuide:
    """A guide already in the document."""

    span: Span  # its lines, markers included
    hash: str  # short hash of the block it was written for
    model: str
    style: str  # "comment" or "docstring"
    body: str  # the Markdown inside, comment prefixes removed


def _comment_payload(lang: Language, line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith(lang.comment):
        return None
    payload = stripped[len(lang.comment):]
    return payload[1:] if payload.startswith(" ") else payload


_MARKER = "blockguide "  # in every begin marker and docstring tag: a document without it has no guide


_DOCSTRING_TAG_LINE = re.compile(r"^[^\S\n]*blockguide [0-9a-f]{8} \([^()\n]*\)[^\S\n]*$", re.M)


def _lines_with(src: Source, pattern: re.Pattern | str) -> list[int]:
    """0-based numbers of the lines where `pattern` (a regex, or a plain substring) occurs, ascending."""
    text = src.text
    if isinstance(pattern, str):
        offsets, at = [], text.find(pattern)
        while at >= 0:
            offsets.append(at)
            at = text.find(pattern, at + len(pattern))
    else:
        offsets = [m.start() for m in pattern.finditer(text)]
    out, line, pos = [], 0, 0
    for offset in offsets:
        line += text.count("\n", pos, offset)
        pos = offset
        if not out or out[-1] != line:
            out.append(line)
    return out


def find_guides(src: Source) -> list[FoundGuide]:
    """Every inserted guide: comment guides by their markers, Python docstrings by their tag line.

    Computed once per text (hover, the stale-guide scan and edits all ask) and only around the lines that
    carry a marker: the scan costs a substring search when a document has no guide.
    """
    if _MARKER not in src.text:
        return []
    return list(_guides_of(src))


# The guides of the most recent texts. The key is the text's hash and length, not the text (a cache of a few
# large documents' texts would hold megabytes); the tree the scan reads is the text's own parse.
_GUIDES_LOCK = threading.Lock()


@cached(LRUCache(maxsize=32), key=lambda src: (src.lang.key, len(src.text), hash(src.text)), lock=_GUIDES_LOCK)
def _guides_of(src: Source) -> tuple[FoundGuide, ...]:
    return tuple(_find_guides(src))


def _find_guides(src: Source) -> list[FoundGuide]:
    found: list[FoundGuide] = []
    n = src.line_count()
    i = 0
    for start in _lines_with(src, BEGIN_PREFIX):
        if start < i:  # inside the guide found last
            continue
        i = start
        payload = _comment_payload(src.lang, src.line(i))
        match = BEGIN_RE.match(payload.strip()) if payload is not None else None
        if match:
            body: list[str] = []
            j = i + 1
            while j < n:
                inner = _comment_payload(src.lang, src.line(j))
                if inner is None:
                    break
                if inner.strip() == END_LINE:
                    found.append(FoundGuide(Span(i, j + 1), match["hash"], match["model"], "comment",
                                            "\n".join(body)))
                    break
                body.append(inner)
                j += 1
            i = j + 1
    if src.lang.key == "python":
        found.extend(_docstring_guides(src))
    return sorted(found, key=lambda g: g.span.start)


def _docstring_guides(src: Source) -> list[FoundGuide]:
    """Docstrings with a blockguide tag line: from each tag line up to the definition that holds it."""
    out = []
    seen: set[Span] = set()
    for tag_line in _lines_with(src, _DOCSTRING_TAG_LINE):
        text = src.line(tag_line)
        col = first_code_column(text)
        node = src.tree.root_node.descendant_for_point_range(Point(tag_line, col), Point(tag_line, col))
        while node is not None and node.type not in ("function_definition", "class_definition"):
            node = node.parent
        if node is not None:
            _, existing, _ = python_docstring(node)
            if existing is not None and existing.start <= tag_line < existing.end and existing not in seen:
                seen.add(existing)
                lines = [src.line(i) for i in range(existing.start, existing.end)]
                tag = next((DOCSTRING_TAG_RE.match(l.strip()) for l in reversed(lines)
                            if DOCSTRING_TAG_RE.match(l.strip())), None)
                if tag:
                    body = "\n".join(lines).strip()
                    body = re.sub(r'^[rRuU]?("""|\'\'\')', "", body)
                    body = re.sub(r'("""|\'\'\')$', "", body)
                    body_lines = [l for l in body.split("\n") if not DOCSTRING_TAG_RE.match(l.strip())]
                    indent = indent_of(src.line(existing.start))
                    body_lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body_lines]
                    out.append(FoundGuide(existing, tag["hash"], tag["model"], "docstring",
                                          _unescape_docstring("\n".join(body_lines).strip("\n"))))
    return out


def _unescape_docstring(text: str) -> str:
    return text.replace('\\"\\"\\"', '"""').replace("\\\\", "\\")


def guide_above(src: Source, block: Block) -> FoundGuide | None:
    """A comment guide that ends right above the block (blank lines between are allowed)."""
    line = block.span.start - 1
    while line >= 0 and not src.line(line).strip():
        line -= 1
    for guide in find_guides(src):
        if guide.style == "comment" and guide.span.end - 1 == line:
            return guide
    return None


def docstring_guide(src: Source, block: Block) -> FoundGuide | None:
    if block.existing_docstring is None:
        return None
    for guide in find_guides(src):
        if guide.style == "docstring" and guide.span == block.existing_docstring:
            return guide
    return None
