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
    sentence = _short(m.group(1) if m else text, 300)
    if sentence.count("`") % 2:
        sentence = sentence.replace("`", "'")
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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


def _short(text: str, limit: int) -> str:
    """Plain text (never code) on one line, cut at a word with '...' past the limit."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0] if " " in text[: limit - 3] else text[: limit - 3]
    return cut.rstrip(",;:") + "..."


# --- code in backticks: shortened, never cut -----------------------------------------------------------------
_CLOSE = {"(": ")", "[": "]", "{": "}"}


def _tokens(text: str) -> tuple[list[tuple[str, str]], bool]:
    """("text"|"open"|"close"|"str", value) tokens of code, and whether the code ends inside a string."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'" and re.match(r"'[A-Za-z_]\w*(?!['\w])", text[i:]):
            out.append(("text", ch))  # a Rust lifetime or an apostrophe, not a string
            i += 1
            continue
        if ch in "\"'`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return out, True
            out.append(("str", text[i:j + 1]))
            i = j + 1
            continue
        kind = "open" if ch in _CLOSE else "close" if ch in ")]}" else "text"
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + ch)
        else:
            out.append((kind, ch))
        i += 1
    return out, False


def _repair(text: str) -> str | None:
    """Code that was cut (it ends with '...'), made whole again: the unfinished argument is dropped and the
    open brackets are closed around '...'. None when the cut is not inside brackets."""
    body = text[:-3].rstrip() if text.endswith("...") else text
    tokens, in_string = _tokens(body)
    if in_string:
        tokens.append(("str", '"..."'))
    stack: list[int] = []  # indexes of open tokens
    for i, (kind, value) in enumerate(tokens):
        if kind == "open":
            stack.append(i)
        elif kind == "close" and stack:
            stack.pop()
    if not stack:
        return body if in_string and body else None
    inner = stack[-1]
    # the last comma at the innermost open bracket's own level
    depth, last_comma = 0, None
    for i in range(inner + 1, len(tokens)):
        kind, value = tokens[i]
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "text" and depth == 0 and "," in value:
            last_comma = (i, value.rindex(","))
    if last_comma is None:
        kept = tokens[: inner + 1] + [("text", "...")]
    else:
        i, at = last_comma
        kept = tokens[:i] + [("text", tokens[i][1][: at + 1] + " ...")]
    out = "".join(v for _, v in kept)
    for j in reversed(stack):
        out += _CLOSE[tokens[j][1]]
    return out


