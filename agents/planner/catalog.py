"""What the offline planner knows about tools: read from the tool registries, never listed here.

A tool brings its own language (tools/*/examples.py) and its argument slot kinds (tools/slots.py);
the planner classifies a request against every tool's examples, and fills the chosen tool's
arguments by their slot kinds. A new tool registered in tools/ is planned with no change here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from annotated_types import Le, Lt
from pydantic.fields import FieldInfo

from agents.planner.intents import NOBODY, Intents, Ranked
from tools.base import ToolSpec
from tools.slots import SlotKind, slot_meta

__all__ = ["NOBODY", "Arg", "Intents", "Ranked", "Tool", "intents", "owner_of", "specs", "tools"]


@dataclass(frozen=True)
class Arg:
    name: str
    kind: SlotKind | None
    required: bool
    default: Any
    #: The schema's upper bound, for "as long as allowed" / "the maximum".
    maximum: float | None = None
    #: Which end of a transfer: declared on the slot, else read from the name (src_bucket, dst_key).
    role: str = ""
    #: A name the user chooses (create_bucket's bucket), not one that exists.
    new: bool = False
    #: The values a "choice" argument allows (its Literal or its slot's words), with the words each
    #: is picked by: its own ("roc_curve": roc, curve) and the slot's (tools.slots.Slot.says).
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Tool:
    name: str
    owner: str  # the specialist: storage, pipelines, docs
    mutating: bool
    args: tuple[Arg, ...]

    @property
    def kinds(self) -> set[str]:
        return {a.kind for a in self.args if a.kind}

    @property
    def args_names(self) -> set[str]:
        return {a.name for a in self.args}

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name == name), None)


def _tool(spec: ToolSpec[Any, Any], owner: str) -> Tool:
    fields = spec.args_schema.model_fields
    args = tuple(_arg(name, f) for name, f in fields.items())
    return Tool(spec.name, owner, spec.mutating, args)


def _arg(name: str, field: FieldInfo) -> Arg:
    slot = slot_meta(field)
    role = slot.role if slot and slot.role else name.split("_", 1)[0] if name.startswith(("src_", "dst_")) else ""
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    kind = slot.kind if slot else None
    literal = [str(c) for c in get_args(field.annotation)] if get_origin(field.annotation) is Literal else []
    says = slot.says if slot else {}
    choices = {c: (*c.lower().split("_"), *says.get(c, ())) for c in [*literal, *(c for c in says if c not in literal)]}
    return Arg(name, kind, field.is_required(), default, _maximum(field), role, bool(slot and slot.new), choices)


def _maximum(field: FieldInfo) -> float | None:
    bounds = [m.le for m in field.metadata if isinstance(m, Le)] + [m.lt for m in field.metadata if isinstance(m, Lt)]
    return float(min(bounds)) if bounds else None


@functools.cache
def specs() -> dict[str, tuple[ToolSpec[Any, Any], str]]:
    from tools.docs import DOCS_TOOLS
    from tools.kfp import KFP_TOOLS
    from tools.storage import STORAGE_TOOLS

    groups = {"storage": STORAGE_TOOLS, "pipelines": KFP_TOOLS, "docs": DOCS_TOOLS}
    return {spec.name: (spec, owner) for owner, group in groups.items() for spec in group}


@functools.cache
def tools() -> dict[str, Tool]:
    return {name: _tool(spec, owner) for name, (spec, owner) in specs().items()}


def owner_of(tool: str) -> str | None:
    found = tools().get(tool)
    return found.owner if found else None


@functools.cache
def intents() -> Intents:
    """The intent classifier fitted on every registered tool's examples (cached on disk by content)."""
    from platformdirs import user_cache_dir

    from agents.examples import NONE

    texts: list[str] = []
    labels: list[str] = []
    for name, (spec, _owner) in specs().items():
        for text in dict.fromkeys(spec.examples):
            texts.append(text)
            labels.append(name)
    return Intents([*texts, *NONE], [*labels, *[NOBODY] * len(NONE)], Path(user_cache_dir("swarmops")) / "planner")


def forget() -> None:
    """Drop cached scores (benchmarks time requests as new)."""
    Intents._scores.cache_clear()
    Intents._spelled.cache_clear()
