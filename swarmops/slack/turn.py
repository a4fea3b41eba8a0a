"""One turn shown in a Slack thread: status, a compact activity message, approvals, pictures, the answer.

The session's typed events arrive in order; each becomes what a person in Slack wants to see:
the thread's status line says what is happening now ("handing off to pipelines", "waiting for run
…: train RUNNING"); handoffs and tool calls collect in one activity message (a line each, with a
Result button, never a wall of JSON); a change waits in its own message with Approve and Reject;
the answer streams into the thread (chat.startStream, or a posted message updated as it grows
where the workspace has no streaming); a result's charts are posted as PNGs and a long list as a
CSV file, whichever tool returned them. Everything posted goes through the session's masker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from swarmops.events import (
    ApprovalRequest,
    AssistantText,
    ErrorEvent,
    Event,
    Handoff,
    Status,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
    TurnDone,
)
from swarmops.slack import blocks
from swarmops.slack.pictures import Picture, chart_pictures, long_table
from tools.charts import charts_in
from tools.masking import Masker

log = logging.getLogger(__name__)

#: Blocks per activity message before a new one starts (Slack allows 50).
MAX_BLOCKS = 45
#: The answer is sent on in pieces of at least this many characters, or after this many seconds.
FLUSH_CHARS, FLUSH_SECONDS = 200, 0.8


@dataclass
class Where:
    """The Slack thread a swarmops thread lives in, and who is talking."""

    client: AsyncWebClient
    channel: str
    thread_ts: str
    user: str
    team: str | None
    masker: Masker

    async def post(self, text: str, block_list: list[blocks.Block] | None = None) -> str:
        kwargs: dict[str, Any] = {"blocks": self._masked(block_list)} if block_list else {}
        reply = await self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, text=self.masker.text(text), **kwargs
        )
        return str(reply["ts"])

    async def update(self, ts: str, text: str, block_list: list[blocks.Block] | None = None) -> None:
        kwargs: dict[str, Any] = {"blocks": self._masked(block_list)} if block_list is not None else {}
        await self.client.chat_update(channel=self.channel, ts=ts, text=self.masker.text(text), **kwargs)

    async def status(self, text: str) -> None:
        """The thread's status line; a thread that is not an assistant thread just has none."""
        with contextlib.suppress(SlackApiError):
            await self.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts, status=self.masker.text(text)[:250]
            )

    async def upload(self, picture: Picture) -> None:
        """A file in the thread; its name, title and alt text are shown to people, so they are masked too."""
        await self.client.files_upload_v2(
            channel=self.channel,
            thread_ts=self.thread_ts,
            filename=self.masker.text(picture.filename),
            title=self.masker.text(picture.title),
            alt_txt=self.masker.text(picture.alt_text) or None,
            content=picture.content,
        )

    def _masked(self, block_list: list[blocks.Block] | None) -> list[blocks.Block] | None:
        return self.masker.data(block_list) if block_list is not None else None


class Answer:
    """The answer streaming into the thread, or posted and updated where streaming is not available."""

    def __init__(self, where: Where) -> None:
        self.where = where
        self.text = ""
        self._sent = 0
        self._ts: str | None = None
        self._streaming: bool | None = None
        self._last = time.monotonic()

    async def add(self, delta: str) -> None:
        self.text += delta
        if len(self.text) - self._sent >= FLUSH_CHARS or time.monotonic() - self._last >= FLUSH_SECONDS:
            await self._flush()

    async def _flush(self) -> None:
        pending = self.where.masker.text(self.text[self._sent :])
        if not pending.strip() and self._ts is None:
            return
        self._last = time.monotonic()
        if self._streaming is None:
            self._streaming = await self._start(pending)
            if not self._streaming:
                self._ts = await self.where.post(self.text)
        elif self._streaming and self._ts is not None:
            await self.where.client.chat_appendStream(channel=self.where.channel, ts=self._ts, markdown_text=pending)
        elif self._ts is not None:
            await self.where.update(self._ts, self.text)
        self._sent = len(self.text)

    async def _start(self, first: str) -> bool:
        try:
            reply = await self.where.client.chat_startStream(
                channel=self.where.channel,
                thread_ts=self.where.thread_ts,
                markdown_text=first,
                recipient_user_id=self.where.user,
                recipient_team_id=self.where.team,
            )
        except SlackApiError:
            return False  # this workspace has no streaming: post, then update
        self._ts = str(reply["ts"])
        return True

    async def finish(self) -> None:
        if len(self.text) > self._sent:
            await self._flush()
        if self._streaming and self._ts is not None:
            await self.where.client.chat_stopStream(channel=self.where.channel, ts=self._ts)


