"""The editor setups in the README are the files the editor tests load, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, fence", [("neovim.lua", "lua"), ("helix-languages.toml", "toml"),
                                         ("blockguide-eglot.el", "elisp")])
def test_readme_shows_the_tested_snippet(name, fence):
    snippet = (ROOT / "docs" / "editors" / name).read_text().rstrip("\n")
    readme = (ROOT / "README.md").read_text()
    assert f"```{fence}\n{snippet}\n```" in readme, f"README.md's {fence} block differs from docs/editors/{name}"
