"""Work-done progress as an async context manager, linked to cancellation."""

from __future__ import annotations

import asyncio
import logging
import uuid

from lsprotocol import types as lsp

log = logging.getLogger(__name__)


class WorkProgress:
    """Begin on enter, end on exit; `report` in between. Without client support it only logs.

    A client's cancel of the progress cancels `task` (the request), which aborts the model call.
    """

    def __init__(self, server, title: str, token: lsp.ProgressToken | None, task: asyncio.Task | None) -> None:
        self.server = server
        self.title = title
        self.token = token
        self.task = task
        self.active = False
        self.messages: list[str] = []

    async def __aenter__(self) -> "WorkProgress":
        progress = self.server.work_done_progress
        if self.token is None and self.server.caps.work_done_progress:
            token = f"blockguide-{uuid.uuid4()}"
            try:
                await asyncio.wait_for(progress.create_async(token), timeout=5)
                self.token = token
            except Exception as exc:  # the client refused or never answered: go on without a bar
                log.info("no progress bar: %s", exc)
        if self.token is not None:
            progress.begin(self.token, lsp.WorkDoneProgressBegin(title=self.title, cancellable=True,
                                                                 message="analysing"))
            self.active = True
            future = progress.tokens.get(self.token)
            if future is not None and self.task is not None:
                task = self.task
                future.add_done_callback(lambda f: task.cancel() if f.cancelled() else None)
        self.messages.append("analysing")
        return self

    def report(self, message: str) -> None:
        if self.messages and self.messages[-1] == message:
            return
        self.messages.append(message)
        if self.active:
            self.server.work_done_progress.report(self.token, lsp.WorkDoneProgressReport(message=message))

    async def __aexit__(self, exc_type, exc, tb) -> None:
        if self.active:
            message = "cancelled" if exc_type is asyncio.CancelledError else ("failed" if exc else "done")
            self.server.work_done_progress.end(self.token, lsp.WorkDoneProgressEnd(message=message))
            self.server.work_done_progress.tokens.pop(self.token, None)
            self.active = False
