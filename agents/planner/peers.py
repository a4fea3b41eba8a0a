"""An offline specialist that can hand a request to a peer, as the swarm lets every specialist do.

The graph sends a follow-up straight to the specialist that handled the previous turn, and the
fast router may (rarely) pick the wrong one; either way the specialist, not the router, then sees
a request that is not its own. Like a model specialist with `transfer_to_*` tools, the offline one
hands it over at the start of its visit when the router's rules say another specialist owns it
and it does not. When its part of a multi-part request is not the last, it hands the next part
over in the same reply as its last planned tool call (the graph then shows that call's result
rendered instead of asking for a wording). It also closes a thread's first answer with the
planner's "running offline" note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.messages import AIMessage, BaseMessage

from agents.handoffs import plan_in_ack
from agents.messages import text_of
from agents.planner.conversation import (
    current_visit,
    executed_between,
    executed_since,
    handoff_ack,
    is_first_turn,
)
from agents.planner.memory import ThreadMemory, remember
from agents.planner.router import GREETING, OFFLINE_NOTE, continues, split_by_specialist
from agents.planner.steps import LAST_STEP
from agents.planner.storage import METRICS
from agents.toolkit import ROUTER_TARGET

Reply = Callable[[list[BaseMessage], Callable[[], str]], AIMessage]


def _remaining_parts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """Parts of the request still to come after this visit's (from its handoff's acknowledgement)."""
    ack = handoff_ack(messages)
    return plan_in_ack(ack.content) if ack is not None else []


def _owner_elsewhere(me: str, peers: Sequence[str], task: str, memory: ThreadMemory) -> str | None:
    """The specialist (or the router, for a greeting) that should have `task` instead of `me`;
    `memory` is what the thread has in play ("get rid of it" after a bucket was listed)."""
    available = [me, *(p for p in peers if p != ROUTER_TARGET)]
    if continues(task, available):
        return None  # the graph sent a follow-up to whoever answered last: it continues that answer
    if me == "storage" and memory.metrics_uri and METRICS.search(task):
        return None  # "... and what accuracy did it get?": the run's Metrics artifact is the store's to read
    parts = split_by_specialist(task, available, memory)
    owners = [owner for owner, _ in parts]
    if not owners and ROUTER_TARGET in peers and GREETING.search(task):
        return ROUTER_TARGET
    return owners[0] if owners and me not in owners else None


def specialist_reply(
    me: str, peers: Sequence[str], messages: list[BaseMessage], reply: Reply, new_id: Callable[[], str]
) -> AIMessage:
    task, start = current_visit(messages)
    memory = remember(executed_between(messages, 0, start))
    if peers and not executed_since(messages, start) and (owner := _owner_elsewhere(me, peers, task, memory)):
        call = {"name": f"transfer_to_{owner}", "args": {"task": task}, "id": new_id()}
        return AIMessage(content="", tool_calls=[call])
    answer = reply(messages, new_id)
    rest = _remaining_parts(messages)
    if answer.tool_calls and rest and answer.response_metadata.get(LAST_STEP) and rest[0]["specialist"] in peers:
        # The part ends with this call: hand the next part over in the same reply, as a model may.
        move = {"name": f"transfer_to_{rest[0]['specialist']}", "args": {"task": rest[0]["task"]}, "id": new_id()}
        return AIMessage(content="", tool_calls=[*answer.tool_calls, move])
    if answer.tool_calls or not is_first_turn(messages) or rest:
        return answer
    return AIMessage(content=f"{text_of(answer)}\n\n{OFFLINE_NOTE}".strip())
