"""`python -m blockguide`: how editors start the server, usually from inside the user's project folder."""

import os
import sys


def _forget_the_current_folder() -> None:
    """`python -m` puts the current folder first on sys.path, so a project holding its own `ollama.py`,
    `jedi/` or `httpx.py` would be imported in place of the real package: the user's code would run. Only
    this package is imported from there so far (it cannot protect itself from a `blockguide/` folder; an
    editor should start it with `python -P` or outside the project)."""
    if not sys.path or sys.flags.safe_path:
        return
    first = sys.path[0]
    try:
        if first == "" or os.path.samefile(first, os.getcwd()):
            del sys.path[0]
    except OSError:
        pass


_forget_the_current_folder()

from blockguide.cli import main  # noqa: E402 - after the sys.path fix on purpose

raise SystemExit(main())
