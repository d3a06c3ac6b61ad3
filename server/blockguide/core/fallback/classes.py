"""A class's steps: one per public method (its signature and what it sets, calls, returns, raises)."""

from __future__ import annotations

import re

from blockguide.core import phrase
from blockguide.core.facts import Define, DefineKind
from blockguide.core.phrase import method_summary
from blockguide.core.types import Action, Grounding, Step
from blockguide.core.syntax.quote import _quote, _spans
from blockguide.core.fallback.labels import _cap, _simple, _split_top, _verb, _words
from blockguide.core.fallback.words import MAX_STEPS, _join, _names, _sentence


_DUNDER = {"__init__": "Initialize instance", "__new__": "Create instance", "__str__": "Format as text",
           "__repr__": "Show debug text", "__eq__": "Compare for equality", "__lt__": "Order instances",
           "__hash__": "Compute hash", "__len__": "Report length", "__iter__": "Iterate over items",
           "__next__": "Produce next item", "__enter__": "Enter context", "__exit__": "Exit context",
           "__aenter__": "Enter async context", "__aexit__": "Exit async context", "__call__": "Call instance",
           "__getitem__": "Look up item", "__setitem__": "Store item", "__delitem__": "Delete item",
           "__contains__": "Check membership", "__bool__": "Report truth value", "__post_init__": "Finish setup",
           "__del__": "Release instance", "__getattr__": "Look up attribute", "__setattr__": "Set attribute"}


def _private(g: Grounding, a: Action, name: str) -> bool:
    lang = g.block.language
    if lang == "python":
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    line = g.block.text.split("\n")[a.line - g.block.span.start] if 0 <= a.line - g.block.span.start < len(
        g.block.text.split("\n")) else ""
    head = line.split(name + "(", 1)[0] if name + "(" in line else line
    if name in ("constructor", "__init__", g.block.name):
        return False
    if lang in ("javascript", "typescript", "tsx") and (name.startswith(("#", "_")) or re.search(
            r"\b(private|protected)\s", head)):
        return True
    if lang in ("java", "cpp", "c", "csharp") and re.search(r"\b(private|protected)\s", head):
        return True
    if lang == "rust" and not re.search(r"\bpub\b", line):
        return True
    return False


def _method_label(name: str, g: Grounding, params: str) -> str:
    if name in ("__init__", "constructor", "new", g.block.name) or name == (g.block.name or "").split(".")[-1]:
        return "Initialize instance"
    if name in _DUNDER:
        return _DUNDER[name]
    words = _words(name) or [name]
    if any(re.search(r"\d", w) for w in words[1:]):
        words = words[:1]  # `putUInt64`: the verb, then the parameter
    verb = _verb(words[0])
    noun = " ".join(w for w in _words(g.block.name or "") if not re.search(r"\d", w)) or "instance"
    if words[0] in ("is", "has", "can", "should") and len(words) > 1:
        return _cap(f"check {' '.join(words[1:3])}")
    if verb:
        if len(words) > 1:
            return _cap(f"{verb} {' '.join(words[1:3])}")
        first = _first_param(params, g.block.language)
        if first:
            return _cap(f"{verb} `{first}`")
        return _cap(f"{verb} {noun}")
    if words[0] == "to" and len(words) > 1:
        return _cap(f"convert to {' '.join(words[1:3])}")
    if re.search(r"\d", words[0]):
        return f"Define `{name}`"
    return _cap(f"get {' '.join(words[:3])}")


def _first_param(params: str, language: str) -> str | None:
    """The first parameter's name (not `self`, `this`, `cls`), as written in the signature."""
    for part in _split_top(params, (",",)):
        part = part.split("=")[0].strip()
        names = re.findall(r"[A-Za-z_]\w*", part.split(":")[0] if language in ("python", "rust", "typescript", "tsx")
                           else part)
        names = [n for n in names if n not in ("self", "cls", "this", "mut", "const", "final", "struct", "unsigned")]
        if not names:
            continue
        return names[-1] if language in ("java", "c", "cpp", "csharp") else names[0]
    return None


def _class_steps(g: Grounding) -> list[Step]:
    out = []
    for b in g.bases:
        inherited = f" and inherits {_names(list(b.inherited), 4)}" if b.inherited else ""
        origin = f" (from `{b.module}`)" if b.module and b.module not in b.name else ""
        label = f"Extend `{b.name}`" if _simple(b.name, 28) else "Extend base class"
        out.append(Step(label, f"`{g.block.name}` extends `{b.name}`{origin}{inherited}."))
    fields = [a for a in g.flow if a.kind == "assign"]
    if fields:
        out.append(Step("Declare fields", _sentence("It declares " + _join([f"`{t}`" for a in fields
                                                                              for t in a.targets][:6]))))
    private: list[str] = []
    methods: list[Step] = []
    for a in g.flow:
        f = a.fact
        if not isinstance(f, Define):
            continue
        name = f.name or "member"
        if f.kind != DefineKind.METHOD:
            methods.append(Step(f"Define `{name}`", _sentence(f"It {phrase.clause(f)}"), span=f.span, facts=(f,)))
            continue
        if _private(g, a, name):
            private.append(name)
            continue
        summary = method_summary(f)
        sig = f.signature or name
        params = sig[len(name):] if sig.startswith(name) else ""
        detail = _quote(sig, 60, sig.endswith("...")) + (f" {summary}" if summary else " is defined here")
        methods.append(Step(_method_label(name, g, params.strip("()")), _sentence(detail), span=f.span,
                            facts=(f,)))
    room = MAX_STEPS - len(out) - (1 if private else 0)
    if len(methods) > room:
        rest = methods[room - 1:]
        names = [n for s in rest for n in _spans(s.detail)[:1]]
        methods = methods[: room - 1] + [Step("Define other methods", _sentence(
            "It also defines " + _names([re.split(r"[(<]", n)[0] for n in names], 6)))]
    out += methods
    if private:
        which = "method" if len(private) == 1 else "methods"
        out.append(Step("Keep private helpers", _sentence(f"It also has the private {which} {_names(private, 6)}, "
                                                          "for use inside the class")))
    return out
