"""What a model is shown: the shared history, repaired and compacted.

A turn cut short (an error, an abandoned approval) can leave an AI message whose tool calls have
no answer; chat APIs reject such histories, so every call gets a synthetic "not executed" reply.
Earlier turns are compacted and bounded (agents/context.py) at user-message boundaries, so
tool-call pairs are never split and long threads do not grow the prompt.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, AnyMessage, SystemMessage, ToolMessage

from agents.context import compact


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


def for_model(system: str, messages: list[AnyMessage]) -> list[AnyMessage]:
    return [SystemMessage(content=system), *compact(repair(messages))]


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
