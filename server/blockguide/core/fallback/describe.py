"""The Description of the guide without a model: what the block is, from its signature, docstring and outline."""

from __future__ import annotations

import re

from blockguide.core.checks.prose import vague_terms
from blockguide.core.types import Grounding
from blockguide.core.syntax.quote import _fit
from blockguide.core import phrase
from blockguide.core.facts import Define, DefineKind, IOKind, Raise, Return, Yield
from blockguide.core.fallback.words import _join, _names, _plural, _short


def _own(g: Grounding):
    return next((s for s in g.defines if s.name == g.block.name), None)


def _first_sentence(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip().strip('"').strip("'").strip()
    text = re.sub(r"``([^`]+)``", r"`\1`", text)  # reStructuredText literals → Markdown code
    text = re.sub(r"\[([^\]]+)\]\([^)\s]+\)", r"\1", text)  # Markdown links → their text
    if text.count("`") % 2:
        text = text.replace("`", "'")
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = _short(m.group(1) if m else text, 300)
    if sentence.count("`") % 2:
        sentence = sentence.replace("`", "'")
    if not sentence or sentence.startswith((":", "@", "Args", "Returns", "Parameters")):
        return None
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def description(g: Grounding) -> str:
    block = g.block
    own = _own(g)
    where = f" in `{g.module}`" if g.module else (f" in `{g.path}`" if g.path else "")
    sentences: list[str] = []
    if block.kind == "statements":
        sentences.append(_statements_sentence(g))
        if g.inputs:
            sentences.append(f"They read {_names(g.inputs)}, set before them.")
        if g.outputs:
            sentences.append(f"They set {_names(g.outputs)}, which the code after them uses.")
    else:
        sig = own.signature if own and own.signature else block.name
        kind = {"function": "function", "method": "method", "class": "class"}.get(block.kind, block.kind)
        if block.kind == "class":
            word = re.search(r"\b(struct|interface|enum|trait|record|union|impl)\b", (sig or "").split("{")[0])
            kind = (word.group(1) if word.group(1) != "impl" else "impl block") if word else kind
        owner_part = f" of class `{g.owner}`" if g.owner else ""
        adjective = _adjective(g)
        article = "an" if (adjective or kind)[:1] in "aeiou" else "a"
        shown = _fit(sig, 100) if sig else None
        name = f"`{shown}`" if shown else f"`{block.name}`"
        sentences.append(f"{name} is {article} {adjective}{kind}{owner_part}{where}.")
        doc = _first_sentence(own.doc if own else None) or _python_docstring(g)
        if doc:
            sentences.append(f"Its documentation says: {doc}")
        if block.kind == "class":
            sentences += _class_facts(g)
    sentences += _flow_facts(g)
    text = " ".join(sentences)
    return text if not vague_terms(text) else text  # facts from code: the doc is quoted as written


def _statements_sentence(g: Grounding) -> str:
    """`These 3 lines of `add` in `m.py` run 3 statements in order.` (counted, singular or plural)."""
    top = [a for a in g.flow if a.depth == min((b.depth for b in g.flow), default=0)]
    count = len([a for a in top if a.kind not in ("else", "except", "finally", "case")])
    inside = next((m.group(1) for n in g.notes for m in [re.search(r"run inside `([^`]+)`", n)] if m), None)
    lines = g.block.span.lines
    where = (f" of `{inside}`" if inside else "") + (f" in `{g.path}`" if g.path else "")
    subject = f"This line{where}" if lines == 1 else f"These {lines} lines{where}"
    verb = "runs" if lines == 1 else "run"
    if count == 0:
        return f"{subject} {verb} no statements: {'it declares' if lines == 1 else 'they declare'} code only."
    order = " in order" if count > 1 else ""
    return f"{subject} {verb} {_plural(count, 'statement')}{order}."


def _adjective(g: Grounding) -> str:
    text = g.block.text.lstrip()
    text = re.sub(r"^(@.*\n\s*)+", "", text)
    is_async = bool(re.match(r"(export\s+(default\s+)?)?(pub(\([^)]*\))?\s+)?(static\s+)?async\b", text))
    generator = any(isinstance(a.fact, Yield) for a in g.flow)
    if is_async and generator:
        return "async generator "
    if is_async:
        return "coroutine " if g.block.language == "python" else "async "
    if generator:
        return "generator "
    return ""


def _python_docstring(g: Grounding) -> str | None:
    if g.block.language != "python" or g.block.existing_docstring is None:
        return None
    start = g.block.existing_docstring.start - g.block.span.start
    end = g.block.existing_docstring.end - g.block.span.start
    lines = g.block.text.split("\n")[start:end]
    text = "\n".join(lines).strip()
    text = re.sub(r'^[rRuUbB]*("""|\'\'\'|"|\')', "", text)
    text = re.sub(r'("""|\'\'\'|"|\')$', "", text)
    return _first_sentence(text)


def _class_facts(g: Grounding) -> list[str]:
    out = []
    if g.bases:
        parts = []
        for b in g.bases:
            parts.append(f"`{b.name}`" + (f" (from `{b.module}`)" if b.module and b.module not in b.name else ""))
        out.append(f"It extends {_join(parts)}.")
        inherited = [m for b in g.bases for m in b.inherited]
        if inherited:
            out.append(f"It inherits {_names(inherited, 6)} without overriding them.")
    methods = [a.fact.name for a in g.flow if isinstance(a.fact, Define) and a.fact.kind == DefineKind.METHOD]
    if methods:
        out.append(f"It defines the method{'s' if len(methods) > 1 else ''} {_names(methods, 6)}.")
    fields = [t for a in g.flow if a.kind == "assign" for t in a.targets]
    if fields:
        out.append(f"It declares {_names(fields, 5)}.")
    return out


def _flow_facts(g: Grounding) -> list[str]:
    """What the block calls, reads or writes, raises and returns, from its facts (no count a reader gains
    nothing from: several returns are said by their values when there are few, else not at all)."""
    if g.block.kind == "class":
        return []
    facts = [a.fact for a in g.flow if a.fact is not None]
    out = []
    it, does = ("They", "") if g.block.kind == "statements" else ("It", "s")
    calls = [c for f in facts for c in f.calls]
    if calls:
        out.append(f"{it} call{does} {_names([c.callee for c in calls], 5)}.")
    files = [c.callee for c in calls if c.io == IOKind.FILE]
    net = [c.callee for c in calls if c.io == IOKind.NETWORK]
    if files:
        out.append(f"{it} read{does} or write{does} files ({_names(files, 3)}).")
    if net:
        out.append(f"{it} make{does} network requests ({_names(net, 3)}).")
    raises = [f for f in facts if isinstance(f, Raise) and f.value]
    if raises:
        verb = "throw" if raises[0].code.lstrip().startswith("throw") else "raise"
        said = list(dict.fromkeys(phrase.code(f.value) for f in raises))
        out.append(f"{it} {verb}{does} {_join(said[:3], 'or')}" + (" among other errors." if len(said) > 3 else "."))
    values = list(dict.fromkeys(f.value for f in facts if isinstance(f, Return) and f.value))
    if values and len(values) <= 3:
        verb = "return" + ("s" if does else "")
        out.append(f"{it} {verb} {_join([phrase.code(v) for v in values], 'or')}.")
    if any(isinstance(f, Yield) for f in facts) and g.block.kind != "statements":
        out.append("It yields its results one at a time.")
    return out
