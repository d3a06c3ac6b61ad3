"""Code quoted in backticks: shortened whole (arguments dropped, brackets closed), never cut inside. Used by
core.phrase and the guide writer (core.fallback)."""

from __future__ import annotations

import re



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
    if not stack:  # cut inside a string at the top level: the string becomes "..." (its quote closed)
        return "".join(v for _, v in tokens) if in_string and body else None
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
        if _in_top_string(text[:end]):  # `"Real path ...".format(x)` must not become `"..."`: another expression
            continue
        fixed = _repair(text[:end] + "...")
        if fixed is not None and len(fixed) <= limit and fixed.strip("([{}]) ,.") != "":
            return fixed
    for candidate in (_short_strings(text), _collapse(_short_strings(text)), _collapse(text)):
        if candidate is not None and len(candidate) <= limit:
            return candidate
    return None


def _in_top_string(prefix: str) -> bool:
    """Whether code cut here ends inside a string that no bracket holds."""
    tokens, in_string = _tokens(prefix)
    depth = 0
    for kind, _ in tokens:
        depth += 1 if kind == "open" else -1 if kind == "close" else 0
    return in_string and depth <= 0


def _short_strings(text: str, keep: int = 20) -> str:
    """Every long string literal cut to its first words, its quotes kept: `"Real path {real!r} was ..."`."""
    tokens, in_string = _tokens(text)
    if in_string:
        return text
    out = []
    for kind, value in tokens:
        if kind == "str" and len(value) > keep + 6:
            head = value[1:keep].rsplit(" ", 1)[0] if " " in value[1:keep] else value[1:keep]
            value = f"{value[0]}{head.rstrip()} ...{value[-1]}"
        out.append(value)
    return "".join(out)


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


def _names(items: list[str], limit: int) -> str:
    items = list(dict.fromkeys(items))
    shown = [f"`{i}`" for i in items[:limit]] + ([f"{len(items) - limit} more"] if len(items) > limit else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


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




def _spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]*)`", text)


def _code(text: str, limit: int = 80) -> str:
    return _quote(text.strip(), limit)
