"""Model-server faults, each through a real editor session (pytest-lsp, VS Code's capabilities).

Each ends with: a clear message; no edit for a server that refuses the request (or is not a working Ollama with
offlineFallback off), the guide built from the code alone when the model could not be used (a timeout, a cut
stream, an answer that cannot be used), a complete one when the answer was usable; every progress bar ended,
the server still answering, and a normal run working afterwards.
"""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp

from tests.faults.conftest import SLUG_BLOCK, Survival, guide_free, stop_editor
from tests.faults.servers import BadServer
from tests.lsp.editor import start_editor
from tests.replay.fake_ollama import (
    FakeOllama,
    drop_mid_stream,
    guide_answer,
    http_error,
    huge,
    invalid_json,
    raw_newlines,
    refused_url,
    repetition,
    slow,
    think,
    truncated_json,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

# fault id → (answers to script, what the message must say); the session's timeout is 2 s
SCRIPTED = {
    "http-500": ([http_error(500)], [r"answered with an error \(500\)", "llama runner"]),
    "http-503-busy": ([http_error(503)], [r"\(503\)", "busy"]),
    "http-404-plain-text": ([http_error(404, "404 page not found")], ["not available"]),
}
# the model could not be used: the guide built from the code, marked (none), and a warning that says why
WITHOUT_MODEL = {
    "slow-past-timeout": ([slow(6)], ["did not answer within 2 s", "timeout"]),
    "stalls-mid-stream": ([guide_answer(chunks=10, chunk_delay=6)], ["did not answer within 2 s"]),
    "killed-mid-generation": ([drop_mid_stream(3)], ["broke during generation", "still running"]),
    "reset-mid-generation": ([drop_mid_stream(3, reset=True)], ["broke during generation|Cannot reach"]),
    "endless-repetition": ([repetition(count=3000)], ["repeating itself"]),
    "enormous-answer": ([huge(2_000_000)], ["ran past"]),
    "enormous-non-json": ([huge(2_000_000, valid=False)], ["ran past"]),
}
# answers that are odd but usable: a complete edit, without the oddity in the guide
USABLE = {
    "think-block": [think(thought="SECRET-THOUGHT about the slug")],
    "think-field": [think(thought="SECRET-THOUGHT about the slug", as_field=True)],
    "raw-newlines-in-json": [raw_newlines()],
    "non-json-then-good": [invalid_json(), guide_answer()],
    # cut off by the token cap after whole steps: those are kept, the example is blockguide's own
    "cut-off-at-the-token-cap-twice": [truncated_json(keep=0.6), truncated_json(keep=0.6)],
}


async def _document_with(session: Survival, answers: list) -> tuple[str, int, lsp.CodeAction]:
    """The fake model scripted with `answers`, a fresh copy of the file documented: (its uri, the count of
    messages before, the resolved action)."""
    ed = session.editor
    session.fake.add(*answers)
    uri = session.fresh_copy()
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 60)
    return uri, mark, resolved


@pytest.mark.parametrize("fault", list(SCRIPTED))
async def test_scripted_model_fault(clean: Survival, fault: str) -> None:
    session = clean
    answers, expected = SCRIPTED[fault]
    ed = session.editor
    uri, mark, resolved = await _document_with(session, answers)
    assert resolved.edit is None
    session.message(mark, *expected)
    assert ed.text(uri) == session.original[uri]
    session.progress_closed()
    await session.still_answers(uri)
    await session.still_documents()


@pytest.mark.parametrize("fault", list(WITHOUT_MODEL))
async def test_a_model_that_cannot_be_used_gives_the_guide_from_the_code_and_says_why(clean: Survival,
                                                                                     fault: str) -> None:
    session = clean
    answers, expected = WITHOUT_MODEL[fault]
    ed = session.editor
    uri, mark, resolved = await _document_with(session, answers)
    assert resolved.edit is not None and ed.apply(resolved.edit)
    session.message(mark, "built from the code alone, without a model", *expected, kinds=(lsp.MessageType.Warning,))
    text = ed.text(uri)
    assert guide_free(text) == session.original[uri] and "(none) ---" in text
    session.progress_closed()
    await session.still_answers(uri)
    await session.still_documents()


# answers the model's job cannot use at all: the guide built from the code, marked (none), and a warning
UNREADABLE = {
    "non-json-twice": [invalid_json(), invalid_json()],
    # cut off so early that no whole step is left to keep
    "truncated-json-twice": [truncated_json(keep=0.12), truncated_json(keep=0.12)],
}


