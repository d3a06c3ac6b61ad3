"""Fixtures for the fault tests: editors on the replayed Ollama, and checks that the server still answers."""

from __future__ import annotations


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds (deselect with -m 'not slow')")
