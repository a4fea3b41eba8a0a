"""Append-only audit log of every tool call, with secrets masked (one JSON object per line).

Kept outside the conversation so a person can answer "what did the assistant change, who asked for
it and who approved it?" even after a thread is deleted. The tool gate (tools.gate) writes one
record per call, whichever surface the call came through; this module only appends records safely.

The file is created 0600 and its directory 0700 from the start (the log quotes arguments, which may
name anything a person typed); appends from several threads are serialised by a lock, and each
record is one `write` of a whole line, so concurrent processes never interleave inside a line.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from tools.masking import Masker


class AuditSink(Protocol):
    """Where audit records go: this file log, or a database table for a team (swarmops.pgaudit)."""

    def write(self, record: BaseModel) -> None: ...


def masked_entry(masker: Masker, record: BaseModel) -> dict[str, Any]:
    """The record as stored: JSON-ready, secrets and presigned-URL signatures masked."""
    return masker.data(record.model_dump(mode="json"), signatures=True)


class AuditLog:
    def __init__(self, path: Path, masker: Masker) -> None:
        self._path = path
        self._masker = masker
        self._lock = threading.Lock()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    @property
    def path(self) -> Path:
        return self._path

    def write(self, record: BaseModel) -> None:
        """Append `record` as one JSON line, masked (presigned-URL signatures included)."""
        line = json.dumps(masked_entry(self._masker, record), default=str, ensure_ascii=False) + "\n"
        with self._lock:
            fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.fchmod(fd, 0o600)
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
