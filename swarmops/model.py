"""Which chat model drives the graph, and how its endpoint's failures are judged and worded.

An OpenAI-compatible endpoint is called with the SDK's own retries off and short, separate
timeouts: connecting (`llm_connect_timeout`), waiting for the first token or any later silence
(`llm_first_token_timeout`, httpx's read timeout, which with streaming is the longest gap between
bytes), and a whole request (`llm_timeout`, enforced by the graph). Retries happen in the graph
(`agents.retry`), which shows each one; this module decides which failures deserve one:
429 (after its Retry-After), 500/502/503/504 and refused or dropped connections do; a timeout
does not (a hung server stays hung), nor do 4xx answers, which are put into words instead.
"""

from __future__ import annotations

import email.utils
import ssl
import time
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from agents.retry import NO_RETRY, ModelCallTimeout, ModelRetry, RetryDecision

if TYPE_CHECKING:
    import httpx
    import openai
    from langchain_core.language_models import BaseChatModel

    from swarmops.settings import Settings

DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: First retry waits about a second; later ones double, up to MAX_BACKOFF_S (also the longest
#: Retry-After honoured by waiting).
BASE_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}


def make_chat_model(settings: Settings) -> BaseChatModel:
    if settings.uses_endpoint:
        import httpx
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.model,
            api_key=settings.openai_api_key or "not-needed",  # local servers often ignore the key
            base_url=settings.openai_base_url,
            timeout=httpx.Timeout(settings.llm_first_token_timeout, connect=settings.llm_connect_timeout),
            max_retries=0,  # the graph retries, and says so; see model_retry_policy
            temperature=settings.temperature,
            stream_usage=True,
        )
    from agents.planner.model import OfflinePlanner

    return OfflinePlanner()


def endpoint_label(base_url: str | None) -> str:
    """The endpoint as a person should see it: no user:password, no query (which may hold a key)."""
    parts = urlsplit(base_url or DEFAULT_BASE_URL)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def model_retry_policy(settings: Settings) -> ModelRetry:
    """How the graph retries calls to the configured endpoint (none for the offline planner)."""
    if not settings.uses_endpoint:
        return NO_RETRY
    classifier = ModelFailures(
        endpoint_label(settings.openai_base_url),
        model=settings.model,
        connect_timeout=settings.llm_connect_timeout,
        first_token_timeout=settings.llm_first_token_timeout,
    )
    return ModelRetry(
        attempts=settings.llm_max_retries + 1,
        base_backoff_s=BASE_BACKOFF_S,
        max_backoff_s=MAX_BACKOFF_S,
        classify=classifier,
        request_timeout_s=settings.llm_timeout,
    )


# --- words for transport failures (shared with `swarmops doctor`) ---------------------------------
def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in out:
        out.append(seen)
        seen = seen.__cause__ or seen.__context__
    return out


def connection_problem(exc: BaseException) -> str | None:
    """'connection refused', 'host name x could not be resolved', ... for a failed connection."""
    import httpx

    for link in _chain(exc):
        text = str(link)
        low = text.lower()
        if isinstance(link, ssl.SSLError) or "certificate" in low or "ssl" in low:
            return f"TLS handshake failed: {text}" if text else "TLS handshake failed"
        if isinstance(link, ConnectionRefusedError) or "refused" in low:
            return "connection refused"
        if "name or service not known" in low or "nodename nor servname" in low or "name resolution" in low:
            host = link.request.url.host if isinstance(link, httpx.RequestError) else None
            return f"host name {host} could not be resolved" if host else "host name could not be resolved"
        if isinstance(link, ConnectionResetError) or "reset by peer" in low:
            return "connection reset"
        if isinstance(link, httpx.RemoteProtocolError) or "disconnected without" in low:
            return "the server closed the connection without answering"
    return None


def _timeout_of(exc: BaseException, phase: str) -> float | None:
    """The timeout httpx applied (it rides along in the request), e.g. phase 'read'."""
    import httpx

    for link in _chain(exc):
        if isinstance(link, httpx.RequestError):
            try:
                value = link.request.extensions.get("timeout", {}).get(phase)
            except RuntimeError:  # no request attached
                continue
            return float(value) if value is not None else None
    return None


def status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def describe_http_failure(exc: BaseException, url: str) -> str:
    """One sentence for an httpx failure talking to `url`: what a person reads in `swarmops doctor`."""
    import httpx

    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {status_words(exc.response.status_code)} from {url}"
    if isinstance(exc, httpx.ConnectTimeout):
        limit = _timeout_of(exc, "connect")
        return f"could not connect to {url}" + (f" within {limit:g} s" if limit else "") + " (connecting timed out)"
    if isinstance(exc, httpx.TimeoutException):
        limit = _timeout_of(exc, "read")
        return f"no answer from {url}" + (f" within {limit:g} s" if limit else " in time")
    problem = connection_problem(exc)
    if problem is not None:
        return f"cannot connect to {url} ({problem})"
    return f"{url}: {exc}" if str(exc) else f"{url}: {type(exc).__name__}"


