"""What a step says: one sentence per statement, branches and switches summarised, the rest named."""

from __future__ import annotations

import re

from blockguide.core.types import Action, Grounding, Step
from blockguide.core.syntax.quote import _clean, _fit, _quote
from blockguide.core.fallback.flow import _groups, _is_more, _plain_else
from blockguide.core.fallback.labels import _cap, _first_span, _label, _simple
from blockguide.core.fallback.words import _join, _names, _sentence


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
    kinds = list(dict.fromkeys(i.split(":", 1)[0] for i in action.io))
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
    text = _clean(action.text.rstrip(":"))
    k = action.kind
    if k == "assign" and " to `" in text:
        names, value = text.split(" to `", 1)
        loop_vars = set(re.findall(r"\bfor\s+\(?([A-Za-z_]\w*)", value))  # a comprehension's own names
        kept = [n for n in re.findall(r"`([^`]*)`", names) if n not in loop_vars]
        if kept and len(kept) < len(re.findall(r"`([^`]*)`", names)):
            text = names.split(" ", 1)[0] + " " + _join([f"`{n}`" for n in kept]) + " to `" + value
    if k in ("branch", "else") and _first_span(text):
        return f"checks {_first_span_code(text)}"
    if k == "else":
        return "" if action.text.startswith("else (") else "otherwise runs the else branch"
    if k == "loop":
        spans = re.findall(r"`[^`]*`", text)
        return f"loops over {spans[-1]}" if "for each" in text and spans else "repeats a loop"
    if k == "switch":
        return f"switches on {_first_span_code(text)}" if _first_span(text) else "switches on a value"
    if k == "with":
        return "enters " + text.removeprefix("async ").removeprefix("with ").replace(" (context manager)", "")
    if k == "except":
        return f"catches {_first_span_code(text)}" if _first_span(text) else "catches errors"
    if k == "finally":
        return "cleans up"
    if k == "try":
        return "tries the statements below"
    if k == "case":
        return ""
    if k == "statement" and not text.startswith(("...",)) and text.startswith("`"):
        return f"evaluates {text}"
    return text


def _first_span_code(text: str) -> str:
    m = re.search(r"`[^`]*`", text)
    return m.group(0) if m else ""


def _nested(kids: list[Action], limit: int = 3) -> str:
    """What the nested actions do, as one clause: `returns `x``, `sets `a` to `b` and returns `a``."""
    if not kids:
        return ""
    top = [k for k, _ in _groups(kids) if k.kind not in ("case",) and not _is_more(k)]
    clauses = [c for c in dict.fromkeys(_clause(k) for k in top) if c]
    if not clauses:
        return ""
    if len(clauses) > limit:
        return _join(clauses[:limit - 1], "and") + f", then {len(clauses) - limit + 1} more statements"
    return _join(clauses)


def _lead(action: Action) -> str:
    text = _clean(action.text.rstrip(":"))
    k = action.kind
    cond = _first_span_code(text)
    if k == "branch":
        return f"If {cond}" if text.startswith("if ") else f"Otherwise, if {cond}"
    if k == "else":
        if text.startswith(("elif ", "else if ")):
            return f"Otherwise, if {cond}"
        return "Otherwise" if text == "else" else "If no error was raised"
    if k == "except":
        return f"When {cond} is raised" if cond else "When an error is raised"
    if k == "with":
        return "Within " + text.removeprefix("async ").removeprefix("with ").replace(" (context manager)", "")
    if k == "loop":
        return _cap(text)
    if k == "finally":
        return "Finally"
    return _cap(text)


def _detail(action: Action, kids: list[Action], ctx: dict) -> str:
    if action.kind == "switch":
        return _switch_detail(action, kids)
    if action.kind in ("branch", "else", "except", "with", "loop", "finally"):
        lead = _lead(action)
        body = _nested(kids)
        sentence = lead + (f", it {body}" if body else "")
        extra = _extras(action, _clean(action.text))
        if extra:
            sentence += f" ({'; '.join(extra)})"
        return _sentence(sentence + _io_note(action))
    if _is_more(action):
        return _sentence(_more_clause(action, ctx))
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


