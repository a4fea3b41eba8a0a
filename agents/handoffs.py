"""Who holds the turn next: handoffs, the plan of a multi-part request, and the handoff budget.

A handoff leaves the same messages whoever decides it (the fast router, the model router or a
specialist): an AI message holding a `transfer_to_<agent>` call and its acknowledgement. The
acknowledgement names the task and, when parts of the request remain, the plan after it as a JSON
list (`After you: [...]`), so the specialist (a model, or the offline planner) knows it is not the
last and may hand over in the same reply as its last tool call (see agents/swarm.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolCall, ToolMessage
from langgraph.graph import END
from langgraph.types import Command

from agents.events import AssistantMessage, Handoff
from agents.fastroute import FastRouter, Part
from agents.messages import text_of
from agents.modelcall import emit
from agents.registry import Specialist
from agents.retry import ModelRetry
from agents.state import SwarmState
from agents.toolkit import ROUTER_TARGET, handoff_target
from tools.base import closest
from tools.gate import ToolGate

ROUTER = "router"
#: Marks the plan in a handoff's acknowledgement: the later parts, as JSON.
AFTER_YOU = "After you: "


@dataclass(frozen=True)
class Setup:
    """What the nodes of one compiled swarm share: models, prompts, gates, budgets."""

    model: BaseChatModel
    specialists: dict[str, Specialist]
    router_model: Any
    bound: dict[str, Any]
    router_prompt: str
    prompts: dict[str, str]
    gates: dict[str, ToolGate]
    fast: FastRouter | None
    step_budget: int
    max_handoffs: int
    model_retry: ModelRetry


def plan_of(parts: Sequence[Part]) -> list[dict[str, str]]:
    return [{"specialist": p.agent, "task": p.task} for p in parts]


def parts_of(plan: Sequence[Any] | None, known: dict[str, Specialist]) -> list[Part]:
    """The valid parts of a plan a model wrote (unknown specialists and empty tasks dropped)."""
    out = []
    for item in plan or []:
        if isinstance(item, dict) and item.get("specialist") in known and str(item.get("task", "")).strip():
            out.append(Part(str(item["specialist"]), str(item["task"]).strip()))
    return out


def ack_text(target: str, task: str, rest: Sequence[Part]) -> str:
    text = f"Transferred to {target}. Task: {task}"
    if not rest:
        return text
    return (
        f"{text}\n{AFTER_YOU}{json.dumps(plan_of(rest))}\n"
        f"Your part is not the last: when your last tool call completes it, put transfer_to_{rest[0].agent} "
        "in the same reply (its task from the plan) instead of writing an answer."
    )


def plan_in_ack(content: object) -> list[dict[str, str]]:
    """The plan an acknowledgement carries (empty when the part is the last)."""
    for line in str(content).splitlines():
        if line.startswith(AFTER_YOU):
            try:
                plan = json.loads(line.removeprefix(AFTER_YOU))
            except ValueError:
                return []
            return [p for p in plan if isinstance(p, dict)] if isinstance(plan, list) else []
    return []


def over_budget(setup: Setup, extra: list[AnyMessage]) -> Command:
    note = f"I stopped after {setup.max_handoffs} handoffs in this turn; ask me to continue."
    emit(AssistantMessage(agent=ROUTER, text=note))
    message = AIMessage(content=note, name=ROUTER, id=str(uuid.uuid4()))
    return Command(goto=END, update={"messages": [*extra, message], "active": None, "plan": []})


def _activate(state: SwarmState, target: str, rest: Sequence[Part], intent: str | None) -> dict[str, Any]:
    return {
        "active": target,
        "steps": 0,
        "handoffs": state.get("handoffs", 0) + 1,
        "plan": plan_of(rest),
        "intent": intent,
    }


def hand_to(setup: Setup, state: SwarmState, part: Part, rest: Sequence[Part], extra: list[AnyMessage]) -> Command:
    """Activate `part.agent` without a model call: the same messages a model's handoff leaves."""
    if state.get("handoffs", 0) >= setup.max_handoffs:
        return over_budget(setup, extra)
    call_id = f"route_{uuid.uuid4().hex[:12]}"
    call = ToolCall(name=f"transfer_to_{part.agent}", args={"task": part.task}, id=call_id)
    ack = ToolMessage(content=ack_text(part.agent, part.task, rest), tool_call_id=call_id, name=call["name"])
    emit(Handoff(from_agent=ROUTER, to_agent=part.agent, task=part.task))
    messages = [*extra, AIMessage(content="", tool_calls=[call], name=ROUTER, id=str(uuid.uuid4())), ack]
    return Command(goto=part.agent, update={"messages": messages, **_activate(state, part.agent, rest, part.intent)})


