"""Graph v2 driven by scripted chat models: how many model calls a request costs, who gets a
follow-up, and how big a long thread's prompt gets. Storage runs on a loopback S3 (moto)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

from agents.registry import Specialist
from agents.scripted import ScriptedChatModel, call, say
from agents.storage import storage_specialist
from tests.helpers import assistant_for, of_type, raw_client, run_turn, storage_ctx
from tools.base import ToolSpec


@dataclass(frozen=True)
class NotesContext:
    count: int


class ListNotes(BaseModel):
    topic: str = Field("all", description="Which notes to list.")


def _list_notes(args: ListNotes, ctx: NotesContext) -> dict[str, object]:
    return {"topic": args.topic, "notes": [f"note {i}: {'lorem ipsum ' * 8}" for i in range(ctx.count)]}


LIST_NOTES = ToolSpec(
    name="list_notes",
    description="List the team's notes.",
    args_schema=ListNotes,
    func=_list_notes,
    group="notes",
    mutating=False,
    examples=["list the team notes", "show me our notes"],
)


def _notes(count: int = 3) -> Specialist:
    return Specialist("notes", "The team's notes.", "", [LIST_NOTES], NotesContext(count))


def _storage(tmp_path: Path, s3_endpoint: str) -> Specialist:
    return storage_specialist(storage_ctx(s3_endpoint, tmp_path))


async def test_clear_cut_read_request_is_routed_and_rendered_in_one_model_call(
    tmp_path: Path, s3_endpoint: str
) -> None:
    raw_client(s3_endpoint).make_bucket("one-call")
    model = ScriptedChatModel(script=[call("list_buckets")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, fast_routing=True) as assistant:
        events = await run_turn(assistant, "t", "list my buckets")
    # No router call: the fast router handed the request to storage, and the listing needed no wording.
    assert len(model.calls) == 1 and "list_buckets" in model.calls[0]["tools"]
    handoff = of_type(events, "handoff")[0]
    assert (handoff.from_agent, handoff.to_agent) == ("router", "storage")
    done = events[-1]
    assert done.llm_calls == 1 and "one-call" in done.final_text


async def test_single_specialist_request_that_needs_wording_takes_two_model_calls(
    tmp_path: Path, s3_endpoint: str
) -> None:
    raw_client(s3_endpoint).make_bucket("worded")
    model = ScriptedChatModel(script=[call("list_buckets"), say("worded is your only bucket, so it is the biggest.")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, fast_routing=True) as assistant:
        events = await run_turn(assistant, "t", "which bucket holds the most data?")
    assert events[-1].llm_calls == 2 == len(model.calls)
    assert all("list_buckets" in c["tools"] for c in model.calls)  # both calls are the specialist's
    assert events[-1].final_text == "worded is your only bucket, so it is the biggest."


async def test_a_mutating_request_is_never_rendered_and_waits_for_approval(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[call("create_bucket", bucket="fast-made"), say("Created fast-made.")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, fast_routing=True) as assistant:
        events = await run_turn(assistant, "t", "create a bucket called fast-made", decide=lambda e: True)
    assert of_type(events, "approval_request")[0].tool == "create_bucket"
    assert raw_client(s3_endpoint).bucket_exists("fast-made")
    assert events[-1].final_text == "Created fast-made." and events[-1].llm_calls == 2


async def test_unclear_request_goes_to_the_model_router(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(script=[say("I can help with buckets, pipelines and docs. What do you need?")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, fast_routing=True) as assistant:
        events = await run_turn(assistant, "t", "hello there")
    assert model.calls[0]["tools"] == ("transfer_to_storage",)  # the router's call, handoffs only
    assert not of_type(events, "handoff") and events[-1].llm_calls == 1


async def test_multi_part_request_is_split_without_a_router_call(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("split")
    model = ScriptedChatModel(
        script=[call("list_buckets"), say("You have split."), call("list_notes"), say("Three notes.")]
    )
    specialists = [_storage(tmp_path, s3_endpoint), _notes()]
    async with assistant_for(tmp_path, model, specialists, fast_routing=True) as assistant:
        events = await run_turn(assistant, "t", "list my buckets and then list the team notes")
    assert [(h.to_agent, h.task) for h in of_type(events, "handoff")] == [
        ("storage", "list my buckets"),
        ("notes", "list the team notes"),
    ]
    # Two tool steps, no router call: within the target of tool steps + 2.
    assert events[-1].llm_calls == 4 and events[-1].final_text == "You have split.\n\nThree notes."


async def test_follow_up_goes_straight_to_the_active_specialist(tmp_path: Path, s3_endpoint: str) -> None:
    client = raw_client(s3_endpoint)
    client.make_bucket("keep-me")
    client.make_bucket("drop-me")
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list buckets"),
            call("list_buckets"),
            say("You have drop-me and keep-me."),
            call("delete_bucket", bucket="drop-me"),
            say("Deleted drop-me."),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "t", "what buckets are there?")
        events = await run_turn(assistant, "t", "remove drop-me", decide=lambda e: True)
    # The second turn cost no router call: the specialist of the first turn took it with its own tools.
    assert events[-1].llm_calls == 2
    assert all("delete_bucket" in c["tools"] for c in model.calls[3:])
    assert [(h.from_agent, h.to_agent) for h in of_type(events, "handoff")] == [("router", "storage")]
    assert not client.bucket_exists("drop-me") and client.bucket_exists("keep-me")
    # The follow-up resolves against the earlier turn, which the specialist still sees.
    seen = [m.content for m in model.calls[3]["messages"] if isinstance(m, AIMessage) and m.content]
    assert "You have drop-me and keep-me." in seen


async def test_follow_up_for_another_specialist_is_handed_to_its_peer(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list buckets"),
            call("list_buckets"),
            say("No buckets."),
            call("transfer_to_notes", task="list the team notes"),
            call("list_notes"),
            say("Three notes."),
            say("Still three notes."),
        ]
    )
    specialists = [_storage(tmp_path, s3_endpoint), _notes()]
    async with assistant_for(tmp_path, model, specialists) as assistant:
        await run_turn(assistant, "t", "any buckets?")
        events = await run_turn(assistant, "t", "and our notes?")
        again = await run_turn(assistant, "t", "how many were there?")
    assert "transfer_to_notes" in model.calls[3]["tools"]  # storage holds a handoff to its peer
    # The follow-up went to storage without a router call (reported as the route it is), and storage
    # handed it to notes itself.
    assert [(h.from_agent, h.to_agent) for h in of_type(events, "handoff")] == [
        ("router", "storage"),
        ("storage", "notes"),
    ]
    assert events[-1].final_text == "Three notes." and events[-1].llm_calls == 3
    # The next follow-up goes to notes now (remembered in the checkpoint), not to storage.
    assert [(h.from_agent, h.to_agent) for h in of_type(again, "handoff")] == [("router", "notes")]
    assert "list_notes" in model.calls[6]["tools"] and again[-1].llm_calls == 1


async def test_a_specialist_can_hand_a_request_back_to_the_router(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list buckets"),
            say("No buckets."),
            call("transfer_to_router", task="not mine"),
            say("That is outside what I can do."),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "t", "any buckets?")
        events = await run_turn(assistant, "t", "order me a pizza")
    assert model.calls[3]["tools"] == ("transfer_to_storage",)  # the router decided again
    assert events[-1].final_text == "That is outside what I can do."


async def test_handoff_budget_ends_the_turn_with_a_note(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="a"),
            call("transfer_to_notes", task="b"),
            call("transfer_to_storage", task="c"),
            call("transfer_to_notes", task="d"),
            say("Back to work."),
        ]
    )
    specialists = [_storage(tmp_path, s3_endpoint), _notes()]
    async with assistant_for(tmp_path, model, specialists, max_handoffs=3) as assistant:
        events = await run_turn(assistant, "t", "ping pong")
        after = await run_turn(assistant, "t", "list the notes")
    assert len(of_type(events, "handoff")) == 3 and len(model.calls) == 5
    assert events[-1].final_text == "I stopped after 3 handoffs in this turn; ask me to continue."
    # The refused handoff was answered in the history itself (nothing for the repair to patch), and
    # the next turn starts afresh from the router.
    assert after[-1].final_text == "Back to work." and model.calls[4]["tools"] == (
        "transfer_to_storage",
        "transfer_to_notes",
    )
    assert not any("NotExecuted" in str(m.content) for m in model.calls[4]["messages"])


def _prompt_chars(messages: list) -> int:
    return sum(len(json.dumps(m.content)) + len(json.dumps(getattr(m, "tool_calls", []))) for m in messages)


async def test_a_hundred_turn_thread_keeps_the_specialist_prompt_bounded(tmp_path: Path) -> None:
    turns = 100
    script = [call("transfer_to_notes", task="list notes"), call("list_notes"), say("Here are 200 notes.")]
    for _ in range(turns - 1):
        script += [call("list_notes"), say("Here are 200 notes.")]
    model = ScriptedChatModel(script=script)
    async with assistant_for(tmp_path, model, [_notes(count=200)]) as assistant:
        for i in range(turns):
            await run_turn(assistant, "long", f"turn {i}: the notes again")
    answers = [c["messages"] for c in model.calls if c["reply"].content]  # each turn's last call
    assert len(answers) == turns
    sizes = [_prompt_chars(m) for m in answers]
    # The current turn's payload is sent whole ...
    current = [m for m in answers[-1] if isinstance(m, ToolMessage)][-1]
    assert len(json.loads(current.content)["data"]["notes"]) == 200
    # ... earlier ones compacted and only the last few kept: turn 100 costs what turn 10 did.
    assert sizes[-1] <= sizes[9] * 1.05
    assert sizes[-1] < sizes[0] + 6 * 3000
    humans = [m.content for m in answers[-1] if isinstance(m, HumanMessage)]
    assert humans[-1] == f"turn {turns - 1}: the notes again" and len(humans) <= 7


async def test_a_part_that_is_not_the_last_hands_over_with_its_last_tool_call(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("handed")
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list buckets", then=[{"specialist": "notes", "task": "list notes"}]),
            AIMessage(
                content="",
                tool_calls=[
                    {"name": "list_buckets", "args": {}, "id": "c1"},
                    {"name": "transfer_to_notes", "args": {"task": "list notes"}, "id": "c2"},
                ],
            ),
            call("list_notes"),
            say("Three notes."),
        ]
    )
    specialists = [_storage(tmp_path, s3_endpoint), _notes()]
    async with assistant_for(tmp_path, model, specialists) as assistant:
        events = await run_turn(assistant, "t", "my buckets, then the notes")
    # The storage part cost one model call: its listing was shown rendered, no wording call.
    assert events[-1].llm_calls == 4 == len(model.calls)  # two tool steps + router + final answer
    assert [(h.from_agent, h.to_agent) for h in of_type(events, "handoff")] == [
        ("router", "storage"),
        ("storage", "notes"),
    ]
    assert "handed" in events[-1].final_text and events[-1].final_text.endswith("Three notes.")
    # The storage specialist was told its part is not the last, and what comes next.
    ack = [m for m in model.calls[1]["messages"] if isinstance(m, ToolMessage)][-1]
    assert 'After you: [{"specialist": "notes", "task": "list notes"}]' in ack.content
    # The notes specialist starts its visit after the handoff: the plan is used up.
    assert "After you" not in [m for m in model.calls[2]["messages"] if isinstance(m, ToolMessage)][-1].content


async def test_a_failed_part_refuses_the_handover_and_stops_the_plan(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list missing", then=[{"specialist": "notes", "task": "list notes"}]),
            AIMessage(
                content="",
                tool_calls=[
                    {"name": "list_objects", "args": {"bucket": "no-such-bucket"}, "id": "c1"},
                    {"name": "transfer_to_notes", "args": {"task": "list notes"}, "id": "c2"},
                ],
            ),
            say("There is no bucket no-such-bucket."),
        ]
    )
    specialists = [_storage(tmp_path, s3_endpoint), _notes()]
    async with assistant_for(tmp_path, model, specialists) as assistant:
        events = await run_turn(assistant, "t", "what is in no-such-bucket, then the notes")
    refused = [m for m in model.calls[2]["messages"] if isinstance(m, ToolMessage)][-1]
    assert refused.status == "error" and "Not handed over" in refused.content
    assert [h.to_agent for h in of_type(events, "handoff")] == ["storage"]  # notes never ran
    assert not [c for c in model.calls if "list_notes" in c["tools"]]
    final = events[-1].final_text
    assert final.startswith("There is no bucket no-such-bucket.") and "did not go on" in final and "list notes" in final
