"""Text in and out, safely: the one input guard, the one line-edit applier, the one atomic writer.

The editor's text and a file on disk go through the same guard (`check_text`), so both refuse the same
inputs with the same words. Messages are for the user: one line, what is wrong and what to do.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from blockguide.core.edits import LineEdit, split_lines

MAX_BYTES = 5_000_000  # larger texts are not analysed
BOM = "\ufeff"
_LONE_CR = re.compile("\r(?!\n)")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class InputError(ValueError):
    """Text blockguide will not document; the message says why and what to do. Nothing was changed."""


def check_text(text: str) -> str:
    """The text as the analysis may take it, or InputError.

    Refused: over MAX_BYTES, binary (a NUL early on), old Mac line endings (LSP counts a lone CR as a line
    break and tree-sitter does not: an edit would land on the wrong lines). A lone UTF-16 surrogate (a broken
    file an editor still sends) becomes U+FFFD, which has the same length in UTF-16 units, code points and
    UTF-8 bytes: every position stays where it was.
    """
    if len(text) > MAX_BYTES:
        raise InputError(f"it is larger than the {MAX_BYTES // 1_000_000} MB limit; select a block in a smaller "
                         "file")
    if "\x00" in text[:8192]:
        raise InputError("it looks like a binary file; there is no code block to document")
    if _LONE_CR.search(text):
        raise InputError("it has old Mac (CR-only) line endings; convert them to LF or CRLF first")
    return _LONE_SURROGATE.sub("\ufffd", text)


def read_text(path: Path) -> str:
    """A source file's text (UTF-8, passed through `check_text`), or InputError.

    Only regular files are read: a FIFO would block forever and /dev/zero never ends. A byte-order mark
    stays in the text (it is written back as it was); `without_bom` drops it for the analysis.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("it is a folder; give a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("it is not a regular file")
    if info.st_size > MAX_BYTES:
        raise InputError(f"it is {info.st_size // 1_000_000} MB, larger than the {MAX_BYTES // 1_000_000} MB limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if b"\x00" in data[:8192]:
        raise InputError("it looks like a binary file; there is no code block to document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"it is not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None
    return check_text(text)


def without_bom(text: str) -> str:
    """A byte-order mark is not part of the first line."""
    return text.removeprefix(BOM)


def apply_edits(text: str, edits: Iterable[LineEdit]) -> str:
    """Apply line edits made against `text`, in order of their spans (insertions at one line keep their
    order). A byte-order mark stays first; an insertion past the last line of a file without a final
    newline gets one first."""
    body = without_bom(text)
    lines = split_lines(body)
    out: list[str] = []
    pos = 0
    for edit in edits:
        out += lines[pos:edit.span.start]
        if edit.span.start >= len(lines) and out and not out[-1].endswith("\n"):
            out[-1] += "\r\n" if "\r\n" in body else "\n"
        out.append(edit.text)
        pos = max(pos, edit.span.end)
    out += lines[pos:]
    return text[: len(text) - len(body)] + "".join(out)


def write_atomically(path: Path, text: str, expected: str | None) -> None:
    """Replace the file's content in one step (a temporary file renamed over it, mode kept).

    InputError, and nothing written, when the file no longer holds `expected` (None: do not check; the
    file may not exist yet) or when it cannot be written.
    """
    if expected is not None and read_text(path) != expected:
        raise InputError("it changed while its guide was being written; nothing was written")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".blockguide")
    except OSError as exc:
        raise InputError(f"could not write ({exc.strerror}); the file is unchanged") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"could not write ({exc.strerror}); the file is unchanged") from None
