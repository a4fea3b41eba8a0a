"""How swarmops.model judges and words an OpenAI-compatible endpoint's failures (unit level).

The end-to-end behaviour (real SDK, loopback server) is in tests/faults/test_model_endpoint.py;
these pin the pieces that are awkward to provoke over HTTP.
"""

from __future__ import annotations

import email.utils
import time

import httpx
import openai
import pytest

from agents.retry import ModelCallTimeout
from swarmops.model import ModelFailures, _retry_after, endpoint_label, model_retry_policy
from swarmops.settings import Settings

FAILURES = ModelFailures("http://llm.local/v1", model="m", connect_timeout=5, first_token_timeout=30)
REQUEST = httpx.Request("POST", "http://llm.local/v1/chat/completions")


def _status(code: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx.Response(code, headers=headers or {}, request=REQUEST)
    return openai.APIStatusError("x", response=response, body={"message": "said the server"})


def test_the_endpoint_label_never_carries_credentials() -> None:
    assert endpoint_label("https://user:pw@llm.local:8443/v1/?api-key=abc") == "https://llm.local:8443/v1"
    assert endpoint_label(None) == "https://api.openai.com/v1"


def test_retry_after_in_seconds_milliseconds_or_as_a_date() -> None:
    assert _retry_after(httpx.Headers({"retry-after": "3"})) == 3.0
    assert _retry_after(httpx.Headers({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 <= (_retry_after(httpx.Headers({"retry-after": later})) or 0) <= 21
    assert _retry_after(httpx.Headers({"retry-after": "soon"})) is None
    assert _retry_after(httpx.Headers({})) is None


@pytest.mark.parametrize(
    ("code", "retry", "words"),
    [
        (429, True, "answered 429 Too Many Requests"),
        (500, True, "answered 500 Internal Server Error"),
        (502, True, "answered 502 Bad Gateway"),
        (504, True, "answered 504 Gateway Timeout"),
        (400, False, "rejected the request (HTTP 400 Bad Request): said the server"),
        (401, False, "rejected the API key (HTTP 401 Unauthorized): check OPENAI_API_KEY"),
        (403, False, "refused access (HTTP 403 Forbidden)"),
        (404, False, "has no model m or no chat API at this URL"),
    ],
)
def test_status_answers(code: int, retry: bool, words: str) -> None:
    decision = FAILURES(_status(code))
    assert decision.retry is retry
    assert decision.reason.startswith("model endpoint http://llm.local/v1") and words in decision.reason


def test_429_carries_the_servers_wait() -> None:
    assert FAILURES(_status(429, {"retry-after": "7"})).wait_s == 7.0
    assert FAILURES(_status(503, {"retry-after": "7"})).wait_s is None  # only 429 is asked to wait


def test_timeouts_are_not_retried_and_name_the_setting() -> None:
    connect = openai.APITimeoutError(REQUEST)
    connect.__cause__ = httpx.ConnectTimeout("timed out", request=REQUEST)
    read = openai.APITimeoutError(REQUEST)
    read.__cause__ = httpx.ReadTimeout("timed out", request=REQUEST)
    stalled = httpx.ReadTimeout("timed out", request=REQUEST)  # raised while the answer streamed
    whole = ModelCallTimeout(60)
    verdicts = {name: FAILURES(exc) for name, exc in [("c", connect), ("r", read), ("s", stalled), ("w", whole)]}
    assert not any(v.retry for v in verdicts.values())
    assert "could not connect to model endpoint http://llm.local/v1 within 5 s" in verdicts["c"].reason
    assert "SWARMOPS_LLM_CONNECT_TIMEOUT" in verdicts["c"].reason
    assert "accepted the connection but sent nothing for 30 s" in verdicts["r"].reason
    assert "stopped sending in the middle of its answer" in verdicts["s"].reason
    assert "SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT" in verdicts["r"].reason + verdicts["s"].reason
    assert "within 60 s" in verdicts["w"].reason and "SWARMOPS_LLM_TIMEOUT" in verdicts["w"].reason


def test_connection_failures_that_cannot_heal_soon_are_not_retried() -> None:
    def failed(cause: Exception) -> openai.APIConnectionError:
        exc = openai.APIConnectionError(request=REQUEST)
        exc.__cause__ = cause
        return exc

    refused = FAILURES(failed(httpx.ConnectError("[Errno 111] Connection refused", request=REQUEST)))
    unknown = FAILURES(failed(httpx.ConnectError("[Errno -2] Name or service not known", request=REQUEST)))
    tls = FAILURES(failed(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")))
    assert refused.retry and refused.reason.endswith("(connection refused)")
    assert not unknown.retry and "host name llm.local could not be resolved" in unknown.reason
    assert not tls.retry and "TLS handshake failed" in tls.reason


def test_the_policy_follows_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.delenv("SWARMOPS_CONFIG", raising=False)
    offline = model_retry_policy(Settings(model_provider="offline"))
    assert offline.attempts == 1 and offline.request_timeout_s is None
    online = model_retry_policy(Settings(openai_base_url="http://llm.local/v1", llm_max_retries=4, llm_timeout=90))
    assert online.attempts == 5 and online.request_timeout_s == 90
