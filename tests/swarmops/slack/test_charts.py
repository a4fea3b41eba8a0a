"""A tool result's charts posted into the Slack thread as PNG files, through the real slack_sdk client
against the fake Slack Web API (files.getUploadURLExternal, the upload, files.completeUploadExternal).

The first test is the whole bot with the real plot_object on a loopback S3; the others feed one turn's
events to the function the bot uses (show_turn) to pin down naming, alt text, masking and the no-chart case."""

from __future__ import annotations

import io
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from agents.storage import storage_specialist
from swarmops.events import Event, ToolCall, ToolResultEvent, TurnDone
from swarmops.slack.turn import Where, show_turn
from tests.helpers import raw_client, storage_ctx
from tests.plugins.slack_fake import FakeSlack
from tests.swarmops.slack.harness import CHANNEL, dispatch, mention, running_bot, slack_settings
from tools.charts import Chart, Series, as_data
from tools.masking import Masker

SECRET = "sk-live-abcdefghijklmnopqrstuvwx"
THREAD_TS = "1800000000.000001"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _where(slack_api: FakeSlack, masker: Masker) -> Where:
    client = AsyncWebClient(token="xoxb-fake-token", base_url=slack_api.url)
    return Where(client, "CTEAM", THREAD_TS, "UALICE", "T0FAKE", masker)


async def _turn(tool: str, data: dict[str, Any]) -> AsyncIterator[Event]:
    yield ToolCall(agent="kfp", call_id="c1", tool=tool, args={})
    yield ToolResultEvent(agent="kfp", call_id="c1", tool=tool, ok=True, data=data, duration_ms=5.0)
    yield TurnDone(thread_id="t1", final_text="done")


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which follows the 8-byte signature."""
    assert png[:8] == PNG_MAGIC and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def test_asking_for_a_plot_in_slack_posts_the_chart_into_the_thread(
    tmp_path: Path, s3_endpoint: str, slack_api: FakeSlack
) -> None:
    history = b"epoch,loss\n1,0.9\n2,0.6\n3,0.4\n"
    s3 = raw_client(s3_endpoint)
    s3.make_bucket("training-runs")
    s3.put_object("training-runs", "history.csv", io.BytesIO(history), len(history))
    specialists = [storage_specialist(storage_ctx(s3_endpoint, tmp_path))]
    async with running_bot(tmp_path, slack_settings(slack_api.url), specialists) as bot:
        body = mention("plot column loss of s3://training-runs/history.csv")
        await dispatch(bot, body)
    [upload] = slack_api.uploads
    assert upload.channel == CHANNEL and upload.thread_ts == body["event"]["ts"]
    assert upload.filename.endswith(".png") and "loss" in upload.title
    assert _size(upload.content) == (800, 500) and len(upload.content) > 5000


async def test_every_chart_of_a_result_is_uploaded_into_the_thread_as_a_png(slack_api: FakeSlack) -> None:
    accuracy = Chart(
        kind="bar",
        title="Accuracy per run",
        y_label="accuracy",
        series=[Series(name="accuracy", x=["iris-10", "iris-30"], y=[0.91, 0.95])],
    )
    confusion = Chart(kind="heatmap", title="Confusion", matrix=[[5, 1], [0, 6]], rows=["a", "b"], columns=["a", "b"])
    data = {"runs": [{"id": "r1"}, {"id": "r2"}], "charts": as_data(accuracy, confusion)}
    await show_turn(_turn("compare_runs", data), _where(slack_api, Masker()), "t1", read_only=False)
    uploads = slack_api.uploads
    assert [(u.filename, u.title) for u in uploads] == [
        ("accuracy-per-run.png", "Accuracy per run"),
        ("confusion.png", "Confusion"),
    ]
    assert all(u.channel == "CTEAM" and u.thread_ts == THREAD_TS for u in uploads)
    assert all(_size(u.content) == (800, 500) and len(u.content) > 5000 for u in uploads)
    asked = slack_api.of("files.getUploadURLExternal")
    assert [a["alt_txt"] for a in asked] == [
        "Bar chart: Accuracy per run (accuracy)",
        "Heatmap chart: Confusion (2 rows by 2 columns)",
    ]


async def test_a_result_without_charts_uploads_nothing(slack_api: FakeSlack) -> None:
    data = {"buckets": [{"name": "a"}, {"name": "b"}], "charts": "not a list of charts"}
    await show_turn(_turn("list_buckets", data), _where(slack_api, Masker()), "t1", read_only=False)
    assert slack_api.uploads == [] and not slack_api.of("files.getUploadURLExternal")
    assert slack_api.messages("CTEAM")  # the turn itself was shown


async def test_no_secret_reaches_an_uploaded_files_name_title_or_alt_text(slack_api: FakeSlack) -> None:
    leaky = Chart(kind="line", title=f"Loss with key {SECRET}", series=[Series(name=SECRET, x=[1, 2], y=[0.9, 0.4])])
    where = _where(slack_api, Masker([SECRET]))
    await show_turn(_turn("plot_column", {"charts": as_data(leaky)}), where, "t1", read_only=False)
    [upload] = slack_api.uploads
    assert upload.content.startswith(PNG_MAGIC)
    sent = [upload.filename, upload.title, *map(str, slack_api.of("files.getUploadURLExternal"))]
    sent += map(str, slack_api.of("files.completeUploadExternal"))
    assert upload.title.startswith("Loss with key ") and not any(SECRET in s for s in sent)
