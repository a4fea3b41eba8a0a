"""Block Kit for the bot's messages: approvals with buttons, decisions, compact tool lines.

Button values carry the swarmops thread and the call id, not any state of the bot: a click after a
restart finds the pending change in the checkpoint from them alone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from swarmops.events import ApprovalRequest, Handoff, ToolResultEvent

APPROVE, REJECT, SHOW_RESULT = "swarmops_approve", "swarmops_reject", "swarmops_show_result"
Block = dict[str, Any]


def _text(text: str, kind: str = "mrkdwn") -> dict[str, str]:
    return {"type": kind, "text": text[:2900]}


def button_value(thread_id: str, call_id: str) -> str:
    return json.dumps({"thread": thread_id, "call": call_id})


def parse_button_value(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(value)
        return str(data["thread"]), str(data["call"])
    except (ValueError, KeyError, TypeError):
        return None


def key_args(args: dict[str, Any], limit: int = 3) -> str:
    """The first few arguments, short: `bucket=raw-data key=train.csv`."""
    parts = []
    for key, value in list(args.items())[:limit]:
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        parts.append(f"{key}={shown[:40] + '…' if len(shown) > 40 else shown}")
    return " ".join(parts) + (" …" if len(args) > limit else "")


def approval(request: ApprovalRequest, thread_id: str, read_only_note: str = "") -> list[Block]:
    asker = (
        f" · asked by <@{request.asked_by.user}>" if request.asked_by and request.asked_by.surface == "slack" else ""
    )
    value = button_value(thread_id, request.call_id)
    return [
        {"type": "section", "text": _text(f":warning: *Approve this change?* (`{request.tool}`)\n{request.preview}")},
        {"type": "context", "elements": [_text(f"{key_args(request.args)}{asker}{read_only_note}")]},
        {
            "type": "actions",
            "block_id": "swarmops_approval",
            "elements": [
                {
                    "type": "button",
                    "action_id": APPROVE,
                    "style": "primary",
                    "text": _text("Approve", "plain_text"),
                    "value": value,
                },
                {
                    "type": "button",
                    "action_id": REJECT,
                    "style": "danger",
                    "text": _text("Reject", "plain_text"),
                    "value": value,
                },
            ],
        },
    ]


def decided(tool: str, preview: str, approved: bool, user: str, when: datetime | None = None) -> list[Block]:
    """The approval message once decided: what it was, who decided and when; no buttons left."""
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    verdict = ":white_check_mark: Approved" if approved else ":no_entry_sign: Rejected"
    return [
        {"type": "section", "text": _text(f"*{tool}*\n{preview}")},
        {"type": "context", "elements": [_text(f"{verdict} by <@{user}> at {stamp}")]},
    ]


def tool_line(result: ToolResultEvent, args: dict[str, Any], thread_id: str) -> list[Block]:
    """One line per tool call: what ran, with which key arguments, how it ended, how long it took."""
    mark = ":white_check_mark:" if result.ok else ":x:"
    line = f"{mark} `{result.tool}` {key_args(args)} · {result.duration_ms:.0f} ms"
    if result.error is not None:
        line += f"\n{result.error.code}: {result.error.message[:300]}"
        if result.error.hint:
            line += f"\n_hint: {result.error.hint[:300]}_"
    block: Block = {"type": "section", "text": _text(line)}
    if result.ok and result.data:
        block["accessory"] = {
            "type": "button",
            "action_id": SHOW_RESULT,
            "text": _text("Result", "plain_text"),
            "value": button_value(thread_id, result.call_id),
        }
    return [block]


def handoff_line(handoff: Handoff) -> list[Block]:
    task = handoff.task if len(handoff.task) <= 200 else handoff.task[:200] + "…"
    return [{"type": "context", "elements": [_text(f":arrow_right: *{handoff.to_agent}*: {task}")]}]