@pytest.mark.parametrize("fault", list(UNREADABLE))
async def test_an_unreadable_answer_twice_gives_the_guide_from_the_code(clean: Survival, fault: str) -> None:
    session = clean
    ed = session.editor
    session.fake.add(*UNREADABLE[fault])
    uri = session.fresh_copy()
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 60)
    assert ed.apply(resolved.edit)
    session.message(mark, "built from the code alone, without a model", "could not be read twice",
                    kinds=(lsp.MessageType.Warning,))
    text = ed.text(uri)
    assert guide_free(text) == session.original[uri] and "(none) ---" in text
    session.progress_closed()
    await session.still_documents()


@pytest.mark.parametrize("fault", list(USABLE))
async def test_odd_but_usable_answer_gives_a_complete_guide(clean: Survival, fault: str) -> None:
    session = clean
    ed = session.editor
    session.fake.add(*USABLE[fault])
    uri = session.fresh_copy()
    resolved = await asyncio.wait_for(ed.document(uri, *SLUG_BLOCK), 60)
    assert resolved.edit is not None
    text = ed.text(uri)
    assert guide_free(text) == session.original[uri]
    assert "SECRET-THOUGHT" not in text and "<think>" not in text
    session.progress_closed()


@pytest.mark.parametrize("mode, expected", [
    ("not-running", ["Cannot reach Ollama at http://127.0.0.1:", "ollama serve"]),
    ("reset", ["Cannot reach Ollama|broke|connection"]),
    ("silent", ["did not answer within 2 s"]),
    ("garbage", ["Ollama"]),
    ("html", ["Ollama"]),
])
async def test_host_that_is_not_a_working_ollama(clean: Survival, mode: str, expected: list[str]) -> None:
    session = clean
    ed = session.editor
    bad = BadServer(mode) if mode != "not-running" else None
    try:
        url = bad.url if bad else refused_url()
        await set_settings(session, {"ollamaHost": url, "timeout": 2, "offlineFallback": False})
        uri = session.fresh_copy()
        mark = len(ed.client.messages)
        resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 60)
        assert resolved.edit is None
        text = session.message(mark, *expected)
        assert url in text, text  # it names the host it tried
        assert ed.text(uri) == session.original[uri]
        session.progress_closed()
        await session.still_answers(uri)
        states = [getattr(s, "state", None) for s in ed.statuses]
        # the status bar says what kind of failure it was (garbage may break the connection or the answer)
        expected_state = {"not-running": {"unreachable"}, "reset": {"unreachable"}, "silent": {"ready"}}
        assert states[-1] in expected_state.get(mode, {"unreachable", "ready"}), states
    finally:
        if bad:
            bad.close()
    await set_settings(session, {"ollamaHost": session.fake.url, "timeout": 2, "offlineFallback": True})
    await session.still_documents()


async def test_no_model_server_gives_the_guide_built_without_a_model(clean: Survival) -> None:
    """offlineFallback (the default): nothing answers at the host → the static guide, marked, and a warning."""
    session = clean
    ed = session.editor
    url = refused_url()
    await set_settings(session, {"ollamaHost": url, "timeout": 2})
    try:
        uri = session.fresh_copy()
        mark = len(ed.client.messages)
        resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 60)
        assert resolved.edit is not None
        session.message(mark, "built from the code alone, without a model", f"Cannot reach Ollama at {url}",
                        "offlineFallback", kinds=(lsp.MessageType.Warning,))
        assert ed.apply(resolved.edit)
        text = ed.text(uri)
        assert guide_free(text) == session.original[uri]
        assert "(none) ---" in text and "import slugify" in text
        assert "Generated without a model" not in text and "Cannot reach" not in text  # the guide, not our log
        assert ed.statuses[-1].state == "unreachable"
        session.progress_closed()
        # not stored: once the server is back the model writes the guide
        await set_settings(session, {"ollamaHost": session.fake.url})
        session.fake.add(guide_answer())
        first = ed.text(uri).split("\n").index('def slugify(text: str, sep: str = "-") -> str:')
        again = await asyncio.wait_for(ed.resolve(await ed.action(uri, (first, 0), (first + 4, 0))), 60)
        assert ed.apply(again.edit)
        assert "(none) ---" not in ed.text(uri) and "(blockguide-tiny) ---" in ed.text(uri)
        assert guide_free(ed.text(uri)) == session.original[uri]
    finally:
        await set_settings(session, {"ollamaHost": session.fake.url, "timeout": 2})


async def test_a_connection_that_breaks_midway_gives_the_guide_from_the_code_and_says_why(clean: Survival) -> None:
    session = clean
    ed = session.editor
    session.fake.add(drop_mid_stream(reset=True))
    uri = session.fresh_copy()
    mark = len(ed.client.messages)
    resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 60)
    assert resolved.edit is not None and ed.apply(resolved.edit)
    session.message(mark, "broke during generation|Cannot reach", "without a model")
    assert "(none) ---" in ed.text(uri) and guide_free(ed.text(uri)) == session.original[uri]
    await session.still_documents()


