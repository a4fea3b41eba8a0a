"""Thread titles and timestamps, next to LangGraph's checkpoints in the same SQLite file.

The checkpointer stores conversation state but not what a person needs to pick a thread from a
list (a title, when it was last used), so that lives in one small table here.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ThreadInfo:
    id: str
    title: str
    created: float
    updated: float


class ThreadStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS swarmops_threads ("
            "id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL)"
        )
        self._db.commit()

    def touch(self, thread_id: str, first_text: str) -> None:
        """Record use of a thread; its title comes from the first thing the user said."""
        now = time.time()
        title = " ".join(first_text.split())[:60] or thread_id
        self._db.execute(
            "INSERT INTO swarmops_threads(id, title, created, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated",
            (thread_id, title, now, now),
        )
        self._db.commit()

    def list(self) -> list[ThreadInfo]:
        rows = self._db.execute(
            "SELECT id, title, created, updated FROM swarmops_threads ORDER BY updated DESC"
        ).fetchall()
        return [ThreadInfo(*row) for row in rows]

    def get(self, thread_id: str) -> ThreadInfo | None:
        row = self._db.execute(
            "SELECT id, title, created, updated FROM swarmops_threads WHERE id = ?", (thread_id,)
        ).fetchone()
        return ThreadInfo(*row) if row else None

    def rename(self, thread_id: str, title: str) -> bool:
        cur = self._db.execute("UPDATE swarmops_threads SET title = ? WHERE id = ?", (title.strip(), thread_id))
        self._db.commit()
        return cur.rowcount > 0

    def delete(self, thread_id: str) -> bool:
        cur = self._db.execute("DELETE FROM swarmops_threads WHERE id = ?", (thread_id,))
        self._db.commit()
        return cur.rowcount > 0

    def close(self) -> None:
        self._db.close()
