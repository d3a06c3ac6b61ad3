"""The Description's first sentence without a model: what the block is for.

A definition's purpose is its author's documentation summary, whole (core.doccomments), said of the block
with the author's words kept: "`get` returns the value of the header." from "Returns the value of the
header.", "`quote`: Re-quote the URI." from "Re-quote the URI.". A definition without one is told by what its
name says it does, or by its documented parameters. A run of statements is told by what it does inside which
function.
"""

from __future__ import annotations

import re

from blockguide.core import phrase
from blockguide.core.doccomments import summary_of
from blockguide.core.facts import Assert, Branch, Case, Define, Defer, Loop, LoopKind, Switch, With
from blockguide.core.types import DocComment, Grounding
from blockguide.core.fallback.words import _join, _names

# verbs a documentation summary starts with in the imperative ("Return the ...", PEP 257's style)
_VERBS = frozenset("""
accept acquire add adjust allocate append apply assert assign attach attempt bind build calculate call cancel
capitalize check clean clear clone close collect combine compare compile compute configure connect construct
convert copy count create decode decorate deep define delete deserialize destroy detach determine disable
dispatch display dispose do draw drop dump emit enable encode encrypt decrypt ensure enqueue escape evaluate
execute expand export extend extract fetch fill filter find finish fix flatten flush format free generate get
give group guess handle hash hide ignore import increment decrement indent infer init initialize initialise
insert install invoke iterate join keep list load lock log look lookup make map mark match measure merge
migrate modify move normalize normalise notify open order output pack pad parse pass patch peek perform pick
pop populate prepare prepend print process produce prompt push put quote query raise read rebuild receive
record reduce refresh register reject release reload remove rename render reorder repeat replace report
request require requote reset resolve restore retrieve retry return reverse rewrite run save scan schedule
search select send serialize set setup show shuffle skip sort split start stop store strip submit subscribe
substitute swap sync take tell test throw toggle tokenize track transform translate traverse trim truncate
try turn unescape unlock unpack unquote unregister unsubscribe unwrap update upgrade upload use validate
verify visit wait walk warn watch wrap write yield provide contain describe represent hold manage implement
support allow indicate specify serve act help encapsulate keep define decide declare expose delegate forward
override retain schedule sanitize
""".split())
# a first word ending in "s" that is no verb
_NOT_VERBS = frozenset({"this", "its", "as", "is", "was", "thus", "always", "perhaps", "unless", "various",
                        "previous", "series", "status", "alias", "class", "process", "access", "address",
                        "bus", "canvas", "less", "unless", "whereas", "bonus", "plus", "minus", "towards",
                        "news", "options", "settings", "utils", "tools", "helpers", "details", "sometimes",
                        "given", "when", "if", "for", "to", "in", "on", "with", "after", "before", "once", "unlike",
                        "like", "by", "since", "while", "because", "although", "internal", "private", "public",
                        "deprecated", "note", "only", "same", "default", "convenience", "shortcut", "alias"})
# words that follow a verb, not a noun ("Frob the ..."): an unknown first word before one is taken as a verb
_FOLLOWS_VERB = frozenset({"the", "a", "an", "all", "each", "this", "these", "those", "its", "any", "given",
                           "every", "it", "them", "whether", "up", "out"})


def documented(doc: DocComment | None, fallback: str | None = None) -> str:
    """The summary of the documentation, or of a first line (jedi's), or ""."""
    if doc is not None and doc.summary:
        return doc.summary
    return summary_of(fallback) if fallback else ""


