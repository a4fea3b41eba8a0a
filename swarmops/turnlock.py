"""One turn at a time per thread, across every process that shares the conversations.

LangGraph saves a thread as a chain of checkpoints; two turns running on one thread at once (two
Slack messages in one thread reaching two replicas) would both continue from the same checkpoint
and fork the conversation. On PostgreSQL a turn therefore holds an advisory lock keyed by its
thread, on a connection of its own: a second turn waits for the first and is told so, and a
process that dies mid-turn frees the lock with its connection. A SQLite store is one person's, so
its lock is free (the Slack bot and the chat also serialise a thread's turns within a process).
"""

from __future__ import annotations

from typing import Any, Protocol

from agents.events import Status


class TurnLock(Protocol):
    async def try_acquire(self) -> bool: ...
    async def acquire(self) -> None: ...
    async def release(self) -> None: ...


class FreeLock:
    """The lock of a store no other process shares."""

    async def try_acquire(self) -> bool:
        return True

    async def acquire(self) -> None:
        return None

    async def release(self) -> None:
        return None


class PgTurnLock:
    """`pg_advisory_lock` on the thread's id, held by a connection opened for this turn only."""

    def __init__(self, url: str, thread_id: str, connect_timeout: float) -> None:
        self._url, self._thread_id, self._timeout = url, thread_id, connect_timeout
        self._conn: Any = None

    async def _query(self, sql: str) -> Any:
        import psycopg

        if self._conn is None:
            self._conn = await psycopg.AsyncConnection.connect(
                self._url, autocommit=True, connect_timeout=self._timeout
            )
        cur = await self._conn.execute(sql, (self._thread_id,))
        return await cur.fetchone()

    async def try_acquire(self) -> bool:
        row = await self._query("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))")
        return bool(row and row[0])

    async def acquire(self) -> None:
        await self._query("SELECT pg_advisory_lock(hashtextextended(%s, 0))")

    async def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()  # ends the session, which releases its advisory locks


def waiting_status() -> Status:
    """What the person is told while their turn waits for another process's turn on the thread."""
    return Status(
        source="conversations",
        state="waiting",
        message="another swarmops process is answering in this thread; this turn starts when it is done",
    )
