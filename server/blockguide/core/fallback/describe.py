"""The Description of the guide without a model: what the block is, from its signature, docstring and outline."""

from __future__ import annotations

import re

from blockguide.core.checks.prose import vague_terms
from blockguide.core.types import Grounding
from blockguide.core.syntax.quote import _fit
from blockguide.core import phrase
from blockguide.core.facts import Define, DefineKind, IOKind, Raise, Return, Yield
from blockguide.core.fallback.purpose import (by_name, constructor_purpose, contract, definition_purpose,
                                             statements_purpose)
from blockguide.core.fallback.words import _join, _names


def _own(g: Grounding):
    return next((s for s in g.defines if s.name == g.block.name), None)


def _plural(g: Grounding) -> bool:
    """Statements over several lines are "these lines" (they); one line, or a definition, is "it"."""
    return g.block.kind == "statements" and g.block.span.lines != 1


def description(g: Grounding) -> str:
    block = g.block
    own = _own(g)
    where = f" in `{g.module}`" if g.module else (f" in `{g.path}`" if g.path else "")
    sentences: list[str] = []
    if block.kind == "statements":
        sentences.append(statements_purpose(g))
        they, s, them = ("They", "", "them") if _plural(g) else ("It", "s", "it")
        if g.inputs:
            sentences.append(f"{they} read{s} {_names(g.inputs)}, set before {them}.")
        if g.outputs:
            sentences.append(f"{they} set{s} {_names(g.outputs)}, which the code after {them} uses.")
    else:
        sig = own.signature if own and own.signature else block.name
        kind = {"function": "function", "method": "method", "class": "class"}.get(block.kind, block.kind)
        if block.language == "cpp" and g.owner and block.kind == "function":
            kind = "method"  # `Buffer::append` defined outside its class
        if block.kind == "class":
            word = re.search(r"\b(struct|interface|enum|trait|record|union|impl)\b", (sig or "").split("{")[0])
            kind = (word.group(1) if word.group(1) != "impl" else "impl block") if word else kind
        if g.constructor and g.owner:
            kind = "constructor"
        owner_part = f" of class `{g.owner}`" if g.owner and kind != "function" else \
            f" on `{g.owner}`" if g.owner else ""  # a function assigned to an object's property
        adjective = _adjective(g)
        article = "an" if (adjective or kind)[:1] in "aeiou" else "a"
        written = _as_written(sig, block)
        name = f"`{_fit(written, 100) if written else block.name}`"
        named = f"{name} is {article} {adjective}{kind}{owner_part}{where}."
        documented = definition_purpose(g, own.doc if own else None)
        said = documented or (None if block.kind == "class" else by_name(block.name))
        sentences += [said, named] if said else [named]
        if not documented and (made := constructor_purpose(g)):
            sentences.append(made)
        if not documented and (taken := contract(g)):
            sentences.append(taken)
        if block.kind == "class":
            sentences += _class_facts(g)
    sentences += _flow_facts(g)
    text = " ".join(sentences)
    return text if not vague_terms(text) else text  # facts from code: the doc is quoted as written


def _as_written(sig: str | None, block) -> str | None:
    """The signature to quote as the block's own text writes it (spacing aside): jedi's signature of a
    function, a decorated one or a class's constructor reads otherwise than the code (`sep: str="-"` for
    `sep: str = "-"`), and the reader must find what the guide quotes. A long one is shortened whole (`_fit`)."""
    code = " ".join(block.text.split())
    if sig and " ".join(sig.split()) in code:
        return " ".join(sig.split())
    if block.language == "python" and block.name:  # the `def` line itself
        m = re.search(rf"\bdef\s+({re.escape(block.name)}\s*\(.*?\)(?:\s*->\s*[^:]+?)?)\s*:", code)
        return m.group(1) if m else None
    return None


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
    it, does = ("They", "") if _plural(g) else ("It", "s")
    calls = [c for f in facts for c in f.calls]
    said = phrase.calls_that_matter(facts)
    if said:
        shown = [f"`{c}`" for c in said[:phrase.MAX_CALLS]]
        out.append(f"{it} call{does} {_join(shown)}" + (" among others." if len(said) > phrase.MAX_CALLS else "."))
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
