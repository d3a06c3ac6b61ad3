from __future__ import annotations

import pytest_asyncio

from tests.lsp.editor import start_editor


@pytest_asyncio.fixture
async def editor(project, fake, tmp_path):
    """VS Code's capabilities, the replayed Ollama as the model server."""
    ed = await start_editor(project, tmp_path / "cache", settings={"ollamaHost": fake.url, "timeout": 10})
    yield ed
    await ed.client.shutdown_session()
    await ed.client.stop()


@pytest_asyncio.fixture
async def plain_editor(project, fake, tmp_path):
    """A client without codeAction/resolve (Emacs eglot's capabilities): the command path."""
    ed = await start_editor(project, tmp_path / "cache", client_name="emacs",
                            settings={"ollamaHost": fake.url, "timeout": 10})
    yield ed
    await ed.client.shutdown_session()
    await ed.client.stop()
