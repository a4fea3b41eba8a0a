"""Where conversations live: SQLite in the data dir by default, PostgreSQL when `SWARMOPS_DATABASE_URL`
is set (a team's processes then share them). Both give the session a LangGraph checkpointer and a
thread store with the same methods (list, touch, rename, delete, claim, store_error), and the tool
gate an audit sink (the audit.jsonl file, or the append-only table)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from swarmops.pgstate import PgThreadStore
from swarmops.settings import Settings
from swarmops.threads import ThreadStore
from tools.audit import AuditLog, AuditSink
from tools.masking import Masker

Threads = ThreadStore | PgThreadStore


def database_url(settings: Settings) -> str | None:
    secret = settings.database_url
    return secret.get_secret_value() if secret is not None else None


@contextlib.asynccontextmanager
async def open_conversations(settings: Settings, data_dir: Path, masker: Masker) -> AsyncIterator[tuple[Any, Threads]]:
    """(checkpointer, thread store), closed together."""
    url = database_url(settings)
    if url is None:
        from swarmops.checkpoints import open_checkpointer

        async with open_checkpointer(data_dir / "state.sqlite") as saver:
            threads = ThreadStore(data_dir / "state.sqlite", masker)
            try:
                yield saver, threads
            finally:
                threads.close()
        return
    from swarmops.pgstate import open_pg_checkpointer

    async with open_pg_checkpointer(url) as saver:
        store = PgThreadStore(url, masker)
        try:
            yield saver, store
        finally:
            store.close()


def open_threads(settings: Settings, data_dir: Path) -> Threads:
    """The thread list alone (the `threads` command)."""
    url = database_url(settings)
    return PgThreadStore(url) if url else ThreadStore(data_dir / "state.sqlite")


def delete_checkpoints(settings: Settings, data_dir: Path, thread_id: str) -> None:
    """A thread's saved conversation state, wherever it lives."""
    url = database_url(settings)
    if url is None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        with SqliteSaver.from_conn_string(str(data_dir / "state.sqlite")) as saver:
            saver.delete_thread(thread_id)
        return
    from swarmops.pgstate import open_pg_saver

    with open_pg_saver(url) as saver:
        saver.delete_thread(thread_id)


@contextlib.contextmanager
def open_audit(settings: Settings, data_dir: Path, masker: Masker) -> Iterator[AuditSink]:
    """Where the tool gate records every call: `<data dir>/audit.jsonl`, or the database's table."""
    url = database_url(settings)
    if url is None:
        yield AuditLog(data_dir / "audit.jsonl", masker)
        return
    from swarmops.pgaudit import PgAuditLog

    audit = PgAuditLog(url, masker)
    try:
        yield audit
    finally:
        audit.close()
