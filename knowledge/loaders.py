"""Turn user inputs (files, directories, `s3://` prefixes) into Documents.

A whole input that does not exist raises `KnowledgeInputError` so a typo never looks like "nothing to
index" (which would wipe that origin on re-index). A single bad file inside an input is recorded in
`LoadResult.failed` and skipped, so one corrupt PDF never stops a run.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.documents import Document, Format, content_hash

#: Extension -> format; anything else is skipped with a reason.
FORMATS: dict[str, Format] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".rst": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}

#: Bigger files are almost always generated dumps that would swamp the index with noise.
MAX_BYTES = 50 * 1024 * 1024

#: Separates PDF pages inside Document.text so chunking can recover page numbers from the text alone.
PAGE_BREAK = "\f"

#: Directory names never worth walking into.
_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".venv", "venv", ".tox", ".mypy_cache"}


class KnowledgeInputError(Exception):
    """An input that cannot be read at all (missing path, missing bucket): nothing was indexed."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class LoadResult:
    """Documents of one input, plus what was left out and why."""

    origin: str
    documents: list[Document] = field(default_factory=list)
    #: Files that should have been readable but were not (corrupt PDF, undecodable text).
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Files left out on purpose (unsupported type, too large, empty).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def format_for(name: str) -> Format | None:
    return FORMATS.get(os.path.splitext(name)[1].lower())


def is_s3(spec: str) -> bool:
    return spec.startswith("s3://")


def load_input(spec: str, *, minio_client: Any = None) -> LoadResult:
    """Load a local path or an `s3://bucket/prefix-or-key` URI."""
    if is_s3(spec):
        if minio_client is None:
            raise KnowledgeInputError(spec, "s3:// inputs need object storage to be configured")
        return load_s3(spec, minio_client)
    return load_path(spec)


# --- local files -----------------------------------------------------------------------------


def load_path(path: str | Path) -> LoadResult:
    """A file is its own origin; a directory is the origin of every file found under it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise KnowledgeInputError(str(path), "no such file or directory")
    p = p.resolve()
    if p.is_dir():
        result = LoadResult(origin=str(p))
        for file in _walk(p):
            _load_file(file, result, explicit=False)
        return result
    result = LoadResult(origin=str(p))
    _load_file(p, result, explicit=True)
    return result


def _walk(root: Path) -> Iterator[Path]:
    """Sorted recursive walk so reports are stable; hidden and tool directories are ignored."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _load_file(file: Path, result: LoadResult, *, explicit: bool) -> None:
    source = str(file)
    fmt = format_for(file.name)
    if fmt is None:
        # Asked for by name it is an error worth showing; found in a directory it is just noise.
        target = result.failed if explicit else result.skipped
        target.append((source, f"unsupported file type {file.suffix or '(none)'}"))
        return
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            result.skipped.append((source, f"too large ({size // (1024 * 1024)} MiB > {MAX_BYTES // (1024 * 1024)})"))
            return
        data = file.read_bytes()
    except OSError as exc:
        result.failed.append((source, f"unreadable: {exc.strerror or exc}"))
        return
    _add_document(source, data, fmt, file.name, result)


# --- S3 --------------------------------------------------------------------------------------


def parse_s3(uri: str) -> tuple[str, str]:
    rest = uri[len("s3://") :]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise KnowledgeInputError(uri, "no bucket in s3:// URI")
    return bucket, key


