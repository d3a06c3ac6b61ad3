"""python -m bench.quality [--model M] [--host URL] [--case ID ...] [--blockguide TREE] [--out FILE] [--record LABEL]
                         [--no-run]

Fetches each case's project at its pinned version (cached in .tools/bench-cache), drafts the static guide (no
model) and the model's guide for the case's block, scores both with the reader's rubric of score.py (out of
100) and prints one row per case: static score, model score, the difference and the seconds the model guide
took; then the means and the median/p95 seconds per model guide, and per language the share of shipped usage
examples the real toolchain accepted and which check ran (bench/quality/checked.py), the share that ran
(bench/run_examples.py: offline, in a throwaway copy of the package; `--no-run` skips it) with the failures
listed, and the placeholder or null arguments each example passes. `--model none` scores the static side only.
The per-case breakdown and every guide go to the results file (--out). `--record LABEL` also writes the
table into bench/RESULTS.md, section "Quality", subsection LABEL. `--blockguide TREE` drafts with another
checkout of blockguide (its `server/` folder); scoring always uses this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tomllib
from pathlib import Path

from bench.quality import draft as bg
from bench.quality.checked import Checked, toolchain_report
from bench.quality.fetch import CACHE, ROOT, FetchError, fetch
from bench.quality.score import Score, score
from bench.run_examples import placeholder_args, run_example, run_report

CASES = Path(__file__).with_name("cases.toml")
RESULTS = ROOT / "bench" / "RESULTS.md"
OUT = CACHE / "quality-results.md"


def load_cases(ids: list[str] | None = None) -> list[dict]:
    cases = tomllib.loads(CASES.read_text())["case"]
    if ids:
        unknown = set(ids) - {c["id"] for c in cases}
        if unknown:
            raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    return [c for c in cases if not ids or c["id"] in ids]


def draft(case: dict, tree: Path, model: str, host: str | None, blockguide: Path | None, timeout: float) -> dict:
    payload = {k: v for k, v in case.items() if k not in ("facts", "false")}
    payload.update(tree=str(tree), model=model, host=host, timeout=timeout)
    env = dict(os.environ)
    server = (blockguide / "server") if blockguide else ROOT / "server"
    env["PYTHONPATH"] = f"{server}{os.pathsep}{ROOT}"
    env["BLOCKGUIDE_CACHE_DIR"] = str(CACHE / "guide-cache")
    try:
        out = subprocess.run([sys.executable, "-m", "bench.quality.draft", json.dumps(payload)], capture_output=True,
                             text=True, env=env, cwd=ROOT, timeout=timeout * 3 + 60)
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    try:
        return json.loads(out.stdout.strip().split("\n")[-1])
    except (ValueError, IndexError):
        return {"error": (out.stderr.strip() or "no output")[-300:]}


def run_side(case: dict, tree: Path, model: str, args) -> tuple[Score | None, dict]:
    res = draft(case, tree, model, args.host, args.blockguide, args.timeout)
    if "error" in res:
        return None, res
    checked = bg.example_report(case, tree, res["guide"]["example"])
    problems = None if checked is None else checked[0]
    if checked is not None:
        res["checked"] = Checked(case["language"], checked[1], tuple(checked[0]))
    s = score(case, res["guide"], res["markdown"], problems)
    if args.run:
        res["ran"] = run_example(case["language"], res["guide"]["example"]["code"], tree, case["file"])
    res["placeholders"] = placeholder_args(res["guide"]["example"]["code"], case.get("symbol") or "")
    saved = CACHE / "guides" / model.replace("/", "_") / f"{case['id']}.md"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(res["markdown"] + "\n")
    return s, res


def _cell(s: Score | None) -> str:
    return "error" if s is None else f"{s.total:.0f} ({s.facts})"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(q * (len(v) - 1))))]


def table(cases: list[dict], static: dict, model: dict | None, model_name: str | None) -> str:
    """One row per case: static score (facts x/y), model score, difference, model seconds; then the means."""
    if model is None:
        head = ["| case | lang | kind | static (facts) | penalties |", "|---|---|---|---|---|"]
    else:
        head = [f"| case | lang | kind | static (facts) | {model_name} (facts) | diff | model s |",
                "|---|---|---|---|---|---|---|"]
    rows, st_tot, mo_tot, secs = list(head), [], [], []
    for c in cases:
        s, _ = static.get(c["id"], (None, {}))
        st_tot.append(s.total if s else 0.0)
        if model is None:
            pen = "; ".join(why for why, _ in s.penalties) if s else ""
            rows.append(f"| {c['id']} | {c['language']} | {c['kind']} | {_cell(s)} | {pen} |")
            continue
        m, res = model.get(c["id"], (None, {}))
        mo_tot.append(m.total if m else 0.0)
        src = "fallback" if res.get("warning") else ""
        if "seconds" in res:
            secs.append(res["seconds"])
        diff = f"{(m.total if m else 0) - (s.total if s else 0):+.0f}"
        rows.append(f"| {c['id']} | {c['language']} | {c['kind']} | {_cell(s)} | {_cell(m)}{' ' + src if src else ''}"
                    f" | {diff} | {res.get('seconds', 0):.1f} |")
    n = max(1, len(cases))
    if model is None:
        rows.append(f"| **mean** | | | **{sum(st_tot) / n:.1f}** | |")
        return "\n".join(rows)
    rows.append(f"| **mean** | | | **{sum(st_tot) / n:.1f}** | **{sum(mo_tot) / n:.1f}** | "
                f"{(sum(mo_tot) - sum(st_tot)) / n:+.1f} | |")
    timing = (f"Seconds per model guide: median {statistics.median(secs):.1f}, p95 {_pct(secs, 0.95):.1f} "
              f"({len(secs)} guides)." if secs else "No model guide was timed.")
    return "\n".join(rows) + "\n\n" + timing + kept_fields([model.get(c["id"], (None, {}))[1] for c in cases])


def checked_section(cases: list[dict], sides: dict[str, dict]) -> str:
    """Per side, per language: the share of shipped examples the real toolchain accepted, and which check ran."""
    out = []
    for side, results in sides.items():
        rows = [res["checked"] for c in cases for _, res in [results.get(c["id"], (None, {}))] if "checked" in res]
        out.append(f"Examples the toolchain accepted ({side}): " + "; ".join(toolchain_report(rows)) + ".")
        ran = [(c["language"], c["id"], res["ran"]) for c in cases for _, res in [results.get(c["id"], (None, {}))]
               if "ran" in res]
        if ran:
            lines, failures = run_report(ran)
            out.append(f"Examples that ran ({side}, bench/run_examples.py): " + "; ".join(lines) + ".")
            out += [f"- {f}" for f in failures]
        held: dict[str, list[str]] = {}
        for c in cases:
            res = results.get(c["id"], (None, {}))[1]
            if "placeholders" in res:
                held.setdefault(c["language"], []).extend(f"{c['id']}: {a}" for a in res["placeholders"])
        if held:
            out.append(f"Placeholder or null arguments in the examples ({side}): " + "; ".join(
                f"{lang} {len(args)}" + (f" ({', '.join(args)})" if args else "") for lang, args in held.items()) + ".")
    return "\n".join(out)


def kept_fields(results: list[dict]) -> str:
    """How many of the fields the model wrote passed the checks, and the commonest reasons the others failed
    (from each guide's provenance; guides stored without one are left out)."""
    kept = total = 0
    reasons: dict[str, int] = {}
    for res in results:
        made = (res.get("guide") or {}).get("provenance") or {}
        for field in made.get("fields", ()):
            total += 1
            kept += field.get("source") == "model"
            for reason in field.get("reasons", ()):
                key = re.sub(r"[:(].*", "", reason).strip()
                reasons[key] = reasons.get(key, 0) + 1
    if not total:
        return ""
    top = ", ".join(f"{why} {n}" for why, n in sorted(reasons.items(), key=lambda t: -t[1])[:6])
    return (f"\nFields the model wrote that passed the checks and are in the guide: {kept} of {total}. "
            f"Why the others keep the analysis' text (a field can have several reasons): {top}.")


def results_file(cases: list[dict], sides: dict[str, dict], title: str, tables: str) -> str:
    """The table, then per case and per side the score's breakdown and the guide scored."""
    out = [f"# Quality benchmark: {title}", "", tables, ""]
    for c in cases:
        where = c.get("symbol") or f"lines {c['lines']}"
        out += [f"## {c['id']} ({c['language']}, {c['kind']}: `{c['file']}` {where})", ""]
        for side, results in sides.items():
            s, res = results.get(c["id"], (None, {}))
            out += [f"### {side}", ""]
            if s is None:
                out += [f"error: {res.get('error', 'not run')}", ""]
                continue
            out += [f"- {line}" for line in s.breakdown()]
            out += [f"- seconds: {res.get('seconds', 0):.1f}" + (f"; fallback: {res['warning']}"
                                                                  if res.get("warning") else ""), ""]
            out += ["````markdown", res["markdown"], "````", ""]
    return "\n".join(out)


def record(label: str, text: str) -> None:
    """Put `text` under '### label' in the '## Quality' section of bench/RESULTS.md, leaving the rest alone."""
    content = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"### {label}\n\n{text.strip()}\n"
    m = re.search(r"^## Quality\n(.*?)(?=^## |\Z)", content, re.S | re.M)
    if m is None:
        content = content.rstrip("\n") + "\n\n## Quality\n\n" + block
    else:
        section = m.group(1)
        sub = re.search(rf"^### {re.escape(label)}\n(.*?)(?=^### |\Z)", section, re.S | re.M)
        if sub:
            section = section[: sub.start()] + block + "\n" + section[sub.end():]
        elif "\n### Earlier scorer" in section:  # new runs go above the earlier scorer's history
            at = section.index("\n### Earlier scorer") + 1
            section = section[:at] + block + "\n" + section[at:]
        else:
            section = section.rstrip("\n") + "\n\n" + block
        content = content[: m.start(1)] + section.rstrip("\n") + "\n\n" + content[m.end(1):]
    RESULTS.write_text(content.rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[1])
    p.add_argument("--model", default="blockguide-tiny",
                   help="the model whose guides are set beside the static guide (default blockguide-tiny); "
                        "`none`: the static guide only")
    p.add_argument("--host", help="model server URL (default: OLLAMA_HOST or `scripts/ollama.sh status`)")
    p.add_argument("--case", action="append", help="only these case ids (repeatable)")
    p.add_argument("--blockguide", type=Path, help="draft with the blockguide checkout at this path")
    p.add_argument("--timeout", type=float, default=600, help="seconds per model call (default 600)")
    p.add_argument("--out", type=Path, default=OUT, help=f"results file (default {OUT.relative_to(ROOT)})")
    p.add_argument("--record", metavar="LABEL", help="also write the table into bench/RESULTS.md under LABEL")
    p.add_argument("--no-run", dest="run", action="store_false",
                   help="do not run the examples (bench/run_examples.py): the toolchain's acceptance only")
    p.add_argument("-v", "--verbose", action="store_true", help="print each guide's breakdown")
    args = p.parse_args(argv)
    model = None if args.model == "none" else args.model
    if model:
        args.host = args.host or os.environ.get("OLLAMA_HOST") or _bundled_host()
        if not args.host:
            print("no model server: start one (`make ollama-serve`), or pass --host URL or set OLLAMA_HOST; "
                  "`--model none` scores the static guide only", file=sys.stderr)
            return 2
    cases = load_cases(args.case)
    sides: dict[str, dict] = {"static": {}}
    if model:
        sides[model] = {}
    for case in cases:
        try:
            tree = fetch(case["fetch"])
        except FetchError as exc:
            print(f"{case['id']}: cannot fetch: {exc}", file=sys.stderr)
            for results in sides.values():
                results[case["id"]] = (None, {"error": f"cannot fetch: {exc}"})
            continue
        for side, results in sides.items():
            s, res = run_side(case, tree, "none" if side == "static" else side, args)
            results[case["id"]] = (s, res)
            shown = f"{s.total:.0f} (facts {s.facts})" if s else f"error: {res.get('error', '')[:200]}"
            shown += f"; example: {res['ran']}" if "ran" in res else ""
            print(f"  {side} {case['id']}: {shown} ({res.get('seconds', 0):.1f} s)", file=sys.stderr)
            if args.verbose and s is not None:
                print("    " + "\n    ".join(s.breakdown()), file=sys.stderr)
    text = table(cases, sides["static"], sides.get(model) if model else None, model)
    text += "\n\n" + checked_section(cases, sides)
    title = ("static guide" + (f" vs model `{model}` at {args.host}" if model else " only")
             + (f", blockguide from {args.blockguide}" if args.blockguide else ""))
    print(f"{title}\n\n{text}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(results_file(cases, sides, title, text) + "\n")
    print(f"\nbreakdown and guides: {args.out}", file=sys.stderr)
    if args.record:
        record(args.record, f"{title}\n\n{text}\n")
    return 0


def _bundled_host() -> str | None:
    try:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "ollama.sh"), "status"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"server: (http://\S+)", out)
    return m.group(1) if m else None


if __name__ == "__main__":
    sys.exit(main())
