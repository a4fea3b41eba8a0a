"""Building a kfp.Client whose every request gives up after a bounded time.

kfp.Client (2.17) never passes a timeout: the generated REST client calls urllib3 with an
explicit `timeout=None`, which overrides any pool-level default, so a server that accepts a
connection and never answers hangs an agent turn forever. Its constructor also probes
/healthz up to five times with 5 s sleeps when the server answers with an error. The client
returned here keeps the SDK's API surface but routes every request through a pool proxy that
fills in a timeout and a short retry policy, installed before the constructor's first request.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import kfp
import urllib3
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Retry

#: Connecting to a healthy server takes milliseconds; waiting longer only delays the error.
MAX_CONNECT_TIMEOUT = 5.0


class _TimedPool:
    """Stands in for the REST client's urllib3 pool and supplies a timeout where the SDK gives None.

    Everything else (proxy settings, TLS, connection reuse) stays with the wrapped pool.
    """

    def __init__(self, pool: urllib3.PoolManager, timeout: urllib3.Timeout, retries: Retry) -> None:
        self._pool = pool
        self._timeout = timeout
        self._retries = retries

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        kwargs.setdefault("retries", self._retries)
        return self._pool.request(method, url, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class ReadRetry(Retry):
    """Repeats a read whose connection closed before any answer, never one that timed out.

    A server closes an idle keep-alive connection on its own schedule (uvicorn after 5 s, the
    interval kfp.Client polls at), and a request sent in that instant gets no answer at all: it
    was never processed, so sending a GET again is safe. A read timeout means a slow or stuck
    server; repeating it would only double the wait.
    """

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[no-untyped-def]
        if isinstance(error, ReadTimeoutError) and self.read:
            return self.new(read=0).increment(method, url, response, error, _pool, _stacktrace)
        return super().increment(method, url, response, error, _pool, _stacktrace)


class BoundedKfpClient(kfp.Client):
    """kfp.Client with bounded requests and a single-attempt health check.

    The timeout must be installed from inside the constructor (its health check is the first
    request), which is why this is a subclass rather than a wrapper.
    """

    def __init__(self, *args: Any, request_timeout: urllib3.Timeout, retries: Retry, **kwargs: Any) -> None:
        self._swarmops_timeout = request_timeout
        self._swarmops_retries = retries
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "only works with KFP v2.0.0-beta.2 and later"
            super().__init__(*args, **kwargs)
        self._install_timeout()

    def _install_timeout(self) -> None:
        rest = self._healthz_api.api_client.rest_client  # one ApiClient is shared by every *_api
        if not isinstance(rest.pool_manager, _TimedPool):
            rest.pool_manager = _TimedPool(rest.pool_manager, self._swarmops_timeout, self._swarmops_retries)

    def get_kfp_healthz(self, sleep_duration: int = 5) -> Any:
        """One bounded attempt: the SDK's five retries with 5 s sleeps would stall a turn for 25 s."""
        self._install_timeout()
        return self._healthz_api.healthz_service_get_healthz()

    @property
    def request_timeout(self) -> urllib3.Timeout:
        return self._swarmops_timeout


def make_kfp_client(
    host: str,
    *,
    namespace: str | None = None,
    token: str | None = None,
    token_file: str | None = None,
    cookies: str | None = None,
    timeout: float = 10.0,
) -> kfp.Client:
    """A kfp.Client for `host` whose failures surface within about `timeout` seconds.

    The constructor contacts the server (GET /healthz), so an unreachable host raises here:
    urllib3's MaxRetryError, which the tools' error mapping turns into KfpUnreachable. A refused
    connection is not retried; a read that lost its keep-alive connection, or a 502/503, gets one
    quick retry.
    `token_file` is read now, so a rotated token is picked up by the next client built.
    """
    if token is None and token_file:
        token = Path(token_file).expanduser().read_text().strip() or None
    request_timeout = urllib3.Timeout(connect=min(timeout, MAX_CONNECT_TIMEOUT), read=timeout)
    retries = ReadRetry(
        total=1,
        connect=0,
        read=1,
        allowed_methods=frozenset({"GET", "HEAD"}),  # a change is never sent twice
        backoff_factor=0.2,
        backoff_max=1.0,
        status_forcelist=(502, 503, 504),
        raise_on_status=False,
    )
    client = BoundedKfpClient(
        host=host,
        namespace=namespace or "kubeflow",  # the SDK's "not set" value
        existing_token=token,
        cookies=cookies,
        request_timeout=request_timeout,
        retries=retries,
    )
    if namespace:  # the SDK ignores an explicit "kubeflow" (its default); set it in every case
        client._context_setting["namespace"] = namespace
    return client
