"""`blockguide doc PATH... --all`: a guide for every function and class in files and folders.

1. **Plan (fast, no model):** walk the folders, parse each supported file, list its definitions (top-level
   functions and classes, and the methods of classes; not functions nested inside functions), leave out
   the documented ones with `missing_only`, and take every guide already in the cache (same block text and
   settings): re-running after an interruption redoes nothing that was finished.
2. **Draft:** at most `jobs` blocks at a time (analysis in one worker thread, then the model, which may be a
   pool of servers). A model server that cannot be reached stops the run: the blocks not tried are listed.
3. **Finish each file once** its last block is done: with `write`, the file is rewritten once, atomically,
   only if it did not change since it was read, with every guide placed by `core.edits.plan_edit` (an
   existing guide is replaced, never stacked); with `out_dir`, a Markdown file mirrors the source path.

Progress goes to a `Reporter` (a bar with counts and ETA on a terminal, one line per block otherwise).
"""

from __future__ import annotations

import asyncio
import functools
import os
import stat
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pathspec

from blockguide import pipeline
from blockguide.cache import GuideCache
from blockguide.core import languages
from blockguide.core.syntax import blocks
from blockguide.core.syntax.markers import FoundGuide, find_guides
from blockguide.core.syntax.source import Source
from blockguide.core.edits import LineEdit, plan_edit, split_lines
from blockguide.core.render import to_markdown
from blockguide.core.types import Block, Guide
from blockguide.llm import Backend, BackendError, ModelMissing, ModelUnreachable
from blockguide.settings import Settings

MAX_FILE_BYTES = 5_000_000
MAX_JOBS = 64
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "build", "dist", "target",
                       "vendor", "third_party"})
DEFINITION_KINDS = ("function", "class", "method")


class BatchError(Exception):
    """A problem with the whole run (nothing to do, a path that does not exist)."""


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
    status: str = "pending"  # drafted | cached | skipped | failed
    reason: str = ""
    guide: Guide | None = None
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.file.rel}:{self.block.span.start + 1} {self.block.name or self.block.kind}"


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
        return all(i.status != "pending" for i in self.items)


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

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def per_minute(self) -> float:
        drafted = self.count("drafted")
        return drafted / (self.drafting_seconds / 60) if drafted and self.drafting_seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.count("failed") and not self.unreadable and not self.stopped and not any(
            f.outcome.startswith("not written") for f in self.files)

    def lines(self) -> list[str]:
        drafted, cached = self.count("drafted"), self.count("cached")
        skipped, failed = self.count("skipped"), self.count("failed")
        out = [f"{len(self.items)} blocks in {len(self.files)} files: {drafted + cached} documented "
               f"({drafted} drafted, {cached} from the cache), {skipped} skipped, {failed} failed "
               f"in {_duration(self.seconds)}"
               + (f"; {self.per_minute:.1f} blocks/min drafted" if drafted else "")]
        written = [f for f in self.files if f.outcome == "written"]
        if written:
            out.append(f"{len(written)} files written")
        for f in self.files:
            if f.outcome and f.outcome not in ("written", "unchanged"):
                out.append(f"  {f.rel}: {f.outcome}")
        reasons: dict[str, int] = {}
        for i in self.items:
            if i.status == "skipped":
                reasons[i.reason] = reasons.get(i.reason, 0) + 1
        for reason, n in reasons.items():
            out.append(f"  skipped {n}: {reason}")
        for i in self.items:
            if i.status == "failed":
                out.append(f"  failed {i.label}: {i.reason}")
        for path, reason in self.unreadable:
            out.append(f"  not read {path}: {reason}")
        if self.stopped:
            out.append(f"stopped: {self.stopped}")
        if self.stopped or failed:
            out.append("run the same command again to retry: finished guides are cached")
        return out


