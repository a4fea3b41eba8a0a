"""The graph's state: one shared message list plus who holds the turn.

All agents share the conversation (as in langgraph-swarm) so a specialist sees what the user
asked and what other specialists found; `active` names the specialist holding control.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


class SwarmState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    #: The specialist currently running its tool loop; None while the router decides.
    active: str | None
    #: Tool rounds the active specialist has used since its handoff (the step budget).
    steps: int
    #: Handoffs made in this turn (bounded so a confused router cannot loop forever).
    handoffs: int


def turn_input(text: str) -> SwarmState:
    """State update that starts a new user turn."""
    from langchain_core.messages import HumanMessage

    return {"messages": [HumanMessage(content=text)], "active": None, "steps": 0, "handoffs": 0}
