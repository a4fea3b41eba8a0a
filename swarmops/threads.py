"""Thread titles and timestamps, next to LangGraph's checkpoints in the same SQLite file.

The checkpointer stores conversation state but not what a person needs to pick a thread from a
list (a title, when it was last used), so that lives in one small table here.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from swarmops.privacy import touch_private
from swarmops.turnlock import FreeLock
from tools.masking import Masker


@dataclass(frozen=True)
class ThreadInfo:
    id: str
    title: str
    created: float
    updated: float


#: Seconds to wait for another process (another swarmops on the same data dir) to finish writing.
BUSY_TIMEOUT_S = 10.0


class StateStoreError(RuntimeError):
    """The conversation store cannot be used; the message is for a person and names the file."""


def state_store_error(path: Path, exc: BaseException) -> StateStoreError:
    """Words for an SQLite failure on `path`: damaged, busy, or not writable."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StateStoreError(
            f"The conversation store {path} is in use by another process and stayed locked for "
            f"{BUSY_TIMEOUT_S:.0f} s ({text}). Close the other swarmops (or whatever holds the file) "
            "and try again; nothing was changed."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return StateStoreError(
            f"The conversation store {path} is damaged ({text}). swarmops left it untouched. "
            f"To start afresh, move it aside (mv {path} {path}.damaged); to keep your threads, "
            "restore it from a backup or try `sqlite3 FILE .recover`."
        )
    if "readonly" in lowered or "permission" in lowered or "unable to open" in lowered:
        return StateStoreError(f"The conversation store {path} cannot be opened for writing ({text}).")
    return StateStoreError(f"The conversation store {path} failed: {text}")


class ThreadStore:
    def __init__(self, path: Path, masker: Masker | None = None) -> None:
        self.path = path
        #: What the store is, for messages (the PostgreSQL store names its database here).
        self.where = str(path)
        #: Titles quote what a person typed, which may be a key they pasted: masked going in and out.
        self._masker = masker or Masker()
        touch_private(path)
        with self._errors():
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS swarmops_threads ("
                "id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS swarmops_decisions (thread_id TEXT NOT NULL, interrupt_id TEXT NOT NULL, "
                "decided REAL NOT NULL, PRIMARY KEY (thread_id, interrupt_id))"
            )
            self._db.commit()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise state_store_error(self.path, exc) from None

    def touch(self, thread_id: str, first_text: str) -> None:
        """Record use of a thread; its title comes from the first thing the user said."""
        now = time.time()
        title = " ".join(self._masker.text(first_text).split())[:60] or thread_id
        with self._errors():
            self._db.execute(
                "INSERT INTO swarmops_threads(id, title, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated",
                (thread_id, title, now, now),
            )
            self._db.commit()

    def list(self) -> list[ThreadInfo]:
        with self._errors():
            rows = self._db.execute(
                "SELECT id, title, created, updated FROM swarmops_threads ORDER BY updated DESC"
            ).fetchall()
        return [self._info(row) for row in rows]

    def get(self, thread_id: str) -> ThreadInfo | None:
        with self._errors():
            row = self._db.execute(
                "SELECT id, title, created, updated FROM swarmops_threads WHERE id = ?", (thread_id,)
            ).fetchone()
        return self._info(row) if row else None

    def _info(self, row: tuple[str, str, float, float]) -> ThreadInfo:
        """Titles stored by older versions were not masked: mask on the way out as well."""
        thread_id, title, created, updated = row
        return ThreadInfo(thread_id, self._masker.text(title), created, updated)

    def rename(self, thread_id: str, title: str) -> bool:
        with self._errors():
            cur = self._db.execute(
                "UPDATE swarmops_threads SET title = ? WHERE id = ?", (self._masker.text(title.strip()), thread_id)
            )
            self._db.commit()
        return cur.rowcount > 0

    def delete(self, thread_id: str) -> bool:
        with self._errors():
            self._db.execute("DELETE FROM swarmops_decisions WHERE thread_id = ?", (thread_id,))
            cur = self._db.execute("DELETE FROM swarmops_threads WHERE id = ?", (thread_id,))
            self._db.commit()
        return cur.rowcount > 0

    #: Whether other processes elsewhere use the same store (then nothing about a thread is cached).
    shared = False

    def claim(self, thread_id: str, interrupt_id: str) -> bool:
        """True for the one process that decides this waiting change; False when one already did
        (two windows on one data dir, or a replica on a shared database, answering the same approval)."""
        with self._errors():
            cur = self._db.execute(
                "INSERT OR IGNORE INTO swarmops_decisions(thread_id, interrupt_id, decided) VALUES (?, ?, ?)",
                (thread_id, interrupt_id, time.time()),
            )
            self._db.commit()
        return cur.rowcount == 1

    def decisions(self, thread_id: str) -> list[tuple[str, float]]:
        """(interrupt id, when) of the approvals decided in a thread, for `swarmops threads migrate`."""
        with self._errors():
            rows = self._db.execute(
                "SELECT interrupt_id, decided FROM swarmops_decisions WHERE thread_id = ?", (thread_id,)
            ).fetchall()
        return [(str(i), float(d)) for i, d in rows]

    def turn_lock(self, thread_id: str) -> FreeLock:
        """No other process shares this store: see swarmops.turnlock."""
        return FreeLock()

    def store_error(self, exc: BaseException) -> StateStoreError | None:
        """The failure in a person's words when it is this store's (SQLite's), else None."""
        return state_store_error(self.path, exc) if isinstance(exc, sqlite3.Error) else None

    def close(self) -> None:
        self._db.close()
