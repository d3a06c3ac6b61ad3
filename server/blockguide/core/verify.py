"""Checks and repairs for a drafted usage example."""

from __future__ import annotations

import ast

from blockguide.core.languages import LANGUAGES
from blockguide.core.types import Example, Grounding


def ensure_import(example: Example, g: Grounding) -> tuple[Example, str | None]:
    """Make the example import the block from its real path; returns a note when it had to be fixed."""
    if not g.import_line or g.import_line in example.code:
        return example, None
    code = example.code
    if g.block.language == "python":
        name = g.import_line.rsplit(" import ", 1)[-1]
        kept = [l for l in code.split("\n") if not _imports_name(l, name)]
        code = "\n".join(kept)
    return (Example(example.language, f"{g.import_line}\n{code.lstrip()}"),
            "The example's import line was corrected to the block's real module path.")


def _imports_name(line: str, name: str) -> bool:
    stripped = line.strip()
    if not stripped.startswith(("from ", "import ")):
        return False
    try:
        tree = ast.parse(stripped)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name).split(".")[-1] == name
                                                                   for a in node.names):
            return True
    return False


def example_from_signature(g: Grounding) -> tuple[Example, str | None]:
    """An example built by blockguide itself: a real call site when there is one, else the signature."""
    lang = LANGUAGES[g.block.language]
    lines = [g.import_line] if g.import_line else []
    if g.call_sites:
        site = g.call_sites[0]
        code = site.code.strip()
        if g.import_line and g.import_line in code:
            lines = []
        lines.append(code)
        return Example(lang.fence_tag, "\n".join(lines)), f"Example adapted from {site.path}:{site.line + 1}."
    own = next((s for s in g.defines if s.name == g.block.name), None)
    if own and own.signature and g.block.language == "python":
        call = own.signature.split("->")[0].strip()
        call = _placeholder_call(call)
        lines.append(f"result = {call}" if g.block.kind == "function" else call)
        if g.block.kind == "function":
            lines.append("print(result)")
    elif g.block.name:
        lines.append(f"{g.block.name}(...)" if lang.key != "python" else f"{g.block.name}()")
    else:
        lines.append(g.block.text.strip())
    return Example(lang.fence_tag, "\n".join(lines)), "Example built from the signature."


def _placeholder_call(signature: str) -> str:
    """`f(a, b=1, *args, **kw)` → `f(a, b=1)`: required parameters by name, defaults kept."""
    name, _, params = signature.partition("(")
    params = params.rsplit(")", 1)[0]
    args = []
    for p in [p.strip() for p in params.split(",") if p.strip()]:
        if p in ("self", "cls", "/", "*") or p.startswith("*"):
            continue
        args.append(p.split(":")[0].strip() if "=" not in p else p.replace(" ", ""))
    return f"{name}({', '.join(args)})"
