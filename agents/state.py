"""The graph's state: one shared message list plus who holds the turn.

All agents share the conversation (as in langgraph-swarm) so a specialist sees what the user
asked and what other specialists found; `active` names the specialist holding control, and stays
set between turns so a follow-up goes straight back to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage, BaseMessage, RemoveMessage
from langgraph.channels.delta import DeltaChannel
from langgraph.graph.message import add_messages


def _append_messages(state: list[AnyMessage] | None, writes: Sequence[Any]) -> list[AnyMessage]:
    """add_messages over a batch of writes. Messages have unique ids and are only appended or
    replaced by id, so folding batches separately or together gives the same list, which is
    what DeltaChannel requires."""
    out: list[AnyMessage] = list(state or [])
    seen = {m.id for m in out}
    for write in writes:
        batch = write if isinstance(write, list) else [write]
        if all(
            isinstance(m, BaseMessage) and not isinstance(m, RemoveMessage) and m.id and m.id not in seen for m in batch
        ):
            # The common case, new messages: append without add_messages re-indexing the history.
            out.extend(batch)
            seen.update(m.id for m in batch)
        else:
            out = add_messages(out, write)
            seen = {m.id for m in out}
    return out


class SwarmState(TypedDict, total=False):
    #: Stored as deltas: each checkpoint writes only the new messages, not the whole history
    #: (re-serialising it every step made a turn's overhead grow with the thread's length).
    messages: Annotated[list[AnyMessage], DeltaChannel(_append_messages)]
    #: The specialist holding the turn; kept after the turn ends, so a follow-up goes straight to it.
    active: str | None
    #: Tool rounds the active specialist has used since its handoff (the step budget).
    steps: int
    #: Handoffs made in this turn (bounded so a confused router cannot loop forever).
    handoffs: int
    #: Parts of the request still to do after the active specialist's, in order ({specialist, task}).
    plan: list[dict[str, str]]
    #: The one read-only tool the fast router matched the current part to (None when not clear-cut).
    intent: str | None


def turn_input(text: str) -> SwarmState:
    """State update that starts a new user turn."""
    from langchain_core.messages import HumanMessage

    return {"messages": [HumanMessage(content=text)], "steps": 0, "handoffs": 0, "plan": [], "intent": None}
