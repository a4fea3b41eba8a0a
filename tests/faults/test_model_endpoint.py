"""Fault suite: a model endpoint that hangs, throttles, refuses or rejects.

Each test drives a real turn through langchain-openai and the openai SDK against a scripted
OpenAI-compatible server on loopback (tests/plugins/openai_stub.py), with the retry policy that
`swarmops.model` derives from the settings, exactly as `Assistant.open` wires it.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from agents.storage import storage_specialist
from swarmops.events import Event
from swarmops.model import make_chat_model, model_retry_policy
from swarmops.settings import Settings
from tests.helpers import assistant_for, of_type, run_turn, storage_ctx
from tests.plugins.openai_stub import OpenAIStub
from tests.plugins.silent_server import closed_port
from tests.swarmops.test_cli import empty_config, swarmops

KEY = "sk-fault-suite-key-0123456789"
#: Generous: the promises are "seconds, not minutes", not exact figures.
SECONDS_NOT_MINUTES = 15


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, **env: str) -> Settings:
    monkeypatch.setenv("SWARMOPS_CONFIG", empty_config(tmp_path))
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("SWARMOPS_MODEL", "stub-model")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


async def _turn(settings: Settings, tmp_path: Path, text: str = "hello") -> tuple[list[Event], float]:
    """One turn against the configured endpoint; the storage tools are never reached."""
    specialists = [storage_specialist(storage_ctx("127.0.0.1:9", tmp_path))]
    model = make_chat_model(settings)
    async with assistant_for(
        tmp_path, model, specialists, secrets=settings.secret_values(), model_retry=model_retry_policy(settings)
    ) as assistant:
        start = time.monotonic()
        events = await asyncio.wait_for(run_turn(assistant, "t", text), 60)
        return events, time.monotonic() - start


def _no_key(events: list[Event]) -> bool:
    return KEY not in "".join(e.to_json() for e in events)


async def test_hung_endpoint_fails_within_the_first_token_timeout(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: a model endpoint that accepts the request and never answers ends the turn with an
    error within seconds (the first-token timeout), is not asked again, and the error names the
    endpoint and the setting to raise."""
    openai_stub.hang()
    settings = _settings(monkeypatch, tmp_path, openai_stub.url, SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT="2")
    events, took = await _turn(settings, tmp_path)
    assert took < SECONDS_NOT_MINUTES
    assert len(openai_stub.requests) == 1  # a hung server stays hung: no retry
    [error] = of_type(events, "error")
    assert openai_stub.url in error.message and "sent nothing for 2 s" in error.message
    assert "SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT" in error.message
    assert not of_type(events, "status")
    done = events[-1]
    assert done.type == "turn_done" and done.error == error.message
    assert _no_key(events)


