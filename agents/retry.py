"""How the graph retries a failed model call, and how that failure is put into words.

Retries live in the graph rather than in the HTTP client so that each one can be shown to the
person while it happens ("answered 429; retrying in 1.2 s (attempt 2 of 3)") instead of a silent
minute. This module stays framework-neutral: deciding whether a given exception is worth another
attempt needs knowledge of the client that raised it (openai, httpx, ...), so the application
supplies that as a classifier and agents/ never imports a model SDK.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryDecision:
    """What to do about one failed model call.

    `reason` is a plain sentence naming the endpoint and what went wrong (never a secret); it is
    shown while retrying and, if the call is given up, as the error. `wait_s` is a wait the server
    asked for (e.g. Retry-After); None leaves the wait to the policy's backoff.
    """

    retry: bool
    reason: str
    wait_s: float | None = None


Classifier = Callable[[BaseException], RetryDecision]


class ModelCallTimeout(TimeoutError):
    """One model call took longer than the policy's bound on a whole request.

    Raised by the graph (not by any client) so a classifier can tell "the whole answer took too
    long" from a client's own connect or read timeout.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


def never_retry(exc: BaseException) -> RetryDecision:
    """The default for models that cannot fail transiently (scripted models, the offline planner)."""
    return RetryDecision(retry=False, reason=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


@dataclass(frozen=True)
class ModelRetry:
    """How many times to try a model call, how long to wait between tries, and how to judge failures.

    Waits grow exponentially from `base_backoff_s` with jitter (so clients that failed together do
    not retry together), capped at `max_backoff_s`. A server-requested wait longer than
    `max_backoff_s` is not honoured by sleeping: the call is given up and the reason says so, since a
    person would rather know now than watch a frozen turn. `request_timeout_s` bounds one whole
    call (None: unbounded, for models that cannot hang).
    """

    attempts: int = 1
    base_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    classify: Classifier = never_retry
    request_timeout_s: float | None = None

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based), before jitter is applied."""
        ceiling = min(self.max_backoff_s, self.base_backoff_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def judge(self, exc: BaseException) -> RetryDecision:
        """The classifier's verdict; a classifier that itself fails must not hide the original error."""
        try:
            return self.classify(exc)
        except Exception:
            return never_retry(exc)


NO_RETRY = ModelRetry()
