"""python -m bench.verifier [--case ID ...] [--role draft|phrase|both] [--record LABEL] [--verbose]

The field checks are a classifier: this measures them as one. For each case (bench/quality's cases and the
ones in bench/verifier/cases.toml, fetched at pinned versions into .tools/bench-cache) a correct whole-guide
answer written by hand from reading the block (bench/verifier/answers/*.toml) and, from it, flawed answers with
one planted error each (bench/verifier/flaws.py: the kind, the field) are replayed through the replay backend
(tests/replay/fake_ollama.py, a stand-in Ollama that reports a 7.6B model for the `draft` role and the bundled
135M model for the `phrase` role) into blockguide's own draft job (jobs.draft.draft). It reports:

- RECALL: the share of the correct answers' fields that blockguide kept (FieldOutcome source "model");
- per kind of planted error, the SHARE STOPPED: the false text does not reach the user's guide (its field was
  replaced by the analysis' text, or an example's import line was repaired), and, beside it, the share of the
  flawed answer's other fields that were still kept (stopping a false field must not throw the whole guide
  away).

The phrase role hands the model the analysis' steps, which a hand-written whole guide does not follow; it is
measured on the description (the correct answer's, and the planted errors that land in the description).
`--blockguide TREE` replays into another checkout (e.g. main before a change). `--record LABEL` writes the tables into bench/RESULTS.md, section "Verifier", subsection LABEL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.draft import locate
from bench.quality.fetch import CACHE, ROOT, fetch
from bench.verifier.flaws import KINDS, Flaw, flaws_for  # noqa: F401 (Flaw: shipped's annotation)

HERE = Path(__file__).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
BIG = "coder-7b"  # the stand-in model the draft role is replayed through
BIG_SIZE = "7.6B"
SMALL_SIZE = "134.52M"  # the bundled model's size: the phrase role


def load_cases(ids: list[str] | None = None) -> list[dict]:
    cases = tomllib.loads((ROOT / "bench" / "quality" / "cases.toml").read_text())["case"]
    cases += tomllib.loads((HERE / "cases.toml").read_text())["case"]
    answers: dict[str, dict] = {}
    for f in sorted((HERE / "answers").glob("*.toml")):
        for a in tomllib.loads(f.read_text())["answer"]:
            if a["id"] in answers:
                raise SystemExit(f"{f.name}: answer {a['id']} is written twice")
            answers[a["id"]] = a
    out = []
    for c in cases:
        if ids and c["id"] not in ids:
            continue
        if c["id"] not in answers:
            raise SystemExit(f"case {c['id']} has no answer in bench/verifier/answers")
        out.append({**c, "answer": answers[c["id"]]})
    return out


def guide_json(answer: dict) -> dict:
    """The model's answer for the draft role, as the guide schema wants it."""
    return {"description": answer["description"].strip(),
            "steps": [{"label": s["label"], "detail": s["detail"].strip()} for s in answer["steps"]],
            "example": {"language": answer.get("language", ""), "code": answer["example"].strip() + "\n"}}


def phrase_json(answer: dict, steps) -> dict:
    """The phrase role's answer: the hand-written description, and for the steps the analysis' own labels and
    details (the phrase role is handed the analysis' steps, which a hand-written whole guide does not follow,
    so this role is scored on its description only)."""
    return {"description": answer["description"].strip(),
            "steps": [{"step": i + 1, "label": s.label, "sentence": s.detail} for i, s in enumerate(steps)]}


def fields_of(answer: dict) -> list[str]:
    n = len(answer["steps"])
    return ["description"] + [f"steps[{i + 1}].{p}" for i in range(n) for p in ("label", "sentence")] + ["example"]


@dataclass
class Tally:
    kept: int = 0
    total: int = 0
    why: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def share(self) -> str:
        return f"{self.kept}/{self.total} ({100 * self.kept / self.total:.0f}%)" if self.total else "-"


