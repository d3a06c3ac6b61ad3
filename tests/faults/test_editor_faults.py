"""Editor faults: the document edited, closed or deleted during generation, many requests at once,
cancellation at each stage. One editor session (VS Code's capabilities) survives them all in turn.
"""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp

from tests.faults.conftest import SLUG_BLOCK, Survival, guide_free
from tests.replay.fake_ollama import guide_answer, slow

pytestmark = pytest.mark.asyncio(loop_scope="module")

SLOW_GUIDE = dict(chunks=20, chunk_delay=0.05)  # about a second of streaming

EXTRA = '''

def shout(text: str) -> str:
    """Upper-case text with an exclamation mark."""
    return text.upper() + "!"


def whisper(text: str) -> str:
    return text.lower() + "..."
'''


async def start_generation(session: Survival, uri: str, block=SLUG_BLOCK) -> asyncio.Future:
    """Resolve "Document this block" and return once the model is streaming its answer."""
    ed = session.editor
    session.fake.add(guide_answer(**SLOW_GUIDE))
    before = len(session.fake.chat_requests)
    pending = asyncio.ensure_future(ed.resolve(await ed.action(uri, *block)))
    await asyncio.to_thread(session.fake.wait_for_requests, before + 1, path="/api/chat")
    return pending


def lines(text: str) -> list[str]:
    return text.split("\n")


# --- edits during generation ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["above", "below", "above-and-below", "whole-document-resent"])
async def test_edit_outside_the_block_during_generation_still_inserts_at_the_block(clean: Survival, where) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    pending = await start_generation(clean, uri)
    text = ed.text(uri)
    if where == "above":
        ed.change(uri, (0, 0), (0, 0), "# a new first line\n# and another\n")
    elif where == "below":
        ed.change(uri, (len(lines(text)) - 1, 0), (len(lines(text)) - 1, 0), EXTRA)
    elif where == "above-and-below":
        ed.change(uri, (len(lines(text)) - 1, 0), (len(lines(text)) - 1, 0), EXTRA)
        ed.change(uri, (2, 0), (3, 0), "")  # `import re` removed
    else:
        ed.set_text(uri, "import os\n" + text)
    edited = ed.text(uri)
    resolved = await asyncio.wait_for(pending, 30)
    assert resolved.edit is not None
    change = resolved.edit.document_changes[0]
    assert change.text_document.version == ed.version(uri)  # computed against the document as it is now
    assert ed.apply(resolved.edit)
    after = ed.text(uri)
    assert guide_free(after) == edited  # every line the user typed is there, in order
    at = lines(after).index('def slugify(text: str, sep: str = "-") -> str:')
    assert lines(after)[at - 1] == "# --- end blockguide ---"  # the guide sits right above the block
    clean.progress_closed()


@pytest.mark.parametrize("edit", ["inside", "block-deleted", "block-replaced-by-other-code"])
async def test_block_changed_during_generation_gets_no_edit_and_a_message(clean: Survival, edit: str) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    pending = await start_generation(clean, uri)
    text = ed.text(uri)
    if edit == "inside":
        col = lines(text)[11].index("text.lower()")
        ed.change(uri, (11, col), (11, col + len("text.lower()")), "text.casefold()")
    elif edit == "block-deleted":
        ed.change(uri, (8, 0), (13, 0), "")
    else:
        ed.set_text(uri, text.replace("def slugify", "def other_name"))
    edited = ed.text(uri)
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(pending, 30)
    assert resolved.edit is None
    clean.message(mark, "nothing was changed")
    assert ed.text(uri) == edited and edited != text
    clean.progress_closed()
    await clean.still_answers()


async def test_typing_inside_the_block_while_generating_then_undoing_still_inserts(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    pending = await start_generation(clean, uri)
    ed.change(uri, (11, 4), (11, 4), "x")  # typed …
    ed.change(uri, (11, 4), (11, 5), "")  # … and undone
    resolved = await asyncio.wait_for(pending, 30)
    assert resolved.edit is not None and ed.apply(resolved.edit)
    assert guide_free(ed.text(uri)) == clean.original[uri]


async def test_document_closed_during_generation(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    pending = await start_generation(clean, uri)
    ed.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(pending, 30)
    assert resolved.edit is None
    clean.message(mark, "not open", "nothing was changed")
    clean.progress_closed()
    # opened again, it works
    path = clean.project / "src" / "textkit" / uri.rsplit("/", 1)[1]
    assert path.read_text() == clean.original[uri]  # the server never writes files
    uri = ed.open(path)
    resolved = await ed.document(uri, *SLUG_BLOCK)
    assert resolved.edit is not None


@pytest.mark.parametrize("close", [False, True])
async def test_file_deleted_on_disk_during_generation(clean: Survival, close: bool) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    path = clean.project / "src" / "textkit" / uri.rsplit("/", 1)[1]
    pending = await start_generation(clean, uri)
    path.unlink()
    if close:  # the editor closes a deleted file's tab
        ed.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri=uri)))
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(pending, 30)
    assert not path.exists()  # nothing recreated it
    if close:
        assert resolved.edit is None
        clean.message(mark, "not open")
    else:  # the buffer is still open in the editor: the guide goes into the buffer
        assert resolved.edit is not None and ed.apply(resolved.edit)
        assert guide_free(ed.text(uri)) == clean.original[uri]
    await clean.still_answers()


