"""Conversations on PostgreSQL (`SWARMOPS_DATABASE_URL`), for a team: several swarmops processes
(replicas of the Slack bot, say) share threads, their checkpoints and the approvals left waiting.

The same things as the SQLite default and the audit file, in one database: LangGraph's checkpoints
(langgraph-checkpoint-postgres), the thread list, a table of decided approvals that makes a
decision count once however many processes receive it (a Slack click may land on any replica), and
the audit trail as an append-only table (swarmops.pgaudit).
Schemas are created at start-up, idempotently and under an advisory lock, so replicas starting
together do not race. Every connection has a timeout; errors name the database, never its password.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from swarmops.threads import StateStoreError, ThreadInfo
from swarmops.turnlock import PgTurnLock
from tools.masking import Masker

#: Seconds to wait for a connection (from the pool, or to the server).
CONNECT_TIMEOUT_S = 10
#: Any constant: one advisory lock serialises schema set-up across processes.
_SETUP_LOCK = 0x5A4D0F5
_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS swarmops_threads ("
    "id TEXT PRIMARY KEY, title TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS swarmops_decisions ("
    "thread_id TEXT NOT NULL, interrupt_id TEXT NOT NULL, decided DOUBLE PRECISION NOT NULL, "
    "PRIMARY KEY (thread_id, interrupt_id))",
    # The audit trail: rows are added, never changed or removed (the trigger refuses it, even to us).
    "CREATE TABLE IF NOT EXISTS swarmops_audit ("
    "id BIGSERIAL PRIMARY KEY, ts DOUBLE PRECISION NOT NULL, thread TEXT NOT NULL, tool TEXT NOT NULL, "
    "entry JSONB NOT NULL)",
    "CREATE OR REPLACE FUNCTION swarmops_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'swarmops_audit is append-only: % refused', TG_OP; END $$",
    "CREATE OR REPLACE TRIGGER swarmops_audit_no_change BEFORE UPDATE OR DELETE ON swarmops_audit "
    "FOR EACH ROW EXECUTE FUNCTION swarmops_audit_append_only()",
    "CREATE OR REPLACE TRIGGER swarmops_audit_no_truncate BEFORE TRUNCATE ON swarmops_audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION swarmops_audit_append_only()",
    # MCP confirm tokens (swarmops.pgtokens), by the SHA-256 of the token.
    "CREATE TABLE IF NOT EXISTS swarmops_confirm_tokens ("
    "key TEXT PRIMARY KEY, tool TEXT NOT NULL, args TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL)",
]


#: The pool logs each failed reconnection attempt; the error a person gets already says why, once.
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)


def where(url: str) -> str:
    """The database a URL names, for messages: host, port and name, no user or password."""
    parts = urlsplit(url)
    return f"PostgreSQL {parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


def _cause(url: str, exc: BaseException) -> BaseException:
    """Why a pool could not open ("connection refused", "password authentication failed"), where the
    pool itself only says it timed out: one direct attempt names it."""
    import psycopg
    from psycopg_pool import PoolTimeout

    if not isinstance(exc, PoolTimeout):
        return exc
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
    except psycopg.Error as direct:
        return direct
    return exc


def database_error(url: str, exc: BaseException) -> StateStoreError:
    """Words for a database failure: where, what, and that nothing was changed by the failed step."""
    exc = _cause(url, exc)
    text = " ".join(str(exc).split()).replace(url, where(url)).rstrip(".")
    end = "" if text.endswith(("?", "!")) else "."
    return StateStoreError(
        f"The conversation store ({where(url)}) failed: {text}{end} Check that the database is up and reachable; "
        "the thread is intact and the turn can be asked again."
    )


@contextlib.contextmanager
def in_words(url: str) -> Iterator[None]:
    """A database or pool failure inside becomes `database_error`'s StateStoreError."""
    import psycopg
    from psycopg_pool import PoolTimeout

    try:
        yield
    except (psycopg.Error, PoolTimeout) as exc:
        raise database_error(url, exc) from None


def open_pool(url: str, max_size: int) -> Any:
    """A pool of autocommit connections to `url`, with the schema in place (set up once, under the lock)."""
    import psycopg
    from psycopg_pool import ConnectionPool, PoolTimeout

    pool = ConnectionPool(
        url, min_size=1, max_size=max_size, timeout=CONNECT_TIMEOUT_S, open=False,
        kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
        check=ConnectionPool.check_connection,  # after a database restart, no stale connection is handed out
    )  # fmt: skip
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()  # a refusal is said now, not after 10 s
        pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        with pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_SETUP_LOCK,))
            try:
                for statement in _SCHEMA:
                    conn.execute(statement)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))
    except (psycopg.Error, PoolTimeout) as exc:
        pool.close()
        raise database_error(url, exc) from None
    return pool


