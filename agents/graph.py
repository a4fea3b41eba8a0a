"""The swarm: a router that hands work to one specialist at a time, each running a tool loop.

    START -> router --(transfer_to_X)--> handoff -> X <-> tools
                ^                                  |
                +------ (X answers / budget) ------+

`build_graph(architecture="flat")` compiles the baseline it is evaluated against instead
(agents/flat.py); both share the tools node (agents.toolrun.run_round) and the stream payloads.

Progress is reported through LangGraph's custom stream as typed events (agents.events) for the
session; model text streams through the "messages" mode. Every tool call goes through the tool gate
(tools.gate, via agents.toolrun); mutating tools pause the graph with `interrupt()` before anything runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents import prompts
from agents.events import AssistantMessage, Handoff
from agents.flat import build_flat_graph
from agents.messages import for_model
from agents.modelcall import call_model, emit
from agents.registry import Specialist
from agents.retry import NO_RETRY, ModelRetry
from agents.state import SwarmState
from agents.toolkit import handoff_schema, handoff_target, tool_schema
from agents.toolrun import make_gate, run_round
from tools.audit import AuditLog
from tools.base import closest
from tools.masking import Masker

#: Which graph build_graph compiles: the router and its specialists, or one agent holding every tool.
Architecture = Literal["swarm", "flat"]

ROUTER = "router"
TOOLS = "tools"
HANDOFF = "handoff"


def build_graph(
    model: BaseChatModel,
    specialists: Sequence[Specialist],
    *,
    read_only: bool = False,
    step_budget: int = 8,
    max_handoffs: int = 6,
    checkpointer: Any = None,
    model_retry: ModelRetry = NO_RETRY,
    masker: Masker | None = None,
    audit: AuditLog | None = None,
    architecture: Architecture = "swarm",
) -> Any:
    """Compile the graph for one model and a set of specialists.

    `model_retry` says how often a failed model call is tried again and how failures are worded;
    the default tries once (right for models that cannot fail transiently). `masker` and `audit` go
    to the tool gate: it masks secrets in what tools return and in approval payloads before either
    is shown, sent to the model or checkpointed (a log line holding a key must not end up in a stored
    conversation), and writes one audit record per tool call.
    `architecture="flat"` compiles the baseline the swarm is evaluated against instead: one agent
    holding every specialist's tools (agents/flat.py); `max_handoffs` does not apply there.
    """
    if architecture == "flat":
        return build_flat_graph(
            model,
            specialists,
            read_only=read_only,
            step_budget=step_budget,
            checkpointer=checkpointer,
            model_retry=model_retry,
            masker=masker,
            audit=audit,
        )
    if architecture != "swarm":
        raise ValueError(f"unknown architecture {architecture!r}: use 'swarm' or 'flat'")
    by_name = {s.name: s for s in specialists}
    roster = "\n".join(f"- {s.name}: {s.description}" for s in specialists)
    router_model = model.bind_tools(
        [handoff_schema(s.name, s.description) for s in specialists], parallel_tool_calls=False
    )
    router_prompt = prompts.ROUTER.format(specialists=roster)
    gates = {s.name: make_gate([s], read_only=read_only, masker=masker, audit=audit) for s in specialists}
    bound = {s.name: model.bind_tools([tool_schema(t) for t in gates[s.name].visible()]) for s in specialists}
    specialist_prompts = {
        s.name: prompts.SPECIALIST.format(name=s.name, description=s.description)
        + (f"\n\n{s.prompt}" if s.prompt else "")
        for s in specialists
    }

    async def router(state: SwarmState) -> Command[Literal["handoff", "__end__"]]:
        reply = await call_model(router_model, for_model(router_prompt, state["messages"]), ROUTER, model_retry)
        return Command(goto=HANDOFF if reply.tool_calls else END, update={"messages": [reply]})

    async def handoff(state: SwarmState) -> Command[Any]:
        call_msg = state["messages"][-1]
        assert isinstance(call_msg, AIMessage)
        first, *rest = call_msg.tool_calls
        replies: list[AnyMessage] = [
            ToolMessage(
                content="Ignored: hand off one part of the request at a time.",
                tool_call_id=c["id"],
                name=c["name"],
                status="error",
            )
            for c in rest
        ]
        target = handoff_target(first["name"])
        task = str(first.get("args", {}).get("task", "")).strip()
        used = state.get("handoffs", 0)
        if target not in by_name:
            names = closest(target or first["name"], list(by_name))
            replies.insert(
                0,
                ToolMessage(
                    content=f"No specialist '{first['name']}'. Available: {', '.join(by_name)}"
                    + (f" (closest: {', '.join(names)})" if names else ""),
                    tool_call_id=first["id"],
                    name=first["name"],
                    status="error",
                ),
            )
            return Command(
                goto=ROUTER if used < max_handoffs else END, update={"messages": replies, "handoffs": used + 1}
            )
        if used >= max_handoffs:
            replies.insert(
                0,
                ToolMessage(
                    content="Handoff limit reached for this turn.",
                    tool_call_id=first["id"],
                    name=first["name"],
                    status="error",
                ),
            )
            note = AIMessage(
                content=f"I stopped after {max_handoffs} handoffs in this turn; ask me to continue.",
                name=ROUTER,
                id=str(uuid.uuid4()),
            )
            emit(AssistantMessage(agent=ROUTER, text=note.content))
            return Command(goto=END, update={"messages": [*replies, note]})
        emit(Handoff(from_agent=ROUTER, to_agent=target, task=task))
        replies.insert(
            0,
            ToolMessage(content=f"Transferred to {target}. Task: {task}", tool_call_id=first["id"], name=first["name"]),
        )
        return Command(
            goto=target,
            update={"messages": replies, "active": target, "steps": 0, "handoffs": used + 1},
        )

    def make_specialist(spec: Specialist) -> Any:
        async def specialist(state: SwarmState) -> Command[Any]:
            prompt = specialist_prompts[spec.name]
            if state.get("steps", 0) >= step_budget:
                prompt += "\n\n" + prompts.BUDGET_REACHED.format(budget=step_budget)
                reply = await call_model(model, for_model(prompt, state["messages"]), spec.name, model_retry)
                reply = AIMessage(content=reply.content, name=spec.name, id=reply.id)  # no tools now
                return Command(goto=ROUTER, update={"messages": [reply], "active": None})
            reply = await call_model(bound[spec.name], for_model(prompt, state["messages"]), spec.name, model_retry)
            if reply.tool_calls:
                return Command(goto=TOOLS, update={"messages": [reply]})
            return Command(goto=ROUTER, update={"messages": [reply], "active": None})

        specialist.__name__ = spec.name
        return specialist

    async def tools(state: SwarmState) -> Command[Any]:
        spec = by_name[state["active"] or ""]
        call_msg = state["messages"][-1]
        assert isinstance(call_msg, AIMessage)
        replies = await run_round(call_msg, gates[spec.name], spec.name)
        return Command(goto=spec.name, update={"messages": replies, "steps": state.get("steps", 0) + 1})

    graph = StateGraph(SwarmState)
    graph.add_node(ROUTER, router)
    graph.add_node(HANDOFF, handoff)
    graph.add_node(TOOLS, tools)
    for spec in specialists:
        graph.add_node(spec.name, make_specialist(spec))
    graph.add_edge(START, ROUTER)
    return graph.compile(checkpointer=checkpointer)
