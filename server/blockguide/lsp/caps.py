"""The client's capabilities, turned into booleans once, at initialize."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp


@dataclass(frozen=True)
class Caps:
    """The client's capabilities, turned into booleans once."""

    resolve: bool = False
    document_changes: bool = False
    work_done_progress: bool = False
    markdown_hover: bool = True
    pull_configuration: bool = False
    code_action_literals: bool = True
    llm_tag: bool = False

    @classmethod
    def of(cls, c: lsp.ClientCapabilities) -> "Caps":
        text = c.text_document
        ca = text.code_action if text else None
        resolve_props = ca.resolve_support.properties if ca and ca.resolve_support else []
        hover_formats = text.hover.content_format if text and text.hover and text.hover.content_format else None
        return cls(
            resolve="edit" in resolve_props,
            document_changes=bool(c.workspace and c.workspace.workspace_edit
                                  and c.workspace.workspace_edit.document_changes),
            work_done_progress=bool(c.window and c.window.work_done_progress),
            markdown_hover=hover_formats is None or lsp.MarkupKind.Markdown in hover_formats,
            pull_configuration=bool(c.workspace and c.workspace.configuration),
            code_action_literals=bool(ca and ca.code_action_literal_support),
            llm_tag=bool(ca and ca.tag_support and lsp.CodeActionTag.LlmGenerated in ca.tag_support.value_set),
        )
