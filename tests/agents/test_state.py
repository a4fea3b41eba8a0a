"""The messages reducer must fold batches the same way however they are grouped (DeltaChannel
replays stored writes in larger batches than they were made)."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage, ToolMessage

from agents.state import _append_messages


def _ids(messages: list) -> list[str]:
    return [m.id for m in messages]


def test_batches_fold_the_same_separately_or_together() -> None:
    start = [HumanMessage("hi", id="h1")]
    xs = [[AIMessage("a", id="a1")], [ToolMessage("t", tool_call_id="c", id="t1")]]
    ys = [[AIMessage("replaced", id="a1")], [RemoveMessage(id="t1")], [AIMessage("b", id="a2")]]
    separately = _append_messages(_append_messages(start, xs), ys)
    together = _append_messages(start, xs + ys)
    assert _ids(separately) == _ids(together) == ["h1", "a1", "a2"]
    assert [m.content for m in together] == ["hi", "replaced", "b"]


def test_messages_without_ids_get_one_and_new_ids_append_in_order() -> None:
    out = _append_messages([], [[HumanMessage("no id yet")], [AIMessage("x", id="x1"), AIMessage("y", id="y1")]])
    assert out[0].id and _ids(out)[1:] == ["x1", "y1"]
