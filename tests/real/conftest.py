"""Fixtures for tests against a real Ollama with the bundled model (marker real_ollama).

They skip when no binary or model is there (`bash scripts/ollama.sh setup` makes both),
unless BLOCKGUIDE_REQUIRE_REAL_OLLAMA=1, when they fail instead (for CI).
"""

from __future__ import annotations

import os

import pytest

from tests.support.real_ollama import real_ollama, unavailable_reason


@pytest.fixture(scope="session")
def ollama_host():
    """Host URL of a real Ollama (BLOCKGUIDE_TEST_OLLAMA_HOST, or one started for the session)."""
    reason = unavailable_reason()
    if reason:
        if os.environ.get("BLOCKGUIDE_REQUIRE_REAL_OLLAMA") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with real_ollama() as host:
        yield host
