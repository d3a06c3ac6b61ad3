"""Figures, the printed table, and bench/RESULTS.md (only between our markers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

BEGIN = "<!-- bench:performance:begin -->"
END = "<!-- bench:performance:end -->"


@dataclass
class Figure:
    item: str  # e.g. "1 listing"
    name: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target, or not measured


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.figures.append(Figure(self.title, name, value, target, ok))

    def note(self, text: str) -> None:
        self.notes.append(text)


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def table(sections: list[Section]) -> str:
    rows = [("figure", "measured", "target", "")]
    for s in sections:
        for f in s.figures:
            rows.append((f"{s.title}: {f.name}", f.value, f.target, _mark(f.ok)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(sections: list[Section], machine: list[str], command: str, wall: float) -> str:
    out = [BEGIN, "## Performance", "",
           f"`{command}` — {wall:.0f} s wall. Latencies are p50/p95 over many runs; ratios are measured side "
           "by side in the same run. Other work may share the machine, so absolute times are noisy.", "",
           "Machine: " + "; ".join(machine), ""]
    for s in sections:
        out += [f"### {s.title}", "", "| figure | measured | target | |", "| --- | --- | --- | --- |"]
        for f in s.figures:
            out.append(f"| {f.name} | {f.value} | {f.target} | {_mark(f.ok)} |")
        if s.notes:
            out.append("")
            out += [f"- {n}" for n in s.notes]
        out.append("")
    out.append(END)
    return "\n".join(out)


def write(path: Path, block: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace our block (between `begin` and `end`) in RESULTS.md (or append it), leaving every other
    section as it is."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