# --- the classifier the graph's retry policy uses ---------------------------------------------------
def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asked for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        return max(0.0, when.timestamp() - time.time())
    return None


def _server_message(body: object) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if isinstance(message, str) and message.strip():
            return message.strip()[:300]
    return ""


class ModelFailures:
    """Judges and words failures of calls to one OpenAI-compatible endpoint (a `Classifier`).

    Every reason names the endpoint by its base URL (never the key) and, for timeouts, which
    setting to raise.
    """

    def __init__(self, endpoint: str, *, model: str, connect_timeout: float, first_token_timeout: float) -> None:
        self.endpoint = endpoint
        self.model = model
        self.connect_timeout = connect_timeout
        self.first_token_timeout = first_token_timeout

    def __call__(self, exc: BaseException) -> RetryDecision:
        import httpx
        import openai

        ep = f"model endpoint {self.endpoint}"
        if isinstance(exc, ModelCallTimeout):
            return RetryDecision(
                False,
                f"{ep} did not finish its answer within {exc.seconds:g} s "
                "(raise SWARMOPS_LLM_TIMEOUT for long answers from a slow model)",
            )
        if isinstance(exc, openai.APITimeoutError):
            return RetryDecision(False, self._timeout_words(ep, exc.__cause__, started=False))
        if isinstance(exc, openai.APIConnectionError):
            return self._connection(ep, exc)
        if isinstance(exc, openai.APIStatusError):
            return self._status(ep, exc)
        if isinstance(exc, httpx.TimeoutException):  # raised while the answer streamed
            return RetryDecision(False, self._timeout_words(ep, exc, started=True))
        if isinstance(exc, TimeoutError):  # e.g. langchain-openai's own stream_chunk_timeout
            return RetryDecision(False, f"{ep} stopped sending in the middle of its answer ({exc})")
        if isinstance(exc, httpx.TransportError):
            problem = connection_problem(exc) or type(exc).__name__
            return RetryDecision(True, f"the connection to {ep} dropped in the middle of its answer ({problem})")
        return RetryDecision(False, f"the call to {ep} failed ({type(exc).__name__}: {exc})")

    def _timeout_words(self, ep: str, cause: BaseException | None, *, started: bool) -> str:
        import httpx

        if isinstance(cause, httpx.ConnectTimeout):
            return (
                f"could not connect to {ep} within {self.connect_timeout:g} s "
                "(a host that does not answer at all; SWARMOPS_LLM_CONNECT_TIMEOUT sets the limit)"
            )
        if started:
            return (
                f"{ep} stopped sending in the middle of its answer: nothing for {self.first_token_timeout:g} s "
                "(raise SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT if the model is slow)"
            )
        return (
            f"{ep} accepted the connection but sent nothing for {self.first_token_timeout:g} s "
            "(raise SWARMOPS_LLM_FIRST_TOKEN_TIMEOUT if the model is slow to start)"
        )

    def _connection(self, ep: str, exc: BaseException) -> RetryDecision:
        problem = connection_problem(exc)
        if problem is None:
            return RetryDecision(True, f"the connection to {ep} failed")
        # A name that does not resolve or a certificate that does not verify will not heal in seconds.
        lasting = problem.startswith(("host name", "TLS"))
        return RetryDecision(not lasting, f"cannot connect to {ep} ({problem})")

    def _status(self, ep: str, exc: openai.APIStatusError) -> RetryDecision:
        code = int(exc.status_code)
        said = _server_message(exc.body)
        detail = f": {said}" if said else ""
        if code in _RETRYABLE_STATUS:
            wait = _retry_after(exc.response.headers) if code == 429 else None
            return RetryDecision(True, f"{ep} answered {status_words(code)}", wait)
        if code == 401:
            return RetryDecision(
                False, f"{ep} rejected the API key (HTTP {status_words(code)}): check OPENAI_API_KEY{detail}"
            )
        if code == 403:
            return RetryDecision(
                False,
                f"{ep} refused access (HTTP {status_words(code)}): the API key may not be allowed to use "
                f"model {self.model}{detail}",
            )
        if code == 404:
            return RetryDecision(
                False,
                f"{ep} has no model {self.model} or no chat API at this URL (HTTP {status_words(code)}): "
                f"check SWARMOPS_MODEL and OPENAI_BASE_URL{detail}",
            )
        if code in (400, 413, 422):
            return RetryDecision(False, f"{ep} rejected the request (HTTP {status_words(code)}){detail}")
        return RetryDecision(False, f"{ep} answered HTTP {status_words(code)}{detail}")
