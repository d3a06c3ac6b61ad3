"""The sampled benchmark's tables: per language and per kind, the share of blocks each property holds for
(pass / (pass + fail); n/a left out), the worst guides, the results file and the record in bench/RESULTS.md.
Plain data in, text out."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

from bench.sample.checks import FAIL, NA, PASS, PROPERTIES, Case

SECTION = "## Sampled benchmark"
INTRO = """\
`python -m bench.sample [--seed N] [--blocks 300] [--languages ...] [--out FILE] [--record LABEL]` (`make
bench-sample SEED=N`). Blocks drawn at random (a seeded draw, a quota per language) from the pinned packages
of `bench/sample/corpus.toml` (none of them in bench/quality; fetched by the registries' own clients into
`.tools/bench-cache`, never committed): whole definitions of every kind and runs of statements inside bodies,
found by the benchmark's own tree-sitter walk. Each guide is drafted without a model and checked for properties
every right guide has, by code written apart from blockguide's (`bench/sample/checks.py`, `reader.py`):
drafted (a guide, no crash) · assignments ("sets `x` to `v`" is an `x = v` in the block, never a compound one) ·
counts (every "N return statements / statements / lines / parameters" is the block's) · names (every quoted
name is in the block, its file, its package or a standard module the file imports; fragments as substrings) · doc (the author's first sentence is in the
Description, whole) · steps (no step stands for more than two top-level statements it does not describe) ·
labels (no generic label) · kind, language (as the benchmark decides them) · extent (the selected lines are
the ones documented) · example (the toolchain accepted the example, where one ran) · run (the example ran:
filled by bench/run_examples.py, issue 20). A cell is the share of the blocks the property applies to.
"""


def share(cases: list[Case], prop: str) -> tuple[int, int]:
    held = sum(1 for c in cases if c.verdicts.get(prop) and c.verdicts[prop].status == PASS)
    applicable = sum(1 for c in cases if c.verdicts.get(prop) and c.verdicts[prop].status != NA)
    return held, applicable


def _cell(cases: list[Case], prop: str) -> str:
    held, applicable = share(cases, prop)
    if not applicable:
        return "—"
    return f"{100 * held / applicable:.0f}% ({held}/{applicable})"


def table(cases: list[Case], by: str) -> list[str]:
    """A Markdown table, one row per language (by="language") or kind (by="kind"), then all blocks."""
    groups: dict[str, list[Case]] = {}
    for c in cases:
        groups.setdefault(getattr(c, by), []).append(c)
    head = f"| {by} | blocks | " + " | ".join(PROPERTIES) + " |"
    out = [head, "|" + "---|" * (len(PROPERTIES) + 2)]
    for key in sorted(groups):
        rows = groups[key]
        out.append(f"| {key} | {len(rows)} | " + " | ".join(_cell(rows, p) for p in PROPERTIES) + " |")
    out.append(f"| **all** | {len(cases)} | " + " | ".join(_cell(cases, p) for p in PROPERTIES) + " |")
    return out


def every_property(cases: list[Case]) -> str:
    """The share of blocks for which every property that applies holds (the run column left out)."""
    good = sum(1 for c in cases if not [p for p in c.failed if p != "run"])
    return f"{good}/{len(cases)} blocks ({100 * good / max(1, len(cases)):.0f}%) hold every property that applies"


def _reason_class(reason: str) -> str:
    """A n/a reason without its particulars: its first two ': '-parts ("not runnable (cargo): the crate inherits
    from a workspace", "runner error: TypeError")."""
    return ": ".join(reason.split(": ")[:2])


def run_summary(cases: list[Case]) -> list[str]:
    """The examples run (the "run" column, bench/run_examples.py): per language, how many ran of those that
    could be run here, and the n/a counted by their reason."""
    groups: dict[str, list[Case]] = {}
    for c in cases:
        if c.verdicts.get("run"):
            groups.setdefault(c.language, []).append(c)
    out = []
    for language in sorted(groups):
        verdicts = [c.verdicts["run"] for c in groups[language]]
        ran = sum(v.status == PASS for v in verdicts)
        runnable = sum(v.status != NA for v in verdicts)
        line = f"- {language}: {ran}/{runnable} ran" + (f" ({100 * ran / runnable:.0f}%)" if runnable else "")
        reasons: dict[str, int] = {}
        for v in verdicts:
            if v.status == NA:
                reasons[_reason_class(v.reason)] = reasons.get(_reason_class(v.reason), 0) + 1
        if reasons:
            line += f"; {sum(reasons.values())} n/a: " + "; ".join(
                f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(line)
    return out


def run_failures(cases: list[Case]) -> list[str]:
    """Every example that did not run: the block and the first error line."""
    return [f"- {c.id} ({c.language}): {c.verdicts['run'].reason}"
            for c in sorted(cases, key=lambda c: (c.language, c.id))
            if c.verdicts.get("run") and c.verdicts["run"].status == FAIL]


def worst(cases: list[Case], n: int) -> list[Case]:
    return sorted((c for c in cases if c.failed), key=lambda c: (-len(c.failed), c.id))[:n]


def _skips(skipped: dict[str, int], failed: dict[str, str]) -> list[str]:
    out = []
    if skipped:
        out.append("Files not drawn from: " + "; ".join(f"{n} {reason}" for reason, n in
                                                         sorted(skipped.items(), key=lambda kv: -kv[1])) + ".")
    for spec, why in failed.items():
        out.append(f"Not fetched: {spec}: {why}")
    return out


def _worst_lines(cases: list[Case], n: int) -> list[str]:
    out = []
    for c in worst(cases, n):
        out.append(f"- {c.id} ({c.language} {c.what or c.kind}): " + "; ".join(
            f"**{p}**: {c.verdicts[p].reason}" for p in c.failed))
    return out


def console(cases: list[Case], seed: int, skipped: dict[str, int], failed: dict[str, str], n_worst: int) -> str:
    lines = [f"Sampled benchmark, seed {seed}: {len(cases)} blocks", "", "Per language:", *table(cases, "language"),
             "", "Per kind:", *table(cases, "kind"), "", every_property(cases), *_skips(skipped, failed), "",
             "Examples run (ran / could be run here):", *run_summary(cases),
             f"({len(run_failures(cases))} failures listed in the results file)", "",
             f"The {n_worst} worst guides:", *_worst_lines(cases, n_worst)]
    return "\n".join(lines)


def results_file(cases: list[Case], seed: int, skipped: dict[str, int], failed: dict[str, str]) -> str:
    lines = [f"# Sampled benchmark, seed {seed}", "", *table(cases, "language"), "", *table(cases, "kind"), "",
             every_property(cases), *_skips(skipped, failed), "",
             "## Examples run", "", "Ran / could be run here, per language (bench/run_examples.py):", "",
             *run_summary(cases), "", "Failures (the block, the first error line):", "",
             *(run_failures(cases) or ["- none"]), "", "## Every guide", ""]
    for c in sorted(cases, key=lambda c: (-len(c.failed), c.id)):
        lines += [f"### {c.id}", "", f"{c.language} {c.what or c.kind}; blockguide: "
                  f"{c.result.get('kind', '?')} {c.result.get('language', '?')} lines "
                  f"{'-'.join(map(str, c.result.get('lines') or [])) or '?'}", ""]
        lines += [f"- {p}: {v.status} — {v.reason}" for p, v in c.verdicts.items()]
        lines += ["", c.result.get("markdown") or f"(no guide: {c.result.get('error')})", ""]
    return "\n".join(lines)


def as_json(cases: list[Case], blocks, seed: int) -> dict:
    drawn = {b.id: b for b in blocks}
    return {"seed": seed, "blocks": [
        {"id": c.id, "package": drawn[c.id].package, "tree": drawn[c.id].tree, "file": drawn[c.id].file,
         "start": c.start, "end": c.end, "language": c.language, "kind": c.kind, "kinds": list(c.kinds),
         "what": c.what, "name": c.name, "result": c.result,
         "verdicts": {p: [v.status, v.reason] for p, v in c.verdicts.items()}} for c in cases]}


def _commit(tree: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h", "--", "server"],
                              capture_output=True, text=True, timeout=30).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def record(results: Path, label: str, cases: list[Case], seed: int, checkout: Path, skipped: dict[str, int],
           timed_out: list[str] = ()) -> None:
    """Append this run's tables to RESULTS.md's "Sampled benchmark" section (made the first time)."""
    text = results.read_text("utf-8") if results.exists() else "# Benchmark results\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}"
    when = datetime.date.today().isoformat()
    block = [f"### {label} (seed {seed}, {len(cases)} blocks, blockguide at {_commit(checkout)}, {when})", "",
             *table(cases, "language"), "", *table(cases, "kind"), "", every_property(cases) + "."
             + (f" {len(timed_out)} block(s) timed out on the shared machine and are left out." if timed_out else ""),
             *[line + "\n" for line in _skips(skipped, {})], ""]
    start = text.index(SECTION)
    rest = text[start + len(SECTION):]
    nxt = rest.find("\n## ")
    if nxt == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block)
    else:
        cut = start + len(SECTION) + nxt
        text = text[:cut].rstrip("\n") + "\n\n" + "\n".join(block) + text[cut:]
    results.write_text(text.rstrip("\n") + "\n", "utf-8")
