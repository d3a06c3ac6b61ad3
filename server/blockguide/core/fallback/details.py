"""What a step says: one sentence per statement, branches and switches summarised, the rest named."""

from __future__ import annotations

import re

from blockguide.core.types import Action, Step
from blockguide.core import phrase
from blockguide.core.facts import Arm, Branch, Case, Handler, Loop, LoopKind, Return, Switch, Try, With
from blockguide.core.fallback.flow import _groups, _plain_else
from blockguide.core.fallback.labels import _cap, _label, _simple
from blockguide.core.fallback.words import _join, _sentence


def _extras(action: Action, text: str) -> list[str]:
    """What the text does not show already: hidden calls, the order of nested calls, file or network I/O."""
    extra = []
    hidden = [c for c in action.calls if c.removeprefix("new ") not in text]
    shown = [c for c in action.calls if c not in hidden]
    if hidden:
        extra.append("calling " + _join([f"`{c}`" for c in hidden[:4]]))
    elif len(shown) > 1:
        positions = [text.find(c.removeprefix("new ")) for c in shown]
        if positions != sorted(positions):
            extra.append("calling " + _join([f"`{c}`" for c in shown[:4]]) + " in that order")
    return extra


def _io_note(action: Action) -> str:
    kinds = list(dict.fromkeys(str(c.io) for c in (action.fact.calls if action.fact is not None else ()) if c.io))
    return f" ({_join([f'{k} I/O' for k in kinds])})" if kinds else ""


def _merge_clauses(clauses: list[str]) -> str:
    """`calls `a`` + `calls `b`` → `calls `a` and `b``; the groups joined with commas and "and"."""
    groups: list[list[str]] = []
    for c in clauses:
        verb = c.split(" ", 1)[0]
        if groups and groups[-1][0].split(" ", 1)[0] == verb and " " in c and verb in ("calls", "sets", "awaits"):
            groups[-1].append(c.split(" ", 1)[1])
        else:
            groups.append([c])
    return _join([_join(g) for g in groups])


def _clause(action: Action) -> str:
    """One statement as a clause that follows "it": `returns `x``, `loops over `items``."""
    if action.kind == "finally":
        return "cleans up"
    if action.kind == "else" and not isinstance(action.fact, Arm):  # a try's or a loop's `else`
        return ""
    return phrase.nested(action.fact) if action.fact is not None else ""


_NEVER_HIDDEN = {"return", "raise", "loop", "branch", "switch", "jump", "yield"}


def _nested(kids: list[Action], limit: int = 3) -> str:
    """What the nested actions do, as one clause: `returns `x``, `sets `a` to `b` and returns `a``. Past
    `limit`, plain statements are said by what they set and call; a return, raise, jump, loop or branch is
    always said."""
    if not kids:
        return ""
    # a branch's clause says all its arms: its `else if` / `else` arms are not said again
    top = [k for k, _ in _groups(kids) if k.kind not in ("case",) and not isinstance(k.fact, Arm)]
    said = [(k, c) for k in top for c in [_clause(k)] if c]
    said = list({c: (k, c) for k, c in reversed(said)}.values())[::-1]
    if len(said) > limit:
        kept = [kc for n, kc in enumerate(said) if n < limit - 1 or kc[0].kind in _NEVER_HIDDEN]
        if len(said) - len(kept) == 1:  # "runs 1 other statement" is no shorter than the statement itself
            kept = said
        dropped = len(said) - len(kept)
        clauses = [c for _, c in kept]
        if dropped:  # said by what they set, call and end with; when they do none of these, each is said
            first_hidden = next(n for n, kc in enumerate(said) if kc not in kept)
            hidden = tuple(k.fact for k, c in said if (k, c) not in kept and k.fact is not None)
            rest = phrase.rest_of(hidden)
            if not rest:
                return _join([c for _, c in said])
            clauses.insert(first_hidden, rest)
        return _join(clauses)
    return _join([c for _, c in said])


