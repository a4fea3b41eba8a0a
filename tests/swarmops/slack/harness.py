"""Driving the Slack bot as Slack would: events and clicks in Socket Mode payloads, against the fake Web API."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

from agents.planner.model import OfflinePlanner
from agents.registry import Specialist
from swarmops.settings import Settings
from swarmops.slack.bot import SlackBot, web_client
from tests.helpers import assistant_for

TEAM, CHANNEL, ALICE, BOB, MALLORY = "T0FAKE", "CTEAM", "UALICE", "UBOB", "UMALLORY"
_ts = itertools.count(1)


def next_ts() -> str:
    return f"1800000000.{next(_ts):06d}"


def slack_settings(api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token-0123456789",
        "slack_signing_secret": "signing-secret-for-tests",
        "slack_api_url": api_url,
        "slack_allowed_users": [ALICE, BOB],
        "slack_allowed_channels": [CHANNEL],
        **overrides,
    }
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path, settings: Settings, specialists: list[Specialist], model: Any = None
) -> AsyncIterator[SlackBot]:
    """A bot over an assistant on `tmp_path` (threads persist there across restarts)."""
    planner = model or OfflinePlanner()
    async with assistant_for(tmp_path, planner, specialists, surface="slack", fast_routing=True) as assistant:
        bot = SlackBot(assistant, settings, web_client(settings))
        try:
            yield bot
        finally:
            await bot.idle()


def event_body(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "AAPP",
        "type": "event_callback",
        "event_id": f"Ev{next_ts()}",
        "event_time": 1800000000,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        "event": event,
    }


def mention(text: str, user: str = ALICE, channel: str = CHANNEL, thread_ts: str | None = None) -> dict[str, Any]:
    ts = next_ts()
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_body(event)


def message(
    text: str, user: str = ALICE, channel: str = CHANNEL, thread_ts: str | None = None, im: bool = False
) -> dict[str, Any]:
    ts = next_ts()
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im" if im else "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_body(event)


def click(approval_message: dict[str, Any], action_id: str, user: str, channel: str = CHANNEL) -> dict[str, Any]:
    """A button press on a message the bot posted (as Slack sends it)."""
    button = next(
        e
        for b in approval_message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    return {
        "type": "block_actions",
        "token": "legacy",
        "api_app_id": "AAPP",
        "trigger_id": "trigger",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": approval_message["ts"], "channel_id": channel},
        "message": {k: approval_message[k] for k in ("ts", "text", "blocks", "thread_ts") if k in approval_message},
        "actions": [{**button, "block_id": "swarmops_approval", "action_ts": next_ts()}],
    }


async def dispatch(bot: SlackBot, body: dict[str, Any]) -> int:
    """Deliver a payload the way Socket Mode does, then let the turn it started finish."""
    response = await bot.app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
    await bot.idle()
    return response.status


def approvals(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages that still carry Approve/Reject buttons."""
    return [m for m in messages if any(b.get("type") == "actions" for b in m.get("blocks") or [])]


def texts(messages: list[dict[str, Any]]) -> str:
    """Everything the thread shows, text and blocks, as one string to search."""
    import json

    return "\n".join(f"{m.get('text', '')} {json.dumps(m.get('blocks') or [])}" for m in messages)
