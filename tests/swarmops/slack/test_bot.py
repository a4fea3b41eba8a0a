"""The Slack bot against the fake Slack Web API, with real storage on a loopback S3 (moto)."""

from __future__ import annotations

import json
from pathlib import Path

from slack_bolt.request.async_request import AsyncBoltRequest

from agents.storage import storage_specialist
from swarmops.slack.blocks import APPROVE, REJECT
from swarmops.slack.bot import thread_id_for
from tests.helpers import raw_client, storage_ctx
from tests.plugins.silent_server import closed_port
from tests.swarmops.slack.harness import (
    ALICE,
    BOB,
    CHANNEL,
    MALLORY,
    TEAM,
    approvals,
    click,
    dispatch,
    mention,
    message,
    running_bot,
    slack_settings,
    texts,
)


def _storage(tmp_path: Path, s3_endpoint: str) -> list:
    return [storage_specialist(storage_ctx(s3_endpoint, tmp_path))]


def _thread(slack_api, ts: str) -> list[dict]:  # noqa: ANN001
    return [m for m in slack_api.messages(CHANNEL) if m.get("thread_ts") == ts or m.get("ts") == ts]


async def test_a_mention_is_answered_in_its_thread_with_status_tool_lines_and_the_answer(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    raw_client(s3_endpoint).make_bucket("team-alpha")
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        body = mention("list my buckets")
        assert await dispatch(bot, body) == 200
    ts = body["event"]["ts"]
    posted = slack_api.messages(CHANNEL)
    assert posted and all(m.get("thread_ts") == ts for m in posted)  # everything in the mention's thread
    shown = texts(posted)
    assert "list_buckets" in shown and ":white_check_mark:" in shown  # the compact tool line
    assert "team-alpha" in shown  # the answer (streamed)
    statuses = [c["status"] for c in slack_api.of("assistant.threads.setStatus")]
    assert "handing off to storage" in statuses and "running list_buckets" in statuses and statuses[-1] == ""
    assert slack_api.of("chat.startStream") and slack_api.of("chat.stopStream")


async def test_a_reply_in_the_thread_continues_the_same_conversation(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    raw_client(s3_endpoint).make_bucket("ongoing")
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        first = mention("what is in the bucket ongoing?")
        await dispatch(bot, first)
        ts = first["event"]["ts"]
        await dispatch(bot, message("and list my buckets", thread_ts=ts))  # no mention needed in our thread
        await dispatch(bot, message("chatter outside any thread of ours"))  # not ours: ignored
        threads = {t.id: t for t in bot.assistant.list_threads()}
        history = await bot.assistant.history(thread_id_for(TEAM, CHANNEL, ts))
    assert list(threads) == [thread_id_for(TEAM, CHANNEL, ts)]
    said = [h.text for h in history if h.role == "user"]
    assert said == ["what is in the bucket ongoing?", "and list my buckets"]
    assert "ongoing" in texts(_thread(slack_api, ts))


async def test_a_direct_message_starts_a_conversation(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, message("list my buckets", channel="DALICE", im=True))
    assert slack_api.messages("DALICE") and "list_buckets" in texts(slack_api.messages("DALICE"))


async def test_the_requesters_clicks_create_the_bucket_and_upload_the_file(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    (tmp_path / "README.md").write_text("# team data\n")
    client = raw_client(s3_endpoint)
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        body = mention("create a bucket called team-data and upload README.md into it")
        await dispatch(bot, body)
        first = approvals(slack_api.messages(CHANNEL))
        assert len(first) == 1 and "team-data" in first[0]["text"] and not client.bucket_exists("team-data")
        await dispatch(bot, click(first[0], APPROVE, ALICE))
        decided = slack_api.message(CHANNEL, first[0]["ts"])
        assert "Approved by <@UALICE>" in json.dumps(decided["blocks"]) and not approvals([decided])
        second = approvals(slack_api.messages(CHANNEL))
        assert len(second) == 1 and "README.md" in second[0]["text"]
        await dispatch(bot, click(second[0], APPROVE, ALICE))
    assert client.bucket_exists("team-data")
    assert client.get_object("team-data", "README.md").read() == b"# team data\n"
    assert "team-data" in texts(_thread(slack_api, body["event"]["ts"]))
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    changes = [r for r in audit if r["mutating"]]
    assert [r["tool"] for r in changes] == ["create_bucket", "upload"]
    assert all(r["approved_by"] == {"surface": "slack", "user": ALICE} for r in changes)
    assert all(r["asked_by"] == {"surface": "slack", "user": ALICE} for r in changes)


async def test_someone_elses_click_is_refused_and_changes_nothing(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("create a bucket called not-yours"))
        pending = approvals(slack_api.messages(CHANNEL))[0]
        await dispatch(bot, click(pending, APPROVE, BOB))
        assert not raw_client(s3_endpoint).bucket_exists("not-yours")
        refusal = slack_api.of("chat.postEphemeral")[-1]
        assert refusal["user"] == BOB and "<@UALICE>" in refusal["text"]
        assert approvals([slack_api.message(CHANNEL, pending["ts"])])  # still undecided
        await dispatch(bot, click(pending, REJECT, ALICE))
    assert not raw_client(s3_endpoint).bucket_exists("not-yours")
    assert "Rejected by <@UALICE>" in json.dumps(slack_api.message(CHANNEL, pending["ts"])["blocks"])


async def test_an_approver_may_decide_for_someone_else(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    settings = slack_settings(slack_api.url, slack_approvers=[BOB])
    async with running_bot(tmp_path, settings, _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("create a bucket called approved-by-bob"))
        await dispatch(bot, click(approvals(slack_api.messages(CHANNEL))[0], APPROVE, BOB))
    assert raw_client(s3_endpoint).bucket_exists("approved-by-bob")


async def test_a_double_click_runs_the_change_once(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    import asyncio

    from slack_bolt.request.async_request import AsyncBoltRequest

    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("create a bucket called once-only"))
        payload = click(approvals(slack_api.messages(CHANNEL))[0], APPROVE, ALICE)
        await asyncio.gather(
            *(bot.app.async_dispatch(AsyncBoltRequest(body=payload, mode="socket_mode")) for _ in range(2))
        )
        await bot.idle()
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [r["decision"] for r in audit if r["tool"] == "create_bucket"] == ["approved"]
    assert any("already decided" in e["text"] for e in slack_api.of("chat.postEphemeral"))


async def test_an_unlisted_channel_or_user_is_refused_politely_and_nothing_runs(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("create a bucket called sneaky", channel="COTHER"))
        await dispatch(bot, mention("create a bucket called sneaky", user=MALLORY))
        assert bot.assistant.list_threads() == []
    assert "not set up to work in this channel" in texts(slack_api.messages("COTHER"))
    assert "not on it" in texts(slack_api.messages(CHANNEL))
    assert not approvals(slack_api.messages(CHANNEL)) and not raw_client(s3_endpoint).bucket_exists("sneaky")


async def test_a_backend_error_is_reported_and_the_next_message_is_served(tmp_path: Path, slack_api) -> None:
    down = storage_specialist(storage_ctx(f"127.0.0.1:{closed_port()}", tmp_path))
    async with running_bot(tmp_path, slack_settings(slack_api.url), [down]) as bot:
        await dispatch(bot, mention("list my buckets"))
        first = texts(slack_api.messages(CHANNEL))
        await dispatch(bot, mention("list my buckets again"))
    assert ":x:" in first and "list_buckets" in first  # the failed call, with its error, in words
    assert len(slack_api.of("chat.startStream")) + len(slack_api.of("chat.postMessage")) >= 4  # both served


async def test_a_rate_limited_post_is_retried(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("list my buckets"))
    posts = [c for c in slack_api.calls if c.method == "chat.postMessage"]
    assert posts[0].failed_status == 429 and posts[1].failed_status is None
    assert "list_buckets" in texts(slack_api.messages(CHANNEL))


async def test_a_pending_approval_survives_a_restart_of_the_bot(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    settings = slack_settings(slack_api.url)
    async with running_bot(tmp_path, settings, _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("create a bucket called after-restart"))
    pending = approvals(slack_api.messages(CHANNEL))[0]
    async with running_bot(tmp_path, settings, _storage(tmp_path, s3_endpoint)) as restarted:
        await dispatch(restarted, click(pending, APPROVE, ALICE))
    assert raw_client(s3_endpoint).bucket_exists("after-restart")


async def test_read_only_mode_is_shown_and_hides_changes(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    async with running_bot(
        tmp_path, slack_settings(slack_api.url, read_only=True), _storage(tmp_path, s3_endpoint)
    ) as bot:
        bot.assistant.set_read_only(True)
        await dispatch(bot, mention("list my buckets"))
    assert "read-only mode" in texts(slack_api.messages(CHANNEL))


async def test_a_secret_is_never_posted(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    secret = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention(f"list my buckets, my key is {secret}"))
    assert secret not in json.dumps([c.args for c in slack_api.calls])


async def test_the_messages_tab_greets_once_with_prompts_that_start_a_conversation(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    from tests.swarmops.slack.harness import event_body

    opened = event_body({"type": "app_home_opened", "user": ALICE, "channel": "DALICE", "tab": "messages"})
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, opened)
        await dispatch(bot, opened)  # a second visit: no second greeting
        greetings = slack_api.messages("DALICE")
        assert len(greetings) == 1
        buttons = [e for b in greetings[0]["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert "list my buckets" in [b["value"] for b in buttons]
        await dispatch(bot, click(greetings[0], buttons[0]["action_id"], ALICE, "DALICE"))
        assert len(bot.assistant.list_threads()) == 1
    assert "list_buckets" in texts(slack_api.messages("DALICE"))


async def test_a_tool_lines_result_button_shows_the_whole_result_to_whoever_the_bot_serves(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    raw_client(s3_endpoint).make_bucket("shown-on-demand")
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("list my buckets"))
        activity = next(m for m in slack_api.messages(CHANNEL) if "list_buckets" in json.dumps(m.get("blocks")))
        # The line is short; the payload waits behind its button.
        assert "shown-on-demand" not in next(b for b in activity["blocks"] if b.get("accessory"))["text"]["text"]
        await dispatch(bot, _result_click(slack_api, "list_buckets", BOB))
        await dispatch(bot, _result_click(slack_api, "list_buckets", MALLORY))  # not on the allowed list
    shown, refused = slack_api.of("chat.postEphemeral")[-2:]
    assert shown["user"] == BOB and "shown-on-demand" in shown["text"] and "```" in shown["text"]
    assert refused["user"] == MALLORY and "shown-on-demand" not in refused["text"] and "not on it" in refused["text"]


def _result_click(slack_api, tool: str, user: str) -> dict:  # noqa: ANN001
    activity = next(m for m in slack_api.messages(CHANNEL) if tool in json.dumps(m.get("blocks")))
    line = next(b for b in activity["blocks"] if b.get("accessory"))
    as_actions = {**activity, "blocks": [{"type": "actions", "elements": [line["accessory"]]}]}
    return click(as_actions, line["accessory"]["action_id"], user)


async def test_a_result_button_still_works_after_a_restart_or_on_another_replica(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    """The result is read from the thread's checkpoint, which every replica shares, not from a
    cache in the process that ran the tool (a click reaching another pod found nothing)."""
    raw_client(s3_endpoint).make_bucket("kept-in-the-thread")
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("list my buckets"))
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as other:
        await dispatch(other, _result_click(slack_api, "list_buckets", BOB))
        await other.assistant.delete_thread(other.assistant.list_threads()[0].id)
        await dispatch(other, _result_click(slack_api, "list_buckets", ALICE))
    shown, gone = slack_api.of("chat.postEphemeral")[-2:]
    assert shown["user"] == BOB and "kept-in-the-thread" in shown["text"] and "list_buckets" in shown["text"]
    assert gone["user"] == ALICE and "no longer in this conversation" in gone["text"]
    assert "kept-in-the-thread" not in gone["text"]


async def test_two_threads_run_at_once_without_waiting_for_each_other(tmp_path: Path, slack_api) -> None:
    """Thread A's tool waits until thread B's tool has run: if turns were serialised across
    threads, A would wait in vain (and report it), and B would only start afterwards."""
    import asyncio
    import threading

    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
    from pydantic import BaseModel, Field

    from agents.registry import Specialist
    from agents.scripted import ScriptedChatModel
    from tools.base import ToolSpec

    partner_ran = threading.Event()

    class Meet(BaseModel):
        who: str = Field(description="a or b")

    def meet(args: Meet, _ctx: object) -> dict[str, bool]:
        if args.who == "b":
            partner_ran.set()
            return {"met": True}
        return {"met": partner_ran.wait(timeout=10)}

    tool = ToolSpec(name="meet", description="Meet.", args_schema=Meet, func=meet, group="meet", mutating=False)

    def step(messages: list) -> AIMessage:
        last = messages[-1]
        who = next(m for m in reversed(messages) if isinstance(m, HumanMessage)).content.split()[-1]
        if isinstance(last, HumanMessage):
            return AIMessage(
                content="", tool_calls=[{"name": "transfer_to_meet", "args": {"task": who}, "id": f"h{who}"}]
            )
        if isinstance(last, ToolMessage) and last.name == "meet":
            return AIMessage(content=f"{who}: {last.content}")
        return AIMessage(content="", tool_calls=[{"name": "meet", "args": {"who": who}, "id": f"m{who}"}])

    model = ScriptedChatModel(script=[step] * 6)
    specialists = [Specialist("meet", "Meetings.", "", [tool], object())]
    async with running_bot(tmp_path, slack_settings(slack_api.url), specialists, model=model) as bot:
        first, second = mention("meet a"), mention("meet b")
        await asyncio.gather(
            *(bot.app.async_dispatch(AsyncBoltRequest(body=b, mode="socket_mode")) for b in (first, second))
        )
        await bot.idle()
    answers = texts(slack_api.messages(CHANNEL))
    assert '"met": true' in answers.replace('\\"', '"') and '"met": false' not in answers.replace('\\"', '"')


async def test_without_streaming_the_answer_is_posted_then_updated(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    raw_client(s3_endpoint).make_bucket("no-stream")
    slack_api.streaming = False
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("list my buckets"))
    assert not slack_api.of("chat.appendStream") and not slack_api.of("chat.stopStream")  # tried once, refused
    answers = [m for m in slack_api.messages(CHANNEL) if "no-stream" in m.get("text", "") and not m.get("blocks")]
    assert len(answers) == 1 and not answers[0].get("streaming")  # the whole answer, as a plain message


async def test_a_long_listing_arrives_as_a_csv_file_in_the_thread(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    import io

    client = raw_client(s3_endpoint)
    client.make_bucket("many-files")
    for i in range(20):
        client.put_object("many-files", f"part-{i:02d}.csv", io.BytesIO(b"x"), 1)
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        body = mention("what is in the bucket many-files?")
        await dispatch(bot, body)
    csvs = [u for u in slack_api.uploads if u.filename.endswith(".csv")]
    assert len(csvs) == 1 and csvs[0].thread_ts == body["event"]["ts"]
    lines = csvs[0].content.decode().splitlines()
    assert len(lines) == 21 and lines[1].startswith("part-00.csv")


async def test_a_slack_server_error_is_retried(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    slack_api.fail_next("chat.update", status=503)
    async with running_bot(tmp_path, slack_settings(slack_api.url), _storage(tmp_path, s3_endpoint)) as bot:
        await dispatch(bot, mention("list my buckets"))
    updates = [c for c in slack_api.calls if c.method == "chat.update"]
    assert updates[0].failed_status == 503 and any(c.failed_status is None for c in updates)