# --- finding the work -------------------------------------------------------------------------------
def collect(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Supported files under `paths` as (path, path shown), and (path, reason) for what cannot be used.

    Folders are walked in name order, skipping hidden folders, SKIP_DIRS and what the project's .gitignore
    files exclude; a file named explicitly is always taken. Shown paths are relative to the common folder of
    the arguments.
    """
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for p in paths:
        if not p.exists():
            problems.append((str(p), "no such file or folder"))
        elif p.is_dir():
            ignored = _GitIgnores(p)
            for folder, dirs, files in os.walk(p):
                here = Path(folder)
                ignored.enter(here)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                                 and not ignored.match(here / d, folder=True))
                for name in sorted(files):
                    if languages.for_path(name) is not None and not name.startswith(".") and \
                            not ignored.match(here / name):
                        found.append(here / name)
        elif languages.for_path(str(p)) is None:
            problems.append((str(p), f"blockguide does not support files ending in '{p.suffix}'"))
        else:
            found.append(p)
    resolved = list(dict.fromkeys(f.resolve() for f in found))
    if not resolved:
        return [], problems
    dirs = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in paths if p.exists()]
    base = Path(os.path.commonpath(dirs)) if dirs else Path.cwd()
    out = []
    for f in resolved:
        try:
            rel = f.relative_to(base).as_posix()
        except ValueError:
            rel = f.as_posix().lstrip("/")
        out.append((f, rel))
    return out, problems


class _GitIgnores:
    """The .gitignore files that apply while walking a folder: those of the folders above it up to the
    repository's top (the folder holding .git), and those met on the way down. Patterns are matched with
    pathspec's git semantics, each relative to the folder of its file."""

    def __init__(self, start: Path) -> None:
        self.specs: dict[Path, pathspec.GitIgnoreSpec] = {}
        start = start.resolve()
        for folder in [start, *start.parents]:
            self._load(folder)
            if (folder / ".git").exists():
                break

    def _load(self, folder: Path) -> None:
        file = folder / ".gitignore"
        try:
            lines = file.read_text("utf-8", errors="replace").splitlines() if file.is_file() else None
        except OSError:
            lines = None
        if lines:
            self.specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)

    def enter(self, folder: Path) -> None:
        folder = folder.resolve()
        if folder not in self.specs:
            self._load(folder)

    def match(self, path: Path, folder: bool = False) -> bool:
        """Is the path ignored? The deepest .gitignore with a pattern for it decides (`!x` re-includes)."""
        path = path.resolve()
        ignored = False
        for base in sorted((b for b in self.specs if b in path.parents), key=lambda b: len(b.parts)):
            found = self.specs[base].check_file(path.relative_to(base).as_posix() + ("/" if folder else ""))
            if found.include is not None:
                ignored = found.include
        return ignored


