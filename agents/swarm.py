"""The swarm, v2: a specialist's answer ends the turn, and routing costs a model call only when needed.

    START -> entry --(clear-cut: fast router / follow-up: the active specialist)--> X
               \\--(otherwise)--> router --(transfer_to_X)--> handoff -> X
    X <-> tools;  X --(transfer_to_Y)--> handoff -> Y;  X answers --(parts left)--> next part | END

Why this shape (measured with `swarmops eval`, see the README):
- A request goes to the specialist that owns it without a model call when the fast router
  (nearest examples, agents/fastroute.py) is sure, including each part of a multi-part request;
  a follow-up goes straight to the specialist that handled the previous turn (remembered in the
  checkpoint). The model router runs only when neither applies.
- The router states the whole plan in one call (`task` plus `then`: the later parts), so it is not
  asked again after each specialist; each specialist's answer moves to the next part or ends the turn.
- A specialist holds handoff tools to its peers: a request that is not its own goes to the owner
  directly (langgraph-swarm's pattern), or back to the router when it cannot tell. A specialist
  whose part is not the last may put the handoff to the next part in the same reply as its last
  tool calls: when they all succeed, their results are shown rendered and the next part starts,
  without a model call to word an intermediate answer (a failure refuses the handoff, and the
  specialist answers; a failed or rejected part stops the plan).
- A read-only result that needs no wording (the fast router matched the request to exactly the tool
  the specialist then called, and the request asks nothing more) is shown rendered, without a final
  model call.
Every node is a top-level function of (state, Setup); build_swarm binds them and declares each
node's destinations, so the compiled graph can be drawn (`swarmops graph`).
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, ToolCall, ToolMessage
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents import prompts
from agents.events import AssistantMessage
from agents.fastroute import FastRouter, Part, clauses_of
from agents.handoffs import ROUTER, Setup, finish_part, hand_to, request_of, transfer, work_calls
from agents.messages import for_model
from agents.modelcall import call_model, emit
from agents.registry import Specialist
from agents.rendered import render_round
from agents.retry import NO_RETRY, ModelRetry
from agents.state import SwarmState
from agents.toolkit import ROUTER_TARGET, handoff_schema, handoff_target, tool_schema
from agents.toolrun import make_gate, run_round
from tools.audit import AuditSink
from tools.masking import Masker

ENTRY, HANDOFF, TOOLS = "entry", "handoff", "tools"


# --- nodes -----------------------------------------------------------------------------------


async def entry(state: SwarmState, setup: Setup) -> Command:
    """No model call: the fast router's plan, else the specialist of the previous turn, else the router."""
    request = request_of(state)
    parts = setup.fast.route(request, list(setup.specialists)) if setup.fast is not None else None
    if parts:
        return hand_to(setup, state, parts[0], parts[1:], [])
    active = state.get("active")
    nobodys = setup.fast is not None and setup.fast.belongs_to_nobody(request)
    if active in setup.specialists and len(clauses_of(request)) == 1 and not nobodys:
        return hand_to(setup, state, Part(active, request), [], [])  # a follow-up; several parts need a plan
    return Command(goto=ROUTER)


async def router(state: SwarmState, setup: Setup) -> Command:
    reply = await call_model(
        setup.router_model, for_model(setup.router_prompt, state["messages"]), ROUTER, setup.model_retry
    )
    if reply.tool_calls:
        return Command(goto=HANDOFF, update={"messages": [reply]})
    return Command(goto=END, update={"messages": [reply], "active": None, "plan": []})


async def handoff(state: SwarmState, setup: Setup) -> Command:
    """A model's transfer_to_* call (the router's or a specialist's) made alone: validate, acknowledge, go."""
    call_msg = state["messages"][-1]
    assert isinstance(call_msg, AIMessage)
    return transfer(setup, state, call_msg, [])


async def specialist(state: SwarmState, setup: Setup, name: str) -> Command:
    prompt = setup.prompts[name]
    if state.get("steps", 0) >= setup.step_budget:
        prompt += "\n\n" + prompts.BUDGET_REACHED.format(budget=setup.step_budget)
        reply = await call_model(setup.model, for_model(prompt, state["messages"]), name, setup.model_retry)
        answer = AIMessage(content=reply.content, name=name, id=reply.id)  # no tools now
        return finish_part(setup, state, name, [answer])
    reply = await call_model(setup.bound[name], for_model(prompt, state["messages"]), name, setup.model_retry)
    if work_calls(reply):
        return Command(goto=TOOLS, update={"messages": [reply]})  # a handoff in the same reply waits for them
    if reply.tool_calls:
        return Command(goto=HANDOFF, update={"messages": [reply]})
    return finish_part(setup, state, name, [reply])


