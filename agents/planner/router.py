"""The offline router: split a request into parts and hand each to the specialist that owns it.

Parts are clauses of the request ("upload x to b and then validate it with the pipeline"); a
clause that names no domain of its own ("and tell me its accuracy") stays with the part before
it. Consecutive clauses for one specialist travel together as one task.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.fastroute import clauses_of
from agents.planner.catalog import NOBODY, intents, owner_of
from agents.planner.conversation import (
    executed_between,
    handoffs_this_turn,
    is_first_turn,
    last_human_index,
    request_text,
)
from agents.planner.memory import ThreadMemory, remember
from agents.planner.outputs import run_first
from agents.planner.planning import MAX_REQUEST, MIN_SCORE, choose, fillable, too_long
from agents.planner.said import Said
from agents.planner.specialist import owned
from agents.planner.storage import METRICS
from agents.text import CONTINUES
from agents.toolkit import ROUTER_TARGET, handoff_target

OFFLINE_NOTE = (
    "(Running offline: no model endpoint is configured, so I follow a fixed planner. Set "
    "OPENAI_API_KEY or OPENAI_BASE_URL for full language understanding.)"
)

#: Questions about how to do something are for the docs even when they name buckets or runs.
_STRONG_HOWTO = re.compile(
    r"^\s*(?:(?:hey|hi|ok|so|please|pls)[\s,]+)*(?:how\s+(?:do|can|should|would)\s+(?:i|we|you)\b|how\s+to\b|"
    r"what\s+does\s+\S+.*\bdo\b|why\s+(?:does|do|is|would)\b|explain\b|is\s+it\s+possible\b|"
    r"what(?:'s| is) the difference\b|in the (?:docs|documentation)\b|according to the (?:docs|documentation)\b)",
    re.I,
)

EXAMPLES = {
    "storage": [
        "list my buckets",
        "create a bucket called demo-data",
        "upload README.md to demo-data",
        "what is in demo-data?",
        "show me the first rows of s3://raw-data/train.csv",
    ],
    "docs": ["how do I turn off caching for a KFP task?", "what does presigned_get_object do?"],
    "pipelines": [
        "run the iris pipeline with 50 trees and tell me its accuracy",
        "list my runs",
        "compare my last two iris runs",
        "why did my last run fail?",
    ],
}
_WAIT = re.compile(r"\b(wait|until|finish|finished|done|complete)\b", re.I)
_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|side by side|differ|differences?|diff)\b", re.I)

GREETING = re.compile(r"^\s*(hi|hello|hey|help|what can you do|who are you|thanks|thank you)\b", re.I)
#: Words that point back at something said earlier ("what's in it?", "and that one?").
_FOLLOW_UP = re.compile(r"\b(it|its|that|this|them|those|there|same|again|one)\b|^\s*(and|also|what about)\b", re.I)


def continues(text: str, available: list[str]) -> bool:
    """ "and for a whole run rather than one step?": a follow-up for whoever answered last, unless
    it is clearly some specialist's request of its own."""
    return CONTINUES.search(text) is not None and not _confident(text, available)


def _confident(text: str, available: list[str]) -> bool:
    """Some specialist's tool is a confident reading of `text` on its own (a margin above 0)."""
    allowed = {t for t in _all_tools() if owner_of(t) in available}
    ranked = intents().rank(text, allowed)
    return bool(ranked) and ranked[0].tool != NOBODY and ranked[0].score >= 0


def previous_specialist(messages: list[BaseMessage]) -> str | None:
    """The specialist that handled the most recent earlier turn, for follow-up questions."""
    for msg in reversed(messages[: last_human_index(messages)]):
        if isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                if target := handoff_target(call["name"]):
                    return target
    return None


#: The nearest-example score a clause of a multi-part request needs to be a part of its own.
SPLIT_SCORE = -0.2

#: A clause that starts by running something is a pipelines request even if it names a file.
_RUN_VERB = re.compile(
    r"^\s*(?:please\s+|can you\s+|could you\s+)?(?:re-?run|run|train|kick off|launch|start|submit|"
    r"execute|validate)\b",
    re.I,
)


def _owner(clause: str, available: list[str], memory: ThreadMemory, floor: float = MIN_SCORE) -> str | None:
    """The specialist owning the tool nearest to `clause`, or None when nobody's is near enough.
    Near-ties go to the tool the request can fill, with the thread's memory ("get rid of it")."""
    if "docs" in available and (_STRONG_HOWTO.search(clause) or _DOCS_REF.search(clause)):
        return "docs"
    allowed = {t for t in _all_tools() if owner_of(t) in available}
    candidates = choose(clause, allowed, floor, wide=False)
    return owner_of(fillable(candidates, Said.of(clause), memory)[0]) if candidates else None


def _all_tools() -> list[str]:
    from agents.planner.catalog import tools

    return list(tools())


#: "... according to the docs", "what do the docs say about ...": the user asks the documentation.
_DOCS_REF = re.compile(
    r"\b(?:according to|in|from|per) (?:the |our )?(?:docs|documentation|handbook|knowledge base)\b|"
    r"\bwhat do(?:es)? (?:the |our )?(?:docs|documentation|handbook) say\b",
    re.I,
)


def _about_the_last_part(clause: str, available: list[str]) -> bool:
    """A clause naming nothing of its own (no file, URI or name), and pointing back ("plot it"), asking
    for a score, or no clear request of its own."""
    said = Said.of(clause)
    named = said.uris or said.paths or said.identifiers or _DOMAIN.search(clause)
    # "... and tell me what the accuracy figure is": a score of whatever the part before is about.
    own = not said.refers_back and not METRICS.search(clause) and _confident(clause, available)
    return not named and not _STRONG_HOWTO.search(clause) and not own


