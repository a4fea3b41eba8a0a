"""The specialists the router can hand work to: one module per agent, collected here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.base import ToolSpec


@dataclass(frozen=True)
class Specialist:
    """A specialist agent: its prompt, its tools and the backend context they run against.

    Which of its tools an agent is offered (read-only mode hides mutating ones) is the tool gate's
    decision (tools.gate), not the specialist's: every surface asks the gate.
    """

    name: str
    description: str
    prompt: str
    tools: list[ToolSpec[Any, Any]]
    context: Any
    examples: list[str] = field(default_factory=list)

    def tool(self, name: str) -> ToolSpec[Any, Any] | None:
        return next((t for t in self.tools if t.name == name), None)