def _failed_last_round(state: SwarmState, extra: Sequence[AnyMessage]) -> bool:
    """Whether the specialist's last tool round ended in an error or a rejection."""
    results: list[ToolMessage] = []
    for message in reversed([*state["messages"], *extra]):
        if isinstance(message, ToolMessage) and not handoff_target(message.name or ""):
            results.append(message)
        elif isinstance(message, AIMessage) and message.tool_calls:
            break
    return any(m.status == "error" for m in results)


def finish_part(setup: Setup, state: SwarmState, agent: str, extra: list[AnyMessage]) -> Command:
    """A specialist answered its part: on to the next part of the plan, or end the turn.

    A part that ended in a failure or a rejection stops the plan: the later parts usually build on
    it ("upload it, then validate it"), and the person decides what now.
    """
    rest = parts_of(state.get("plan"), setup.specialists)
    if rest and not _failed_last_round(state, extra):
        return hand_to(setup, state, rest[0], rest[1:], extra)
    if rest:
        skipped = "; ".join(f"{p.agent}: {p.task}" for p in rest)
        note = f"I did not go on with the rest of the request ({skipped}) because this step did not succeed."
        emit(AssistantMessage(agent=agent, text=note))
        extra = [*extra, AIMessage(content=note, name=agent, id=str(uuid.uuid4()))]
    return Command(goto=END, update={"messages": extra, "active": agent, "plan": [], "intent": None})


def transfer(setup: Setup, state: SwarmState, call_msg: AIMessage, extra: list[AnyMessage]) -> Command:
    """Carry out the transfer_to_* call in `call_msg` (a model's, the router's or a specialist's).

    `extra` are messages to add first (the results of tool calls made in the same reply). Only one
    handoff is made; any other is answered as not run.
    """
    first, *others = [c for c in call_msg.tool_calls if handoff_target(c["name"])]
    replies: list[AnyMessage] = [
        ToolMessage(content="Not run: one handoff at a time.", tool_call_id=c["id"], name=c["name"], status="error")
        for c in others
    ]
    target = handoff_target(first["name"]) or ""
    args = first.get("args", {})
    task = str(args.get("task", "")).strip() or request_of(state)
    sender = call_msg.name or ROUTER
    if target == ROUTER_TARGET:
        back = ToolMessage(content="Handed back to the router.", tool_call_id=first["id"], name=first["name"])
        return Command(goto=ROUTER, update={"messages": [*extra, back, *replies], "active": None, "plan": []})
    if target not in setup.specialists:
        names = closest(target or first["name"], list(setup.specialists))
        hint = f" (closest: {', '.join(names)})" if names else ""
        content = f"No specialist '{first['name']}'. Available: {', '.join(setup.specialists)}{hint}"
        refusal = ToolMessage(content=content, tool_call_id=first["id"], name=first["name"], status="error")
        back = sender if sender in setup.specialists else ROUTER
        return Command(goto=back, update={"messages": [*extra, refusal, *replies]})
    if state.get("handoffs", 0) >= setup.max_handoffs:
        refusal = ToolMessage(content="Handoff limit reached.", tool_call_id=first["id"], status="error")
        return over_budget(setup, [*extra, refusal, *replies])
    rest = _rest_after(setup, state, sender, target, args)
    emit(Handoff(from_agent=sender, to_agent=target, task=task))
    ack = ToolMessage(content=ack_text(target, task, rest), tool_call_id=first["id"], name=first["name"])
    update = {"messages": [*extra, ack, *replies], **_activate(state, target, rest, None)}
    return Command(goto=target, update=update)


def _rest_after(setup: Setup, state: SwarmState, sender: str, target: str, args: dict[str, Any]) -> list[Part]:
    """The plan after this handoff: the router states it in `then`; a specialist handing over to
    the next part of the plan uses that part up."""
    if sender == ROUTER:
        return parts_of(args.get("then"), setup.specialists)
    rest = parts_of(state.get("plan"), setup.specialists)
    return rest[1:] if rest and rest[0].agent == target else rest


def request_of(state: SwarmState) -> str:
    """The user's message this turn answers."""
    for message in reversed(state["messages"]):
        if isinstance(message, HumanMessage):
            return text_of(message)
    return ""


def work_calls(message: AIMessage) -> list[ToolCall]:
    """The calls of a reply that are tools, not handoffs."""
    return [c for c in message.tool_calls if not handoff_target(c["name"])]
