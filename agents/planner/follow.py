"""Steps that come before or after a tool, declared as data rather than written per intent.

A `Before` runs first when its condition holds and completes the main step from its result
(get_pipeline gives the inputs that "50 trees" maps to; list_runs finds "my last two runs" or
"whatever is running"; list_objects finds "every .bak file"). An `After` follows a step that
succeeded when the request asks for more than the step gives (a submitted run is waited for when
the person wants its outcome). The planning loop (planning.py) knows no tool by name.
"""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.planner.fill import Ask
from agents.planner.memory import ThreadMemory
from agents.planner.params import Unclear, inputs_of, map_parameters
from agents.planner.said import Said

#: The request wants the outcome of what it starts, not just the start.
WANTS_RESULT = re.compile(
    r"(?<![\w-])(wait|until|finish(?:es|ed)?|done|complete[sd]?|through|outcome|result|results|"
    r"how (?:it|did it) (?:go|went)|"
    r"accuracy|metrics?|scores?|f1|precision|recall|loss|auc|tell me (?:what|how|when|if|whether)|"
    r"let me know|passe?s|once it'?s)(?![\w-])",
    re.I,
)
#: "same again", "rerun it with...": the last submitted run is the base.
AGAIN = re.compile(r"\b(again|same|re-?run|rerun|repeat|one more)\b", re.I)
_NO_WAIT = re.compile(
    r"\b(no need to wait|don'?t (?:need to )?wait|do not wait|without waiting|fire and forget)\b", re.I
)
_RUNNING = re.compile(r"\b(running|still going|in progress|whatever is|what'?s running|currently|active)\b", re.I)

Args = dict[str, Any]
Complete = Callable[[Args, Args, Said, ThreadMemory], Args]


@dataclass(frozen=True)
class Before:
    tool: str  # the main step this one precedes
    when: Callable[[Said, Args], bool]
    step: str
    args: Callable[[Said, Args], Args]
    #: The main step's arguments completed from this step's result: (args, data, said, memory).
    complete: Complete
    #: The main step's argument this step's result supplies (not asked for when missing).
    supplies: str | None = None


@dataclass(frozen=True)
class After:
    tool: str
    when: Callable[[Said, str], bool]  # (clause, whole task)
    step: str
    args: Callable[[Args], Args | None]  # from the main step's result


def _listed(data: Args, field: str, item: str) -> list[str]:
    return [str(r.get(item)) for r in data.get(field) or [] if isinstance(r, dict) and r.get(item) is not None]


def _pipeline_named(args: Args, data: Args, said: Said, memory: ThreadMemory) -> Args:
    """The listed pipeline the request names, allowing a typo ("iirs"); else ask which."""
    names = _listed(data, "pipelines", "name")
    words = [w for w in said.words if len(w) > 2]
    for name in names:
        if name.lower() in said.low or difflib.get_close_matches(name.lower(), words, n=1, cutoff=0.75):
            return {**args, "pipeline": name}
    raise Ask(f"Which pipeline? The ones on the server are: {', '.join(names) or 'none yet'}.")


def _parameters(args: Args, data: Args, said: Said, memory: ThreadMemory) -> Args:
    """ "with 40 trees" mapped onto the pipeline's declared inputs; "same again" starts from the last run's."""
    base = dict(memory.parameters) if AGAIN.search(said.low) and memory.pipeline == args["pipeline"] else {}
    ref = (memory.bucket, memory.key) if said.refers_back and memory.bucket and memory.key else None
    try:
        found = map_parameters(said.text, args["pipeline"], inputs_of(data), ref)
    except Unclear as exc:
        raise Ask(str(exc)) from None
    return {**args, "parameters": {**base, **found}} if base or found else args


def _two_runs(args: Args, data: Args, said: Said, memory: ThreadMemory) -> Args:
    ids = _listed(data, "runs", "id")
    if len(ids) < 2:
        raise Ask(f"I found {len(ids)} matching run(s); comparing needs at least two. Which runs do you mean?")
    return {"runs": ids}


def _the_running_one(args: Args, data: Args, said: Said, memory: ThreadMemory) -> Args:
    running = _listed(data, "runs", "id")
    if not running:
        raise Ask("Nothing is running right now, so there is nothing to stop.")
    return {"run": running[0]}


def _matching_keys(args: Args, data: Args, said: Said, memory: ThreadMemory) -> Args:
    """ "every .bak file", "core-*.dmp but leave readme.txt": the listed keys the patterns match."""
    keys = [k for k in _listed(data, "objects", "key") if not k.endswith("/") and k not in said.kept]
    hits = [k for k in keys if any(fnmatch.fnmatch(n, p) for n in (k, posixpath.basename(k)) for p in said.globs)]
    if not hits:
        raise Ask(f"No object in {args.get('bucket')} matches {', '.join(said.globs)}, so there is nothing to delete.")
    return {"bucket": args["bucket"], "keys": hits}


def _runs_wanted(said: Said, args: Args) -> bool:
    return len(args.get("runs") or []) < 2


def _running_wanted(said: Said, args: Args) -> bool:
    return args.get("run") in {None, "latest"} and _RUNNING.search(said.low) is not None


def _compare_listing(said: Said, args: Args) -> Args:
    wanted = {"pipeline": args.get("pipeline"), "limit": said.count_before("runs?|ones") or 2}
    return {k: v for k, v in wanted.items() if v}


def _unnamed(said: Said, args: Args) -> bool:
    return not args.get("pipeline")


def _nothing(said: Said, args: Args) -> Args:
    return {}


BEFORE: list[Before] = [
    Before("submit_run", _unnamed, "list_pipelines", _nothing, _pipeline_named, "pipeline"),
    Before("get_pipeline", _unnamed, "list_pipelines", _nothing, _pipeline_named, "pipeline"),
    # Always read the inputs first: "40 trees" maps onto them, and a required one nobody gave is asked for.
    Before(
        "submit_run",
        lambda s, a: bool(a.get("pipeline")),
        "get_pipeline",
        lambda s, a: {"pipeline": a["pipeline"]},
        _parameters,
    ),
    Before("compare_runs", _runs_wanted, "list_runs", _compare_listing, _two_runs),
    Before("terminate_run", _running_wanted, "list_runs", lambda s, a: {"state": "RUNNING", "limit": 5},
           _the_running_one),
    Before(
        "delete_objects",
        lambda s, a: bool(s.globs) and bool(a.get("bucket")),
        "list_objects",
        lambda s, a: {"bucket": a["bucket"], "limit": 1000},
        _matching_keys,
        "keys",
    ),
]  # fmt: skip

AFTER: list[After] = [
    After(
        "submit_run",
        lambda said, task: WANTS_RESULT.search(task) is not None and _NO_WAIT.search(task) is None,
        "wait_for_run",
        lambda data: {"run": data["run_id"]} if data.get("run_id") else None,
    ),
]
