"""Guides stored in SQLite, keyed by the block's text hash, the model and the output settings.

Safe with several server processes (WAL, busy timeout). A broken store never breaks a request: a corrupt
database is moved aside and rebuilt; a locked, read-only or full one is skipped with a log line.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from blockguide.core.types import Example, FieldOutcome, Guide, Provenance, Step

log = logging.getLogger(__name__)

LOCKED_PAUSE = 60.0  # seconds without the store after it was found locked (each try waits the busy timeout)

SCHEMA = """
CREATE TABLE IF NOT EXISTS guides (
    block_hash TEXT NOT NULL,
    settings_key TEXT NOT NULL,
    guide TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (block_hash, settings_key)
);
CREATE INDEX IF NOT EXISTS guides_by_block ON guides (block_hash, created);
"""


def default_path() -> Path:
    env = os.environ.get("BLOCKGUIDE_CACHE_DIR")
    if env:
        return Path(env) / "guides.sqlite3"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("blockguide", appauthor=False)) / "guides.sqlite3"


def guide_to_json(guide: Guide) -> str:
    return json.dumps(guide.to_dict())


def guide_from_json(text: str) -> Guide:
    """A stored guide; ValueError, KeyError or TypeError when the entry is not one (a damaged or edited file
    must not hand the renderer a number where it expects text)."""
    data = json.loads(text)

    def string(value) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {type(value).__name__}")
        return value

    return Guide(
        title=string(data["title"]), description=string(data["description"]),
        steps=tuple(Step(string(s["label"]), string(s["detail"])) for s in data["steps"]),
        example=Example(string(data["example"]["language"]), string(data["example"]["code"])),
        model=string(data.get("model", "")), notes=tuple(string(n) for n in data.get("notes", ())),
        provenance=_provenance(data.get("provenance")),
    )


def _provenance(data) -> Provenance | None:
    """How a stored guide was made; None for a guide stored without it, or with a damaged record (the guide
    itself is still good)."""
    if not isinstance(data, dict):
        return None
    try:
        texts = lambda key: tuple(str(t) for t in data.get(key, ()))  # noqa: E731
        fields = tuple(FieldOutcome(str(f["field"]), str(f["source"]), tuple(str(r) for r in f.get("reasons", ())))
                       for f in data.get("fields", ()))
        return Provenance(str(data["model"]), str(data["role"]), fields, texts("checks"), texts("notes"))
    except (KeyError, TypeError, AttributeError):
        return None


class GuideCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self._paused_until = 0.0  # after the store was found locked: skip it for a while
        self._read_only = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._conn is not None:
            return self._conn
        conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=2000")
            conn.executescript(SCHEMA)
            self._conn = conn
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if "not a database" in str(exc) or "malformed" in str(exc):
                self._rebuild(exc)
                return self._connect() if not self._disabled else None
            if "locked" in str(exc) or "busy" in str(exc):  # another process holds it now: try again later
                log.warning("guide cache %s is locked (%s); skipping it for now", self.path, exc)
                self._paused_until = time.monotonic() + LOCKED_PAUSE
                return None
            if not self._open_read_only(exc):
                self._give_up(exc)
        except OSError as exc:
            if not self._open_read_only(exc):
                self._give_up(exc)
        return self._conn

    def _open_read_only(self, exc: Exception) -> bool:
        """A store we may not write (read-only file, folder or file system) can still be read."""
        if not self.path.is_file():
            return False
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
            conn.execute("SELECT guide FROM guides LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            return False
        log.warning("guide cache %s cannot be written (%s); reading it, storing nothing", self.path, exc)
        self._conn, self._read_only = conn, True
        return True

    def _rebuild(self, exc: Exception) -> None:
        broken = self.path.with_suffix(f".broken-{int(time.time())}")
        log.warning("guide cache %s is damaged (%s); moving it to %s and starting a new one", self.path, exc, broken)
        try:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(self.path) + suffix)
                if p.exists():
                    p.rename(Path(str(broken) + suffix))
        except OSError as err:
            self._give_up(err)

    def _give_up(self, exc: Exception) -> None:
        log.warning("guide cache %s is not usable (%s); working without it", self.path, exc)
        self._disabled = True
        self._conn = None

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            if time.monotonic() < self._paused_until:
                return []
            conn = self._connect()
            if conn is None:
                return []
            try:
                return conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                if "malformed" in str(exc) or "not a database" in str(exc):
                    self._conn = None
                    conn.close()
                    self._rebuild(exc)
                else:  # locked past the timeout, read-only, disk full: skip this one operation
                    log.warning("guide cache: %s", exc)
                    if "locked" in str(exc) or "busy" in str(exc):
                        # another process holds the store: do not make every guide wait out the busy timeout
                        self._paused_until = time.monotonic() + LOCKED_PAUSE
                return []

    def get(self, block_hash: str, settings_key: str) -> Guide | None:
        rows = self._run("SELECT guide FROM guides WHERE block_hash=? AND settings_key=?", (block_hash, settings_key))
        return self._load(rows)

    def latest(self, block_hash: str) -> Guide | None:
        """The newest guide for a block's text, whatever model or settings drafted it (for hover)."""
        rows = self._run("SELECT guide FROM guides WHERE block_hash=? ORDER BY created DESC LIMIT 1", (block_hash,))
        return self._load(rows)

    def put(self, block_hash: str, settings_key: str, guide: Guide) -> None:
        if self._read_only:
            return
        self._run(
            "INSERT OR REPLACE INTO guides (block_hash, settings_key, guide, created) VALUES (?, ?, ?, ?)",
            (block_hash, settings_key, guide_to_json(guide), time.time()),
        )

    @staticmethod
    def _load(rows: list[tuple]) -> Guide | None:
        if not rows:
            return None
        try:
            return guide_from_json(rows[0][0])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("guide cache: unreadable entry skipped (%s)", exc)
            return None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
