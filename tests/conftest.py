"""Shared fixtures: a replayed Ollama and sample projects written into tmp folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.replay.fake_ollama import FakeOllama

SLUG = '''\
"""Text helpers."""

import re
import unicodedata

_SEP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, sep: str = "-") -> str:
    """Turn text into a URL slug."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _SEP.sub(sep, text.lower())
    return text.strip(sep)


class Slugger:
    def __init__(self, sep="-"):
        self.sep = sep

    def make(self, text):
        return slugify(text, self.sep)


TITLE = "Hello World"
SLUG_OF_TITLE = slugify(TITLE)
'''

APP = '''\
from textkit.slug import slugify


def main():
    print(slugify("Hello, World!"))
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small src-layout Python project: src/textkit/slug.py and app.py calling it."""
    root = tmp_path / "proj"
    pkg = root / "src" / "textkit"
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "textkit"\nversion = "0"\n')
    (pkg / "__init__.py").write_text("")
    (pkg / "slug.py").write_text(SLUG)
    (root / "app.py").write_text(APP)
    return root


@pytest.fixture
def fake():
    with FakeOllama() as server:
        yield server


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
