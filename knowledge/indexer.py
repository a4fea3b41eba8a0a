"""Index user inputs (paths, directories, s3:// prefixes) in one pass.

All inputs are loaded before anything is written, so an input that does not exist raises
`KnowledgeInputError` with the index untouched; a bad file inside an input only lands in
`report.failed`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.documents import Document, IndexReport
from knowledge.loaders import KnowledgeInputError, LoadResult, is_s3, load_input

if TYPE_CHECKING:
    from knowledge.store import KnowledgeBase, Progress

__all__ = ["KnowledgeInputError", "index_inputs", "load_inputs"]


def load_inputs(inputs: list[str], *, minio_client: Any = None) -> list[LoadResult]:
    """Load every input; raises on the first input that cannot be read at all."""
    # Cheap local checks first: a typo in the last path must not cost an S3 listing or PDF parse.
    for spec in inputs:
        if not is_s3(spec) and not Path(spec).expanduser().exists():
            raise KnowledgeInputError(spec, "no such file or directory")
        if is_s3(spec) and minio_client is None:
            raise KnowledgeInputError(spec, "s3:// inputs need object storage to be configured")
    return [load_input(spec, minio_client=minio_client) for spec in inputs]


def index_inputs(
    kb: KnowledgeBase,
    inputs: list[str],
    *,
    minio_client: Any = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Each directory or s3 prefix is an origin (files gone from it are removed from the index);
    a single file or object is its own origin."""
    started = time.monotonic()
    results = load_inputs(inputs, minio_client=minio_client)
    documents: dict[str, Document] = {}
    failed: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    for result in results:
        for doc in result.documents:
            documents[doc.source] = doc
        failed.extend(result.failed)
        skipped.extend(result.skipped)
    report = kb.index(
        documents.values(),
        origins=[r.origin for r in results],
        progress=progress,
        keep=[source for source, _ in failed],
    )
    report.failed.extend(failed)
    report.skipped[:0] = skipped
    report.seconds = time.monotonic() - started
    return report
