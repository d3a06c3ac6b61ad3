"""`blockguide doc PATH... --all`: a guide for every function and class in files and folders.

1. **Plan (fast, no model):** list the files (`jobs.walk`), read each through the input guard, list its
   definitions (top-level functions and classes, and the methods of classes), leave out the documented ones
   with `missing_only`, and take every guide already in the cache: re-running after an interruption redoes
   nothing that was finished.
2. **Document:** at most `jobs` blocks at a time, each through `jobs.document.document` (analysis in one
   worker thread, then the model, which may be a pool of servers). A model server that cannot be reached
   stops the run: the blocks not tried are listed.
3. **Finish each file once** its last block is done: with `write`, the file is rewritten once, atomically,
   only if it did not change since it was read, with every guide placed by `jobs.place`; with `out_dir`, a
   Markdown file mirrors the source path.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from blockguide.cache import GuideCache
from blockguide.core import doccomments, languages
from blockguide.core.syntax import markers
from blockguide.core.syntax.blocks import definitions
from blockguide.core.syntax.source import Source
from blockguide.core.render import to_markdown
from blockguide.core.types import Block, Guide
from blockguide.jobs import document as job
from blockguide.jobs.draft import cache_key
from blockguide.jobs.files import InputError, read_text, write_atomically
from blockguide.jobs.place import place_all
from blockguide.jobs.walk import collect
from blockguide.llm import Backend
from blockguide.settings import Settings

MAX_JOBS = 64


class BatchError(Exception):
    """A problem with the whole run (nothing to do, a path that does not exist)."""


class ItemStatus(str, enum.Enum):
    PENDING = "pending"
    DRAFTED = "drafted"
    CACHED = "cached"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Options:
    missing_only: bool = False
    jobs: int = 0  # 0: two per model server
    write: bool = False
    out_dir: Path | None = None
    use_cache: bool = True


@dataclass
class Item:
    """One definition to document."""

    file: "FileWork"
    block: Block
    status: ItemStatus = ItemStatus.PENDING
    reason: str = ""
    guide: Guide | None = None
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.file.rel}:{self.block.span.start + 1} {self.block.name or self.block.kind}"

    @property
    def documented(self) -> bool:
        return self.guide is not None and self.status in (ItemStatus.DRAFTED, ItemStatus.CACHED)


@dataclass
class FileWork:
    path: Path
    rel: str  # the path shown and mirrored under out_dir
    text: str
    src: Source
    items: list[Item] = field(default_factory=list)
    outcome: str = ""  # written | unchanged | "" (not written) | an error
    finished: bool = False

    @property
    def done(self) -> bool:
        return all(i.status != ItemStatus.PENDING for i in self.items)


@dataclass
class Summary:
    files: list[FileWork]
    unreadable: list[tuple[str, str]]  # (path, reason)
    seconds: float = 0.0
    drafting_seconds: float = 0.0
    stopped: str = ""  # why the run stopped early

    @property
    def items(self) -> list[Item]:
        return [i for f in self.files for i in f.items]

    def count(self, status: ItemStatus | str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def ok(self) -> bool:
        return not self.count(ItemStatus.FAILED) and not self.unreadable and not self.stopped and not any(
            f.outcome.startswith("not written") for f in self.files)


class Reporter(Protocol):
    def start(self, summary: Summary, todo: int) -> None: ...
    def item(self, item: Item) -> None: ...
    def finish(self, summary: Summary) -> None: ...


def is_documented(src: Source, block: Block, guides: list[markers.FoundGuide]) -> bool:
    """A docstring (Python), a guide, or a comment right above the definition."""
    if block.existing_docstring is not None:
        return True
    line = block.span.start - 1
    while line >= 0 and not src.line(line).strip():
        line -= 1
    if any(g.style == "comment" and g.span.end - 1 == line for g in guides):
        return True
    return doccomments.comment_above(src, line=block.span.start) is not None


def plan(paths: list[Path], settings: Settings, options: Options, cache: GuideCache | None) -> Summary:
    """Read and parse the files, list their definitions, and take what the cache already has."""
    files, unreadable = collect(paths)
    works: list[FileWork] = []
    key = cache_key(settings)
    for path, rel in files:
        try:
            text = read_text(path)
        except InputError as exc:
            unreadable.append((rel, str(exc)))
            continue
        work = FileWork(path, rel, text, Source(languages.for_file(path, text), text))
        guides = markers.find_guides(work.src) if options.missing_only else []
        for block in definitions(work.src):
            item = Item(work, block)
            if options.missing_only and is_documented(work.src, block, guides):
                item.status, item.reason = ItemStatus.SKIPPED, "already documented"
            elif options.use_cache and cache is not None and (cached := cache.get(block.hash, key)) is not None:
                item.status, item.guide = ItemStatus.CACHED, cached
            work.items.append(item)
        works.append(work)
    return Summary(works, unreadable)


def markdown_for(work: FileWork) -> str:
    parts = [f"_`{work.rel}`, lines {i.block.span.human()}: {i.block.kind} `{i.block.name or ''}`_\n\n"
             + to_markdown(i.guide).rstrip() + "\n" for i in work.items if i.documented]
    return "\n---\n\n".join(parts)


def finish_file(work: FileWork, settings: Settings, options: Options, cache: GuideCache | None) -> None:
    if work.finished:
        return
    work.finished = True
    if options.write:
        done = [i for i in work.items if i.documented]
        new, failed = place_all(work.src, [(i.block, i.guide) for i in done], settings.insertion_style, cache,
                                cache_key(settings))
        for index, reason in failed.items():
            done[index].status, done[index].reason = ItemStatus.FAILED, reason
        try:
            if new == work.text:
                work.outcome = "unchanged"
            else:
                write_atomically(work.path, new, work.text)
                work.outcome = "written"
        except InputError as exc:
            work.outcome = f"not written: {exc}"
    md = markdown_for(work) if options.out_dir is not None else ""
    if md:
        try:
            write_atomically(options.out_dir / (work.rel + ".md"), md, None)
        except InputError as exc:
            work.outcome = f"Markdown not written: {exc}"


def default_jobs(settings: Settings) -> int:
    return 2 * len(settings.all_hosts())


async def run(paths: list[Path], settings: Settings, options: Options, backend: Backend | None,
              cache: GuideCache | None, reporter: Reporter, roots: list[Path] | None = None) -> Summary:
    """Document every definition under `paths`; returns the summary (files are finished as they complete)."""
    started = time.monotonic()
    summary = plan(paths, settings, options, cache)
    if not summary.files and not summary.unreadable:
        raise BatchError("no supported source files in " + ", ".join(str(p) for p in paths))
    todo = [i for i in summary.items if i.status == ItemStatus.PENDING]
    reporter.start(summary, len(todo))
    for work in summary.files:
        if work.done:
            finish_file(work, settings, options, cache)
    queue: asyncio.Queue[Item] = asyncio.Queue()
    for item in todo:
        queue.put_nowait(item)
    analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blockguide-batch-analysis")
    roots = roots or [p.resolve() if p.is_dir() else p.resolve().parent for p in paths if p.exists()]

    async def worker() -> None:
        offload = functools.partial(asyncio.get_running_loop().run_in_executor, analysis)
        while not summary.stopped and not queue.empty():
            item = queue.get_nowait()
            t0 = time.monotonic()
            try:
                outcome = await job.document(item.file.src, item.block, item.file.path, roots, settings, backend,
                                             cache, offload=offload, use_cache=options.use_cache, fallback=False)
                item.guide = outcome.guide
                item.status = ItemStatus.CACHED if outcome.from_cache else ItemStatus.DRAFTED
            except job.JobError as exc:
                item.status, item.reason = ItemStatus.FAILED, str(exc)
                if exc.status in (job.Status.UNREACHABLE, job.Status.MODEL_MISSING):  # the model server is gone
                    summary.stopped = summary.stopped or f"the model server failed: {exc}"
            except Exception as exc:  # one odd block never stops the run
                item.status, item.reason = ItemStatus.FAILED, f"internal error: {type(exc).__name__}: {exc}"
            item.seconds = time.monotonic() - t0
            reporter.item(item)
            if item.file.done:
                finish_file(item.file, settings, options, cache)

    drafting_started = time.monotonic()
    jobs = max(1, min(MAX_JOBS, options.jobs or default_jobs(settings)))
    try:
        await asyncio.gather(*(worker() for _ in range(min(jobs, len(todo)))))
    finally:
        summary.drafting_seconds = time.monotonic() - drafting_started
        analysis.shutdown(wait=False, cancel_futures=True)
    if summary.stopped:
        for item in summary.items:
            if item.status == ItemStatus.PENDING:
                item.status, item.reason = ItemStatus.SKIPPED, "not tried: the run stopped"
        for work in summary.files:
            finish_file(work, settings, options, cache)
    summary.seconds = time.monotonic() - started
    reporter.finish(summary)
    return summary
