"""The swarm: a router that hands work to one specialist at a time, each running a tool loop.

    START -> router --(transfer_to_X)--> handoff -> X <-> tools
                ^                                  |
                +------ (X answers / budget) ------+

Progress is reported through LangGraph's custom stream (`{"kind": ...}` dicts) so the session can
turn it into typed events; model text streams through the "messages" mode. Mutating tools pause
the graph with `interrupt()` before anything runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from agents import prompts
from agents.messages import for_model, text_of
from agents.registry import Specialist
from agents.state import SwarmState
from agents.toolkit import handoff_schema, handoff_target, tool_schema
from tools.base import ToolError, ToolResult, closest, describe_change, progress_to, run_tool

ROUTER = "router"
TOOLS = "tools"
HANDOFF = "handoff"


def _emit(payload: dict[str, Any]) -> None:
    # Outside a streaming run (e.g. a plain invoke) there is nobody to report to.
    with contextlib.suppress(RuntimeError):
        get_stream_writer()(payload)


async def _call_model(model: Any, messages: list[AnyMessage], agent: str) -> AIMessage:
    """Invoke a model, reporting its duration and token usage; model failures become text."""
    start = time.perf_counter()
    try:
        reply = await model.ainvoke(messages)
    except Exception as exc:  # the endpoint failed: tell the user, keep the thread usable
        ms = (time.perf_counter() - start) * 1000
        _emit({"kind": "model_call", "agent": agent, "ms": ms, "input_tokens": 0, "output_tokens": 0})
        _emit({"kind": "error", "where": f"model ({agent})", "message": f"{type(exc).__name__}: {exc}"})
        return AIMessage(
            content=f"The model endpoint failed ({type(exc).__name__}: {exc}). Please try again.",
            name=agent,
            id=str(uuid.uuid4()),
        )
    ms = (time.perf_counter() - start) * 1000
    usage = getattr(reply, "usage_metadata", None) or {}
    _emit(
        {
            "kind": "model_call",
            "agent": agent,
            "ms": ms,
            "input_tokens": int(usage.get("input_tokens", 0)),
            "output_tokens": int(usage.get("output_tokens", 0)),
        }
    )
    reply = AIMessage(
        content=reply.content,
        tool_calls=reply.tool_calls,
        name=agent,
        id=reply.id or str(uuid.uuid4()),
        usage_metadata=reply.usage_metadata,
        response_metadata=reply.response_metadata,
    )
    if text_of(reply).strip():
        _emit({"kind": "message", "agent": agent, "text": text_of(reply)})
    return reply


def build_graph(
    model: BaseChatModel,
    specialists: Sequence[Specialist],
    *,
    read_only: bool = False,
    step_budget: int = 8,
    max_handoffs: int = 6,
    checkpointer: Any = None,
) -> Any:
    """Compile the swarm graph for one model and a set of specialists."""
    by_name = {s.name: s for s in specialists}
    roster = "\n".join(f"- {s.name}: {s.description}" for s in specialists)
    router_model = model.bind_tools(
        [handoff_schema(s.name, s.description) for s in specialists], parallel_tool_calls=False
    )
    router_prompt = prompts.ROUTER.format(specialists=roster)
    bound = {s.name: model.bind_tools([tool_schema(t) for t in s.visible_tools(read_only)]) for s in specialists}
    specialist_prompts = {
        s.name: prompts.SPECIALIST.format(name=s.name, description=s.description)
        + (f"\n\n{s.prompt}" if s.prompt else "")
        for s in specialists
    }

    async def router(state: SwarmState) -> Command[Literal["handoff", "__end__"]]:
        reply = await _call_model(router_model, for_model(router_prompt, state["messages"]), ROUTER)
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
            _emit({"kind": "message", "agent": ROUTER, "text": note.content})
            return Command(goto=END, update={"messages": [*replies, note]})
        _emit({"kind": "handoff", "from_agent": ROUTER, "to_agent": target, "task": task})
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
                reply = await _call_model(model, for_model(prompt, state["messages"]), spec.name)
                reply = AIMessage(content=reply.content, name=spec.name, id=reply.id)  # no tools now
                return Command(goto=ROUTER, update={"messages": [reply], "active": None})
            reply = await _call_model(bound[spec.name], for_model(prompt, state["messages"]), spec.name)
            if reply.tool_calls:
                return Command(goto=TOOLS, update={"messages": [reply]})
            return Command(goto=ROUTER, update={"messages": [reply], "active": None})

        specialist.__name__ = spec.name
        return specialist

    async def tools(state: SwarmState) -> Command[Any]:
        spec = by_name[state["active"] or ""]
        call_msg = state["messages"][-1]
        assert isinstance(call_msg, AIMessage)
        # Phase 1: every approval first, so nothing runs twice when the node resumes.
        decisions: dict[str, dict[str, Any]] = {}
        for call in call_msg.tool_calls:
            tool = spec.tool(call["name"])
            if tool is not None and tool.mutating and not read_only:
                preview = await asyncio.to_thread(describe_change, tool, call["args"], spec.context)
                decisions[call["id"]] = interrupt(
                    {
                        "agent": spec.name,
                        "call_id": call["id"],
                        "tool": tool.name,
                        "args": call["args"],
                        "preview": preview,
                    }
                )
        # Phase 2: run them in order.
        replies: list[AnyMessage] = []
        for call in call_msg.tool_calls:
            tool = spec.tool(call["name"])
            _emit(
                {
                    "kind": "tool_call",
                    "agent": spec.name,
                    "call_id": call["id"],
                    "tool": call["name"],
                    "args": call["args"],
                    "mutating": bool(tool and tool.mutating),
                }
            )
            result = await _execute(tool, call, spec, decisions.get(call["id"]), read_only)
            _emit(
                {
                    "kind": "tool_result",
                    "agent": spec.name,
                    "call_id": call["id"],
                    "tool": call["name"],
                    "ok": result.ok,
                    "data": result.data,
                    "error": result.error.model_dump() if result.error else None,
                    "truncated": result.truncated,
                    "duration_ms": result.duration_ms,
                }
            )
            replies.append(
                ToolMessage(
                    content=result.to_model_text(),
                    tool_call_id=call["id"],
                    name=call["name"],
                    status="success" if result.ok else "error",
                )
            )
        return Command(goto=spec.name, update={"messages": replies, "steps": state.get("steps", 0) + 1})

    graph = StateGraph(SwarmState)
    graph.add_node(ROUTER, router)
    graph.add_node(HANDOFF, handoff)
    graph.add_node(TOOLS, tools)
    for spec in specialists:
        graph.add_node(spec.name, make_specialist(spec))
    graph.add_edge(START, ROUTER)
    return graph.compile(checkpointer=checkpointer)


async def _execute(
    tool: Any, call: dict[str, Any], spec: Specialist, decision: dict[str, Any] | None, read_only: bool
) -> ToolResult:
    if tool is None:
        names = [t.name for t in spec.visible_tools(read_only)]
        return ToolResult(
            tool=call["name"],
            ok=False,
            error=ToolError(
                code="UnknownTool",
                message=f"{spec.name} has no tool '{call['name']}'.",
                suggestions=closest(call["name"], names) or names[:10],
            ),
        )
    if tool.mutating and read_only:
        return ToolResult(
            tool=tool.name,
            ok=False,
            error=ToolError(
                code="ReadOnly",
                message="swarmops is in read-only mode; nothing was changed.",
                hint="Restart without --read-only to make changes.",
            ),
        )
    if decision is not None and not decision.get("approved"):
        reason = decision.get("reason") or "rejected by the user"
        return ToolResult(
            tool=tool.name,
            ok=False,
            error=ToolError(
                code="Rejected",
                message=f"The user rejected this change ({reason}). Nothing was changed.",
                hint="Do not retry unless the user asks.",
            ),
        )
    loop = asyncio.get_running_loop()
    try:
        writer = get_stream_writer()
    except RuntimeError:
        writer = None

    def progress(message: str) -> None:
        # Tools run in a worker thread; the stream belongs to the event loop.
        if writer is not None:
            payload = {"kind": "tool_progress", "agent": spec.name, "call_id": call["id"], "tool": tool.name}
            loop.call_soon_threadsafe(writer, {**payload, "message": message})

    stop = threading.Event()

    def job() -> ToolResult:
        with progress_to(progress, stop):
            return run_tool(tool, call["args"], spec.context)

    try:
        return await asyncio.to_thread(job)
    except asyncio.CancelledError:
        stop.set()  # the thread cannot be killed; tools that loop check this and return early
        raise
