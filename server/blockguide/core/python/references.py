"""Python call sites confirmed by reference: jedi's `goto` on the called name must land on a definition inside
the block (same file, a line of its span). A dict's `.get("kind")` lands on `dict.get`, `other.make()` on
`Other.make`: neither is a call of the block. When jedi finds nothing (it cannot infer the receiver), the
call is left unresolved, neither confirmed nor rejected. The call's file is only read (jedi, statically), never imported
or run; call it on the analysis thread (it takes JEDI_LOCK)."""

from __future__ import annotations

from pathlib import Path

from blockguide.core.callsites import Confirm
from blockguide.core.python.jedi_session import JEDI_LOCK, jedi_project, script_for


def python_confirmer(path: Path, span: range, root: Path) -> Confirm:
    """A confirmer for find_call_sites: does the call at (file, line, column) resolve into `span` of `path`?"""
    target = path.resolve()
    scripts: dict[Path, object] = {}  # one Script per file of this search

    def confirm(file: Path, text: str, line: int, column: int, before: str) -> bool | None:
        import jedi  # start-up cost: see core.python.jedi_session

        with JEDI_LOCK:
            script = scripts.get(file)
            if script is None:
                if file.resolve() == target:  # the block's own file: the Script its analysis keeps (same text)
                    script = scripts[file] = script_for(text, file, root)
                else:
                    script = scripts[file] = jedi.Script(text, path=str(file), project=jedi_project(root))
            try:
                found = script.goto(line + 1, column, follow_imports=True)
            except Exception:  # jedi can fail on odd code: it cannot tell
                return None
        if not found:
            return None  # jedi could not infer the receiver (`self.query.get_compiler(...)`): cannot tell
        for d in found:
            if d.module_path and d.line and Path(d.module_path).resolve() == target and (d.line - 1) in span:
                return True
        return False

    return confirm
