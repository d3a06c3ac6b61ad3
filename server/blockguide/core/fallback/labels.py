"""Step labels: what a statement does, in two to four words (a verb from the callee, the meaning of a condition)."""

from __future__ import annotations

import re

from blockguide.core import facts as F
from blockguide.core.phrase import is_string
from blockguide.core.types import Action
from blockguide.core.syntax.nodes import tail_name
from blockguide.core.syntax.split import closing_bracket, split_top_level


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
    return 0 < len(text) <= limit and bool(re.fullmatch(r"([\w.:\[\]'\"$&*-]|->)+|\"[^\"]{0,14}\"|'[^']{0,14}'", text))


def _args(code: str, name: str) -> list[str]:
    """The top-level arguments of the call to `name` in code (best effort: [] when it cannot tell)."""
    at = code.find(name.removeprefix("new ") + "(")
    if at < 0:
        return []
    start = at + len(name.removeprefix("new ")) + 1
    end = closing_bracket(code, start)
    return split_top_level(code[start:end if end is not None else len(code)])


def _receiver(callee: str) -> str | None:
    callee = callee.removeprefix("new ")
    parts = re.split(r"\.|::", callee)
    if len(parts) < 2:
        return None
    recv = parts[-2]
    return None if recv in ("self", "this", "super", "") or not _simple(recv, 20) else recv


def _call_label(callee: str, code: str, kinds: frozenset[F.IOKind], language: str) -> str:
    """`session.send(...)` → "Send request", `open(p).write(s)` → "Write file", `items.add(x)` → "Add `x`"."""
    bare = callee.removeprefix("new ").rstrip("!")
    if bare in ("super", "__init__", "base") and re.match(r"\s*(super|base)\b", code):  # the parent's constructor
        return "Initialize base class"
    words = _words(bare) or ["value"]
    if any(re.search(r"\d", w) or len(w) == 1 for w in words[1:]):
        words = words[:1]  # `putUInt64`: the verb, then what it acts on
    if bare in _PRINTS or callee in _PRINTS:
        args = _args(code, bare)
        return f"Print `{args[0]}`" if args and _simple(args[0]) else "Print output"
    verb = _verb(words[0])
    if F.IOKind.NETWORK in kinds:
        if words[0] in ("get", "post", "put", "patch", "delete", "head"):
            return f"Send {words[0].upper()} request"
        if words[0] in ("connect", "dial", "create") or "session" in words or "client" in words:
            return "Open connection"
        if words[0] in ("recv", "receive", "read", "accept"):
            return "Receive data"
        if words[0] in ("listen", "serve", "bind") or "listen" in words:
            return "Start server"
        return f"{_cap(verb)} request" if verb and verb != "send" else "Send request"
    if F.IOKind.FILE in kinds:
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
    m = re.fullmatch(r"(!\s*)?defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?", c)  # the C preprocessor's `defined(NAME)`
    if m:
        return f"Check `{m.group(2)}` is {'not ' if m.group(1) else ''}defined"
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
    m = re.fullmatch(r"(.+?)\s*(===|!==|==|!=|<=|>=|<|(?<![-=])>)\s*(.+)", c)  # `->`, `=>` are no comparison
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




def _label(action: Action, context: dict | None = None) -> str:
    """A statement's label, from its fact (the few outline lines without one: a class's bases, an else/finally
    of a try)."""
    if action.kind == "finally":
        return "Clean up"
    if action.kind == "else" and not isinstance(action.fact, F.Arm):  # a try's `else`, a loop's `else`
        return "Run when no error" if isinstance(action.fact, F.Try) else "Run when the loop completes"
    if action.fact is not None:
        return label(action.fact, context)
    if action.kind == "class":
        return "Extend base class"
    if action.kind == "finally":
        return "Clean up"
    return "Run when no error" if action.kind == "else" else "Handle other cases"


def _main_call(f: F.Fact, calls: tuple[F.CallRef, ...] | None = None) -> tuple[str | None, frozenset[F.IOKind]]:
    """The call a statement is about (an I/O call when there is one and the last call is not a read or write
    verb), and the kinds of I/O its calls do, for `_call_label`."""
    calls = f.calls if calls is None else calls
    if not calls:
        return None, frozenset()
    main = calls[-1].callee
    io_call = next((c.callee for c in calls if c.io), None)
    words = _words(main)
    if io_call and not (words and re.match(r"(read|write|close|send|recv|receive|get|post|put|delete|fetch|flush|"
                                           r"print|dump|load)", words[0])):
        main = io_call
    return main, frozenset(c.io for c in calls if c.io)


def _targets_text(targets: tuple[str, ...]) -> str:
    return " and ".join(f"`{_tail(t, 24)}`" for t in targets[:2]) or "value"


_LITERAL = re.compile(r"""[-+]?\d[\w.]*|["'].*["']|\[\]|\{\}|\(\)|true|false|True|False|""" + _NONE)


