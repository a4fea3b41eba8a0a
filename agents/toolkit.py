"""Adapters from framework-free ToolSpecs to what chat models bind."""

from __future__ import annotations

from typing import Any

from tools.base import ToolSpec

HANDOFF_PREFIX = "transfer_to_"


def tool_schema(spec: ToolSpec[Any, Any]) -> dict[str, Any]:
    """OpenAI function-calling schema, which every langchain chat model's bind_tools accepts."""
    params = spec.args_schema.model_json_schema()
    params.pop("title", None)
    return {
        "type": "function",
        "function": {"name": spec.name, "description": spec.description, "parameters": params},
    }


#: The handoff target that returns a request to the router (a specialist that cannot tell who owns it).
ROUTER_TARGET = "router"


def handoff_schema(agent: str, description: str) -> dict[str, Any]:
    """A transfer_to_<agent> tool. `then` lets one call state the whole plan (the later parts of the
    request, in order), so nobody is asked again to route what is left after a specialist answers."""
    return {
        "type": "function",
        "function": {
            "name": f"{HANDOFF_PREFIX}{agent}",
            "description": f"Hand the request to the {agent} specialist. {description}",
            "parameters": {
                "type": "object",
                "properties": {
                    "task": {
                        "type": "string",
                        "description": (
                            "What the specialist should do, self-contained: include every name, path "
                            "and value from the user's words that it needs."
                        ),
                    },
                    "then": {
                        "type": "array",
                        "description": "The remaining parts of the request, in order, each for one specialist "
                        "(omit when this specialist does the whole request).",
                        "items": {
                            "type": "object",
                            "properties": {"specialist": {"type": "string"}, "task": {"type": "string"}},
                            "required": ["specialist", "task"],
                        },
                    },
                },
                "required": ["task"],
            },
        },
    }


def handoff_target(tool_name: str) -> str | None:
    return tool_name[len(HANDOFF_PREFIX) :] if tool_name.startswith(HANDOFF_PREFIX) else None
