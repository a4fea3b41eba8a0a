"""The fake Slack Web API answers the real slack_sdk clients the way slack.com/api does."""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.plugins.slack_fake import FakeSlack

TOKEN = "xoxb-fake-token"
# PNG magic, CRLFs and bytes that are not UTF-8: anything that re-encodes the body would change them.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\r\n--not-a-boundary\r\n\x00"


def aclient(slack_api: FakeSlack, **kwargs: object) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=slack_api.url, **kwargs)  # type: ignore[arg-type]


def client(slack_api: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack_api.url)


async def test_auth_test_names_the_fake_workspace(slack_api: FakeSlack) -> None:
    answer = await aclient(slack_api).auth_test()
    assert answer["ok"] and answer["team_id"] == "T0FAKE" and answer["user_id"] == "UBOT"
    assert (answer["url"], answer["team"], answer["user"], answer["bot_id"]) == (
        "https://fake-team.slack.com/",
        "Fake Team",
        "swarmops",
        "BBOT",
    )
    assert slack_api.calls[0].method == "auth.test" and slack_api.calls[0].token == TOKEN


async def test_a_posted_then_updated_message_reads_back(slack_api: FakeSlack) -> None:
    web = aclient(slack_api)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    posted = await web.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert posted["message"]["user"] == "UBOT" and posted["message"]["blocks"] == blocks
    second = await web.chat_postMessage(channel="C1", text="again")
    assert float(second["ts"]) > float(posted["ts"]) and len(posted["ts"]) == len("1700000000.000100")

    updated = await web.chat_update(channel="C1", ts=posted["ts"], text="hello")
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", posted["ts"], "hello")
    message = slack_api.message("C1", posted["ts"])
    assert message["text"] == "hello" and message["blocks"] == blocks  # blocks kept when not sent
    assert [m["text"] for m in slack_api.messages("C1")] == ["hello", "again"]
    assert slack_api.of("chat.update") == [{"channel": "C1", "ts": posted["ts"], "text": "hello"}]

    with pytest.raises(SlackApiError) as err:
        await web.chat_update(channel="C1", ts="1.000000", text="nope")
    assert err.value.response["error"] == "message_not_found"


async def test_conversations_replies_returns_the_thread(slack_api: FakeSlack) -> None:
    root = slack_api.add_message("C1", "question?", user="UHUMAN")
    web = aclient(slack_api)
    await web.chat_postMessage(channel="C1", text="elsewhere")
    await web.chat_postMessage(channel="C1", thread_ts=root, text="answer 1")
    await web.chat_postMessage(channel="C1", thread_ts=root, text="answer 2")

    replies = await web.conversations_replies(channel="C1", ts=root)  # a GET with a query string
    messages = replies["messages"]
    assert [m["text"] for m in messages] == ["question?", "answer 1", "answer 2"]
    assert messages[0]["thread_ts"] == root and messages[0]["reply_count"] == 2
    assert [m["user"] for m in messages] == ["UHUMAN", "UBOT", "UBOT"]
    with pytest.raises(SlackApiError, match="thread_not_found"):
        await web.conversations_replies(channel="C1", ts="1.000000")


def test_the_sync_client_form_encodes_and_json_strings_are_decoded(slack_api: FakeSlack) -> None:
    web = client(slack_api)
    assert web.auth_test()["user_id"] == "UBOT"
    blocks = '[{"type": "divider"}]'
    web.api_call("chat.postMessage", params={"channel": "C2", "text": "t", "blocks": blocks})
    assert slack_api.of("chat.postMessage") == [{"channel": "C2", "text": "t", "blocks": [{"type": "divider"}]}]
    ts = slack_api.messages("C2")[0]["ts"]
    assert web.conversations_replies(channel="C2", ts=ts)["messages"][0]["blocks"] == [{"type": "divider"}]


