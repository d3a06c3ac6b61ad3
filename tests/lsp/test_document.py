"""Document this block over LSP, driven as VS Code and as a client without resolve support."""

from __future__ import annotations

import asyncio
import re

import pytest
from lsprotocol import types as lsp

from tests.lsp.editor import start_editor
from tests.replay.fake_ollama import answer, guide_answer, http_error, invalid_json, slow

SLUG_DEF = (8, 0)  # `def slugify` (0-based line), in tests/conftest.py's SLUG
HEADINGS = ["Description", "Execution Steps", "Usage Example"]


def guide_lines(text: str) -> list[str]:
    return [l for l in text.split("\n") if "--- blockguide " in l]


def assert_spec_markdown(md: str) -> None:
    lines = md.split("\n")
    assert re.fullmatch(r"=+", lines[1]) and len(lines[1]) >= len(lines[0])
    for heading in HEADINGS:
        i = lines.index(heading)
        assert re.fullmatch(r"-+", lines[i + 1]), heading
    steps = [l for l in lines if re.match(r"^\d+\. ", l)]
    assert steps and all(re.match(r"^\d+\. \*\*[^*]+\*\*: \S", s) for s in steps)
    assert [int(s.split(".")[0]) for s in steps] == list(range(1, len(steps) + 1))
    assert sum(1 for l in lines if l.startswith("```")) == 2


