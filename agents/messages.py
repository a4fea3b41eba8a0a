"""What a model is shown: the shared history, repaired and trimmed.

A turn cut short (an error, an abandoned approval) can leave an AI message whose tool calls have
no answer; chat APIs reject such histories, so every call gets a synthetic "not executed" reply.
Long threads are trimmed at a user-message boundary so pairs are never split.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage, ToolMessage

MAX_HISTORY = 60


def repair(messages: list[AnyMessage]) -> list[AnyMessage]:
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    out: list[AnyMessage] = []
    for msg in messages:
        out.append(msg)
        if isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                if call.get("id") and call["id"] not in answered:
                    out.append(
                        ToolMessage(
                            content='{"ok": false, "error": {"code": "NotExecuted", '
                            '"message": "this call was not executed (the turn was interrupted)"}}',
                            tool_call_id=call["id"],
                            name=call["name"],
                            status="error",
                        )
                    )
    return out


def trim(messages: list[AnyMessage], limit: int = MAX_HISTORY) -> list[AnyMessage]:
    if len(messages) <= limit:
        return messages
    tail = messages[-limit:]
    for i, msg in enumerate(tail):
        if isinstance(msg, HumanMessage):
            return tail[i:]
    # one enormous turn: keep it whole rather than split tool-call pairs
    last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=0)
    return messages[last_human:]


def for_model(system: str, messages: list[AnyMessage]) -> list[AnyMessage]:
    return [SystemMessage(content=system), *trim(repair(messages))]


def text_of(message: AnyMessage) -> str:
    """Plain text of a message whatever the provider's content format."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)
