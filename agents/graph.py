"""Compiling the graph for one model and a set of specialists: the swarm, or the flat baseline.

`architecture="swarm"` (agents/swarm.py): routing without a model call when the request is
clear-cut, specialists that answer the user directly and hand off to each other, the model
router only when needed. `architecture="flat"` (agents/flat.py): one agent holding every tool,
the baseline the swarm is evaluated against. Both report to the session in typed events
(agents.events) and run every tool call through the tool gate (tools.gate, via agents.toolrun).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel

from agents.fastroute import FastRouter
from agents.flat import build_flat_graph
from agents.registry import Specialist
from agents.retry import NO_RETRY, ModelRetry
from agents.swarm import build_swarm
from tools.audit import AuditSink
from tools.masking import Masker

#: Which graph build_graph compiles: the router and its specialists, or one agent holding every tool.
Architecture = Literal["swarm", "flat"]


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
    audit: AuditSink | None = None,
    architecture: Architecture = "swarm",
    fast: FastRouter | None = None,
) -> Any:
    """Compile the graph.

    `model_retry` says how often a failed model call is tried again and how failures are worded;
    the default tries once (right for models that cannot fail transiently). `masker` and `audit` go
    to the tool gate: it masks secrets in what tools return and in approval payloads before either
    is shown, sent to the model or checkpointed, and writes one audit record per tool call. `fast`
    routes clear-cut requests without a model call (swarm only; None: the model router decides).
    """
    if architecture not in ("swarm", "flat"):
        raise ValueError(f"unknown architecture {architecture!r}: use 'swarm' or 'flat'")
    common = {
        "read_only": read_only,
        "step_budget": step_budget,
        "checkpointer": checkpointer,
        "model_retry": model_retry,
        "masker": masker,
        "audit": audit,
    }
    if architecture == "flat":
        return build_flat_graph(model, specialists, **common)
    return build_swarm(model, specialists, max_handoffs=max_handoffs, fast=fast, **common)


def mermaid(specialists: Sequence[Specialist], architecture: Architecture = "swarm") -> str:
    """The compiled graph as a Mermaid flowchart: every node and the destinations its Command may take.

    The model does not change the graph's shape, so it is drawn with the offline planner.
    """
    from agents.planner.model import OfflinePlanner

    graph = build_graph(OfflinePlanner(), specialists, architecture=architecture)
    return str(graph.get_graph().draw_mermaid())