def _lead(action: Action) -> str:
    f = action.fact
    if action.kind == "finally":
        return "Finally"
    if action.kind == "else" and not isinstance(f, Arm):
        return "If no error was raised" if isinstance(f, Try) else "When the loop ends without a break"
    if isinstance(f, Branch):
        f = f.arms[0]
    if isinstance(f, Arm):
        if f.condition is None:
            return "Otherwise"
        return f"If {phrase.condition(f.condition)}" if action.kind == "branch" else \
            f"Otherwise, if {phrase.condition(f.condition)}"
    if isinstance(f, Handler):
        return f"When {phrase.code(f.exceptions)} is raised" if f.exceptions else "When an error is raised"
    if isinstance(f, With):
        return "Within " + phrase.join([phrase.code(i) for i in f.items])
    if isinstance(f, Try) and f.resources:
        return f"With {phrase.code(f.resources)} open"
    if isinstance(f, Loop):
        if f.kind == LoopKind.FOR_EACH:
            return f"For each {phrase.code(f.var or '_')} in {phrase.code(f.iterable)}"
        if f.kind == LoopKind.ENDLESS:
            return "Over and over"
        if f.kind == LoopKind.C_FOR and f.var:
            return f"For each `{f.var}` while {phrase.condition(f.condition)}"
        return f"While {phrase.condition(f.condition)}"
    if action.kind == "finally":
        return "Finally"
    if action.kind == "else":
        return "If no error was raised" if isinstance(f, Try) else "When the loop ends without a break"
    return _cap(_clause(action))


def _detail(action: Action, kids: list[Action], ctx: dict) -> str:
    if action.kind == "switch":
        return _switch_detail(action, kids)
    if action.kind in ("branch", "else", "except", "with", "loop", "finally"):
        lead = _lead(action)
        body = _nested(kids, limit=6 if action.kind == "loop" else 3)
        if not body and action.kind == "except":  # `except E: pass`: the error is swallowed
            body = "ignores the error"
        sentence = lead + (f", it {body}" if body else "")
        extra = _extras(action, phrase.outline_line(action.fact) if action.fact is not None else "")
        if extra:
            sentence += f" ({'; '.join(extra)})"
        sentence = _sentence(sentence + _io_note(action))
        f = action.fact
        if isinstance(f, Loop) and f.kind == LoopKind.ENDLESS:
            sentence += " " + _sentence("It " + phrase.loop(f))
        return sentence
    text = _clause(action)
    extra = _extras(action, text)
    return _sentence("It " + text + (f", {', '.join(extra)}" if extra else "") + _io_note(action))


def _arm_step(arms: list[tuple[Action, list[Action]]], ctx: dict) -> Step:
    """One branch of an if-chain (an `else` joins the arm before it)."""
    parts = []
    for a, kids in arms:
        body = _nested(kids)
        lead = _lead(a)
        parts.append(lead + (f", it {body}" if body else ", it does nothing"))
    detail = _sentence("; ".join([parts[0]] + [p[0].lower() + p[1:] for p in parts[1:]]))
    return Step(_label(arms[0][0], ctx), detail)


def _chain_step(arms: list[tuple[Action, list[Action]]], ctx: dict) -> Step:
    """A long if/elif/else chain as one step: a clause per arm, its condition and what it does."""
    conds = [_condition(a) for a, _ in arms if not _plain_else(a)]
    parts = []
    for a, kids in arms:
        body = _nested(kids, limit=2) or "does nothing"
        parts.append(f"otherwise, it {body}" if _plain_else(a) else f"if {phrase.condition(_condition(a))}, it {body}")
    detail = "It checks the conditions in turn: " + "; ".join(parts)
    subjects = [set(re.findall(r"[A-Za-z_][\w.]*", c)) - _NOT_SUBJECTS for c in conds]
    common = set.intersection(*subjects) if subjects else set()
    subject = next((w for w in re.findall(r"[A-Za-z_][\w.]*", conds[0]) if w in common), None) if conds else None
    label = f"Classify `{subject}`" if subject else _label(arms[0][0], ctx)
    return Step(label, _sentence(detail))


_NOT_SUBJECTS = {"not", "and", "or", "is", "in", "None", "null", "nil", "NULL", "len", "isinstance", "true", "false",
                 "True", "False", "undefined", "instanceof", "let", "Some", "Ok", "Err"}


def _condition(a: Action) -> str:
    f = a.fact.arms[0] if isinstance(a.fact, Branch) else a.fact
    return f.condition or "" if isinstance(f, Arm) else ""


