"""The offline planner's one planning loop, for every specialist: intent, slots, declared steps.

Each clause of a task is matched to the nearest tool examples among the specialist's tools
(agents/planner/catalog.py), its arguments are filled by slot kind (fill.py), and the steps
declared around that tool are added (follow.py). The plan is recomputed from the thread on every
model call: results of steps that already ran complete the steps that need them (a run id, a
pipeline's inputs), and the thread memory follows each result, so "upload x and tag it" tags x.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from agents.fastroute import clauses_of
from agents.planner.catalog import NOBODY, intents, tools
from agents.planner.conversation import Executed
from agents.planner.fill import Ask, complete, fill
from agents.planner.fill_places import singled_out
from agents.planner.follow import AFTER, AGAIN, BEFORE
from agents.planner.memory import ThreadMemory, remember_one
from agents.planner.plan import Plan, Step
from agents.planner.said import Said

#: Below this nearest-example score a clause is not understood: the planner asks instead of guessing.
MIN_SCORE = -0.6


#: Longer than this is a paste, not a request: the planner asks what to do with it instead of acting.
MAX_REQUEST = 2000


def too_long(text: str) -> str:
    return (
        f"That is a long text ({len(text):,} characters) and I don't act on pastes by guesswork. "
        'What would you like me to do with it? Say it in a sentence, e.g. "upload notes.txt to raw-data".'
    )


class _Pending(Exception):
    """A step needs the result of one that has not run yet."""


@dataclass
class _Builder:
    done: list[Executed]
    memory: ThreadMemory
    allowed: set[str]
    steps: list[Step] = field(default_factory=list)
    quiet: set[int] = field(default_factory=set)
    #: Tools added as declared steps (a wait after a submit): a clause asking for one is covered.
    declared: set[str] = field(default_factory=set)
    intents: list[str] = field(default_factory=list)

    def add(self, tool: str, args: dict[str, Any], *, quiet: bool = False, retry: bool = False) -> Executed | None:
        i = len(self.steps)
        self.steps.append(Step(tool, args, retry))
        if quiet:
            self.quiet.add(i)
        if i < len(self.done):
            remember_one(self.memory, self.done[i])
            return self.done[i]
        # Not run yet: what it will touch is known from its arguments ("create x and upload y into it").
        remember_one(self.memory, Executed(tool, args, ok=False, data=None, error=None))
        return None

    def need(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        """Add a step whose result the plan needs now: its data, or stop until it has run."""
        self.declared.add(tool)
        done = self.add(tool, args, quiet=True)
        if done is None or not done.ok:
            raise _Pending
        return done.data if isinstance(done.data, dict) else {}


#: A clause of a multi-part task needs this score to be a step of its own.
SPLIT_SCORE = -0.2
#: Tools this close to the best one are candidates too: the one whose arguments the request fills wins.
CLOSE = 0.2
#: Further candidates, tried only when none of the close ones can be filled from the request.
WIDE = 0.6


#: What a mention is evidence for: the slot kinds that can take it. A tool taking none of them is
#: an unlikely reading of a request that names one ("show me s3://x/y.txt" is not about a run).
_EVIDENCE: dict[str, set[str]] = {
    "uri": {"bucket", "object_key", "prefix", "s3_uri", "source", "parameters"},
    "file": {"object_key", "key_list", "local_path", "pipeline_file", "source", "parameters", "prefix"},
    "pair": {"tags", "parameters"},
    "name": {"bucket", "object_key", "prefix", "pipeline", "version", "run", "run_list", "experiment", "name"},
}
UNLIKELY = 0.25
#: How much lower the confidence floor is for a request that names a file, URI, key=value or a
#: name that is no English word ("contracts-archive").
NAMED = 0.25


def _evidence(text: str) -> set[str]:
    said = Said.of(text)
    found = {"uri"} if said.uris else set()
    found |= {"file"} if said.paths else set()
    found |= {"name"} if said.identifiers else set()
    return found | ({"pair"} if said.pairs else set())


def choose(
    text: str, allowed: set[str], floor: float = MIN_SCORE, *, wide: bool = True, nobody: bool = True
) -> list[str]:
    """The tools whose examples `text` is nearest to, best first; none when no tool is near enough
    (or, with `nobody`, when the request reads as nobody's)."""
    everyone = intents().rank(text, allowed)
    ranked = [r for r in everyone if nobody or r.tool != NOBODY]
    evidence = _evidence(text)
    if everyone and everyone[0].tool == NOBODY:
        evidence.discard("name")  # a name alone does not make a request nobody's into some tool's
    scored = []
    for r in ranked[:6]:
        kinds = {a.kind for a in tools()[r.tool].args} if r.tool != NOBODY else set()
        misses = sum(1 for e in evidence if not kinds & _EVIDENCE[e])
        scored.append((r.tool, r.score - UNLIKELY * misses))
    scored.sort(key=lambda ts: -ts[1])
    if not scored or scored[0][0] == NOBODY:
        return []
    # A whole request naming a file, URI or key=value is for some tool: a read needs less confidence
    # (a change never does). One clause of several does not: "the file x sits in y; copy it to z".
    relaxed = NAMED if evidence and floor <= MIN_SCORE and not tools()[scored[0][0]].mutating else 0
    if scored[0][1] < floor - relaxed:
        return []
    best = scored[0][1]
    close = [t for t, v in scored[:4] if t != NOBODY and v >= best - CLOSE]
    # The wider window is for reads only ("what's in it?" lists the bucket in play): a change that
    # far from the best reading would be a guess.
    further = [t for t, v in scored[:4] if t != NOBODY and best - CLOSE > v >= best - WIDE and not tools()[t].mutating]
    return close + further if wide else close


def fillable(candidates: list[str], said: Said, memory: ThreadMemory) -> tuple[str, dict[str, Any] | None]:
    """The candidate to plan and its arguments: the first whose required arguments the request (or
    memory) supplies; for a request pointing back ("get rid of it"), the first that uses what the
    thread has in play. None as arguments when nothing fits (filling again asks what is missing).

    Candidates come best first: close ones, then (only reached when none of those can be filled)
    wider ones, so "what's in it?" lists the bucket in play when no object is. When the best
    reading only looks but lacks a value, a change is never chosen instead because it fills more.
    """
    if said.refers_back and (memory.key or singled_out(said, memory)):
        candidates = _on_the_object(candidates)  # "delete it" after an object was in play: not its bucket
    first: tuple[str, dict[str, Any]] | None = None
    reads_only = False
    for i, tool in enumerate(candidates):
        if reads_only and tools()[tool].mutating:
            continue
        args = _filled(tool, said, memory)
        if i == 0:  # when the best reading only looks and cannot be filled, no change may stand in for it
            reads_only = not tools()[tool].mutating and args is None
        if args is None:
            continue
        if args == {} and not said.refers_back and (fuller := _fuller(candidates[i + 1 :], said, memory)):
            return fuller  # "the folders in lakehouse": not every bucket, when a close reading takes the name said
        if not said.refers_back or _uses(args, memory):
            return tool, args  # the first that fills; pointing back, the first that uses the thread
        first = first or (tool, args)
    return first or (candidates[0], None)


def _fuller(candidates: list[str], said: Said, memory: ThreadMemory) -> tuple[str, dict[str, Any]] | None:
    """The first read among `candidates` that takes a name the request says, for a best reading that
    takes none: a request naming something is about it."""
    for tool in candidates:
        args = None if tools()[tool].mutating else _filled(tool, said, memory)
        if args and any(isinstance(v, str) and v in said.text for v in args.values()):
            return tool, args
    return None


def _filled(tool: str, said: Said, memory: ThreadMemory) -> dict[str, Any] | None:
    """`tool`'s arguments from the request and memory, or None when a required one is missing."""
    try:
        return fill(tools()[tool], said, memory, _again(tool, said, memory), defer=_deferred(tool))
    except Ask:
        return None


def _on_the_object(candidates: list[str]) -> list[str]:
    """The best candidate's twin for one object first ("take it out of the bucket" after an upload:
    delete_objects, not delete_bucket), then the candidates that act on an object."""

    def on_object(t: str) -> bool:
        return bool({"object_key", "key_list"} & tools()[t].kinds)

    top = tools()[candidates[0]]
    verb = top.name.split("_", 1)[0]
    twins = [t.name for t in tools().values() if t.owner == top.owner and t.name.split("_", 1)[0] == verb]
    twins = [t for t in twins if on_object(t)] if not on_object(top.name) else []
    return list(dict.fromkeys(twins + sorted(candidates, key=lambda t: not on_object(t))))


def _uses(args: dict[str, Any], memory: ThreadMemory) -> bool:
    """The arguments take something the thread has in play (its bucket, object, pipeline or run)."""
    in_play = {memory.bucket, memory.key, memory.pipeline, memory.run, memory.local_path} - {None}
    return any(isinstance(v, str) and v in in_play for v in args.values())


def _deferred(tool: str) -> set[str]:
    return {b.supplies for b in BEFORE if b.tool == tool and b.supplies}


def _again(tool: str, said: Said, memory: ThreadMemory) -> dict[str, Any]:
    """ "same again but with max depth 7": the pipeline in play (its parameters are the base, follow.py)."""
    if not AGAIN.search(said.low) or not memory.pipeline:
        return {}
    return {a.name: memory.pipeline for a in tools()[tool].args if a.kind == "pipeline" and a.required}


def _step(b: _Builder, tool: str, args: dict[str, Any] | None, said: Said, task: str) -> None:
    spec = tools()[tool]
    if args is None:  # raises Ask: the question for what is missing
        args = fill(spec, said, b.memory, _again(tool, said, b.memory), defer=_deferred(tool))
    for before in BEFORE:
        if before.tool == tool and before.step in b.allowed and before.when(said, args):
            args = before.complete(args, b.need(before.step, before.args(said, args)), said, b.memory)
    args = complete(spec, args)
    done = b.add(tool, args)
    if done is not None and not done.ok and not spec.mutating and (fixed := _corrected(args, done)) is not None:
        done = b.add(tool, fixed, retry=True)  # "the iirs pipeline": read the one name the error suggests
    follow = [a for a in AFTER if a.tool == tool and a.step in b.allowed and a.when(said, task)]
    if follow and done is None:
        raise _Pending
    for after in follow:
        if done is not None and done.ok and isinstance(done.data, dict) and (more := after.args(done.data)):
            b.declared.add(after.step)
            b.add(after.step, more)


def _corrected(args: dict[str, Any], failed: Executed) -> dict[str, Any] | None:
    """`args` with the value the error says does not exist replaced by its only suggestion."""
    error = failed.error or {}
    suggestions = error.get("suggestions") or []
    message = str(error.get("message") or "")
    if len(suggestions) != 1:
        return None
    named = [k for k, v in args.items() if isinstance(v, str) and f"'{v}'" in message]
    # "No object 'READNE.md' in bucket 'specs'": the misspelt one is the one the suggestion resembles.
    alike = {k: difflib.SequenceMatcher(None, str(args[k]), suggestions[0]).ratio() for k in named}
    wrong = max(alike, key=lambda k: alike[k], default=None)
    return {**args, wrong: suggestions[0]} if wrong is not None and alike[wrong] >= 0.6 else None


def _merged(picked: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Consecutive clauses about one tool are one request ("we're done with x. remove it, contents too")."""
    out: list[tuple[str, list[str]]] = []
    for clause, candidates in picked:
        if out and candidates and out[-1][1] and out[-1][1][0] == candidates[0]:
            out[-1] = (f"{out[-1][0]}. {clause}", out[-1][1])
        else:
            out.append((clause, candidates))
    return out


def plan(task: str, allowed: set[str], memory: ThreadMemory, done: list[Executed]) -> Plan:
    """The steps for `task` with `allowed` tools, given the steps of this visit already `done`."""
    if len(task) > MAX_REQUEST:
        return Plan([], question=too_long(task))
    b = _Builder(done, memory, allowed)
    clauses = clauses_of(task)
    # Wider candidates only for a request that points back ("what's in it?"): the thread decides.
    picked = [(c, choose(c, allowed, SPLIT_SCORE, wide=Said.of(c).refers_back)) for c in clauses]
    picked = _merged(picked) if len(clauses) > 1 else []
    if len({c[0] for _, c in picked if c}) <= 1:  # one tool: the whole request says which more reliably
        said = Said.of(task)
        # "remove that .sql one": singling out what the thread listed is for a tool, whatever it reads like.
        thread_says = not (said.refers_back and singled_out(said, memory))
        picked = [(task, choose(task, allowed, wide=said.refers_back, nobody=thread_says))]
    try:
        for clause, candidates in picked:
            said = Said.of(clause)
            if not candidates:
                continue  # not understood alone
            tool, args = fillable(candidates, said, memory)
            if tool in b.declared:
                continue  # already planned as a declared step
            b.intents.append(tool)
            _step(b, tool, args, said, task)
    except Ask as exc:
        return Plan(b.steps, question=exc.question, quiet=b.quiet, intents=b.intents)
    except _Pending:
        return Plan(b.steps, pending=True, quiet=b.quiet, intents=b.intents)
    if not b.steps:
        return Plan([], question=None, quiet=set())
    return Plan(b.steps, quiet=b.quiet, intents=b.intents)
