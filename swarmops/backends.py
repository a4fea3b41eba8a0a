"""Builds the specialists' backend contexts from settings, and owns embedded services.

Configured endpoints are used as they are; anything not configured is started locally on
loopback, lazily on first use, and stopped when the app exits.
"""

from __future__ import annotations

import threading
from typing import Any

from agents.registry import Specialist
from agents.storage import storage_specialist
from tools.storage import StorageContext, make_minio_client


class Backends:
    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._seaweed: Any = None
        self._s3_secret: str | None = None
        self.storage = StorageContext(client_factory=self._make_minio, endpoint=self.s3_label)

    # --- object storage --------------------------------------------------------------------
    @property
    def s3_label(self) -> str:
        s = self.settings
        return s.s3_endpoint if s.s3_endpoint else "embedded SeaweedFS (starts on first use)"

    def _make_minio(self) -> Any:
        s = self.settings
        if s.s3_endpoint:
            return make_minio_client(
                s.s3_endpoint,
                s.s3_access_key or "",
                s.s3_secret_key.get_secret_value() if s.s3_secret_key else "",
                secure=s.s3_secure,
                region=s.s3_region,
            )
        endpoint = self.start_embedded_s3()
        return make_minio_client(endpoint.endpoint, endpoint.access_key, endpoint.secret_key, secure=False)

    def start_embedded_s3(self) -> Any:
        """Start (or join) the embedded SeaweedFS; safe to call from tool threads."""
        from swarmops.services.seaweed import EmbeddedSeaweed

        with self._lock:
            if self._seaweed is None:
                server = EmbeddedSeaweed(self.settings.data_dir)
                endpoint = server.start()
                self._seaweed = (server, endpoint)
                self._s3_secret = endpoint.secret_key
                self.storage.endpoint = f"{endpoint.endpoint} (embedded SeaweedFS)"
            return self._seaweed[1]

    # --- lifecycle ---------------------------------------------------------------------------
    def specialists(self) -> list[Specialist]:
        return [storage_specialist(self.storage)]

    def secret_values(self) -> list[str]:
        return [self._s3_secret] if self._s3_secret else []

    def close(self) -> None:
        with self._lock:
            if self._seaweed is not None:
                self._seaweed[0].stop()
                self._seaweed = None

    def __enter__(self) -> Backends:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
