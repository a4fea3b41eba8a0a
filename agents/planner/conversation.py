"""Reading the shared thread the way the offline planner needs it.

The planner is stateless: every call recomputes where it is from the messages alone (what the
user asked this turn, what was handed to whom, which tool calls already ran), which is what makes
it deterministic and resumable after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.messages import text_of
from agents.toolkit import handoff_target


@dataclass
class Executed:
    """A tool call made in the current specialist visit, with its parsed result."""

    tool: str
    args: dict[str, Any]
    ok: bool
    data: Any
    error: dict[str, Any] | None


def last_human_index(messages: list[BaseMessage]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return i
    return -1


def request_text(messages: list[BaseMessage]) -> str:
    i = last_human_index(messages)
    return text_of(messages[i]) if i >= 0 else ""


def handoffs_this_turn(messages: list[BaseMessage]) -> list[tuple[str, str]]:
    """(specialist, task) for every handoff the router made since the user's last message."""
    out = []
    for msg in messages[last_human_index(messages) + 1 :]:
        if isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                target = handoff_target(call["name"])
                if target:
                    out.append((target, str(call.get("args", {}).get("task", ""))))
    return out


def current_visit(messages: list[BaseMessage]) -> tuple[str, int]:
    """The task of the latest handoff and the index where the specialist's visit starts.

    Without a handoff (a specialist driven directly), the task is the user's last message.
    """
    for i in range(len(messages) - 1, last_human_index(messages), -1):
        msg = messages[i]
        if isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                if handoff_target(call["name"]):
                    return str(call.get("args", {}).get("task", "")), _after_ack(messages, i, call["id"])
    i = last_human_index(messages)
    return request_text(messages), i + 1


def _after_ack(messages: list[BaseMessage], start: int, call_id: str | None) -> int:
    """Where a visit starts: after the handoff's acknowledgement. A specialist may hand over in the
    same reply as its last tool calls, whose results then come before the acknowledgement."""
    for j in range(start + 1, len(messages)):
        msg = messages[j]
        if isinstance(msg, ToolMessage) and msg.tool_call_id == call_id:
            return j + 1
    return start + 1


def handoff_ack(messages: list[BaseMessage]) -> ToolMessage | None:
    """The acknowledgement of this turn's latest handoff (it carries the plan after it)."""
    _task, start = current_visit(messages)
    ack = messages[start - 1] if 0 < start <= len(messages) else None
    return ack if isinstance(ack, ToolMessage) and handoff_target(ack.name or "") else None


def parse_result(content: Any) -> dict[str, Any]:
    try:
        body = json.loads(content if isinstance(content, str) else json.dumps(content))
        return body if isinstance(body, dict) else {"ok": True, "data": body}
    except (TypeError, ValueError):
        return {"ok": True, "data": content}


def executed_since(messages: list[BaseMessage], start: int) -> list[Executed]:
    """Tool calls (not handoffs) made from `start` on, paired with their results, in order."""
    return executed_between(messages, start, len(messages))


def is_first_turn(messages: list[BaseMessage]) -> bool:
    return sum(isinstance(m, HumanMessage) for m in messages) <= 1


def executed_between(messages: list[BaseMessage], start: int, end: int) -> list[Executed]:
    """Tool calls made in messages[start:end], paired with results found anywhere after them."""
    results = {m.tool_call_id: m for m in messages[start:] if isinstance(m, ToolMessage)}
    out = []
    for msg in messages[start:end]:
        if not isinstance(msg, AIMessage):
            continue
        for call in msg.tool_calls:
            if handoff_target(call["name"]) or call["id"] not in results:
                continue
            body = parse_result(results[call["id"]].content)
            out.append(
                Executed(
                    tool=call["name"],
                    args=dict(call.get("args", {})),
                    ok=bool(body.get("ok")),
                    data=body.get("data"),
                    error=body.get("error"),
                )
            )
    return out
