"""The language server object: settings, backend, cache, parsed documents, and the one shared
"document this block" implementation used by code-action resolve and by the command."""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types as lsp
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from blockguide import __version__, pipeline
from blockguide.cache import GuideCache
from blockguide.core import languages
from blockguide.core.syntax import blocks
from blockguide.core.syntax.markers import FoundGuide, docstring_guide, find_guides, guide_above
from blockguide.core.syntax.source import Source
from blockguide.core.edits import plan_edit
from blockguide.core.render import to_markdown
from blockguide.core.types import Block, Grounding, Guide, Span
from blockguide.llm import BackendError, ModelMissing, ModelUnreachable, make_backend
from blockguide.lsp import convert
from blockguide.lsp.progress import WorkProgress
from blockguide.lsp.protocol import BlockguideProtocol
from blockguide.settings import Settings, parse as parse_settings

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 5_000_000  # larger documents are not analysed
_LONE_CR = re.compile("\r(?!\n)")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
ANALYSIS_SECONDS = 120.0  # a block's analysis is reused this long (other files may change meanwhile)


class UserError(Exception):
    """Something the user must know about; the message says what to do. Nothing was edited."""


@dataclass(frozen=True)
class Caps:
    """The client's capabilities, turned into booleans once."""

    resolve: bool = False
    document_changes: bool = False
    work_done_progress: bool = False
    markdown_hover: bool = True
    pull_configuration: bool = False
    code_action_literals: bool = True
    llm_tag: bool = False

    @classmethod
    def of(cls, c: lsp.ClientCapabilities) -> "Caps":
        text = c.text_document
        ca = text.code_action if text else None
        resolve_props = ca.resolve_support.properties if ca and ca.resolve_support else []
        hover_formats = text.hover.content_format if text and text.hover and text.hover.content_format else None
        return cls(
            resolve="edit" in resolve_props,
            document_changes=bool(c.workspace and c.workspace.workspace_edit
                                  and c.workspace.workspace_edit.document_changes),
            work_done_progress=bool(c.window and c.window.work_done_progress),
            markdown_hover=hover_formats is None or lsp.MarkupKind.Markdown in hover_formats,
            pull_configuration=bool(c.workspace and c.workspace.configuration),
            code_action_literals=bool(ca and ca.code_action_literal_support),
            llm_tag=bool(ca and ca.tag_support and lsp.CodeActionTag.LlmGenerated in ca.tag_support.value_set),
        )


@dataclass
class Listed:
    """A block as it was when its action was listed, to find it again after edits."""

    text: str
    span: Span


class BlockguideServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("blockguide", __version__, protocol_cls=BlockguideProtocol)
        self.settings = Settings()
        self.backend = make_backend(self.settings)
        self.cache = GuideCache()
        self.caps = Caps()
        self.ready = False
        self.analysis_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blockguide-analysis")
        self._sources: dict[str, tuple[int | None, Source]] = {}
        self._listed: OrderedDict[tuple[str, int | None, int, int], Listed] = OrderedDict()
        self._analyses: OrderedDict[tuple, tuple[float, Grounding]] = OrderedDict()
        self.previews: dict[str, dict[str, Guide]] = {}  # uri → block hash → guide (shown on hover)
        self.diagnostic_tasks: dict[str, asyncio.Task] = {}

    def report_server_error(self, error: Exception, source) -> None:
        """Errors outside a request. A body that is not JSON gets a ParseError answer (an editor may be
        waiting for it); a notification handler's failure is logged: no popup, the user cannot act on it."""
        if isinstance(self.protocol, BlockguideProtocol) and self.protocol.answer_unreadable(error):
            return
        if source is FeatureRequestError:
            return  # the request was answered with the error
        log.error("internal error outside a request (%s): %s", getattr(source, "__name__", source),
                  type(error).__name__)

    # --- settings -------------------------------------------------------------------------------
    def apply_settings(self, raw, source: str) -> None:
        settings, problems = parse_settings(raw, self.settings)
        for problem in problems:
            log.warning("%s (from %s)", problem, source)
        if problems:
            self.show(lsp.MessageType.Warning, "blockguide: " + "; ".join(problems))
        if settings != self.settings:
            self.settings = settings
            self.backend = make_backend(settings)
            log.info("settings: model=%s host=%s style=%s", settings.model, settings.ollama_host,
                     settings.insertion_style)

    # --- messages ---------------------------------------------------------------------------------
    def show(self, kind: lsp.MessageType, message: str) -> None:
        self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def status(self, state: str, detail: str = "") -> None:
        self.protocol.notify("blockguide/status", {
            "state": state, "model": self.settings.model, "host": self.settings.ollama_host, "detail": detail,
        })

    # --- documents --------------------------------------------------------------------------------
    def open_document(self, uri: str) -> TextDocument | None:
        """The open document, or None. pygls keys documents by the *decoded* URI: an editor sends
        `file:///my%20project/a.py` for a path with a space or non-ASCII letters."""
        return self.workspace.text_documents.get(unquote(uri))

    def language_of(self, uri: str) -> languages.Language | None:
        doc = self.open_document(uri)
        if doc is None:
            return None
        return languages.for_language_id(doc.language_id) or languages.for_path(uri)

    def source(self, uri: str) -> Source:
        """The parsed open document (parsed once per version). UserError when it cannot be documented."""
        doc = self.open_document(uri)
        if doc is None:
            raise UserError("blockguide: the document is not open in the editor any more; nothing was changed.")
        lang = self.language_of(uri)
        if lang is None:
            raise UserError(f"blockguide does not support the language '{doc.language_id}' yet.")
        cached = self._sources.get(uri)
        if cached is not None and cached[0] == doc.version and cached[1].text == doc.source:
            return cached[1]
        text = doc.source
        if len(text) > MAX_DOCUMENT_BYTES:
            raise UserError(f"blockguide: this file is larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB; "
                            "select a block in a smaller file.")
        if "\x00" in text[:8192]:
            raise UserError("blockguide: this looks like a binary file; there is no code block to document.")
        if _LONE_CR.search(text):
            # LSP counts a lone CR as a line break and tree-sitter does not: an edit would land on the wrong lines
            raise UserError("blockguide: this file has old Mac (CR-only) line endings; convert them to LF or CRLF "
                            "first. Nothing was changed.")
        # A lone UTF-16 surrogate (a broken file) cannot be encoded for the parsers or the model; U+FFFD has the
        # same length in UTF-16 units, code points and UTF-8 bytes, so every position stays where it was.
        src = Source(lang, _LONE_SURROGATE.sub("\ufffd", text))
        self._sources[uri] = (doc.version, src)
        return src

    def track_change(self, uri: str, changes: list) -> None:
        """Keep the document's tree current: incremental re-parse with the edits of a didChange."""
        cached = self._sources.get(uri)
        doc = self.open_document(uri)
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
        self.previews.pop(uri, None)
        for key in [k for k in self._listed if k[0] == uri]:
            del self._listed[key]
        for key in [k for k in self._analyses if k[0] == uri]:
            del self._analyses[key]

    def block_for(self, src: Source, rng: lsp.Range) -> Block | None:
        first, last = convert.selection_lines(rng)
        if rng.start == rng.end:
            doc_line = src.line(rng.start.line)
            return blocks.enclosing_definition(src, rng.start.line, min(rng.start.character, len(doc_line)))
        return blocks.snap(src, first, last)

    def remember(self, uri: str, version: int | None, block: Block, rng: lsp.Range) -> None:
        key = (uri, version, rng.start.line, rng.end.line)
        self._listed[key] = Listed(block.text, block.span)
        self._listed.move_to_end(key)
        while len(self._listed) > 256:
            self._listed.popitem(last=False)

    # --- the shared implementation ------------------------------------------------------------------
    async def document(self, data: convert.ActionData, token: lsp.ProgressToken | None,
                       preview: bool) -> tuple[Guide, lsp.WorkspaceEdit | None]:
        """Draft a guide for the action's block; with preview=False also the edit that inserts it.

        The edit is computed against the document as it is *after* generation, with that version.
        Raises UserError (nothing edited) and asyncio.CancelledError (nothing edited).
        """
        doc = self.open_document(data.uri)
        if doc is None:
            raise UserError("blockguide: the document is not open in the editor; nothing was changed.")
        listed = self._listed.get((data.uri, data.version, data.range.start.line, data.range.end.line))
        src = self.source(data.uri)
        block = self._find_block(src, data, listed)
        if block is None:
            raise UserError("blockguide: the selected block changed or is gone since the action was offered; "
                            "select it again. Nothing was changed.")
        settings = self.settings
        backend = self.backend
        task = asyncio.current_task()
        path = Path(to_fs_path(data.uri)) if data.uri.startswith("file:") else None
        roots = [Path(to_fs_path(f.uri)) for f in self.workspace.folders.values()] if self.workspace.folders else []
        title = "Previewing guide" if preview else "Documenting block"
        async with WorkProgress(self, title, token, task) as progress:
            self.status("generating", f"{block.kind} {block.name or ''}".strip())
            try:
                grounding = await self._analyse(data.uri, src, block, path, roots, settings)
                drafted = await pipeline.draft(grounding, settings, backend, self.cache, progress.report,
                                               fallback_on=pipeline.fallback_for(settings), offload=self.in_analysis)
            except BackendError as exc:
                self.status("unreachable" if isinstance(exc, ModelUnreachable)
                            else "modelMissing" if isinstance(exc, ModelMissing) else "ready", str(exc))
                raise UserError(str(exc)) from None
            except asyncio.CancelledError:
                self.status("ready", "cancelled")
                raise
            progress.report("rendering")
            guide = drafted.guide
            self.previews.setdefault(data.uri, {})[block.hash] = guide
            if drafted.warning:
                self.status("unreachable", drafted.warning)
                self.show(lsp.MessageType.Warning, f"blockguide: this guide was built from the code alone, without "
                          f"a model. {drafted.warning} (Turn this off with the `blockguide.offlineFallback` "
                          f"setting.)")
            else:
                self.status("ready")
            if preview:
                return guide, None
            return guide, self._edit_for(data.uri, block, guide)

    async def in_analysis(self, fn, *args):
        """Run `fn(*args)` in the analysis thread: every jedi call goes through that one thread."""
        return await asyncio.get_running_loop().run_in_executor(self.analysis_pool, fn, *args)

    async def _analyse(self, uri: str, src: Source, block: Block, path: Path | None, roots: list[Path],
                       settings: Settings) -> Grounding:
        """pipeline.analyse in the analysis thread, reused for the same block of the same document version
        (Preview then Document, a retry after a cancel or a model error) for ANALYSIS_SECONDS."""
        version = self._sources.get(uri, (None,))[0]
        key = (uri, version, block.span, block.hash, tuple(roots), settings)
        kept = self._analyses.get(key)
        if kept is not None and time.monotonic() - kept[0] < ANALYSIS_SECONDS:
            return copy.deepcopy(kept[1])
        grounding = await self.in_analysis(pipeline.analyse, src, block, path, roots, settings)
        self._analyses[key] = (time.monotonic(), copy.deepcopy(grounding))
        while len(self._analyses) > 16:
            self._analyses.popitem(last=False)
        return grounding

    def _find_block(self, src: Source, data: convert.ActionData, listed: Listed | None) -> Block | None:
        doc = self.open_document(data.uri)
        if data.version is None or data.version == doc.version or listed is None:
            if data.version is not None and data.version != doc.version and listed is None:
                return None  # changed, and we never saw the block: do not guess
            return self.block_for(src, data.range)
        span = blocks.locate(src, listed.text, listed.span.start)
        return blocks.snap(src, span.start, span.end - 1) if span else None

    def _edit_for(self, uri: str, block: Block, guide: Guide) -> lsp.WorkspaceEdit | None:
        """The edit against the current document; UserError when the block is gone or changed."""
        src = self.source(uri)
        doc = self.open_document(uri)
        if src.slice(block.span) != block.text:
            span = blocks.locate(src, block.text, block.span.start)
            if span is None:
                raise UserError("blockguide: the block was edited while its guide was being written; nothing "
                                "was changed. The guide is kept: run the action again to insert it.")
            block = blocks.snap(src, span.start, span.end - 1)
            if block is None:
                raise UserError("blockguide: the block could not be found again; nothing was changed.")
        edit = plan_edit(src, block, guide, self.settings.insertion_style)
        if edit is None:
            return None
        text_edit = convert.text_edit(edit, src.line_count(), src.text)
        return convert.workspace_edit(uri, doc.version, text_edit, self.caps.document_changes)

    def hover_guide(self, uri: str, line: int, character: int) -> tuple[str, lsp.Range] | None:
        """Markdown of the guide for the block under the cursor: a guide in the text, or a stored one."""
        src = self.source(uri)
        found = find_guides(src)
        for g in found:  # the cursor is on a guide itself
            if g.span.start <= line < g.span.end:
                return self._hover_text(src, g), convert.span_range(g.span)
        candidates: list[Block] = []
        node_block = blocks.enclosing_definition(src, line, character)
        if node_block is not None:
            candidates.append(node_block)
        stmt = blocks.snap(src, line, line)
        if stmt is not None:
            candidates.append(stmt)
        previews = self.previews.get(uri, {})
        for block in candidates:
            above = guide_above(src, block) or docstring_guide(src, block)
            if above is not None:
                return self._hover_text(src, above), convert.span_range(block.span)
            guide = previews.get(block.hash) or self.cache.latest(block.hash)
            if guide is not None:
                return to_markdown(guide), convert.span_range(block.span)
        return None

    def _hover_text(self, src: Source, found: FoundGuide) -> str:
        block = blocks.documented_block(src, found)
        if block is not None and block.short_hash != found.hash:
            return found.body + "\n\n> This guide is out of date: the code changed since it was written."
        return found.body

    def stale_diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        try:
            src = self.source(uri)
        except UserError:
            return []
        out = []
        for found in find_guides(src):
            block = blocks.documented_block(src, found)
            if block is None or block.short_hash == found.hash:
                continue
            out.append(lsp.Diagnostic(
                range=lsp.Range(lsp.Position(found.span.start, 0), lsp.Position(found.span.start + 1, 0)),
                message="This guide is out of date: the code below it changed since it was written.",
                severity=lsp.DiagnosticSeverity.Information, source="blockguide", code="blockguide.stale",
                data={"line": block.span.start, "endLine": block.span.end - 1},
            ))
        return out
