"""Builds the specialists' backend contexts from settings, and owns embedded services.

Configured endpoints are used as they are; anything not configured is started locally on
loopback, lazily on first use, and left when the app exits (each service stops itself once no
client and no run needs it, after `embedded_idle_timeout`). An embedded server found dead (killed,
crashed) is started again, with its data, on the next use, and the restart is reported as a status.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from agents.docs import docs_specialist
from agents.kfp import kfp_specialist
from agents.registry import Specialist
from agents.storage import storage_specialist
from swarmops.privacy import touch_private
from tools.base import report_progress, report_status
from tools.docs import DocsContext
from tools.kfp import KfpContext, make_kfp_client
from tools.storage import StorageContext, make_minio_client

if TYPE_CHECKING:
    from swarmops.services.kfp_server.embedded import EmbeddedKfp
    from swarmops.services.seaweed import EmbeddedSeaweed

T = TypeVar("T")


class Backends:
    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._seaweed: EmbeddedSeaweed | None = None
        self._kfp_server: EmbeddedKfp | None = None
        self._s3_secret: str | None = None
        self.storage = StorageContext(
            client_factory=self._make_minio,
            endpoint=self.s3_label,
            alive=self._embedded_s3_alive if settings.uses_embedded_s3 else None,
        )
        self.kfp = KfpContext(
            client_factory=self._make_kfp,
            host=self.kfp_label,
            storage=self.storage,
            alive=self._embedded_kfp_alive if settings.uses_embedded_kfp else None,
        )
        self.docs = DocsContext(kb_factory=self.open_knowledge, storage=self.storage, min_score=settings.rag_min_score)

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
        """Start (or join) the embedded SeaweedFS, or start it again if it died; safe from tool threads."""
        from swarmops.services.seaweed import EmbeddedSeaweed

        with self._lock:
            if self._seaweed is None:
                self._seaweed = EmbeddedSeaweed(
                    self.settings.data_dir, idle_timeout=self.settings.embedded_idle_timeout
                )
            if self._seaweed.endpoint is not None and not self._seaweed.is_running():  # it was up, and died
                endpoint = self._restart("storage", "the embedded object store (SeaweedFS)", self._seaweed.start)
            else:
                endpoint = self._seaweed.start()
            self._s3_secret = endpoint.secret_key
            self.storage.endpoint = f"{endpoint.endpoint} (embedded SeaweedFS)"
            return endpoint

    def _embedded_s3_alive(self) -> bool:
        """Cheap (a state file and /proc): checked before each use of the cached storage client."""
        with self._lock:
            return self._seaweed is None or self._seaweed.is_running()

    def _restart(self, source: str, what: str, start: Callable[[], T]) -> T:
        """Start a dead embedded server again, telling the person (and the status bar) what happened."""
        report_status(source, "restarting", f"{what} had stopped; starting it again (its data is kept)")
        try:
            result = start()
        except Exception as exc:
            report_status(source, "failed", f"{what} could not be started again: {exc}")
            raise
        report_status(source, "recovered", f"{what} is running again")
        return result

    def s3_endpoint(self) -> Any:
        """Where artifacts go: the configured store, or the embedded one (started if needed)."""
        from swarmops.services.seaweed import S3Endpoint

        s = self.settings
        if s.s3_endpoint:
            secret = s.s3_secret_key.get_secret_value() if s.s3_secret_key else ""
            return S3Endpoint(s.s3_endpoint, s.s3_access_key or "", secret, secure=s.s3_secure)
        return self.start_embedded_s3()

    # --- Kubeflow Pipelines ------------------------------------------------------------------
    @property
    def kfp_label(self) -> str:
        return self.settings.kfp_host or "embedded KFP API (starts on first use)"

    def _make_kfp(self) -> Any:
        s = self.settings
        host = s.kfp_host or self.start_embedded_kfp()
        return make_kfp_client(
            host,
            namespace=s.kfp_namespace,
            token=s.kfp_token.get_secret_value() if s.kfp_token else None,
            token_file=str(s.kfp_token_file) if s.kfp_token_file else None,
            cookies=s.kfp_cookies.get_secret_value() if s.kfp_cookies else None,
            timeout=s.kfp_timeout,
        )

    def start_embedded_kfp(self) -> str:
        """Start (or join) the embedded KFP API, or start it again if it died; wired to the object store.

        With the embedded store the server joins SeaweedFS itself (so the store outlives every run
        that still has artifacts to publish); a configured store is passed by endpoint.
        """
        from swarmops.services.kfp_server.embedded import EmbeddedKfp

        s = self.settings
        if s.uses_embedded_s3:
            self.start_embedded_s3()  # started here, so the server joins a running store at once
        with self._lock:
            if self._kfp_server is None:
                if s.uses_embedded_s3:
                    self._kfp_server = EmbeddedKfp(
                        s.data_dir, seaweed_dir=s.data_dir, idle_timeout=s.embedded_idle_timeout
                    )
                else:
                    self._kfp_server = EmbeddedKfp(s.data_dir, self.s3_endpoint(), idle_timeout=s.embedded_idle_timeout)
            if self._kfp_server.host is not None and not self._kfp_server.is_running():  # it was up, and died
                host = self._restart("pipelines", "the embedded KFP API", self._kfp_server.start)
            else:
                host = self._kfp_server.start()
            self.kfp.host = f"{host} (embedded KFP API)"
            return host

    def _embedded_kfp_alive(self) -> bool:
        with self._lock:
            return self._kfp_server is None or self._kfp_server.is_running()

    # --- knowledge base ------------------------------------------------------------------------
    def open_knowledge(self, *, builtin: bool = True) -> Any:
        """Open the knowledge base, bringing the built-in corpus up to date first.

        The corpus is regenerated (docs + API reference from the installed kfp and minio) only
        when its fingerprint changed, so a normal start costs no embedding work.
        """
        from knowledge.builtin import BUILTIN_ORIGINS, builtin_documents, builtin_fingerprint
        from knowledge.embeddings import Embedder
        from knowledge.store import KnowledgeBase

        s = self.settings
        path = s.data_dir / "knowledge"
        kb = KnowledgeBase(
            None if s.chroma_url else path,  # a Chroma server holds the index; the marker below stays local
            chroma_url=s.chroma_url,
            embedder=Embedder(precision=s.embedding_precision),
            mode=s.rag_mode,
        )
        marker = path / "builtin.fingerprint"
        fingerprint = builtin_fingerprint()
        if builtin and (not marker.exists() or marker.read_text() != fingerprint or kb.count() == 0):
            report_progress("indexing the built-in documentation (first start only)")
            kb.index(
                builtin_documents(),
                origins=BUILTIN_ORIGINS,
                progress=lambda done, total, what: report_progress(f"built-in docs: {done}/{total} {what}"),
            )
            touch_private(marker)
            marker.write_text(fingerprint)
        return kb

    # --- lifecycle ---------------------------------------------------------------------------
    def specialists(self) -> list[Specialist]:
        return [storage_specialist(self.storage), kfp_specialist(self.kfp), docs_specialist(self.docs)]

    def secret_values(self) -> list[str]:
        return [self._s3_secret] if self._s3_secret else []

    def close(self, wait_for_runs: float = 0.0) -> None:
        """Leave the embedded services; each stops itself once nothing (no client, no run) needs it.

        `wait_for_runs` (seconds): let runs that are still finishing end first, so the services stop
        now rather than later; for a throwaway data dir that is deleted next (the eval's).
        """
        with self._lock:
            if self._kfp_server is not None:  # before the store it publishes to
                self._kfp_server.stop(wait_for_runs)
                self._kfp_server = None
            if self._seaweed is not None:
                self._seaweed.stop()
                self._seaweed = None

    def __enter__(self) -> Backends:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