def said_of(name: str, summary: str) -> str | None:
    """The documentation's summary said of the block named `name`, its words kept whole (only the case of its
    first letter changes): "`f` returns ..." from "Returns ...", "`Foo` returns ..." from Go's "Foo returns
    ...", "`f` is a mapping ..." from "A mapping ...", "`E` is raised when ..." from "Raised when ..."; any
    other summary (an imperative "Re-quote the URI.", a noun phrase) follows the name and a colon as written."""
    short = re.split(r"::|\.", name)[-1]
    text = summary.strip()
    if not text:
        return None
    m = re.match(rf"^(?:[Tt]he\s+)?(`{{0,2}}){re.escape(short)}\1(\(\))?\s+(?=[a-z])", text)
    if m:  # Go and Javadoc style: "Foo returns ...", and "The ``Foo`` is used ..."
        return f"`{short}` " + text[m.end():]
    words = text.split(maxsplit=2)
    first = words[0]
    word = first.lower()
    second = words[1].lower().strip(",") if len(words) > 1 else ""
    rest = text[len(first):]
    if word in ("raised", "thrown", "called", "used", "returned", "invoked", "emitted", "fired", "triggered",
                "created", "generated", "sent") and second in ("when", "if", "by", "on", "to", "for", "after",
                                                               "before", "once", "whenever", "in"):
        return f"`{short}` is {word}{rest}"  # "Raised when ..." / "Called by ..."
    if word in ("a", "an") and len(words) > 2:
        return f"`{short}` is {word}{rest}"
    verb = word[:-1] in _VERBS or word[:-2] in _VERBS or (word.endswith("ies") and word[:-3] + "y" in _VERBS)
    if re.fullmatch(r"[A-Za-z][a-z]+(-[a-z]+)?", first) and word.endswith("s") and not word.endswith("ss") and \
            word not in _NOT_VERBS and (verb or second in _FOLLOWS_VERB):
        return f"`{short}` {word}{rest}"  # "Returns the value." → "`f` returns the value."
    return f"`{short}`: {text}"


# verbs that are nouns as often ("a map of names"): a name starting with one says nothing of what it does
_NOUN_LIKE = frozenset("map list order record report log group hash test sync track mark count display filter "
                       "format output match search request query export import patch dump process lock free "
                       "release input index sort set pass call use print store keep scan push pop".split())


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z")) or verb in ("do", "go", "undo", "veto", "echo"):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def definition_purpose(g: Grounding, own_doc: str | None) -> str | None:
    """The purpose sentence of a documented definition (its documentation's summary said of it), or None."""
    summary = documented(g.doc, own_doc)
    return said_of(g.block.name, summary) if summary and g.block.name else None


def constructor_purpose(g: Grounding) -> str | None:
    """What an undocumented constructor is for, from its class's documentation: "It makes a new
    `cachedproperty`. `cachedproperty` is used similar to ..."; None without one."""
    summary = documented(g.class_doc)
    owner = g.owner or ""
    said = said_of(owner, summary) if owner and summary else None
    return f"It makes a new `{owner}`. {said}" if said else None


