"""Item 5: tokens sent per guide against the context budget, and fact recall as the budget changes.

Prompt sizes come from the Django blocks of the analysis benchmark (`core.prompt.build_prompt` on each
block's grounding at three budgets; tokens are blockguide's own estimate) and, for one prompt, from the
real model's tokenizer (Ollama's prompt_eval_count in the overhead benchmark).

Fact recall uses the quality benchmark's cases and scorer (bench/quality, owned by the quality benchmark):
the bundled model drafts each case with `contextBudget` set, and `bench.quality.score` scores it.
"""

from __future__ import annotations

import asyncio
import time

from bench.stats import p50

BUDGETS = (1024, 2048, 4096)
RECALL_BUDGETS = (512, 2048)
RECALL_CASES = 4


def sizes(section, warm: dict, overhead: dict | None) -> None:
    rows = warm["warm"]
    for budget in BUDGETS:
        tokens = [r["prompts"][str(budget)]["tokens"] for r in rows]
        dropped = [r["prompts"][str(budget)]["dropped"] for r in rows]
        over = sum(t > budget for t in tokens)
        default = " (default)" if budget == 2048 else ""
        section.add(f"budget {budget}{default}: estimated prompt tokens per guide",
                    f"median {p50(tokens):.0f}, max {max(tokens)}; {sum(bool(d) for d in dropped)}/{len(rows)} "
                    f"prompts left context out", f"≤ {budget}", over == 0)
        if over:
            section.note(f"budget {budget}: {over} prompt(s) over budget (a block longer than the budget is cut "
                         "to its head and tail; the system prompt is counted too).")
    if overhead:
        from blockguide.core.prompt import estimate_tokens

        body = overhead["prompt"]
        estimate = sum(estimate_tokens(m["content"]) for m in body["messages"])
        real = overhead.get("first_prompt_tokens")
        if real:
            section.add("one real prompt (requests `requote_uri`): model tokenizer vs estimate",
                        f"{real} vs {estimate} estimated ({real / estimate:.2f}x)")


def _draft(case: dict, tree, model: str, host: str | None, budget: int) -> dict:
    from blockguide.jobs import draft as drafting
    from blockguide.core import languages
    from blockguide.core.syntax.source import Source
    from blockguide.core.render import to_markdown
    from blockguide.llm import BackendError, make_backend
    from blockguide.settings import Settings
    from bench.quality.draft import find

    path = tree / case["file"]
    settings = Settings(model=model, ollama_host=host or Settings().ollama_host, timeout=600.0,
                        context_budget=budget)
    src = Source(languages.LANGUAGES[case["language"]], path.read_text("utf-8", errors="replace"))
    block = find(src, case["symbol"])
    if block is None:
        return {"error": "no block"}
    grounding = drafting.analyse(src, block, path, [tree], settings)
    t0 = time.monotonic()
    try:
        drafted = asyncio.run(drafting.draft(grounding, settings, make_backend(settings), None, use_cache=False))
    except BackendError as exc:
        return {"error": str(exc)}
    from dataclasses import asdict

    return {"guide": asdict(drafted.guide, dict_factory=lambda kv: {k: v for k, v in kv if k != "facts"}), "markdown": to_markdown(drafted.guide), "grounding": grounding,
            "seconds": time.monotonic() - t0, "prompt_tokens": drafted.prompt_tokens}


def recall(section, host: str | None, quick: bool) -> None:
    try:
        from bench.quality.__main__ import load_cases
        from bench.quality.fetch import fetch
        from bench.quality.score import score
    except ImportError as exc:
        section.add("fact recall vs budget", "not measured")
        section.note(f"The quality benchmark (bench/quality) is not there yet: {exc}.")
        return
    if host is None:
        section.add("fact recall vs budget", "not measured")
        section.note("Fact recall vs budget needs the real bundled model; no Ollama was available.")
        return
    if quick:
        section.add("fact recall vs budget", "skipped (--quick)")
        return
    cases = [c for c in load_cases(None) if c["language"] == "python" and c.get("symbol")][:RECALL_CASES]
    results: dict[int, list[float]] = {b: [] for b in RECALL_BUDGETS}
    tokens: dict[int, list[int]] = {b: [] for b in RECALL_BUDGETS}
    for case in cases:
        tree = fetch(case["fetch"])
        for budget in RECALL_BUDGETS:
            res = _draft(case, tree, "blockguide-tiny", host, budget)
            if "error" in res:
                results[budget].append(0.0)
                continue
            s = score(case, res["guide"], res["markdown"])
            results[budget].append(s.facts_share)
            tokens[budget].append(res["prompt_tokens"])
    for budget in RECALL_BUDGETS:
        mean = sum(results[budget]) / max(1, len(results[budget]))
        section.add(f"fact recall, bundled model, budget {budget}",
                    f"{mean:.2f} over {len(results[budget])} cases (model prompt tokens median "
                    f"{p50(tokens[budget]) if tokens[budget] else 'n/a'})")
    section.note(f"Fact recall: bench/quality's scorer (share of facts stated), its first {RECALL_CASES} Python cases, drafted "
                 f"here with contextBudget {' and '.join(map(str, RECALL_BUDGETS))} (bench.quality has no budget "
                 "option yet); one draft per case and budget, so a single answer moves the mean by "
                 f"{1 / RECALL_CASES:.2f}.")
