"""The shape of a tool's result summary, and what every summary shares (sizes, "and N more").

A tool declares how its result reads to a person (`ToolSpec.summary`): a function of the call's
arguments and the result's data, returning plain text with the concrete names and values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Args = dict[str, Any]
Data = dict[str, Any]
Summary = Callable[[Args, Data], str]


def human_size(n: Any) -> str:
    try:
        size = float(n)
    except (TypeError, ValueError):
        return "?"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def more(total: int, shown: int, truncated: bool = False) -> str:
    if total > shown:
        return f"\n  … and {total - shown} more"
    return "\n  … (list truncated)" if truncated else ""
