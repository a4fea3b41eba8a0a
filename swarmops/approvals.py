"""Reading a person's answer to "approve this change?" the same way on every surface.

A pending approval can be answered by a button, a y/n prompt, or a message typed into the thread
later (after a restart, say). All of them go through `verdict`, so "yes" never rejects a change on
one surface while approving it on another, and anything that is not clearly an answer is asked
again instead of being guessed.
"""

from __future__ import annotations

import re

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
