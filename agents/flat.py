"""The flat baseline: one agent holding every specialist's tools, no router and no handoffs.

    START -> assistant <-> tools -> END

It exists to be measured against the swarm (swarmops eval): the same model, tools, approvals,
masking, retries and stream payloads, so the session and every front end run it unchanged and any
difference in results comes from the architecture alone. Its tools node shares one tool gate
(tools.gate) over every specialist's tools, so each call still runs with the context of the
specialist that owns the tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents import prompts
from agents.messages import for_model
from agents.modelcall import call_model
from agents.registry import Specialist
from agents.retry import NO_RETRY, ModelRetry
from agents.state import SwarmState
from agents.toolkit import tool_schema
from agents.toolrun import make_gate, run_round
from tools.audit import AuditSink
from tools.gate import ToolGate
from tools.masking import Masker

#: The one agent's name: its node, and the `agent` of every event it causes.
ASSISTANT = "assistant"
TOOLS = "tools"


def flat_prompt(specialists: Sequence[Specialist], gate: ToolGate) -> str:
    """The specialists' rules in one prompt, with a roster of what each group of tools is for."""

    def owned(spec: Specialist) -> str:
        return ", ".join(t.name for t in gate.visible(spec.name)) or "(none)"

    areas = [
        prompts.FLAT_AREA.format(
            name=s.name,
            description=s.description,
            tools=owned(s),
            guidance=f"\n  {s.prompt}" if s.prompt else "",
        )
        for s in specialists
    ]
    return prompts.FLAT.format(areas="\n".join(areas))


def build_flat_graph(
    model: BaseChatModel,
    specialists: Sequence[Specialist],
    *,
    read_only: bool = False,
    step_budget: int = 8,
    checkpointer: Any = None,
    model_retry: ModelRetry = NO_RETRY,
    masker: Masker | None = None,
    audit: AuditSink | None = None,
) -> Any:
    """Compile the flat graph. `step_budget` counts tool rounds over the whole turn (the swarm counts
    per specialist visit); once spent, the assistant answers without tools, as a specialist does."""
    gate = make_gate(specialists, read_only=read_only, masker=masker, audit=audit)
    bound = model.bind_tools([tool_schema(t) for t in gate.visible()])
    system = flat_prompt(specialists, gate)

    async def assistant(state: SwarmState) -> Command[Literal["tools", "__end__"]]:
        if state.get("steps", 0) >= step_budget:
            prompt = system + "\n\n" + prompts.BUDGET_REACHED.format(budget=step_budget)
            reply = await call_model(model, for_model(prompt, state["messages"]), ASSISTANT, model_retry)
            reply = AIMessage(content=reply.content, name=ASSISTANT, id=reply.id)  # no tools now
            return Command(goto=END, update={"messages": [reply], "active": None})
        reply = await call_model(bound, for_model(system, state["messages"]), ASSISTANT, model_retry)
        if reply.tool_calls:
            return Command(goto=TOOLS, update={"messages": [reply], "active": ASSISTANT})
        return Command(goto=END, update={"messages": [reply], "active": None})

    async def tools(state: SwarmState) -> Command[Literal["assistant"]]:
        call_msg = state["messages"][-1]
        assert isinstance(call_msg, AIMessage)
        replies = await run_round(call_msg, gate, ASSISTANT)
        return Command(goto=ASSISTANT, update={"messages": replies, "steps": state.get("steps", 0) + 1})

    graph = StateGraph(SwarmState)
    graph.add_node(ASSISTANT, assistant)
    graph.add_node(TOOLS, tools)
    graph.add_edge(START, ASSISTANT)
    return graph.compile(checkpointer=checkpointer)
