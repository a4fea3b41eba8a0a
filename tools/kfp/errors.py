"""Turning kfp/kfp_server_api/transport exceptions into errors a model can act on.

The SDK raises `ApiException` with the HTTP status and a grpc-gateway JSON body
({"error", "code", "message"}), urllib3's `MaxRetryError` when the host cannot be reached, and
plain `ValueError` for its own argument checks. A model needs to know which of "fix the call",
"the thing does not exist" and "the server is down, tell the user" applies.
"""

from __future__ import annotations

import json
import re
import socket
from typing import TYPE_CHECKING, Any

import urllib3.exceptions as u3
from kfp_server_api.exceptions import ApiException

from tools.base import ToolFailure

if TYPE_CHECKING:
    from tools.kfp.context import KfpContext

DOCTOR = "Check that the KFP API server is running and the host is right, e.g. with `swarmops doctor`."
#: Failures that say nothing about the call itself, only that the server could not be asked.


def api_message(exc: ApiException) -> str:
    """The server's own sentence from a grpc-gateway body, else the HTTP reason."""
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    if isinstance(body, str) and body.strip():
        try:
            data = json.loads(body)
        except ValueError:
            return body.strip()[:500]
        if isinstance(data, dict):
            for key in ("message", "error", "detail"):
                if isinstance(data.get(key), str) and data[key]:
                    return data[key][:500]
    return str(exc.reason or f"HTTP {exc.status}")


def is_transport(exc: BaseException) -> bool:
    return isinstance(exc, u3.HTTPError | ConnectionError | TimeoutError | socket.gaierror)


def _after(text: str, kind: str) -> str:
    """' after 10 s' from urllib3's '(read timeout=10.0)', or '' when it is not there."""
    match = re.search(rf"{kind} timeout=([\d.]+)", text)
    return f" after {float(match.group(1)):g} s" if match else ""


def transport_reason(exc: BaseException) -> str:
    """Why a connection failed, in a few words: "connection refused", "host name could not be resolved"."""
    reason: BaseException = exc.reason if isinstance(exc, u3.MaxRetryError) and exc.reason else exc
    text = str(reason).lower()
    if "refused" in text:  # checked first: urllib3's NewConnectionError subclasses ConnectTimeoutError
        return "connection refused"
    if isinstance(reason, u3.ReadTimeoutError) or "read timed out" in text:
        return f"it accepted the connection but did not answer in time: timed out{_after(text, 'read')}"
    if isinstance(reason, u3.ConnectTimeoutError | TimeoutError) or "timed out" in text:
        return f"connecting timed out{_after(text, 'connect')}"
    if isinstance(reason, socket.gaierror) or "name or service not known" in text or "resolution" in text:
        return "host name could not be resolved"
    if isinstance(reason, u3.ProtocolError):
        return "the connection was dropped"
    return type(reason).__name__


def unreachable(ctx: KfpContext | None, exc: BaseException) -> ToolFailure:
    host = ctx.host if ctx is not None else "the configured host"
    reason = exc.reason if isinstance(exc, u3.MaxRetryError) else exc
    if isinstance(reason, u3.SSLError):
        return ToolFailure(
            "KfpTLSError",
            f"TLS handshake with the KFP API at {host} failed.",
            hint="If the server speaks plain HTTP, use an http:// host; otherwise check its certificate. " + DOCTOR,
            backend_down=True,
        )
    return ToolFailure(
        "KfpUnreachable",
        f"Cannot reach the KFP API at {host} ({transport_reason(exc)}).",
        hint=DOCTOR,
        backend_down=True,
    )


def map_api_error(exc: ApiException, ctx: KfpContext | None) -> ToolFailure:
    host = ctx.host if ctx is not None else "the KFP API"
    status, message = exc.status or 0, api_message(exc)
    if status == 0:  # the generated client reports TLS failures this way
        return ToolFailure("KfpTLSError", f"TLS error talking to {host}: {message}", hint=DOCTOR, backend_down=True)
    if status in (401, 403):
        return ToolFailure(
            "KfpUnauthorized",
            f"The KFP API at {host} refused the request (HTTP {status}): {message}",
            hint="Check kfp_token / kfp_token_file / kfp_cookies and kfp_namespace in the swarmops config "
            "(`swarmops doctor` tests them); 403 can also mean no access to this namespace.",
            backend_down=True,
        )
    if status == 404:
        return ToolFailure("NotFound", message, hint="List what exists first (list_pipelines, list_runs).")
    if status == 409:
        return ToolFailure("AlreadyExists", message)
    if status in (400, 412, 422):
        return ToolFailure("InvalidRequest", f"The KFP API rejected the request: {message}")
    if status >= 500:
        return ToolFailure(
            "KfpServerError",
            f"The KFP API at {host} failed with HTTP {status}: {message}",
            hint="This is a server-side problem; retry later or check the server's logs.",
            backend_down=True,
        )
    return ToolFailure(f"Http{status}", message)


def map_kfp_error(exc: Exception, args: Any, ctx: KfpContext) -> ToolFailure | None:
    """ToolSpec.on_error for every KFP tool; None lets run_tool report the exception as is."""
    if isinstance(exc, ToolFailure):
        return exc
    if isinstance(exc, ApiException):
        return map_api_error(exc, ctx)
    if is_transport(exc):
        return unreachable(ctx, exc)
    try:  # object-store failures while reading artifacts/logs keep the storage tools' wording
        from minio.error import MinioException

        from tools.storage.errors import map_storage_error

        if isinstance(exc, MinioException) and ctx.storage is not None:
            return map_storage_error(exc, args, ctx.storage)
    except ImportError:  # pragma: no cover - minio is a hard dependency of swarmops
        pass
    if isinstance(exc, ValueError):  # the SDK's own argument checks
        return ToolFailure("InvalidArguments", str(exc))
    return None
