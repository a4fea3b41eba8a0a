"""The audit trail in PostgreSQL (`SWARMOPS_DATABASE_URL`): one row per tool call, from every replica.

A team's processes each keeping an audit file of their own would scatter "who changed what" over
pods that come and go; one table keeps it in one place. It is append-only: a trigger refuses
UPDATE, DELETE and TRUNCATE, whoever asks (see swarmops.pgstate's schema). Records are masked
exactly as the file log masks them (tools.audit.masked_entry). A write that fails raises the
store's error in words: a call that cannot be audited is not reported as a quiet success.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from swarmops.pgstate import in_words, open_pool
from tools.audit import masked_entry
from tools.masking import Masker


class PgAuditLog:
    """`tools.audit.AuditSink` on the `swarmops_audit` table."""

    def __init__(self, url: str, masker: Masker) -> None:
        self._url = url
        self._masker = masker
        self._pool = open_pool(url, max_size=2)

    def write(self, record: BaseModel) -> None:
        entry = masked_entry(self._masker, record)
        row = (entry.get("ts", 0.0), entry.get("thread", ""), entry.get("tool", ""), json.dumps(entry, default=str))
        with in_words(self._url), self._pool.connection() as conn:
            conn.execute("INSERT INTO swarmops_audit(ts, thread, tool, entry) VALUES (%s, %s, %s, %s::jsonb)", row)

    def close(self) -> None:
        self._pool.close()
