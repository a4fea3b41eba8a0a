"""Conversations on a real PostgreSQL server (loopback): what a team's replicas rely on. Threads and
their waiting approvals survive a restart, another process continues a thread and decides its
approval, and a decision that two processes receive at once runs the change once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from minio import Minio

from swarmops.events import ApprovalRequest, ErrorEvent, Status, ToolResultEvent, TurnDone
from swarmops.session import Assistant
from swarmops.settings import Settings
from swarmops.threads import StateStoreError
from tests.helpers import raw_client, run_turn
from tests.swarmops.test_cli import swarmops
from tools.gate import Decision


def _settings(tmp_path: Path, pg_url: str | None, s3_endpoint: str, name: str) -> Settings:
    return Settings(
        data_dir=tmp_path / name, database_url=pg_url, s3_endpoint=s3_endpoint, s3_access_key="testing",
        s3_secret_key="testing-secret-key", kfp_host=None, chroma_url=None,
    )  # fmt: skip


async def _leave_waiting(settings: Settings, thread: str, text: str) -> None:
    async with Assistant.open(settings) as assistant:
        events = await run_turn(assistant, thread, text)  # nobody answers: the change waits
        assert isinstance(events[-1], TurnDone) and events[-1].pending_approval


async def test_a_thread_and_its_waiting_change_survive_a_restart(tmp_path: Path, pg_url: str, s3_endpoint: str) -> None:
    settings = _settings(tmp_path, pg_url, s3_endpoint, "first")
    await _leave_waiting(settings, "t-restart", "create a bucket called survives-restart")
    async with Assistant.open(settings) as again:  # a new process would open the same way
        assert [t.id for t in again.threads.list()] == ["t-restart"]
        assert await again.pending_approval("t-restart") is not None
        done = await run_turn(again, "t-restart", "yes")
    assert [e.tool for e in done if isinstance(e, ToolResultEvent) and e.ok] == ["create_bucket"]
    assert raw_client(s3_endpoint).bucket_exists("survives-restart")
    assert not (tmp_path / "first" / "state.sqlite").exists(), "nothing of the conversation went to SQLite"


async def test_another_process_continues_the_thread_and_decides_its_approval(
    tmp_path: Path, pg_url: str, s3_endpoint: str
) -> None:
    first = _settings(tmp_path, pg_url, s3_endpoint, "replica-a")
    await _leave_waiting(first, "t-shared", "create a bucket called from-b")
    other = swarmops(  # another process, its own data dir, the same database: a second replica
        ["ask", "--json", "--thread", "t-shared", "yes"], tmp_path, s3_endpoint,
        SWARMOPS_DATABASE_URL=pg_url, SWARMOPS_DATA_DIR=str(tmp_path / "replica-b"),
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    events = [json.loads(line) for line in other.stdout.splitlines()]
    assert [e["approved"] for e in events if e["type"] == "approval_result"] == [True]
    assert raw_client(s3_endpoint).bucket_exists("from-b")
    assert pg_url not in other.stdout + other.stderr


@pytest.mark.parametrize("store", ["postgres", "sqlite"])
async def test_a_decision_received_by_two_processes_at_once_runs_the_change_once(
    tmp_path: Path, store: str, s3_endpoint: str, request: pytest.FixtureRequest
) -> None:
    """Two replicas on one database, or two windows on one data dir (SQLite), both told "approve"."""
    client: Minio = raw_client(s3_endpoint)
    url = request.getfixturevalue("pg_url") if store == "postgres" else None
    dirs = ("a", "b", "c") if url else ("a", "a", "a")
    await _leave_waiting(_settings(tmp_path, url, s3_endpoint, dirs[0]), "t-race", "create a bucket called once")
    async with (
        Assistant.open(_settings(tmp_path, url, s3_endpoint, dirs[1])) as b,
        Assistant.open(_settings(tmp_path, url, s3_endpoint, dirs[2])) as c,
    ):

        async def decide(assistant: Assistant) -> list[object]:
            return [e async for e in assistant.astream("t-race", resume=Decision(approved=True))]

        both = await asyncio.gather(decide(b), decide(c))
    created = [e for events in both for e in events if isinstance(e, ToolResultEvent) and e.tool == "create_bucket"]
    assert len(created) == 1 and created[0].ok, "the change ran exactly once"
    refused = [e for events in both for e in events if isinstance(e, ErrorEvent)]
    assert len(refused) == 1 and "already decided" in refused[0].message
    assert client.bucket_exists("once")
    assert not any(isinstance(e, ApprovalRequest) for events in both for e in events)


def test_an_unreachable_database_is_one_clear_error_without_the_password(tmp_path: Path) -> None:
    from swarmops.pgstate import PgThreadStore
    from swarmops.services.ports import free_ports

    (port,) = free_ports(1)
    url = f"postgresql://swarm:hunter2-secret@127.0.0.1:{port}/team"
    try:
        PgThreadStore(url)
    except StateStoreError as exc:
        said = str(exc)
    else:
        raise AssertionError("a store on a closed port must fail")
    assert f"PostgreSQL 127.0.0.1:{port}/team" in said and "hunter2-secret" not in said


async def test_threads_and_doctor_work_on_the_database_and_never_show_its_password(
    tmp_path: Path, pg_url: str, s3_endpoint: str
) -> None:
    with_password = pg_url.replace("postgres@", "postgres:pw-never-shown-42@")  # trust auth ignores it
    settings = _settings(tmp_path, with_password, s3_endpoint, "a")
    await _leave_waiting(settings, "t-listed", "create a bucket called listed")
    env = {"SWARMOPS_DATABASE_URL": with_password, "SWARMOPS_DATA_DIR": str(tmp_path / "cli")}
    listed = swarmops(["threads", "list"], tmp_path, s3_endpoint, **env)
    assert listed.returncode == 0 and "t-listed" in listed.stdout, listed.stderr
    doctor = swarmops(["doctor"], tmp_path, s3_endpoint, **env, SWARMOPS_KFP_HOST="http://127.0.0.1:9")
    assert "conversations" in doctor.stdout and "PostgreSQL 127.0.0.1" in doctor.stdout and "1 thread" in doctor.stdout
    deleted = swarmops(["threads", "delete", "t-listed"], tmp_path, s3_endpoint, **env)
    assert deleted.returncode == 0, deleted.stderr
    async with Assistant.open(_settings(tmp_path, with_password, s3_endpoint, "b")) as again:
        assert again.threads.list() == [] and await again.pending_approval("t-listed") is None  # checkpoints too
    for out in (listed, doctor, deleted):
        assert "pw-never-shown-42" not in out.stdout + out.stderr


async def test_turns_on_one_thread_from_two_processes_take_turns(tmp_path: Path, pg_url: str, s3_endpoint: str) -> None:
    """A second replica's turn on a thread waits, told so, until the first one's turn has ended."""
    async with (
        Assistant.open(_settings(tmp_path, pg_url, s3_endpoint, "a")) as a,
        Assistant.open(_settings(tmp_path, pg_url, s3_endpoint, "b")) as b,
    ):
        first = a.astream("t-turns", "create a bucket called one-at-a-time")
        async for event in first:
            if isinstance(event, ApprovalRequest):
                break  # a's turn is still running: it waits for this answer
        second: list[object] = []

        async def other() -> None:
            async for e in b.astream("t-turns", "what buckets do I have?"):
                second.append(e)

        task = asyncio.create_task(other())
        for _ in range(100):
            if second:
                break
            await asyncio.sleep(0.05)
        assert [(e.type, e.state) for e in second if isinstance(e, Status)] == [("status", "waiting")]
        assert not task.done(), "b's turn must not run while a's is running on the thread"
        event.approve()
        rest = [e async for e in first]
        await asyncio.wait_for(task, 30)
    assert [e.tool for e in rest if isinstance(e, ToolResultEvent) and e.ok] == ["create_bucket"]
    listed = [e for e in second if isinstance(e, ToolResultEvent) and e.tool == "list_buckets"]
    assert listed and "one-at-a-time" in str(listed[0].data), "b ran after a's change, on a's checkpoint"