@dataclass
class Activity:
    """One message of compact lines (handoffs, tool calls), updated as the turn goes."""

    where: Where
    header: str
    lines: list[blocks.Block] = field(default_factory=list)
    ts: str | None = None

    async def add(self, new: list[blocks.Block]) -> None:
        if self.ts is not None and len(self.lines) + len(new) > MAX_BLOCKS:
            self.ts, self.lines = None, []
        self.lines += new
        await self._show()

    async def retitle(self, header: str) -> None:
        """The header once the turn is over: done (how long, how many model calls) or waiting."""
        self.header = header
        await self._show()

    async def _show(self) -> None:
        shown = [{"type": "context", "elements": [{"type": "mrkdwn", "text": self.header}]}, *self.lines]
        if self.ts is None:
            self.ts = await self.where.post(self.header, shown)
        else:
            await self.where.update(self.ts, self.header, shown)


async def show_turn(events: AsyncIterator[Event], where: Where, thread_id: str, read_only: bool) -> TurnDone | None:
    """Show every event of one turn (or of its continuation after an approval) in the thread."""
    note = " · read-only mode: I can look, not change" if read_only else ""
    activity, answer = Activity(where, f"_working on it_{note}"), Answer(where)
    args: dict[str, dict[str, Any]] = {}
    done: TurnDone | None = None
    async for event in events:
        if isinstance(event, Handoff):
            await where.status(f"handing off to {event.to_agent}")
            await activity.add(blocks.handoff_line(event))
        elif isinstance(event, ToolCall):
            args[event.call_id] = event.args
            await where.status(f"running {event.tool}")
        elif isinstance(event, ToolProgress):
            await where.status(f"{event.tool}: {event.message}")
        elif isinstance(event, Status) and event.state != "recovered":
            await where.status(event.message)
        elif isinstance(event, ToolResultEvent):
            await _result(event, args.get(event.call_id, {}), where, thread_id, activity)
        elif isinstance(event, ApprovalRequest):
            await where.post(f"Approve this change? {event.preview}", blocks.approval(event, thread_id))
        elif isinstance(event, AssistantText):
            await answer.add(event.delta)
        elif isinstance(event, ErrorEvent):
            await where.post(f":warning: Something went wrong: {event.message}\nI'm still here; try again or rephrase.")
        elif isinstance(event, TurnDone):
            done = event
    await answer.finish()
    await where.status("")
    if activity.ts is not None and done is not None:
        await activity.retitle(_summary(done) + note)
    return done


def _summary(done: TurnDone) -> str:
    if done.pending_approval:
        return "_waiting for your approval_"
    calls = f" · {done.llm_calls} model call{'s' if done.llm_calls != 1 else ''}" if done.llm_calls else ""
    return f"_done in {done.wall_ms / 1000:.1f} s{calls}_"


async def _result(
    event: ToolResultEvent,
    call_args: dict[str, Any],
    where: Where,
    thread_id: str,
    activity: Activity,
) -> None:
    await activity.add(blocks.tool_line(event, call_args, thread_id))
    if not event.ok or not isinstance(event.data, dict):
        return
    charts = charts_in(event.data)
    pictures = await asyncio.to_thread(chart_pictures, charts, where.masker) if charts else []  # drawing blocks
    table = long_table(event.tool, event.data)
    for picture in [*pictures, *([table] if table is not None else [])]:
        try:
            await where.upload(picture)
        except SlackApiError as exc:  # e.g. no files:write scope: the answer still comes, with the numbers
            log.warning("could not upload %s: %s", picture.filename, exc.response.get("error"))
