"""Single-use confirm tokens: a change previewed now runs later only exactly as previewed.

A token is bound to the tool and its exact arguments (canonical JSON) and expires after `ttl`
seconds; it is removed when used, so a replay, a token for other arguments, or an old one is
refused and nothing runs. Tokens live in the process, or, with `SWARMOPS_DATABASE_URL`, in the
database (pgtokens.py), so a preview answered by one replica can be confirmed through
another, and still only once. Only a token's SHA-256 is kept: the store never holds a usable token.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from swarmops.settings import Settings

DEFAULT_TTL_S = 300.0


@dataclass(frozen=True)
class Issued:
    tool: str
    args: str  # canonical JSON
    expires: float  # epoch seconds


class TokenStore(Protocol):
    def put(self, key: str, issued: Issued, now: float) -> None:
        """Keep `issued` under `key`, dropping whatever expired before `now`."""

    def take(self, key: str) -> Issued | None:
        """Remove and return what `key` holds: whoever takes it first, in any process, gets it."""


class MemoryTokens:
    """Tokens in this process (stdio, or one HTTP replica)."""

    def __init__(self) -> None:
        self._issued: dict[str, Issued] = {}
        self._lock = threading.Lock()

    def put(self, key: str, issued: Issued, now: float) -> None:
        with self._lock:
            self._issued = {k: v for k, v in self._issued.items() if v.expires > now}
            self._issued[key] = issued

    def take(self, key: str) -> Issued | None:
        with self._lock:
            return self._issued.pop(key, None)


def _canonical(args: dict[str, Any]) -> str:
    return json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConfirmTokens:
    def __init__(
        self, ttl: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.time, store: TokenStore | None = None
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._store: TokenStore = store if store is not None else MemoryTokens()

    def issue(self, tool: str, args: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(18)
        now = self._clock()
        self._store.put(_key(token), Issued(tool, _canonical(args), now + self.ttl), now)
        return token

    def redeem(self, token: str, tool: str, args: dict[str, Any]) -> str | None:
        """None when `token` confirms exactly this call (and is used up); else why not, in words."""
        issued = self._store.take(_key(token))
        if issued is None:
            return "this confirm_token is unknown or was already used"
        if issued.expires <= self._clock():
            return f"this confirm_token expired (tokens last {self.ttl:.0f} s)"
        if issued.tool != tool or issued.args != _canonical(args):
            return "this confirm_token was issued for a different tool or different arguments"
        return None


@contextlib.contextmanager
def open_token_store(settings: Settings) -> Iterator[TokenStore]:
    """Where confirm tokens are kept: the database when one is configured, else this process."""
    from swarmops.conversations import database_url

    url = database_url(settings)
    if url is None:
        yield MemoryTokens()
        return
    from swarmops.mcpserver.pgtokens import PgTokens

    store = PgTokens(url)
    try:
        yield store
    finally:
        store.close()