def _fit(text: str, limit: int = 60, cut: bool = False) -> str | None:
    """Code shortened to the limit without cutting it: `f(a, b, ...)`, `match x {...}`; None if it cannot be."""
    text = re.sub(r"\s+", " ", text).strip()
    if not cut and len(text) <= limit:
        return text
    if cut:
        fixed = _repair(text)
        if fixed is not None and len(fixed) <= limit:
            return fixed
        text = text[:-3] if text.endswith("...") else text
    for end in range(min(len(text), limit - 4), max(limit // 3, 8), -6):
        fixed = _repair(text[:end] + "...")
        if fixed is not None and len(fixed) <= limit and fixed.strip("([{}]) ,.") != "":
            return fixed
    collapsed = _collapse(text)
    return collapsed if collapsed is not None and len(collapsed) <= limit else None


def _collapse(text: str) -> str | None:
    """Every top-level bracket's content as '...': `f(...) -> T`."""
    tokens, in_string = _tokens(text)
    if in_string:
        return None
    out, depth = "", 0
    for kind, value in tokens:
        if kind == "open":
            out += value + ("..." if depth == 0 else "") if depth == 0 else ""
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            out += value if depth == 0 else ""
        elif depth == 0:
            out += value
    return out if depth == 0 else None


def _quote(text: str, limit: int = 60, cut: bool = False) -> str:
    """Code as inline code, shortened whole; when it cannot be, the names it calls or uses in words."""
    text = text.replace("`", "'")
    fitted = _fit(text, limit, cut)
    if fitted is not None:
        return f"`{fitted}`"
    calls = list(dict.fromkeys(re.findall(r"([A-Za-z_][\w.]*(?:::\w+)*!?)\s*\(", text)))
    if calls:
        return "an expression that calls " + _names(calls, 3)
    names = list(dict.fromkeys(n for n in re.findall(r"[A-Za-z_]\w*", text) if len(n) > 1))
    return ("an expression over " + _names(names, 3)) if names else "a long expression"


def _clean(text: str, limit: int = 72) -> str:
    """An outline line with every code span whole: spans the outline cut ('...') are repaired, long ones fit."""
    def one(m: re.Match) -> str:
        span = m.group(1)
        cut = span.endswith("...") and span.strip(".") != ""
        if not cut and len(span) <= limit:
            return m.group(0)
        return _quote(span, limit, cut)
    return re.sub(r"`([^`\n]*)`", one, text)


def _spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]*)`", text)


def _code(text: str, limit: int = 80) -> str:
    return _quote(text.strip(), limit)


# --- labels: what a statement does, in words ------------------------------------------------------------------
_VERBS = set("""
accept acquire add aggregate allocate append apply archive assert assign attach authenticate authorize await
begin bind block build bump cache calculate call cancel capture check choose clean cleanup clear clone close
collect combine commit compare compile compress compute configure confirm connect consume convert copy count
create crop cut decode describe decompress explain summarize decrypt delete deliver deserialize destroy detach detect disable disconnect
dispatch display download drain draw drop dump emit enable encode encrypt end enqueue ensure enter erase escape
evaluate exec execute exit expand expect export extend extract fail fetch fill filter find finish fire fix flatten
flush fold format free freeze gather generate get grow handle hash hide highlight import increment index init
initialize inject insert install invoke join keep kill launch list listen load lock log lookup make map mark
match measure merge migrate mount move mutate normalize notify observe open order pack pad parse patch pause pick
ping place poll pop populate post prepare prepend print process produce publish pull push put query queue raise
read rebuild receive record recover redirect reduce refresh register reject release reload remove rename render
reorder repeat replace report request require reserve reset resize resolve respond restart restore resume retry
return reverse rollback rotate round run sanitize save scale scan schedule search seed seek select send serialize
serve set setup show shuffle shutdown sign skip sleep slice sort spawn split start stop store strip submit
subscribe substitute sum swap sync take tag terminate test throw tick toggle touch trace track transform translate
trim truncate try unlock unpack unregister unsubscribe unwrap update upgrade upload use validate verify visit
wait walk warn watch wrap write yield zip
""".split())
_ALIASES = {"println": "print", "printf": "print", "puts": "print", "eprintln": "print", "eprint": "print",
            "sprintf": "format", "exec": "execute", "del": "delete", "rm": "remove", "unlink": "remove",
            "sub": "substitute", "gsub": "substitute", "init": "initialize", "setup": "set up", "cleanup": "clean up",
            "mkdir": "create", "makedirs": "create", "malloc": "allocate", "calloc": "allocate", "realloc": "resize",
            "new": "create", "recv": "receive", "sendall": "send", "dial": "connect", "info": "log",
            "debug": "log", "warning": "warn", "error": "log", "strcpy": "copy", "memcpy": "copy", "memset": "fill",
            "strcmp": "compare", "dumps": "serialize", "loads": "parse", "to": "convert to", "from": "build from",
            "incr": "increment", "inc": "increment", "decr": "decrement", "dec": "decrement", "calc": "calculate",
            "gen": "generate", "eval": "evaluate", "str": "format"}
_PRINTS = {"print", "println", "printf", "puts", "console.log", "fmt.Println", "fmt.Printf", "fmt.Print",
           "System.out.println", "System.out.print", "System.out.printf", "println!", "print!", "eprintln!",
           "console.error", "console.warn", "console.info"}
_ERROR_NAMES = {"err", "error", "e", "ex", "exc", "ioErr"}
_NONE = r"(None|null|nil|NULL|undefined|nullptr)"


def _tail(name: str, limit: int = 28) -> str:
    """A long dotted name shortened from the left, whole parts only: `a.b.c.d` → `c.d` (never cut)."""
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) <= limit:
        return name
    parts = re.split(r"(\.|::)", name)
    out = parts[-1]
    i = len(parts) - 2
    while i > 0 and len(parts[i - 1] + parts[i] + out) <= limit:
        out = parts[i - 1] + parts[i] + out
        i -= 2
    return out


def _words(name: str) -> list[str]:
    name = name.removeprefix("new ").strip("_!").split("::")[-1].split(".")[-1]
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[_\s]+", name) if w]


def _verb(word: str) -> str | None:
    if word in _ALIASES:
        return _ALIASES[word]
    return word if word in _VERBS else None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _simple(text: str, limit: int = 24) -> bool:
    """Short enough and plain enough to stand in a label: a name, an attribute, a literal."""
    text = text.strip()
    return 0 < len(text) <= limit and bool(re.fullmatch(r"[\w.:\[\]'\"$&*-]+|\"[^\"]{0,14}\"|'[^']{0,14}'", text))


def _args(code: str, name: str) -> list[str]:
    """The top-level arguments of the call to `name` in code (best effort: [] when it cannot tell)."""
    at = code.find(name.removeprefix("new ") + "(")
    if at < 0:
        return []
    start = at + len(name.removeprefix("new ")) + 1
    depth, args, cur = 0, [], ""
    for ch in code[start:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args


def _receiver(callee: str) -> str | None:
    callee = callee.removeprefix("new ")
    parts = re.split(r"\.|::", callee)
    if len(parts) < 2:
        return None
    recv = parts[-2]
    return None if recv in ("self", "this", "super", "") or not _simple(recv, 20) else recv


def _call_label(callee: str, code: str, io: tuple[str, ...], language: str) -> str:
    """`session.send(...)` → "Send request", `open(p).write(s)` → "Write file", `items.add(x)` → "Add `x`"."""
    bare = callee.removeprefix("new ").rstrip("!")
    words = _words(bare) or ["value"]
    if any(re.search(r"\d", w) or len(w) == 1 for w in words[1:]):
        words = words[:1]  # `putUInt64`: the verb, then what it acts on
    if bare in _PRINTS or callee in _PRINTS:
        args = _args(code, bare)
        return f"Print `{args[0]}`" if args and _simple(args[0]) else "Print output"
    kinds = {i.split(":", 1)[0] for i in io}
    verb = _verb(words[0])
    if "network" in kinds:
        if words[0] in ("get", "post", "put", "patch", "delete", "head"):
            return f"Send {words[0].upper()} request"
        if words[0] in ("connect", "dial", "create") or "session" in words or "client" in words:
            return "Open connection"
        if words[0] in ("recv", "receive", "read", "accept"):
            return "Receive data"
        if words[0] in ("listen", "serve", "bind") or "listen" in words:
            return "Start server"
        return f"{_cap(verb)} request" if verb and verb != "send" else "Send request"
    if "file" in kinds:
        w = words[0].lstrip("f") if words[0] in ("fopen", "fread", "fwrite", "fclose", "fgets", "fputs", "fprintf",
                                                 "fscanf", "fflush") else words[0]
        if w in ("open", "create", "openfile") or bare in ("open", "File::open"):
            return "Open file"
        if w.startswith("read") or w in ("gets", "scanf", "getline", "load"):
            return "Read file"
        if w.startswith("write") or w in ("puts", "printf", "dump", "append", "save", "flush"):
            return "Write file"
        if w in ("close",):
            return "Close file"
        if w in ("remove", "unlink", "rmtree", "rmdir", "removeall"):
            return "Remove file"
        if w in ("mkdir", "makedirs", "mkdirall"):
            return "Create directory"
        if w in ("glob", "rglob", "iterdir", "listdir", "readdir", "scandir", "walk"):
            return "List files"
        return f"{_cap(verb)} file" if verb else "Access file"
    last = re.split(r"\.|::", bare)[-1]
    constructor = callee.startswith("new ") or words[0] == "new" or (
        language in ("python", "javascript", "typescript", "tsx", "java", "cpp") and last[:1].isupper()
        and not last.isupper())
    if constructor:
        kind = " ".join(words[1:]) if words[0] == "new" and len(words) > 1 else None
        return f"Create {kind}" if kind else f"Create `{_tail(last, 28)}`" if words[0] != "new" else "Create value"
    if verb:
        rest = " ".join(words[1:3])
        if rest:
            return _cap(f"{verb} {rest}")
        verb = "execute" if verb == "run" else verb
        args = _args(code, bare)
        if args and _simple(args[0]):
            return _cap(f"{verb} `{args[0]}`")
        recv = _receiver(callee)
        if recv:
            return _cap(f"{verb} `{recv}`")
        return _cap(verb) if " " in verb else f"Call `{_tail(bare, 28)}`"
    return f"Call `{_tail(bare, 28)}`"


def _split_top(text: str, seps: tuple[str, ...]) -> list[str]:
    """text split at the separators that are not inside brackets or strings."""
    parts, depth, cur, i, quote = [], 0, "", 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            i += 1
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if depth == 0:
            sep = next((s for s in seps if text.startswith(s, i)), None)
            if sep:
                parts.append(cur.strip())
                cur = ""
                i += len(sep)
                continue
        cur += ch
        i += 1
    parts.append(cur.strip())
    return [p for p in parts if p]


def _cond_label(cond: str, context: dict | None = None) -> str:
    """A condition's meaning as a label: `not items` → "Handle empty `items`", `len(x) == 2` → "Check `x` length"."""
    c = re.sub(r"\s+", " ", cond).strip()
    while c.startswith("(") and c.endswith(")") and c.count("(") == c.count(")"):
        c = c[1:-1].strip()
    parts = _split_top(c, (" and ", " or ", " && ", " || "))
    if len(parts) > 1:
        c = parts[0]
    m = re.fullmatch(r"(?:not\s+|!\s*)(.+)", c)
    if m and not c.startswith("!="):
        inner = m.group(1).strip("() ")
        if _simple(inner):
            return f"Handle empty `{inner}`" if c.startswith("not") else f"Handle missing `{inner}`"
        call = re.match(r"([\w.:]+)\((.*)\)$", inner)
        if call:
            args = _split_top(call.group(2), (",",))
            subj = args[0] if args and _simple(args[0]) else _receiver(call.group(1))
            return f"Handle missing `{subj}`" if subj else f"Check `{_tail(call.group(1), 24)}` fails"
    m = re.fullmatch(r"(.+?)\s*(?:is not|!==|!=)\s*" + _NONE, c)
    if m:
        subj = m.group(1).strip()
        if subj in _ERROR_NAMES:
            source = (context or {}).get("error_source")
            return f"Handle `{source}` error" if source else "Handle error"
        return f"Check `{subj}` is set" if _simple(subj) else "Check value is set"
    m = re.fullmatch(r"(.+?)\s*(?:is|===|==)\s*" + _NONE, c) or re.fullmatch(r"(.+?)\.is_none\(\)", c)
    if m:
        subj = m.group(1).strip()
        return f"Handle missing `{subj}`" if _simple(subj) else "Handle missing value"
    m = re.fullmatch(r"isinstance\((.+?),\s*(.+)\)", c) or re.fullmatch(r"(.+?) instanceof (.+)", c)
    if m:
        subj, kind = m.group(1).strip(), m.group(2).strip()
        if _simple(subj) and _simple(kind, 16):
            return f"Check `{subj}` is `{kind}`"
        return f"Check `{subj}` type" if _simple(subj) else "Check value type"
    m = re.fullmatch(r"(?:len\((.+?)\)|(.+?)\.(?:length|len\(\)|size\(\)|count\(\)|Count|Length))\s*"
                     r"(==|!=|<=|>=|<|>)\s*(.+)", c)
    if m:
        subj = (m.group(1) or m.group(2)).strip()
        if m.group(3) in ("==", "<=") and m.group(4).strip() == "0":
            return f"Handle empty `{subj}`" if _simple(subj) else "Handle empty input"
        return f"Check `{subj}` length" if _simple(subj) else "Check length"
    m = re.fullmatch(r"(.+?)\s+(not in|in)\s+(.+)", c)
    if m and not c.startswith(("let ", "for ")):
        a, b = m.group(1).strip(), m.group(3).strip()
        if _simple(a, 16) and _simple(b, 16):
            return f"Check `{a}` {m.group(2)} `{b}`"
        return f"Check `{b}` contents" if _simple(b) else "Check membership"
    m = re.fullmatch(r"(.+?)\s*(===|!==|==|!=|<=|>=|<|>)\s*(.+)", c)
    if m and not c.startswith("let "):
        a, op, b = m.group(1).strip(), m.group(2), m.group(3).strip()
        if b in ('""', "''") and op in ("==", "==="):
            return f"Handle empty `{a}`" if _simple(a) else "Handle empty value"
        words = {"==": "is", "===": "is", "!=": "against", "!==": "against", "<": "below", "<=": "at most",
                 ">": "above", ">=": "at least"}[op]
        if _simple(a, 20) and _simple(b, 16):
            return f"Check `{a}` {words} `{b}`"
        if _simple(a, 20):
            return f"Compare `{a}`"
        call = re.match(r"([\w.:]+)\(", a)
        return f"Check `{_tail(call.group(1), 24)}` result" if call else "Compare values"
    m = re.fullmatch(r"let (?:Some|Ok)\((.+?)\) = (.+)", c)
    if m:
        value = m.group(2).strip()
        call = re.match(r"([\w.:]+)\(", value)
        return f"Unpack `{value}`" if _simple(value) else f"Unpack `{_tail(call.group(1), 24)}` result" if call \
            else "Unpack value"
    if c.startswith("let "):
        return "Match pattern"
    call = re.fullmatch(r"([\w.:]+)\((.*)\)", c)
    if call:
        name = call.group(1)
        words = _words(name)
        args = _split_top(call.group(2), (",",))
        subj = _receiver(name) or (args[0] if args and _simple(args[0]) else None)
        pred = " ".join(w for w in words[:3] if not re.search(r"\d", w))
        pred = {"startswith": "prefix", "starts with": "prefix", "endswith": "suffix", "ends with": "suffix"}.get(
            pred, pred)
        if subj and words and words[0] in ("is", "has", "can", "should", "exists", "contains", "starts", "ends",
                                           "startswith", "endswith", "matches", "equals", "empty", "ok", "valid"):
            return f"Check `{subj}` {pred}"
        return f"Check `{_tail(name, 24)}` result"
    if _simple(c):
        return f"Check `{c}` is set"
    first = re.search(r"[A-Za-z_][\w.]*", c)
    return f"Check `{first.group(0)}` condition" if first else "Check condition"


def _first_span(text: str) -> str:
    m = re.search(r"`([^`]*)`", text)
    return m.group(1) if m else ""


def _label(action: Action, context: dict | None = None) -> str:
    k = action.kind
    first = _first_span(action.text)
    main = _main_name(action)
    lang = (context or {}).get("language", "")
    if k in ("branch", "else"):
        if action.text.startswith("else (") or action.text.rstrip(":") == "else":
            return "Handle other cases" if action.text.rstrip(":") == "else" else "Run when no error"
        return _cond_label(first, context)
    io_call = next((c for c in action.calls if any(i.endswith(": " + c) for i in action.io)), None)
    if io_call and not (main and _words(main) and re.match(r"(read|write|close|send|recv|receive|get|post|put|"
                                                            r"delete|fetch|flush|print|dump|load)", _words(main)[0])):
        main = io_call
    if k == "assign":
        targets = action.targets or tuple(re.findall(r"[A-Za-z_]\w*", first)[:1])
        value_text = _spans(action.text)[-1] if len(_spans(action.text)) > 1 else ""
        loop_vars = set(re.findall(r"\bfor\s+\(?([A-Za-z_]\w*)", value_text))
        targets = tuple(t for t in targets if t not in loop_vars) or targets
        names = " and ".join(f"`{_tail(t, 24)}`" for t in targets[:2]) or "value"
        if action.text.startswith("increments"):
            return f"Increment {names}"
        if action.text.startswith("decrements"):
            return f"Decrement {names}"
        if action.text.startswith("updates"):
            op = _spans(action.text)[-1] if _spans(action.text) else ""
            if re.fullmatch(r"\+= 1|-= 1", op):
                return f"{'Increment' if op.startswith('+') else 'Decrement'} {names}"
            word = {"+": "Add to", "-": "Subtract from", "*": "Multiply", "/": "Divide", "|": "Merge into",
                    "&": "Mask"}.get(op[:1], "Update")
            return f"{word} {names}"
        if action.text.startswith("declares"):
            return f"Declare {names}"
        if action.text.startswith("field"):
            return f"Declare {names}"
        value = _spans(action.text)[-1] if len(_spans(action.text)) > 1 else ""
        if main:
            call = _call_label(main, value, action.io, lang)
            if action.io or call.startswith("Create"):
                return call if action.io else f"Create {names}"
            words = _words(main)
            verb = _verb(words[0]) if words else None
            verb = "create" if lang == "go" and main == "make" else verb
            if verb and verb not in ("print", "return", "run", "call", "execute", "invoke", "use"):
                return _cap(f"{verb} {names}")
            return f"Compute {names}"
        if re.fullmatch(r"""[-+]?\d[\w.]*|["'].*["']|\[\]|\{\}|\(\)|true|false|True|False|""" + _NONE, value.strip()):
            return f"Initialize {names}"
        return f"Compute {names}"
    if k == "call":
        if main:
            label = _call_label(main, first, action.io, lang)
            return ("Await " + label[0].lower() + label[1:]) if action.awaits and label.startswith("Call") else label
        return f"Evaluate `{_tail(first, 24)}`" if _simple(first) else "Evaluate expression"
    if k == "return":
        value = first
        if not value:
            return "Return to caller" if (context or {}).get("last") else "Return early"
        if _simple(value, 28) or (len(value) <= 20 and "(" not in value):
            return f"Return `{value}`"
        if main and re.search(r"(errorf|errors\.new|^err$|error$|exception$)", main, re.IGNORECASE):
            return "Return error"
        if main in ("Ok", "Some"):
            return "Return success" if main == "Ok" else "Return found value"
        if main:
            return f"Return `{_tail(main, 28)}` result"
        return "Return computed value"
    if k == "raise":
        what = main or re.split(r"[(\s]", first)[0]
        verb = "Raise" if "raises" in action.text else "Throw"
        return f"{verb} `{_tail(what, 28)}`" if what and _simple(what, 40) else f"{verb} error"
    if k == "loop":
        spans = _spans(action.text)
        if "for each" in action.text and spans:
            return f"Loop over `{spans[-1]}`" if _simple(spans[-1]) else "Loop over items"
        if spans and action.text.startswith(("while", "loops while", "do")):
            return f"Repeat while `{spans[0]}`" if _simple(spans[0]) else "Repeat until done"
        return "Repeat until done"
    if k == "with":
        if main:
            label = _call_label(main, first, action.io, lang)
            if label.startswith(("Open", "Read", "Write", "Create")):
                return label
            return f"Enter `{_tail(main, 28)}` context"
        return "Enter context"
    if k == "except":
        return f"Catch `{first}`" if _simple(first, 30) else "Catch errors"
    if k == "finally":
        return "Clean up"
    if k == "yield":
        return f"Yield `{first}`" if _simple(first) else "Yield value"
    if k == "switch":
        word = "Match" if action.text.startswith("match") else "Switch on"
        if not first:
            return "Wait for ready case" if lang == "go" else "Switch on value"
        return f"{word} `{first}`" if _simple(first, 28) else f"{word} value"
    if k == "defer":
        if action.text.startswith("starts a goroutine"):
            return f"Start `{_tail(main, 24)}` goroutine" if main else "Start goroutine"
        return f"Defer `{_tail(main, 28)}`" if main else "Defer call"
    if k == "define":
        name = action.targets[0] if action.targets else ""
        return f"Define `{name}`" if name else "Define function"
    if k == "class":
        return "Extend base class"
    if k == "check":
        return f"Assert `{first}`" if _simple(first, 24) else "Assert condition"
    if k == "import":
        return "Import names"
    if k == "jump":
        return {"c": "Continue loop", "l": "Leave switch"}.get(action.text[:1], "Break loop")
    if k == "case":
        return "Handle case"
    if main:
        return _call_label(main, first, action.io, lang)
    return f"Evaluate `{first}`" if _simple(first) else "Evaluate expression"


def _main_name(action: Action) -> str | None:
    if action.calls:
        return action.calls[-1]
    return None


# --- steps ----------------------------------------------------------------------------------------------------
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
        result.append(Step(label, s.detail))
    return result


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


class _Unit:
    """Top-level statements that become one step: `kind` says how they read."""

    def __init__(self, kind: str, groups: list[tuple[Action, list[Action]]], chain: int = -1) -> None:
        self.kind, self.groups, self.chain = kind, groups, chain


def _is_more(a: Action) -> bool:
    return a.text.startswith("... and ")


def _plain_else(a: Action) -> bool:
    return a.kind == "else" and a.text.rstrip(":") == "else"


def _arm_of_chain(a: Action) -> bool:
    return a.kind == "else" and (a.text.startswith(("elif ", "else if ")) or _plain_else(a))


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
        if a.kind == "assign" and not a.calls and not kids and not _is_more(a):
            values.append((a, kids))
            i += 1
            continue
        flush()
        if _is_more(a):
            units.append(_Unit("more", [(a, kids)]))
        elif a.kind == "branch":
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
    if len(units) > MAX_STEPS:
        rest = [grp for u in units[MAX_STEPS - 1:] for grp in u.groups]
        units = units[: MAX_STEPS - 1] + [_Unit("tail", rest)]
    elif units and units[-1].kind == "more" and len(units) > 1 and units[-2].kind in ("run", "values", "one") \
            and all(not kids for _, kids in units[-2].groups):
        units = units[:-2] + [_Unit("tail", units[-2].groups + units[-1].groups)]
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
            out.append(Step("Set up values", _sentence("It " + _merge_clauses([_clause(a) for a, _ in u.groups]))))
        elif u.kind == "arm":
            out.append(_arm_step(u.groups, ctx))
        elif u.kind == "chain":
            out.append(_chain_step(u.groups, ctx))
        else:  # run, tail, more
            out.append(_run_step(u.groups, ctx, then=u.kind != "run"))
        prev = u.groups[-1][0]
    return out


def _error_source(prev: Action | None) -> str | None:
    """The call whose error a following `if err != nil` checks."""
    if prev is None or not prev.calls or not (set(prev.targets) & _ERROR_NAMES):
        return None
    return _short(prev.calls[-1], 28)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ":", "?", "!")) else text + "."