async def test_model_missing_says_how_to_get_it(clean: Survival) -> None:
    session = clean
    ed = session.editor
    await set_settings(session, {"ollamaHost": session.fake.url, "model": "qwen-coder-x"})
    uri = session.fresh_copy()
    mark = len(ed.client.messages)
    resolved = await ed.resolve(await ed.action(uri, *SLUG_BLOCK))
    assert resolved.edit is None
    session.message(mark, "qwen-coder-x", "ollama pull qwen-coder-x")
    assert ed.statuses[-1].state == "modelMissing"
    assert ed.text(uri) == session.original[uri]
    await set_settings(session, {"ollamaHost": session.fake.url, "model": "blockguide-tiny"})
    await session.still_documents()


@pytest.mark.parametrize("host", ["http://[bad", "ftp://127.0.0.1:1", "127.0.0.1:99999", "   ", 42])
async def test_malformed_host_setting_is_refused_and_the_last_good_one_kept(clean: Survival, host) -> None:
    session = clean
    ed = session.editor
    mark = len(ed.client.messages)
    await set_settings(session, {"ollamaHost": host}, wait=False)
    await ed.wait_for(lambda: len(ed.client.messages) > mark or host == "   ")
    if host != "   ":  # blank means "the default", not an error
        session.message(mark, "blockguide.ollamaHost", "keeping")
    await session.still_documents()  # still on the replayed Ollama


ENV_HOSTS = ["http://[bad", "::::", "ftp://x"]


async def test_malformed_ollama_host_environment_gives_a_clear_message(project, fake, tmp_path) -> None:
    """A bad OLLAMA_HOST made `import ollama` fail, so the server died at start; now the request says why."""

    async def one(env_host: str, n: int) -> None:
        ed = await start_editor(project, tmp_path / f"cache{n}", settings={"timeout": 2},
                                env={"OLLAMA_HOST": env_host})
        try:
            session = Survival(ed, project, fake)
            uri = session.fresh_copy()
            mark = len(ed.client.messages)
            resolved = await asyncio.wait_for(ed.resolve(await ed.action(uri, *SLUG_BLOCK)), 30)
            assert resolved.edit is None
            session.message(mark, "not a valid URL", "ollamaHost", "OLLAMA_HOST")
            assert ed.text(uri) == session.original[uri]
            await session.still_answers(uri)
            doctor = await ed.command("blockguide.doctor")
            assert not doctor["ok"] and "not a valid URL" in doctor["checks"][-1]["fix"]
        finally:
            await stop_editor(ed)

    await asyncio.gather(*(one(h, i) for i, h in enumerate(ENV_HOSTS)))


async def test_ollama_killed_mid_generation_and_started_again(project, tmp_path) -> None:
    """The model server process goes away while it streams, then comes back on the same port: the guide built
    without the model is given, with the reason, and the model is used again once it is back."""
    first = FakeOllama([guide_answer(chunks=40, chunk_delay=0.1)]).start()
    port = first.port
    ed = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": first.url, "timeout": 5})
    try:
        session = Survival(ed, project, first)
        uri = session.fresh_copy()
        mark = len(ed.client.messages)
        pending = asyncio.ensure_future(ed.resolve(await ed.action(uri, *SLUG_BLOCK)))
        await asyncio.to_thread(first.wait_for_requests, 1, path="/api/chat")
        await asyncio.sleep(0.5)
        await asyncio.to_thread(first.stop)
        resolved = await asyncio.wait_for(pending, 30)
        # the guide built from the code, marked (none), and a warning that says why: never half the model's text
        assert resolved.edit is not None and ed.apply(resolved.edit)
        session.message(mark, "broke during generation|Cannot reach|ended the answer early",
                        kinds=(lsp.MessageType.Warning,))
        text = ed.text(uri)
        assert guide_free(text) == session.original[uri] and "(none) ---" in text
        await session.still_answers(uri)
        again = FakeOllama(port=port).start()
        try:
            session.fake = again
            await session.still_documents()
        finally:
            again.stop()
    finally:
        first.stop()
        await stop_editor(ed)


async def set_settings(session: Survival, settings: dict, wait: bool = True) -> None:
    """Change settings the way VS Code does: new configuration, then didChangeConfiguration (pulled)."""
    ed = session.editor
    current = dict(getattr(session, "_settings", {"ollamaHost": session.fake.url, "timeout": 2}))
    current.update(settings)
    session._settings = current  # type: ignore[attr-defined]
    ed.client.set_configuration(current, section="blockguide")
    count = len(ed.statuses)
    ed.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    if wait:
        await ed.wait_for(lambda: len(ed.statuses) > count)
