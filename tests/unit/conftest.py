"""tests/unit starts no process: the real toolchain's example checks (go vet, cc) are off here, except in
tests/unit/core/checks/test_toolchain.py, which turns them on."""

from __future__ import annotations

import pytest

from blockguide.core.checks import toolchain


@pytest.fixture(autouse=True)
def no_toolchain(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", False)
