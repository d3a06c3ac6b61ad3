"""One short function per LSP method: read params, call the server or the core, wrap the result."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from blockguide.core.render import to_markdown
from blockguide.jobs import doctor
from blockguide.jobs.document import JobError, Status
from blockguide.lsp import convert
from blockguide.lsp.caps import Caps
from blockguide.lsp.server import BlockguideServer

log = logging.getLogger(__name__)

DOCUMENT_KIND = "refactor.rewrite.blockguide"
PREVIEW_KIND = "refactor.rewrite.blockguide.preview"
DOCUMENT_TITLE = "Document this block"
PREVIEW_TITLE = "Preview guide"
REGENERATE_TITLE = "Regenerate guide"
CMD_DOCUMENT = "blockguide.documentBlock"
CMD_PREVIEW = "blockguide.previewGuide"
CMD_DOCTOR = "blockguide.doctor"
DIAGNOSTIC_DELAY = 0.3

server = BlockguideServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: BlockguideServer, params: lsp.InitializeParams) -> None:
    ls.caps = Caps.of(params.capabilities)
    ls.apply_settings(params.initialization_options, "initializationOptions")


@server.feature(lsp.INITIALIZED)
async def initialized(ls: BlockguideServer, params: lsp.InitializedParams) -> None:
    ls.ready = True
    await pull_configuration(ls)
    ls.status(Status.READY)


async def pull_configuration(ls: BlockguideServer) -> None:
    if not ls.caps.pull_configuration:
        return
    try:
        result = await asyncio.wait_for(ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="blockguide")])), timeout=5)
    except Exception as exc:
        log.info("workspace/configuration failed: %s", exc)
        return
    if result:
        ls.apply_settings(result[0], "workspace/configuration")


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: BlockguideServer, params: lsp.DidChangeConfigurationParams) -> None:
    if ls.caps.pull_configuration:
        await pull_configuration(ls)
    elif isinstance(params.settings, dict):
        ls.apply_settings(params.settings, "didChangeConfiguration")
    ls.status(Status.READY)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: BlockguideServer, params: lsp.DidOpenTextDocumentParams) -> None:
    schedule_diagnostics(ls, params.text_document.uri, 0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: BlockguideServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.docs.track_change(params.text_document.uri, params.content_changes)
    schedule_diagnostics(ls, params.text_document.uri, DIAGNOSTIC_DELAY)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: BlockguideServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.forget(uri)
    task = ls.diagnostic_tasks.pop(uri, None)
    if task:
        task.cancel()
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def schedule_diagnostics(ls: BlockguideServer, uri: str, delay: float) -> None:
    """Stale-guide diagnostics, debounced: typing does not re-scan on every key."""
    if not ls.docs.supported(uri):
        return
    old = ls.diagnostic_tasks.pop(uri, None)
    if old:
        old.cancel()

    async def run() -> None:
        await asyncio.sleep(delay)
        doc = ls.docs.get(uri)
        if doc is not None:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, version=doc.version, diagnostics=ls.stale_diagnostics(uri)))

    ls.diagnostic_tasks[uri] = asyncio.ensure_future(run())


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, DOCUMENT_KIND, PREVIEW_KIND],
                          resolve_provider=True),
)
def code_action(ls: BlockguideServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    """Cheap: snap the selection on the kept tree; no analysis, no model, no disk."""
    uri = params.text_document.uri
    if not ls.docs.supported(uri):
        return None
    only = params.context.only
    try:
        src = ls.docs.source(uri)
    except JobError:
        return None
    doc = ls.docs.get(uri)
    actions: list[lsp.CodeAction] = []
    for diag in params.context.diagnostics:
        lines = convert.stale_lines(diag.data) if diag.code == "blockguide.stale" else None
        if lines is not None and _wanted(only, lsp.CodeActionKind.QuickFix):
            rng = lsp.Range(lsp.Position(lines[0], 0), lsp.Position(lines[1] + 1, 0))
            block = ls.block_for(src, rng)
            if block is not None:
                ls.docs.remember(uri, doc.version, rng.start.line, rng.end.line, block)
                actions.append(_action(ls, REGENERATE_TITLE, lsp.CodeActionKind.QuickFix,
                                       convert.ActionData(uri, rng, doc.version, "document"), [diag]))
    block = ls.block_for(src, params.range)
    if block is None:
        return actions or None
    ls.docs.remember(uri, doc.version, params.range.start.line, params.range.end.line, block)
    data = convert.ActionData(uri, params.range, doc.version, "document")
    if _wanted(only, DOCUMENT_KIND):
        actions.append(_action(ls, DOCUMENT_TITLE, DOCUMENT_KIND, data))
    if _wanted(only, PREVIEW_KIND):
        actions.append(_action(ls, PREVIEW_TITLE, PREVIEW_KIND,
                               convert.ActionData(uri, params.range, doc.version, "preview")))
    return actions or None


def _wanted(only: list[str] | None, kind: str) -> bool:
    # lsprotocol lets any JSON value through as a CodeActionKind: skip what is not a string
    return not only or any(isinstance(k, str) and (kind == k or kind.startswith(k + ".")) for k in only)


def _action(ls: BlockguideServer, title: str, kind: str, data: convert.ActionData,
            diagnostics: list[lsp.Diagnostic] | None = None) -> lsp.CodeAction:
    wire = convert.data_to_wire(data)
    action = lsp.CodeAction(title=title, kind=kind, diagnostics=diagnostics, data=wire,
                            tags=[lsp.CodeActionTag.LlmGenerated] if ls.caps.llm_tag else None)
    if data.action == "preview" or not ls.caps.resolve:
        # Preview never edits; a client without resolve runs the command, which applies the edit itself.
        command = CMD_PREVIEW if data.action == "preview" else CMD_DOCUMENT
        action.command = lsp.Command(title=title, command=command, arguments=[wire])
    return action


@server.feature(lsp.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: BlockguideServer, action: lsp.CodeAction) -> lsp.CodeAction:
    if action.command is not None or action.edit is not None:
        return action  # nothing to resolve: the client runs the command (VS Code and Neovim ask anyway)
    try:
        data = convert.action_data(action.data)
    except ValueError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None
    try:
        guide, edit = await ls.document(data, action_token(action), preview=data.action == "preview")
    except JobError as exc:
        ls.show(lsp.MessageType.Error, f"blockguide: {exc}")
        return action  # no edit: nothing changes
    action.edit = edit
    return action


def action_token(action: lsp.CodeAction) -> lsp.ProgressToken | None:
    return None  # codeAction/resolve carries no work-done token; the server creates one


def follow_cancellation(ls: BlockguideServer) -> None:
    """Let `$/cancelRequest` for this workspace/executeCommand cancel the running command.

    pygls runs a command's coroutine as a task of its own, apart from the request's future, so a cancel
    only answers the request; without this link the command would go on and apply its edit afterwards.
    """
    task = asyncio.current_task()
    request = ls.protocol._request_futures.get(ls.protocol.msg_id)
    if task is not None and request is not None and request is not task:
        request.add_done_callback(lambda f: task.cancel() if f.cancelled() else None)


@server.command(CMD_DOCUMENT)
async def document_command(ls: BlockguideServer, *args) -> dict:
    follow_cancellation(ls)
    data = _command_data(args)
    try:
        guide, edit = await ls.document(data, None, preview=False)
    except JobError as exc:
        ls.show(lsp.MessageType.Error, f"blockguide: {exc}")
        return {"applied": False, "error": f"blockguide: {exc}"}
    applied = False
    if edit is not None:
        try:
            result = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit, label=DOCUMENT_TITLE))
        except JsonRpcException as exc:  # the editor answered with an error, or with something malformed
            log.warning("workspace/applyEdit failed: %s", exc)
            result = lsp.ApplyWorkspaceEditResult(applied=False, failure_reason=f"the editor answered: {exc}")
        applied = bool(result and result.applied)
        if not applied:
            reason = (result.failure_reason if result else None) or "the editor refused the edit"
            ls.show(lsp.MessageType.Warning, f"blockguide: the guide was not inserted ({reason}); the document "
                    "changed meanwhile. Nothing was lost: run the action again.")
    return {"applied": applied, "markdown": to_markdown(guide)}


@server.command(CMD_PREVIEW)
async def preview_command(ls: BlockguideServer, *args) -> dict:
    follow_cancellation(ls)
    data = _command_data(args)
    try:
        guide, _ = await ls.document(data, None, preview=True)
    except JobError as exc:
        ls.show(lsp.MessageType.Error, f"blockguide: {exc}")
        return {"markdown": "", "error": f"blockguide: {exc}"}
    return {"markdown": to_markdown(guide), "title": guide.title}


@server.command(CMD_DOCTOR)
async def doctor_command(ls: BlockguideServer, *args) -> dict:
    checks = await doctor.run_checks(ls.settings)
    ls.status(*doctor.status_of(checks))
    return {"ok": all(c.ok for c in checks), "checks": [c.to_json() for c in checks]}


def _command_data(args: tuple) -> convert.ActionData:
    if len(args) != 1:
        raise JsonRpcInvalidParams(f"expected one argument {{uri, range, version}}, got {len(args)}")
    try:
        return convert.action_data(args[0])
    except ValueError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: BlockguideServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """Reads the text and the store; never calls the model."""
    uri = params.text_document.uri
    if not ls.docs.supported(uri):
        return None
    try:
        found = ls.hover_guide(uri, params.position.line, params.position.character)
    except JobError:
        return None
    if found is None:
        return None
    text, rng = found
    return lsp.Hover(contents=convert.markdown(text), range=rng)