def _assign_label(f: F.Assign, lang: str) -> str:
    names = _targets_text(f.targets)
    op = f.op
    number = (f.value or "").strip()
    if op == F.Op.INC or (op == F.Op.ADD and number == "1"):
        return f"Increment {names}"
    if op == F.Op.DEC or (op == F.Op.SUB and number == "1"):
        return f"Decrement {names}"
    words = {F.Op.ADD: "Append to" if is_string(f.value) else "Add to", F.Op.SUB: "Subtract from",
             F.Op.MUL: "Double" if number == "2" else "Multiply", F.Op.DIV: "Halve" if number == "2" else "Divide",
             F.Op.FLOOR_DIV: "Divide", F.Op.MOD: "Reduce", F.Op.POW: "Raise", F.Op.BIT_OR: "Set bits in",
             F.Op.BIT_AND: "Mask", F.Op.BIT_XOR: "Flip bits in", F.Op.SHL: "Shift", F.Op.SHR: "Shift",
             F.Op.NULLISH: "Default", F.Op.OR: "Default", F.Op.AND: "Update", F.Op.DECLARE: "Declare"}
    if op in words:
        return f"{words[op]} {names}"
    main, io = _main_call(f)
    if main:
        call = _call_label(main, f.value or "", io, lang)
        if io or call.startswith("Create"):
            return call if io else f"Create {names}"
        w = _words(main)
        verb = _verb(w[0]) if w else None
        verb = "create" if lang == "go" and main == "make" else verb
        if verb and verb not in ("print", "return", "run", "call", "execute", "invoke", "use"):
            return _cap(f"{verb} {names}")
        return f"Compute {names}"
    if f.value is not None and _LITERAL.fullmatch(f.value.strip()):
        return f"Initialize {names}"
    if f.value is None:
        return f"Declare {names}"
    return f"Compute {names}" if not f.destructured else f"Unpack into {names}"


def _loop_label(f: F.Loop, context: dict | None, lang: str) -> str:
    if f.kind == F.LoopKind.FOR_EACH:
        if f.iterable and _simple(f.iterable):
            return f"Loop over `{f.iterable}`"
        call = re.match(r"([\w.:]+)\(", f.iterable or "")
        if call and _words(call.group(1)) and _words(call.group(1))[0] in ("range", "enumerate", "zip", "items",
                                                                           "keys", "values", "iter", "reversed"):
            args = _split_top(call.group(0)[len(call.group(1)) + 1:] + (f.iterable or "")[call.end():-1], (",",))
            inner = next((a.strip() for a in args if _simple(a.strip())), None)
            if inner:
                return f"Loop over `{inner}`"
        names = [v.strip() for v in (f.var or "").strip("()[]").split(",") if _simple(v.strip())]
        if names and names[-1] != "_":  # `for i, x := range ...`: the value, not the index
            return f"Visit each `{names[-1]}`"
        return f"Loop over `{_tail(call.group(1), 24)}` result" if call else "Loop over items"
    if f.kind == F.LoopKind.ENDLESS:
        body_calls = [c for s in F.walk(f.body) for c in s.calls]
        main, io = _main_call(f, tuple(body_calls[:1]))
        verb = _call_label(main, "", io, lang).split(" ")[0] if main else "Repeat"
        verb = verb if verb not in ("Call", "Create", "Evaluate") else "Repeat"
        until = next((e.when[-1] for e in f.exits if e.when and (_simple(e.when[-1], 24) or (
            len(e.when[-1]) <= 24 and "(" not in e.when[-1]))), None)
        if until:
            return f"{verb} until `{until}`"
        exits = {type(e.fact) for e in f.exits}
        if F.Return in exits:
            return f"{verb} until a result"
        if F.Raise in exits:
            return f"{verb} until an error"
        return f"{verb} until stopped" if exits else f"{verb} forever"
    cond = f.condition or ""
    if f.kind == F.LoopKind.C_FOR and f.var:
        m = re.fullmatch(re.escape(f.var) + r"\s*(<=|<|>=|>|!=)\s*(.+)", cond)
        if m and _simple(m.group(2).strip(), 20):
            return f"Count `{f.var}` {'up' if m.group(1) in ('<', '<=', '!=') else 'down'} to `{m.group(2).strip()}`"
        return f"Step through `{f.var}`"
    if _simple(cond, 28):
        return f"Repeat while `{cond}`"
    meaning = _cond_label(cond, context)
    if meaning.startswith("Check "):
        return "Repeat while " + meaning.removeprefix("Check ")
    if meaning.startswith("Handle "):
        return "Repeat unless " + meaning.removeprefix("Handle ")
    subject = re.search(r"[A-Za-z_][\w.]*(?:->\w+)*", cond)
    return f"Repeat while `{_tail(subject.group(0), 24)}` holds" if subject else "Repeat while condition holds"


