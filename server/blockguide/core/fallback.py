"""A guide built from the analysis alone: for `model = none`, and when no model answers.

Everything in it comes from the code: the description from the signature, the docstring and what the
outline shows (calls, I/O, results, errors); the steps from the outline in code order; the example from a
real call site or the signature (built by core.examples, checked by core.checks). It is plain, and true.
"""

from __future__ import annotations

import re

from blockguide.core.languages import LANGUAGES
from blockguide.core.render import title_for
from blockguide.core.checks.prose import vague_terms
from blockguide.core.types import Action, Example, Grounding, Guide, Step

NOTE = "Generated without a model, from the code's structure alone."
MAX_STEPS = 8


def static_guide(g: Grounding, reason: str | None = None) -> Guide:
    """The guide from analysis; `reason` (e.g. the model was unreachable) goes first in the notes."""
    example, example_note = static_example(g)
    notes = [NOTE] + ([reason] if reason else []) + ([example_note] if example_note else [])
    notes += [n for n in g.notes if n.startswith("These statements run inside")]
    return Guide(title=title_for(g.block), description=description(g), steps=tuple(steps(g)),
                 example=example, model="none", notes=tuple(notes))


def static_example(g: Grounding) -> tuple[Example, str | None]:
    """The example blockguide built during analysis (or a minimal one), and the note that says where it is from."""
    lang = LANGUAGES[g.block.language]
    if g.example is not None:
        example = g.example
    else:
        example = Example(lang.fence_tag, g.block.text.strip("\n"))
        return example, "The example repeats the block: no call site or signature to build one from."
    return example, example_origin(g)


def example_origin(g: Grounding) -> str:
    if g.example_source:
        return f"Example adapted from the call at `{g.example_source}`."
    return "Example built by blockguide from the signature; replace the placeholder values with real ones."