async def replay(fake, g, settings, content: dict):
    """(the FieldOutcomes of one replayed answer by field, the guide the user gets)."""
    from blockguide.jobs.draft import draft
    from blockguide.llm import make_backend
    from tests.replay.fake_ollama import answer as fake_answer

    fake.reset()
    fake.set_default(fake_answer(content))  # every request (a rewrite too) gets the same answer
    drafted = await draft(g, settings, make_backend(settings), None, use_cache=False)
    prov = drafted.guide.provenance
    return {o.field: o for o in (prov.fields if prov is not None else ())}, drafted.guide


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shipped(flaw: Flaw, guide) -> bool:
    """Whether the planted error reaches the user: the false sentence is in the guide's prose, or the flawed
    example is the guide's example (a repaired import line counts as stopped: the false part is replaced)."""
    if flaw.field == "example":
        return _flat(guide.example.code) == _flat(flaw.answer["example"])
    prose = _flat(" ".join([guide.description] + [f"{s.label} {s.detail}" for s in guide.steps]))
    return _flat(flaw.said).rstrip(".") in prose or _flat(flaw.said[0].lower() + flaw.said[1:]).rstrip(".") in prose


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", action="append")
    ap.add_argument("--role", choices=("draft", "phrase", "both"), default="both")
    ap.add_argument("--record", metavar="LABEL")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--blockguide", type=Path, help="replay into another checkout of blockguide (its server/)")
    args = ap.parse_args()
    if args.blockguide:  # the fetcher has imported this checkout's blockguide already: forget it
        sys.path.insert(0, str(args.blockguide.resolve() / "server"))
        for name in [m for m in sys.modules if m == "blockguide" or m.startswith("blockguide.")]:
            del sys.modules[name]
    logging.basicConfig(level=logging.WARNING)
    from blockguide.core.fallback import static_guide
    from blockguide.jobs.draft import analyse
    from blockguide.settings import Settings
    from tests.replay.fake_ollama import FakeOllama

    cases = load_cases(args.case)
    roles = ("draft", "phrase") if args.role == "both" else (args.role,)
    recall = {r: Tally() for r in roles}
    recall_by_lang: dict[str, Tally] = defaultdict(Tally)
    stopped = {r: defaultdict(Tally) for r in roles}
    others = {r: defaultdict(Tally) for r in roles}
    misses: list[str] = []
    rubric: list[tuple[str, tuple[float, float]]] = []
    models = [{"name": BIG, "parameter_size": BIG_SIZE}, {"name": "tiny", "parameter_size": SMALL_SIZE}]
    with FakeOllama(models=models) as fake:
        for case in cases:
            tree = fetch(case["fetch"])
            src, block, path = locate(case, tree)
            if block is None:
                print(f"{case['id']}: block not found", file=sys.stderr)
                continue
            a = dict(case["answer"], language=case["language"], _code=block.text)
            g = analyse(src, block, path, [tree], Settings(model=BIG, ollama_host=fake.url))
            static_steps = static_guide(g).steps
            for role in roles:
                settings = Settings(model=BIG if role == "draft" else "tiny", ollama_host=fake.url,
                                    model_role="auto", timeout=60)
                content = guide_json(a) if role == "draft" else phrase_json(a, static_steps)
                names = fields_of(a) if role == "draft" else ["description"]
                got, kept_guide = asyncio.run(replay(fake, g, settings, content))
                if role == "draft" and case.get("facts"):  # a bench/quality case: its rubric, kept vs hand-written
                    rubric.append((case["id"], _rubric(case, a, kept_guide)))
                for f in names:
                    o = got.get(f)
                    ok = o is not None and o.from_model
                    recall[role].total += 1
                    recall[role].kept += ok
                    if role == "draft":
                        lang = recall_by_lang[case["language"]]
                        lang.total += 1
                        lang.kept += ok
                    if not ok:
                        reason = "; ".join(o.reasons) if o is not None else "missing"
                        recall[role].why[_reason_kind(reason)] += 1
                        misses.append(f"[{role}] {case['id']} {f} REPLACED: {reason}")
                for flaw in flaws_for(a, case):
                    if role == "phrase" and flaw.field != "description":
                        continue
                    content = guide_json(flaw.answer) if role == "draft" else phrase_json(flaw.answer, static_steps)
                    got, guide = asyncio.run(replay(fake, g, settings, content))
                    o = got.get(flaw.field)
                    stop = not shipped(flaw, guide)
                    t = stopped[role][flaw.kind]
                    t.total += 1
                    t.kept += stop
                    if not stop:
                        misses.append(f"[{role}] {case['id']} {flaw.kind} in {flaw.field} PASSED: {flaw.said}")
                    elif args.verbose:
                        misses.append(f"[{role}] {case['id']} {flaw.kind} in {flaw.field} stopped: "
                                      f"{'; '.join(o.reasons) if o is not None else 'not in the guide'}")
                    rest = [f for f in (fields_of(flaw.answer) if role == "draft" else []) if f != flaw.field]
                    ot = others[role][flaw.kind]
                    for f in rest:
                        ot.total += 1
                        ot.kept += bool(got.get(f) is not None and got[f].from_model)
            print(f"{case['id']}: done", file=sys.stderr, flush=True)
    table = report(roles, recall, recall_by_lang, stopped, others, len(cases))
    if rubric:
        diffs = [kept - hand for _, (hand, kept) in rubric]
        table += (f"\n\nbench/quality's rubric on its {len(rubric)} cases (example checks left out): the hand-written "
                  f"answer {sum(h for _, (h, _) in rubric) / len(rubric):.1f}, the guide blockguide kept from it "
                  f"{sum(k for _, (_, k) in rubric) / len(rubric):.1f}; within 2 points on "
                  f"{sum(1 for d in diffs if d >= -2)} of {len(rubric)} (lowest: " +
                  ", ".join(f"{cid} {kept - hand:+.0f}" for cid, (hand, kept) in sorted(rubric, key=lambda r: r[1][1] - r[1][0])[:3])
                  + ")")
    print(table)
    print("\n".join(misses))
    out = CACHE / "verifier-results.md"
    out.write_text(table + "\n\n" + "\n".join(misses) + "\n")
    if args.record:
        record(args.record, table)
    return 0


