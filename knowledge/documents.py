"""What flows through the knowledge base: documents in, chunks stored, hits out.

Kept free of any embedding or store import so ingestion code and tools can use these types
without loading torch or Chroma.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["markdown", "text", "html", "pdf"]


def content_hash(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Document:
    """One source to index.

    `source` is the stable id citations show and re-indexing keys on: an absolute file path, an
    `s3://bucket/key` URI, or a built-in id such as `docs/caching.md` or
    `api/kfp.dsl.PipelineTask.set_caching_options`.
    """

    source: str
    text: str
    format: Format
    title: str = ""
    hash: str = ""
    #: Sources that are indexed together (one directory, one s3 prefix, the built-in corpus): a
    #: source of the same origin that is no longer present is removed on re-index.
    origin: str = ""

    def with_hash(self) -> Document:
        if self.hash:
            return self
        return Document(self.source, self.text, self.format, self.title, content_hash(self.text), self.origin)


@dataclass(frozen=True)
class Chunk:
    text: str
    source: str
    #: Heading path inside the document, outermost first (["Caching", "Turning it off"]).
    headings: tuple[str, ...] = ()
    kind: Literal["text", "code"] = "text"
    position: int = 0

    @property
    def heading(self) -> str:
        return " > ".join(self.headings)


@dataclass(frozen=True)
class Hit:
    text: str
    source: str
    heading: str
    score: float
    chunk_id: str = ""
    title: str = ""


@dataclass
class IndexReport:
    """What one indexing pass did; `failed` keeps going past unreadable inputs."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Inputs left out on purpose (unsupported type, empty, too large): (source, reason).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    chunks: int
    hash: str
    origin: str
    indexed_at: float
