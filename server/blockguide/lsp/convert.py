"""Conversions between LSP types and the core's, in one place."""

from __future__ import annotations

import functools
from typing import Any

import attrs
import cattrs
from lsprotocol import types as lsp

from blockguide.core.edits import LineEdit
from blockguide.core.types import Span

_converter = cattrs.Converter()


@attrs.define(frozen=True)
class ActionData:
    """What a listed action carries until it is resolved or run as a command."""

    uri: str
    range: lsp.Range
    version: int | None = None
    action: str = "document"  # "document" or "preview"


@functools.cache
def _lsp_converter() -> cattrs.Converter:
    """pygls's converter for LSP types, built once: building one takes milliseconds (every hook is registered
    anew), which code-action listing used to pay twice per request."""
    from pygls.protocol import default_converter

    return default_converter()


def action_data(raw: Any) -> ActionData:
    """Structure a client's `data` or command argument; ValueError with the reason when it is malformed."""
    try:
        if not isinstance(raw, dict):
            raise TypeError(f"expected an object, got {type(raw).__name__}")
        rng = _lsp_converter().structure(raw.get("range"), lsp.Range)
        version = raw.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise TypeError("version must be an integer")
        action = raw.get("action", "document")
        if action not in ("document", "preview"):
            raise ValueError(f"unknown action {action!r}")
        uri = raw.get("uri")
        if not isinstance(uri, str) or not uri:
            raise TypeError("uri must be a string")
        return ActionData(uri=uri, range=rng, version=version, action=action)
    except (TypeError, ValueError, KeyError, cattrs.BaseValidationError) as exc:
        raise ValueError(f"malformed blockguide action data: {exc}") from None


def data_to_wire(data: ActionData) -> dict:
    return {"uri": data.uri, "range": _lsp_converter().unstructure(data.range), "version": data.version,
            "action": data.action}


def stale_lines(data: Any) -> tuple[int, int] | None:
    """The block lines a stale-guide diagnostic carries (the client echoes `data` back), or None if malformed."""
    if not isinstance(data, dict):
        return None
    first, last = data.get("line"), data.get("endLine")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**31 - 1 for v in (first, last)):
        return None
    return (first, last) if first <= last else None


def selection_lines(rng: lsp.Range) -> tuple[int, int]:
    """0-based inclusive lines of a selection; one ending at column 0 stops on the line before."""
    first, last = rng.start.line, rng.end.line
    if last > first and rng.end.character == 0:
        last -= 1
    return first, last


def span_range(span: Span) -> lsp.Range:
    """Whole lines: column 0 to column 0, which means the same in every position encoding."""
    return lsp.Range(lsp.Position(span.start, 0), lsp.Position(span.end, 0))


def text_edit(edit: LineEdit, line_count: int, doc_text: str) -> lsp.TextEdit:
    rng = span_range(edit.span)
    text = edit.text
    if edit.span.start >= line_count and doc_text and not doc_text.endswith("\n"):
        text = "\n" + text  # inserting after a last line that has no newline
    return lsp.TextEdit(range=rng, new_text=text)


def workspace_edit(uri: str, version: int | None, edit: lsp.TextEdit, document_changes: bool) -> lsp.WorkspaceEdit:
    if document_changes:
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=[edit])])
    return lsp.WorkspaceEdit(changes={uri: [edit]})


def markdown(value: str) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=value)
