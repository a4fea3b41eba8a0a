"""A read-only tool result as a person reads it, without a model to word it.

When the request asked for exactly what one read-only tool returns ("list my buckets"), a final
model call would only paraphrase the result. The same deterministic renderers the offline planner
writes its answers with turn the result into the answer instead (one model call saved per request).
"""

from __future__ import annotations

from typing import Any

from agents.planner.answers import describe
from agents.planner.conversation import Executed


def render_round(tool: str, args: dict[str, Any], body: dict[str, Any] | None) -> str | None:
    """The answer for one successful call, or None when it failed or has no renderer (a model words it)."""
    if not isinstance(body, dict) or not body.get("ok") or not isinstance(body.get("data"), dict):
        return None
    text = describe(Executed(tool=tool, args=dict(args), ok=True, data=body["data"], error=None))
    return None if text.startswith(f"{tool}: ") else text  # the raw fallback is no answer
