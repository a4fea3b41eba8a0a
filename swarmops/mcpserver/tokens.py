"""Single-use confirm tokens: a change previewed now runs later only exactly as previewed.

A token is bound to the tool and its exact arguments (canonical JSON) and expires after `ttl`
seconds; it is removed when used, so a replay, a token for other arguments, or an old one is
refused and nothing runs.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_TTL_S = 300.0


@dataclass(frozen=True)
class _Issued:
    tool: str
    args: str
    expires: float


def _canonical(args: dict[str, Any]) -> str:
    return json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)


class ConfirmTokens:
    def __init__(self, ttl: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._issued: dict[str, _Issued] = {}
        self._lock = threading.Lock()

    def issue(self, tool: str, args: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(18)
        now = self._clock()
        with self._lock:
            self._issued = {k: v for k, v in self._issued.items() if v.expires > now}
            self._issued[token] = _Issued(tool, _canonical(args), now + self.ttl)
        return token

    def redeem(self, token: str, tool: str, args: dict[str, Any]) -> str | None:
        """None when `token` confirms exactly this call (and is used up); else why not, in words."""
        with self._lock:
            issued = self._issued.pop(token, None)
        if issued is None:
            return "this confirm_token is unknown or was already used"
        if issued.expires <= self._clock():
            return f"this confirm_token expired (tokens last {self.ttl:.0f} s)"
        if issued.tool != tool or issued.args != _canonical(args):
            return "this confirm_token was issued for a different tool or different arguments"
        return None
