"""The command line's arguments: `doc`, `check`, `serve` and `model`."""

from __future__ import annotations

import argparse
from pathlib import Path

from blockguide import __version__
from blockguide.cli.model import add_model_commands


def _lines(value: str) -> tuple[int, int]:
    try:
        first, _, last = value.partition("-")
        a, b = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected A-B (1-based line numbers), got {value!r}") from None
    if a < 1 or b < a:
        raise argparse.ArgumentTypeError(f"expected 1 <= A <= B, got {value!r}")
    return a, b


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="blockguide", description="Document a block of code with a guide drafted "
                                "by a local model.")
    p.add_argument("--version", action="version", version=f"blockguide {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def model_options(sp):
        sp.add_argument("--model", help="Ollama model (default blockguide-tiny; 'none': no model)")
        sp.add_argument("--host", action="append", help="Ollama URL (default $OLLAMA_HOST or "
                        "http://127.0.0.1:11434); repeat it to spread requests over several model servers")
        sp.add_argument("--backend", choices=("ollama", "openai"), help="model server protocol (default ollama; "
                        "openai: an OpenAI-compatible /v1/chat/completions server)")
        sp.add_argument("--timeout", type=float, help="seconds for one model request")

    doc = sub.add_parser("doc", help="print a guide for lines of a file, or write it into the file")
    doc.add_argument("paths", type=Path, nargs="+", metavar="FILE",
                     help="the file (with --all: files and folders)")
    where = doc.add_mutually_exclusive_group()
    where.add_argument("--lines", type=_lines, metavar="A-B", help="1-based, inclusive")
    where.add_argument("--symbol", metavar="NAME", help="a function or class by name (Class.method for a method)")
    where.add_argument("--all", action="store_true", help="every function and class in the files and folders")
    doc.add_argument("--missing", action="store_true", help="with --all: only definitions without documentation")
    doc.add_argument("--jobs", type=int, metavar="N", help="with --all: blocks drafted at a time "
                     "(default two per model server)")
    doc.add_argument("--out", type=Path, metavar="DIR", help="with --all: Markdown files mirroring the tree")
    model_options(doc)
    doc.add_argument("--format", choices=("markdown", "comment", "json"), default="markdown")
    doc.add_argument("--style", choices=("comment", "docstring"), help="with --write/--format comment")
    doc.add_argument("--write", action="store_true", help="insert the guide into the file")
    doc.add_argument("--budget", type=int, help="context tokens for grounding (default 2048)")
    doc.add_argument("--max-tokens", type=int, help="cap on generated tokens (default 700)")
    doc.add_argument("--no-cache", action="store_true", help="ignore stored guides")
    doc.add_argument("--no-offline-fallback", action="store_true", help="when no model server answers, fail "
                     "instead of printing a guide built from the code alone")
    doc.add_argument("--verbose", "-v", action="store_true")
    doc.add_argument("--quiet", "-q", action="store_true", help="no progress line on a terminal")

    check = sub.add_parser("check", help="is Ollama reachable, the model there, the parsers loaded?")
    model_options(check)
    check.add_argument("--json", action="store_true")

    serve = sub.add_parser("serve", help="run the language server (stdio)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--debug", action="store_true", help="debug logs (they may contain your code)")
    add_model_commands(sub)  # blockguide model install|list|download
    return p
