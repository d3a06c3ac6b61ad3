"""What the command line shows on a terminal: a progress line while one guide is drafted, and for whole
repositories a bar with counts and ETA (one plain line per block when stderr is not a terminal) and the
summary at the end."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from blockguide.jobs.batch import Item, ItemStatus, Summary


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, s = divmod(seconds, 60)
    return f"{minutes}m{s:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def per_minute(summary: Summary) -> float:
    drafted = summary.count(ItemStatus.DRAFTED)
    return drafted / (summary.drafting_seconds / 60) if drafted and summary.drafting_seconds > 0 else 0.0


def summary_lines(summary: Summary) -> list[str]:
    """The end-of-run summary, one line each."""
    drafted, cached = summary.count(ItemStatus.DRAFTED), summary.count(ItemStatus.CACHED)
    skipped, failed = summary.count(ItemStatus.SKIPPED), summary.count(ItemStatus.FAILED)
    out = [f"{len(summary.items)} blocks in {len(summary.files)} files: {drafted + cached} documented "
           f"({drafted} drafted, {cached} from the cache), {skipped} skipped, {failed} failed "
           f"in {duration(summary.seconds)}"
           + (f"; {per_minute(summary):.1f} blocks/min drafted" if drafted else "")]
    written = [f for f in summary.files if f.outcome == "written"]
    if written:
        out.append(f"{len(written)} files written")
    for f in summary.files:
        if f.outcome and f.outcome not in ("written", "unchanged"):
            out.append(f"  {f.rel}: {f.outcome}")
    reasons: dict[str, int] = {}
    for i in summary.items:
        if i.status == ItemStatus.SKIPPED:
            reasons[i.reason] = reasons.get(i.reason, 0) + 1
    for reason, n in reasons.items():
        out.append(f"  skipped {n}: {reason}")
    for i in summary.items:
        if i.status == ItemStatus.FAILED:
            out.append(f"  failed {i.label}: {i.reason}")
    for path, reason in summary.unreadable:
        out.append(f"  not read {path}: {reason}")
    if summary.stopped:
        out.append(f"stopped: {summary.stopped}")
    if summary.stopped or failed:
        out.append("run the same command again to retry: finished guides are cached")
    return out


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
        cached, skipped = summary.count(ItemStatus.CACHED), summary.count(ItemStatus.SKIPPED)
        self._line(f"blockguide: {len(summary.items)} blocks in {len(summary.files)} files; {todo} to draft"
                   + (f", {cached} from the cache" if cached else "")
                   + (f", {skipped} already documented" if skipped else ""), final=True)

    def eta(self) -> str:
        if not self.done or self.done >= self.total:
            return "--"
        elapsed = time.monotonic() - self.started
        return duration(elapsed / self.done * (self.total - self.done))

    def item(self, item: Item) -> None:
        self.done += 1
        self.failed += item.status == ItemStatus.FAILED
        if self.tty:
            now = time.monotonic()
            if now - self._drawn > 0.1 or self.done == self.total:
                self._drawn = now
                width = 24
                filled = int(width * self.done / max(1, self.total))
                self._line(f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  "
                           f"ok {self.done - self.failed}  failed {self.failed}  ETA {self.eta()}")
        else:
            what = "ok" if item.status != ItemStatus.FAILED else f"FAILED: {item.reason}"
            self._line(f"[{self.done}/{self.total}] {item.label}: {what} ({item.seconds:.1f} s, "
                       f"ETA {self.eta()})", final=True)

    def finish(self, summary: Summary) -> None:
        if self.tty and self.total:
            self.stream.write("\n")
        for line in summary_lines(summary):
            self._line(("blockguide: " if not line.startswith(" ") else "") + line, final=True)

    def _line(self, text: str, final: bool = False) -> None:
        if self.tty and not final:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


class DraftProgress:
    """One line on a terminal while a guide is drafted: the stage and the token count, redrawn in place
    (what the editor's progress bar shows). Silent when stderr is not a terminal or with -q."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[Kblockguide: {message}")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
