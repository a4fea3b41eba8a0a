"""What a model sees of earlier turns: a bounded, compact record instead of every payload.

A thread can run for hundreds of turns; resending every earlier tool payload would make each call
slower and dearer as it grows, and a listing of 500 objects from twenty turns ago rarely matters.
The current turn is sent whole (the agent is working on it). Earlier turns keep their shape (what
the user asked, which tools were called with which arguments, what was answered), so references
like "that bucket" or "same again with 40 trees" still resolve, but only the last `KEEP_TURNS` of
them, with every tool result shrunk structurally (lists cut to a few items, long strings cut) and
answers shortened. The prompt then stays bounded however long the thread gets.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage

#: Earlier turns a model is shown (older ones are dropped).
KEEP_TURNS = 6
#: Items kept of any list in an earlier tool result, and characters of any string.
KEEP_ITEMS = 5
KEEP_CHARS = 160
#: Characters kept of an earlier answer or user message.
KEEP_TEXT = 600


def shrink(value: Any, depth: int = 0) -> Any:
    """`value` with the same structure, smaller: the planner and a model can still read it as before."""
    if isinstance(value, dict):
        if depth > 4:
            return "{…}"
        return {k: shrink(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        kept = [shrink(v, depth + 1) for v in value[:KEEP_ITEMS]]
        return kept + [f"… {len(value) - KEEP_ITEMS} more"] if len(value) > KEEP_ITEMS else kept
    if isinstance(value, str) and len(value) > KEEP_CHARS:
        return value[:KEEP_CHARS] + "…"
    return value


def _short_result(message: ToolMessage) -> ToolMessage:
    content = message.content if isinstance(message.content, str) else json.dumps(message.content)
    try:
        body = json.dumps(shrink(json.loads(content)), ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        body = content[:KEEP_TEXT] + ("…" if len(content) > KEEP_TEXT else "")
    return message.model_copy(update={"content": body})


def _short_text(message: AnyMessage) -> AnyMessage:
    content = message.content
    if isinstance(content, str) and len(content) > KEEP_TEXT:
        return message.model_copy(update={"content": content[:KEEP_TEXT] + "…"})
    return message


def _turn_starts(messages: list[AnyMessage]) -> list[int]:
    return [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]


def compact(messages: list[AnyMessage], keep_turns: int = KEEP_TURNS) -> list[AnyMessage]:
    """The current turn whole, the `keep_turns` turns before it compacted, nothing older."""
    starts = _turn_starts(messages)
    if not starts:
        return list(messages)
    current = starts[-1]
    first = starts[max(0, len(starts) - 1 - keep_turns)]
    out: list[AnyMessage] = []
    for message in messages[first:current]:
        if isinstance(message, ToolMessage):
            out.append(_short_result(message))
        elif isinstance(message, HumanMessage | AIMessage):
            out.append(_short_text(message))
        else:
            out.append(message)
    return out + list(messages[current:])