class PgThreadStore:
    """The thread list and the decided approvals, with the interface of `swarmops.threads.ThreadStore`."""

    def __init__(self, url: str, masker: Masker | None = None) -> None:
        self.url = url
        self.where = where(url)
        self._masker = masker or Masker()
        self._pool = open_pool(url, max_size=4)

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with in_words(self.url), self._pool.connection() as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else cur.rowcount

    def touch(self, thread_id: str, first_text: str) -> None:
        now = time.time()
        title = " ".join(self._masker.text(first_text).split())[:60] or thread_id
        self._run(
            "INSERT INTO swarmops_threads(id, title, created, updated) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET updated = EXCLUDED.updated",
            (thread_id, title, now, now),
        )

    def list(self) -> list[ThreadInfo]:
        rows = self._run("SELECT id, title, created, updated FROM swarmops_threads ORDER BY updated DESC")
        return [self._info(row) for row in rows]

    def get(self, thread_id: str) -> ThreadInfo | None:
        rows = self._run("SELECT id, title, created, updated FROM swarmops_threads WHERE id = %s", (thread_id,))
        return self._info(rows[0]) if rows else None

    def _info(self, row: tuple[str, str, float, float]) -> ThreadInfo:
        thread_id, title, created, updated = row
        return ThreadInfo(thread_id, self._masker.text(title), created, updated)

    def rename(self, thread_id: str, title: str) -> bool:
        changed = self._run(
            "UPDATE swarmops_threads SET title = %s WHERE id = %s", (self._masker.text(title.strip()), thread_id)
        )
        return changed > 0

    def delete(self, thread_id: str) -> bool:
        self._run("DELETE FROM swarmops_decisions WHERE thread_id = %s", (thread_id,))
        return self._run("DELETE FROM swarmops_threads WHERE id = %s", (thread_id,)) > 0

    def adopt(self, info: ThreadInfo, decisions: list[tuple[str, float]]) -> None:
        """Add a thread copied from elsewhere (`swarmops threads migrate`) with its times and decisions."""
        with in_words(self.url), self._pool.connection() as conn, conn.transaction():
            for interrupt_id, decided in decisions:
                conn.execute(
                    "INSERT INTO swarmops_decisions(thread_id, interrupt_id, decided) VALUES (%s, %s, %s) "
                    "ON CONFLICT DO NOTHING",
                    (info.id, interrupt_id, decided),
                )
            conn.execute(
                "INSERT INTO swarmops_threads(id, title, created, updated) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                (info.id, self._masker.text(info.title), info.created, info.updated),
            )

    #: Whether other processes elsewhere use the same store (then nothing about a thread is cached).
    shared = True

    def claim(self, thread_id: str, interrupt_id: str) -> bool:
        """True for the one process that decides this waiting change; False when one already did."""
        inserted = self._run(
            "INSERT INTO swarmops_decisions(thread_id, interrupt_id, decided) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            (thread_id, interrupt_id, time.time()),
        )
        return inserted == 1

    def turn_lock(self, thread_id: str) -> PgTurnLock:
        """Held while a turn runs on the thread, so replicas take turns (swarmops.turnlock)."""
        return PgTurnLock(self.url, thread_id, CONNECT_TIMEOUT_S)

    def store_error(self, exc: BaseException) -> StateStoreError | None:
        """The failure in a person's words when it is the database's, else None."""
        import psycopg
        from psycopg_pool import PoolTimeout

        return database_error(self.url, exc) if isinstance(exc, psycopg.Error | PoolTimeout) else None

    def close(self) -> None:
        self._pool.close()


@contextlib.asynccontextmanager
async def open_pg_checkpointer(url: str) -> AsyncIterator[Any]:
    """LangGraph's checkpointer on a pool of connections; its migrations run once, under the lock."""
    import psycopg
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool, PoolTimeout

    kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row, "connect_timeout": CONNECT_TIMEOUT_S}
    pool = AsyncConnectionPool(
        url, min_size=1, max_size=8, timeout=CONNECT_TIMEOUT_S, kwargs=kwargs, open=False,
        check=AsyncConnectionPool.check_connection,
    )  # fmt: skip
    try:
        await (await psycopg.AsyncConnection.connect(url, connect_timeout=CONNECT_TIMEOUT_S)).close()
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        saver = AsyncPostgresSaver(pool)
        async with pool.connection() as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (_SETUP_LOCK,))
            try:
                await saver.setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))
    except (psycopg.Error, PoolTimeout) as exc:
        await pool.close()
        raise database_error(url, exc) from None
    try:
        yield saver
    finally:
        await pool.close()


@contextlib.contextmanager
def open_pg_saver(url: str) -> Iterator[Any]:
    """LangGraph's checkpointer on one plain connection, for commands (threads delete, migrate)."""
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    options: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0, "connect_timeout": CONNECT_TIMEOUT_S}
    try:
        with psycopg.connect(url, row_factory=dict_row, **options) as conn:
            saver = PostgresSaver(conn)
            conn.execute("SELECT pg_advisory_lock(%s)", (_SETUP_LOCK,))
            try:
                saver.setup()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))
            yield saver
    except psycopg.Error as exc:
        raise database_error(url, exc) from None
