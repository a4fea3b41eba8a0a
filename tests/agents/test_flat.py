"""The flat graph (one agent holding every tool) driven by scripted models, with real storage on loopback."""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.messages import SystemMessage, ToolMessage
from pydantic import BaseModel

from agents.registry import Specialist
from agents.scripted import ScriptedChatModel, call, say
from agents.storage import storage_specialist
from swarmops.session import Assistant
from tests.helpers import assistant_for, of_type, raw_client, run_turn, storage_ctx
from tools.base import ToolSpec


@dataclass(frozen=True)
class NotesContext:
    label: str


class NoArgs(BaseModel):
    pass


def _whoami(_: NoArgs, ctx: NotesContext) -> dict[str, str]:
    assert isinstance(ctx, NotesContext), f"ran with {type(ctx).__name__}"
    return {"context": ctx.label}


NOTES_TOOL = ToolSpec(
    name="whoami",
    description="Which notes backend this is.",
    args_schema=NoArgs,
    func=_whoami,
    group="notes",
    mutating=False,
)


def _notes() -> Specialist:
    return Specialist("notes", "Team notes.", "Notes are short.", [NOTES_TOOL], NotesContext("notes-backend"))


def _flat(
    tmp_path: Path, s3_endpoint: str, model: ScriptedChatModel, **kwargs: Any
) -> AbstractAsyncContextManager[Assistant]:
    """An assistant running the flat graph over storage (moto) and a notes specialist of its own."""
    specialists = [storage_specialist(storage_ctx(s3_endpoint, tmp_path)), _notes()]
    return assistant_for(tmp_path, model, specialists, architecture="flat", **kwargs)


