"""An executed call as the offline planner reports it: the tool's own summary, or its error.

How a result reads is declared by each tool (`ToolSpec.summary`, tools/*/summaries.py); what is
left here is the report of a failure or a rejection, which reads the same for every tool.
"""

from __future__ import annotations

from agents.planner.catalog import specs
from agents.planner.conversation import Executed


def describe_error(e: Executed) -> str:
    err = e.error or {}
    code = err.get("code", "Error")
    if code == "Rejected":
        return f"I did not run {e.tool}: you rejected it, so nothing was changed."
    msg = f"{e.tool} failed ({code}): {err.get('message', '')}".rstrip()
    if err.get("suggestions"):
        msg += f"\nDid you mean: {', '.join(err['suggestions'])}?"
    if err.get("hint"):
        msg += f"\nHint: {err['hint']}"
    return msg


def describe(e: Executed) -> str:
    if not e.ok:
        return describe_error(e)
    found = specs().get(e.tool)
    summary = found[0].summary if found else None
    if summary is None or not isinstance(e.data, dict):
        return f"{e.tool}: {e.data}"
    try:
        return summary(e.args, e.data)
    except (KeyError, TypeError, AttributeError):  # an unexpected shape: show the raw result
        return f"{e.tool}: {e.data}"