async def test_file_deleted_before_documenting_is_documented_from_the_buffer(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    (clean.project / "src" / "textkit" / uri.rsplit("/", 1)[1]).unlink()
    resolved = await ed.document(uri, *SLUG_BLOCK)
    assert resolved.edit is not None
    assert guide_free(ed.text(uri)) == clean.original[uri]


# --- many requests at once ----------------------------------------------------------------------------


async def test_twenty_requests_at_once_on_one_document(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    original = ed.text(uri)
    ed.set_text(uri, original + EXTRA)
    original = ed.text(uri)
    # slugify, class Slugger, Slugger.make, shout, whisper
    blocks = [SLUG_BLOCK, ((15, 0), (21, 0)), ((19, 8), (19, 8)), ((27, 0), (30, 0)), ((32, 4), (32, 4))]
    actions = [await ed.action(uri, *blocks[i % len(blocks)]) for i in range(20)]
    results = await asyncio.wait_for(asyncio.gather(*(ed.resolve(a) for a in actions), return_exceptions=True), 60)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert all(r.edit is not None for r in results)  # each against version 2, the document as it was
    applied = [ed.apply(r.edit) for r in results]
    assert applied[0] and not any(applied[1:])  # the editor takes the first, refuses the now stale others
    assert guide_free(ed.text(uri)) == original
    await clean.still_answers(uri)


async def test_twenty_requests_at_once_on_twenty_documents(clean: Survival) -> None:
    ed = clean.editor
    uris = [clean.fresh_copy() for _ in range(20)]
    results = await asyncio.wait_for(asyncio.gather(*(ed.document(u, *SLUG_BLOCK) for u in uris),
                                                    return_exceptions=True), 90)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    for uri in uris:
        text = ed.text(uri)
        assert guide_free(text) == clean.original[uri]
        assert text.count("# --- end blockguide ---") == 1
    clean.progress_closed()


async def test_twenty_at_once_with_half_of_them_failing(clean: Survival) -> None:
    ed = clean.editor
    from tests.replay.fake_ollama import http_error

    clean.fake.add(*[http_error(500) if i % 2 else guide_answer() for i in range(20)])
    uris = [clean.fresh_copy() for _ in range(20)]
    actions = [await ed.action(u, *SLUG_BLOCK) for u in uris]
    results = await asyncio.wait_for(asyncio.gather(*(ed.resolve(a) for a in actions)), 90)
    done = [r for r in results if r.edit is not None]
    assert 5 <= len(done) <= 15  # which ones fail depends on the order they reach the model
    for r, uri in zip(results, uris):
        if r.edit is not None:
            assert ed.apply(r.edit)
        assert guide_free(ed.text(uri)) == clean.original[uri]
    clean.progress_closed()
    await clean.still_documents()


# --- cancellation at each stage ----------------------------------------------------------------------


async def cancel_when(session: Survival, stage: str) -> tuple[str, object]:
    """Start a resolve and cancel it at `stage`; returns the URI and the outcome (exception or result)."""
    ed = session.editor
    uri = session.fresh_copy()
    action = await ed.action(uri, *SLUG_BLOCK)
    session.fake.add(slow(30))
    chats = len(session.fake.chat_requests)
    tokens = set(ed.client.progress_reports)
    msg_id, pending = ed.request(lsp.CODE_ACTION_RESOLVE, action)
    if stage == "just-sent":
        for _ in range(3):  # let the client write the request first (pytest-lsp sends it from a task)
            await asyncio.sleep(0)
        ed.cancel(msg_id)
    elif stage == "progress-begun":
        await ed.wait_for(lambda: set(ed.client.progress_reports) - tokens)
        ed.cancel(msg_id)
    elif stage == "generating":
        await asyncio.to_thread(session.fake.wait_for_requests, chats + 1, path="/api/chat")
        ed.cancel(msg_id)
    elif stage == "progress-cancel":
        await asyncio.to_thread(session.fake.wait_for_requests, chats + 1, path="/api/chat")
        token = next(iter(set(ed.client.progress_reports) - tokens))
        ed.client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    try:
        outcome = await asyncio.wait_for(pending, 15)
    except Exception as exc:  # noqa: BLE001
        outcome = exc
    return uri, outcome


@pytest.mark.parametrize("stage", ["just-sent", "progress-begun", "generating", "progress-cancel"])
async def test_cancel_at_each_stage_changes_nothing(clean: Survival, stage: str) -> None:
    ed = clean.editor
    uri, outcome = await cancel_when(clean, stage)
    assert isinstance(outcome, Exception) and "cancel" in str(outcome).lower(), \
        (outcome, [m.message for m in ed.client.messages[-2:]])
    assert ed.text(uri) == clean.original[uri]
    clean.progress_closed()
    await asyncio.sleep(0.3)
    assert not any(isinstance(e, lsp.WorkspaceEdit) for e in ed.applied)
    await clean.still_documents()


async def test_cancel_after_the_answer_is_harmless(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    msg_id, pending = ed.request(lsp.CODE_ACTION_RESOLVE, await ed.action(uri, *SLUG_BLOCK))
    resolved = await pending
    ed.cancel(msg_id)  # too late: nothing to cancel
    ed.cancel("no-such-request")
    assert resolved.edit is not None
    await clean.still_documents()


async def test_cancel_listing_and_hover(clean: Survival) -> None:
    ed = clean.editor
    uri = clean.fresh_copy()
    for method, params in [
        (lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=lsp.Range(lsp.Position(8, 0), lsp.Position(12, 0)),
            context=lsp.CodeActionContext(diagnostics=[]))),
        (lsp.TEXT_DOCUMENT_HOVER, lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri),
                                                  position=lsp.Position(9, 4))),
    ]:
        msg_id, pending = ed.request(method, params)
        ed.cancel(msg_id)
        try:
            await asyncio.wait_for(pending, 10)  # answered, or cancelled: either way not left hanging
        except Exception as exc:  # noqa: BLE001
            assert "cancel" in str(exc).lower()
    await clean.still_answers(uri)
