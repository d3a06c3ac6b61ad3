"""`blockguide check`: is everything in place? Each failed check says the fix."""

from __future__ import annotations

import platform
import sys

from blockguide import __version__
from blockguide.llm import make_backend
from blockguide.settings import Settings


def _parsers() -> tuple[bool, str, str]:
    from blockguide.core.languages import LANGUAGES, parser_for

    broken = []
    for lang in LANGUAGES.values():
        try:
            parser_for(lang).parse(b"x")
        except Exception as exc:  # a grammar that failed to load
            broken.append(f"{lang.key} ({exc})")
    if broken:
        return False, "cannot load: " + ", ".join(broken), \
            "reinstall the grammars: pip install 'tree-sitter-language-pack==0.13.0'"
    return True, f"{len(LANGUAGES)} languages: " + ", ".join(LANGUAGES), ""


async def run_checks(settings: Settings) -> list[dict]:
    from importlib.metadata import version

    import jedi

    checks = [{
        "name": "blockguide", "ok": True,
        "detail": f"blockguide {__version__}, Python {platform.python_version()} ({sys.executable}), "
                  f"pygls {version('pygls')}, jedi {jedi.__version__}, tree-sitter {version('tree-sitter')}, "
                  f"ollama client {version('ollama')}",
        "fix": "",
    }]
    ok, detail, fix = _parsers()
    checks.append({"name": "parsers", "ok": ok, "detail": detail, "fix": fix})
    backend = make_backend(settings)
    if backend is None:
        checks.append({"name": "model", "ok": True, "detail": "model = none: guides come from the analysis alone",
                       "fix": ""})
        return checks
    for name, ok, detail, fix in await backend.health():
        checks.append({"name": name, "ok": ok, "detail": detail, "fix": fix})
    return checks
