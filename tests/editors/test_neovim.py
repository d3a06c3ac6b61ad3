"""A real LSP client beside VS Code: headless Neovim with the README's snippet (docs/editors/neovim.lua)
documents two blocks, writes the file and hovers, against `blockguide serve` and the replayed Ollama.

Debian's neovim (0.7.2 on bookworm) sends no work-done token, speaks UTF-16, resolves actions that carry
no edit, and has no `vim.lsp.start`; the snippet covers it and newer versions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SLUG

HERE = Path(__file__).resolve().parent
SNIPPET = HERE.parents[1] / "docs" / "editors" / "neovim.lua"
NVIM = shutil.which("nvim")

pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (Debian: apt-get install neovim)")

# a line before the blocks whose characters are not one UTF-16 unit each
UNICODE_LINE = "# naïve café ☕ 𝄞 — positions differ in UTF-8, UTF-16 and UTF-32\n"


def drive(project: Path, fake, tmp_path: Path, no_resolve: bool = False) -> dict:
    path = project / "src/textkit/slug.py"
    out = tmp_path / "nvim.json"
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "OLLAMA_HOST"}
    env.update({
        "BG_SNIPPET": str(SNIPPET), "BG_PYTHON": sys.executable, "BG_HOST": fake.url, "BG_FILE": str(path),
        "BG_OUT": str(out), "BG_NO_RESOLVE": "1" if no_resolve else "0",
        "BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(home),
        **{f"XDG_{d}_HOME": str(home / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")},
    })
    proc = subprocess.run([NVIM, "--headless", "-n", "-i", "NONE", "--noplugin", "-u", str(HERE / "nvim_drive.lua")],
                          cwd=project, env=env, capture_output=True, text=True, timeout=180)
    assert out.exists(), f"nvim wrote no result (exit {proc.returncode}): {proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result.get("error") is None, f"{result.get('error')}\nmessages: {result.get('messages')}\n{proc.stderr}"
    assert proc.returncode == 0, proc.stderr
    return result


def check_file(project: Path, result: dict, original: str) -> None:
    text = (project / "src/textkit/slug.py").read_text()
    assert text.split("\n")[:-1] == result["lines"]  # what Neovim wrote is what it showed
    lines = text.split("\n")
    # two guides, each right above its block, and every original line intact, in order
    begins = [i for i, l in enumerate(lines) if "# --- blockguide " in l]
    ends = [i for i, l in enumerate(lines) if l.strip() == "# --- end blockguide ---"]
    assert len(begins) == 2 and len(ends) == 2
    assert lines[ends[0] + 1] == 'def slugify(text: str, sep: str = "-") -> str:'
    assert lines[ends[1] + 1] == "    def make(self, text):" and lines[begins[1]].startswith("    # --- blockguide ")
    kept = [l for i, l in enumerate(lines) if not any(b <= i <= e for b, e in zip(begins, ends))]
    assert kept == original.split("\n")
    assert "# ## How to Use This Code Block" in text or "# How to Use This Code Block" in text
    assert "from textkit.slug import slugify" in text


@pytest.fixture
def unicode_project(project):
    path = project / "src/textkit/slug.py"
    path.write_text(UNICODE_LINE + SLUG)
    return project


def test_neovim_documents_a_block_and_hovers_it(unicode_project, fake, tmp_path):
    original = (unicode_project / "src/textkit/slug.py").read_text()
    result = drive(unicode_project, fake, tmp_path)
    assert result["filetype"] == "python" and result["offset_encoding"] == "utf-16"
    # the resolve path: list (cheap), then resolve drafts the guide and carries the edit
    assert result["steps"][:2] == ["textDocument/codeAction", "codeAction/resolve"]
    assert "workspace/executeCommand" not in result["steps"]
    check_file(unicode_project, result, original)
    assert result["hover"] and "How to Use This Code Block" in result["hover"] and "Execution Steps" in result["hover"]
    # one model call per documented block; the canned answer is a slugify guide, so for `make` nothing of it
    # passes the checks and the editor is told so (the only message allowed)
    assert len(fake.chat_requests) == 2
    assert all("did not pass the checks" in m for m in result["messages"]), result["messages"]
    assert result["progress"] > 0  # no token from Neovim 0.7: the server created one (workDoneProgress/create)


def test_neovim_without_resolve_runs_the_command(unicode_project, fake, tmp_path):
    original = (unicode_project / "src/textkit/slug.py").read_text()
    result = drive(unicode_project, fake, tmp_path, no_resolve=True)
    # the action carries blockguide.documentBlock; the server applies it through workspace/applyEdit
    assert "codeAction/resolve" not in result["steps"]
    assert result["steps"].count("workspace/executeCommand") == 2
    check_file(unicode_project, result, original)
    assert "How to Use This Code Block" in result["hover"]