#: Words that point at a specialist's own things: a clause saying one is not "about the last part".
_DOMAIN = re.compile(
    r"\b(buckets?|objects?|files?|folders?|runs?|pipelines?|experiments?|steps?|tasks?|logs?|versions?|docs|"
    r"documentation|knowledge base|kubeflow|kfp|minio|s3)\b",
    re.I,
)


def split_by_specialist(
    request: str, available: list[str], memory: ThreadMemory | None = None
) -> list[tuple[str, str]]:
    """[(specialist, task)] in the order the user asked; `memory` is what the thread has in play."""
    memory = memory or ThreadMemory()
    if len(request) > MAX_REQUEST:
        return []  # a paste: route() asks what to do with it
    groups: list[tuple[str, list[str]]] = []
    leading: list[str] = []  # clauses before any owner is known join the first part
    clauses = clauses_of(request)
    for clause in clauses:
        # One clause of several must be clearly someone's to make a part of its own.
        owner = _owner(clause, available, memory, MIN_SCORE if len(clauses) == 1 else SPLIT_SCORE)
        if owner is not None and groups and owner != groups[-1][0] and _about_the_last_part(clause, available):
            owner = None  # "what does x.json look like? what batch size is set?": the same thing, asked on
        if owner is None:
            if groups:
                groups[-1][1].append(clause)
            else:
                leading.append(clause)
            continue
        if groups and groups[-1][0] == owner:
            groups[-1][1].append(clause)
        else:
            groups.append((owner, [*leading, clause]))
            leading = []
    if len(groups) <= 1:
        # One specialist (or none clearly): the request as a whole says which more reliably.
        owner = _owner(request, available, memory)
        groups = [(owner, [request])] if owner else []
    parts = [(owner, " and ".join(clauses)) for owner, clauses in groups]
    return _metrics_across_agents(run_first(parts, available, memory), available)


def _metrics_across_agents(parts: list[tuple[str, str]], available: list[str]) -> list[tuple[str, str]]:
    """ "Run X and tell me its accuracy": the run is the pipelines agent's, but its metrics artifact
    is read from the object store by the storage agent, after the pipelines agent waited for it."""
    if "storage" not in available:
        return parts
    out: list[tuple[str, str]] = []
    for owner, task in parts:
        if owner != "pipelines" or _COMPARE.search(task):
            out.append((owner, task))
            continue
        clauses = clauses_of(task)
        asks = [c for c in clauses if METRICS.search(c)]
        action = " and ".join(c for c in clauses if c not in asks) or task
        if not asks or not _about_one_run(action, task):
            out.append((owner, task))
            continue
        if not _WAIT.search(action):
            action += " and wait for it to finish"
        out += [(owner, action), ("storage", " and ".join(asks))]
    return out


#: The tools whose request may ask for the run's scores, which only its metrics artifact holds; the
#: others ("plot the accuracy of every run", "the confusion matrix") report scores themselves.
_ONE_RUN = frozenset({"submit_run", "wait_for_run", "get_run"})


def _about_one_run(*readings: str) -> bool:
    """The first reading with a tool ("plot it" alone has none; the whole request does) is about one run."""
    candidates = next((c for text in readings if (c := choose(text, owned("pipelines"), wide=False))), [])
    return not candidates or candidates[0] in _ONE_RUN


def capabilities(available: list[str]) -> str:
    lines = ["I can help with:"]
    for name in available:
        ex = EXAMPLES.get(name, [])
        lines.append(f"  • {name}: e.g. " + "; ".join(f'"{e}"' for e in ex[:3]))
    return "\n".join(lines)


def route(messages: list[BaseMessage], available: list[str], new_id: Callable[[], str]) -> AIMessage:
    request = request_text(messages)
    done = handoffs_this_turn(messages)
    if done and done[-1][0] == ROUTER_TARGET:  # handed back: a specialist could not take it; start over
        done = []
    prev = previous_specialist(messages)
    if prev in available and continues(request, available):
        parts = [(prev, request)]  # "and for a whole run?": the same conversation, the same specialist
    else:
        parts = split_by_specialist(request, available, remember(executed_between(messages, 0, len(messages))))
    if not parts and _FOLLOW_UP.search(request) and prev in available:
        parts = [(prev, request)]
    if len(done) < len(parts):
        target, task = parts[len(done)]
        args: dict[str, object] = {"task": task}
        if not done and len(parts) > 1:  # the whole plan at once: the graph runs the rest without asking again
            args["then"] = [{"specialist": s, "task": t} for s, t in parts[1:]]
        return AIMessage(content="", tool_calls=[{"name": f"transfer_to_{target}", "args": args, "id": new_id()}])
    note = f"\n\n{OFFLINE_NOTE}" if is_first_turn(messages) else ""
    if done:
        # The specialists' reports are the answer; only add the offline note on a first turn.
        return AIMessage(content=note.strip())
    if len(request) > MAX_REQUEST:
        return AIMessage(content=f"{too_long(request)}{note}")
    if GREETING.search(request):
        return AIMessage(content=f"Hello! {capabilities(available)}{note}")
    quoted = request.strip()[:200] + ("…" if len(request.strip()) > 200 else "")
    unsure = f"I'm not sure what you'd like me to do with \"{quoted}\"."
    return AIMessage(content=f"{unsure} {capabilities(available)}{note}")