def by_name(name: str | None) -> str | None:
    """What a name made of a verb and its object says the block does: `escape_unicode` → "As its name says,
    `escape_unicode` escapes unicode."; None for a name that does not start with a verb (`value`, `Parser`) or
    is the verb alone (`run`)."""
    short = re.split(r"::|\.", name or "")[-1]
    words = [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", short)]
    if len(words) < 2 or words[0] not in _VERBS or words[0] in _NOUN_LIKE - {"set", "use", "call", "store"}:
        return None
    return f"As its name says, `{short}` {_third_person(words[0])} {' '.join(words[1:])}."


def contract(g: Grounding) -> str | None:
    """What an undocumented definition takes, as the documentation's tags say (`@param`, `Args:`) when they
    do: "It takes `name` (the header's name) and `default`."."""
    doc = g.doc
    if doc is None or not doc.params:
        return None
    parts = []
    for name, text in doc.params[:4]:
        said = re.sub(r"\s+", " ", text).strip().rstrip(".")
        parts.append(f"`{name}`" + (f" ({said[0].lower() + said[1:] if said[1:2].islower() else said})"
                                     if said and len(said) <= 80 and "(" not in said else ""))
    out = f"It takes {_join(parts)}"
    if doc.returns:
        said = re.sub(r"\s+", " ", doc.returns).strip().rstrip(".")
        if said and len(said) <= 100:
            out += f" and returns {said[0].lower() + said[1:] if said[1:2].islower() else said}"
    return out + "."


# what the sentences after the purpose already say of a run of statements (describe._flow_facts)
_SAID_LATER = {"call", "return", "raise", "yield"}


def statements_purpose(g: Grounding) -> str:
    """What a run of statements does inside which function: "These 34 lines of `parse` in `m.py` set
    `total`, loop for each `i` in `items` and check `x > 0`." (the calls, returns and raises are said after
    it); "This line is part of `parse` in `m.py`." when it does nothing else."""
    lines = g.block.span.lines
    where = (f" of `{g.inside}`" if g.inside else "") + (f" in `{g.path}`" if g.path else "")
    plural = lines != 1
    subject = f"These {lines} lines" if plural else "This line"
    top_depth = min((a.depth for a in g.flow), default=0)
    doings: list[str] = []
    set_names: list[str] = []  # consecutive assignments are said as one "set `a`, `b` and `c`"
    for a in g.flow:
        if a.depth != top_depth or str(a.kind) in _SAID_LATER:
            continue
        if str(a.kind) == "assign" and a.targets:
            if not set_names:
                doings.append("")  # its place among the others
            set_names += [t for t in a.targets if t not in set_names]
            continue
        if set_names and "" in doings:
            doings[doings.index("")] = f"set{'' if plural else 's'} {_names(set_names, 4)}"
            set_names = []
        doing = _doing(a, plural)
        if doing and doing not in doings:
            doings.append(doing)
    if set_names and "" in doings:
        doings[doings.index("")] = f"set{'' if plural else 's'} {_names(set_names, 4)}"
    doings = [d for d in doings if d]
    if not doings:
        if not g.flow:
            return f"{subject}{where} {'declare' if plural else 'declares'} code only."
        part = f" part of `{g.inside}`" if g.inside else " code"
        return f"{subject} {'are' if plural else 'is'}{part}" + (f" in `{g.path}`" if g.path else "") + "."
    if len(doings) > 4:
        doings = doings[:3] + [f"{'take' if plural else 'takes'} {len(doings) - 3} more steps"]
    return f"{subject}{where} {_join(doings)}." + _inside_purpose(g)


def _inside_purpose(g: Grounding) -> str:
    """" `send` sends a response." — what the function around the statements is for, from its documentation."""
    summary = documented(g.inside_doc)
    said = said_of(g.inside, summary) if g.inside and summary else None
    return f" {said}" if said else ""


def _doing(a, plural: bool) -> str | None:
    """One top-level statement of a run, as a verb phrase, from its fact (calls, returns, raises and yields are
    said after it: _SAID_LATER)."""
    s = "" if plural else "s"
    f = a.fact
    kind = str(a.kind)
    if kind == "assign" and a.targets:
        return f"set{s} {_names(list(a.targets), 3)}"
    if isinstance(f, Loop):
        if f.kind == LoopKind.FOR_EACH:
            return f"loop{s} for each {phrase.code(f.var or '_', 30)} in {phrase.code(f.iterable, 40)}"
        return f"loop{s}"
    if isinstance(f, Branch):
        return f"check{s} {phrase.code(f.arms[0].condition, 60)}"
    if isinstance(f, Switch):
        return f"check{s} {phrase.code(f.subject, 60)}" if f.subject else f"check{s} cases in turn" if f.tagless \
            else f"wait{s} for the first ready case"
    if isinstance(f, Case) and f.labels:
        return f"cover{s} the case {phrase.code(' | '.join(f.labels), 40)}"
    if kind == "try":
        return f"guard{s} against errors"
    if isinstance(f, With) and f.items:
        return f"use{s} {phrase.join([phrase.code(i, 40) for i in f.items])}"
    if isinstance(f, Define) and f.name:
        return f"define{s} {_names([f.name], 3)}"
    if kind == "import":
        return f"import{s} what {'they' if plural else 'it'} use{s}"
    if isinstance(f, Defer) and f.call:
        return f"defer{s} {phrase.code(f.call, 60)}"
    if isinstance(f, Assert) and f.condition:
        return f"assert{s} {phrase.code(f.condition, 60)}"
    return None