def _chain_step(arms: list[tuple[Action, list[Action]]], ctx: dict, shown: int = 5) -> Step:
    """A long if/elif/else chain as one step that names every case."""
    conds = [_first_span(a.text) for a, _ in arms if not _plain_else(a)]
    parts = []
    for n, (a, kids) in enumerate(arms):
        if n >= shown and not _plain_else(a):
            continue
        body = _nested(kids, limit=2) or "does nothing"
        if _plain_else(a):
            parts.append(f"otherwise, it {body}")
        else:
            parts.append(f"if {_first_span_code(_clean(a.text))}, it {body}")
    more = [c for c in conds[shown:]]
    detail = "It checks the conditions in turn: " + "; ".join(parts[:shown] + ([] if len(parts) <= shown else []))
    if more:
        detail += f"; it also checks {_names([_fit(c, 30, c.endswith('...')) or c.split('(')[0] for c in more], 4)}"
    if len(parts) > shown:
        detail += "; " + parts[-1]
    subjects = [set(re.findall(r"[A-Za-z_][\w.]*", c)) - _NOT_SUBJECTS for c in conds]
    common = set.intersection(*subjects) if subjects else set()
    subject = next((w for w in re.findall(r"[A-Za-z_][\w.]*", conds[0]) if w in common), None) if conds else None
    label = f"Classify `{subject}`" if subject else "Check conditions in turn"
    return Step(label, _sentence(detail))


_NOT_SUBJECTS = {"not", "and", "or", "is", "in", "None", "null", "nil", "NULL", "len", "isinstance", "true", "false",
                 "True", "False", "undefined", "instanceof", "let", "Some", "Ok", "Err"}


def _case_label(text: str) -> str | None:
    """`case `"a"`:` → `"a"`; a default case → None."""
    label = _first_span(text).strip()
    label = re.sub(r"^case\s+", "", label).rstrip(":").strip()
    if label in ("default", "_", "") or label.startswith("default"):
        return None
    return label


def _switch_detail(action: Action, kids: list[Action], shown: int = 6) -> str:
    """A switch or match as one sentence that names its cases and what each does."""
    lead = _clean(action.text.rstrip(":"))
    subject = _first_span_code(lead)
    verb = "matches" if action.text.startswith("match") else "switches on"
    if subject in ("", "``"):
        verb, subject = "runs the first ready case", ""
    if not kids:
        return _sentence(f"It {verb} {subject}".rstrip())
    base = min(k.depth for k in kids)
    arms: list[tuple[list[str | None], list[Action]]] = []
    for k in kids:
        if k.kind == "case" and k.depth == base:
            if arms and not arms[-1][1]:
                arms[-1][0].append(_case_label(k.text))  # falls through to the next case
            else:
                arms.append(([_case_label(k.text)], []))
        elif arms:
            arms[-1][1].append(k)
    if sum(1 for labels, _ in arms if labels == [None]) > 1:  # Go's select: each case is its first statement
        for n, (labels, body) in enumerate(arms):
            if labels == [None] and body and _first_span(body[0].text):
                arms[n] = ([_first_span(body[0].text)], body[1:])
    parts = []
    named: list[str] = []
    for labels, body in arms:
        real = [l for l in labels if l is not None]
        what = _nested([b for b in body if b.kind != "jump"], limit=2) or (
            "leaves the switch" if any(b.kind == "jump" for b in body) else "does nothing")
        names = _join([f"`{_fit(l, 30, l.endswith('...')) or 'case'}`" for l in real], "or")
        if len(parts) < shown:
            parts.append(f"for {names}, it {what}" if real and None not in labels else
                         f"otherwise, it {what}" if not real else f"for {names} and by default, it {what}")
        else:
            named += [f"`{_fit(l, 30, l.endswith('...')) or 'case'}`" for l in real]
    detail = f"It {verb}{' ' + subject if subject else ''}: " + "; ".join(parts)
    if named:
        shown_names = named[:10] + ([f"{len(named) - 10} more"] if len(named) > 10 else [])
        detail += f"; it also has cases for {_join(shown_names)}"
    return _sentence(detail)


