"""The Description of the guide without a model: what the block is, from its signature, docstring and outline."""

from __future__ import annotations

import re

from blockguide.core.checks.prose import vague_terms
from blockguide.core.types import Grounding
from blockguide.core.fallback.code import _clean, _fit
from blockguide.core.fallback.flow import _is_more
from blockguide.core.fallback.purpose import by_name, contract, definition_purpose, statements_purpose
from blockguide.core.fallback.words import _join, _names, _plural, _short


def _own(g: Grounding):
    return next((s for s in g.defines if s.name == g.block.name), None)


def description(g: Grounding) -> str:
    block = g.block
    own = _own(g)
    where = f" in `{g.module}`" if g.module else (f" in `{g.path}`" if g.path else "")
    sentences: list[str] = []
    if block.kind == "statements":
        inside = next((m.group(1) for n in g.notes for m in [re.search(r"run inside `([^`]+)`", n)] if m), None)
        sentences.append(statements_purpose(g, inside))
        if g.inputs:
            sentences.append(f"They read {_names(g.inputs)}, set before them.")
        if g.outputs:
            sentences.append(f"They set {_names(g.outputs)}, which the code after them uses.")
    else:
        sig = own.signature if own and own.signature else block.name
        kind = {"function": "function", "method": "method", "class": "class"}.get(block.kind, block.kind)
        if block.language == "cpp" and g.owner and block.kind == "function":
            kind = "method"  # `Buffer::append` defined outside its class
        if block.kind == "class":
            word = re.search(r"\b(struct|interface|enum|trait|record|union|impl)\b", (sig or "").split("{")[0])
            kind = (word.group(1) if word.group(1) != "impl" else "impl block") if word else kind
        owner_part = f" of class `{g.owner}`" if g.owner and kind != "function" else \
            f" on `{g.owner}`" if g.owner else ""  # a function assigned to an object's property
        adjective = _adjective(g)
        article = "an" if (adjective or kind)[:1] in "aeiou" else "a"
        shown = _fit(sig, 100) if sig else None
        name = f"`{shown}`" if shown else f"`{block.name}`"
        named = f"{name} is {article} {adjective}{kind}{owner_part}{where}."
        documented = definition_purpose(g, own.doc if own else None)
        said = documented or (None if block.kind == "class" else by_name(block.name))
        sentences += [said, named] if said else [named]
        if not documented and (taken := contract(g)):
            sentences.append(taken)
        if block.kind == "class":
            sentences += _class_facts(g)
    sentences += _flow_facts(g)
    text = " ".join(sentences)
    return text if not vague_terms(text) else text  # facts from code: the doc is quoted as written


def _statements_sentence(g: Grounding) -> str:
    """`These 3 lines of `add` in `m.py` run 3 statements in order.` (counted, singular or plural)."""
    top = [a for a in g.flow if a.depth == min((b.depth for b in g.flow), default=0)]
    count = len([a for a in top if a.kind not in ("else", "except", "finally", "case") and not _is_more(a)])
    count += sum(int(m.group(0)) for a in top if _is_more(a) for m in [re.search(r"\d+", a.text)] if m)
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
    generator = any(a.kind == "yield" for a in g.flow)
    if is_async and generator:
        return "async generator "
    if is_async:
        return "coroutine " if g.block.language == "python" else "async "
    if generator:
        return "generator "
    return ""


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
    methods = [t for a in g.flow if a.kind == "define" and a.text.startswith("method") for t in a.targets]
    if methods:
        out.append(f"It defines the method{'s' if len(methods) > 1 else ''} {_names(methods, 6)}.")
    fields = [t for a in g.flow if a.kind == "assign" for t in a.targets]
    if fields:
        out.append(f"It declares {_names(fields, 5)}.")
    return out


def _flow_facts(g: Grounding) -> list[str]:
    if g.block.kind == "class":
        return []
    flow = g.flow
    out = []
    it, does = ("They", "") if g.block.kind == "statements" else ("It", "s")
    calls = [c for a in flow for c in a.calls]
    if calls:
        out.append(f"{it} call{does} {_names(calls, 5)}.")
    io = list(dict.fromkeys(i for a in flow for i in a.io))
    files = [i.split(": ", 1)[1] for i in io if i.startswith("file")]
    net = [i.split(": ", 1)[1] for i in io if i.startswith("network")]
    if files:
        out.append(f"{it} read{does} or write{does} files ({_names(files, 3)}).")
    if net:
        out.append(f"{it} make{does} network requests ({_names(net, 3)}).")
    raises = [_clean(a.text.split(" ", 1)[1]) for a in flow if a.kind == "raise" and " " in a.text]
    if raises:
        verb = "raise" if g.block.language == "python" else "throw"
        out.append(f"{it} {verb}{does} {_join(list(dict.fromkeys(raises))[:3], 'or')}.")
    returns = [a for a in flow if a.kind == "return"]
    if len(returns) == 1 and returns[0].text != "returns":
        said = _clean(returns[0].text)
        out.append(f"{it} {said if does else said.replace('returns', 'return', 1)}.")
    elif len(returns) > 1:
        out.append(f"{it} {'has' if does else 'have'} {len(returns)} return statements.")
    if any(a.kind == "yield" for a in flow) and g.block.kind != "statements":
        out.append("It yields its results one at a time.")
    return out
