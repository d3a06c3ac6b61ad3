"""The Execution Steps of the guide without a model: the outline in code order, grouped to at most MAX_STEPS."""

from __future__ import annotations

import re
from dataclasses import replace

from blockguide.core.facts import Assign
from blockguide.core.types import Action, Grounding, Span, Step
from blockguide.core.fallback.classes import _class_steps
from blockguide.core.syntax.quote import _code, _spans
from blockguide.core.fallback.comments import step_comments
from blockguide.core.fallback.details import _arm_step, _chain_step, _clause, _detail, _merge_clauses, _run_step
from blockguide.core.fallback.flow import _arm_of_chain, _groups, _plain_else
from blockguide.core.fallback.labels import _ERROR_NAMES, _label
from blockguide.core.fallback.words import MAX_STEPS, _sentence, _short


def steps(g: Grounding) -> list[Step]:
    if g.block.kind == "class":
        out = _class_steps(g)
    else:
        out = _flow_steps(g)
    if not out:
        out = [Step("Declare block", f"The block declares {_code(g.block.text, 60)}; it has no statements to run.")]
    return _unique(out)


_ORDINALS = ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _unique(out: list[Step]) -> list[Step]:
    """Labels made unique by the name that tells two steps apart (never a number)."""
    seen: set[str] = set()
    result = []
    for s in out:
        label = s.label
        if label.lower() in seen:
            spans = _spans(s.detail)
            names = [n for n in spans if re.fullmatch(r"[A-Za-z_][\w.:]*", n) and n not in label]
            names += [lit for sp in spans for lit in re.findall(r'"[^"`]{1,20}"', sp) if lit not in label]
            names = list(dict.fromkeys(names))
            words = re.findall(r"`[^`]*`|\S+", label)
            short = " ".join(words[:2])
            candidates = ([f"{label} with `{n}`" for n in names[:3]] if len(words) <= 2 else []) + \
                ([f"{label} again"] if len(words) <= 3 else []) + [f"{short} for `{n}`" for n in names[:6]] + \
                [f"{short} again", f"{short} once more"] + [f"{short}, {o} time" for o in _ORDINALS]
            label = next((c for c in candidates if c.lower() not in seen), f"{short}, once again")
        seen.add(label.lower())
        result.append(replace(s, label=label))
    return result


class _Unit:
    """Top-level statements that become one step: `kind` says how they read."""

    def __init__(self, kind: str, groups: list[tuple[Action, list[Action]]], chain: int = -1) -> None:
        self.kind, self.groups, self.chain = kind, groups, chain


_SIMPLE_KINDS = {"call", "assign", "statement", "defer", "check", "import", "define", "yield", "jump"}


def _units(groups: list[tuple[Action, list[Action]]]) -> list[_Unit]:
    units: list[_Unit] = []
    values: list[tuple[Action, list[Action]]] = []
    chains = 0

    def flush() -> None:
        if values:
            units.append(_Unit("values" if len(values) > 1 else "one", list(values)))
            values.clear()

    i = 0
    while i < len(groups):
        a, kids = groups[i]
        if a.kind == "assign" and not a.calls and not kids:
            values.append((a, kids))
            i += 1
            continue
        flush()
        if a.kind == "branch":
            arms = [(a, kids)]
            i += 1
            while i < len(groups) and _arm_of_chain(groups[i][0]) and not _plain_else(arms[-1][0]):
                arms.append(groups[i])
                i += 1
            chains += 1
            if len(arms) >= 4:
                units.append(_Unit("chain", arms, chains))
            else:
                for arm in arms:
                    if _plain_else(arm[0]) and units and units[-1].chain == chains:
                        units[-1].groups.append(arm)
                    else:
                        units.append(_Unit("arm", [arm], chains))
            continue
        else:
            units.append(_Unit("one", [(a, kids)]))
        i += 1
    flush()
    return units


