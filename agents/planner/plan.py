"""The plan shape every offline specialist returns, so the specialists' replies can share one loop.

Kept apart from any one specialist's intent rules: storage, pipelines and docs planners all emit
`Step`s, and the code that executes a plan step by step should not import a specialist to get them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Plan", "Step"]


@dataclass
class Step:
    tool: str
    args: dict[str, Any]
    #: This step retries the failed one before it with the error's own suggestion ("iirs" -> "iris"):
    #: the only failure a plan goes on after.
    retry: bool = False


@dataclass
class Plan:
    """Steps to run in order; `question` is set when a required argument is missing.

    With a question, `steps` holds only the steps before the gap, so a caller can run them and ask,
    or ask first; it never holds a step with a guessed argument.
    """

    steps: list[Step] = field(default_factory=list)
    question: str | None = None
    #: More steps follow once results of these exist (e.g. a wait after the submit): the last step
    #: listed is not known to be the last.
    pending: bool = False
    #: Indices of preparatory steps (a get_pipeline before the submit): not repeated to the user.
    quiet: set[int] = field(default_factory=set)
    #: The tools the request was understood to ask for, in order (declared steps aside).
    intents: list[str] = field(default_factory=list)
