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


def handoff_schema(agent: str, description: str) -> dict[str, Any]:
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
                    }
                },
                "required": ["task"],
            },
        },
    }


def handoff_target(tool_name: str) -> str | None:
    return tool_name[len(HANDOFF_PREFIX) :] if tool_name.startswith(HANDOFF_PREFIX) else None