def _compact(units: list[_Unit]) -> list[_Unit]:
    """At most MAX_STEPS units: if-chains become one step, then runs of simple statements, then the tail."""
    if len(units) > MAX_STEPS:
        merged: list[_Unit] = []
        for u in units:
            if u.kind == "arm" and merged and merged[-1].chain == u.chain and merged[-1].kind in ("arm", "chain"):
                merged[-1] = _Unit("chain", merged[-1].groups + u.groups, u.chain)
            else:
                merged.append(u)
        units = [(_Unit("one", u.groups) if u.kind == "chain" and len(u.groups) == 1 else u) for u in merged]
        units = [(_Unit("arm", u.groups, u.chain) if u.kind == "chain" and len(u.groups) == 2
                  and _plain_else(u.groups[1][0]) else u) for u in units]
    while len(units) > MAX_STEPS:
        stretch = _longest_simple_stretch(units)
        if stretch is None:
            break
        start, end = stretch
        length = end - start
        chunks = max(length - min(len(units) - MAX_STEPS, length - 1), -(-length // 3))
        if chunks == length:
            break
        size, extra = divmod(length, chunks)
        merged, at = [], start
        for c in range(chunks):
            n = size + (1 if c < extra else 0)
            part = units[at:at + n]
            at += n
            merged.append(part[0] if n == 1 else _Unit("run", [grp for u in part for grp in u.groups]))
        units = units[:start] + merged + units[end:]
    if len(units) > MAX_STEPS:  # still too many: the last ones share a step that says each of them
        rest = [grp for u in units[MAX_STEPS - 1:] for grp in u.groups]
        units = units[: MAX_STEPS - 1] + [_Unit("tail", rest)]
    return units


def _simple_unit(u: _Unit) -> bool:
    return u.kind in ("one", "values", "run") and all(not kids and a.kind in _SIMPLE_KINDS for a, kids in u.groups)


def _longest_simple_stretch(units: list[_Unit]) -> tuple[int, int] | None:
    """(start, end) of the longest stretch of single simple statements (at least two), or None."""
    best, start = None, None
    for i, u in enumerate(units + [_Unit("end", [])]):
        if u.kind in ("one", "values") and _simple_unit(u):
            start = i if start is None else start
            continue
        if start is not None and i - start >= 2 and (best is None or i - start > best[1] - best[0]):
            best = (start, i)
        start = None
    return best


def _flow_steps(g: Grounding) -> list[Step]:
    groups = _groups(g.flow)
    ctx = {"language": g.block.language, "g": g}
    out: list[Step] = []
    prev: Action | None = None
    units = _compact(_units(groups))
    for n, u in enumerate(units):
        first = u.groups[0][0]
        ctx["error_source"] = _error_source(prev)
        ctx["last"] = n == len(units) - 1
        if u.kind == "one":
            out.append(Step(_label(first, ctx), _detail(first, u.groups[0][1], ctx)))
        elif u.kind == "values":
            out.append(Step(_values_label(u.groups), _sentence("It " + _merge_clauses([_clause(a) for a, _ in u.groups]))))
        elif u.kind == "arm":
            out.append(_arm_step(u.groups, ctx))
        elif u.kind == "chain":
            out.append(_chain_step(u.groups, ctx))
        else:  # run, tail
            out.append(_run_step(u.groups, ctx, then=u.kind != "run"))
        end = units[n + 1].groups[0][0].line if n + 1 < len(units) else g.block.span.end
        said = step_comments(g, first.line, end)
        detail = f'{out[-1].detail} The comment here says: "{said}"' if said else out[-1].detail
        # the step keeps its statements: their facts and lines, up to the next step's first statement
        facts = tuple(a.fact for a, _ in u.groups if a.fact is not None)
        own_end = max((b.fact.span.end for a, kids in u.groups for b in [a] + kids if b.fact is not None),
                      default=end)
        out[-1] = Step(out[-1].label, detail, span=Span(first.line, max(min(end, own_end), first.line + 1)),
                       facts=facts)
        prev = u.groups[-1][0]
    return out


def _values_label(groups: list[tuple[Action, list[Action]]]) -> str:
    """Several plain assignments: the variables they set ("Set `a`, `b` and `c`", "Initialize `x` and `y`")."""
    names = list(dict.fromkeys(t for a, _ in groups for t in (a.fact.targets if isinstance(a.fact, Assign) else ())))
    labels = [_label(a) for a, _ in groups]
    verb = "Initialize" if all(l.startswith("Initialize") for l in labels) else "Set"
    if not names:
        return labels[0]
    shown = [f"`{_short(n, 20)}`" for n in names[:3]]
    if len(names) > 3:
        return f"{verb} {shown[0]}, {shown[1]} and others"
    return f"{verb} " + (" and ".join(shown) if len(shown) <= 2 else f"{shown[0]}, {shown[1]} and {shown[2]}")


def _error_source(prev: Action | None) -> str | None:
    """The call whose error a following `if err != nil` checks."""
    if prev is None or not prev.calls or not (set(prev.targets) & _ERROR_NAMES):
        return None
    return _short(prev.calls[-1], 28)
