"""The built-in knowledge corpus: swarmops's own documentation plus the generated API reference.

Pages live in `knowledge/corpus/*.md` and are indexed under `docs/<file>.md` (origin "docs"); the
API reference of the installed kfp and minio packages is generated at index time (origin "api").
Re-indexing with `origins=BUILTIN_ORIGINS` removes pages that no longer exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.apiref import api_reference_documents
from knowledge.documents import Document

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
DOCS_ORIGIN = "docs"
API_ORIGIN = "api"
BUILTIN_ORIGINS = (DOCS_ORIGIN, API_ORIGIN)

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def page_title(text: str, fallback: str) -> str:
    """The first level-1 heading of a Markdown page."""
    match = _H1.search(text)
    return match.group(1).strip() if match else fallback


def corpus_documents(corpus_dir: Path = CORPUS_DIR) -> list[Document]:
    docs = []
    for path in sorted(corpus_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        docs.append(
            Document(
                source=f"docs/{path.name}",
                text=text,
                format="markdown",
                title=page_title(text, path.stem.replace("-", " ")),
                origin=DOCS_ORIGIN,
            ).with_hash()
        )
    return docs


def builtin_documents() -> list[Document]:
    """Every built-in Document: the documentation pages, then one per API symbol."""
    return corpus_documents() + api_reference_documents()


def builtin_fingerprint() -> str:
    """Changes whenever the built-in corpus would: its pages, the reference generator, or the
    installed kfp/minio versions. Lets the app skip regenerating and re-hashing on every start."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256()
    for path in sorted(CORPUS_DIR.glob("*.md")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for module in ("apiref.py", "builtin.py", "chunking.py"):
        digest.update((Path(__file__).resolve().parent / module).read_bytes())
    digest.update(f"kfp {version('kfp')} minio {version('minio')}".encode())
    return digest.hexdigest()


__all__ = [
    "BUILTIN_ORIGINS",
    "CORPUS_DIR",
    "builtin_documents",
    "builtin_fingerprint",
    "corpus_documents",
    "page_title",
]
