"""The database going away in the middle of a turn (a real PostgreSQL server, stopped at once, then
started again): the person is told in words, nothing runs half-decided, and when the database is
back the same process carries on with the thread as it was."""

from __future__ import annotations

from pathlib import Path

from swarmops.events import ApprovalRequest, ErrorEvent, Event, ToolResultEvent, TurnDone
from swarmops.session import Assistant
from swarmops.settings import Settings
from tests.helpers import raw_client, run_turn
from tests.plugins.postgres import PgServer, new_database


async def test_the_database_going_away_mid_turn_is_said_and_the_thread_resumes_when_it_returns(
    tmp_path: Path, pg_own_server: PgServer, s3_endpoint: str
) -> None:
    url = new_database(pg_own_server.url).replace("postgres@", "postgres:pw-not-shown-7@")  # trust ignores it
    settings = Settings(
        data_dir=tmp_path / "data", database_url=url, s3_endpoint=s3_endpoint, s3_access_key="testing",
        s3_secret_key="testing-secret-key", kfp_host=None, chroma_url=None,
    )  # fmt: skip
    async with Assistant.open(settings) as assistant:
        await run_turn(assistant, "t-out", "what buckets do I have?")  # the thread exists, with a turn in it
        events: list[Event] = []
        async for event in assistant.astream("t-out", "create a bucket called after-outage"):
            if isinstance(event, ApprovalRequest):
                pg_own_server.stop()  # between the question and the answer
                event.approve()
            events.append(event)
        errors = [e.message for e in events if isinstance(e, ErrorEvent)]
        assert len(errors) == 1 and f"PostgreSQL 127.0.0.1:{pg_own_server.port}/" in errors[0], errors
        assert "intact" in errors[0] and "pw-not-shown-7" not in errors[0]
        assert isinstance(events[-1], TurnDone)
        assert not raw_client(s3_endpoint).bucket_exists("after-outage"), "no change runs on a decision not stored"

        pg_own_server.start()
        assert [t.id for t in assistant.threads.list()] == ["t-out"]
        waiting = await assistant.pending_approval("t-out")
        assert waiting is not None and waiting.tool == "create_bucket", "the change still waits for its answer"
        history = [entry.text for entry in await assistant.history("t-out")]
        assert "what buckets do I have?" in history and "create a bucket called after-outage" in history
        done = await run_turn(assistant, "t-out", "yes")
    assert not [e for e in done if isinstance(e, ErrorEvent)]
    assert [e.tool for e in done if isinstance(e, ToolResultEvent) and e.ok] == ["create_bucket"]
    assert raw_client(s3_endpoint).bucket_exists("after-outage")