def read_text(path: Path) -> str:
    """A source file's text; ValueError with the reason when it is not a readable UTF-8 text file."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever, /dev/zero would never end
            raise ValueError("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(f"over the {MAX_FILE_BYTES // 1_000_000} MB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(exc.strerror or str(exc)) from None
    if b"\x00" in data[:8192]:
        raise ValueError("looks like a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def definitions(src: Source) -> list[Block]:
    """Functions and classes, and the methods of classes, in file order (not functions in functions)."""
    found: dict[int, Block] = {}
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        if node.parent is None or node.type in src.lang.containers:
            for child in node.named_children:
                if "comment" in child.type:
                    continue
                row = child.start_point.row
                block = blocks.block_after(src, row) if row not in found else None
                if block is not None and block.kind in DEFINITION_KINDS and block.span.start == row:
                    found[row] = block
                    if block.kind != "class":
                        continue  # a function's body is its own business
                stack.append(child)
        else:
            stack.extend(node.named_children)
    return [found[row] for row in sorted(found)]


def is_documented(src: Source, block: Block, guides: list[FoundGuide]) -> bool:
    """A docstring (Python), a guide, or a comment right above the definition."""
    if block.existing_docstring is not None:
        return True
    line = block.span.start - 1
    while line >= 0 and not src.line(line).strip():
        line -= 1
    if any(g.style == "comment" and g.span.end - 1 == line for g in guides):
        return True
    above = src.line(block.span.start - 1).strip() if block.span.start > 0 else ""
    if not above:
        return False
    if above.startswith(src.lang.comment):
        return True
    return src.lang.comment != "#" and (above.startswith(("/*", "*")) or above.endswith("*/"))


def plan(paths: list[Path], settings: Settings, options: Options, cache: GuideCache | None) -> Summary:
    """Read and parse the files, list their definitions, and take what the cache already has."""
    files, unreadable = collect(paths)
    works: list[FileWork] = []
    key = pipeline.cache_key(settings)
    for path, rel in files:
        try:
            text = read_text(path)
        except ValueError as exc:
            unreadable.append((rel, str(exc)))
            continue
        lang = languages.for_path(str(path))
        src = Source(lang, text)
        work = FileWork(path, rel, text, src)
        guides = find_guides(src) if options.missing_only else []
        for block in definitions(src):
            item = Item(work, block)
            if options.missing_only and is_documented(src, block, guides):
                item.status, item.reason = "skipped", "already documented"
            elif options.use_cache and cache is not None:
                cached = cache.get(block.hash, key)
                if cached is not None:
                    item.status, item.guide = "cached", cached
            work.items.append(item)
        works.append(work)
    return Summary(works, unreadable)


# --- finishing a file -------------------------------------------------------------------------------
def apply_edits(text: str, edits: list[LineEdit]) -> str:
    """Apply line edits made against `text` (insertions at the same line keep their order)."""
    lines = split_lines(text)
    out: list[str] = []
    pos = 0
    for edit in edits:
        out += lines[pos:edit.span.start]
        out.append(edit.text)
        pos = max(pos, edit.span.end)
    out += lines[pos:]
    return "".join(out)


def _contains(outer: Block, inner: Block) -> bool:
    return outer is not inner and outer.span.start <= inner.span.start and inner.span.end <= outer.span.end


def documented_text(work: FileWork, style: str, cache: GuideCache | None, key: str) -> str:
    """The file's text with every finished guide in place.

    Innermost definitions go first (methods, then their class, then an outer class), each pass against
    the text the previous one left, re-parsed: a class's guide is rendered for its final text (methods'
    guides included), so its marker is not stale at once and a re-run finds it in the cache. An item whose
    edit would overlap another's, or whose block cannot be found again, fails with the reason.
    """
    left = [i for i in work.items if i.guide is not None and i.status in ("drafted", "cached")]
    at = {id(i): i.block.span.start for i in left}  # where each block starts in the current text
    text, src = work.text, work.src
    while left:
        now = [i for i in left if not any(_contains(i.block, j.block) for j in left)]
        left = [i for i in left if i not in now]
        planned = []
        for item in now:
            block = item.block
            if src is not work.src:  # an earlier pass moved or grew it: find it in the new text
                block = blocks.block_after(src, at[id(item)])
                if block is None or block.name != item.block.name or block.kind != item.block.kind:
                    item.status, item.reason = "failed", "its block could not be found again after the " \
                        "guides inside it were inserted; nothing inserted"
                    continue
                if cache is not None and block.hash != item.block.hash:
                    cache.put(block.hash, key, item.guide)  # a re-run finds it under the final text
            edit = plan_edit(src, block, item.guide, style)
            if edit is not None:
                planned.append((edit.span.start, edit.span.end, block.span.start, edit, item))
        planned.sort(key=lambda t: t[:3])
        edits: list[LineEdit] = []
        end = 0
        for start, stop, _, edit, item in planned:
            if start < end:
                item.status, item.reason = "failed", "its guide would overlap another guide's lines; nothing inserted"
                continue
            edits.append(edit)
            end = max(end, stop)
        if not edits:
            continue
        text = apply_edits(text, edits)
        for item in left:
            line = at[id(item)]
            at[id(item)] = line + sum(e.text.count("\n") - e.span.lines for e in edits if e.span.end <= line)
        if left:
            src = Source(work.src.lang, text)
    return text


def write_atomically(path: Path, text: str, expected: str | None) -> None:
    """Replace the file's content in one step; ValueError if it is no longer `expected`."""
    if expected is not None and read_text(path) != expected:
        raise ValueError("changed on disk since it was read; nothing was written")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".blockguide")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ValueError(f"could not write ({exc.strerror})") from None


def markdown_for(work: FileWork) -> str:
    parts = []
    for item in work.items:
        if item.guide is not None and item.status in ("drafted", "cached"):
            b = item.block
            parts.append(f"_`{work.rel}`, lines {b.span.human()}: {b.kind} `{b.name or ''}`_\n\n"
                         + to_markdown(item.guide).rstrip() + "\n")
    return "\n---\n\n".join(parts)


def finish_file(work: FileWork, settings: Settings, options: Options, cache: GuideCache | None) -> None:
    if work.finished:
        return
    work.finished = True
    if options.write:
        new = documented_text(work, settings.insertion_style, cache, pipeline.cache_key(settings))
        if new == work.text:
            work.outcome = "unchanged"
        else:
            try:
                write_atomically(work.path, new, work.text)
                work.outcome = "written"
            except ValueError as exc:
                work.outcome = f"not written: {exc}"
    if options.out_dir is not None:
        md = markdown_for(work)
        if md:
            try:
                write_atomically(options.out_dir / (work.rel + ".md"), md, None)
            except ValueError as exc:
                work.outcome = f"Markdown not written: {exc}"


