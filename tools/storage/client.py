"""Building the MinIO client and checking bucket names before any request is made.

The SDK's default HTTP pool retries five times with backoff, so an unreachable or mistyped
endpoint stalls an agent turn for a minute. Tools need a fast, clear failure instead; the
agent can then tell the user to run `swarmops doctor`.
"""

from __future__ import annotations

import ipaddress
import os
import re
from types import TracebackType
from typing import Any

import certifi
import urllib3
from minio import Minio
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Retry

from tools.base import ToolFailure

_ALLOWED_CHARS = re.compile(r"^[a-z0-9.-]+$")
_SERVER_BUSY = (500, 502, 503, 504)
#: Metadata and listing calls answer in milliseconds; this bounds a server that accepted the request
#: and went silent. It is a socket read timeout (the longest silence), so a large transfer that keeps
#: receiving bytes is not cut short.
READ_TIMEOUT_S = 10.0


class _NoRetryOnSilence(Retry):
    """urllib3's Retry, except that a read timeout is never retried.

    A server that accepted a request and said nothing for the whole read timeout will most likely
    do the same again: retrying only doubles the wait before the person hears about it. A dropped
    keep-alive connection (a ProtocolError) and a momentary 5xx still get their one retry.
    """

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: TracebackType | None = None,
    ) -> Retry:
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def make_minio_client(
    endpoint: str,
    access_key: str,
    secret_key: str,
    *,
    secure: bool = False,
    region: str | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float = READ_TIMEOUT_S,
) -> Minio:
    """A MinIO/S3 client whose failures surface within seconds instead of minutes.

    Connection errors and read timeouts are not retried (a refused, blackholed or hung endpoint
    will not heal in a few hundred milliseconds); one retry covers a dropped keep-alive connection
    or a momentary 5xx. `raise_on_status=False` hands the final 5xx back to the SDK so it raises a
    ServerError rather than urllib3 reporting it as a connection problem.
    """
    retry = _NoRetryOnSilence(
        total=1,
        connect=0,
        backoff_factor=0.2,
        backoff_max=1.0,
        status_forcelist=_SERVER_BUSY,
        raise_on_status=False,
    )
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        retries=retry,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
    )
    return Minio(
        endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=secure,
        region=region,
        http_client=http,
    )


def bucket_name_problem(name: str) -> str | None:
    """The first S3 naming rule `name` breaks, worded so a model can fix the name itself."""
    if not 3 <= len(name) <= 63:
        return f"Bucket names must be between 3 and 63 characters long (this one has {len(name)})."
    if not _ALLOWED_CHARS.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
        shown = " ".join(repr(c) for c in bad)
        return f"Bucket names may contain only lowercase letters, digits, dots (.) and hyphens (-); found {shown}."
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "Bucket names must begin and end with a lowercase letter or digit."
    if ".." in name:
        return "Bucket names must not contain two adjacent dots ('..')."
    if ".-" in name or "-." in name:
        return "Bucket names must not have a dot next to a hyphen ('.-' or '-.')."
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return "Bucket names must not be formatted as an IP address (e.g. 192.168.5.4)."
    if name.startswith("xn--"):
        return "Bucket names must not start with the prefix 'xn--'."
    if name.startswith("sthree-"):
        return "Bucket names must not start with the prefix 'sthree-'."
    if name.endswith("-s3alias"):
        return "Bucket names must not end with the suffix '-s3alias'."
    if name.endswith("--ol-s3"):
        return "Bucket names must not end with the suffix '--ol-s3'."
    return None


def _repaired(name: str) -> str | None:
    """A valid name close to an invalid one (e.g. 'Raw_Data' -> 'raw-data'), if one is obvious."""
    fixed = re.sub(r"[^a-z0-9.-]+", "-", name.lower())
    fixed = re.sub(r"\.{2,}", ".", fixed)
    fixed = re.sub(r"[.-]*-[.-]*", "-", fixed).strip(".-")[:63].strip(".-")
    return fixed if fixed and fixed != name and bucket_name_problem(fixed) is None else None


def validate_bucket_name(name: str) -> None:
    """Reject names S3 would reject, before the request, naming the exact rule broken."""
    rule = bucket_name_problem(name)
    if rule is None:
        return
    fix = _repaired(name)
    raise ToolFailure(
        "InvalidBucketName",
        f"'{name}' is not a valid bucket name.",
        hint=rule,
        suggestions=[fix] if fix else [],
    )
