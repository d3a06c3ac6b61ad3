"""Step labels: what a statement does, in two to four words (a verb from the callee, the meaning of a condition)."""

from __future__ import annotations

import re

from blockguide.core.types import Action
from blockguide.core.syntax.quote import _spans
from blockguide.core.syntax.nodes import tail_name
from blockguide.core.syntax.split import split_top_level


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
    return tail_name(name, limit)


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


_split_top = split_top_level  # the name the step builders use


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