async def test_files_upload_v2_lands_the_exact_bytes(slack_api: FakeSlack) -> None:
    root = slack_api.add_message("C1", "draw it")
    answer = await aclient(slack_api).files_upload_v2(
        content=PNG, filename="chart.png", title="Chart", channel="C1", thread_ts=root, initial_comment="here"
    )
    assert answer["file"]["name"] == "chart.png" and answer["file"]["title"] == "Chart"
    [upload] = slack_api.uploads
    assert upload.content == PNG
    assert (upload.filename, upload.title, upload.channel, upload.thread_ts) == ("chart.png", "Chart", "C1", root)
    assert upload.file_id == answer["file"]["id"]
    assert slack_api.of("files.getUploadURLExternal") == [{"filename": "chart.png", "length": str(len(PNG))}]
    share = slack_api.messages("C1")[-1]
    assert share["thread_ts"] == root and share["text"] == "here" and share["files"][0]["id"] == upload.file_id


def test_files_upload_v2_from_the_sync_client(slack_api: FakeSlack) -> None:
    client(slack_api).files_upload_v2(content=PNG, filename="chart.png", channel="C1")
    [upload] = slack_api.uploads
    assert (upload.content, upload.title, upload.thread_ts) == (PNG, "chart.png", None)


def test_a_multipart_upload_stores_the_file_part(slack_api: FakeSlack) -> None:
    target = client(slack_api).files_getUploadURLExternal(filename="a.png", length=len(PNG))
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with urllib.request.urlopen(urllib.request.Request(target["upload_url"], body, headers)) as res:
        assert res.read() == f"OK - {len(PNG)}".encode()
    client(slack_api).files_completeUploadExternal(files=[{"id": target["file_id"]}])
    assert slack_api.uploads[0].content == PNG


async def test_a_rate_limit_is_retried_after_retry_after(slack_api: FakeSlack) -> None:
    slack_api.fail_next("chat.postMessage", retry_after=0)
    web = aclient(slack_api, retry_handlers=[AsyncRateLimitErrorRetryHandler()])
    answer = await web.chat_postMessage(channel="C1", text="hi")
    assert answer["ok"]
    calls = [c for c in slack_api.calls if c.method == "chat.postMessage"]
    assert [c.failed_status for c in calls] == [429, None]
    assert len(slack_api.of("chat.postMessage")) == 1
    assert len(slack_api.of("chat.postMessage", include_failed=True)) == 2
    assert len(slack_api.messages("C1")) == 1


@pytest.mark.parametrize(("status", "error"), [(429, "ratelimited"), (503, "service_unavailable")])
async def test_an_injected_failure_without_retries_surfaces(slack_api: FakeSlack, status: int, error: str) -> None:
    slack_api.fail_next("chat.update", status=status, times=2, retry_after=7)
    web = aclient(slack_api, retry_handlers=[])
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await web.chat_update(channel="C1", ts="1.000000", text="x")
        assert err.value.response.status_code == status and err.value.response["error"] == error
        assert err.value.response.headers.get("Retry-After") == ("7" if status == 429 else None)
    with pytest.raises(SlackApiError, match="message_not_found"):  # the failures are used up
        await web.chat_update(channel="C1", ts="1.000000", text="x")


async def test_a_missing_or_malformed_token_is_refused(slack_api: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(base_url=slack_api.url).chat_postMessage(channel="C1", text="hi")
    assert err.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await AsyncWebClient(token="nonsense", base_url=slack_api.url).auth_test()
    assert slack_api.messages("C1") == [] and slack_api.calls[0].token == ""


async def test_streaming_methods_build_up_the_message(slack_api: FakeSlack) -> None:
    web = aclient(slack_api)
    root = slack_api.add_message("D1", "tell me")
    started = await web.chat_startStream(channel="D1", thread_ts=root, markdown_text="Hel")
    ts = started["ts"]
    await web.chat_appendStream(channel="D1", ts=ts, markdown_text="lo")
    assert slack_api.message("D1", ts)["text"] == "Hello" and slack_api.message("D1", ts)["streaming"]
    feedback = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "done"}]}]
    await web.chat_stopStream(channel="D1", ts=ts, markdown_text=" world", blocks=feedback)
    message = slack_api.message("D1", ts)
    assert (message["text"], message["blocks"], message["thread_ts"]) == ("Hello world", feedback, root)
    assert not message["streaming"]
    with pytest.raises(SlackApiError, match="message_not_in_streaming_state"):
        await web.chat_appendStream(channel="D1", ts=ts, markdown_text="late")


