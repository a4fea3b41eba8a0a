"""The SQLite checkpointer, tuned for a chat app, and what a damaged or busy state file means.

WAL with synchronous=NORMAL survives any crash of the app (only a power loss can drop the last
commits), and skips an fsync per graph step: that is most of the per-turn overhead otherwise.

A state file that is damaged or held by another process is reported as a `StateStoreError` that
says which file, what is wrong and what to do, and the file is never modified, deleted or
recreated behind the person's back: their threads may still be recoverable from it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from swarmops.privacy import touch_private
from swarmops.threads import BUSY_TIMEOUT_S, state_store_error


@contextlib.asynccontextmanager
async def open_checkpointer(path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    touch_private(path)  # conversations are private; SQLite gives its -wal/-shm files the same mode
    try:
        conn = await aiosqlite.connect(str(path), timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise state_store_error(path, exc) from None
    try:
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            saver = AsyncSqliteSaver(conn)
            await saver.setup()
        except sqlite3.Error as exc:
            raise state_store_error(path, exc) from None
        yield saver
    finally:
        await conn.close()
