"""TurnDone.error: set when a turn ended in an error, so front ends (and `ask`'s exit code) can tell."""

from __future__ import annotations

from pathlib import Path

from agents.scripted import ScriptedChatModel, call, say
from tests.helpers import assistant_for, of_type, run_turn
from tests.plugins.silent_server import closed_port


async def test_a_turn_that_went_well_has_no_error(tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="list"), call("list_buckets"), say("ok"), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "list my buckets")
    assert events[-1].type == "turn_done" and events[-1].error is None


async def test_a_call_the_model_got_wrong_is_not_a_turn_error(tmp_path: Path, s3_endpoint: str) -> None:
    """NoSuchBucket is the model's to fix (and it did): the turn still ended well."""
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="x"),
            call("list_objects", bucket="nope"),
            say("No such bucket."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "what is in nope?")
    assert of_type(events, "tool_result")[0].error.backend_down is False
    assert events[-1].error is None


async def test_a_backend_that_was_down_makes_the_turn_an_error(tmp_path: Path) -> None:
    endpoint = f"127.0.0.1:{closed_port()}"
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="list"), call("list_buckets"), say("The store is down."), say("")]
    )
    async with assistant_for(tmp_path, model, endpoint=endpoint) as assistant:
        events = await run_turn(assistant, "t", "list my buckets")
    result = of_type(events, "tool_result")[0]
    assert result.error.backend_down is True
    done = events[-1]
    assert done.error == f"list_buckets: Cannot reach the object store at {endpoint} (connection refused)."
    # The model is told too, so it can say the backend is down rather than retry blindly.
    told = [m for m in model.calls[2]["messages"] if getattr(m, "type", "") == "tool"]
    assert '"backend_down": true' in told[-1].content


async def test_the_first_error_event_is_the_turns_error(tmp_path: Path, s3_endpoint: str) -> None:
    async with assistant_for(tmp_path, ScriptedChatModel(), endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "   ")
    assert events[-1].error == "ValueError: empty message" == of_type(events, "error")[0].message
