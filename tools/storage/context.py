"""What storage tools receive besides their arguments."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from minio import Minio


@dataclass
class StorageContext:
    """Backend handle for the storage tools.

    The client is built on first use, not at construction, so an agent session that never touches
    storage never needs (or validates) storage credentials. `endpoint` is kept separately because
    error messages must name the server without ever reaching into the client's credentials.
    """

    client_factory: Callable[[], Minio]
    endpoint: str
    #: Base for relative local paths in upload/download; the user's cwd unless a front end says so.
    workdir: Path = field(default_factory=Path.cwd)
    _client: Minio | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).expanduser()

    @property
    def client(self) -> Minio:
        """The cached client; the lock keeps parallel tool calls from building two pools."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self.client_factory()
        return self._client
