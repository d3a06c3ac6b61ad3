"""Flawed answers made from a correct one by rules: one planted error each, in one field, with its kind.

Each rule writes a false claim of a kind models make into one field of the hand-written answer and nothing
else; a rule that cannot honestly apply to a case (the behaviour it would claim is in the code, the block has
no call to change) plants nothing for that case. The choices depend only on the case (a stable hash of its id),
so every run plants the same errors.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass

KINDS = ("invented parameter", "wrong return", "absent behaviour", "version or platform", "wrong exception",
         "wrong import", "wrong arguments", "vague words")


@dataclass
class Flaw:
    kind: str
    field: str  # "description", "steps[N].sentence", "example"
    said: str  # the false text planted
    answer: dict


def _pick(case_id: str, salt: str, options: list) -> object:
    return options[int(hashlib.sha256((case_id + salt).encode()).hexdigest(), 16) % len(options)]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"([a-z])([A-Z])", r"\1 \2", text))}


# (stem the code must not show, the claim) — behaviours a block commits to
BEHAVIOURS = [
    ("cach", "It caches each result, so a second call with the same input is answered from memory."),
    ("encrypt", "It encrypts the value before it hands it back."),
    ("retr", "It retries the operation up to three times when it fails."),
    ("lock", "It takes a lock first, so concurrent callers never interleave."),
    ("sort", "It sorts the entries before it returns them."),
    ("log", "It logs every call at debug level."),
    ("compress", "It compresses the data with gzip first."),
]
ASYNC = {"python": "It runs in a background thread and must be awaited.",
         "javascript": "It works asynchronously and returns a Promise.",
         "typescript": "It works asynchronously and returns a Promise.",
         "go": "It runs in its own goroutine and reports back on a channel.",
         "rust": "It is async and must be awaited inside a Tokio runtime.",
         "java": "It runs asynchronously on a thread pool and returns a CompletableFuture.",
         "c": "It runs asynchronously on a worker thread.",
         "cpp": "It runs asynchronously on a worker thread and returns a std::future."}
VERSIONS = {"python": ["It requires Python 3.12 or newer.", "It only works on Linux."],
            "javascript": ["It requires Node.js 20 or newer.", "It only works in browsers, not in Node.js."],
            "typescript": ["It requires TypeScript 5.4 or newer.", "It only works in browsers, not in Node.js."],
            "go": ["It requires Go 1.22 or newer.", "It only works on Linux."],
            "rust": ["It requires Rust 1.75 or newer.", "It only works on Unix platforms."],
            "java": ["It requires Java 21 or newer.", "It only works on Windows."],
            "c": ["It requires a C23 compiler.", "It only works on Linux."],
            "cpp": ["It requires C++20.", "It only works on Linux."]}
PARAMETERS = [("timeout", "limits how long it may take"), ("encoding", "names the text encoding to use"),
              ("strict", "makes it reject bad input instead of passing it on"),
              ("maxLength", "caps the length of the result"), ("verbose", "prints what it does")]
EXCEPTIONS = {"python": ["KeyError", "RuntimeError", "PermissionError"],
              "javascript": ["RangeError", "SyntaxError"], "typescript": ["RangeError", "SyntaxError"],
              "go": ["ErrInvalidInput", "io.ErrUnexpectedEOF"], "rust": ["std::io::Error", "ParseIntError"],
              "java": ["IllegalStateException", "NullPointerException"], "c": ["OverflowError", "KeyError"],
              "cpp": ["std::out_of_range", "std::invalid_argument"]}
RAISES = {"go": "It returns `{e}` when the input is malformed.", "rust": "It returns `{e}` when the input is malformed.",
          "c": "It raises `{e}` when the input is malformed."}
# a wrong return, by what the block really returns (the answer's `returns`)
# (a value of another type, or no value at all for a block that always returns one)
WRONG_RETURN = {"str": "a list of strings", "number": "a string", "bool": "a string", "list": "a dict",
                "dict": "a list", "tuple": "a dict", "bytes": "a list of strings", "none": "a list of results",
                "error": "nothing", "object": "nothing", "promise": "nothing", "function": "a string"}
TRUE_LITERAL = {"python": "True", "javascript": "true", "typescript": "true", "go": "true", "rust": "true",
                "java": "true", "c": "1", "cpp": "true"}


def _with(answer: dict, field: str, text: str) -> dict:
    out = copy.deepcopy(answer)
    if field == "description":
        out["description"] = text
    elif field == "example":
        out["example"] = text
    else:
        i = int(re.match(r"steps\[(\d+)\]", field).group(1)) - 1
        out["steps"][i]["detail"] = text
    return out


def flaws_for(answer: dict, case: dict) -> list[Flaw]:
    """The flawed answers planted from a correct `answer` for `case` (see the module's doc)."""
    cid, lang = case["id"], case["language"]
    code_words = _words(answer.get("_code", "")) if answer.get("_code") else set()
    name = (case.get("symbol") or "").split(".")[-1].split("::")[-1] or None
    desc = answer["description"].strip()
    n = len(answer["steps"])
    out: list[Flaw] = []

    def add(kind: str, field: str, said: str, text: str) -> None:
        out.append(Flaw(kind, field, said, _with(answer, field, text)))

    # an invented parameter or option, in the description
    params = [p for p in PARAMETERS if p[0].lower() not in code_words]
    p, what = _pick(cid, "param", params)
    said = f"It also takes an optional `{p}` argument that {what}."
    add("invented parameter", "description", said, f"{desc} {said}")

    # a wrong return type or value, in the step that says what is returned (else the description)
    returns = answer.get("returns", "")
    if returns and returns in WRONG_RETURN and case.get("kind") not in ("class", "statements"):
        wrong = WRONG_RETURN[returns]
        said = f"`{name}` returns {wrong}." if name else f"It returns {wrong}."
        add("wrong return", "description", said, f"{desc} {said}")

    # a behaviour the code lacks, in a step's sentence (the middle one)
    options = [b for b in BEHAVIOURS if not any(w.startswith(b[0]) for w in code_words)]
    stem, said = _pick(cid, "behaviour", options)
    i = n // 2
    detail = answer["steps"][i]["detail"].strip().rstrip(".")
    add("absent behaviour", f"steps[{i + 1}].sentence", said, f"{detail}; {said[0].lower()}{said[1:]}")
    if not any(w.startswith(("async", "await", "promise", "thread", "goroutine", "future")) for w in code_words):
        add("absent behaviour", "description", ASYNC[lang], f"{desc} {ASYNC[lang]}")

    # a version or a platform, in the description
    said = _pick(cid, "version", VERSIONS[lang])
    add("version or platform", "description", said, f"{desc} {said}")

    # a wrong exception, in the last step's sentence
    excs = [e for e in EXCEPTIONS[lang] if e.split("::")[-1].split(".")[-1].lower() not in code_words]
    e = _pick(cid, "exception", excs)
    said = RAISES.get(lang, "It raises `{e}` when the input is malformed.").format(e=e)
    last = answer["steps"][-1]["detail"].strip()
    add("wrong exception", f"steps[{n}].sentence", said, f"{last} {said}")

    # a wrong import path, in the example
    example = answer["example"]
    wrong = _wrong_import(example, lang)
    if wrong is not None:
        add("wrong import", "example", "the import path changed", wrong)

    # a call with the wrong arguments, in the example
    if name and case.get("kind") not in ("class", "statements"):
        wrong = _extra_argument(example, name, TRUE_LITERAL[lang])
        if wrong is not None:
            add("wrong arguments", "example", f"one argument too many in the call of `{name}`", wrong)

    # vague words, in the first step's sentence
    label = answer["steps"][0]["label"].lower()
    said = f"It is handling the {label} and doing the processing that is needed."
    add("vague words", "steps[1].sentence", said, said)
    return out


def _wrong_import(example: str, lang: str) -> str | None:
    """The example with the block imported from a module path that is not its own (one level deeper, through
    a made-up `internal` module)."""
    rules = {
        "python": (r"^from ([\w.]+) import", lambda m: f"from {m.group(1)}.internal import"),
        "javascript": (r"""(require\(|from )(['"])([^'"./][^'"]*)\2""", lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}/lib/internal{m.group(2)}"),
        "typescript": (r"""(from )(['"])([^'"]+)\2""", lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}/internal{m.group(2)}"),
        "go": (r'^(\s*(?:import\s+)?)"(github\.com/[^"]+)"', lambda m: f'{m.group(1)}"{m.group(2)}/internal"'),
        "rust": (r"^use (\w+)::", lambda m: f"use {m.group(1)}::internal::"),
        "java": (r"^import ([\w.]+)\.(\w+);", lambda m: f"import {m.group(1)}.internal.{m.group(2)};"),
        "c": (r'^#include [<"]([^>"]+)[>"]', lambda m: f'#include "internal/{m.group(1)}"'),
        "cpp": (r'^#include [<"]([^>"]+)[>"]', lambda m: f'#include "internal/{m.group(1)}"'),
    }
    pattern, repl = rules[lang]
    new = re.sub(pattern, repl, example, count=1, flags=re.M)
    return new if new != example else None


def _extra_argument(example: str, name: str, literal: str) -> str | None:
    """The example with one more argument in its first call of the block."""
    m = re.search(r"(?<![\w])" + re.escape(name) + r"\s*\(", example)
    if m is None:
        return None
    depth, i = 1, m.end()
    while i < len(example) and depth:
        depth += {"(": 1, ")": -1}.get(example[i], 0)
        i += 1
    if depth:
        return None
    close = i - 1
    inside = example[m.end():close].strip()
    new = example[:close] + (f", {literal}" if inside else literal) + example[close:]
    return new
