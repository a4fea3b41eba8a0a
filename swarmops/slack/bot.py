"""`swarmops slack`: slack-bolt (async) in front of the session API, one swarmops thread per Slack thread.

Bolt acknowledges every event before a listener runs, and buttons are acknowledged first thing, so
Slack always hears back within 3 s; turns run as background tasks, one at a time per thread and in
parallel across threads. Approvals are Block Kit buttons whose values name the swarmops thread and
call: the pending change lives in the checkpoint, so a click after a restart still decides it,
and a second click finds nothing pending and changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from swarmops.events import Decision, Event, Identity
from swarmops.session import Assistant
from swarmops.settings import Settings
from swarmops.slack import blocks
from swarmops.slack.access import Access
from swarmops.slack.turn import Where, show_turn

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
#: Shown in a new direct-message conversation (the app's Messages tab), one button each.
SUGGESTED_PROMPTS = (
    "list my buckets",
    "what pipelines can I run?",
    "run the iris pipeline with 50 trees and tell me the accuracy",
    "how do I cache a KFP step?",
)
PROMPT_ACTION = "swarmops_prompt"


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: timeouts, and retries of 429 (after Retry-After), 5xx and dropped connections."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=20,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def thread_id_for(team: str | None, channel: str, thread_ts: str) -> str:
    return f"slack-{team or 'T'}-{channel}-{thread_ts}"


class SlackBot:
    """The Bolt app and what it needs: the assistant, who may use it, and the running turns."""

    def __init__(self, assistant: Assistant, settings: Settings, client: AsyncWebClient | None = None) -> None:
        self.assistant = assistant
        self.access = Access.from_settings(settings)
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        self.app = AsyncApp(
            client=client or web_client(settings),
            signing_secret=secret,
            request_verification_enabled=secret is not None,
            # Listeners only check access and start a background task, so they run before the ack
            # (well within Slack's 3 s) and a turn is never lost between ack and listener.
            process_before_response=True,
        )
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.event("app_home_opened")(self._on_home_opened)
        self.app.action(blocks.APPROVE)(self._on_decision)
        self.app.action(blocks.REJECT)(self._on_decision)
        self.app.action(blocks.SHOW_RESULT)(self._on_show_result)
        self.app.action(re.compile(f"^{PROMPT_ACTION}_"))(self._on_prompt)

    # --- running turns ----------------------------------------------------------------------

    def _spawn(self, job: Awaitable[None]) -> None:
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until no turn is running (tests, and a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run(self, where: Where, thread_id: str, events: Callable[[], AsyncIterator[Event]]) -> None:
        lock = self._locks.setdefault(thread_id, asyncio.Lock())
        if lock.locked():
            await where.post("I'm still on your previous message in this thread; this one comes next.")
        async with lock:
            await self._show(where, thread_id, events)

    async def _show(self, where: Where, thread_id: str, events: Callable[[], AsyncIterator[Event]]) -> None:
        try:
            await show_turn(events(), where, thread_id, self.assistant.read_only)
        except Exception as exc:  # a Slack or internal failure must not stop the bot
            log.exception("turn failed in %s", thread_id)
            try:
                await where.post(f":warning: Something went wrong on my side ({type(exc).__name__}). Please try again.")
            except Exception:
                log.exception("could not report the failure to Slack")

    def _where(self, client: AsyncWebClient, channel: str, thread_ts: str, user: str, team: str | None) -> Where:
        return Where(client, channel, thread_ts, user, team, self.assistant.masker)

    async def _start_turn(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        team, channel, user = body.get("team_id"), event["channel"], event.get("user", "")
        thread_ts = event.get("thread_ts") or event["ts"]
        where = self._where(client, channel, thread_ts, user, team)
        direct = event.get("channel_type") == "im"
        refusal = self.access.refusal(team=team, channel=channel, user=user, direct=direct)
        if refusal is not None:
            await where.post(refusal)
            return
        text = _MENTION.sub("", event.get("text") or "").strip()
        if not text:
            await where.post('Yes? Tell me what you need, e.g. "list my buckets".')
            return
        thread_id = thread_id_for(team, channel, thread_ts)
        asked_by = Identity(surface="slack", user=user)
        self._spawn(self._run(where, thread_id, lambda: self.assistant.astream(thread_id, text, asked_by=asked_by)))

    # --- listeners ---------------------------------------------------------------------------

    async def _on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        await self._start_turn(body, event, client)

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        """A direct message, or a reply in a thread the bot is already having (no mention needed)."""
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, other bots, the bot itself
        text = event.get("text") or ""
        if event.get("channel_type") == "im":
            await self._start_turn(body, event, client)
            return
        mentioned = bool(_MENTION.search(text))
        thread_ts = event.get("thread_ts")
        if mentioned or not thread_ts:
            return  # a mention is answered by _on_mention; a channel message outside our threads is not ours
        known = {t.id for t in self.assistant.list_threads()}
        if thread_id_for(body.get("team_id"), event["channel"], thread_ts) in known:
            await self._start_turn(body, event, client)

    async def _on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        """The Messages tab opened: greet once with a few things to try, as buttons."""
        if event.get("tab") != "messages" or not event.get("channel"):
            return
        history = await client.conversations_history(channel=event["channel"], limit=1)
        if history.get("messages"):
            return  # not the first visit
        buttons = [
            {
                "type": "button",
                "action_id": f"{PROMPT_ACTION}_{i}",
                "text": {"type": "plain_text", "text": p[:75]},
                "value": p,
            }
            for i, p in enumerate(SUGGESTED_PROMPTS)
        ]
        await client.chat_postMessage(
            channel=event["channel"],
            text="Hi! I'm swarmops: ask me about your buckets, pipelines and runs, or the docs.",
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "Hi! I'm *swarmops*. Try one of these, or just ask:"},
                },
                {"type": "actions", "elements": buttons},
            ],
        )

    async def _on_prompt(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A suggested prompt clicked: asked as if typed, in a new thread under the greeting."""
        await ack()
        action = body["actions"][0]
        event = {
            "channel": body["channel"]["id"],
            "user": body["user"]["id"],
            "ts": body["container"]["message_ts"],
            "text": action["value"],
            "channel_type": "im",
        }
        await self._start_turn({"team_id": (body.get("team") or {}).get("id")}, event, client)

    async def _on_decision(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        self._spawn(self._decide(body, client))

    async def _decide(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Check and carry out a click under the thread's lock, so two clicks decide once."""
        action = body["actions"][0]
        parsed = blocks.parse_button_value(action.get("value", ""))
        if parsed is None:
            return
        thread_id, call_id = parsed
        user, channel, message = body["user"]["id"], body["channel"]["id"], body.get("message") or {}
        team = (body.get("team") or {}).get("id")
        where = self._where(client, channel, message.get("thread_ts") or message.get("ts", ""), user, team)
        async with self._locks.setdefault(thread_id, asyncio.Lock()):
            pending = await self.assistant.pending_approval(thread_id)
            if pending is None or pending.call_id != call_id:
                await client.chat_postEphemeral(channel=channel, user=user, text="That change was already decided.")
                return
            asked_by = pending.asked_by.user if pending.asked_by else None
            if not self.access.may_decide(user, asked_by):
                who = f"<@{asked_by}>" if asked_by else "whoever asked for it"
                text = f"Only {who} or an approver can decide this change; nothing was done."
                await client.chat_postEphemeral(channel=channel, user=user, text=text)
                return
            approved = action["action_id"] == blocks.APPROVE
            decided = blocks.decided(pending.tool, pending.preview, approved, user)
            await where.update(message.get("ts", ""), "Approved" if approved else "Rejected", decided)
            decision = Decision(
                approved=approved,
                by=Identity(surface="slack", user=user),
                reason=None if approved else "rejected in Slack",
            )
            await self._show(where, thread_id, lambda: self.assistant.astream(thread_id, resume=decision))

    async def _on_show_result(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Read from the thread's checkpoint, so any replica, before or after a restart, can answer."""
        await ack()
        user, channel = body["user"]["id"], body["channel"]["id"]
        team = (body.get("team") or {}).get("id")
        refusal = self.access.refusal(team=team, channel=channel, user=user, direct=channel.startswith("D"))
        if refusal is not None:
            await client.chat_postEphemeral(channel=channel, user=user, text=refusal)
            return
        parsed = blocks.parse_button_value(body["actions"][0].get("value", ""))
        found = await self.assistant.tool_result(*parsed) if parsed else None
        if found is None:
            text = "That result is no longer in this conversation (was the thread deleted?); ask again."
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        text = json.dumps(found.data, indent=2, default=str, ensure_ascii=False)
        if len(text) <= 2800:
            await client.chat_postEphemeral(channel=channel, user=user, text=f"`{found.tool}` result:\n```{text}```")
            return
        message = body.get("message") or {}
        await client.files_upload_v2(
            channel=channel,
            thread_ts=message.get("thread_ts") or message.get("ts"),
            filename=f"{found.tool}-result.json",
            title=f"{found.tool} result",
            content=text.encode(),
        )
