"""`swarmops threads migrate`: a person's SQLite threads copied into PostgreSQL (a real server on
loopback), each one going on where it left off, a change that was waiting still waiting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from swarmops.events import ToolResultEvent
from swarmops.session import Assistant
from swarmops.settings import Settings
from tests.helpers import raw_client, run_turn
from tests.swarmops.test_cli import swarmops


def _settings(tmp_path: Path, s3_endpoint: str, name: str, url: str | None = None) -> Settings:
    return Settings(
        data_dir=tmp_path / name, database_url=url, s3_endpoint=s3_endpoint, s3_access_key="testing",
        s3_secret_key="testing-secret-key", kfp_host=None, chroma_url=None,
    )  # fmt: skip


async def _laptop_threads(tmp_path: Path, s3_endpoint: str) -> tuple[list, list]:
    """Two threads on SQLite: one finished (its change approved), one with a change left waiting."""
    async with Assistant.open(_settings(tmp_path, s3_endpoint, "laptop")) as mine:
        await run_turn(mine, "t-done", "create a bucket called done-before", decide=lambda _: True)
        await run_turn(mine, "t-wait", "what buckets do I have?")
        await run_turn(mine, "t-wait", "create a bucket called after-move")  # left waiting
        return mine.threads.list(), [await mine.history(t) for t in ("t-done", "t-wait")]


async def test_every_thread_moves_with_its_history_and_its_waiting_change(
    tmp_path: Path, pg_url: str, s3_endpoint: str
) -> None:
    listed, histories = await _laptop_threads(tmp_path, s3_endpoint)
    env = {"SWARMOPS_DATABASE_URL": pg_url, "SWARMOPS_DATA_DIR": str(tmp_path / "laptop")}

    dry = swarmops(["threads", "migrate", "--dry-run"], tmp_path, s3_endpoint, **env)
    assert dry.returncode == 0 and "would copy 2 thread(s)" in dry.stdout, dry.stdout + dry.stderr
    with psycopg.connect(pg_url, connect_timeout=10) as conn:
        assert conn.execute("SELECT count(*) FROM swarmops_threads").fetchone() == (0,), "a dry run copies nothing"

    moved = swarmops(["threads", "migrate"], tmp_path, s3_endpoint, **env)
    assert moved.returncode == 0 and "copied 2 thread(s)" in moved.stdout, moved.stdout + moved.stderr
    assert "t-wait" in moved.stdout and "t-done" in moved.stdout and pg_url not in moved.stdout

    async with Assistant.open(_settings(tmp_path, s3_endpoint, "team", pg_url)) as team:
        assert [(t.id, t.title, t.created, t.updated) for t in team.threads.list()] == [
            (t.id, t.title, t.created, t.updated) for t in listed
        ]
        assert [await team.history(t) for t in ("t-done", "t-wait")] == histories
        assert await team.pending_approval("t-done") is None
        waiting = await team.pending_approval("t-wait")
        assert waiting is not None and waiting.tool == "create_bucket"
        done = await run_turn(team, "t-wait", "yes")
    assert [e.tool for e in done if isinstance(e, ToolResultEvent) and e.ok] == ["create_bucket"]
    assert raw_client(s3_endpoint).bucket_exists("after-move")

    again = swarmops(["threads", "migrate"], tmp_path, s3_endpoint, **env)
    assert again.returncode == 0 and "copied 0 thread(s)" in again.stdout and "2 already" in again.stdout
    with sqlite3.connect(tmp_path / "laptop" / "state.sqlite") as db:  # the source is only read
        assert db.execute("SELECT count(*) FROM swarmops_threads").fetchone() == (2,)


def test_migrate_says_what_is_missing(tmp_path: Path, pg_url: str, s3_endpoint: str) -> None:
    no_url = swarmops(["threads", "migrate"], tmp_path, s3_endpoint)
    assert no_url.returncode == 2 and "SWARMOPS_DATABASE_URL" in no_url.stderr
    missing = tmp_path / "nowhere" / "state.sqlite"
    no_file = swarmops(
        ["threads", "migrate", "--from", str(missing)], tmp_path, s3_endpoint, SWARMOPS_DATABASE_URL=pg_url
    )
    assert no_file.returncode == 2 and "state.sqlite" in no_file.stderr and "Traceback" not in no_file.stderr
    assert not missing.parent.exists(), "nothing is created where the state file was looked for"
