"""Fill a tool's arguments from what was said and the thread's memory, by each argument's slot kind.

One filler per slot kind (tools/slots.py), shared by every tool: a new tool whose arguments
declare their kinds is filled with no change here (places in fill_places.py, everything else in
fill_values.py). A required argument nobody said and memory cannot supply becomes a precise
question (`Ask`), never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.planner import fill_places as places
from agents.planner import fill_values as values
from agents.planner.catalog import Arg, Tool
from agents.planner.memory import ThreadMemory
from agents.planner.said import Said


class Ask(Exception):
    """A required value is missing: the planner asks this instead of acting."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


@dataclass
class Slots:
    tool: Tool
    said: Said
    memory: ThreadMemory
    args: dict[str, Any] = field(default_factory=dict)

    def role(self, arg: Arg) -> str:
        return arg.role

    @property
    def local_source(self) -> bool:
        """The tool sends a local file somewhere (upload): its object key and bucket are the destination."""
        return any(a.kind == "local_path" and a.role == "src" for a in self.tool.args)


FILLERS: dict[str, Callable[[Slots, Arg], Any]] = {
    "bucket": places.bucket, "object_key": places.key, "key_list": places.keys, "prefix": places.prefix,
    "local_path": places.local_path, "s3_uri": lambda s, a: None, "pipeline": values.pipeline,
    "pipeline_file": values.pipeline_file, "version": lambda s, a: (s.said.near({"version"}) or [None])[0],
    "run": values.run, "run_list": values.runs, "experiment": values.experiment, "parameters": lambda s, a: None,
    "tags": values.tags, "number": values.number, "duration": values.duration, "flag": values.flag,
    "choice": values.choice, "name": values.name, "text": values.text, "source": values.source,
}  # fmt: skip

_ASK = {
    "bucket": "Which bucket?", "object_key": "Which object (its key)?", "key_list": "Which objects should go?",
    "local_path": "Which local file or folder?", "pipeline": "Which pipeline?", "pipeline_file": "Which pipeline file?",
    "run": "Which run?", "run_list": "Which runs should I compare (two or more)?", "name": "What should it be called?",
    "tags": "Which tags (key=value)?", "source": "Which files, folders or s3:// prefixes?", "flag": "On or off?",
}  # fmt: skip


def question(tool: Tool, arg: Arg) -> str:
    what = _ASK.get(arg.kind or "", f"What should {arg.name} be?")
    return f"{what} I need it for {tool.name.replace('_', ' ')}."


def fill(
    tool: Tool, said: Said, memory: ThreadMemory, given: dict[str, Any] | None = None, defer: set[str] | None = None
) -> dict[str, Any]:
    """Arguments for `tool` (optional ones only when said); raises Ask for a missing required one
    unless a step declared before the tool may supply it (`defer`; `complete` checks again after)."""
    s = Slots(tool, said, memory, dict(given or {}))
    for arg in tool.args:
        if arg.name in s.args:
            continue
        filler = FILLERS.get(arg.kind or "")
        value = filler(s, arg) if filler else None
        if value is not None and value != arg.default:
            s.args[arg.name] = value
    return complete(tool, s.args, defer)


def complete(tool: Tool, args: dict[str, Any], defer: set[str] | None = None) -> dict[str, Any]:
    """`args` when nothing required is missing; else the question to ask (Ask)."""
    deferred = defer or set()
    for arg in tool.args:
        if arg.required and args.get(arg.name) is None and arg.name not in deferred:
            raise Ask(question(tool, arg))
    # Keys or a prefix: one of them is needed ("remove some files" says neither).
    many = [a for a in tool.args if a.kind in {"key_list", "prefix"}]
    if len(many) > 1 and not any(args.get(a.name) for a in many) and not deferred & {a.name for a in many}:
        raise Ask(question(tool, many[0]))
    return args
