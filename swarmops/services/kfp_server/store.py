"""SQLite persistence for pipelines, versions, experiments and runs.

Records are stored as the JSON objects the API returns (plus a few indexed columns), because the API
is a thin view over them and collections stay small (one user, one machine): filtering and sorting in
Python (filters.py) is simpler than mapping KFP's filter language to SQL and fast enough.
One connection guarded by a lock: the server is one process and sqlite handles the rest.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

Record = dict[str, Any]

_TABLES = {
    "pipelines": ("display_name",),
    "versions": ("pipeline_id", "display_name"),
    "experiments": ("display_name",),
    "runs": ("experiment_id", "state"),
}
_ID_KEYS = {
    "pipelines": "pipeline_id",
    "versions": "pipeline_version_id",
    "experiments": "experiment_id",
    "runs": "run_id",
}
DEFAULT_EXPERIMENT = "Default"


def now_iso() -> str:
    """RFC 3339 in UTC with microseconds: what kfp_server_api parses and what sorts correctly as text."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid.uuid4())


class Store:
    """Thread-safe CRUD over JSON records, one table per resource kind."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        for table, columns in _TABLES.items():
            extra = "".join(f", {c} TEXT" for c in columns)
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, created_at TEXT{extra}, data TEXT)"
            )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- generic ---------------------------------------------------------------------------------
    def put(self, table: str, record: Record) -> Record:
        """Insert or replace `record` (keyed by its id field)."""
        columns = _TABLES[table]
        values = [record[_ID_KEYS[table]], record.get("created_at", now_iso()), *(record.get(c) for c in columns)]
        names = ", ".join(["id", "created_at", *columns, "data"])
        marks = ", ".join("?" * (len(values) + 1))
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", [*values, json.dumps(record)]
            )
        return record

    def get(self, table: str, record_id: str) -> Record | None:
        with self._lock:
            row = self._db.execute(f"SELECT data FROM {table} WHERE id = ?", (record_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def all(self, table: str, **where: str) -> list[Record]:
        """Every record, oldest first, optionally restricted by indexed columns (`where`)."""
        clause = " AND ".join(f"{k} = ?" for k in where)
        sql = f"SELECT data FROM {table}" + (f" WHERE {clause}" if clause else "") + " ORDER BY created_at, rowid"
        with self._lock:
            rows = self._db.execute(sql, list(where.values())).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete(self, table: str, record_id: str) -> bool:
        with self._lock:
            return self._db.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,)).rowcount > 0

    def update(self, table: str, record_id: str, **changes: Any) -> Record | None:
        """Read-modify-write under the lock so concurrent updaters (API, run monitors) don't lose fields."""
        with self._lock:
            record = self.get(table, record_id)
            if record is None:
                return None
            record.update(changes)
            return self.put(table, record)

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- domain helpers --------------------------------------------------------------------------
    def default_experiment(self) -> Record:
        """The "Default" experiment runs land in when the caller names none (as in real KFP)."""
        with self._lock:
            for exp in self.all("experiments", display_name=DEFAULT_EXPERIMENT):
                return exp
            return self.put(
                "experiments",
                {
                    "experiment_id": new_id(),
                    "display_name": DEFAULT_EXPERIMENT,
                    "description": "All runs created without specifying an experiment are grouped here.",
                    "created_at": now_iso(),
                    "namespace": "",
                    "storage_state": "AVAILABLE",
                },
            )