def _run_step(groups: list[tuple[Action, list[Action]]], ctx: dict, then: bool) -> Step:
    """Several statements as one step that names what they call and return."""
    actions = [a for a, _ in groups]
    more = [a for a in actions if _is_more(a)]
    actions = [a for a in actions if not _is_more(a)]
    returns = [a for a in actions if a.kind == "return"]
    clauses = [c for c in dict.fromkeys(_clause(a) for a in actions if a.kind != "return") if c]
    ret = _clean(returns[-1].text) if returns else None
    labels = [_label(a, ctx) for a in actions if a.kind != "return"]
    verbs = list(dict.fromkeys(" ".join(l.split(" ")[:2]) if l.split(" ")[1:2] == ["up"] else l.split(" ", 1)[0]
                               for l in labels))
    if len(clauses) > 5 or (more and len(clauses) > 2):
        calls = list(dict.fromkeys(c for a in actions for c in a.calls))
        count = len([a for a in actions if a.kind != "return"])
        if more:
            extra_calls, extra_ret = _scan_more(more[0], ctx)
            calls = list(dict.fromkeys(calls + extra_calls))
            count += sum(int(n) for n in re.findall(r"\d+", more[0].text)[:1])
            ret = f"returns {_quote(extra_ret, 40)}" if extra_ret else ret
            more = []
        clauses = [f"runs {count} statements" + (f" that call {_names(calls, 5)}" if calls else "")]
    if more:
        clauses.append(_more_clause(more[0], ctx, lead=False))
    if ret:
        clauses.append(ret)
    detail = _sentence(("It then " if then else "It ") + _merge_clauses(clauses))
    last_return = returns[-1] if returns else None
    if more and not last_return:
        found = _scan_more(more[0], ctx)
        if found[1]:
            verbs.append("Return")
    if last_return is not None:
        value = _first_span(last_return.text)
        head = verbs[0] if verbs else None
        if head and head not in ("Return",):
            label = f"{head} and return" + (f" `{value}`" if _simple(value, 20) else "")
        else:
            label = _label(last_return, ctx)
    elif len(verbs) >= 2:
        label = f"{verbs[0]} and {verbs[1].lower()}"
    elif labels:
        names = [n for l in labels for n in re.findall(r"`[^`]*`", l)[:1]]
        if len(labels) == 1:
            label = labels[0]
        elif len(set(labels)) == 1 and names:
            label = f"{verbs[0]} {names[0]} repeatedly"
        elif len(names) == len(labels) and len(names) <= 3:
            label = f"{verbs[0]} " + (", ".join(names) if len(names) == 3 else " and ".join(names))
        else:
            label = f"{verbs[0]} several values" if verbs[0] in ("Compute", "Set", "Initialize") else \
                f"{verbs[0]} several times"
    else:
        label = "Finish remaining work"
    return Step(label, detail)


def _scan_more(marker: Action, ctx: dict) -> tuple[list[str], str | None]:
    """The calls and the last return in the code past the outline's end (read from the block's text)."""
    g: Grounding = ctx["g"]
    lines = g.block.text.split("\n")[marker.line - g.block.span.start + 1:]
    text = "\n".join(lines)
    calls = [c for c in re.findall(r"\b([A-Za-z_][\w.]*(?:::\w+)*!?)\s*\(", text) if c not in _CODE_WORDS]
    returns = [r for r in re.findall(r"\breturn[ \t]+([^;\n]+)", text) if re.search(r"\w", r)]
    return list(dict.fromkeys(calls)), (returns[-1].strip() if returns else None)


_CODE_WORDS = {"if", "for", "while", "switch", "catch", "return", "function", "sizeof", "elif", "with", "match",
               "and", "or", "not", "in", "func", "fn", "def", "class", "new", "typeof", "await", "yield", "assert"}


def _more_clause(marker: Action, ctx: dict, lead: bool = True) -> str:
    """The statements past the outline's end, summarised from the block's text: what they call and return."""
    count = re.search(r"\d+", marker.text)
    n = int(count.group(0)) if count else 0
    calls, ret = _scan_more(marker, ctx)
    clause = f"runs {n} more statement{'s' if n != 1 else ''}"
    if calls:
        clause += f" that call {_names(calls, 5)}"
    if ret:
        clause += f"{',' if calls else ''} and returns {_quote(ret, 40)}"
    return ("It then " + clause) if lead else clause