def _switch_detail(action: Action, kids: list[Action]) -> str:
    """A switch or match as one sentence that names its cases and what each does (every case named)."""
    f = action.fact
    assert isinstance(f, Switch)
    verb = "matches" if f.is_match else "switches on"
    subject = phrase.code(f.subject) if f.subject else ""
    if not subject:
        verb = "checks the cases in turn" if f.tagless else "runs the first ready case"
    if not f.cases:
        return _sentence(f"It {verb} {subject}".rstrip())
    base = min(k.depth for k in kids)
    bodies: list[tuple[Case, list[Action]]] = []
    for k in kids:
        if k.kind == "case" and k.depth == base and isinstance(k.fact, Case):
            bodies.append((k.fact, []))
        elif bodies:
            bodies[-1][1].append(k)
    arms: list[tuple[list[str | None], list[Action]]] = []
    falls = False
    for case, body in bodies:
        labels: list[str | None] = list(case.labels) if case.labels else [None]
        if arms and falls:  # the case before is empty and runs this one's body
            arms[-1] = (arms[-1][0] + labels, body)
        else:
            arms.append((labels, body))
        falls = case.falls_through
    if sum(1 for labels, _ in arms if labels == [None]) > 1:  # Go's select: each case is its first statement
        for n, (labels, body) in enumerate(arms):
            if labels == [None] and body and body[0].fact is not None:
                arms[n] = ([body[0].fact.code.strip()], body[1:])
    parts = []
    for labels, body in arms:
        real = [l for l in labels if l is not None]
        what = _nested([b for b in body if b.kind != "jump" or not b.fact.leaves_switch], limit=2) or (
            "leaves the switch" if any(b.kind == "jump" for b in body) else "does nothing")
        if f.tagless and real and None not in labels:  # each label is a condition
            parts.append(f"when {_join([phrase.condition(l) for l in real], 'or')}, it {what}")
            continue
        names = _join([phrase.code(l, 50) for l in real], "or")
        parts.append(f"for {names}, it {what}" if real and None not in labels else
                     f"otherwise, it {what}" if not real else f"for {names} and by default, it {what}")
    detail = f"It {verb}{' ' + subject if subject else ''}: " + "; ".join(parts)
    return _sentence(detail)


def _run_step(groups: list[tuple[Action, list[Action]]], ctx: dict, then: bool) -> Step:
    """Several statements as one step that says each of them (a branch or loop among them by its detail)."""
    actions = [a for a, _ in groups]
    if any(kids for _, kids in groups) or any(a.kind not in _SIMPLE for a in actions):
        # a bounded tail holding compound statements: each is said as its own sentence
        detail = " ".join(_detail(a, kids, ctx) for a, kids in groups)
        label = _run_label(actions, ctx)
        return Step(label, detail)
    returns = [a for a in actions if a.kind == "return"]
    clauses = [c for c in dict.fromkeys(_clause(a) for a in actions if a.kind != "return") if c]
    if returns:
        clauses.append(_clause(returns[-1]))
    detail = _sentence(("It then " if then else "It ") + _merge_clauses(clauses))
    return Step(_run_label(actions, ctx), detail)


_SIMPLE = {"call", "assign", "statement", "defer", "check", "import", "define", "yield", "jump", "return", "raise"}


def _run_label(actions: list[Action], ctx: dict) -> str:
    """A label for several statements: the first two things done ("Read `x` and return `y`"), or the one
    verb they share with the names it applies to."""
    returns = [a for a in actions if a.kind == "return"]
    labels = [_label(a, ctx) for a in actions if a.kind != "return"]
    verbs = list(dict.fromkeys(" ".join(l.split(" ")[:2]) if l.split(" ")[1:2] == ["up"] else l.split(" ", 1)[0]
                               for l in labels))
    last_return = returns[-1] if returns else None
    if last_return is not None:
        value = last_return.fact.value if isinstance(last_return.fact, Return) else None
        head = verbs[0] if verbs else None
        if head and head not in ("Return",):
            return f"{head} and return" + (f" `{value}`" if value and _simple(value, 20) else "")
        return _label(last_return, ctx)
    names = [n for l in labels for n in re.findall(r"`[^`]*`", l)[:1]]
    if len(verbs) >= 2:
        return f"{verbs[0]} and {verbs[1].lower()}"
    if len(labels) == 1:
        return labels[0]
    if len(set(labels)) == 1 and names:
        return f"{verbs[0]} {names[0]} repeatedly"
    if names and len(names) == len(labels):
        shown = list(dict.fromkeys(names))
        return f"{verbs[0]} " + (_join(shown) if len(shown) <= 3 else ", ".join(shown[:2]) + " and others")
    return labels[0] if labels else "Run statements"
