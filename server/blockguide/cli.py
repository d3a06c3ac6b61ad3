"""Command line: `blockguide doc`, `blockguide check`, `blockguide serve`.

Errors are one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import stat
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from blockguide import __version__

MAX_FILE_BYTES = 5_000_000
BOM = "\ufeff"
EXIT_USAGE, EXIT_FAIL = 2, 1


class CliError(Exception):
    pass


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

    check = sub.add_parser("check", help="is Ollama reachable, the model there, the parsers loaded?")
    model_options(check)
    check.add_argument("--json", action="store_true")

    serve = sub.add_parser("serve", help="run the language server (stdio)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--debug", action="store_true", help="debug logs (they may contain your code)")
    from blockguide.jobs.models import add_model_commands
    add_model_commands(sub)  # blockguide model install|list|download
    return p


def _settings(args):
    from blockguide.settings import Settings, parse

    hosts = args.host or []
    raw = {"model": args.model, "ollamaHost": hosts[0] if hosts else None, "timeout": args.timeout,
           "backend": args.backend, "hosts": hosts[1:] or None}
    for name in ("budget", "max_tokens", "style"):
        if getattr(args, name, None) is not None:
            raw[{"budget": "contextBudget", "max_tokens": "maxTokens", "style": "insertionStyle"}[name]] = \
                getattr(args, name)
    if getattr(args, "no_offline_fallback", False):
        raw["offlineFallback"] = False
    settings, problems = parse({k: v for k, v in raw.items() if v is not None}, Settings())
    if problems:
        raise CliError("; ".join(problems))
    return settings


def read_source(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror}") from None
    size = info.st_size
    if path.is_dir():
        raise CliError(f"{path} is a folder; give a file")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever, /dev/zero would never end
        raise CliError(f"{path} is not a regular file")
    if size > MAX_FILE_BYTES:
        raise CliError(f"{path} is {size // 1_000_000} MB, over the {MAX_FILE_BYTES // 1_000_000} MB limit")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise CliError(f"{path} looks like a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} is not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None


def cmd_doc(args) -> int:
    from blockguide import pipeline
    from blockguide.cache import GuideCache
    from blockguide.core import languages
    from blockguide.core.blocks import Source, snap
    from blockguide.core.edits import plan_edit
    from blockguide.core.render import to_comment, to_docstring, to_markdown
    from blockguide.core.edits import can_docstring
    from blockguide.llm import BackendError, make_backend

    if args.all:
        return cmd_doc_all(args)
    if not (args.lines or args.symbol) or len(args.paths) > 1 or args.missing or args.jobs or args.out:
        raise CliError("give one file and --lines A-B or --symbol NAME (or --all for every function and class; "
                       "--missing, --jobs and --out go with --all)")
    args.file = args.paths[0]
    settings = _settings(args)
    path = args.file
    lang = languages.for_path(str(path))
    if lang is None:
        raise CliError(f"{path}: blockguide does not support files ending in '{path.suffix}' "
                       f"(supported: {', '.join(sorted({s for l in languages.LANGUAGES.values() for s in l.suffixes}))})")
    text = read_source(path)
    src = Source(lang, text.removeprefix(BOM))  # a byte-order mark is not part of the first line
    if args.symbol:
        block = find_symbol(src, args.symbol)
        if block is None:
            raise CliError(f"{path} has no function or class named {args.symbol!r}")
    else:
        first, last = args.lines
        if first > src.line_count():
            raise CliError(f"{path} has {src.line_count()} lines; --lines {first}-{last} is past its end")
        block = snap(src, first - 1, last - 1)
        if block is None:
            raise CliError(f"lines {first}-{last} of {path} hold no code to document")
    if args.verbose:
        print(f"block: {block.kind} {block.name or ''} lines {block.span.human()}", file=sys.stderr)
    grounding = pipeline.analyse(src, block, path.resolve(), [], settings)
    progress = (lambda m: print(f"  {m}", file=sys.stderr)) if args.verbose else None
    try:
        drafted = asyncio.run(pipeline.draft(grounding, settings, make_backend(settings), GuideCache(), progress,
                                             use_cache=not args.no_cache, fallback_on=pipeline.fallback_for(settings)))
    except BackendError as exc:
        raise CliError(str(exc)) from None
    if drafted.warning:
        print(f"blockguide: warning: the guide was built from the code alone, without a model. {drafted.warning} "
              f"(--no-offline-fallback to fail instead)", file=sys.stderr)
    guide = drafted.guide
    if args.write:
        edit = plan_edit(src, block, guide, settings.insertion_style)
        write_edit(path, text, edit)
        print(f"{path}: guide {'replaced' if edit.replaces_guide else 'inserted'} at line {edit.span.start + 1}",
              file=sys.stderr)
        return 0
    if args.format == "json":
        print(json.dumps({**asdict(guide), "markdown": to_markdown(guide), "block": {
            "kind": block.kind, "name": block.name, "lines": [block.span.start + 1, block.span.end]},
            "import": grounding.import_line, "fromCache": drafted.from_cache}, indent=2))
    elif args.format == "comment":
        if settings.insertion_style == "docstring" and can_docstring(block):
            print(to_docstring(block, guide), end="")
        else:
            print(to_comment(block, guide), end="")
    else:
        print(to_markdown(guide))
    return 0


def cmd_doc_all(args) -> int:
    from blockguide import batch
    from blockguide.cache import GuideCache
    from blockguide.llm import make_backend

    if args.format != "markdown":
        raise CliError("--all prints Markdown (or use --write / --out DIR)")
    if args.jobs is not None and not 1 <= args.jobs <= batch.MAX_JOBS:
        raise CliError(f"--jobs must be between 1 and {batch.MAX_JOBS}")
    settings = _settings(args)
    options = batch.Options(missing_only=args.missing, jobs=args.jobs or 0, write=args.write, out_dir=args.out,
                            use_cache=not args.no_cache)
    try:
        summary = asyncio.run(batch.run(args.paths, settings, options, make_backend(settings), GuideCache()))
    except batch.BatchError as exc:
        raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        print("blockguide: interrupted; files finished so far were written, the others were not. Run the same "
              "command again to resume: finished guides are cached", file=sys.stderr)
        return 130
    if not args.write and args.out is None:
        for work in summary.files:
            md = batch.markdown_for(work)
            if md:
                print(f"<!-- {work.rel} -->\n\n{md}")
    return 0 if summary.ok else EXIT_FAIL


def find_symbol(src, dotted: str):
    """The definition called `dotted` (`name` or `Class.method`), found with the syntax tree."""
    from blockguide.core.blocks import enclosing_definition

    parts = dotted.split(".")
    for i in range(src.line_count()):
        line = src.line(i).lstrip()
        for keyword in ("def ", "async def ", "class ", "function ", "async function ", "export function ",
                        "export default function ", "export class ", "func ", "fn ", "pub fn "):
            if line.startswith(keyword) and line[len(keyword):].lstrip("(*").startswith(parts[-1]):
                block = enclosing_definition(src, i, len(src.line(i)) - len(line) + len(keyword))
                if block is not None and block.name == parts[-1] and block.span.start <= i:
                    if len(parts) == 1 or _owner_name(src, block) == parts[-2]:
                        return block
    return None


def _owner_name(src, block):
    from blockguide.core.blocks import enclosing_definition

    if not block.indent:
        return None
    for i in range(block.span.start - 1, -1, -1):
        text = src.line(i)
        if text.strip() and len(text) - len(text.lstrip()) < len(block.indent):
            outer = enclosing_definition(src, i, len(text) - len(text.lstrip()))
            return outer.name if outer is not None else None
    return None


def write_edit(path: Path, original: str, edit) -> None:
    """Apply a line edit to the file, atomically, only if nobody changed it since we read it."""
    if read_source(path) != original:
        raise CliError(f"{path} changed while the guide was being written; nothing was written")
    from blockguide.core.edits import split_lines

    body = original.removeprefix(BOM)  # the edit's lines are counted without it, and it stays first
    keep_ends = split_lines(body)
    new = "".join(keep_ends[: edit.span.start]) + edit.text + "".join(keep_ends[edit.span.end:])
    if edit.span.start >= len(keep_ends) and body and not body.endswith("\n"):
        new = body + ("\r\n" if "\r\n" in body else "\n") + edit.text
    new = original[: len(original) - len(body)] + new
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".blockguide")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CliError(f"{path}: could not write ({exc.strerror}); the file is unchanged") from None


def cmd_check(args) -> int:
    from blockguide.doctor import run_checks

    settings = _settings(args)
    checks = asyncio.run(run_checks(settings))
    if args.json:
        print(json.dumps(checks, indent=2))
    else:
        for c in checks:
            print(f"{'ok  ' if c['ok'] else 'FAIL'} {c['name']}: {c['detail']}")
            if not c["ok"]:
                print(f"     fix: {c['fix']}")
    return 0 if all(c["ok"] for c in checks) else EXIT_FAIL


def cmd_serve(args) -> int:
    from blockguide.lsp import logs
    from blockguide.lsp.handlers import server

    logs.setup(server, debug=args.debug)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        try:
            server.start_tcp(host or "127.0.0.1", int(port))
        except ValueError:
            raise CliError(f"--tcp expects HOST:PORT, got {args.tcp!r}") from None
    else:
        server.start_io()
    # LSP: exit code 0 after a shutdown request, 1 when the client left (or sent exit) without one
    return 0 if getattr(server.protocol, "shut_down", True) else 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "model":
            from blockguide.jobs.models import cmd_model
            return cmd_model(args)
        return {"doc": cmd_doc, "check": cmd_check, "serve": cmd_serve}[args.command](args)
    except CliError as exc:
        print(f"blockguide: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("blockguide: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, and how to see more
        print(f"blockguide: internal error: {type(exc).__name__}: {exc} (run with BLOCKGUIDE_DEBUG=1 for the "
              "traceback)", file=sys.stderr)
        if os.environ.get("BLOCKGUIDE_DEBUG"):
            raise
        return EXIT_FAIL
