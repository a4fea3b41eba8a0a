"""Builds the specialists' backend contexts from settings, and owns embedded services.

Configured endpoints are used as they are; anything not configured is started locally on
loopback, lazily on first use, and stopped when the app exits.
"""

from __future__ import annotations

import threading
from typing import Any

from agents.docs import docs_specialist
from agents.kfp import kfp_specialist
from agents.registry import Specialist
from agents.storage import storage_specialist
from tools.base import report_progress
from tools.docs import DocsContext
from tools.kfp import KfpContext, make_kfp_client
from tools.storage import StorageContext, make_minio_client


class Backends:
    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._seaweed: Any = None
        self._kfp_server: Any = None
        self._s3_secret: str | None = None
        self.storage = StorageContext(client_factory=self._make_minio, endpoint=self.s3_label)
        self.kfp = KfpContext(client_factory=self._make_kfp, host=self.kfp_label, storage=self.storage)
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
        """Start (or join) the embedded KFP API, wired to the object store for artifacts."""
        from swarmops.services.kfp_server.embedded import EmbeddedKfp

        s3 = self.s3_endpoint()
        with self._lock:
            if self._kfp_server is None:
                server = EmbeddedKfp(self.settings.data_dir, s3)
                host = server.start()
                self._kfp_server = (server, host)
                self.kfp.host = f"{host} (embedded KFP API)"
            return self._kfp_server[1]

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
            path, chroma_url=s.chroma_url, embedder=Embedder(precision=s.embedding_precision), mode=s.rag_mode
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
            path.mkdir(parents=True, exist_ok=True)
            marker.write_text(fingerprint)
        return kb

    # --- lifecycle ---------------------------------------------------------------------------
    def specialists(self) -> list[Specialist]:
        return [storage_specialist(self.storage), kfp_specialist(self.kfp), docs_specialist(self.docs)]

    def secret_values(self) -> list[str]:
        return [self._s3_secret] if self._s3_secret else []

    def close(self) -> None:
        with self._lock:
            if self._kfp_server is not None:  # before the store it publishes to
                self._kfp_server[0].stop()
                self._kfp_server = None
            if self._seaweed is not None:
                self._seaweed[0].stop()
                self._seaweed = None

    def __enter__(self) -> Backends:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