def load_s3(uri: str, client: Any) -> LoadResult:
    """An exact key is one document (its own origin); otherwise everything under the prefix.

    A prefix with no objects is an error, not an empty input: S3 has no directories, so "nothing
    there" is indistinguishable from a typo, and treating it as empty would remove that origin.
    """
    from minio.error import S3Error
    from urllib3.exceptions import HTTPError

    bucket, key = parse_s3(uri)
    try:
        if not client.bucket_exists(bucket):
            raise KnowledgeInputError(uri, f"bucket {bucket!r} does not exist")
        if key and not key.endswith("/") and _object_exists(client, bucket, key):
            result = LoadResult(origin=f"s3://{bucket}/{key}")
            _load_object(client, bucket, key, result, explicit=True)
            return result
        prefix = key if not key or key.endswith("/") else key + "/"
        names = sorted(
            obj.object_name
            for obj in client.list_objects(bucket, prefix=prefix or None, recursive=True)
            if not obj.is_dir and obj.object_name
        )
    except S3Error as exc:
        raise KnowledgeInputError(uri, f"{exc.code}: {exc.message}") from exc
    except ValueError as exc:  # minio validates names client-side (e.g. bucket too short)
        raise KnowledgeInputError(uri, str(exc)) from exc
    except (OSError, HTTPError) as exc:  # connection refused, DNS, retries exhausted
        raise KnowledgeInputError(uri, f"object storage unreachable: {exc}") from exc
    if not names:
        raise KnowledgeInputError(uri, "no objects under this prefix")
    result = LoadResult(origin=f"s3://{bucket}/{prefix}")
    for name in names:
        _load_object(client, bucket, name, result, explicit=False)
    return result


def _object_exists(client: Any, bucket: str, key: str) -> bool:
    from minio.error import S3Error

    try:
        client.stat_object(bucket, key)
    except S3Error as exc:
        if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}:
            return False
        raise
    return True


def _load_object(client: Any, bucket: str, key: str, result: LoadResult, *, explicit: bool) -> None:
    source = f"s3://{bucket}/{key}"
    name = key.rsplit("/", 1)[-1]
    fmt = format_for(name)
    if fmt is None:
        target = result.failed if explicit else result.skipped
        target.append((source, f"unsupported file type {os.path.splitext(name)[1] or '(none)'}"))
        return
    response = None
    try:
        stat = client.stat_object(bucket, key)
        if (stat.size or 0) > MAX_BYTES:
            result.skipped.append((source, f"too large ({stat.size // (1024 * 1024)} MiB)"))
            return
        response = client.get_object(bucket, key)
        data = response.read()
    except Exception as exc:  # one unreadable object must not stop the run
        result.failed.append((source, f"unreadable: {exc}"))
        return
    finally:
        if response is not None:
            response.close()
            response.release_conn()
    _add_document(source, data, fmt, name, result)


# --- decoding --------------------------------------------------------------------------------


def _add_document(source: str, data: bytes, fmt: Format, name: str, result: LoadResult) -> None:
    try:
        text, title = parse_bytes(data, fmt)
    except ValueError as exc:
        result.failed.append((source, str(exc)))
        return
    if not text.strip():
        result.skipped.append((source, "no text"))
        return
    title = title or os.path.splitext(name)[0]
    result.documents.append(Document(source, text, fmt, title, content_hash(text), result.origin))


def parse_bytes(data: bytes, fmt: Format) -> tuple[str, str]:
    """(text, title) of raw file content; raises ValueError with a human reason when unreadable."""
    if fmt == "pdf":
        return _pdf_text(data)
    text = _decode(data)
    if fmt == "markdown":
        return text, _markdown_title(text)
    if fmt == "html":
        return text, _html_title(text)
    return text, ""


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ValueError("binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Legacy docs are usually Windows-1252/Latin-1; latin-1 never fails, so nothing is lost.
        return data.decode("latin-1")


def _pdf_text(data: bytes) -> tuple[str, str]:
    """Text per page joined by PAGE_BREAK (empty pages kept so page numbers stay right)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs every repair it attempts; the failure (if any) is reported once, in the result.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = ""
        meta = reader.metadata
        if meta is not None and meta.title:
            title = str(meta.title).strip()
    except ValueError:
        raise
    except (PyPdfError, OSError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as exc:
        raise ValueError(f"corrupt PDF: {exc}") from exc
    if not any(pages):
        raise ValueError("PDF has no text layer (scanned?)")
    return PAGE_BREAK.join(pages), title


_ATX_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _markdown_title(text: str) -> str:
    match = _ATX_H1.search(text)
    return match.group(1).strip() if match else ""


def _html_title(text: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in (soup.title, soup.find("h1")):
        if tag is not None and tag.get_text(strip=True):
            return tag.get_text(" ", strip=True)
    return ""