async def test_a_whole_request_is_bounded_by_llm_timeout(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: one model request never outlives SWARMOPS_LLM_TIMEOUT, even when the first-token
    timeout is longer, and the error says which setting bounded it."""
    openai_stub.hang()
    settings = _settings(
        monkeypatch, tmp_path, openai_stub.url, SWARMOPS_LLM_TIMEOUT="1", SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT="30"
    )
    events, took = await _turn(settings, tmp_path)
    assert took < 10
    [error] = of_type(events, "error")
    assert "did not finish its answer within 1 s" in error.message and "SWARMOPS_LLM_TIMEOUT" in error.message
    assert len(openai_stub.requests) == 1


async def test_429_is_retried_after_retry_after_and_each_retry_is_shown(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: a model endpoint that answers 429 Too Many Requests is asked again after the wait it
    names in Retry-After; each retry is shown (endpoint, status, wait, attempt) before it happens,
    and the turn then ends well."""
    openai_stub.fail(429, retry_after=1, times=2)
    openai_stub.say("Hi there.")
    settings = _settings(monkeypatch, tmp_path, openai_stub.url)
    events, took = await _turn(settings, tmp_path)
    statuses = of_type(events, "status")
    assert [(s.source, s.state) for s in statuses] == [
        ("model", "retrying"),
        ("model", "retrying"),
        ("model", "recovered"),
    ]
    assert [s.message for s in statuses[:2]] == [
        f"model endpoint {openai_stub.url} answered 429 Too Many Requests; retrying in 1.0 s (attempt {n} of 3)"
        for n in (2, 3)
    ]
    waits = [b - a for a, b in zip(openai_stub.arrived, openai_stub.arrived[1:], strict=False)]
    assert len(waits) == 2 and all(w >= 0.9 for w in waits)  # Retry-After was honoured
    assert events.index(statuses[1]) < events.index(of_type(events, "text")[0])  # shown before the answer
    done = events[-1]
    assert done.final_text == "Hi there." and done.error is None and not of_type(events, "error")
    assert done.llm_calls == 3
    assert _no_key(events)


async def test_503_without_retry_after_backs_off_and_recovers(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: a 5xx from the model endpoint is retried after a backoff (about a second, with
    jitter) even when the server names no wait."""
    openai_stub.fail(503)
    openai_stub.say("Back again.")
    settings = _settings(monkeypatch, tmp_path, openai_stub.url)
    events, _ = await _turn(settings, tmp_path)
    [retrying, recovered] = of_type(events, "status")
    assert "503 Service Unavailable" in retrying.message and "(attempt 2 of 3)" in retrying.message
    assert recovered.state == "recovered"
    assert openai_stub.arrived[1] - openai_stub.arrived[0] >= 0.45  # base 1 s, jitter down to half
    assert events[-1].final_text == "Back again." and events[-1].error is None


async def test_rejected_key_is_not_retried_and_is_worded(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: a 401 is not retried (it cannot heal by waiting) and reads as 'the endpoint rejected
    the API key', naming the endpoint but never the key."""
    openai_stub.fail(401, message=f"Incorrect API key provided: {KEY}")
    settings = _settings(monkeypatch, tmp_path, openai_stub.url)
    events, _ = await _turn(settings, tmp_path)
    assert len(openai_stub.requests) == 1 and not of_type(events, "status")
    [error] = of_type(events, "error")
    assert f"model endpoint {openai_stub.url} rejected the API key" in error.message
    assert "OPENAI_API_KEY" in error.message
    assert _no_key(events)


async def test_a_retry_after_longer_than_we_wait_is_reported_at_once(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Promise: when the endpoint asks for a wait longer than swarmops is willing to sit through,
    the person hears so at once instead of watching a frozen turn."""
    openai_stub.fail(429, retry_after=120)
    settings = _settings(monkeypatch, tmp_path, openai_stub.url)
    events, took = await _turn(settings, tmp_path)
    assert took < 10 and len(openai_stub.requests) == 1
    [error] = of_type(events, "error")
    assert "429 Too Many Requests" in error.message and "asked to wait 120 s" in error.message


async def test_refused_connection_is_retried_then_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Promise: a model endpoint that refuses connections (e.g. restarting) is retried with backoff,
    each retry shown; if it stays down the error says 'connection refused' and names the endpoint."""
    url = f"http://127.0.0.1:{closed_port()}/v1"
    settings = _settings(monkeypatch, tmp_path, url)
    events, took = await _turn(settings, tmp_path)
    assert took < SECONDS_NOT_MINUTES
    retrying = of_type(events, "status")
    assert len(retrying) == 2 and all("connection refused" in s.message for s in retrying)
    [error] = of_type(events, "error")
    assert error.message == f"cannot connect to model endpoint {url} (connection refused) (gave up after 3 attempts)"
    assert events[-1].error == error.message


def test_ask_exits_1_and_names_the_hung_endpoint(openai_stub: OpenAIStub, tmp_path: Path) -> None:
    """Promise: `swarmops ask` against a hung model endpoint prints the error in words, naming the
    endpoint, within seconds, and exits 1 (not 0) so scripts notice."""
    openai_stub.hang()
    start = time.monotonic()
    out = swarmops(
        ["ask", "hello"],
        tmp_path,
        "127.0.0.1:9",
        OPENAI_BASE_URL=openai_stub.url,
        OPENAI_API_KEY=KEY,
        SWARMOPS_MODEL="stub-model",
        SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT="2",
    )
    assert time.monotonic() - start < 30  # includes starting Python
    assert out.returncode == 1, out.stdout + out.stderr
    assert openai_stub.url in out.stdout and "sent nothing for 2 s" in out.stdout
    assert "Traceback" not in out.stderr and KEY not in out.stdout + out.stderr


def test_ask_shows_the_retry_and_exits_0_when_it_recovers(openai_stub: OpenAIStub, tmp_path: Path) -> None:
    """Promise: in `swarmops ask`, a throttled call is visibly retried ('retrying in 1.0 s') and a
    turn that recovers exits 0."""
    openai_stub.fail(429, retry_after=1)
    openai_stub.say("Recovered fine.")
    out = swarmops(
        ["ask", "hello"],
        tmp_path,
        "127.0.0.1:9",
        OPENAI_BASE_URL=openai_stub.url,
        OPENAI_API_KEY=KEY,
        SWARMOPS_MODEL="stub-model",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "429 Too Many Requests; retrying in 1.0 s (attempt 2 of 3)" in out.stdout
    assert "Recovered fine." in out.stdout
