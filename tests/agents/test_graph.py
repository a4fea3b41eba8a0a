"""The swarm graph driven by scripted chat models, with real storage tools on a loopback S3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, SystemMessage, ToolMessage

from agents.registry import Specialist
from agents.scripted import ScriptedChatModel, call, say
from agents.storage import storage_specialist
from swarmops.events import Decision
from tests.helpers import assistant_for, of_type, raw_client, run_turn, storage_ctx
from tools.storage import STORAGE_TOOLS


def _tool_messages(model: ScriptedChatModel, index: int) -> list[ToolMessage]:
    return [m for m in model.calls[index]["messages"] if isinstance(m, ToolMessage)]


async def test_handoff_runs_the_specialist_whose_answer_ends_the_turn(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="list buckets"), call("list_buckets"), say("You have alpha.")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "what buckets do I have?")
    assert [e.type for e in events if e.type in {"handoff", "tool_call", "tool_result", "turn_done"}] == [
        "handoff",
        "tool_call",
        "tool_result",
        "turn_done",
    ]
    handoff = of_type(events, "handoff")[0]
    assert (handoff.from_agent, handoff.to_agent, handoff.task) == ("router", "storage", "list buckets")
    result = of_type(events, "tool_result")[0]
    assert result.ok and [b["name"] for b in result.data["buckets"]] == ["alpha"]
    # Each agent saw its own tools: the router only handoffs, the specialist its storage tools and a
    # way to hand back (no handoff to itself).
    assert model.calls[0]["tools"] == ("transfer_to_storage",)
    assert "list_buckets" in model.calls[1]["tools"] and "transfer_to_storage" not in model.calls[1]["tools"]
    assert "transfer_to_router" in model.calls[1]["tools"]
    # The specialist's answer ended the turn: the router was not asked again (3 model calls, was 4).
    done = events[-1]
    assert done.type == "turn_done" and done.final_text == "You have alpha." and done.llm_calls == 3
    assert done.input_tokens == 30 and done.output_tokens == 15


async def test_request_spanning_two_specialists_runs_the_routers_plan(tmp_path: Path, s3_endpoint: str) -> None:
    client = raw_client(s3_endpoint)
    client.make_bucket("primary")
    client.make_bucket("backup")
    archive = Specialist("archive", "Backups", "", list(STORAGE_TOOLS), storage_ctx(s3_endpoint, tmp_path))
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list primary", then=[{"specialist": "archive", "task": "list backup"}]),
            call("list_objects", bucket="primary"),
            say("primary is empty"),
            call("list_objects", bucket="backup"),
            say("backup is empty"),
        ]
    )
    specialists = [storage_specialist(storage_ctx(s3_endpoint, tmp_path)), archive]
    async with assistant_for(tmp_path, model, specialists) as assistant:
        events = await run_turn(assistant, "t", "check primary and backup")
    assert [(h.to_agent, h.task) for h in of_type(events, "handoff")] == [
        ("storage", "list primary"),
        ("archive", "list backup"),
    ]
    assert [r.agent for r in of_type(events, "tool_result")] == ["storage", "archive"]
    assert events[-1].final_text == "primary is empty\n\nbackup is empty"
    # One router call for the whole plan (not one per part), then two calls per specialist.
    assert events[-1].llm_calls == 5 == len(model.calls)
    # The second specialist saw what the first one reported.
    seen = [m for m in model.calls[3]["messages"] if isinstance(m, AIMessage) and m.content]
    assert any(m.content == "primary is empty" for m in seen)


async def test_step_budget_ends_the_loop_gracefully(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="keep going"),
            call("list_buckets"),
            call("list_buckets"),
            say("Stopped after two rounds: no buckets."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, step_budget=2) as assistant:
        events = await run_turn(assistant, "t", "loop")
    assert len(of_type(events, "tool_call")) == 2
    final_call = model.calls[3]
    assert final_call["tools"] == ()  # no tools offered once the budget is spent
    system = final_call["messages"][0]
    assert isinstance(system, SystemMessage) and "budget of 2 tool rounds" in system.content
    assert events[-1].final_text == "Stopped after two rounds: no buckets."


async def test_approved_change_runs(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="create"),
            call("create_bucket", bucket="made"),
            say("Created."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "create made", decide=lambda e: True)
    request = of_type(events, "approval_request")[0]
    assert request.tool == "create_bucket" and request.args == {"bucket": "made"} and "made" in request.preview
    assert of_type(events, "approval_result")[0].approved
    # The approval comes before the call runs.
    kinds = [e.type for e in events]
    assert kinds.index("approval_request") < kinds.index("tool_call")
    assert raw_client(s3_endpoint).bucket_exists("made")
    assert of_type(events, "tool_result")[0].ok


async def test_rejected_change_changes_nothing_and_the_model_is_told(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="create"), call("create_bucket", bucket="nope"), say("Okay."), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "create nope", decide=lambda e: False)
    assert not raw_client(s3_endpoint).bucket_exists("nope")
    result = of_type(events, "tool_result")[0]
    assert not result.ok and result.error.code == "Rejected"
    told = _tool_messages(model, 2)[-1]
    assert json.loads(told.content)["error"]["code"] == "Rejected"


async def test_unanswered_approval_stays_pending_and_can_be_answered_later(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="create"),
            call("create_bucket", bucket="later"),
            say("Done."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "create later")
        assert events[-1].pending_approval
        pending = await assistant.pending_approval("t")
        assert pending is not None and pending.tool == "create_bucket"
        assert not raw_client(s3_endpoint).bucket_exists("later")
        resumed = [e async for e in assistant.astream("t", resume=Decision(approved=True))]
    assert raw_client(s3_endpoint).bucket_exists("later")
    assert resumed[-1].final_text == "Done." and not resumed[-1].pending_approval


async def test_read_only_hides_mutating_tools_and_refuses_them(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="x"),
            call("create_bucket", bucket="read-only-try"),
            say("Could not."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, read_only=True) as assistant:
        events = await run_turn(assistant, "t", "create read-only-try", decide=lambda e: True)
    bound = model.calls[1]["tools"]
    assert "list_buckets" in bound and not {"create_bucket", "delete_bucket", "upload", "delete_objects"} & set(bound)
    assert not of_type(events, "approval_request")
    assert of_type(events, "tool_result")[0].error.code == "ReadOnly"
    assert not raw_client(s3_endpoint).bucket_exists("read-only-try")


async def test_unknown_tool_is_reported_with_suggestions(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="x"), call("list_bucket"), say("Sorry."), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "x")
    error = of_type(events, "tool_result")[0].error
    assert error.code == "UnknownTool" and "list_buckets" in error.suggestions


async def test_model_failure_is_reported_and_the_thread_keeps_working(tmp_path: Path, s3_endpoint: str) -> None:
    def boom(messages: object) -> AIMessage:
        raise ConnectionError("endpoint down")

    model = ScriptedChatModel(script=[boom, say("Hello again.")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        first = await run_turn(assistant, "t", "hi")
        second = await run_turn(assistant, "t", "hi again")
    assert any("endpoint down" in e.message for e in of_type(first, "error"))
    assert first[-1].type == "turn_done"
    assert second[-1].final_text == "Hello again."


async def test_secrets_never_leave_the_session(tmp_path: Path, s3_endpoint: str) -> None:
    secret = "sk-very-secret-value-123"
    model = ScriptedChatModel(script=[say(f"the key is {secret}")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, secrets=[secret]) as assistant:
        events = await run_turn(assistant, "t", "tell me the key")
    dumped = "".join(e.to_json() for e in events)
    assert secret not in dumped and "sk-" in dumped


async def test_threads_are_listed_renamed_and_deleted(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[say("one"), say("two")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "a", "first thread")
        await run_turn(assistant, "b", "second thread")
        assert [t.id for t in assistant.list_threads()] == ["b", "a"]
        assert assistant.rename_thread("a", "renamed")
        assert {t.id: t.title for t in assistant.list_threads()}["a"] == "renamed"
        assert [h.text for h in await assistant.history("a")] == ["first thread", "one"]
        assert await assistant.delete_thread("a")
        assert [t.id for t in assistant.list_threads()] == ["b"]
        assert await assistant.history("a") == []


async def test_audit_log_records_calls_with_masked_arguments(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="tag"), call("list_buckets"), say("ok"), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "t", "list")
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert lines and lines[0]["tool"] == "list_buckets" and lines[0]["ok"] is True and lines[0]["thread"] == "t"


@pytest.mark.parametrize("text", ["", "   "])
async def test_empty_input_is_an_error_event_not_a_crash(tmp_path: Path, s3_endpoint: str, text: str) -> None:
    async with assistant_for(tmp_path, ScriptedChatModel(), endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", text)
    assert events[0].type == "error" and events[-1].type == "turn_done"
