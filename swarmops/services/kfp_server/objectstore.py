"""Where the KFP server publishes run artifacts, and what object store each run is told about.

Two cases. A configured store (MinIO, S3) comes in as SWARMOPS_S3_* in the server's environment.
The embedded SeaweedFS is joined as a client, exactly as the app joins it: while this server
process lives the store cannot stop under a finishing run (the "KFP API before the object store"
order holds by construction), and if the store died it is started again, with its data, before a
publish is retried.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from swarmops.services.seaweed import EmbeddedSeaweed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreSettings:
    """Exactly what a minio client (ours, or a pipeline component's) needs."""

    endpoint: str
    access_key: str
    secret_key: str
    secure: bool = False

    def env(self) -> dict[str, str]:
        """How runs learn where the store is (the example pipelines read these)."""
        return {
            "SWARMOPS_S3_ENDPOINT": self.endpoint,
            "SWARMOPS_S3_ACCESS_KEY": self.access_key,
            "SWARMOPS_S3_SECRET_KEY": self.secret_key,
            "SWARMOPS_S3_SECURE": "true" if self.secure else "false",
        }

    def __repr__(self) -> str:
        return f"StoreSettings(endpoint={self.endpoint!r}, secure={self.secure!r})"


def settings_from_env(env: dict[str, str] | None = None) -> StoreSettings | None:
    env = dict(os.environ if env is None else env)
    endpoint = env.get("SWARMOPS_S3_ENDPOINT", "")
    if not endpoint:
        return None
    return StoreSettings(
        endpoint,
        env.get("SWARMOPS_S3_ACCESS_KEY", ""),
        env.get("SWARMOPS_S3_SECRET_KEY", ""),
        env.get("SWARMOPS_S3_SECURE", "false").lower() == "true",
    )


class ObjectStoreLink:
    """The server's handle on its object store; thread-safe (monitors of several runs publish at once)."""

    def __init__(self, seaweed_dir: Path | None = None, idle_timeout: float = 0.0) -> None:
        self._seaweed_dir = seaweed_dir
        self._idle_timeout = idle_timeout
        self._seaweed: EmbeddedSeaweed | None = None
        self._lock = threading.Lock()

    @property
    def embedded(self) -> bool:
        return self._seaweed_dir is not None

    def settings(self, *, ensure: bool = False) -> StoreSettings | None:
        """The store to use now; `ensure` re-checks an embedded store and starts it again if it died."""
        if self._seaweed_dir is None:
            return settings_from_env()
        with self._lock:
            if self._seaweed is None:
                self._seaweed = EmbeddedSeaweed(self._seaweed_dir, idle_timeout=self._idle_timeout)
                ensure = True
            endpoint = self._seaweed.start() if ensure or self._seaweed.endpoint is None else self._seaweed.endpoint
        return StoreSettings(endpoint.endpoint, endpoint.access_key, endpoint.secret_key, endpoint.secure)

    def close(self) -> None:
        """Leave the embedded store (it stops once no client and no idle time is left)."""
        with self._lock:
            seaweed, self._seaweed = self._seaweed, None
        if seaweed is not None:
            try:
                seaweed.stop()
            except Exception as exc:  # shutting down: report, don't raise
                log.warning("could not leave the embedded object store cleanly: %s", exc)
