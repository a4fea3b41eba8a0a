"""Where conversations live: SQLite in the data dir by default, PostgreSQL when `SWARMOPS_DATABASE_URL`
is set (a team's processes then share them). Both give the session a LangGraph checkpointer and a
thread store with the same methods (list, touch, rename, delete, claim, store_error)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from swarmops.pgstate import PgThreadStore
from swarmops.threads import ThreadStore
from tools.masking import Masker

Threads = ThreadStore | PgThreadStore


def database_url(settings: Any) -> str | None:
    secret = getattr(settings, "database_url", None)
    return secret.get_secret_value() if secret is not None else None


@contextlib.asynccontextmanager
async def open_conversations(settings: Any, data_dir: Path, masker: Masker) -> AsyncIterator[tuple[Any, Threads]]:
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


def open_threads(settings: Any, data_dir: Path) -> Threads:
    """The thread list alone (the `threads` command)."""
    url = database_url(settings)
    return PgThreadStore(url) if url else ThreadStore(data_dir / "state.sqlite")


def delete_checkpoints(settings: Any, data_dir: Path, thread_id: str) -> None:
    """A thread's saved conversation state, wherever it lives."""
    url = database_url(settings)
    if url is None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        with SqliteSaver.from_conn_string(str(data_dir / "state.sqlite")) as saver:
            saver.delete_thread(thread_id)
        return
    from langgraph.checkpoint.postgres import PostgresSaver

    with PostgresSaver.from_conn_string(url) as saver:
        saver.delete_thread(thread_id)
