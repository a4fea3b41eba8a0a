"""A person's answer to "approve this change?": read the same way on every surface, shown as events,
and applied once.

A pending approval can be answered by a button, a y/n prompt, or a message typed into the thread
later (after a restart, say). All of them go through `verdict`, so "yes" never rejects a change on
one surface while approving it on another, and anything that is not clearly an answer is asked
again instead of being guessed. A decision is claimed in the thread store before the graph resumes
(`claimed`), so a change that two processes are told about runs once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from langgraph.types import Command

from agents.events import ApprovalRequest, ApprovalResult, AssistantMessage, AssistantText, Event
from swarmops.threads import StateStoreError
from tools.gate import Decision, Identity, PendingChange
from tools.masking import Masker

if TYPE_CHECKING:
    from swarmops.conversations import Threads
    from swarmops.turn import Turn

APPROVE_WORDS = frozenset(
    {"y", "yes", "yeah", "yep", "ok", "okay", "sure", "approve", "approved", "confirm", "go ahead", "do it"}
)
REJECT_WORDS = frozenset({"n", "no", "nope", "reject", "rejected", "deny", "cancel", "don't", "do not", "stop"})
_NOISE = re.compile(r"[\s.!,;:]+")

ASK_AGAIN = "Please answer yes (approve) or no (reject)."


def verdict(text: str) -> bool | None:
    """True for an approval, False for a rejection, None when `text` is not clearly either.

    Only a whole answer counts ("yes", "No.", "approve"): "yes, and also delete x" is a new request
    mixed with an answer, and guessing would risk running a change nobody approved.
    """
    answer = _NOISE.sub(" ", text.strip().lower()).strip()
    if answer in APPROVE_WORDS:
        return True
    if answer in REJECT_WORDS:
        return False
    return None


def request_for(
    masker: Masker, change: PendingChange, answer: bool | None = None, *, asked_before: bool = False
) -> ApprovalRequest:
    """The approval request for a change waiting in the graph, already answered when `answer` is not None."""
    request = ApprovalRequest.model_validate({**masker.data(change.model_dump()), "asked_before": asked_before})
    if answer is True:
        request.approve()
    elif answer is False:
        request.reject()
    return request


def still_waiting(request: ApprovalRequest, turn: Turn) -> list[Event]:
    """A reply to text that did not answer a pending change: it stays pending, and how to answer."""
    text = (
        f"This change is still waiting for your answer: {request.preview} "
        "Reply yes to approve it or no to reject it; nothing changes until you do."
    )
    turn.final_text = text
    return [AssistantText(agent=request.agent, delta=text), AssistantMessage(agent=request.agent, text=text)]


def answered(decision: Decision, caller: Identity) -> Decision:
    """`decision` with who answered it: as given, or whoever the turn is streamed for."""
    return decision if decision.by is not None else decision.model_copy(update={"by": caller})


def claimed(threads: Threads, thread_id: str, interrupt_id: str, decision: Decision) -> Command:
    """The graph's resume with this decision, once this process has claimed it: a change left waiting
    may be answered from two places (a Slack click on each of two replicas), and runs once."""
    if not threads.claim(thread_id, interrupt_id):
        raise StateStoreError(
            "This change was already decided (from another window or swarmops process); it was not run "
            "again. Its outcome is in the thread."
        )
    return Command(resume={interrupt_id: decision.model_dump(mode="json")})


def approval_result(change: PendingChange, decision: Decision) -> ApprovalResult:
    return ApprovalResult(
        call_id=change.call_id, tool=change.tool, approved=decision.approved, reason=decision.reason, by=decision.by
    )
