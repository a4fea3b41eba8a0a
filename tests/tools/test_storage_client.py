"""Client construction, bucket-name rules, error mapping and unreachable endpoints."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from minio import Minio
from minio.error import S3Error

from tests.tools import ACCESS_KEY, SECRET_KEY, call, fail, storage_ctx
from tools.base import ToolFailure
from tools.storage import StorageContext, make_minio_client, validate_bucket_name
from tools.storage.errors import map_storage_error


@pytest.mark.parametrize(
    ("name", "rule_words"),
    [
        ("ab", "between 3 and 63"),
        ("a" * 64, "between 3 and 63"),
        ("Raw-Data", "lowercase"),
        ("raw_data", "lowercase"),
        ("raw data", "lowercase"),
        ("-raw", "begin and end"),
        ("raw.", "begin and end"),
        ("raw..data", "two adjacent dots"),
        ("raw.-data", "dot next to a hyphen"),
        ("192.168.5.4", "IP address"),
        ("xn--bucket", "'xn--'"),
        ("data-s3alias", "'-s3alias'"),
    ],
)
def test_invalid_bucket_names_name_the_rule(name: str, rule_words: str) -> None:
    with pytest.raises(ToolFailure) as info:
        validate_bucket_name(name)
    assert info.value.code == "InvalidBucketName"
    assert rule_words in (info.value.hint or "")


def test_invalid_name_suggests_a_repaired_name() -> None:
    with pytest.raises(ToolFailure) as info:
        validate_bucket_name("Raw_Data")
    assert info.value.suggestions == ["raw-data"]


@pytest.mark.parametrize("name", ["abc", "raw-data", "my.bucket.2024", "a" * 63, "1st-run"])
def test_valid_bucket_names_pass(name: str) -> None:
    validate_bucket_name(name)


def test_client_has_short_timeouts_and_a_single_retry() -> None:
    client = make_minio_client("127.0.0.1:9", "k", "s", connect_timeout=1.5, read_timeout=7)
    pool = client._http
    assert pool.connection_pool_kw["timeout"].connect_timeout == 1.5
    assert pool.connection_pool_kw["timeout"].read_timeout == 7
    retries = pool.connection_pool_kw["retries"]
    assert retries.total <= 1 and retries.connect == 0


def test_context_builds_the_client_lazily_once(tmp_path: Path) -> None:
    calls: list[int] = []

    def factory() -> Minio:
        calls.append(1)
        return make_minio_client("127.0.0.1:9", "k", "s")

    ctx = StorageContext(client_factory=factory, endpoint="127.0.0.1:9", workdir=tmp_path)
    assert calls == []
    assert ctx.client is ctx.client
    assert calls == [1]
    assert SECRET_KEY not in repr(storage_ctx("127.0.0.1:9", tmp_path))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(("tool", "args"), [("list_buckets", {}), ("list_objects", {"bucket": "data"})])
def test_unreachable_endpoint_fails_fast_and_clearly(tmp_path: Path, tool: str, args: dict) -> None:
    endpoint = f"127.0.0.1:{_closed_port()}"
    ctx = storage_ctx(endpoint, tmp_path)
    start = time.monotonic()
    result = call(ctx, tool, **args)
    elapsed = time.monotonic() - start
    assert elapsed < 5
    assert not result.ok and result.error is not None
    assert result.error.code == "StorageUnreachable"
    assert endpoint in result.error.message and "refused" in result.error.message
    assert "swarmops doctor" in (result.error.hint or "")
    assert SECRET_KEY not in result.model_dump_json()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung server rather than a missing one."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    sock.close()


def test_hung_server_times_out_as_unreachable(silent_server: str, tmp_path: Path) -> None:
    ctx = StorageContext(
        client_factory=lambda: make_minio_client(silent_server, "k", "s", read_timeout=0.3),
        endpoint=silent_server,
        workdir=tmp_path,
    )
    start = time.monotonic()
    error = fail(ctx, "list_buckets")
    assert time.monotonic() - start < 3
    assert error.code == "StorageUnreachable" and "timed out" in error.message


def _s3_error(code: str) -> S3Error:
    return S3Error(None, code, "denied", "/b", "req", "host")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"])
def test_credential_errors_get_a_credentials_hint(tmp_path: Path, code: str) -> None:
    ctx = storage_ctx("127.0.0.1:9", tmp_path)
    failure = map_storage_error(_s3_error(code), object(), ctx)
    assert failure is not None and failure.code == code
    assert "access key" in (failure.hint or "")
    assert SECRET_KEY not in failure.message + (failure.hint or "")
    assert ACCESS_KEY not in failure.message + (failure.hint or "")


def test_unknown_exceptions_are_left_to_run_tool(tmp_path: Path) -> None:
    assert map_storage_error(RuntimeError("bug"), object(), storage_ctx("h:1", tmp_path)) is None


def test_preview_on_unreachable_endpoint_is_readable(tmp_path: Path) -> None:
    from tests.tools import preview

    ctx = storage_ctx(f"127.0.0.1:{_closed_port()}", tmp_path)
    start = time.monotonic()
    text = preview(ctx, "delete_bucket", bucket="raw-data", force=True)
    assert time.monotonic() - start < 5
    assert "could not check the current state first: Cannot reach the object store" in text
    assert SECRET_KEY not in text
