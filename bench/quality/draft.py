"""Draft one guide and print it as JSON. Run as a subprocess so that `--blockguide TREE` can measure another
checkout of blockguide (e.g. the version before a change): it only uses the API every version has."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path


def find(src, symbol: str):
    """The definition named `symbol` (or `Owner.symbol`), found by walking the syntax tree."""
    from blockguide.core.syntax.blocks import enclosing_definition

    parts = symbol.split(".")
    found = []
    stack = [src.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in src.lang.definitions:
            name = node.child_by_field_name("name") or node.child_by_field_name("declarator")
            anchor = name if name is not None else node
            block = enclosing_definition(src, anchor.start_point.row, anchor.start_point.column)
            if block is not None and block.name == parts[-1] and block not in found:
                found.append(block)
        stack.extend(reversed(node.named_children))
    return found[0] if found else None


def main() -> int:
    case = json.loads(sys.argv[1])
    from blockguide import pipeline
    from blockguide.core import languages
    from blockguide.core.syntax.source import Source
    from blockguide.core.render import to_markdown
    from blockguide.llm import BackendError, make_backend
    from blockguide.settings import Settings

    root = Path(case["tree"])
    path = root / case["file"]
    settings = Settings(model=case["model"], ollama_host=case.get("host") or Settings().ollama_host,
                        timeout=float(case.get("timeout", 600)))
    src = Source(languages.LANGUAGES[case["language"]], path.read_text("utf-8", errors="replace"))
    block = find(src, case["symbol"])
    if block is None:
        print(json.dumps({"error": f"no definition {case['symbol']} in {case['file']}"}))
        return 0
    t0 = time.monotonic()
    grounding = pipeline.analyse(src, block, path, [root], settings)
    kwargs = {"use_cache": False}
    kwargs["fallback_on"] = (BackendError,)  # a failed model call scores blockguide's fallback guide
    try:
        drafted = asyncio.run(pipeline.draft(grounding, settings, make_backend(settings), None, **kwargs))
    except BackendError as exc:
        print(json.dumps({"error": str(exc), "seconds": time.monotonic() - t0}))
        return 0
    guide = drafted.guide
    print(json.dumps({"guide": asdict(guide), "markdown": to_markdown(guide), "seconds": time.monotonic() - t0,
                      "warning": getattr(drafted, "warning", None), "span": [block.span.start, block.span.end]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
