"""JSON-RPC message handling that answers every request, whatever arrives on the wire.

Stock pygls 2.1 structures messages inside `json.loads(object_hook=...)`: a request whose params do not
match their type (a negative line, `codeAction/resolve` with `{}`) raises there and is never answered, a
body that is not JSON gets no answer either, and requests after `shutdown` are dropped. An editor then
waits forever. This protocol takes raw objects from the reader and structures each whole message itself,
so it knows the id it owes an answer to:

- malformed params → InvalidParams (-32602) naming the bad field, without echoing its value;
- not a JSON-RPC 2.0 request (no `jsonrpc`, a method that is not a string, an object id) → InvalidRequest
  (-32600), with the id when it has a usable one, else `null`;
- a body that is not JSON (or not UTF-8) → ParseError (-32700) to the id found in the text, else `null`;
- a request before `initialize` → ServerNotInitialized (-32002); `initialize` twice or a request after
  `shutdown` → InvalidRequest; a notification method sent as a request → InvalidRequest;
- a malformed answer to one of the server's own requests fails that request instead of leaving it pending;
- bad notifications are dropped with a log line (JSON-RPC forbids answering them).

Log lines name the method and the fields, never the values: params carry the user's code.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import unquote

import cattrs
from lsprotocol import types as lsp
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

log = logging.getLogger(__name__)

_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class LspTextDocument(TextDocument):
    """A document split into lines the way LSP counts them: at LF, CRLF and CR only, and edited in place of
    the lines an incremental change touches.

    pygls uses str.splitlines(), which also breaks at FF, VT, \\x1c-\\x1e, NEL, U+2028 and U+2029: in a file
    holding one of those (a form feed between C or Python sections, U+2028 in a JS string) every incremental
    change after it landed on the wrong line, and the server's copy drifted from the editor's. pygls also
    splits the whole text and writes every line out again on each change (14 ms a keystroke in a 3,000-line
    file); here the lines are kept and a change re-splits only the lines it touches.
    """

    _kept_lines: list[str] | None = None
    _kept_for: str | None = None  # the text _kept_lines were split from

    @property
    def lines(self) -> list[str]:
        source = self.source
        if self._kept_for is not source:
            self._kept_lines, self._kept_for = _LSP_LINE.findall(source), source
        return self._kept_lines

    def _apply_incremental_change(self, change) -> None:
        lines = self.lines
        rng = self._position_codec.range_from_client_units(lines, change.range)
        first, last = rng.start.line, rng.end.line
        if not lines or (last, rng.end.character) < (first, rng.start.character):
            super()._apply_incremental_change(change)  # an empty document or a reversed range: as pygls does
            return
        source = self.source
        start = sum(map(len, lines[:first])) + rng.start.character
        end = sum(map(len, lines[:last])) + rng.end.character
        # Re-split the touched lines with one more on each side: a CR left before an LF becomes one break.
        lo, hi = max(0, first - 1), min(len(lines), last + 2)
        lo_offset = start - rng.start.character - (len(lines[lo]) if lo < first else 0)
        hi_offset = end - rng.end.character + sum(map(len, lines[last:hi]))
        text = source[:start] + change.text + source[end:]
        grown = len(text) - len(source)
        middle = _LSP_LINE.findall(text[lo_offset:hi_offset + grown])
        self._source = text
        self._kept_lines, self._kept_for = lines[:lo] + middle + lines[hi:], text

class LspWorkspace(Workspace):
    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None) -> TextDocument:
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self._position_codec)


_ID_IN_TEXT = re.compile(r'"id"\s*:\s*(-?\d{1,15}(?![\d.eE])|"(?:[^"\\\n]|\\.){0,200}")')


def _usable_id(msg_id: Any) -> bool:
    return isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool)


def describe_structure_error(exc: BaseException, limit: int = 3) -> str:
    """Where a message failed to structure (`$.position.line: ...`), without the values themselves."""
    if isinstance(exc, cattrs.BaseValidationError):
        try:
            problems = cattrs.transform_error(exc, path="$")
        except Exception:  # noqa: BLE001 - a description must never fail
            problems = []
        if problems:
            # "invalid value for type, expected int @ $.params.position.line": the reason and the path
            return "; ".join(problems[:limit]) + (f"; and {len(problems) - limit} more" if len(problems) > limit else "")
    return type(exc).__name__


class BlockguideProtocol(LanguageServerProtocol):
    """A LanguageServerProtocol that owes, and gives, an answer to every request it reads."""

    @property
    def shut_down(self) -> bool:
        """True once the client asked for `shutdown`."""
        return self._shutdown

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        result = yield from super().lsp_initialize(params)
        if type(self._workspace) is Workspace:  # no document is open yet: give it LSP's line counting
            self._workspace.__class__ = LspWorkspace
        return result

    def structure_message(self, data: dict[str, Any]) -> Any:
        # Called by json.loads for every object, nested ones included; structuring waits for the whole
        # message (handle_message), where a failure can still be answered.
        return data

    # --- the entry point of the reader loop -----------------------------------------------------------------
    def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict):
            if hasattr(message, "jsonrpc"):  # already structured (a caller that is not the reader loop)
                super().handle_message(message)
                return
            self._answer_error(None, JsonRpcInvalidRequest(
                f"expected a JSON-RPC message object, got a JSON {type(message).__name__}"))
            return
        try:
            if "method" in message:
                if "id" in message:
                    self._incoming_request(message)
                else:
                    self._incoming_notification(message)
            elif "id" in message:
                self._incoming_response(message)
            else:
                log.warning("ignored a message with neither method nor id (keys: %s)", _keys(message))
        except Exception as exc:  # noqa: BLE001 - the loop must go on; answer what can be answered
            log.exception("failed to handle a %s message", message.get("method") or "response")
            msg_id = message.get("id")
            if "method" in message and "id" in message:
                self._answer_error(msg_id if _usable_id(msg_id) else None, JsonRpcInternalError(
                    f"blockguide could not handle this message ({type(exc).__name__})"))

    # --- requests -------------------------------------------------------------------------------------------
    def _incoming_request(self, message: dict) -> None:
        msg_id, method = message.get("id"), message.get("method")
        if not _usable_id(msg_id):
            self._answer_error(None, JsonRpcInvalidRequest(
                f"a request id must be a string or an integer, got {_json_type(msg_id)}"))
            return
        if message.get("jsonrpc") != self.VERSION:
            self._answer_error(msg_id, JsonRpcInvalidRequest('expected "jsonrpc": "2.0"'))
            return
        if not isinstance(method, str):
            self._answer_error(msg_id, JsonRpcInvalidRequest(f"a method must be a string, got {_json_type(method)}"))
            return
        if self._shutdown:
            self._answer_error(msg_id, JsonRpcInvalidRequest(f"{method}: the server is shutting down"))
            return
        initialized = self._workspace is not None
        if method == lsp.INITIALIZE and initialized:
            self._answer_error(msg_id, JsonRpcInvalidRequest("initialize: the server is already initialized"))
            return
        if method != lsp.INITIALIZE and not initialized:
            self._answer_error(msg_id, JsonRpcServerNotInitialized(f"{method}: send initialize first"))
            return
        kind = self.get_message_type(method) or JsonRPCRequestMessage
        if kind is not JsonRPCRequestMessage and "id" not in attr_names(kind):
            self._answer_error(msg_id, JsonRpcInvalidRequest(f"{method} is a notification: it takes no id"))
            return
        try:
            structured = self._converter.structure(message, kind)
        except Exception as exc:  # noqa: BLE001 - any failure to structure is the client's params
            reason = describe_structure_error(exc)
            log.warning("%s: invalid params (%s)", method, reason)
            self._answer_error(msg_id, JsonRpcInvalidParams(f"{method}: invalid params: {reason}"))
            return
        super().handle_message(structured)

    # --- notifications --------------------------------------------------------------------------------------
    def _incoming_notification(self, message: dict) -> None:
        method = message.get("method")
        if message.get("jsonrpc") != self.VERSION or not isinstance(method, str):
            log.warning("ignored a notification that is not JSON-RPC 2.0")
            return
        if self._workspace is None and method != lsp.EXIT:
            log.warning("ignored %s before initialize", method)
            return
        kind = self.get_message_type(method) or JsonRPCNotification
        if kind is not JsonRPCNotification and "id" in attr_names(kind):
            log.warning("ignored %s sent as a notification: it is a request and needs an id", method)
            return
        try:
            structured = self._converter.structure(message, kind)
        except Exception as exc:  # noqa: BLE001
            log.warning("ignored %s: invalid params (%s)", method, describe_structure_error(exc))
            return
        problem = self._notification_problem(method, structured.params)
        if problem:
            log.warning("ignored %s: %s", method, problem)
            return
        super().handle_message(structured)

    def _notification_problem(self, method: str, params: Any) -> str | None:
        """What pygls's built-in handlers would trip over (lsprotocol lets an object through as an id)."""
        if method == lsp.CANCEL_REQUEST and not _usable_id(params.id):
            return f"the id must be a string or an integer, got {_json_type(params.id)}"
        if method == lsp.WINDOW_WORK_DONE_PROGRESS_CANCEL and not _usable_id(params.token):
            return f"the token must be a string or an integer, got {_json_type(params.token)}"
        if method in (lsp.TEXT_DOCUMENT_DID_CHANGE, lsp.TEXT_DOCUMENT_DID_CLOSE):
            if unquote(params.text_document.uri) not in self.workspace.text_documents:
                return "the document is not open"
        return None

    # --- answers to the server's own requests ---------------------------------------------------------------
    def _incoming_response(self, message: dict) -> None:
        msg_id = message.get("id")
        if not _usable_id(msg_id) or message.get("jsonrpc") != self.VERSION:
            log.warning("ignored an answer with id %s", _json_type(msg_id))
            return
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():  # we gave up on it (cancelled, timed out): nothing to deliver
            log.debug("late answer to request %s dropped", msg_id)
            self._request_futures.pop(msg_id, None)
            self._result_types.pop(msg_id, None)
            return
        if "error" in message:
            try:
                structured = self._converter.structure(message, lsp.ResponseErrorMessage)
            except Exception:  # noqa: BLE001
                structured = None
            if structured is None or structured.error is None:
                self._fail_pending(msg_id, future, "the client answered with a malformed error")
                return
            super().handle_message(structured)
            return
        kind = self._result_types.pop(msg_id, None) or JsonRPCResponseMessage
        try:
            structured = self._converter.structure({**message, "result": message.get("result")}, kind)
        except Exception as exc:  # noqa: BLE001
            self._fail_pending(msg_id, future, f"the client's answer did not match ({describe_structure_error(exc)})")
            return
        super().handle_message(structured)

    def _fail_pending(self, msg_id: Any, future, reason: str) -> None:
        log.warning("answer to request %s: %s", msg_id, reason)
        self._request_futures.pop(msg_id, None)
        self._result_types.pop(msg_id, None)
        if future is not None and not future.done():
            future.set_exception(JsonRpcInternalError(reason))

    # --- what the reader loop could not parse ---------------------------------------------------------------
    def answer_unreadable(self, error: BaseException) -> bool:
        """Answer a body that is not JSON (or not UTF-8) with ParseError; True when `error` was one."""
        if isinstance(error, UnicodeDecodeError):
            text = error.object.decode("utf-8", "replace") if isinstance(error.object, bytes) else ""
        elif isinstance(error, json.JSONDecodeError):
            text = error.doc
        elif isinstance(error, RecursionError):
            text = ""
        else:
            return False
        msg_id = guess_id(text)
        log.warning("a message that is not valid JSON (%s); answered ParseError to id %s",
                    type(error).__name__, msg_id)
        self._answer_error(msg_id, JsonRpcParseError(
            f"the message is not valid JSON-RPC: {_short_reason(error)}"))
        return True

    def _answer_error(self, msg_id: Any, error: JsonRpcException) -> None:
        if msg_id is None:  # lsprotocol's converter would drop a None id; JSON-RPC wants "id": null
            self._send_data({"jsonrpc": self.VERSION, "id": None,
                             "error": {"code": error.code, "message": error.message}})
            return
        self._send_response(msg_id, None, error.to_response_error())


def guess_id(text: str) -> int | str | None:
    """The id of a broken message, when its text shows one before the params (else None)."""
    head = text.split('"params"', 1)[0]
    match = _ID_IN_TEXT.search(head)
    if match is None:
        return None
    raw = match.group(1)
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if _usable_id(value) else None


def attr_names(kind: type) -> set[str]:
    fields = getattr(kind, "__attrs_attrs__", ())
    return {f.name for f in fields}


def _short_reason(error: BaseException) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at character {error.pos}"
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 (byte {error.start})"
    return "nested too deeply"


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", float: "a number",
            int: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _keys(message: dict) -> str:
    return ", ".join(sorted(str(k)[:20] for k in list(message)[:8])) or "none"
