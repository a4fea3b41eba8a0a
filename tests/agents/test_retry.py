"""The graph's model-retry policy, driven by scripted models (no SDK, no network)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult

from agents.retry import ModelCallTimeout, ModelRetry, RetryDecision
from agents.scripted import ScriptedChatModel, say
from agents.storage import storage_specialist
from tests.helpers import assistant_for, of_type, run_turn, storage_ctx


def _down(messages: object) -> AIMessage:
    raise ConnectionError("endpoint restarting")


def _transient(exc: BaseException) -> RetryDecision:
    return RetryDecision(isinstance(exc, ConnectionError), f"the test endpoint failed ({exc})")


FAST = ModelRetry(attempts=3, base_backoff_s=0.01, max_backoff_s=0.05, classify=_transient)


async def _events(tmp_path: Path, model: Any, retry: ModelRetry) -> list[Any]:
    specialists = [storage_specialist(storage_ctx("127.0.0.1:9", tmp_path))]
    async with assistant_for(tmp_path, model, specialists, model_retry=retry) as assistant:
        return await run_turn(assistant, "t", "hi")


async def test_transient_failures_are_retried_and_each_retry_is_reported(tmp_path: Path) -> None:
    model = ScriptedChatModel(script=[_down, _down, say("Hello.")])
    events = await _events(tmp_path, model, FAST)
    statuses = of_type(events, "status")
    assert [s.state for s in statuses] == ["retrying", "retrying", "recovered"]
    assert statuses[0].message.startswith("the test endpoint failed (endpoint restarting); retrying in 0.0")
    assert statuses[0].message.endswith("(attempt 2 of 3)") and statuses[1].message.endswith("(attempt 3 of 3)")
    done = events[-1]
    assert done.final_text == "Hello." and done.error is None and done.llm_calls == 3


async def test_the_last_attempt_failing_ends_in_one_worded_error(tmp_path: Path) -> None:
    model = ScriptedChatModel(script=[_down, _down, _down, say("never reached")])
    events = await _events(tmp_path, model, FAST)
    [error] = of_type(events, "error")
    assert error.where == "model (router)"
    assert error.message == "the test endpoint failed (endpoint restarting) (gave up after 3 attempts)"
    assert events[-1].error == error.message


async def test_failures_the_classifier_rejects_are_not_retried(tmp_path: Path) -> None:
    def bad_request(messages: object) -> AIMessage:
        raise ValueError("bad request")

    model = ScriptedChatModel(script=[bad_request, say("never reached")])
    events = await _events(tmp_path, model, FAST)
    assert not of_type(events, "status") and len(model.calls) == 0  # the failing entry records no call
    assert of_type(events, "error")[0].message == "the test endpoint failed (bad request)"


async def test_a_broken_classifier_does_not_hide_the_error(tmp_path: Path) -> None:
    def broken(exc: BaseException) -> RetryDecision:
        raise RuntimeError("classifier bug")

    model = ScriptedChatModel(script=[_down, say("never reached")])
    events = await _events(tmp_path, model, ModelRetry(attempts=3, classify=broken))
    assert of_type(events, "error")[0].message == "ConnectionError: endpoint restarting"


async def test_a_server_asked_wait_beyond_the_cap_gives_up_at_once(tmp_path: Path) -> None:
    def throttled(exc: BaseException) -> RetryDecision:
        return RetryDecision(True, "the test endpoint answered 429", wait_s=600)

    model = ScriptedChatModel(script=[_down, say("never reached")])
    events = await _events(tmp_path, model, ModelRetry(attempts=3, max_backoff_s=30, classify=throttled))
    assert not of_type(events, "status")
    assert "asked to wait 600 s, longer than swarmops waits" in of_type(events, "error")[0].message


class _SlowModel(ScriptedChatModel):
    """Takes `delay` seconds to answer, without blocking the event loop."""

    delay: float = 5.0

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        await asyncio.sleep(self.delay)
        return self._generate(messages, stop)


async def test_a_whole_call_is_bounded_by_the_request_timeout(tmp_path: Path) -> None:
    seen: list[BaseException] = []

    def record(exc: BaseException) -> RetryDecision:
        seen.append(exc)
        return RetryDecision(False, f"too slow: {exc}")

    model = _SlowModel(script=[say("late")], delay=5.0)
    events = await asyncio.wait_for(
        _events(tmp_path, model, ModelRetry(attempts=3, classify=record, request_timeout_s=0.2)), 4
    )
    assert len(seen) == 1 and isinstance(seen[0], ModelCallTimeout) and seen[0].seconds == 0.2
    assert of_type(events, "error")[0].message == "too slow: no complete answer within 0.2 s"


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = ModelRetry(attempts=5, base_backoff_s=1.0, max_backoff_s=4.0)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 4.0)):
        waits = [policy.backoff(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1  # jittered, so clients that failed together do not retry together
