"""Command line: `blockguide doc`, `blockguide check`, `blockguide serve`. It turns arguments into calls of
`jobs` and prints what comes back; errors are one line on stderr and a non-zero exit, never a traceback.
Heavy modules are imported by the command that needs them: `blockguide --help` stays fast."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from blockguide.cli.parser import build_parser

EXIT_FAIL = 1


class CliError(Exception):
    pass


def _settings(args):
    from blockguide.settings import Settings, parse

    hosts = args.host or []
    raw = {"model": args.model, "ollamaHost": hosts[0] if hosts else None, "timeout": args.timeout,
           "backend": args.backend, "hosts": hosts[1:] or None, "offlineFallback": False
           if getattr(args, "no_offline_fallback", False) else None}
    for name, key in (("budget", "contextBudget"), ("max_tokens", "maxTokens"), ("style", "insertionStyle")):
        raw[key] = getattr(args, name, None)
    settings, problems = parse({k: v for k, v in raw.items() if v is not None}, Settings())
    if problems:
        raise CliError("; ".join(problems))
    return settings


def cmd_doc(args) -> int:
    from blockguide.cache import GuideCache
    from blockguide.cli.terminal import DraftProgress
    from blockguide.core import languages
    from blockguide.core.syntax.source import Source
    from blockguide.core.render import provenance_text, to_comment, to_docstring, to_markdown
    from blockguide.core.edits import can_docstring
    from blockguide.jobs import document as job
    from blockguide.jobs.files import InputError, apply_edits, read_text, without_bom, write_atomically
    from blockguide.llm import make_backend

    if args.all:
        return cmd_doc_all(args)
    if not (args.lines or args.symbol) or len(args.paths) > 1 or args.missing or args.jobs or args.out:
        raise CliError("give one file and --lines A-B or --symbol NAME (or --all for every function and class; "
                       "--missing, --jobs and --out go with --all)")
    settings = _settings(args)
    path = args.paths[0]
    lang = languages.for_path(str(path))
    if lang is None:
        suffixes = sorted({s for lang in languages.LANGUAGES.values() for s in lang.suffixes})
        raise CliError(f"{path}: blockguide does not support files ending in '{path.suffix}' "
                       f"(supported: {', '.join(suffixes)})")
    progress = DraftProgress(enabled=False if args.quiet else None)
    try:
        text = read_text(path)  # as on disk (a byte-order mark too): the write compares it with the file
        src = Source(languages.for_file(path, text) or lang, without_bom(text))
        lines = (args.lines[0] - 1, args.lines[1] - 1) if args.lines else None
        block = job.find_block(src, lines=lines, symbol=args.symbol)
        if args.verbose:
            print(f"block: {block.kind} {block.name or ''} lines {block.span.human()}", file=sys.stderr)
        outcome = asyncio.run(job.document(
            src, block, path.resolve(), [], settings, make_backend(settings), GuideCache(), progress=progress,
            use_cache=not args.no_cache))
    except (InputError, job.JobError) as exc:
        raise CliError(f"{path}: {exc}") from None
    finally:
        progress.clear()
    guide = outcome.guide
    made = guide.provenance
    if outcome.warning:
        print(f"blockguide: warning: the guide was built from the code alone, without a model. {outcome.warning} "
              f"(--no-offline-fallback to fail instead)", file=sys.stderr)
    elif made is not None and made.model_unused and not outcome.from_cache:
        print(f"blockguide: the model's text did not pass the checks; the guide is built from the code alone: "
              f"{provenance_text(made)}", file=sys.stderr)
    elif args.verbose:
        print(f"blockguide: {provenance_text(made)}", file=sys.stderr)
    if args.write:
        try:
            block, edit = job.plan(src, block, guide, settings.insertion_style)
            write_atomically(path, apply_edits(text, [edit]), text)
        except (InputError, job.JobError) as exc:
            raise CliError(f"{path}: {exc}") from None
        print(f"{path}: guide {'replaced' if edit.replaces_guide else 'inserted'} at line {edit.span.start + 1}",
              file=sys.stderr)
    elif args.format == "json":
        print(json.dumps({**guide.to_dict(), "markdown": to_markdown(guide), "block": {
            "kind": block.kind, "name": block.name, "lines": [block.span.start + 1, block.span.end]},
            "import": outcome.grounding.import_line, "fromCache": outcome.from_cache}, indent=2))
    elif args.format == "comment":
        docstring = settings.insertion_style == "docstring" and can_docstring(block)
        print(to_docstring(block, guide) if docstring else to_comment(block, guide), end="")
    else:
        print(to_markdown(guide))
    return 0


def cmd_doc_all(args) -> int:
    from blockguide.cache import GuideCache
    from blockguide.cli.terminal import Reporter
    from blockguide.jobs import batch
    from blockguide.llm import make_backend

    if args.format != "markdown":
        raise CliError("--all prints Markdown (or use --write / --out DIR)")
    if args.jobs is not None and not 1 <= args.jobs <= batch.MAX_JOBS:
        raise CliError(f"--jobs must be between 1 and {batch.MAX_JOBS}")
    settings = _settings(args)
    options = batch.Options(missing_only=args.missing, jobs=args.jobs or 0, write=args.write, out_dir=args.out,
                            use_cache=not args.no_cache)
    try:
        summary = asyncio.run(batch.run(args.paths, settings, options, make_backend(settings), GuideCache(),
                                        Reporter()))
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


def cmd_check(args) -> int:
    from blockguide.jobs.doctor import run_checks

    checks = asyncio.run(run_checks(_settings(args)))
    if args.json:
        print(json.dumps([c.to_json() for c in checks], indent=2))
    for c in checks if not args.json else ():
        print(f"{'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" + (f"\n     fix: {c.fix}" if not c.ok else ""))
    return 0 if all(c.ok for c in checks) else EXIT_FAIL


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
    args = build_parser().parse_args(argv)
    try:
        if args.command == "model":
            from blockguide.cli.model import cmd_model
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
