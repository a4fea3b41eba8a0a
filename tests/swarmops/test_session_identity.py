"""Who asked and who answered, through the session: what a Slack bot or any other surface relies on.

A turn is streamed for an identity (the front end's surface and user, or `asked_by`); whoever answers
an approval may be someone else (`approve(by=...)`, a later resume). The tool gate's audit record
must name both, for every architecture.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.scripted import ScriptedChatModel, call, say
from swarmops.events import ApprovalRequest, Decision, Identity
from tests.helpers import assistant_for, of_type, raw_client

U1 = Identity(surface="slack", user="U1")
U2 = Identity(surface="slack", user="U2")


def _model(architecture: str = "swarm") -> ScriptedChatModel:
    if architecture == "flat":
        return ScriptedChatModel(script=[call("create_bucket", bucket="made"), say("Created.")])
    return ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="create"),
            call("create_bucket", bucket="made"),
            say("Created."),
            say(""),
        ]
    )


def _audit(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("architecture", ["swarm", "flat"])
async def test_an_approval_by_another_user_is_audited_with_both_identities(
    tmp_path: Path, s3_endpoint: str, architecture: str
) -> None:
    async with assistant_for(tmp_path, _model(architecture), endpoint=s3_endpoint, architecture=architecture) as a:
        events = []
        async for event in a.astream("t", "create made", asked_by=U1):
            if isinstance(event, ApprovalRequest):
                assert event.asked_by == U1  # the card can say who asked
                event.approve(by=U2)
            events.append(event)
    assert raw_client(s3_endpoint).bucket_exists("made")
    assert of_type(events, "approval_result")[0].by == U2
    [record] = _audit(tmp_path)
    assert record["tool"] == "create_bucket" and record["decision"] == "approved" and record["ok"] is True
    assert record["asked_by"] == {"surface": "slack", "user": "U1"} and record["surface"] == "slack"
    assert record["approved_by"] == {"surface": "slack", "user": "U2"}


async def test_by_default_the_assistants_own_identity_asks_and_answers(tmp_path: Path, s3_endpoint: str) -> None:
    async with assistant_for(tmp_path, _model(), endpoint=s3_endpoint, surface="cli", user="alice") as assistant:
        events = []
        async for event in assistant.astream("t", "create made"):
            if isinstance(event, ApprovalRequest):
                assert event.asked_by == Identity(surface="cli", user="alice")
                event.approve()  # no `by`: whoever the turn is streamed for
            events.append(event)
    assert of_type(events, "approval_result")[0].by == Identity(surface="cli", user="alice")
    [record] = _audit(tmp_path)
    assert record["asked_by"] == record["approved_by"] == {"surface": "cli", "user": "alice"}


async def test_an_unanswered_change_is_not_run_and_a_later_answer_keeps_who_asked(
    tmp_path: Path, s3_endpoint: str
) -> None:
    async with assistant_for(tmp_path, _model(), endpoint=s3_endpoint, surface="cli", user="alice") as assistant:
        first = [e async for e in assistant.astream("t", "create made")]
        assert first[-1].pending_approval and not (tmp_path / "audit.jsonl").exists()
        resumed = [e async for e in assistant.astream("t", resume=Decision(approved=True), asked_by=U2)]
    assert of_type(resumed, "approval_result")[0].by == U2
    [record] = _audit(tmp_path)
    assert record["asked_by"] == {"surface": "cli", "user": "alice"}, "the change stays the asker's"
    assert record["approved_by"] == {"surface": "slack", "user": "U2"} and raw_client(s3_endpoint).bucket_exists("made")


async def test_a_typed_no_is_audited_as_a_rejection_by_whoever_typed_it(tmp_path: Path, s3_endpoint: str) -> None:
    async with assistant_for(tmp_path, _model(), endpoint=s3_endpoint, surface="chat", user="alice") as assistant:
        [e async for e in assistant.astream("t", "create made")]
        answered = [e async for e in assistant.astream("t", "no", asked_by=U2)]
    assert [r.approved for r in of_type(answered, "approval_result")] == [False]
    [record] = _audit(tmp_path)
    assert record["decision"] == "rejected" and record["error"] == "Rejected"
    assert record["approved_by"] == {"surface": "slack", "user": "U2"} and record["reason"] == "rejected by the user"
    assert record["asked_by"] == {"surface": "chat", "user": "alice"}
    assert not raw_client(s3_endpoint).bucket_exists("made")


async def test_read_calls_are_audited_with_the_asker_and_no_approver(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="list"), call("list_buckets"), say("ok"), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, surface="eval", user="runner") as assistant:
        [e async for e in assistant.astream("t", "list")]
    [record] = _audit(tmp_path)
    assert record["decision"] == "not_needed" and record["approved_by"] is None
    assert record["asked_by"] == {"surface": "eval", "user": "runner"} and record["thread"] == "t"
