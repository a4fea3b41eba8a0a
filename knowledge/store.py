"""The knowledge base: chunks with embeddings in Chroma, searched dense or hybrid (BM25 + dense, RRF).

Per-source bookkeeping (hash, title, origin, indexed_at, chunk count) lives in every chunk's Chroma
metadata rather than a sidecar file: it then survives restarts, works unchanged against a Chroma
server, and can never disagree with the chunks themselves. A revision token in the collection
metadata changes on every write so in-process caches (source map, BM25) notice other writers.

Scores: `Hit.score` is always the cosine similarity between the query and the chunk embedding
(unit vectors, so in [-1, 1], in practice ~0.05-0.9 for this model). In hybrid mode the *order*
comes from reciprocal rank fusion, but the score stays the cosine so one relevance threshold works
for both modes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from knowledge.chunking import chunk_document
from knowledge.documents import Chunk, Document, Hit, IndexReport, SourceInfo
from knowledge.embeddings import Embedder
from knowledge.hybrid import BM25Index, rrf

if TYPE_CHECKING:
    import numpy as np

Mode = Literal["dense", "hybrid"]
Progress = Callable[[int, int, str], None]

#: Chunks per encode call: big enough for full model batches, small enough for live progress.
_EMBED_GROUP = 128
#: Rows per Chroma get/add call (below its SQLite-bound max batch of ~5,461).
_PAGE = 2000


class KnowledgeStoreError(RuntimeError):
    """The vector store is unreachable or holds an incompatible index."""


@dataclass
class _Corpus:
    """Everything BM25 needs, cached per revision."""

    key: tuple[str, int]
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    bm25: BM25Index


def _versioned(doc: Document) -> Document:
    """The stored hash covers the text *and* the chunker version, so better chunking reaches old docs."""
    import dataclasses

    from knowledge.chunking import CHUNKER_VERSION

    return dataclasses.replace(doc, hash=hashlib.sha256(f"{doc.hash}/chunker-{CHUNKER_VERSION}".encode()).hexdigest())


def embed_text(chunk_text: str, title: str, heading: str) -> str:
    """What gets embedded and keyword-indexed: the section path gives a short chunk its context."""
    context = " > ".join(p for p in (title, heading) if p)
    return f"{context}\n\n{chunk_text}" if context else chunk_text


def _source_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


class KnowledgeBase:
    """Local (`path`, PersistentClient) or remote (`chroma_url`, HttpClient) Chroma collection.

    With neither, an in-memory store (handy for tests and a built-in corpus that is rebuilt anyway).
    Nothing is opened until first use, so constructing one is free.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        chroma_url: str | None = None,
        collection: str = "swarmops-docs",
        embedder: Embedder | None = None,
        mode: Mode = "hybrid",
        timeout: float = 10.0,
    ) -> None:
        if path is not None and chroma_url is not None:
            raise ValueError("give either path or chroma_url, not both")
        if mode not in ("dense", "hybrid"):
            raise ValueError(f"mode must be dense or hybrid, not {mode!r}")
        self.path = Path(path) if path is not None else None
        self.chroma_url = chroma_url
        self.collection_name = collection
        self.embedder = embedder if embedder is not None else Embedder()
        self.mode: Mode = mode
        self.timeout = timeout
        self._client: Any = None
        self._collection: Any = None
        self._lock = threading.RLock()
        self._corpus: _Corpus | None = None
        self._sources_cache: tuple[tuple[str, int], dict[str, SourceInfo]] | None = None

    # --- connection ------------------------------------------------------------------------

    def _col(self) -> Any:
        with self._lock:
            if self._collection is None:
                self._client = self._connect()
                self._collection = self._open_collection()
            return self._collection

    def _connect(self) -> Any:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        if self.chroma_url is not None:
            return self._connect_http(chromadb, settings)
        if self.path is None:
            return chromadb.EphemeralClient(settings=settings)
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.path, 0o700)
        with self._private_files():
            return chromadb.PersistentClient(path=str(self.path), settings=settings)

    @contextlib.contextmanager
    def _private_files(self) -> Iterator[None]:
        """Files Chroma creates for a local index are the user's alone: the index quotes their documents.

        Chroma offers no file mode, so the process umask is narrowed while it writes; callers hold
        `_lock`, so two writes of one knowledge base never interleave their umask changes.
        """
        if self.path is None:
            yield
            return
        previous = os.umask(0o077)
        try:
            yield
        finally:
            os.umask(previous)

    def _connect_http(self, chromadb: Any, settings: Any) -> Any:
        url = urlparse(self.chroma_url if "://" in (self.chroma_url or "") else f"http://{self.chroma_url}")
        ssl = url.scheme == "https"
        host = url.hostname or "localhost"
        port = url.port or (443 if ssl else 8000)
        # The Chroma HTTP client has no connect timeout (httpx timeout=None): probe first so a dead
        # address fails in `timeout` seconds instead of hanging the assistant.
        try:
            socket.create_connection((host, port), timeout=self.timeout).close()
        except OSError as exc:
            raise KnowledgeStoreError(f"cannot reach Chroma at {self.chroma_url}: {exc}") from exc
        try:
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
        except Exception as exc:
            raise KnowledgeStoreError(f"Chroma at {self.chroma_url} refused the connection: {exc}") from exc
        session = getattr(getattr(client, "_server", None), "_session", None)
        if session is not None:
            import httpx

            session.timeout = httpx.Timeout(self.timeout * 6, connect=self.timeout)
        return client

    def _open_collection(self) -> Any:
        model = getattr(self.embedder, "name", "")
        col = self._client.get_or_create_collection(
            self.collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": model, "revision": uuid.uuid4().hex},
        )
        stored = (col.metadata or {}).get("embedding_model")
        if stored and model and stored != model:
            raise KnowledgeStoreError(
                f"collection {self.collection_name!r} was built with {stored}, not {model}: "
                "use another collection or remove it and re-index"
            )
        return col

    def _state_key(self) -> tuple[str, int]:
        """Changes whenever any process writes: revision token plus chunk count."""
        col = self._col()
        fresh = self._client.get_collection(self.collection_name, embedding_function=None)
        return str((fresh.metadata or {}).get("revision", "")), col.count()

    def _bump_revision(self) -> None:
        col = self._col()
        meta = dict(self._client.get_collection(self.collection_name, embedding_function=None).metadata or {})
        meta["revision"] = uuid.uuid4().hex
        col.modify(metadata=meta)
        self._corpus = None
        self._sources_cache = None

    # --- bookkeeping -----------------------------------------------------------------------

    def _all(self, include: list[str], where: dict[str, Any] | None = None) -> dict[str, list[Any]]:
        col = self._col()
        out: dict[str, list[Any]] = {"ids": [], **{name: [] for name in include}}
        offset = 0
        while True:
            page = col.get(include=include, where=where, limit=_PAGE, offset=offset)
            for name in out:
                out[name].extend(page[name] if page.get(name) is not None else [])
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def _source_map(self, *, fresh: bool = False) -> dict[str, SourceInfo]:
        key = self._state_key()
        if not fresh and self._sources_cache is not None and self._sources_cache[0] == key:
            return self._sources_cache[1]
        infos: dict[str, SourceInfo] = {}
        for meta in self._all(["metadatas"])["metadatas"]:
            src = meta.get("source", "")
            if src and src not in infos:
                infos[src] = SourceInfo(
                    source=src,
                    title=str(meta.get("title", "")),
                    chunks=int(meta.get("chunks", 0)),
                    hash=str(meta.get("hash", "")),
                    origin=str(meta.get("origin", "")),
                    indexed_at=float(meta.get("indexed_at", 0.0)),
                )
        self._sources_cache = (key, infos)
        return infos

    def sources(self) -> list[SourceInfo]:
        return sorted(self._source_map().values(), key=lambda s: s.source)

    def count(self) -> int:
        """Number of chunks (not sources)."""
        return self._col().count()

    def remove(self, source: str) -> int:
        """Delete every chunk of `source`; returns how many were deleted."""
        with self._lock:
            n = self._delete_source(source)
            if n:
                self._bump_revision()
            return n

    def _delete_source(self, source: str) -> int:
        col = self._col()
        ids = self._all([], where={"source": source})["ids"]
        for i in range(0, len(ids), _PAGE):
            col.delete(ids=ids[i : i + _PAGE])
        return len(ids)

    # --- indexing --------------------------------------------------------------------------

    def index(
        self,
        documents: Iterable[Document],
        *,
        origins: Iterable[str] = (),
        progress: Progress | None = None,
        keep: Iterable[str] = (),
    ) -> IndexReport:
        """Bring the index in line with `documents`, embedding only what changed.

        `origins`: sources previously indexed under one of these origins but absent from this pass
        are removed (a deleted file). `keep`: sources to leave untouched although absent (they
        failed to load this time; a transient error should not drop them).
        """
        started = time.monotonic()
        report = IndexReport()
        with self._lock, self._private_files():
            docs: dict[str, Document] = {}
            for doc in documents:
                docs[doc.source] = _versioned(doc.with_hash())  # a source given twice: the last one wins
            existing = self._source_map(fresh=True)
            retagged = False
            try:
                todo: list[tuple[Document, list[Chunk]]] = []
                for doc in docs.values():
                    old = existing.get(doc.source)
                    if old is not None and old.hash == doc.hash:
                        if old.origin != doc.origin or old.title != doc.title:
                            self._retag(doc)
                            retagged = True
                        report.unchanged.append(doc.source)
                        continue
                    chunks = chunk_document(doc)
                    if not chunks:
                        report.skipped.append((doc.source, "no text"))
                        if old is not None and self._delete_source(doc.source):
                            report.removed.append(doc.source)
                        continue
                    todo.append((doc, chunks))
                self._embed_and_write(todo, existing, report, progress)
                wanted = {o for o in origins if o}  # "" is "no origin", never a set to prune
                spared = set(docs) | set(keep)
                for info in existing.values():
                    if info.origin in wanted and info.source not in spared:
                        self._delete_source(info.source)
                        report.removed.append(info.source)
            finally:
                # Also after an interrupted run: documents already written must invalidate caches.
                if report.changed or retagged:
                    self._bump_revision()
        report.seconds = time.monotonic() - started
        return report

    def _retag(self, doc: Document) -> None:
        """Same content, new origin or title: fix metadata without re-embedding."""
        col = self._col()
        got = self._all(["metadatas"], where={"source": doc.source})
        metas = [{**m, "origin": doc.origin, "title": doc.title} for m in got["metadatas"]]
        for i in range(0, len(metas), _PAGE):
            col.update(ids=got["ids"][i : i + _PAGE], metadatas=metas[i : i + _PAGE])
        self._sources_cache = None

    def _embed_and_write(
        self,
        todo: list[tuple[Document, list[Chunk]]],
        existing: dict[str, SourceInfo],
        report: IndexReport,
        progress: Progress | None,
    ) -> None:
        """Embed across documents in large groups (throughput) but write each document as soon as
        all its chunks are embedded, so an interrupted run keeps what it finished."""
        import numpy as np

        texts = [embed_text(c.text, d.title, c.heading) for d, chunks in todo for c in chunks]
        total = len(texts)
        if not total:
            return
        ends = np.cumsum([len(chunks) for _, chunks in todo])
        vectors = np.empty((total, getattr(self.embedder, "dimensions", 384)), dtype=np.float32)
        written = 0
        for start in range(0, total, _EMBED_GROUP):
            end = min(start + _EMBED_GROUP, total)
            vectors[start:end] = self.embedder.encode(texts[start:end])
            ready = []
            while written < len(todo) and ends[written] <= end:
                doc, chunks = todo[written]
                first = int(ends[written]) - len(chunks)
                ready.append((doc, chunks, vectors[first : int(ends[written])]))
                written += 1
            # One write per group rather than per document: Chroma calls dominate otherwise.
            self._write_many(ready, existing)
            for doc, chunks, _ in ready:
                (report.updated if doc.source in existing else report.added).append(doc.source)
                report.chunks_written += len(chunks)
            if progress is not None:
                idx = int(np.searchsorted(ends, end - 1, side="right"))
                progress(end, total, todo[min(idx, len(todo) - 1)][0].source)

    def _write(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self._write_many([(doc, chunks, vectors)], {doc.source: None})

    def _write_many(
        self, items: Sequence[tuple[Document, Sequence[Chunk], np.ndarray]], existing: Mapping[str, Any]
    ) -> None:
        """Add the new chunks first, then drop old versions: a crash in between leaves a document
        findable (twice) rather than missing. Documents never indexed before have nothing to drop."""
        import numpy as np

        if not items:
            return
        col = self._col()
        now = time.time()
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for doc, chunks, _ in items:
            key = _source_key(doc.source)
            for c in chunks:
                ids.append(f"{key}:{doc.hash[:12]}:{c.position}")
                texts.append(c.text)
                metas.append(
                    {
                        "source": doc.source,
                        "title": doc.title,
                        "origin": doc.origin,
                        "hash": doc.hash,
                        "format": doc.format,
                        "indexed_at": now,
                        "chunks": len(chunks),
                        "heading": c.heading,
                        "kind": c.kind,
                        "position": c.position,
                    }
                )
        vectors = np.concatenate([v for _, _, v in items]) if len(items) > 1 else items[0][2]
        for i in range(0, len(ids), _PAGE):
            col.upsert(
                ids=ids[i : i + _PAGE],
                embeddings=vectors[i : i + _PAGE],
                documents=texts[i : i + _PAGE],
                metadatas=metas[i : i + _PAGE],
            )
        for doc, _, _ in items:
            if doc.source in existing:
                col.delete(where={"$and": [{"source": doc.source}, {"hash": {"$ne": doc.hash}}]})

    # --- search ----------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, *, source: str | None = None, mode: str | None = None) -> list[Hit]:
        """Best `k` chunks for `query`; `source` restricts to that exact source or a prefix of it.

        Every Hit.score is the dense cosine similarity (see the module docstring), whatever the mode.
        """
        mode = mode or self.mode
        if mode not in ("dense", "hybrid"):
            raise ValueError(f"mode must be dense or hybrid, not {mode!r}")
        if k <= 0 or not query.strip():
            return []
        col = self._col()
        size = col.count()
        if not size:
            return []
        allowed: list[str] | None = None
        if source:
            allowed = [s for s in self._source_map() if s.startswith(source)]
            if not allowed:
                return []
        qvec = self.embedder.encode([query])[0]
        if mode == "dense":
            return self._dense(qvec, k, allowed, size)
        return self._hybrid(query, qvec, k, allowed, size)

    def _where(self, allowed: list[str] | None) -> dict[str, Any] | None:
        if allowed is None:
            return None
        return {"source": allowed[0]} if len(allowed) == 1 else {"source": {"$in": allowed}}

    def _dense_raw(self, qvec: np.ndarray, n: int, allowed: list[str] | None, size: int) -> list[Hit]:
        res = self._col().query(
            query_embeddings=[qvec],
            n_results=min(n, size),
            where=self._where(allowed),
            include=["documents", "metadatas", "distances"],
        )
        return [
            _hit(cid, text, meta, 1.0 - float(dist))
            for cid, text, meta, dist in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
            )
        ]

    def _dense(self, qvec: np.ndarray, k: int, allowed: list[str] | None, size: int) -> list[Hit]:
        return self._dense_raw(qvec, k, allowed, size)

    def _hybrid(self, query: str, qvec: np.ndarray, k: int, allowed: list[str] | None, size: int) -> list[Hit]:
        import numpy as np

        pool = max(4 * k, 20)
        dense = self._dense_raw(qvec, pool, allowed, size)
        corpus = self._corpus_cache()
        mask = None
        if allowed is not None:
            keep = set(allowed)
            mask = np.fromiter((m.get("source") in keep for m in corpus.metadatas), dtype=np.float32)
        keyword = [(corpus.ids[row], row) for row, _ in corpus.bm25.search(query, pool, mask)]
        fused = rrf([[h.chunk_id for h in dense], [cid for cid, _ in keyword]])
        hits = {h.chunk_id: h for h in dense}
        missing = [(cid, row) for cid, row in keyword if cid not in hits]
        if missing:
            got = self._col().get(ids=[cid for cid, _ in missing], include=["embeddings"])
            cosines = {
                cid: float(np.dot(np.asarray(vec, dtype=np.float32), qvec))
                for cid, vec in zip(got["ids"], got["embeddings"], strict=True)
            }
            for cid, row in missing:
                hits[cid] = _hit(cid, corpus.texts[row], corpus.metadatas[row], cosines.get(cid, 0.0))
        ranked = sorted(hits.values(), key=lambda h: (fused.get(h.chunk_id, 0.0), h.score), reverse=True)
        return ranked[:k]

    def _corpus_cache(self) -> _Corpus:
        with self._lock:
            key = self._state_key()
            if self._corpus is None or self._corpus.key != key:
                got = self._all(["documents", "metadatas"])
                texts = [
                    embed_text(t or "", str(m.get("title", "")), str(m.get("heading", "")))
                    for t, m in zip(got["documents"], got["metadatas"], strict=True)
                ]
                self._corpus = _Corpus(key, got["ids"], got["documents"], got["metadatas"], BM25Index(texts))
            return self._corpus


def _hit(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Hit:
    return Hit(
        text=text,
        source=str(meta.get("source", "")),
        heading=str(meta.get("heading", "")),
        score=score,
        chunk_id=chunk_id,
        title=str(meta.get("title", "")),
    )
