"""Parse checks: an example in Go, Rust, Java, C or C++ parses (as a file or as a main function's body) and
uses the block's real names and import; `tree_errors` is shared with the JavaScript checks."""

from __future__ import annotations

import re
from pathlib import Path

from blockguide.core.languages import LANGUAGES, parser_for
from blockguide.core.types import Grounding


def tree_errors(language: str, code: str, wrappers: tuple[tuple[str, str], ...] = ()) -> str | None:
    """None when the code parses (as is or inside one of the wrappers), else where it first fails."""
    lang = LANGUAGES[language]
    first_error = None
    for head, tail in (("", ""), *wrappers):
        text = head + code + tail
        tree = parser_for(lang).parse(text.encode("utf-8"))
        if not tree.root_node.has_error:
            return None
        if first_error is None:
            first_error = _first_error(tree.root_node, text, head.count("\n"))
    return first_error


def _first_error(node, text: str, offset: int) -> str:
    stack = [node]
    while stack:
        n = stack.pop(0)
        if n.type == "ERROR" or n.is_missing:
            line = n.start_point.row - offset + 1
            snippet = text.split("\n")[n.start_point.row].strip()[:60]
            return f"line {max(1, line)}: `{snippet}`" + (f" (missing `{n.type}`)" if n.is_missing else "")
        if n.has_error:
            stack = list(n.children) + stack
    return "somewhere"


# --- other languages ----------------------------------------------------------------------------------------
_WRAPPERS = {
    "go": (("package main\n\nfunc main() {\n", "\n}"),),
    "rust": (("fn main() {\n", "\n}"),),
    "java": (("class Example {\n", "\n}"), ("class Example {\nvoid main() throws Exception {\n", "\n}\n}")),
    "c": (("int main(void) {\n", "\n}"),),
    "cpp": (("int main() {\n", "\n}"),),
}


def check_other(code: str, g: Grounding) -> list[str]:
    lang = g.block.language
    error = tree_errors(lang, code, _WRAPPERS.get(lang, ()))
    if error:
        return [f"the example does not parse as {lang}: {error}"]
    problems = []
    name = g.example_via or g.block.name  # a function defined inside another is used through it
    if name and not _uses(code, name, lang):
        problems.append(f"the example never uses `{name}`")
    if g.import_line:
        want = {
            # an unexported name is not reached through an import: the example runs inside its package
            "go": lambda: f'"{g.module}"' in code or not (g.owner or name or "")[:1].isupper(),
            "rust": lambda: bool(g.module) and (g.import_line.rstrip(";") in code or f"{g.module}::" in code),
            # a class or member visible only in its package is used by an example in that package
            "java": lambda: g.import_line.rstrip(";") in code or (g.module or "") + ".*" in code or
            re.search(rf"^\s*package\s+{re.escape(g.module or '')}\s*;", code, re.M) is not None,
            "c": lambda: _include(code, g.import_line),
            "cpp": lambda: _include(code, g.import_line),
        }.get(lang)
        if want is not None and not want():
            problems.append(f"the example must import the block with `{g.import_line}`")
    return problems


def _uses(code: str, name: str, lang: str) -> bool:
    """The example names the block: in C++ a method defined out of its class (`Box::size`) is called on an
    object (`box.size()`), an operator (`Error::operator=`) written as one (`error = other`)."""
    if re.search(rf"\b{re.escape(name)}(?!\w)", code):
        return True
    if lang != "cpp" or "::" not in name:
        return False
    last = name.rsplit("::", 1)[1]
    if last.startswith("operator"):
        symbol = last.removeprefix("operator").strip()
        return bool(symbol) and re.search(rf"\w\s*{re.escape(symbol)}\s*\w", code) is not None
    return re.search(rf"(\.|->)\s*{re.escape(last)}\s*\(", code) is not None


def _include(code: str, line: str) -> bool:
    header = line.split('"')[1] if '"' in line else line
    return bool(re.search(rf'#\s*include\s*[<"]([\w./-]*/)?{re.escape(Path(header).name)}[>"]', code))
