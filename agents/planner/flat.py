"""The offline planner playing the flat agent: the swarm replayed inside one model call.

The flat graph has no router and no handoffs, but the eval compares it with the swarm on the same
requests, so offline it must make the same tool calls and give the same answers. Rather than a
second planner, it replays the swarm on a *virtual* thread: the real thread with handoffs put
back where the swarm's router would have made them.

For each turn, the offline router picks the next part of the request and a virtual handoff (the
router's tool call and the handoff node's acknowledgement) is appended; that specialist's reply
function then says what it does next. A tool call is matched with the next real tool step of the
turn (the real call and its results are appended) or, when the turn has no more, is the flat
agent's next action. A final text is that specialist's report, and the router is asked again.
When the router ends the turn, the reports (and the router's own words) are the answer.

Earlier turns are replayed the same way, so follow-ups ("what's in it?", "remove that one") see
the handoffs the swarm's router and specialists look back at. Like every offline role this is
stateless: everything is recomputed from the messages on each call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.messages import text_of
from agents.planner import router
from agents.planner.conversation import last_human_index
from agents.toolkit import HANDOFF_PREFIX, handoff_target

#: An offline specialist: (thread, id source) -> its next tool call or its report.
SpecialistReply = Callable[[list[BaseMessage], Callable[[], str]], AIMessage]
#: One real step of a turn: an AI message with tool calls, then the replies to them.
Step = list[BaseMessage]
#: Handoffs replayed per turn at most, as the swarm's default max_handoffs.
MAX_PARTS = 6
#: The name the swarm's router writes its messages under (agents.graph.ROUTER).
ROUTER = "router"


@dataclass(frozen=True)
class Cast:
    """The specialists the flat agent stands in for.

    `available` lists them in the order their tools were bound (the swarm's roster order);
    `owners` maps a tool name to the specialist that owns it, for steps the replay cannot place.
    """

    replies: Mapping[str, SpecialistReply]
    owners: Mapping[str, str]
    available: list[str]


@dataclass
class TurnReplay:
    """What replaying one turn gave: the reports so far, and the next action if the turn goes on."""

    answers: list[str] = field(default_factory=list)
    next_call: AIMessage | None = None
    #: Real steps the replay consumed; the rest did not fit its plan.
    used: int = 0


def reply(messages: list[BaseMessage], cast: Cast, new_id: Callable[[], str]) -> AIMessage:
    """The flat agent's next message: the next tool call of the replayed swarm, or its answer."""
    last = last_human_index(messages)
    if last < 0:
        return router.route(list(messages), cast.available, new_id)
    virtual = [*virtual_history(messages[:last], cast, new_id), messages[last]]
    turn = replay_turn(virtual, steps_of(messages[last + 1 :]), cast, new_id)
    if turn.next_call is not None:
        return turn.next_call
    return AIMessage(content="\n\n".join(turn.answers))


def virtual_history(messages: Sequence[BaseMessage], cast: Cast, new_id: Callable[[], str]) -> list[BaseMessage]:
    """Earlier turns as the swarm would have written them: each replayed, handoffs included.

    A turn that already holds handoffs (the thread ran as a swarm then) is kept as it is; real
    steps the replay could not place (another model drove that turn) go under a virtual handoff to
    the specialist owning their tools, so the thread memory still sees every call.
    """
    humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
    virtual: list[BaseMessage] = list(messages[: humans[0]] if humans else messages)
    for k, start in enumerate(humans):
        end = humans[k + 1] if k + 1 < len(humans) else len(messages)
        turn = list(messages[start:end])
        virtual.append(turn[0])
        if any(handoff_target(c["name"]) for m in turn if isinstance(m, AIMessage) for c in m.tool_calls):
            virtual.extend(turn[1:])
            continue
        steps = steps_of(turn[1:])
        done = replay_turn(virtual, steps, cast, new_id)
        virtual.extend(_placed(steps[done.used :], text_of(turn[0]), cast, new_id))
    return virtual


def replay_turn(virtual: list[BaseMessage], steps: list[Step], cast: Cast, new_id: Callable[[], str]) -> TurnReplay:
    """Run the offline swarm over `virtual` (which ends with the turn's request), appending to it.

    Stops at the first tool call the real steps do not cover (`next_call`), or when the router
    ends the turn (`answers` holds every report, then the router's text if it has one).
    """
    out = TurnReplay()
    for _ in range(MAX_PARTS):
        routed = router.route(virtual, cast.available, new_id)
        target = handoff_target(routed.tool_calls[0]["name"]) if routed.tool_calls else None
        if target is None or target not in cast.replies:
            out.answers += [text] if (text := text_of(routed).strip()) else []
            return out
        call = routed.tool_calls[0]
        virtual += _handoff(target, str(call["args"].get("task", "")), call["id"])
        if not _visit(virtual, steps, cast.replies[target], target, out, new_id):
            return out
    return out


def _visit(
    virtual: list[BaseMessage],
    steps: list[Step],
    specialist: SpecialistReply,
    name: str,
    out: TurnReplay,
    new_id: Callable[[], str],
) -> bool:
    """One specialist's visit: feed it the real steps it asks for. False when it wants one more
    than the turn holds (that call is the flat agent's next action)."""
    while True:
        said = specialist(virtual, new_id)
        if not said.tool_calls:
            virtual.append(AIMessage(content=said.content, name=name))
            out.answers += [text] if (text := text_of(said).strip()) else []
            return True
        if out.used == len(steps):
            out.next_call = said
            return False
        # The planner is deterministic, so the real step is the call it asks for; one made by another
        # model is taken as it is, since the specialists count steps by position.
        virtual += steps[out.used]
        out.used += 1


def steps_of(messages: Sequence[BaseMessage]) -> list[Step]:
    """The real tool steps of a turn, each an AI message with its tool replies (final texts dropped)."""
    steps: list[Step] = []
    for msg in messages:
        if isinstance(msg, AIMessage) and msg.tool_calls:
            steps.append([msg])
        elif isinstance(msg, ToolMessage) and steps:
            steps[-1].append(msg)
    return steps


def _handoff(target: str, task: str, call_id: str) -> list[BaseMessage]:
    """A handoff as the swarm's router and handoff node write it."""
    return [
        AIMessage(
            content="",
            name=ROUTER,
            tool_calls=[{"name": f"{HANDOFF_PREFIX}{target}", "args": {"task": task}, "id": call_id}],
        ),
        ToolMessage(
            content=f"Transferred to {target}. Task: {task}", tool_call_id=call_id, name=HANDOFF_PREFIX + target
        ),
    ]


def _placed(steps: list[Step], request: str, cast: Cast, new_id: Callable[[], str]) -> list[BaseMessage]:
    """Steps the replay did not place, under a virtual handoff to their owner at each change of owner."""
    out: list[BaseMessage] = []
    current: str | None = None
    for step in steps:
        first = step[0]
        assert isinstance(first, AIMessage)
        owner = cast.owners.get(first.tool_calls[0]["name"])
        if owner is not None and owner != current:
            out += _handoff(owner, request, new_id())
            current = owner
        out += step
    return out