async def test_listing_offers_document_and_preview_for_a_selection(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    actions = await editor.actions(uri, (10, 4), (12, 20))
    titles = {a.title: a for a in actions}
    assert set(titles) == {"Document this block", "Preview guide"}
    doc = titles["Document this block"]
    assert doc.kind == "refactor.rewrite.blockguide"
    assert doc.edit is None and doc.command is None  # VS Code resolves it
    assert doc.data["uri"] == uri and doc.data["version"] == 1
    assert titles["Preview guide"].command.command == "blockguide.previewGuide"


async def test_listing_with_empty_selection_needs_a_definition(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    inside = await editor.actions(uri, (11, 8))
    assert [a.title for a in inside] == ["Document this block", "Preview guide"]
    outside = await editor.actions(uri, (24, 0))  # `TITLE = ...` at module level
    assert outside == []
    only = await editor.actions(uri, (11, 8), only=[lsp.CodeActionKind.QuickFix])
    assert only == []


async def test_listing_unsupported_language_offers_nothing(editor, project):
    path = project / "notes.txt"
    path.write_text("just words\n")
    uri = editor.open(path, language="plaintext")
    assert await editor.actions(uri, (0, 0), (0, 4)) == []


async def test_resolve_inserts_a_versioned_guide_above_the_block(editor, project, fake):
    path = project / "src/textkit/slug.py"
    uri = editor.open(path)
    before = editor.text(uri)
    resolved = await editor.resolve(await editor.action(uri, (8, 0), (13, 0)))
    change = resolved.edit.document_changes[0]
    assert change.text_document.version == 1
    assert change.edits[0].range.start == lsp.Position(8, 0) == change.edits[0].range.end
    assert editor.apply(resolved.edit)
    after = editor.text(uri)
    inserted = after.split("\n")[8: 8 + change.edits[0].new_text.count("\n")]
    assert all(l.startswith("#") for l in inserted)
    # every original line is intact, in order, after the guide
    assert after.replace(change.edits[0].new_text, "", 1) == before
    md = "\n".join(l[2:] for l in inserted[1:-1])
    assert_spec_markdown(md)
    assert "from textkit.slug import slugify" in md
    # what the model was asked: structured output, the block and its real import path
    chat = fake.last_chat
    # the small model's job: the purpose and each outline step, exactly as many as the analysis found
    assert chat.format["required"] == ["description", "steps"]
    assert chat.format["properties"]["steps"]["minItems"] == chat.format["properties"]["steps"]["maxItems"]
    assert "def slugify" in chat.prompt_text and "Step 1 (outline: Decode `text`):\n    text = unicodedata.normalize(" in chat.prompt_text
    assert "slugify('Hello, World!')" in md  # the example is the analysis' own, from the real call in app.py
    # progress: begin, the stages, end
    reports = [r for rs in editor.client.progress_reports.values() for r in rs]
    kinds = [r.kind for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    messages = [getattr(r, "message", None) for r in reports]
    assert "analysing" in messages and "rendering" in messages
    assert any(m and m.startswith("generating (") for m in messages)


async def test_hover_shows_the_inserted_guide_and_the_stored_one(editor, project):
    path = project / "src/textkit/slug.py"
    uri = editor.open(path)
    original = editor.text(uri)
    await editor.document(uri, (8, 0), (12, 0))
    start = editor.text(uri).split("\n").index("def slugify(text: str, sep: str = \"-\") -> str:")
    hover = await editor.hover(uri, start + 2, 6)
    assert hover is not None and hover.contents.kind == lsp.MarkupKind.Markdown
    assert_spec_markdown(hover.contents.value)
    inserted = hover.contents.value
    # the guide taken out of the text again, the document closed (its previews go) and opened anew: the
    # hover comes from the guide store, for the same block
    editor.set_text(uri, original)
    editor.close(uri)
    uri = editor.open(path, text=original)
    stored = await editor.hover(uri, 10, 6)
    assert stored is not None and stored.range.start.line == 8
    assert_spec_markdown(stored.contents.value)
    assert stored.contents.value.split("\n")[3:] == inserted.split("\n")[3:]  # the same guide (its body)


async def test_running_again_replaces_the_guide_instead_of_stacking(editor, project, fake):
    uri = editor.open(project / "src/textkit/slug.py")
    await editor.document(uri, (8, 0), (12, 0))
    first = editor.text(uri)
    start = first.split("\n").index("def slugify(text: str, sep: str = \"-\") -> str:")
    # unchanged block: the stored guide replaces the one in the text (same text, still one guide)
    await editor.document(uri, (start, 0), (start + 4, 0))
    assert editor.text(uri) == first
    # changed block: a new guide replaces the old one, the code stays as the user left it
    changed = first.replace("text.lower()", "text.casefold()")
    editor.set_text(uri, changed)
    fake.add(answer({"description": "`slugify` makes a second take at a slug.", "steps": [
        {"label": "Normalize text", "sentence": "It decomposes accented letters and drops what is not ASCII."}]}))
    await editor.document(uri, (start, 0), (start + 4, 0))
    text = editor.text(uri)
    assert len(guide_lines(text)) == 1
    assert "second take" in text and "text.casefold()" in text.split("def slugify")[0]  # the new guide
    code = lambda t: [l for l in t.split("\n") if not l.startswith("#")]
    assert code(text) == code(changed)


async def test_changed_block_gets_a_stale_diagnostic_and_a_regenerate_fix(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    await editor.document(uri, (8, 0), (12, 0))
    text = editor.text(uri)
    editor.set_text(uri, text.replace("return text.strip(sep)", "return text.strip(sep).upper()"))
    await editor.wait_for(lambda: editor.client.diagnostics.get(uri))
    diag = editor.client.diagnostics[uri][0]
    assert diag.code == "blockguide.stale" and "out of date" in diag.message
    line = diag.range.start.line
    actions = await editor.actions(uri, (line, 0), diagnostics=[diag])
    fix = next(a for a in actions if a.title == "Regenerate guide")
    assert fix.kind == lsp.CodeActionKind.QuickFix
    resolved = await editor.resolve(fix)
    assert editor.apply(resolved.edit)
    assert len(guide_lines(editor.text(uri))) == 1
    await editor.wait_for(lambda: list(editor.client.diagnostics.get(uri)) == [])


async def test_preview_stores_the_guide_for_hover_and_edits_nothing(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    before = editor.text(uri)
    action = await editor.action(uri, (8, 0), (12, 0), title="Preview guide")
    result = await editor.command(action.command.command, *action.command.arguments)
    assert_spec_markdown(result["markdown"])
    assert editor.text(uri) == before and editor.applied == []
    hover = await editor.hover(uri, 11, 8)
    assert hover is not None and hover.contents.value.startswith(result["markdown"] + "\n\n---\n\n*blockguide: ")
    assert "drafted with `blockguide-tiny` (phrase)" in hover.contents.value  # how it was made: the detail


async def test_client_without_resolve_gets_a_command_that_applies_the_edit(plain_editor, project):
    editor = plain_editor
    uri = editor.open(project / "src/textkit/slug.py")
    action = await editor.action(uri, (8, 0), (12, 0))
    assert action.command.command == "blockguide.documentBlock" and action.edit is None
    result = await editor.command(action.command.command, *action.command.arguments)
    assert result["applied"] is True
    assert len(editor.applied) == 1
    assert editor.applied[0].document_changes[0].text_document.version == 1
    assert len(guide_lines(editor.text(uri))) == 1


async def test_resolve_hands_back_an_action_that_carries_a_command(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    preview = await editor.action(uri, (8, 0), (12, 0), title="Preview guide")
    assert await editor.resolve(preview) == preview


async def test_edit_above_the_block_before_resolve_relocates_it(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    action = await editor.action(uri, (8, 0), (12, 0))
    editor.set_text(uri, "# a new first line\n# and another\n" + editor.text(uri))
    resolved = await editor.resolve(action)
    change = resolved.edit.document_changes[0]
    assert change.text_document.version == 2
    assert change.edits[0].range.start.line == 10
    assert editor.apply(resolved.edit)


async def test_block_edited_during_generation_changes_nothing(editor, project, fake):
    uri = editor.open(project / "src/textkit/slug.py")
    fake.add(guide_answer(chunks=20, chunk_delay=0.1))
    action = await editor.action(uri, (8, 0), (12, 0))
    pending = asyncio.ensure_future(editor.resolve(action))
    await asyncio.to_thread(fake.wait_for_requests, 1, path="/api/chat")
    editor.set_text(uri, editor.text(uri).replace("text.lower()", "text.casefold()"))
    resolved = await pending
    assert resolved.edit is None
    assert any("edited while its guide was being written" in m.message for m in editor.client.messages)


async def test_cancelling_aborts_the_model_call_and_changes_nothing(editor, project, fake):
    uri = editor.open(project / "src/textkit/slug.py")
    before = editor.text(uri)
    fake.add(slow(30))
    action = await editor.action(uri, (8, 0), (12, 0))
    msg_id, pending = editor.request(lsp.CODE_ACTION_RESOLVE, action)
    await asyncio.to_thread(fake.wait_for_requests, 1, path="/api/chat")
    editor.cancel(msg_id)
    with pytest.raises(Exception) as info:
        await asyncio.wait_for(pending, 10)
    assert "cancel" in str(info.value).lower()
    await editor.wait_for(lambda: any(getattr(s, "detail", "") == "cancelled" for s in editor.statuses))
    token, reports = next(iter(editor.client.progress_reports.items()))
    assert reports[-1].kind == "end" and reports[-1].message == "cancelled"
    assert editor.text(uri) == before
    # the server still answers, and a later run works
    resolved = await editor.document(uri, (8, 0), (12, 0))
    assert resolved.edit is not None


async def test_progress_cancel_aborts_too(editor, project, fake):
    uri = editor.open(project / "src/textkit/slug.py")
    fake.add(slow(30))
    task = asyncio.ensure_future(editor.resolve(await editor.action(uri, (8, 0), (12, 0))))
    await asyncio.to_thread(fake.wait_for_requests, 1, path="/api/chat")
    token = next(iter(editor.client.progress_reports))
    editor.client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    with pytest.raises(Exception) as info:
        await asyncio.wait_for(task, 10)
    assert "cancel" in str(info.value).lower()
    assert editor.client.progress_reports[token][-1].kind == "end"


@pytest.mark.parametrize("fault, expected, edit", [
    (http_error(500, "boom"), "answered with an error (500)", False),  # the server refused: an error, no edit
    (slow(5), "did not answer within 1 s", True),  # the model could not be used: the guide from the code, and why
])
async def test_model_server_faults_give_a_clear_message(project, fake, tmp_path, fault, expected, edit):
    editor = await start_editor(project, tmp_path / "c", settings={"ollamaHost": fake.url, "timeout": 1})
    try:
        fake.add(fault)
        uri = editor.open(project / "src/textkit/slug.py")
        resolved = await editor.resolve(await editor.action(uri, (8, 0), (12, 0)))
        assert (resolved.edit is not None) == edit
        assert any(expected in m.message and (not edit or "without a model" in m.message)
                   for m in editor.client.messages), editor.client.messages
    finally:
        await editor.client.shutdown_session()
        await editor.client.stop()


async def test_ollama_down_says_how_to_start_it(project, tmp_path):
    editor = await start_editor(project, tmp_path / "c", settings={"ollamaHost": "http://127.0.0.1:9",
                                                                    "offlineFallback": False})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        resolved = await editor.resolve(await editor.action(uri, (8, 0), (12, 0)))
        assert resolved.edit is None
        message = editor.client.messages[-1]
        assert message.type == lsp.MessageType.Error
        assert "Cannot reach Ollama at http://127.0.0.1:9" in message.message and "ollama serve" in message.message
    finally:
        await editor.client.shutdown_session()
        await editor.client.stop()


async def test_missing_model_says_how_to_get_it(project, fake, tmp_path):
    editor = await start_editor(project, tmp_path / "c", settings={"ollamaHost": fake.url, "model": "qwen-coder-x"})
    try:
        uri = editor.open(project / "src/textkit/slug.py")
        resolved = await editor.resolve(await editor.action(uri, (8, 0), (12, 0)))
        assert resolved.edit is None
        assert "ollama pull qwen-coder-x" in editor.client.messages[-1].message
    finally:
        await editor.client.shutdown_session()
        await editor.client.stop()


async def test_invalid_json_is_retried_once_with_the_problem(editor, project, fake):
    fake.add(invalid_json())
    uri = editor.open(project / "src/textkit/slug.py")
    resolved = await editor.document(uri, (8, 0), (12, 0))
    assert resolved.edit is not None
    chats = fake.chat_requests
    assert len(chats) == 2
    assert "previous answer had these problems" in chats[1].prompt_text


async def test_invalid_json_twice_gives_the_guide_from_the_code_with_a_message(editor, project, fake):
    fake.add(invalid_json(), invalid_json())
    uri = editor.open(project / "src/textkit/slug.py")
    resolved = await editor.resolve(await editor.action(uri, (8, 0), (12, 0)))
    assert editor.apply(resolved.edit)
    assert "# --- blockguide " in editor.text(uri) and "(none) ---" in editor.text(uri)
    assert "Sure! Here is" not in editor.text(uri)  # nothing of the unreadable answer
    message = editor.client.messages[-1]
    assert message.type == lsp.MessageType.Warning and "could not be read twice" in message.message


async def test_docstring_style_goes_below_the_signature(project, fake, tmp_path):
    path = project / "src/textkit/deco.py"
    path.write_text('import functools\n\n\n@functools.cache\ndef area(\n    width: float,\n    height: float,\n'
                    ') -> float:\n    """Old docstring."""\n    return width * height\n')
    editor = await start_editor(project, tmp_path / "c", settings={"ollamaHost": fake.url,
                                                                    "insertionStyle": "docstring"})
    try:
        uri = editor.open(path)
        await editor.document(uri, (4, 0), (9, 0))
        text = editor.text(uri)
        lines = text.split("\n")
        assert lines[3] == "@functools.cache" and lines[7] == ") -> float:"
        assert lines[8].startswith('    """How to Use This Code Block')
        assert '"""Old docstring."""' not in text  # replaced (the guide may quote what it said)
        import ast
        tree = ast.parse(text)
        assert ast.get_docstring(tree.body[1]).startswith("How to Use This Code Block")
        # again: the docstring is replaced, not duplicated
        await editor.document(uri, (4, 0), (4, 0))
        assert editor.text(uri).count('"""') == 2
    finally:
        await editor.client.shutdown_session()
        await editor.client.stop()


async def test_javascript_function_gets_a_line_comment_guide(editor, project):
    path = project / "web" / "debounce.js"
    path.parent.mkdir()
    path.write_text("export function debounce(fn, ms) {\n  let t;\n  return (...args) => {\n"
                    "    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };\n}\n")
    uri = editor.open(path)
    await editor.document(uri, (0, 0), (6, 1))
    text = editor.text(uri)
    assert text.startswith("// --- blockguide ")
    assert text.endswith("export function debounce(fn, ms) {\n  let t;\n  return (...args) => {\n"
                         "    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };\n}\n")


async def test_settings_are_validated_and_pulled(project, fake, tmp_path):
    editor = await start_editor(project, tmp_path / "c", settings={"ollamaHost": fake.url, "temperature": "hot",
                                                                   "bogus": 1},
                                pull_settings={"model": "from-configuration"})
    try:
        await editor.wait_for(lambda: any(getattr(s, "model", None) == "from-configuration" for s in editor.statuses))
        warning = editor.client.messages[0].message
        assert "blockguide.temperature" in warning and "blockguide.bogus" in warning
        result = await editor.command("blockguide.doctor")
        model = next(c for c in result["checks"] if c["name"] == "model")
        assert model["ok"] is False and "from-configuration" in model["detail"]
    finally:
        await editor.client.shutdown_session()
        await editor.client.stop()


async def test_malformed_action_data_gets_an_error_not_silence(editor, project):
    with pytest.raises(Exception) as info:
        await editor.client.code_action_resolve_async(lsp.CodeAction(title="Document this block", data={"uri": 3}))
    assert "malformed" in str(info.value)
    with pytest.raises(Exception):
        await editor.command("blockguide.documentBlock", {"nope": True})
    assert await editor.hover(editor.open(project / "app.py"), 0, 0) is None


async def test_typing_keeps_the_tree_current(editor, project):
    uri = editor.open(project / "src/textkit/slug.py")
    await editor.actions(uri, (11, 8))  # parsed once
    for i, ch in enumerate("def added(x):\n    return x * 2\n\n\n"):  # typed one key at a time
        # the caret sits at the end of what has been typed so far, starting at line 6
        typed = "def added(x):\n    return x * 2\n\n\n"[:i]
        caret = (6 + typed.count("\n"), len(typed.split("\n")[-1]))
        editor.change(uri, caret, caret, ch)
    [action, _] = await editor.actions(uri, (7, 8))
    assert action.title == "Document this block"
    resolved = await editor.resolve(action)
    assert resolved.edit.document_changes[0].edits[0].range.start.line == 6


async def test_cancelling_the_command_stops_it_before_any_edit(plain_editor, project, fake):
    editor = plain_editor
    uri = editor.open(project / "src/textkit/slug.py")
    before = editor.text(uri)
    fake.add(guide_answer(chunks=30, chunk_delay=0.1))
    action = await editor.action(uri, (8, 0), (12, 0))
    msg_id, pending = editor.request(lsp.WORKSPACE_EXECUTE_COMMAND, lsp.ExecuteCommandParams(
        command=action.command.command, arguments=action.command.arguments))
    await asyncio.to_thread(fake.wait_for_requests, 1, path="/api/chat")
    editor.cancel(msg_id)
    with pytest.raises(Exception) as info:
        await asyncio.wait_for(pending, 10)
    assert "cancel" in str(info.value).lower()
    await asyncio.sleep(4)  # longer than the rest of the answer would have taken
    assert editor.applied == [] and editor.text(uri) == before
    assert any(getattr(s, "detail", "") == "cancelled" for s in editor.statuses)