# --- description --------------------------------------------------------------------------------------------
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
    sentence = (m.group(1) if m else text)[:300].strip()
    if not sentence or sentence.startswith((":", "@", "Args", "Returns", "Parameters")):
        return None
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def _join(items: list[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _names(items, limit: int = 4) -> str:
    items = list(dict.fromkeys(items))
    shown = [f"`{i}`" for i in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return _join(shown)


def description(g: Grounding) -> str:
    block = g.block
    own = _own(g)
    where = f" in `{g.module}`" if g.module else (f" in `{g.path}`" if g.path else "")
    sentences: list[str] = []
    if block.kind == "statements":
        sentences.append(f"These {block.span.lines} lines{(' of `' + g.path + '`') if g.path else ''} run "
                         f"{len([a for a in g.flow if a.depth == 0]) or 'several'} statements in order.")
        if g.inputs:
            sentences.append(f"They read {_names(g.inputs)}, set before them.")
        if g.outputs:
            sentences.append(f"They set {_names(g.outputs)}, which the code after them uses.")
    else:
        sig = own.signature if own and own.signature else block.name
        kind = {"function": "function", "method": "method", "class": "class"}.get(block.kind, block.kind)
        owner_part = f" of class `{g.owner}`" if g.owner else ""
        adjective = _adjective(g)
        article = "an" if (adjective or kind)[:1] in "aeiou" else "a"
        sentences.append(f"`{_short(sig, 100)}` is {article} {adjective}{kind}{owner_part}{where}.")
        doc = _first_sentence(own.doc if own else None) or _python_docstring(g)
        if doc:
            sentences.append(f"Its documentation says: {doc}")
        if block.kind == "class":
            sentences += _class_facts(g)
    sentences += _flow_facts(g)
    text = " ".join(sentences)
    return text if not vague_terms(text) else text  # facts from code: the doc is quoted as written


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
    raises = [a.text.split(" ", 1)[1] for a in flow if a.kind == "raise" and " " in a.text]
    if raises:
        verb = "raise" if g.block.language == "python" else "throw"
        out.append(f"{it} {verb}{does} {_join(list(dict.fromkeys(raises))[:3], 'or')}.")
    returns = [a for a in flow if a.kind == "return"]
    if len(returns) == 1 and returns[0].text != "returns":
        out.append(f"{it} {returns[0].text if does else returns[0].text.replace('returns', 'return', 1)}.")
    elif len(returns) > 1:
        out.append(f"{it} {'has' if does else 'have'} {len(returns)} return statements.")
    if any(a.kind == "yield" for a in flow) and g.block.kind != "statements":
        out.append("It yields its results one at a time.")
    return out


def _short(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- steps ----------------------------------------------------------------------------------------------------
def steps(g: Grounding) -> list[Step]:
    if g.block.kind == "class":
        out = _class_steps(g)
    else:
        out = _flow_steps(g.flow)
    if not out:
        first = g.block.text.strip().split("\n")[0]
        out = [Step("Declare block", f"The block declares {_code(first)}; it has no statements to run.")]
    return out


def _code(text: str, limit: int = 80) -> str:
    return "`" + _short(text.replace("`", "'"), limit) + "`"


def _children(flow: list[Action], i: int) -> list[Action]:
    """The actions nested under flow[i] (deeper, until the next action at its depth or shallower)."""
    out = []
    depth = flow[i].depth
    for a in flow[i + 1:]:
        if a.depth <= depth:
            break
        out.append(a)
    return out


def _groups(flow: list[Action]) -> list[tuple[Action, list[Action]]]:
    """Top-level actions with their nested ones; a try's body is lifted to the top (its steps run in order)."""
    out: list[tuple[Action, list[Action]]] = []
    if not flow:
        return out
    base = min(a.depth for a in flow)
    i = 0
    while i < len(flow):
        a = flow[i]
        if a.depth != base:
            i += 1
            continue
        kids = _children(flow, i)
        if a.kind == "try":
            out += _groups([k for k in kids])
        else:
            out.append((a, kids))
        i += 1 + len(kids)
    return out


def _flow_steps(flow: list[Action]) -> list[Step]:
    groups = _groups(flow)
    out: list[Step] = []
    pending: list[Action] = []  # simple assignments, merged into one step

    def flush() -> None:
        if not pending:
            return
        if len(pending) == 1:
            out.append(_step(pending[0], []))
        else:
            names = [t for a in pending for t in a.targets] or ["values"]
            out.append(Step("Set up values", _sentence("; ".join(a.text for a in pending))))
        pending.clear()

    for action, kids in groups:
        if action.kind == "assign" and not action.calls and not kids:
            pending.append(action)
            continue
        flush()
        out.append(_step(action, kids))
    flush()
    if len(out) > MAX_STEPS:
        rest = out[MAX_STEPS - 1:]
        out = out[: MAX_STEPS - 1] + [Step("Finish", " ".join(
            f"Then {s.detail[0].lower()}{s.detail[1:]}" if s.detail else "" for s in rest))]
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ":", "?", "!")) else text + "."


def _main_name(action: Action) -> str | None:
    if action.calls:
        return action.calls[-1].removeprefix("new ")
    return None


def _label(action: Action) -> str:
    k = action.kind
    m = re.search(r"`([^`]*)`", action.text)
    first = m.group(1) if m else ""
    ident = re.findall(r"[A-Za-z_][\w.:]*", first)
    main = _main_name(action)
    if k == "assign":
        targets = action.targets or tuple(ident[:1])
        if action.text.startswith(("increments", "decrements")):
            return f"{action.text.split()[0][:-1].title()} `{ident[0] if ident else 'counter'}`"
        if len(targets) == 1:
            return f"Set `{_short(targets[0], 30)}`"
        return "Set " + ", ".join(f"`{t}`" for t in targets[:2])
    if k == "call":
        verb = "Await" if action.awaits else "Call"
        return f"{verb} `{_short(main or first, 30)}`"
    if k == "branch":
        return f"Check `{_short(first, 28)}`" if len(first) <= 28 else "Check condition"
    if k == "loop":
        if first and "for each" in action.text:
            m2 = re.findall(r"`([^`]*)`", action.text)
            return f"Loop over `{_short(m2[-1], 24)}`"
        return "Repeat loop"
    if k == "with":
        return f"Enter `{_short(main, 30)}`" if main else "Enter context"
    if k == "except":
        return f"Catch `{_short(first, 28)}`" if first else "Catch errors"
    if k == "finally":
        return "Clean up"
    if k == "return":
        return f"Return `{_short(main, 28)}` result" if main else "Return result"
    if k == "raise":
        return f"{'Raise' if 'raises' in action.text else 'Throw'} `{_short(main or first, 28)}`"
    if k == "yield":
        return "Yield value"
    if k == "switch":
        return f"Match `{_short(first, 28)}`"
    if k == "defer":
        return f"Defer `{_short(main or first, 28)}`"
    if k == "define":
        return f"Define `{_short(action.targets[0] if action.targets else first, 28)}`"
    if k == "class":
        return "Extend base class"
    if k == "check":
        return "Assert condition"
    if k == "import":
        return "Import names"
    return f"Run `{_short(main, 28)}`" if main else "Run statement"


def _step(action: Action, kids: list[Action]) -> Step:
    if action.text.startswith("... and "):
        return Step("More statements", _sentence(f"The outline stops here; {action.text[8:]} follow"))
    return Step(_label(action), _detail(action, kids))


def _detail(action: Action, kids: list[Action]) -> str:
    text = action.text.rstrip(":")
    calls = [c for c in action.calls if c not in action.text]
    io = [i.replace(": ", " I/O with `", 1) + "`" for i in action.io]
    extra = []
    if len(action.calls) > 1:
        extra.append("calling " + _join([f"`{c}`" for c in action.calls[:4]]) + " in that order")
    elif calls:
        extra.append("calling " + _join([f"`{c}`" for c in calls[:4]]))
    if io:
        extra.append("which does " + _join(io))
    if action.kind in ("branch", "except", "with", "loop", "switch", "finally", "else", "case"):
        head = {"branch": "If", "except": "When", "with": "Within", "loop": "", "switch": "", "finally": "Finally",
                "else": "", "case": "In"}[action.kind]
        lead = _lead(action, head)
        body = _nested(kids)
        if action.kind == "switch":
            sentence = lead + (f": {body}" if body else "")
        else:
            sentence = lead + (f", it {body}" if body else "")
        if extra:
            sentence += f" ({'; '.join(extra)})"
        return _sentence(sentence)
    sentence = "It " + text + (f", {', '.join(extra)}" if extra else "")
    return _sentence(sentence)


def _lead(action: Action, head: str) -> str:
    text = action.text.rstrip(":")
    if action.kind == "branch":
        return "If " + text[3:] if text.startswith("if ") else text
    if action.kind == "except":
        what = re.findall(r"`([^`]*)`", text)
        return f"When `{what[0]}` is raised" if what else "When an error is raised"
    if action.kind == "with":
        return "Within " + text.removeprefix("with ").removeprefix("async with ").replace(" (context manager)", "")
    if action.kind == "loop":
        return text[0].upper() + text[1:]
    if action.kind == "switch":
        return "It " + ("matches" if text.startswith("match") else "switches") + text.split(" on", 1)[-1].rstrip(":") \
            .replace(" ", " on ", 1) if " on " in text else text
    if action.kind == "finally":
        return "Finally"
    return text[0].upper() + text[1:]


def _nested(kids: list[Action], limit: int = 5) -> str:
    """What the nested actions do, as one clause: `returns `x`; else if `y`, returns `z``."""
    if not kids:
        return ""
    base = min(k.depth for k in kids)
    parts: list[str] = []
    labels: list[str] = []  # cases that fall through to the next one
    for i, k in enumerate(kids):
        if len(parts) >= limit:
            parts.append("and more")
            break
        if k.kind == "case" and k.depth == base:
            body = [c for c in kids[i + 1:i + 2] if c.depth > base]
            labels.append(k.text.removeprefix("case ").rstrip(":"))
            if body:
                parts.append(f"for {_join(labels, 'or')}, it {body[0].text}")
                labels = []
            continue
        if k.depth != base:
            continue
        if k.kind in ("else", "except", "finally"):
            parts.append(k.text.rstrip(":") + " it")
        else:
            parts.append(k.text)
    clause = "; ".join(parts).replace(" it; ", " it ")
    return clause.rstrip(" it").rstrip(";") if clause.endswith(" it") else clause


def _class_steps(g: Grounding) -> list[Step]:
    out = []
    for b in g.bases:
        inherited = f" and inherits {_names(list(b.inherited), 4)}" if b.inherited else ""
        origin = f" (from `{b.module}`)" if b.module and b.module not in b.name else ""
        out.append(Step("Extend base class", f"`{g.block.name}` extends `{b.name}`{origin}{inherited}."))
    fields = [a for a in g.flow if a.kind == "assign"]
    if fields:
        out.append(Step("Declare fields", _sentence("It declares " + _join([f"`{t}`" for a in fields
                                                                              for t in a.targets][:6]))))
    for a in g.flow:
        if a.kind != "define":
            continue
        name = a.targets[0] if a.targets else "member"
        sig = re.search(r"`([^`]*)`", a.text)
        summary = a.text.split(": ", 1)[1] if ": " in a.text else ""
        label = "Initialize instance" if name in ("__init__", "constructor", g.block.name, "new") else f"Method `{name}`"
        detail = f"`{sig.group(1) if sig else name}`" + (f" {summary}" if summary else " is defined here")
        out.append(Step(label, _sentence(detail)))
    if len(out) > MAX_STEPS:
        rest = out[MAX_STEPS - 1:]
        out = out[: MAX_STEPS - 1] + [Step("Other methods", _sentence(
            "It also defines " + _join([s.label.replace("Method ", "") for s in rest])))]
    return out
