"""Emacs: `emacs --batch` loads docs/editors/blockguide-eglot.el and, through eglot, documents two blocks
(the command path: eglot 1.9 on Debian bookworm's Emacs 28 does not resolve code actions), saves, hovers.

Skips when Emacs or eglot is missing (Debian: apt-get install emacs-nox elpa-eglot; Emacs 29 has eglot).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SNIPPET = HERE.parents[1] / "docs" / "editors" / "blockguide-eglot.el"
EMACS = shutil.which("emacs")


def has_eglot() -> bool:
    if EMACS is None:
        return False
    probe = subprocess.run([EMACS, "--batch", "--eval", "(progn (package-initialize) (require 'eglot))"],
                           capture_output=True, text=True, timeout=60)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not has_eglot(), reason="emacs with eglot is not installed "
                                "(Debian: apt-get install emacs-nox elpa-eglot)")


def test_emacs_eglot_documents_blocks_with_the_readme_snippet(project, fake, tmp_path):
    path = project / "src/textkit/slug.py"
    original = path.read_text()
    out = tmp_path / "emacs.json"
    env = {k: v for k, v in os.environ.items()}
    env.update({
        "BG_SNIPPET": str(SNIPPET), "BG_FILE": str(path), "BG_OUT": str(out), "HOME": str(tmp_path / "home"),
        "OLLAMA_HOST": fake.url, "BLOCKGUIDE_CACHE_DIR": str(tmp_path / "cache"),
        # the snippet runs `blockguide serve` from PATH, as a user's would
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    })
    (tmp_path / "home").mkdir()
    proc = subprocess.run([EMACS, "--batch", "-l", str(HERE / "emacs_drive.el")], cwd=project, env=env,
                          capture_output=True, text=True, timeout=180)
    assert out.exists(), f"emacs wrote no result (exit {proc.returncode}): {proc.stderr[-3000:]}"
    result = json.loads(out.read_text())
    assert result.get("error") is None, f"{result['error']}\n{proc.stderr[-3000:]}"
    assert result["mode"] == "python-mode"
    lines = path.read_text().split("\n")
    begins = [i for i, l in enumerate(lines) if "# --- blockguide " in l]
    ends = [i for i, l in enumerate(lines) if l.strip() == "# --- end blockguide ---"]
    assert len(begins) == 2 and len(ends) == 2
    assert lines[ends[0] + 1].startswith("def slugify(") and lines[ends[1] + 1] == "    def make(self, text):"
    kept = [l for i, l in enumerate(lines) if not any(b <= i <= e for b, e in zip(begins, ends))]
    assert kept == original.split("\n")  # every original line intact, in order
    assert "How to Use This Code Block" in (result.get("hover") or "")
    # one draft per block, plus a rewrite when the canned answer's example fails blockguide's checks
    assert 2 <= len(fake.chat_requests) <= 4
