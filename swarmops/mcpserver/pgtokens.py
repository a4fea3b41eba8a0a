"""MCP confirm tokens in PostgreSQL (`SWARMOPS_DATABASE_URL`), shared by every MCP server replica.

A client's preview may be answered by one pod and its confirming call routed to another: the token
has to be where both look. `take` is a single DELETE ... RETURNING, so when two replicas are handed
the same token at once, exactly one gets it and the change runs once. Only the token's hash is stored.
"""

from __future__ import annotations

from swarmops.mcpserver.tokens import Issued
from swarmops.pgstate import in_words, open_pool


class PgTokens:
    """`swarmops.mcpserver.tokens.TokenStore` on the `swarmops_confirm_tokens` table."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._pool = open_pool(url, max_size=2)

    def put(self, key: str, issued: Issued, now: float) -> None:
        with in_words(self._url), self._pool.connection() as conn:
            conn.execute("DELETE FROM swarmops_confirm_tokens WHERE expires <= %s", (now,))
            conn.execute(
                "INSERT INTO swarmops_confirm_tokens(key, tool, args, expires) VALUES (%s, %s, %s, %s)",
                (key, issued.tool, issued.args, issued.expires),
            )

    def take(self, key: str) -> Issued | None:
        with in_words(self._url), self._pool.connection() as conn:
            row = conn.execute(
                "DELETE FROM swarmops_confirm_tokens WHERE key = %s RETURNING tool, args, expires", (key,)
            ).fetchone()
        return Issued(row[0], row[1], row[2]) if row else None

    def close(self) -> None:
        self._pool.close()
