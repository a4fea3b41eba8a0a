"""Append-only audit log of every tool call, with secrets masked (one JSON object per line).

Kept outside the conversation so a person can answer "what did the assistant change, and who
approved it?" even after a thread is deleted.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from swarmops.masking import Masker
from swarmops.privacy import open_private, private_dir


class AuditLog:
    def __init__(self, path: Path, masker: Masker) -> None:
        self._path = path
        self._masker = masker
        self._lock = threading.Lock()
        private_dir(path.parent)

    def record(self, **entry: Any) -> None:
        entry = {"ts": round(time.time(), 3), **self._masker.data(entry, signatures=True)}
        line = json.dumps(entry, default=str, ensure_ascii=False)
        with self._lock, open_private(self._path) as fh:
            fh.write(line + "\n")
