"""What storage tools receive besides their arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from minio import Minio

from tools.clientcache import ClientCache


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
    #: False once the server the cached client talks to has died (an embedded one, started again by the
    #: factory); None for servers we do not run, whose outages are reported as errors instead.
    alive: Callable[[], bool] | None = field(default=None, repr=False, compare=False)
    _cache: ClientCache[Minio] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).expanduser()
        self._cache = ClientCache(self.client_factory, self.alive)

    @property
    def client(self) -> Minio:
        """The cached client; the lock keeps parallel tool calls from building two pools."""
        return self._cache.get()