async def tools(state: SwarmState, setup: Setup) -> Command:
    """Run the round; then the handoff made with it, a rendered answer, or back to the specialist."""
    name = state.get("active") or ""
    call_msg = state["messages"][-1]
    assert isinstance(call_msg, AIMessage)
    work = work_calls(call_msg)
    replies: list[AnyMessage] = list(await run_round(call_msg, setup.gates[name], name, work))
    steps = state.get("steps", 0) + 1
    if len(work) < len(call_msg.tool_calls):
        return _hand_over_after(setup, {**state, "steps": steps}, call_msg, work, replies)
    rendered = _rendered(setup, state, call_msg, replies) if steps == 1 else None
    if rendered is not None:
        emit(AssistantMessage(agent=name, text=rendered))
        answer = AIMessage(content=rendered, name=name, id=str(uuid.uuid4()))
        return finish_part(setup, {**state, "steps": steps}, name, [*replies, answer])
    return Command(goto=name, update={"messages": replies, "steps": steps})


def _hand_over_after(
    setup: Setup, state: SwarmState, call_msg: AIMessage, work: list[ToolCall], replies: list[AnyMessage]
) -> Command:
    """A specialist's last tool calls and its handoff in one reply: its part ends without a wording
    call when every call succeeded (the results shown rendered); otherwise it must answer first."""
    name = call_msg.name or state.get("active") or ""
    moves = [c for c in call_msg.tool_calls if handoff_target(c["name"])]
    if any(isinstance(r, ToolMessage) and r.status == "error" for r in replies):
        refused = [
            ToolMessage(
                content="Not handed over: a call in this reply failed. Deal with it or tell the user first.",
                tool_call_id=c["id"],
                name=c["name"],
                status="error",
            )
            for c in moves
        ]
        return Command(goto=name, update={"messages": [*replies, *refused], "steps": state.get("steps", 0)})
    texts = [_render(call, reply) for call, reply in zip(work, replies, strict=True)]
    shown = "\n".join(t for t in texts if t)
    extra = list(replies)
    if shown:
        emit(AssistantMessage(agent=name, text=shown))
        extra.append(AIMessage(content=shown, name=name, id=str(uuid.uuid4())))
    return transfer(setup, state, call_msg, extra)


def _render(call: ToolCall, reply: AnyMessage) -> str | None:
    content = reply.content
    body = json.loads(content) if isinstance(content, str) and content.startswith("{") else None
    return render_round(call["name"], call.get("args", {}), body)


def _rendered(setup: Setup, state: SwarmState, call_msg: AIMessage, replies: list[AnyMessage]) -> str | None:
    """The round's result as text when it needs no model to word it (see the module docstring)."""
    intent = state.get("intent")
    calls = call_msg.tool_calls
    if (
        not intent
        or len(calls) != 1
        or calls[0]["name"] != intent
        or setup.gates[state.get("active") or ""].is_mutating(intent)
    ):
        return None
    return _render(calls[0], replies[0])


# --- assembly --------------------------------------------------------------------------------


def build_swarm(
    model: BaseChatModel,
    specialists: Sequence[Specialist],
    *,
    read_only: bool = False,
    step_budget: int = 8,
    max_handoffs: int = 6,
    checkpointer: Any = None,
    model_retry: ModelRetry = NO_RETRY,
    masker: Masker | None = None,
    audit: AuditSink | None = None,
    fast: FastRouter | None = None,
) -> Any:
    by_name = {s.name: s for s in specialists}
    roster = "\n".join(f"- {s.name}: {s.description}" for s in specialists)
    gates = {s.name: make_gate([s], read_only=read_only, masker=masker, audit=audit) for s in specialists}

    def handoffs_for(name: str) -> list[dict[str, Any]]:
        peers = [handoff_schema(s.name, s.description) for s in specialists if s.name != name]
        return [*peers, handoff_schema(ROUTER_TARGET, "Hand the request back when no specialist you know owns it.")]

    setup = Setup(
        model=model,
        specialists=by_name,
        router_model=model.bind_tools(
            [handoff_schema(s.name, s.description) for s in specialists], parallel_tool_calls=False
        ),
        bound={
            s.name: model.bind_tools([*(tool_schema(t) for t in gates[s.name].visible()), *handoffs_for(s.name)])
            for s in specialists
        },
        router_prompt=prompts.ROUTER.format(specialists=roster),
        prompts={
            s.name: prompts.SPECIALIST.format(name=s.name, description=s.description)
            + (f"\n\n{s.prompt}" if s.prompt else "")
            for s in specialists
        },
        gates=gates,
        fast=fast,
        step_budget=step_budget,
        max_handoffs=max_handoffs,
        model_retry=model_retry,
    )
    names = tuple(by_name)
    graph = StateGraph(SwarmState)
    graph.add_node(ENTRY, functools.partial(entry, setup=setup), destinations=(*names, ROUTER))
    graph.add_node(ROUTER, functools.partial(router, setup=setup), destinations=(HANDOFF, END))
    graph.add_node(HANDOFF, functools.partial(handoff, setup=setup), destinations=(*names, ROUTER, END))
    graph.add_node(TOOLS, functools.partial(tools, setup=setup), destinations=(*names, ROUTER, END))
    for name in names:
        node = functools.partial(specialist, setup=setup, name=name)
        graph.add_node(name, node, destinations=(TOOLS, HANDOFF, *names, END))
    graph.add_edge(START, ENTRY)
    return graph.compile(checkpointer=checkpointer)
