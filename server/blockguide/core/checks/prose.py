"""The guide's writing rules, kept in one place: the prompt, the checks and the benchmark all read them.

Two lints for the prose (description and steps):
- vague terms the spec forbids ("getting", "doing", ...);
- invented names: identifiers in backticks that exist nowhere in the block or its context (what it uses,
  defines and inherits, its call sites, its import line, its outline).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from blockguide.core.checks.standard import standard_names
from blockguide.core.types import Grounding, Guide

# Vague verbs the spec forbids, with the specific verbs a guide should use instead.
VAGUE_TERMS = ("getting", "doing", "handling", "dealing with", "stuff", "things", "processing")
SPECIFIC_VERBS = ("checks", "validates", "sends", "returns", "parses", "reads", "writes", "raises", "calls")

_VAGUE_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in VAGUE_TERMS) + r")\b", re.IGNORECASE)
_BACKTICKS = re.compile(r"`([^`\n]+)`")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERAL = re.compile(r"""^\s*(["'].*["']|[-+]?\d[\d_.eExXa-fA-F]*|true|false|True|False|None|null|nil|undefined)\s*$""")
# words that may appear in backticks without being names from the code
_KEYWORDS = set("""
and as assert async await break case catch class const continue def default defer del do elif else enum export
extends false final finally fn for from func function go if impl import in instanceof interface is lambda let
loop match mod mut new nil none not null or package pass pub raise return self Self static struct super switch
this throw throws trait true try type typeof undefined unsafe use var void where while with yield None True False
int str float bool bytes dict list set tuple object string number boolean any unknown never char long short
double byte usize isize u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 Result Option Some Ok Err Vec String Box error
print println printf console log main args kwargs cls result value item obj example
""".split())


def vague_terms(text: str) -> list[str]:
    """The vague terms used in a text (lower-case, each once, in order of appearance)."""
    seen: list[str] = []
    for match in _VAGUE_RE.finditer(text):
        word = match.group(1).lower()
        if word not in seen:
            seen.append(word)
    return seen


def context_text(g: Grounding) -> str:
    """Everything a guide may name: the block, its outline and what the analysis found around it (for
    statements, the function they run inside: what they are part of is theirs to say)."""
    parts = [g.block.text, g.inside_text or "", g.import_line or "", g.module or "", g.path or "", " ".join(g.outline),
             " ".join(g.inputs), " ".join(g.outputs)]
    for s in [*g.defines, *g.uses]:
        parts += [s.name, s.signature or "", s.module or "", s.doc or ""]
    for b in g.bases:
        parts += [b.name, b.module or "", " ".join(b.inherited)]
    parts += [c.code for c in g.call_sites]
    if g.example is not None:
        parts.append(g.example.code)
    return "\n".join(parts)


def known_names(g: Grounding, extra: str = "", whole_file: bool = False) -> set[str]:
    """The names a guide may use: those of the block and its context; with `whole_file` (a larger model's
    draft) also those of its own file (a method of the same file it mentions, `isBlank` beside `isEmpty`, is a
    real name) and the language's standard ones (`AbortSignal`, `ValueError`); a small model is held to the
    block's context."""
    names = set(_IDENT.findall(context_text(g) + "\n" + extra))
    return names | file_names(g) | standard_names(g.block.language) if whole_file else names


def file_names(g: Grounding) -> frozenset[str]:
    """The identifiers of the block's file; empty when it has none."""
    text = file_text(g)
    return frozenset(_IDENT.findall(text)) if text else frozenset()


def file_text(g: Grounding) -> str | None:
    """The text of the block's file as it is on disk (read once per version of the file), None without one."""
    if not g.path:
        return None
    path = Path(g.path) if g.root is None else Path(g.root) / g.path
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: str, mtime: int, size: int) -> str | None:
    if size > 2_000_000:
        return None
    try:
        return Path(path).read_text("utf-8", errors="replace")
    except OSError:
        return None


# what a span in backticks may be besides code: a URL or a path, words of output ("message: original error")
_TEXT_SPAN = re.compile(r"^\w+://\S*$|^/[\w./%~-]*$|^[A-Za-z][\w'-]*(?::? [A-Za-z][\w'-]*)+$")
# names of languages and tools a guide may write as they are spelled (CamelCase, but not code)
PROPER_NOUNS = frozenset("""TypeScript JavaScript CoffeeScript PowerShell GitHub GitLab macOS iOS NumPy PyPI
WebAssembly OpenSSL MySQL PostgreSQL SQLite MongoDB NodeJS jQuery CPython PyPy LaTeX YAML JSON HTML CSS UTF""".split())


def invented_names(text: str, known: set[str]) -> list[str]:
    """Identifiers in backticks that are not among the known names (literals and keywords are fine)."""
    out: list[str] = []
    for span in _BACKTICKS.findall(text):
        if _LITERAL.match(span) or _TEXT_SPAN.match(span.strip()):
            continue
        # drop string literals inside the span: their words are data, not names
        stripped = re.sub(r"""(["'])(?:\\.|(?!\1).)*\1""", " ", span)
        for ident in _IDENT.findall(stripped):
            if len(ident) < 2 or ident in known or ident in _KEYWORDS or ident.lower() in _KEYWORDS \
                    or ident in PROPER_NOUNS:
                continue
            if ident not in out:
                out.append(ident)
    return out


def prose(guide: Guide) -> str:
    return "\n".join([guide.description] + [f"{s.label}: {s.detail}" for s in guide.steps])


def lint(guide: Guide, g: Grounding) -> list[str]:
    """Problems with the guide's prose, as exact sentences (sent back to the model once, then noted)."""
    text = prose(guide)
    problems = []
    vague = vague_terms(text)
    if vague:
        problems.append("vague words: " + ", ".join(f'"{v}"' for v in vague) + "; say exactly what the code "
                        "does (for example " + ", ".join(f'"{v}"' for v in SPECIFIC_VERBS[:5]) + ")")
    invented = invented_names(text, known_names(g, guide.example.code))
    if invented:
        problems.append("names in backticks that are not in the code or its context: " +
                        ", ".join(f"`{n}`" for n in invented[:8]) + "; use only real names")
    return problems
