"""One cached backend client per context, rebuilt when the server behind it has died.

Shared by the storage and pipelines contexts: both build their client lazily (building may start
an embedded server), must never build two at once from parallel tool calls, must not cache a
failed build, and must notice that an embedded server they were talking to is gone so the
factory can start it again instead of every later call failing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ClientCache(Generic[T]):
    def __init__(self, factory: Callable[[], T], alive: Callable[[], bool] | None = None) -> None:
        self._factory = factory
        self._alive = alive
        self._client: T | None = None
        self._lock = threading.Lock()

    def _usable(self, client: T | None) -> bool:
        return client is not None and (self._alive is None or self._alive())

    def get(self) -> T:
        client = self._client
        if client is not None and self._usable(client):
            return client
        with self._lock:
            if not self._usable(self._client):
                self._client = None  # a failed build is not cached: the next call tries again
                self._client = self._factory()
            assert self._client is not None
            return self._client