def label(f: F.Fact, context: dict | None = None) -> str:
    """What one statement does, in two to four words: a verb from the callee, the variable set, the meaning
    of a condition; never a label that would fit any statement."""
    lang = (context or {}).get("language", "")
    main, io = _main_call(f)
    if isinstance(f, F.Branch):
        return label(f.arms[0], context)
    if isinstance(f, F.Arm):
        return _cond_label(f.condition, context) if f.condition is not None else "Handle other cases"
    if isinstance(f, F.Assign):
        return _assign_label(f, lang)
    if isinstance(f, F.Call):
        if f.callee in ("super", "this"):
            return "Call parent constructor" if f.callee == "super" else "Call other constructor"
        if main:
            text = _call_label(main, f.code, io, lang)
            return ("Await " + text[0].lower() + text[1:]) if f.awaited and text.startswith("Call") else text
        return f"Evaluate `{_tail(f.code, 24)}`" if _simple(f.code) else "Evaluate expression"
    if isinstance(f, F.Return):
        value = f.value or ""
        if not value:
            return "Return to caller" if (context or {}).get("last") else "Return early"
        if _simple(value, 28) or (len(value) <= 24 and not re.search(r"\w\s*\(|\n", value)):
            return f"Return `{value}`"  # a name, a literal, `(int)n`, `a + b`
        if main and re.search(r"(errorf|errors\.new|^err$|error$|exception$)", main, re.IGNORECASE):
            return "Return error"
        if main in ("Ok", "Some"):
            return "Return success" if main == "Ok" else "Return found value"
        if main:
            return f"Return `{_tail(main, 28)}` result"
        return "Return computed value"
    if isinstance(f, F.Raise):
        verb = "Throw" if f.code.lstrip().startswith("throw") else "Raise"
        if f.value is None:
            return f"Re-{verb.lower()} error"
        what = main or re.split(r"[(\s]", f.value.removeprefix("new "))[0]
        return f"{verb} `{_tail(what, 28)}`" if what and _simple(what, 40) else f"{verb} error"
    if isinstance(f, F.Loop):
        return _loop_label(f, context, lang)
    if isinstance(f, F.With) or (isinstance(f, F.Try) and f.resources):
        if main:
            text = _call_label(main, f.code, io, lang)
            if text.startswith(("Open", "Read", "Write", "Create")):
                return text
            return f"Enter `{_tail(main, 28)}` context"
        return "Enter context"
    if isinstance(f, F.Try):
        return "Try statements"
    if isinstance(f, F.Handler):
        return f"Catch `{f.exceptions}`" if f.exceptions and _simple(f.exceptions, 30) else "Catch errors"
    if isinstance(f, F.Yield):
        return f"Yield `{f.value}`" if f.value and _simple(f.value) else "Yield value"
    if isinstance(f, F.Switch):
        word = "Match" if f.is_match else "Switch on"
        if not f.subject:
            first = next((c.labels[0] for c in f.cases if c.labels), None)
            if f.tagless and first:  # Go's `switch { case cond: }`: what its first condition checks
                return _cond_label(first, context)
            return "Wait for ready case" if lang == "go" else "Switch on value"
        return f"{word} `{f.subject}`" if _simple(f.subject, 28) else f"{word} `{_tail(main, 24)}` result" \
            if main else f"{word} value"
    if isinstance(f, F.Case):
        return f"Handle `{f.labels[0]}`" if f.labels and _simple(f.labels[0]) else "Handle default case"
    if isinstance(f, F.Defer):
        if f.kind == F.DeferKind.GO:
            return f"Start `{_tail(main, 24)}` goroutine" if main else "Start goroutine"
        return f"Defer `{_tail(main, 28)}`" if main else "Defer call"
    if isinstance(f, F.Define):
        return f"Define `{f.name}`" if f.name else "Define function"
    if isinstance(f, F.Assert):
        if _simple(f.condition, 24):
            return f"Assert `{f.condition}`"
        meaning = _cond_label(f.condition, context)
        return "Assert " + meaning.removeprefix("Check ") if meaning.startswith("Check ") else "Assert condition"
    if isinstance(f, F.Import):
        return "Import names"
    if isinstance(f, F.Delete):
        return f"Delete `{f.targets[0]}`" if len(f.targets) == 1 and _simple(f.targets[0]) else "Delete entries"
    if isinstance(f, F.Jump):
        return {F.JumpKind.CONTINUE: "Continue loop", F.JumpKind.GOTO: "Jump to label"}.get(
            f.kind, "Leave switch" if f.leaves_switch else "Break loop")
    if main:
        return _call_label(main, f.code, io, lang)
    text = f.code.rstrip(";")
    return f"Evaluate `{text}`" if _simple(text) else "Evaluate expression"
