"""A small editor for tests: keeps documents, applies edits the way an editor does, and talks LSP."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to text, last first."""
    lines = text.split("\n")

    def offset(pos: lsp.Position) -> int:
        before = sum(len(l) + 1 for l in lines[: pos.line])
        if pos.line >= len(lines):
            return len(text)
        line = lines[pos.line]
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return before + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return before + len(line)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a, b = offset(e.range.start), offset(e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


class Editor:
    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.docs: dict[str, tuple[int, str]] = {}
        self.applied: list[lsp.WorkspaceEdit] = []
        self.refuse_edits = False
        self.statuses: list = []

    # documents
    def uri(self, path: Path | str) -> str:
        return Path(path).resolve().as_uri()

    def open(self, path: Path, language: str | None = None, text: str | None = None) -> str:
        uri = self.uri(path)
        text = path.read_text() if text is None else text
        lang = language or {".py": "python", ".js": "javascript", ".ts": "typescript", ".go": "go",
                            ".rs": "rust", ".java": "java", ".c": "c", ".cpp": "cpp"}.get(Path(path).suffix, "plaintext")
        self.docs[uri] = (1, text)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id=lang, version=1, text=text)))
        return uri

    def close(self, uri: str) -> None:
        self.docs.pop(uri, None)
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))

    def text(self, uri: str) -> str:
        return self.docs[uri][1]

    def version(self, uri: str) -> int:
        return self.docs[uri][0]

    def set_text(self, uri: str, text: str) -> None:
        version = self.docs[uri][0] + 1
        self.docs[uri] = (version, text)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str) -> None:
        """An incremental didChange, as editors send while typing."""
        rng = lsp.Range(lsp.Position(*start), lsp.Position(*end))
        text = apply_text_edits(self.text(uri), [lsp.TextEdit(range=rng, new_text=new_text)])
        version = self.docs[uri][0] + 1
        self.docs[uri] = (version, text)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(range=rng, text=new_text)]))

    def changes(self, uri: str, edits: list[tuple[tuple[int, int], tuple[int, int], str]]) -> None:
        """One didChange carrying several incremental changes, each on the text the earlier ones left (as
        VS Code sends multi-cursor typing and a replace-all)."""
        text = self.text(uri)
        parts = []
        for start, end, new_text in edits:
            rng = lsp.Range(lsp.Position(*start), lsp.Position(*end))
            text = apply_text_edits(text, [lsp.TextEdit(range=rng, new_text=new_text)])
            parts.append(lsp.TextDocumentContentChangePartial(range=rng, text=new_text))
        version = self.docs[uri][0] + 1
        self.docs[uri] = (version, text)
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=parts))

    def apply(self, edit: lsp.WorkspaceEdit) -> bool:
        """Apply a workspace edit as an editor would: refuse a stale version."""
        changes: list[tuple[str, int | None, list]] = []
        for change in edit.document_changes or []:
            changes.append((change.text_document.uri, change.text_document.version, change.edits))
        for uri, edits in (edit.changes or {}).items():
            changes.append((uri, None, edits))
        for uri, version, edits in changes:
            if version is not None and version != self.version(uri):
                return False
        for uri, _, edits in changes:
            self.set_text(uri, apply_text_edits(self.text(uri), edits))
        return True

    # requests
    async def actions(self, uri: str, start: tuple[int, int], end: tuple[int, int] | None = None,
                      only: list[str] | None = None, diagnostics=None) -> list[lsp.CodeAction]:
        end = end or start
        result = await self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
            context=lsp.CodeActionContext(diagnostics=diagnostics or [], only=only)))
        return [a for a in (result or []) if isinstance(a, lsp.CodeAction)]

    async def action(self, uri: str, start, end=None, title="Document this block") -> lsp.CodeAction:
        actions = await self.actions(uri, start, end)
        matching = [a for a in actions if a.title == title]
        assert matching, f"no {title!r} among {[a.title for a in actions]}"
        return matching[0]

    async def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        return await self.client.code_action_resolve_async(action)

    async def document(self, uri: str, start, end=None) -> lsp.CodeAction:
        """List, resolve and apply "Document this block", like clicking it in VS Code."""
        resolved = await self.resolve(await self.action(uri, start, end))
        if resolved.edit is not None:
            assert self.apply(resolved.edit), "the editor refused the edit"
        return resolved

    def request(self, method: str, params) -> tuple[str, asyncio.Future]:
        """Send a request with a known id, so that the test can cancel it as an editor does."""
        import uuid

        msg_id = str(uuid.uuid4())
        return msg_id, asyncio.ensure_future(self.client.protocol.send_request_async(method, params, msg_id=msg_id))

    def cancel(self, msg_id: str) -> None:
        self.client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=msg_id))

    async def command(self, name: str, *args):
        return await self.client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command=name, arguments=list(args)))

    async def hover(self, uri: str, line: int, character: int = 0) -> lsp.Hover | None:
        return await self.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, character)))

    async def wait_for(self, predicate, timeout: float = 10.0):
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.05)


async def start_editor(root: Path, cache_dir: Path, client_name: str = "visual-studio-code",
                       settings: dict | None = None, pull_settings: dict | None = None,
                       env: dict | None = None) -> Editor:
    """Start `blockguide serve` over stdio and initialize it as the named client does."""
    client = make_test_lsp_client()
    server_env = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
    server_env["BLOCKGUIDE_CACHE_DIR"] = str(cache_dir)
    server_env.update(env or {})
    editor = Editor(client, root)

    @client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        if editor.refuse_edits:
            return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="refused by the test")
        editor.applied.append(params.edit)
        ok = editor.apply(params.edit)
        return lsp.ApplyWorkspaceEditResult(applied=ok, failure_reason=None if ok else "version mismatch")

    # lsprotocol structures a CodeAction that carries a command as a Command (its union hook tries Command
    # first); editors tell them apart by the type of `command`, and so does this test client.
    import typing

    converter = client.protocol._converter

    def command_or_action(obj, _):
        kind = lsp.Command if isinstance(obj.get("command"), str) else lsp.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(typing.Union[lsp.Command, lsp.CodeAction], command_or_action)
    @client.feature("blockguide/status")
    def status(params) -> None:
        editor.statuses.append(params)

    if pull_settings is not None:
        client.set_configuration(pull_settings, section="blockguide")
    await client.start_io(sys.executable, "-m", "blockguide", "serve", env=server_env)
    caps = client_capabilities(client_name)
    await client.initialize_session(lsp.InitializeParams(
        capabilities=caps, initialization_options=settings or {}, root_uri=root.resolve().as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.resolve().as_uri(), name=root.name)]))
    return editor