def _rubric(case: dict, answer: dict, kept) -> tuple[float, float]:
    """(bench/quality's score of the hand-written answer as a guide, of the guide blockguide kept from it)."""
    from dataclasses import asdict, replace

    from blockguide.core.render import to_markdown
    from blockguide.core.types import Example, Step
    from bench.quality.score import score

    hand = replace(kept, description=answer["description"].strip(),
                   steps=tuple(Step(s["label"], s["detail"].strip()) for s in answer["steps"]),
                   example=Example(kept.example.language, answer["example"].strip() + "\n"), notes=())
    return score(case, asdict(hand), to_markdown(hand)).total, score(case, asdict(kept), to_markdown(kept)).total


def _reason_kind(reason: str) -> str:
    """A replaced field's reason, without its particulars (for the table of why correct fields were lost)."""
    first = reason.split(";")[0]
    return re.sub(r"\s*[(:\"].*$", "", re.sub(r"^\d+ ", "N ", first)).strip() or first


def report(roles, recall, by_lang, stopped, others, n_cases) -> str:
    lines = [f"{n_cases} cases. Recall: the share of a correct hand-written answer's fields kept; stopped: the "
             f"share of planted errors whose field was replaced (other fields of those answers still kept)."]
    lines += ["", "| role | recall | " + " | ".join(KINDS) + " |", "| --- | --- | " + " | ".join("---" for _ in KINDS)
              + " |"]
    for r in roles:
        cells = []
        for k in KINDS:
            t = stopped[r].get(k)
            o = others[r].get(k)
            cells.append("-" if t is None else t.share() + (f" [{100 * o.kept / o.total:.0f}% kept]"
                                                            if o is not None and o.total else ""))
        lines.append(f"| {r} | {recall[r].share()} | " + " | ".join(cells) + " |")
    if "draft" in roles:
        lines += ["", "draft recall by language: " + ", ".join(f"{k} {v.share()}" for k, v in sorted(by_lang.items()))]
        why = sorted(recall["draft"].why.items(), key=lambda kv: -kv[1])
        if why:
            lines += ["", "why correct draft fields were replaced (first reason): " +
                      "; ".join(f"{k} {n}" for k, n in why[:12])]
    return "\n".join(lines)


def record(label: str, table: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else ""
    head = "## Verifier"
    if head not in text:
        text = text.rstrip() + f"\n\n{head}\n\n`make bench-verifier` (bench/verifier): correct hand-written answers and " \
               "planted errors replayed through the stand-in Ollama into the draft job.\n"
    sub = f"### {label}"
    block = f"{sub}\n\n{table}\n"
    if sub in text:
        text = re.sub(re.escape(sub) + r"\n.*?(?=\n### |\n## |\Z)", lambda m: block.rstrip("\n"), text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block
    RESULTS.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
