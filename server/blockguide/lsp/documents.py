"""The open documents as the analysis sees them: one parsed `Source` per document version, kept current by
incremental re-parses on didChange, and the blocks whose actions were listed (to find them after edits)."""

from __future__ import annotations

import logging
from typing import Callable
from urllib.parse import unquote

from cachetools import LRUCache
from pygls.workspace import TextDocument, Workspace

from blockguide.core import languages
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block
from blockguide.jobs.document import JobError
from blockguide.jobs.files import InputError, check_text

log = logging.getLogger(__name__)

MAX_LISTED = 256


class Documents:
    def __init__(self, workspace: Callable[[], Workspace]) -> None:
        self._workspace = workspace  # the server's, which exists once the client has initialized
        self._sources: dict[str, tuple[int | None, Source]] = {}
        self._listed: LRUCache = LRUCache(maxsize=MAX_LISTED)

    def get(self, uri: str) -> TextDocument | None:
        """The open document, or None. pygls keys documents by the *decoded* URI: an editor sends
        `file:///my%20project/a.py` for a path with a space or non-ASCII letters."""
        return self._workspace().text_documents.get(unquote(uri))

    def supported(self, uri: str) -> bool:
        """Whether the open document is in a language blockguide reads (cheap: no text is looked at)."""
        doc = self.get(uri)
        return doc is not None and (languages.for_language_id(doc.language_id) or languages.for_path(uri)) is not None

    def language_of(self, uri: str) -> languages.Language | None:
        """The document's language; a `.h` is C or C++ by what it holds (`languages.for_file`), whatever the
        editor calls it. Decided when a version is parsed, not on every request."""
        doc = self.get(uri)
        if doc is None:
            return None
        return languages.for_file(uri, doc.source, doc.language_id) if uri.lower().endswith(".h") else \
            languages.for_language_id(doc.language_id) or languages.for_path(uri)

    def version(self, uri: str) -> int | None:
        return self._sources.get(uri, (None,))[0]

    def source(self, uri: str) -> Source:
        """The parsed open document (parsed once per version). JobError when it cannot be documented."""
        doc = self.get(uri)
        if doc is None:
            raise JobError("the document is not open in the editor any more; nothing was changed.")
        cached = self._sources.get(uri)
        if cached is not None and cached[0] == doc.version and cached[1].text == doc.source:
            return cached[1]
        lang = self.language_of(uri)
        if lang is None:
            raise JobError(f"blockguide does not support the language '{doc.language_id}' yet.")
        try:
            text = check_text(doc.source)
        except InputError as exc:
            raise JobError(f"cannot document this file: {exc}. Nothing was changed.") from None
        src = Source(lang, text)
        self._sources[uri] = (doc.version, src)
        return src

    def track_change(self, uri: str, changes: list) -> None:
        """Keep the document's tree current: incremental re-parse with the edits of a didChange."""
        cached = self._sources.get(uri)
        doc = self.get(uri)
        if cached is None or doc is None:
            return
        src = cached[1].fork()  # a request may still be reading the old one
        for change in changes:
            rng = getattr(change, "range", None)
            if rng is None:  # a whole-document change: nothing to reuse
                self._sources.pop(uri, None)
                return
            # each range refers to the text as the earlier changes left it
            start = doc.position_codec.position_from_client_units(src.lines, rng.start)
            end = doc.position_codec.position_from_client_units(src.lines, rng.end)
            src.apply(start.line, start.character, end.line, end.character, change.text)
        src.reparse()
        if src.text == doc.source:
            self._sources[uri] = (doc.version, src)
        else:  # our copy drifted from the editor's (should not happen): parse afresh next time
            log.debug("incremental parse of %s drifted; re-parsing", uri)
            self._sources.pop(uri, None)

    def forget(self, uri: str) -> None:
        self._sources.pop(uri, None)
        for key in [k for k in list(self._listed.keys()) if k[0] == uri]:
            self._listed.pop(key, None)

    def remember(self, uri: str, version: int | None, first: int, last: int, block: Block) -> None:
        """The block an action listed for this version and selection stands for (found again after edits
        by its text)."""
        self._listed[(uri, version, first, last)] = block

    def listed(self, uri: str, version: int | None, first: int, last: int) -> Block | None:
        return self._listed.get((uri, version, first, last))
