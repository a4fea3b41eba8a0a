"""`swarmops threads migrate`: a person's SQLite conversations copied into the team's PostgreSQL.

Everything a thread needs to go on where it left off is copied: its entry in the thread list
(title and times), every checkpoint LangGraph saved with the writes still pending on it (so a
change left waiting for approval is still waiting), and the approvals already decided. The SQLite
file's threads are left as they are. A thread whose id is already in the database is skipped, never merged: two
histories under one id would interleave. Each thread is written checkpoints first, list entry last,
so a copy cut short is retried whole by the next run, and running the command twice copies nothing
the second time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swarmops.pgstate import PgThreadStore, open_pg_saver
from swarmops.threads import StateStoreError, ThreadInfo, ThreadStore, state_store_error


@dataclass
class Migration:
    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the database
    checkpoints: int = 0


def _thread_ids(path: Path, listed: list[ThreadInfo]) -> list[ThreadInfo]:
    """The listed threads, then any thread that has checkpoints but no list entry (titled by its id)."""
    with sqlite3.connect(path) as db:
        try:
            saved = [row[0] for row in db.execute("SELECT DISTINCT thread_id FROM checkpoints ORDER BY thread_id")]
        except sqlite3.OperationalError:  # no conversation was ever saved in this file
            saved = []
    known = {t.id for t in listed}
    now = time.time()  # when such a thread was used is not recorded: it lists as used now
    extra = [ThreadInfo(t, t, now, now) for t in saved if t not in known]
    return [*listed, *extra]


def _copy_checkpoints(source: Any, target: Any, thread_id: str) -> int:
    count = 0
    for saved in source.list({"configurable": {"thread_id": thread_id}}):
        conf = saved.config["configurable"]
        parent = (saved.parent_config or {}).get("configurable", {}).get("checkpoint_id")
        at = {"thread_id": thread_id, "checkpoint_ns": conf.get("checkpoint_ns", "")}
        target.put(
            {"configurable": {**at, **({"checkpoint_id": parent} if parent else {})}},
            saved.checkpoint,
            saved.metadata,
            saved.checkpoint["channel_versions"],  # every channel's value, not only the last step's
        )
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for task_id, channel, value in saved.pending_writes or []:
            by_task.setdefault(task_id, []).append((channel, value))
        for task_id, writes in by_task.items():
            target.put_writes({"configurable": {**at, "checkpoint_id": conf["checkpoint_id"]}}, writes, task_id)
        count += 1
    return count


@contextlib.contextmanager
def _sqlite_saver(path: Path) -> Iterator[Any]:
    from langgraph.checkpoint.sqlite import SqliteSaver

    with SqliteSaver.from_conn_string(str(path)) as saver:
        yield saver


def migrate(
    state_file: Path, url: str, dry_run: bool = False, progress: Callable[[ThreadInfo, str], None] | None = None
) -> Migration:
    """Copy every thread of `state_file` into the database at `url` (see the module docstring)."""
    if not state_file.is_file():
        raise StateStoreError(f"There is no conversation store at {state_file} to copy from (--from FILE names one).")
    target_threads = PgThreadStore(url)
    source_threads = ThreadStore(state_file)
    result = Migration()
    try:
        todo = _thread_ids(state_file, source_threads.list())
        with open_pg_saver(url) as target, _sqlite_saver(state_file) as source:
            for info in todo:
                if target_threads.get(info.id) is not None:
                    result.skipped.append(info.id)
                    status = "already in the database: skipped"
                elif dry_run:
                    result.copied.append(info.id)
                    status = "would be copied"
                else:
                    result.checkpoints += _copy_checkpoints(source, target, info.id)
                    target_threads.adopt(info, source_threads.decisions(info.id))
                    result.copied.append(info.id)
                    status = "copied"
                if progress is not None:
                    progress(info, status)
    except sqlite3.Error as exc:
        raise state_store_error(state_file, exc) from None
    finally:
        source_threads.close()
        target_threads.close()
    return result
