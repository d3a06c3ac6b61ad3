"""Every call the quality benchmark makes into blockguide, in one place.

Run as a subprocess (`python -m bench.quality.draft CASE_JSON`) it drafts one guide with the blockguide on its
PYTHONPATH and prints it as JSON, so `--blockguide TREE` can measure another checkout (e.g. the version
before a change). The scoring process imports `example_problems` from here to check the example with its own
checkout.

blockguide's API is moving. WHERE below lists, for every name used here, the modules to look in, newest
first; the first that has the name wins. To follow a move, edit WHERE (nothing else here names a module):
- analyse(src, block, path, roots, settings) and async draft(grounding, settings, backend, cache, ...):
  `blockguide.jobs.draft` (new), else `blockguide.pipeline`; draft() is passed only the keyword arguments it
  accepts (`use_cache`, and `fallback_on` where it exists);
- Source, snap, enclosing_definition: `blockguide.core.syntax.blocks` (new), else `blockguide.core.blocks`;
- LANGUAGES: `blockguide.core.syntax.languages`, else `blockguide.core.languages`;
- check_example: `blockguide.core.verify` (or `blockguide.core.checks.verify`).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path


WHERE = {
    "analyse": ("blockguide.jobs.draft", "blockguide.pipeline"),
    "draft": ("blockguide.jobs.draft", "blockguide.pipeline"),
    "Source": ("blockguide.core.syntax.source", "blockguide.core.blocks"),
    "snap": ("blockguide.core.syntax.blocks", "blockguide.core.blocks"),
    "enclosing_definition": ("blockguide.core.syntax.blocks", "blockguide.core.blocks"),
    "LANGUAGES": ("blockguide.core.syntax.languages", "blockguide.core.languages"),
    "check_example": ("blockguide.core.checks", "blockguide.core.verify"),
    "Example": ("blockguide.core.types",),
    "to_markdown": ("blockguide.core.render",),
    "Settings": ("blockguide.settings",),
    "make_backend": ("blockguide.llm",),
    "BackendError": ("blockguide.llm",),
}


def api(name: str):
    """`name` from the first module in WHERE[name] that imports and has it."""
    errors = []
    for module in WHERE[name]:
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            errors.append(f"{module}: {exc}")
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
        errors.append(f"{module}: no {name}")
    raise ImportError(f"{name} not found: " + "; ".join(errors))


def find(src, symbol: str):
    """The definition named `symbol`; for `Owner.name`, one inside a definition named Owner. Found by walking
    the syntax tree, so every blockguide version finds the same block."""
    enclosing_definition = api("enclosing_definition")
    parts = symbol.split(".")

    def block_of(node):
        name = node.child_by_field_name("name") or node.child_by_field_name("declarator")
        anchor = name if name is not None else node
        return enclosing_definition(src, anchor.start_point.row, anchor.start_point.column)

    stack = [(src.tree.root_node, ())]
    while stack:
        node, owners = stack.pop()
        if node.type in src.lang.definitions:
            block = block_of(node)
            if block is not None and block.name:
                if block.name == parts[-1] and list(owners[-(len(parts) - 1):] if len(parts) > 1 else []) == parts[:-1]:
                    return block
                owners = owners + (block.name,)
        stack.extend((child, owners) for child in reversed(node.named_children))
    return None


def locate(case: dict, tree: Path):
    """(Source, Block, path) of the case's block: its `symbol`, or its `lines` "A-B" (1-based, inclusive)
    snapped to whole statements."""
    path = tree / case["file"]
    src = api("Source")(api("LANGUAGES")[case["language"]], path.read_text("utf-8", errors="replace"))
    if case.get("lines"):
        first, _, last = str(case["lines"]).partition("-")
        block = api("snap")(src, int(first) - 1, int(last or first) - 1)
    else:
        block = find(src, case["symbol"])
    return src, block, path


def settings_for(case: dict):
    Settings = api("Settings")
    return Settings(model=case.get("model", "none"), ollama_host=case.get("host") or Settings().ollama_host,
                    timeout=float(case.get("timeout", 600)))


def analyse(case: dict, tree: Path):
    src, block, path = locate(case, tree)
    if block is None:
        return None
    return api("analyse")(src, block, path, [tree], settings_for(case))


def example_problems(case: dict, tree: Path, example: dict) -> list[str] | None:
    """What blockguide's static checks find in a guide's example (None when the block is not found)."""
    checked = example_report(case, tree, example)
    return None if checked is None else checked[0]


def example_report(case: dict, tree: Path, example: dict) -> tuple[list[str], tuple[str, ...]] | None:
    """(the problems blockguide's checks find in a guide's example, which checks ran: "static", then the
    toolchain's, e.g. "go vet"); None when the block is not found. Checkouts whose answer does not say which
    checks ran count as "static"."""
    g = analyse(dict(case, model="none"), tree)
    if g is None:
        return None
    problems = api("check_example")(api("Example")(example["language"], example["code"]), g)
    return list(problems), tuple(getattr(problems, "checks", ("static",)))


def main() -> int:
    case = json.loads(sys.argv[1])
    BackendError = api("BackendError")
    tree = Path(case["tree"])
    settings = settings_for(case)
    src, block, path = locate(case, tree)
    if block is None:
        what = case.get("symbol") or f"lines {case.get('lines')}"
        print(json.dumps({"error": f"no block {what} in {case['file']}"}))
        return 0
    t0 = time.monotonic()
    grounding = api("analyse")(src, block, path, [tree], settings)
    kwargs = {"use_cache": False, "fallback_on": (BackendError,)}  # a failed model call scores the fallback guide
    draft = api("draft")
    accepted = inspect.signature(draft).parameters
    kwargs = {k: v for k, v in kwargs.items() if k in accepted}  # older checkouts have no fallback_on
    try:
        drafted = asyncio.run(draft(grounding, settings, api("make_backend")(settings), None, **kwargs))
    except BackendError as exc:
        print(json.dumps({"error": str(exc), "seconds": time.monotonic() - t0}))
        return 0
    guide = drafted.guide
    print(json.dumps({"guide": asdict(guide, dict_factory=lambda kv: {k: v for k, v in kv if k != "facts"}), "markdown": api("to_markdown")(guide), "seconds": time.monotonic() - t0,
                      "warning": getattr(drafted, "warning", None), "span": [block.span.start, block.span.end],
                      "kind": block.kind, "api": draft.__module__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
