from __future__ import annotations

import sqlite3

from blockguide.cache import GuideCache
from blockguide.core.types import Example, Guide, Step

G = Guide("T", "D", (Step("a", "b"),), Example("python", "x"), "m", ("note",))


def test_put_get_latest_roundtrip(tmp_path):
    cache = GuideCache(tmp_path / "g.sqlite3")
    assert cache.get("h", "k") is None
    cache.put("h", "k", G)
    assert cache.get("h", "k") == G
    assert cache.get("h", "other") is None
    newer = Guide("T2", "D", G.steps, G.example, "m2")
    cache.put("h", "k2", newer)
    assert cache.latest("h") == newer


def test_two_processes_share_it(tmp_path):
    a, b = GuideCache(tmp_path / "g.sqlite3"), GuideCache(tmp_path / "g.sqlite3")
    a.put("h", "k", G)
    assert b.get("h", "k") == G


def test_a_corrupt_database_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "g.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = GuideCache(path)
    cache.put("h", "k", G)
    assert cache.get("h", "k") == G
    assert list(tmp_path.glob("g.broken-*"))


def test_an_unusable_location_means_working_without_a_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = GuideCache(blocker / "sub" / "g.sqlite3")  # parent is a file: cannot be created
    cache.put("h", "k", G)
    assert cache.get("h", "k") is None


def test_an_unreadable_entry_is_skipped(tmp_path):
    path = tmp_path / "g.sqlite3"
    cache = GuideCache(path)
    cache.put("h", "k", G)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE guides SET guide='{broken'")
    assert cache.get("h", "k") is None
