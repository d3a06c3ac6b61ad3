"""The C++ namespaces open at a point of a file, read the way the preprocessor sees the file: tree-sitter does
not run the preprocessor, so a namespace opened by a macro (`RAPIDJSON_NAMESPACE_BEGIN`, defined as
`namespace rapidjson {`; `NS_BEGIN(detail)`, defined as `namespace name {`) or opened inside an `#ifdef` the
build does not define is lost from its tree, and with it the scope of every name after it.

`namespaces_at(text, offset, defines)` scans the text up to `offset`: comments and literals skipped, the
branches of an `#ifdef`/`#ifndef` a macro's definition decides (the macros defined in the file and in
`defines`), the first branch of any other `#if`, `namespace a::b {` and the namespace macros expanded, every
other brace counted. Never compiled, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_INCLUDED = 40  # headers read for their macros, following `#include "..."` from a file
MAX_DEPTH = 4

_TOKEN = re.compile(r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|^[ \t]*#(?:\\\n|[^\n])*|"""
                    r"""[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)*|[{}();]""", re.S | re.M)
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?[ \t]*((?:\\\n|[^\n])*)", re.M)
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


@dataclass
class _Scope:
    names: tuple[str, ...]  # () for a brace that is no named namespace
    inline: bool = False


def defines(text: str) -> dict[str, tuple[str | None, str]]:
    """{macro: (its one parameter or None, its body)} of the `#define`s in `text`."""
    out: dict[str, tuple[str | None, str]] = {}
    text = _COMMENT.sub(lambda c: re.sub(r"[^\n]", " ", c.group(0)), text)  # a documented #define is none
    for m in _DEFINE.finditer(text):
        params = m.group(2)
        param = params[1:-1].strip() if params else None
        out.setdefault(m.group(1), (param, re.sub(r"\\\n", " ", m.group(3)).strip()))
    return out


def included_defines(file: Path, root: Path) -> dict[str, tuple[str | None, str]]:
    """The macros of the project's headers `file` includes (see `included`)."""
    found: dict[str, tuple[str | None, str]] = {}
    for _, text in included(file, root)[1:]:
        for name, value in defines(text).items():
            found.setdefault(name, value)
    return found


def included(file: Path, root: Path) -> list[tuple[Path, str]]:
    """`file` and the project's headers it includes (`#include "..."`, followed a few levels, each found next
    to the including file or in a folder above it, up to `root`), with their text, nearest first."""
    root = root.resolve()
    seen: set[Path] = set()
    found: list[tuple[Path, str]] = []
    todo = [(file.resolve(), 0)]
    while todo and len(seen) < MAX_INCLUDED:
        path, depth = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        found.append((path, text))
        if depth >= MAX_DEPTH:
            continue
        for m in _INCLUDE.finditer(text):
            for folder in [path.parent, *path.parent.parents]:
                candidate = (folder / m.group(1)).resolve()
                if candidate.is_file():
                    todo.append((candidate, depth + 1))
                    break
                if folder == root or root not in folder.parents:
                    break
    return found


def namespaces_at(text: str, offset: int, extra: dict[str, tuple[str | None, str]] | None = None) -> list[str]:
    """The named, not inline, namespaces open at `offset` of `text`, outermost first."""
    macros = dict(extra or {})  # the file's own macros join as the scan reaches their #define
    stack: list[_Scope] = []
    branches: list[tuple[bool, bool]] = []  # per open #if: (this branch is read, a branch was read)
    pending: list[str] | None = None  # after `namespace`: its name parts until `{`
    inline = False
    tokens = _TOKEN.finditer(text, 0, offset)
    for m in tokens:
        tok = m.group(0)
        if tok.lstrip().startswith("#"):
            _directive(tok.strip(), branches, macros)
            continue
        if not all(read for read, _ in branches) or tok.startswith(("//", "/*", '"', "'")):
            continue
        if tok == "namespace":
            pending = []
            continue
        if tok == "inline":
            inline = True
            continue
        if pending is not None:
            if tok == "{":
                stack.append(_Scope(tuple(p for part in pending for p in re.split(r"\s*::\s*", part)), inline))
                pending, inline = None, False
            elif tok in (";", "(", ")", "}"):  # `namespace a = b;`, `using namespace x;`: no scope
                pending, inline = None, False
            else:
                pending.append(tok)
            continue
        inline = False
        if tok == "{":
            stack.append(_Scope(()))
        elif tok == "}":
            if stack:
                stack.pop()
        elif tok in macros:
            _expand(tok, text, m.end(), macros, stack)
    return [n for s in stack if not s.inline for n in s.names]


def _directive(line: str, branches: list[tuple[bool, bool]], macros: dict) -> None:
    m = re.match(r"#\s*(\w+)\s*(\w*)", line)
    if m is None:
        return
    word, arg = m.group(1), m.group(2)
    if not all(read for read, _ in branches) and word not in ("if", "ifdef", "ifndef", "elif", "else", "endif"):
        return
    if word == "define":
        macros.update(defines(line))
    elif word == "undef":
        macros.pop(arg, None)
    elif word in ("ifdef", "ifndef"):
        read = (arg in macros) == (word == "ifdef")
        branches.append((read, read))
    elif word == "if":
        branches.append((True, True))  # an expression is not evaluated: its first branch is read
    elif word in ("elif", "else") and branches:
        taken = branches[-1][1]
        branches[-1] = (not taken, True)
    elif word == "endif" and branches:
        branches.pop()


def _expand(name: str, text: str, at: int, macros: dict, stack: list[_Scope]) -> None:
    """A macro whose body opens namespaces (`namespace rapidjson {`, `namespace name {` with its argument)
    or only closes braces."""
    param, body = macros[name]
    if param is not None:
        call = re.match(r"\s*\(\s*([A-Za-z_]\w*)\s*\)", text[at:at + 200])
        if call is None:
            return
        arg = call.group(1)
        if arg in macros and macros[arg][0] is None:  # `NS_BEGIN(PROJECT_NAMESPACE)`: the macro's first word
            first = re.match(r"\s*([A-Za-z_]\w*)", macros[arg][1])
            arg = first.group(1) if first else arg
        body = re.sub(rf"\b{re.escape(param)}\b", arg, body)
    body = re.sub(r"\b([A-Za-z_]\w*)\b", lambda w: _word(w.group(1), macros), body)
    opened = re.findall(r"\bnamespace\s+([A-Za-z_]\w*)\s*\{", body)
    if opened and body.count("{") == len(opened) and "}" not in body:  # other words: a pragma's macro
        stack.extend(_Scope((n,)) for n in opened)
    elif "}" in body and "{" not in body and ";" not in body:
        for _ in range(body.count("}")):
            if stack:
                stack.pop()


def _word(word: str, macros: dict) -> str:
    """An object-like macro used as a namespace's name (`namespace RAPIDJSON_NAMESPACE {`): its first word."""
    if word == "namespace" or word not in macros or macros[word][0] is not None:
        return word
    first = re.match(r"\s*([A-Za-z_]\w*)", macros[word][1])
    return first.group(1) if first else word