async def test_the_chat_stream_helper_sends_chunks(slack_api: FakeSlack) -> None:
    root = slack_api.add_message("D1", "tell me")
    streamer = await aclient(slack_api).chat_stream(channel="D1", thread_ts=root, buffer_size=4)
    for piece in ["Hel", "lo ", "wor", "ld"]:
        await streamer.append(markdown_text=piece)
    await streamer.stop()
    assert streamer.ts is not None
    assert slack_api.message("D1", streamer.ts)["text"] == "Hello world"
    assert slack_api.of("chat.startStream")[0]["chunks"] == [{"type": "markdown_text", "text": "Hello "}]
    assert slack_api.of("chat.appendStream")[0]["chunks"] == [{"type": "markdown_text", "text": "world"}]


async def test_without_streaming_the_stream_methods_are_unknown(slack_api: FakeSlack) -> None:
    slack_api.streaming = False
    web = aclient(slack_api)
    for call in (
        web.chat_startStream(channel="D1", thread_ts="1.000000", markdown_text="x"),
        web.chat_appendStream(channel="D1", ts="1.000000", markdown_text="x"),
        web.chat_stopStream(channel="D1", ts="1.000000"),
    ):
        with pytest.raises(SlackApiError) as err:
            await call
        assert err.value.response["error"] == "unknown_method"
    assert FakeSlack("http://x/api/", streaming=False).streaming is False


async def test_assistant_and_other_bot_methods_answer_ok(slack_api: FakeSlack) -> None:
    web = aclient(slack_api)
    root = slack_api.add_message("D1", "hi")
    await web.assistant_threads_setStatus(channel_id="D1", thread_ts=root, status="is thinking...")
    await web.assistant_threads_setSuggestedPrompts(channel_id="D1", prompts=[{"title": "a", "message": "b"}])
    await web.assistant_threads_setTitle(channel_id="D1", thread_ts=root, title="Chat")
    await web.views_publish(user_id="UHUMAN", view={"type": "home", "blocks": []})
    await web.reactions_add(channel="D1", timestamp=root, name="eyes")
    ephemeral = await web.chat_postEphemeral(channel="D1", user="UHUMAN", text="psst")
    assert ephemeral["message_ts"]
    assert slack_api.message("D1", root)["reactions"][0]["name"] == "eyes"
    assert slack_api.of("assistant.threads.setSuggestedPrompts")[0]["prompts"] == [{"title": "a", "message": "b"}]
    assert slack_api.of("assistant.threads.setTitle") == [{"channel_id": "D1", "thread_ts": root, "title": "Chat"}]
    with pytest.raises(SlackApiError, match="unknown_method"):
        await web.api_call("chat.noSuchThing", json={"channel": "D1"})


async def test_wait_for_polls_until_the_calls_arrive(slack_api: FakeSlack) -> None:
    web = aclient(slack_api)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await web.chat_postMessage(channel="C1", text="one")
        await web.chat_postMessage(channel="C1", text="two")

    task = asyncio.create_task(later())
    assert [a["text"] for a in await slack_api.wait_for("chat.postMessage", count=2, timeout=5)] == ["one", "two"]
    await task
    assert len(slack_api.wait_for_sync("chat.postMessage", count=2, timeout=0.1)) == 2
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"chat\.update.*chat\.postMessage"):
        await slack_api.wait_for("chat.update", timeout=0.05)
    with pytest.raises(AssertionError, match="chat.update"):
        slack_api.wait_for_sync("chat.update", timeout=0.05)
    assert time.monotonic() - started < 1
