"""The machine and the versions behind the numbers."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

# the grammar wheels blockguide depends on (pyproject.toml)
_GRAMMARS = ("python", "javascript", "typescript", "go", "rust", "java", "c", "cpp")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _ollama() -> str:
    try:
        from tests.support.real_ollama import ollama_binary

        binary = ollama_binary()
        if binary:
            out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10,
                                 env={**os.environ, "OLLAMA_HOST": "127.0.0.1:9"})
            import re

            found = re.findall(r"version is ([0-9][\w.+-]*)", out.stdout + out.stderr)
            return found[-1] if found else "?"
    except Exception:
        pass
    return "not installed"


def describe() -> list[str]:
    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    return [
        f"{_cpu()}, {cores} cores ({usable} usable)",
        _ram_gb(),
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        "blockguide " + _version("blockguide") + ", pygls " + _version("pygls") + ", lsprotocol "
        + _version("lsprotocol") + ", jedi " + _version("jedi") + ", tree-sitter " + _version("tree-sitter")
        + ", grammars " + " ".join(f"{g} {_version('tree-sitter-' + g)}" for g in _GRAMMARS),
        "ollama " + _ollama() + " (python client " + _version("ollama") + ")",
    ]
