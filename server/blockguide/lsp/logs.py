"""Logging to stderr (stdout is the LSP transport) and to the editor's log via window/logMessage."""

from __future__ import annotations

import logging
import sys
import threading

from lsprotocol import types as lsp

_LEVELS = {
    logging.ERROR: lsp.MessageType.Error,
    logging.WARNING: lsp.MessageType.Warning,
    logging.INFO: lsp.MessageType.Info,
    logging.DEBUG: lsp.MessageType.Log,
}


class EditorLogHandler(logging.Handler):
    """Forwards records to the client once it is initialized; drops them (stderr has them) before."""

    def __init__(self, server) -> None:
        super().__init__(logging.INFO)
        self.server = server
        self._forwarding = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if not getattr(self.server, "ready", False) or record.name.startswith("pygls"):
            return
        if getattr(self._forwarding, "active", False):
            # logged while forwarding a record (e.g. the transport is closed and sending failed): forwarding
            # it too would recurse without end; stderr has it
            return
        self._forwarding.active = True
        try:
            kind = next(v for k, v in sorted(_LEVELS.items(), reverse=True) if record.levelno >= k)
            self.server.window_log_message(lsp.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # logging must never break the server
            pass
        finally:
            self._forwarding.active = False


def setup(server=None, debug: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(stderr)
    logging.getLogger("pygls").setLevel(logging.INFO if debug else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("parso").setLevel(logging.WARNING)
    if server is not None:
        handler = EditorLogHandler(server)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        root.addHandler(handler)
