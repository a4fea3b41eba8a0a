"""What the documentation tools run against: a knowledge base, opened lazily.

Opening it loads the embedding model (seconds, and torch), so nothing happens until the first
search or index; the built-in corpus is brought up to date at that moment too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.storage import StorageContext

#: Below this relevance a passage is not evidence: the agent says it doesn't know.
DEFAULT_MIN_SCORE = 0.35


@dataclass
class DocsContext:
    kb_factory: Callable[[], Any]
    storage: StorageContext | None = None
    min_score: float = DEFAULT_MIN_SCORE
    workdir: Path = field(default_factory=Path.cwd)
    _kb: Any = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def opened_kb(self) -> Any | None:
        """The knowledge base if something already opened it (opening may index the built-in docs)."""
        return self._kb

    @property
    def kb(self) -> Any:
        with self._lock:
            if self._kb is None:
                self._kb = self.kb_factory()
            return self._kb
