"""`lsp/protocol.py` replaces how pygls reads messages and builds documents, and uses a few of its private
attributes. It was written against pygls 2.1 (pinned in pyproject.toml). These tests fail when pygls changes
any of what it relies on, so an upgrade is a decision taken with protocol.py open, not a surprise."""

from __future__ import annotations

import hashlib
import inspect
from importlib.metadata import version

from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCProtocol
from pygls.workspace import Workspace
from pygls.workspace.text_document import TextDocument

from blockguide.lsp.protocol import BlockguideProtocol
from blockguide.lsp.server import BlockguideServer

# sha256 (first 16 hex digits) of the source of each pygls function protocol.py overrides or calls through
# `super()`: a change there can change the behaviour our override depends on.
OVERRIDDEN = {
    (JsonRPCProtocol, "structure_message"): "ac66b961a32acb07",
    (JsonRPCProtocol, "handle_message"): "d46f22474082c0cf",
    (JsonRPCProtocol, "_handle_request"): "74d28ad48dd25dbf",
    (Workspace, "_create_text_document"): "2811348670bdc571",
    (LanguageServerProtocol, "lsp_initialize"): "25d45da16abef004",
    # LspTextDocument edits the text in place of pygls's whole-text rewrite, and falls back to it
    (TextDocument, "_apply_incremental_change"): "c24283bca7694447",
    (TextDocument, "apply_change"): "94461cd5541fdfbb",
}

# private attributes of pygls's protocol that protocol.py and handlers.follow_cancellation read or call
PRIVATE = ("_request_futures", "_result_types", "_send_data", "_send_response", "_shutdown", "_converter",
           "_workspace", "msg_id")


def test_pygls_is_the_minor_version_protocol_py_was_written_for() -> None:
    assert version("pygls").startswith("2.1."), version("pygls")


def test_the_overridden_pygls_functions_are_unchanged() -> None:
    changed = {}
    for (cls, name), digest in OVERRIDDEN.items():
        source = inspect.getsource(getattr(cls, name))
        got = hashlib.sha256(source.encode()).hexdigest()[:16]
        if got != digest:
            changed[f"{cls.__name__}.{name}"] = got
    assert not changed, f"pygls changed what lsp/protocol.py overrides: {changed}"


def test_the_private_attributes_used_still_exist() -> None:
    protocol = BlockguideServer().protocol
    assert isinstance(protocol, BlockguideProtocol)
    missing = [name for name in PRIVATE if not hasattr(protocol, name) and not hasattr(type(protocol), name)]
    assert not missing, f"pygls no longer has {missing}"
