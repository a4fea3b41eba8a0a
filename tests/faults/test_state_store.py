"""Fault suite: the conversation store (state.sqlite) is damaged, or held by another process.

The CLI runs as a real process; the damage is real bytes on disk and the lock a real SQLite
transaction held by this test process.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.swarmops.test_cli import swarmops


def test_a_damaged_store_is_reported_in_words_and_left_untouched(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: a corrupt state file gives one clear line naming the file and what to do (exit 2, no
    traceback), and swarmops never rewrites or deletes it: the threads may still be recoverable."""
    store = tmp_path / "data" / "state.sqlite"
    store.parent.mkdir(parents=True)
    damaged = b"this is not a database, it was a disk error\n" * 200
    store.write_bytes(damaged)

    for args in (["ask", "list my buckets"], ["threads", "list"]):
        out = swarmops(args, tmp_path, s3_endpoint)
        assert out.returncode == 2, out.stdout + out.stderr
        assert "damaged" in out.stderr and str(store) in out.stderr.replace("\n", ""), out.stderr
        assert "Traceback" not in out.stdout + out.stderr
    assert store.read_bytes() == damaged, "the damaged file must be left exactly as it was"


def test_a_locked_store_is_reported_and_nothing_is_lost(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: when another process holds the store, a turn ends with a clear error after a bounded
    wait (exit 1, no traceback), and every earlier thread is still there once the lock is gone."""
    first = swarmops(["ask", "--thread", "kept", "list my buckets"], tmp_path, s3_endpoint)
    assert first.returncode == 0, first.stdout + first.stderr

    holder = sqlite3.connect(tmp_path / "data" / "state.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        blocked = swarmops(["ask", "--thread", "kept", "list my buckets"], tmp_path, s3_endpoint)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert blocked.returncode != 0
    said = blocked.stdout + blocked.stderr
    assert "in use by another process" in said.replace("\n", " ") and "Traceback" not in said, said

    listed = swarmops(["threads", "list"], tmp_path, s3_endpoint)
    assert listed.returncode == 0 and "kept" in listed.stdout
    again = swarmops(["ask", "--thread", "kept", "list my buckets"], tmp_path, s3_endpoint)
    assert again.returncode == 0, again.stdout + again.stderr
