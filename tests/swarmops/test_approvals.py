"""Answering a change left waiting by typing into the thread: the session reads yes/no the same way
for every front end, and asks again rather than guessing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.scripted import ScriptedChatModel, call, say
from swarmops.approvals import verdict
from tests.helpers import assistant_for, of_type, raw_client, run_turn


@pytest.mark.parametrize("text", ["yes", "Y", "Yes!", "approve", "ok.", "go ahead"])
def test_approvals(text: str) -> None:
    assert verdict(text) is True


@pytest.mark.parametrize("text", ["no", "N", "reject", "No.", "cancel", "don't"])
def test_rejections(text: str) -> None:
    assert verdict(text) is False


@pytest.mark.parametrize("text", ["yes, and delete the other one", "maybe", "what is it?", "", "not now"])
def test_anything_else_is_not_an_answer(text: str) -> None:
    assert verdict(text) is None


def _model() -> ScriptedChatModel:
    return ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="create"),
            call("create_bucket", bucket="typed"),
            say("Done."),
            say(""),
        ]
    )


async def test_unclear_text_shows_the_change_again_and_leaves_it_waiting(tmp_path: Path, s3_endpoint: str) -> None:
    model = _model()
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "t", "create typed")
        again = await run_turn(assistant, "t", "hmm, what does that do?")
        request = of_type(again, "approval_request")
        assert len(request) == 1 and request[0].asked_before and "typed" in request[0].preview
        assert again[-1].pending_approval and "yes" in again[-1].final_text
        assert await assistant.pending_approval("t") is not None
        assert len(model.calls) == 2, "the unclear text must not reach the model as a new request"
        done = await run_turn(assistant, "t", "Yes.")
    assert raw_client(s3_endpoint).bucket_exists("typed")
    assert [r.approved for r in of_type(done, "approval_result")] == [True]
    assert done[-1].final_text == "Done." and not done[-1].pending_approval


async def test_a_pasted_key_is_masked_before_the_model_or_the_thread_list_sees_it(
    tmp_path: Path, s3_endpoint: str
) -> None:
    key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"
    model = ScriptedChatModel(script=[say("I can't use keys.")])
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        await run_turn(assistant, "t", f"my key is {key}, set it up")
        titles = [t.title for t in assistant.list_threads()]
        history = await assistant.history("t")
    assert key not in str(model.calls) and key not in str(titles) and key not in str(history)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.sqlite*"))  # the -wal file too
    assert key.encode() not in stored, "stored in clear text"


async def test_a_key_inside_an_object_preview_is_masked_before_it_is_stored_or_shown(
    tmp_path: Path, s3_endpoint: str
) -> None:
    """What tools bring back (a preview, a log) is masked before the model, the events or the stored
    thread see it: a key in a file must not end up in the conversation in clear text."""
    import io

    key = "sk-proj-leakedleakedleakedleaked0123"
    client = raw_client(s3_endpoint)
    client.make_bucket("leaky")
    body = f"OPENAI_API_KEY={key}\nepoch,loss\n1,0.5\n".encode()
    client.put_object("leaky", "run.log", io.BytesIO(body), len(body))
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="show"),
            call("preview_object", bucket="leaky", key="run.log"),
            say("Here it is."),
            say(""),
        ]
    )
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", "show me run.log in leaky")
    result = of_type(events, "tool_result")[0]
    assert result.ok and "epoch,loss" in str(result.data)
    assert key not in str(events), "shown in clear text"
    assert key not in str(model.calls), "sent to the model in clear text"
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.sqlite*"))  # the -wal file too
    assert key.encode() not in stored, "stored in clear text"
