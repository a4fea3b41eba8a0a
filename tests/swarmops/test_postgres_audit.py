"""The audit trail on a real PostgreSQL server (loopback): every call from every replica and surface
lands in one append-only table, masked like the file log, and no audit file is written beside it."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from mcp import Client, StdioServerParameters

from swarmops.session import Assistant
from swarmops.settings import Settings
from tests.helpers import run_turn
from tests.swarmops.test_cli import cli_env

SECRET = "testing-secret-key"  # the S3 secret the moto fixture accepts; never stored


def _settings(tmp_path: Path, pg_url: str, s3_endpoint: str, name: str) -> Settings:
    return Settings(
        data_dir=tmp_path / name, database_url=pg_url, s3_endpoint=s3_endpoint, s3_access_key="testing",
        s3_secret_key=SECRET, kfp_host=None, chroma_url=None,
    )  # fmt: skip


def _rows(pg_url: str) -> list[dict]:
    with psycopg.connect(pg_url, connect_timeout=10) as conn:
        return [row[0] for row in conn.execute("SELECT entry FROM swarmops_audit ORDER BY id").fetchall()]


async def test_calls_from_two_replicas_land_in_one_table(tmp_path: Path, pg_url: str, s3_endpoint: str) -> None:
    async with Assistant.open(_settings(tmp_path, pg_url, s3_endpoint, "a"), user="ann") as a:
        await run_turn(a, "t-audit", "what buckets do I have?")
        await run_turn(a, "t-audit", "create a bucket called audited")  # left waiting
    async with Assistant.open(_settings(tmp_path, pg_url, s3_endpoint, "b"), user="bob") as b:
        await run_turn(b, "t-audit", "yes")  # decided on the other replica
    rows = _rows(pg_url)
    by_tool = {(r["thread"], r["tool"]): r for r in rows}
    created = by_tool[("t-audit", "create_bucket")]
    assert created["decision"] == "approved" and created["ok"] and created["args"] == {"bucket": "audited"}
    assert created["approved_by"]["user"] == "bob" and created["asked_by"]["user"] == "ann"
    assert by_tool[("t-audit", "list_buckets")]["decision"] == "not_needed"
    assert [r["tool"] for r in rows] == ["list_buckets", "create_bucket"], "one row per call, in order"
    assert not any((tmp_path / d / "audit.jsonl").exists() for d in ("a", "b")), "the table replaces the file"


def test_records_are_masked_as_in_the_file(pg_url: str) -> None:
    from swarmops.pgaudit import PgAuditLog
    from tools.gate import AuditRecord, Identity
    from tools.masking import Masker

    me = Identity(surface="cli", user="ann")
    url = f"http://127.0.0.1:9/b/k?X-Amz-Signature=abc123def456&X-Amz-Credential={SECRET}"
    record = AuditRecord(
        ts=1.0, thread="t", surface="cli", asked_by=me, agent="storage", tool="presign", call_id="c1",
        args={"note": f"key is {SECRET}", "url": url}, mutating=False, decision="not_needed", ok=True, duration_ms=1.0,
    )  # fmt: skip
    log = PgAuditLog(pg_url, Masker([SECRET]))
    log.write(record)
    log.close()
    (stored,) = _rows(pg_url)
    assert SECRET not in str(stored) and "abc123def456" not in str(stored)
    assert stored["tool"] == "presign" and stored["asked_by"] == {"surface": "cli", "user": "ann"}


def test_the_table_is_append_only(pg_url: str) -> None:
    from swarmops.pgaudit import PgAuditLog
    from tools.masking import Masker

    PgAuditLog(pg_url, Masker()).close()  # the schema, as a first start leaves it
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute("INSERT INTO swarmops_audit(ts, thread, tool, entry) VALUES (1, 't', 'x', '{}')")
        for statement in (
            "UPDATE swarmops_audit SET tool = 'y'",
            "DELETE FROM swarmops_audit",
            "TRUNCATE swarmops_audit",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*), min(tool) FROM swarmops_audit").fetchone() == (1, "x")
    PgAuditLog(pg_url, Masker()).close()  # set-up again (a second replica) keeps the rows and the guard
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
        assert conn.execute("SELECT count(*) FROM swarmops_audit").fetchone() == (1,)
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("DELETE FROM swarmops_audit")


async def test_the_mcp_server_audits_to_the_same_table(tmp_path: Path, pg_url: str, s3_endpoint: str) -> None:
    env = cli_env(tmp_path, s3_endpoint, SWARMOPS_DATABASE_URL=pg_url, SWARMOPS_KFP_HOST="http://127.0.0.1:9")
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "swarmops.cli", "mcp", "--allow-write"], env=env, cwd=str(tmp_path)
    )
    async with Client(params, read_timeout_seconds=60) as client:
        listed = await client.call_tool("list_buckets", {})
        preview = await client.call_tool("create_bucket", {"bucket": "via-mcp"})
    assert not listed.is_error and not preview.is_error
    rows = [(r["surface"], r["tool"], r["decision"]) for r in _rows(pg_url)]
    assert rows == [("mcp", "list_buckets", "not_needed"), ("mcp", "create_bucket", "previewed")]
    assert not (tmp_path / "data" / "audit.jsonl").exists()
