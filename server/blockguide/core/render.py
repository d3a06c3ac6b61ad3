"""Guide → the spec's Markdown → a comment or a Python docstring that cannot end early.

The Markdown follows ../shared/seed/guide-instructions.txt: a title underlined with `=`, the sections
Description, Execution Steps (numbered, bold labels) and Usage Example (one fenced block), each
underlined with `-`.
"""

from __future__ import annotations

import re

from blockguide.core.syntax.markers import BEGIN_PREFIX, END_LINE, begin_line, docstring_tag
from blockguide.core.languages import LANGUAGES
from blockguide.core.types import Block, Guide, Provenance

SECTION_RULE = "-" * 25
# Everything str.splitlines() treats as a line break, plus the ones other languages do (JS: U+2028/9).
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters; the bidi embeddings, overrides and isolates of "Trojan Source" (rustc refuses them even
# in comments: a guide holding one would break the build); lone surrogates (a model's JSON can hold "\ud800",
# which no file can store as UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(text: str) -> str:
    """One-line prose: line breaks become spaces, control characters go."""
    return _CONTROL.sub("", _BREAKS.sub(" ", text)).strip()


def clean_block(text: str) -> str:
    """Multi-line text (code): every kind of line break becomes \\n, control characters go."""
    return _CONTROL.sub("", _BREAKS.sub("\n", text)).replace("\t", "    ").strip("\n")


TITLE = "How to Use This Code Block"  # the seed's title, the same for every block (the Description names it)
TITLE_RULE = "=" * 89


def title_for(block: Block) -> str:
    return TITLE


def to_markdown(guide: Guide) -> str:
    title = clean_text(guide.title) or TITLE
    lines = [title, TITLE_RULE, "", "Description", SECTION_RULE, clean_text(guide.description), "",
             "Execution Steps", SECTION_RULE]
    for i, step in enumerate(guide.steps, 1):
        label = clean_text(step.label).strip("*: ") or f"Step {i}"
        lines.append(f"{i}. **{label}**: {clean_text(step.detail)}")
    code = clean_block(guide.example.code)
    fence = "```"
    while fence in code:
        fence += "`"
    lines += ["", "Usage Example", SECTION_RULE, "", f"{fence}{clean_text(guide.example.language)}", code, fence]
    if guide.notes:
        lines += [""] + [f"> {clean_text(n)}" for n in guide.notes]
    return "\n".join(lines)


def _model_tag(guide: Guide) -> str:
    # A model name comes from settings a project can set: only name characters (no quote, backslash or
    # parenthesis: in a docstring's tag line `"""` would end the string and the rest would run as code).
    return _tag(guide.model)


def _comment_line(prefix: str, text: str, splices: bool) -> str:
    if not text:
        return prefix
    # A marker-like line inside the body could confuse the next replace: escape it.
    if text.strip() == END_LINE or text.lstrip().startswith(BEGIN_PREFIX):
        text = "\\" + text
    if splices:
        # C and C++ splice a line ending in a backslash onto the next one (also through a trigraph).
        text = text.replace("??/", "?\u200b?/")
        if text.rstrip().endswith("\\"):
            text = text.rstrip() + " \u23ce"
    return f"{prefix} {text}"


def to_comment(block: Block, guide: Guide, newline: str = "\n") -> str:
    """The guide as line comments in the block's language, indented like the block, ending with a newline."""
    lang = LANGUAGES[block.language]
    prefix = block.indent + lang.comment
    body = to_markdown(guide).split("\n")
    begin = begin_line(block, _model_tag(guide))
    if lang.key == "python":
        # A comment in the first two lines that names an encoding would change how Python reads the file
        # (the begin line holds the model's name, which a project's settings choose).
        body = [re.sub(r"(coding)([:=])", r"\1 \2", line) for line in body]
        begin = re.sub(r"(coding)([:=])", r"\1 \2", begin)
    out = [f"{prefix} {begin}"]
    splices = lang.key in ("c", "cpp")
    out += [_comment_line(prefix, line, splices) for line in body]
    out.append(f"{prefix} {END_LINE}")
    return newline.join(out) + newline


def _docstring_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def to_docstring(block: Block, guide: Guide, newline: str = "\n") -> str:
    """The guide as a Python docstring at the body's indentation, ending with a newline."""
    indent = block.body_indent if block.body_indent is not None else block.indent + "    "
    body = [_docstring_escape(line) for line in to_markdown(guide).split("\n")]
    tag = _docstring_escape(docstring_tag(block, _model_tag(guide)))
    lines = [f'{indent}"""{body[0]}'] + [f"{indent}{l}" if l else "" for l in body[1:]]
    lines += ["", f"{indent}{tag}", f'{indent}"""']
    return newline.join(lines) + newline


def provenance_text(p: Provenance | None) -> str:
    """One paragraph on how a guide was made, for the hover's detail and the log (never the user's file)."""
    if p is None:
        return "how this guide was made is not known (it was stored by an older blockguide)"
    if p.model == "none":
        text = "built from the code's structure alone, without a model"
    else:
        total, replaced = len(p.fields), p.replaced
        text = f"drafted with `{_tag(p.model)}` ({p.role}): the model worded {total - len(replaced)} of {total} fields"
        if replaced:
            text += "; the analysis' text kept for " + "; ".join(
                f"{f.field} ({', '.join(f.reasons[:2]) or 'failed'})" for f in replaced[:6])
            if len(replaced) > 6:
                text += f"; and {len(replaced) - 6} more"
        if p.checks:
            text += f". Checks run: {', '.join(p.checks)}"
    if p.notes:
        text += ". " + " ".join(n if n.endswith(".") else n + "." for n in p.notes)
    return clean_text(text.rstrip(".") + ".")


def _tag(model: str) -> str:
    return re.sub(r"[^\w.:/@+-]", "", clean_text(model)) or "unknown"
