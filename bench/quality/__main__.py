"""python -m bench.quality [--model M ...] [--host URL] [--case ID ...] [--blockguide TREE] [--record LABEL]

Fetches each case's project at its pinned version (cached in .tools/bench-cache), drafts a guide with each
model (`none` is the guide built without a model), scores it, and prints a table per model with the mean.
`--record LABEL` also writes the table into bench/RESULTS.md, section "Quality", subsection LABEL (other
sections of that file are left alone). `--blockguide TREE` drafts with another checkout of blockguide (its
`server/` folder), e.g. the version before a change; scoring always uses this checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from bench.quality.fetch import ROOT, FetchError, fetch
from bench.quality.score import METRICS, Score, score

CASES = Path(__file__).with_name("cases.toml")
RESULTS = ROOT / "bench" / "RESULTS.md"


def load_cases(ids: list[str] | None) -> list[dict]:
    cases = tomllib.loads(CASES.read_text())["case"]
    return [c for c in cases if not ids or c["id"] in ids]


def grounding_for(case: dict, tree: Path):
    from blockguide.jobs import draft as drafting
    from blockguide.core import languages
    from blockguide.core.syntax.blocks import find_definition
    from blockguide.core.syntax.source import Source
    from blockguide.settings import Settings

    path = tree / case["file"]
    src = Source(languages.LANGUAGES[case["language"]], path.read_text("utf-8", errors="replace"))
    block = find_definition(src, case["symbol"])
    if block is None:
        return None
    return drafting.analyse(src, block, path, [tree], Settings())


def draft(case: dict, tree: Path, model: str, host: str | None, blockguide: Path | None, timeout: float) -> dict:
    payload = dict(case, tree=str(tree), model=model, host=host, timeout=timeout)
    env = dict(os.environ)
    server = (blockguide / "server") if blockguide else ROOT / "server"
    env["PYTHONPATH"] = f"{server}{os.pathsep}{ROOT}"
    env["BLOCKGUIDE_CACHE_DIR"] = str(ROOT / ".tools" / "bench-cache" / "guide-cache")
    out = subprocess.run([sys.executable, "-m", "bench.quality.draft", json.dumps(payload)], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=timeout * 3 + 60)
    try:
        return json.loads(out.stdout.strip().split("\n")[-1])
    except (ValueError, IndexError):
        return {"error": (out.stderr.strip() or "no output")[-300:]}


def table(rows: list[tuple[dict, Score | None, dict]]) -> str:
    head = "| case | lang | " + " | ".join(METRICS) + " | total | source | s |"
    lines = [head, "|" + "---|" * (len(METRICS) + 5)]
    scores = []
    for case, s, res in rows:
        source = "error" if s is None else ("fallback" if res.get("warning") else
                                            ("static" if res["guide"]["model"] == "none" else "model"))
        if s is None:
            lines.append(f"| {case['id']} | {case['language']} | " + " | ".join("0.00" for _ in METRICS) +
                         f" | 0.00 | error | {res.get('seconds', 0):.0f} |")
            scores.append(0.0)
            continue
        scores.append(s.total)
        lines.append(f"| {case['id']} | {case['language']} | " + " | ".join(f"{getattr(s, m):.2f}" for m in METRICS)
                     + f" | {s.total:.2f} | {source} | {res.get('seconds', 0):.0f} |")
    valid = [s for _, s, _ in rows if s is not None]
    means = [sum(getattr(s, m) for s in valid) / len(rows) if rows else 0 for m in METRICS]
    lines.append("| **mean** | | " + " | ".join(f"{m:.2f}" for m in means) +
                 f" | **{sum(scores) / max(1, len(scores)):.2f}** | | |")
    return "\n".join(lines)


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
        if sub:  # keep the tables of other models already recorded under this label
            parts = dict(re.findall(r"^(#### [^\n]*)\n(.*?)(?=^#### |\Z)", sub.group(1), re.S | re.M))
            parts.update(re.findall(r"^(#### [^\n]*)\n(.*?)(?=^#### |\Z)", text, re.S | re.M))
            merged = "\n".join(f"{h}\n{b.rstrip()}\n" for h, b in parts.items())
            block = f"### {label}\n\n{merged}"
            section = section[: sub.start()] + block + "\n" + section[sub.end():]
        else:
            section = section.rstrip("\n") + "\n\n" + block
        content = content[: m.start(1)] + section.rstrip("\n") + "\n\n" + content[m.end(1):]
    RESULTS.write_text(content.rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[1])
    p.add_argument("--model", action="append", help="model to draft with (repeatable); `none` = no model. "
                   "Default: none and blockguide-tiny")
    p.add_argument("--host", help="model server URL (default: OLLAMA_HOST or `scripts/ollama.sh status`)")
    p.add_argument("--case", action="append", help="only these case ids (repeatable)")
    p.add_argument("--blockguide", type=Path, help="draft with the blockguide checkout at this path")
    p.add_argument("--timeout", type=float, default=600, help="seconds per model call (default 600)")
    p.add_argument("--record", metavar="LABEL", help="also write the tables into bench/RESULTS.md under LABEL")
    p.add_argument("-v", "--verbose", action="store_true", help="print what each guide missed")
    args = p.parse_args(argv)
    models = args.model or ["none", "blockguide-tiny"]
    host = args.host or os.environ.get("OLLAMA_HOST") or _bundled_host()
    cases = load_cases(args.case)
    out_text = []
    for model in models:
        rows = []
        for case in cases:
            try:
                tree = fetch(case["fetch"])
            except FetchError as exc:
                print(f"{case['id']}: cannot fetch: {exc}", file=sys.stderr)
                continue
            res = draft(case, tree, model, host, args.blockguide, args.timeout)
            g = grounding_for(case, tree)
            if "error" in res or g is None:
                rows.append((case, None, res))
                print(f"  {model} {case['id']}: error: {res.get('error', 'no block')[:200]}", file=sys.stderr)
                continue
            s = score(case, res["guide"], res["markdown"], g)
            rows.append((case, s, res))
            saved = ROOT / ".tools" / "bench-cache" / "guides" / model.replace("/", "_") / f"{case['id']}.md"
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(res["markdown"] + "\n")  # to read what was scored
            print(f"  {model} {case['id']}: {s.total:.2f} ({res.get('seconds', 0):.0f} s)", file=sys.stderr)
            if args.verbose and s.details:
                print("    " + "\n    ".join(s.details), file=sys.stderr)
        where = f" at {host}" if model != "none" else ""
        title = f"model `{model}`{where}" + (f", blockguide from {args.blockguide}" if args.blockguide else "")
        text = f"{title}\n\n{table(rows)}\n"
        print(text)
        out_text.append(f"#### {('model ' + model) if model != 'none' else 'no model (static guide)'}\n\n"
                        + table(rows) + "\n")
    if args.record:
        record(args.record, "\n".join(out_text))
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
