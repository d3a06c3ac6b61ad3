"""The language server object: what one editor session holds (settings, model backend, guide store, open
documents, the analysis thread), and the translation of "document this block" to and from `jobs`."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cachetools import LRUCache
from lsprotocol import types as lsp
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from blockguide import __version__
from blockguide.cache import GuideCache
from blockguide.core.syntax.source import Source
from blockguide.core.render import provenance_text
from blockguide.core.types import Block, Guide
from blockguide.jobs import document as job
from blockguide.jobs import lookup
from blockguide.jobs.document import JobError, Status
from blockguide.llm import make_backend
from blockguide.lsp import convert
from blockguide.lsp.caps import Caps
from blockguide.lsp.documents import Documents
from blockguide.lsp.progress import WorkProgress
from blockguide.lsp.protocol import BlockguideProtocol
from blockguide.settings import Settings, parse as parse_settings

log = logging.getLogger(__name__)

MAX_PREVIEWS = 32  # guides kept per open document for hover (a day of previews must not pile up)


class BlockguideServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("blockguide", __version__, protocol_cls=BlockguideProtocol)
        self.settings = Settings()
        self.backend = make_backend(self.settings)
        self.cache = GuideCache()
        self.caps = Caps()
        self.ready = False
        self.analysis_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blockguide-analysis")
        self.docs = Documents(lambda: self.workspace)
        self.analyses = job.Analyses()
        # uri → block hash → guide (shown on hover): the MAX_PREVIEWS most recent of each open document
        self.previews: dict[str, LRUCache] = {}
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

    def show(self, kind: lsp.MessageType, message: str) -> None:
        self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def status(self, state: Status | str, detail: str = "") -> None:
        self.protocol.notify("blockguide/status", {
            "state": str(Status(state).value), "model": self.settings.model, "host": self.settings.ollama_host,
            "detail": detail,
        })

    def forget(self, uri: str) -> None:
        self.docs.forget(uri)
        self.previews.pop(uri, None)
        self.analyses.forget(lambda key: key[0][0] == uri)

    def keep_preview(self, uri: str, block_hash: str, guide: Guide) -> None:
        """Keep a drafted guide for hover over its block: the MAX_PREVIEWS most recent per open document."""
        self.previews.setdefault(uri, LRUCache(maxsize=MAX_PREVIEWS))[block_hash] = guide

    def block_for(self, src: Source, rng: lsp.Range) -> Block | None:
        """The block a selection (whole statements) or a cursor (the definition around it) stands for."""
        try:
            if rng.start == rng.end:
                return job.find_block(src, cursor=(rng.start.line, rng.start.character))
            return job.find_block(src, lines=convert.selection_lines(rng))
        except JobError:
            return None

    async def in_analysis(self, fn, *args):
        """Run `fn(*args)` in the analysis thread: every jedi call goes through that one thread."""
        return await asyncio.get_running_loop().run_in_executor(self.analysis_pool, fn, *args)

    async def document(self, data: convert.ActionData, token: lsp.ProgressToken | None,
                       preview: bool) -> tuple[Guide, lsp.WorkspaceEdit | None]:
        """Draft a guide for the action's block; with preview=False also the edit that inserts it, computed
        against the document as it is *after* generation, with that version. Raises JobError and
        asyncio.CancelledError; either way nothing was edited."""
        doc = self.docs.get(data.uri)
        if doc is None:
            raise JobError("the document is not open in the editor; nothing was changed.")
        src = self.docs.source(data.uri)
        block = self._listed_block(src, data, doc.version)
        path = Path(to_fs_path(data.uri)) if data.uri.startswith("file:") else None
        roots = [Path(to_fs_path(f.uri)) for f in self.workspace.folders.values()] if self.workspace.folders else []
        async with WorkProgress(self, "Previewing guide" if preview else "Documenting block", token,
                                asyncio.current_task()) as progress:
            outcome = await job.document(
                src, block, path, roots, self.settings, self.backend, self.cache, progress=progress.report,
                status=self.status, offload=self.in_analysis, analyses=self.analyses,
                analysis_key=(data.uri, self.docs.version(data.uri)))
            progress.report("rendering")
        self.keep_preview(data.uri, block.hash, outcome.guide)
        made = outcome.guide.provenance
        if outcome.warning:
            self.show(lsp.MessageType.Warning, f"blockguide: this guide was built from the code alone, without a "
                      f"model. {outcome.warning} (Turn this off with the `blockguide.offlineFallback` setting.)")
        elif made is not None and made.model_unused and not outcome.from_cache:
            self.show(lsp.MessageType.Warning, f"blockguide: the model's text did not pass the checks; this guide "
                      f"was built from the code alone: {provenance_text(made)}")
        if preview:
            return outcome.guide, None
        return outcome.guide, self._edit_for(data.uri, block, outcome.guide)

    def _listed_block(self, src: Source, data: convert.ActionData, version: int | None) -> Block:
        """The action's block in the document as it is now. An action listed for an older version is found
        again by the text it had then; one the server never listed for that version is not guessed."""
        block = None
        if data.version is None or data.version == version:
            block = self.block_for(src, data.range)
        else:
            listed = self.docs.listed(data.uri, data.version, data.range.start.line, data.range.end.line)
            if listed is not None:
                try:
                    block = job.relocate(src, listed)
                except JobError:
                    block = None
        if block is None:
            raise JobError("the selected block changed or is gone since the action was offered; select it "
                           "again. Nothing was changed.")
        return block

    def _edit_for(self, uri: str, block: Block, guide: Guide) -> lsp.WorkspaceEdit | None:
        src = self.docs.source(uri)
        _, edit = job.plan(src, block, guide, self.settings.insertion_style)
        if edit is None:
            return None
        text_edit = convert.text_edit(edit, src.line_count(), src.text)
        return convert.workspace_edit(uri, self.docs.get(uri).version, text_edit, self.caps.document_changes)

    def hover_guide(self, uri: str, line: int, character: int) -> tuple[str, lsp.Range] | None:
        """Markdown of the guide for the block under the cursor: a guide in the text, or a stored one."""
        found = lookup.guide_at(self.docs.source(uri), line, character, self.previews.get(uri, {}), self.cache)
        return (found[0], convert.span_range(found[1])) if found else None

    def stale_diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        try:
            src = self.docs.source(uri)
        except JobError:
            return []
        return [lsp.Diagnostic(
            range=lsp.Range(lsp.Position(s.guide.span.start, 0), lsp.Position(s.guide.span.start + 1, 0)),
            message="This guide is out of date: the code below it changed since it was written.",
            severity=lsp.DiagnosticSeverity.Information, source="blockguide", code="blockguide.stale",
            data={"line": s.block.span.start, "endLine": s.block.span.end - 1},
        ) for s in lookup.stale_guides(src)]