# --- progress ---------------------------------------------------------------------------------------
class Reporter:
    """Counts and ETA on stderr: a redrawn bar on a terminal, one plain line per block otherwise."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.total = self.done = self.failed = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def start(self, summary: Summary, todo: int) -> None:
        self.total, self.started = todo, time.monotonic()
        cached, skipped = summary.count("cached"), summary.count("skipped")
        self._line(f"blockguide: {len(summary.items)} blocks in {len(summary.files)} files; {todo} to draft"
                   + (f", {cached} from the cache" if cached else "")
                   + (f", {skipped} already documented" if skipped else ""), final=True)

    def eta(self) -> str:
        if not self.done or self.done >= self.total:
            return "--"
        elapsed = time.monotonic() - self.started
        return _duration(elapsed / self.done * (self.total - self.done))

    def item(self, item: Item) -> None:
        self.done += 1
        self.failed += item.status == "failed"
        if self.tty:
            now = time.monotonic()
            if now - self._drawn > 0.1 or self.done == self.total:
                self._drawn = now
                width = 24
                filled = int(width * self.done / max(1, self.total))
                self._line(f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  "
                           f"ok {self.done - self.failed}  failed {self.failed}  ETA {self.eta()}")
        else:
            what = "ok" if item.status != "failed" else f"FAILED: {item.reason}"
            self._line(f"[{self.done}/{self.total}] {item.label}: {what} ({item.seconds:.1f} s, "
                       f"ETA {self.eta()})", final=True)

    def finish(self, summary: Summary) -> None:
        if self.tty and self.total:
            self.stream.write("\n")
        for line in summary.lines():
            self._line(("blockguide: " if not line.startswith(" ") else "") + line, final=True)

    def _line(self, text: str, final: bool = False) -> None:
        if self.tty and not final:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, s = divmod(seconds, 60)
    return f"{minutes}m{s:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


# --- running ----------------------------------------------------------------------------------------
def default_jobs(settings: Settings) -> int:
    return 2 * len(settings.all_hosts())


async def run(paths: list[Path], settings: Settings, options: Options, backend: Backend | None,
              cache: GuideCache | None, reporter: Reporter | None = None, roots: list[Path] | None = None) -> Summary:
    """Document every definition under `paths`; returns the summary (files are finished as they complete)."""
    started = time.monotonic()
    summary = plan(paths, settings, options, cache)
    if not summary.files and not summary.unreadable:
        raise BatchError("no supported source files in " + ", ".join(str(p) for p in paths))
    todo = [i for i in summary.items if i.status == "pending"]
    reporter = reporter or Reporter()
    reporter.start(summary, len(todo))
    for work in summary.files:
        if work.done:
            finish_file(work, settings, options, cache)
    jobs = max(1, min(MAX_JOBS, options.jobs or default_jobs(settings)))
    queue: asyncio.Queue[Item] = asyncio.Queue()
    for item in todo:
        queue.put_nowait(item)
    analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blockguide-batch-analysis")
    roots = roots or [p.resolve() if p.is_dir() else p.resolve().parent for p in paths if p.exists()]
    drafting_started = time.monotonic()

    async def worker() -> None:
        loop = asyncio.get_running_loop()
        while not summary.stopped:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.monotonic()
            try:
                grounding = await loop.run_in_executor(analysis, pipeline.analyse, item.file.src, item.block,
                                                       item.file.path, roots, settings)
                drafted = await pipeline.draft(grounding, settings, backend, cache, use_cache=options.use_cache,
                                               offload=functools.partial(loop.run_in_executor, analysis))
                item.guide = drafted.guide
                item.status = "cached" if drafted.from_cache else "drafted"
            except (ModelUnreachable, ModelMissing) as exc:
                item.status, item.reason = "failed", str(exc)
                summary.stopped = summary.stopped or f"the model server failed: {exc}"
            except BackendError as exc:
                item.status, item.reason = "failed", str(exc)
            except Exception as exc:  # one odd block never stops the run
                item.status, item.reason = "failed", f"internal error: {type(exc).__name__}: {exc}"
            item.seconds = time.monotonic() - t0
            reporter.item(item)
            if item.file.done:
                finish_file(item.file, settings, options, cache)

    try:
        await asyncio.gather(*(worker() for _ in range(min(jobs, len(todo)))))
    finally:
        summary.drafting_seconds = time.monotonic() - drafting_started
        analysis.shutdown(wait=False, cancel_futures=True)
    if summary.stopped:
        for item in summary.items:
            if item.status == "pending":
                item.status, item.reason = "skipped", "not tried: the run stopped"
        for work in summary.files:
            finish_file(work, settings, options, cache)
    summary.seconds = time.monotonic() - started
    reporter.finish(summary)
    return summary