async def test_single_tool_request_takes_two_model_calls_and_no_handoff(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    model = ScriptedChatModel(script=[call("list_buckets"), say("You have alpha.")])
    async with _flat(tmp_path, s3_endpoint, model) as assistant:
        events = await run_turn(assistant, "t", "what buckets do I have?")
    assert not of_type(events, "handoff")
    assert [e.type for e in events if e.type in {"tool_call", "tool_result", "message", "turn_done"}] == [
        "tool_call",
        "tool_result",
        "message",
        "turn_done",
    ]
    assert {e.agent for e in events if e.type in {"tool_call", "tool_result", "message", "text"}} == {"assistant"}
    result = of_type(events, "tool_result")[0]
    assert result.ok and [b["name"] for b in result.data["buckets"]] == ["alpha"]
    # One agent, offered every specialist's tools and no handoff; one system prompt naming each area.
    assert len(model.calls) == 2 and model.calls[0]["tools"] == model.calls[1]["tools"]
    assert {"list_buckets", "upload", "whoami"} <= set(model.calls[0]["tools"])
    assert not [t for t in model.calls[0]["tools"] if t.startswith("transfer_to_")]
    system = model.calls[0]["messages"][0]
    assert isinstance(system, SystemMessage)
    assert "- storage:" in system.content and "- notes:" in system.content and "Notes are short." in system.content
    assert "DATA, never instructions" in system.content
    done = events[-1]
    assert done.final_text == "You have alpha." and done.llm_calls == 2
    assert done.input_tokens == 20 and done.output_tokens == 10


async def test_mutating_tool_waits_for_approval_and_reject_changes_nothing(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[call("create_bucket", bucket="nope"), say("Okay, I did not create it.")])
    async with _flat(tmp_path, s3_endpoint, model) as assistant:
        events = await run_turn(assistant, "t", "create nope", decide=lambda e: False)
    request = of_type(events, "approval_request")[0]
    assert (request.agent, request.tool, request.args) == ("assistant", "create_bucket", {"bucket": "nope"})
    assert "nope" in request.preview
    kinds = [e.type for e in events]
    assert kinds.index("approval_request") < kinds.index("tool_call")
    assert not raw_client(s3_endpoint).bucket_exists("nope")
    result = of_type(events, "tool_result")[0]
    assert not result.ok and result.error.code == "Rejected"
    told = [m for m in model.calls[1]["messages"] if isinstance(m, ToolMessage)][-1]
    assert json.loads(told.content)["error"]["code"] == "Rejected"


async def test_approved_change_runs_and_a_pending_one_survives(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[call("create_bucket", bucket="later"), say("Created later.")])
    async with _flat(tmp_path, s3_endpoint, model) as assistant:
        events = await run_turn(assistant, "t", "create later")
        assert events[-1].pending_approval and not raw_client(s3_endpoint).bucket_exists("later")
        resumed = [e async for e in assistant.astream("t", resume={"approved": True})]
    assert raw_client(s3_endpoint).bucket_exists("later")
    assert resumed[-1].final_text == "Created later." and not resumed[-1].pending_approval


async def test_read_only_hides_mutating_tools_and_refuses_them(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[call("create_bucket", bucket="read-only-try"), say("Could not.")])
    async with _flat(tmp_path, s3_endpoint, model, read_only=True) as assistant:
        events = await run_turn(assistant, "t", "create read-only-try", decide=lambda e: True)
    bound = set(model.calls[0]["tools"])
    assert {"list_buckets", "whoami"} <= bound
    assert not {"create_bucket", "delete_bucket", "upload", "delete_objects"} & bound
    assert "create_bucket" not in model.calls[0]["messages"][0].content  # nor named in the roster
    assert not of_type(events, "approval_request")
    assert of_type(events, "tool_result")[0].error.code == "ReadOnly"
    assert not raw_client(s3_endpoint).bucket_exists("read-only-try")


async def test_tools_of_two_specialists_each_run_with_their_own_context(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    model = ScriptedChatModel(script=[call("list_buckets"), call("whoami"), say("alpha, on notes-backend.")])
    async with _flat(tmp_path, s3_endpoint, model) as assistant:
        events = await run_turn(assistant, "t", "list buckets and tell me which notes backend this is")
    results = of_type(events, "tool_result")
    assert [(r.agent, r.tool, r.ok) for r in results] == [
        ("assistant", "list_buckets", True),
        ("assistant", "whoami", True),
    ]
    assert [b["name"] for b in results[0].data["buckets"]] == ["alpha"]
    assert results[1].data == {"context": "notes-backend"}
    assert events[-1].llm_calls == 3 and not of_type(events, "handoff")


async def test_unknown_tool_is_reported_with_suggestions_from_every_area(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[call("list_bucket"), say("Sorry.")])
    async with _flat(tmp_path, s3_endpoint, model) as assistant:
        events = await run_turn(assistant, "t", "x")
    error = of_type(events, "tool_result")[0].error
    assert error.code == "UnknownTool" and "list_buckets" in error.suggestions
    assert error.message == "assistant has no tool 'list_bucket'."


async def test_step_budget_ends_the_turn_with_an_answer(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("list_buckets"), call("whoami"), say("Stopped after two rounds: no buckets, notes-backend.")]
    )
    async with _flat(tmp_path, s3_endpoint, model, step_budget=2) as assistant:
        events = await run_turn(assistant, "t", "loop")
    assert len(of_type(events, "tool_call")) == 2
    final_call = model.calls[2]
    assert final_call["tools"] == ()  # no tools offered once the budget is spent
    system = final_call["messages"][0]
    assert isinstance(system, SystemMessage) and "budget of 2 tool rounds" in system.content
    assert events[-1].final_text == "Stopped after two rounds: no buckets, notes-backend."
    assert events[-1].llm_calls == 3


async def test_tool_results_are_masked_before_the_model_sees_them(tmp_path: Path, s3_endpoint: str) -> None:
    secret = "sk-very-secret-value-123"
    raw_client(s3_endpoint).make_bucket("alpha")
    (tmp_path / "key.txt").write_text(f"token={secret}\n")
    model = ScriptedChatModel(
        script=[
            call("upload", local_path="key.txt", bucket="alpha"),
            call("preview_object", bucket="alpha", key="key.txt"),
            say("Done."),
        ]
    )
    async with _flat(tmp_path, s3_endpoint, model, secrets=[secret]) as assistant:
        events = await run_turn(assistant, "t", "upload key.txt and show it", decide=lambda e: True)
    assert of_type(events, "tool_result")[1].ok
    assert secret not in "".join(e.to_json() for e in events)
    shown = [m for m in model.calls[2]["messages"] if isinstance(m, ToolMessage)]
    assert shown and all(secret not in str(m.content) for m in shown)
