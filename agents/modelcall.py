"""Calling the chat model from a graph node: bounded, retried as the policy says, and reported.

Every attempt is reported through LangGraph's custom stream as a `ModelCall` event (duration,
tokens) so the session can count calls and cost; retries and final failures are reported as `Status`
and `ErrorEvent`s, so a slow or failing turn is never silent. A final failure becomes the agent's
reply, in plain words, so the thread stays usable.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.config import get_stream_writer

from agents.events import AssistantMessage, BaseEvent, ErrorEvent, ModelCall, Status
from agents.messages import text_of
from agents.retry import NO_RETRY, ModelCallTimeout, ModelRetry


def emit(event: BaseEvent) -> None:
    """Report `event` to whoever streams this run (the session); the one way graph nodes report.

    Outside a streaming run (e.g. a plain invoke) there is nobody to report to.
    """
    with contextlib.suppress(RuntimeError):
        get_stream_writer()(event)


async def _invoke(model: Any, messages: list[AnyMessage], limit: float | None) -> Any:
    """One model call, bounded as a whole by `limit` seconds when given."""
    if limit is None:
        return await model.ainvoke(messages)
    scope = asyncio.timeout(limit)
    try:
        async with scope:
            return await model.ainvoke(messages)
    except TimeoutError as exc:
        if scope.expired():  # ours, not a timeout the client raised itself
            raise ModelCallTimeout(limit) from exc
        raise


def _gave_up(agent: str, message: str) -> AIMessage:
    """The endpoint failed for good: tell the person in plain words and keep the thread usable."""
    emit(ErrorEvent(where=f"model ({agent})", message=message))
    return AIMessage(
        content=f"I could not get an answer from the model: {message}. Please try again.",
        name=agent,
        id=str(uuid.uuid4()),
    )


async def call_model(model: Any, messages: list[AnyMessage], agent: str, retry: ModelRetry = NO_RETRY) -> AIMessage:
    """Invoke a model, reporting its duration and token usage; retry what `retry` says is worth it.

    Every attempt counts as a model call. Before each retry a `Status` event says what failed and
    how long the wait is, so a person sees why the turn is slow; a final failure becomes text.
    """
    attempt = 0
    while True:
        attempt += 1
        start = time.perf_counter()
        try:
            reply = await _invoke(model, messages, retry.request_timeout_s)
            break
        except Exception as exc:
            ms = (time.perf_counter() - start) * 1000
            emit(ModelCall(agent=agent, ms=ms))
            decision = retry.judge(exc)
            tries = f" (gave up after {attempt} attempts)" if attempt > 1 else ""
            if not decision.retry or attempt >= retry.attempts:
                return _gave_up(agent, decision.reason + tries)
            wait = decision.wait_s if decision.wait_s is not None else retry.backoff(attempt)
            if wait > retry.max_backoff_s:
                return _gave_up(
                    agent, f"{decision.reason}; it asked to wait {wait:.0f} s, longer than swarmops waits{tries}"
                )
            emit(
                Status(
                    source="model",
                    state="retrying",
                    message=f"{decision.reason}; retrying in {wait:.1f} s (attempt {attempt + 1} of {retry.attempts})",
                )
            )
            await asyncio.sleep(wait)
    if attempt > 1:
        emit(
            Status(
                source="model",
                state="recovered",
                message=f"the model answered on attempt {attempt} of {retry.attempts}",
            )
        )
    ms = (time.perf_counter() - start) * 1000
    usage = getattr(reply, "usage_metadata", None) or {}
    emit(
        ModelCall(
            agent=agent,
            ms=ms,
            input_tokens=int(usage.get("input_tokens", 0)),
            output_tokens=int(usage.get("output_tokens", 0)),
        )
    )
    reply = AIMessage(
        content=reply.content,
        tool_calls=reply.tool_calls,
        name=agent,
        id=reply.id or str(uuid.uuid4()),
        usage_metadata=reply.usage_metadata,
        response_metadata=reply.response_metadata,
    )
    if text_of(reply).strip():
        emit(AssistantMessage(agent=agent, text=text_of(reply)))
    return reply
