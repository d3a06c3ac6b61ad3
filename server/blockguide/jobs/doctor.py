"""`blockguide check` and the editor's doctor command: is everything in place? Each failed check says the fix."""

from __future__ import annotations

import platform
import sys
from dataclasses import asdict, dataclass
from importlib.metadata import version

import jedi

from blockguide import __version__
from blockguide.core.languages import LANGUAGES, parser_for
from blockguide.jobs.document import Status
from blockguide.llm import make_backend
from blockguide.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str  # blockguide | parsers | model server checks (ollama, model, ... per backend)
    ok: bool
    detail: str
    fix: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def _parsers() -> Check:
    broken = []
    for lang in LANGUAGES.values():
        try:
            parser_for(lang).parse(b"x")
        except Exception as exc:  # a grammar that failed to load
            broken.append(f"{lang.key} ({exc})")
    if broken:
        return Check("parsers", False, "cannot load: " + ", ".join(broken),
                     "reinstall blockguide: its grammar wheels (tree-sitter-python, -javascript, -typescript, "
                     "-go, -rust, -java, -c, -cpp, pinned in its requirements) are missing or broken")
    return Check("parsers", True, f"{len(LANGUAGES)} languages: " + ", ".join(LANGUAGES))


async def run_checks(settings: Settings) -> list[Check]:
    checks = [Check(
        "blockguide", True,
        f"blockguide {__version__}, Python {platform.python_version()} ({sys.executable}), "
        f"pygls {version('pygls')}, jedi {jedi.__version__}, tree-sitter {version('tree-sitter')}, "
        f"ollama client {version('ollama')}"), _parsers()]
    backend = make_backend(settings)
    if backend is None:
        return checks + [Check("model", True, "model = none: guides come from the analysis alone")]
    return checks + [Check(name, ok, detail, fix) for name, ok, detail, fix in await backend.health()]


def status_of(checks: list[Check]) -> tuple[Status, str]:
    """What the editor's status shows after the checks: ready, the model missing, or the server unreachable
    (with the first fix)."""
    failed = [c for c in checks if not c.ok]
    if not failed:
        return Status.READY, ""
    state = Status.MODEL_MISSING if any(c.name == "model" for c in failed) else Status.UNREACHABLE
    return state, failed[0].fix