# --- what a step says -----------------------------------------------------------------------------------------
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


# --- classes --------------------------------------------------------------------------------------------------
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


def _summary_words(summary: str) -> str:
    """`sets `a`; calls `b`, `c`; returns `d`` → `sets `a`, calls `b` and `c`, and returns `d``."""
    parts = []
    for part in summary.split("; "):
        part = _clean(part)
        m = re.match(r"(sets|calls|raises|throws) (.+)", part)
        if m:
            items = re.findall(r"`[^`]*`", m.group(2))
            part = f"{m.group(1)} {_join(items)}" if items else part
        parts.append(part)
    if len(parts) > 2:
        return ", ".join(parts[:-1]) + ", and " + parts[-1]
    return " and ".join(parts)


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
        if a.kind != "define":
            continue
        name = a.targets[0] if a.targets else "member"
        sig = _first_span(a.text)
        if not a.text.startswith("method"):
            methods.append(Step(f"Define `{name}`", _sentence(_cap(_clean(a.text)))))
            continue
        if _private(g, a, name):
            private.append(name)
            continue
        summary = a.text.split("`: ", 1)[1] if "`: " in a.text else ""
        params = sig[len(name):] if sig.startswith(name) else ""
        shown = _quote(sig or name, 60, sig.endswith("..."))
        detail = shown + (f" {_summary_words(summary)}" if summary else " is defined here")
        methods.append(Step(_method_label(name, g, params.strip("()")), _sentence(detail)))
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
