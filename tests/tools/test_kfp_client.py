"""make_kfp_client and error mapping: every request bounded, unreachable servers reported fast."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import urllib3
from kfp_server_api.exceptions import ApiException

from tests.tools.kfp_helpers import (
    call,
    closed_port,
    closes_a_reused_connection,
    healthy_then_silent,
    kfp_ctx,
    preview,
    silent_listener,
)
from tools.base import ToolFailure
from tools.kfp import KfpContext, make_kfp_client, map_kfp_error


def test_closed_port_is_kfp_unreachable_within_5s(tmp_path: Path) -> None:
    host = f"http://127.0.0.1:{closed_port()}"
    ctx = kfp_ctx(host, None, tmp_path)
    start = time.monotonic()
    result = call(ctx, "list_pipelines")
    elapsed = time.monotonic() - start
    assert not result.ok and result.error is not None
    assert result.error.code == "KfpUnreachable"
    assert host in result.error.message and "refused" in result.error.message
    assert "swarmops doctor" in (result.error.hint or "")
    assert elapsed < 5, elapsed


def test_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with silent_listener() as host:
        start = time.monotonic()
        with pytest.raises(urllib3.exceptions.MaxRetryError) as info:
            make_kfp_client(host, timeout=1.0)
        elapsed = time.monotonic() - start
        assert isinstance(info.value.reason, urllib3.exceptions.ReadTimeoutError)
        assert elapsed < 3, elapsed

        result = call(kfp_ctx(host, None, tmp_path, timeout=1.0), "list_runs")
        assert result.error is not None and result.error.code == "KfpUnreachable"
        assert "did not answer in time" in result.error.message


def test_requests_after_construction_are_bounded_too(tmp_path: Path) -> None:
    """The timeout is not only on the constructor's health check: every API call carries it."""
    with healthy_then_silent() as host:
        client = make_kfp_client(host, timeout=0.5)
        for list_call in (client.list_pipelines, client.list_runs, client.list_experiments):
            start = time.monotonic()
            with pytest.raises(urllib3.exceptions.MaxRetryError):
                list_call()
            assert time.monotonic() - start < 2
        ctx = kfp_ctx(host, None, tmp_path, timeout=0.5)
        start = time.monotonic()
        text = preview(ctx, "submit_run", pipeline="iris")
        assert "could not check" in text and "did not answer" in text
        assert time.monotonic() - start < 2


def test_a_read_that_times_out_is_sent_once() -> None:
    """Retrying a stuck server's read would only double the wait before the error."""
    seen: list[str] = []
    with healthy_then_silent(seen) as host:
        client = make_kfp_client(host, timeout=0.5)
        with pytest.raises(urllib3.exceptions.MaxRetryError) as info:
            client.list_runs()
        assert isinstance(info.value.reason, urllib3.exceptions.ReadTimeoutError)
    assert [path for path in seen if "/runs" in path] == [seen[-1]] and len(seen) == 2


def test_a_read_whose_keep_alive_connection_closed_is_sent_again() -> None:
    """A server closes an idle connection just as the next poll goes out: the poll must not fail.

    kfp.Client polls every 5 s and uvicorn closes idle connections after 5 s, so this happened
    to a real wait on the embedded server.
    """
    with closes_a_reused_connection("GET") as (host, seen):
        client = make_kfp_client(host, timeout=2.0)
        client.get_kfp_healthz()
    assert seen == ["GET /apis/v2beta1/healthz"] * 3  # the constructor's, the dropped one, its repeat


def test_a_change_whose_connection_closed_is_not_sent_again() -> None:
    """Nothing tells whether a POST that got no answer was carried out, so it is never repeated."""
    with closes_a_reused_connection("POST") as (host, seen):
        client = make_kfp_client(host, timeout=2.0)
        with pytest.raises(urllib3.exceptions.ProtocolError):
            client.create_experiment("exp")
    assert [line for line in seen if line.startswith("POST")] == ["POST /apis/v2beta1/experiments"]


def test_options_reach_the_client(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("tok-123\n")
    with healthy_then_silent() as host:
        client = make_kfp_client(host, namespace="team-a", token_file=str(token_file), cookies="c=1", timeout=2.5)
        config = client._existing_config
        assert config.api_key["authorization"] == "tok-123"
        assert client.get_user_namespace() == "team-a"
        assert client.request_timeout.connect_timeout == 2.5 and client.request_timeout.read_timeout == 2.5


def test_context_builds_the_client_once_and_not_at_construction(tmp_path: Path) -> None:
    built: list[int] = []

    def factory() -> object:
        built.append(1)
        return object()

    ctx = KfpContext(client_factory=factory, host="h", workdir=tmp_path)  # type: ignore[arg-type]
    assert built == []
    assert ctx.client is ctx.client
    assert built == [1]


def _api(status: int, message: str = "boom") -> ApiException:
    exc = ApiException(status=status, reason="Reason")
    exc.body = json.dumps({"error": message, "code": 5, "message": message, "details": []})
    return exc


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "InvalidRequest"), (401, "KfpUnauthorized"), (403, "KfpUnauthorized"), (404, "NotFound"),
     (409, "AlreadyExists"), (500, "KfpServerError"), (503, "KfpServerError")],
)  # fmt: skip
def test_api_errors_map_by_status(status: int, code: str, tmp_path: Path) -> None:
    ctx = KfpContext(client_factory=lambda: None, host="http://kfp:8888", workdir=tmp_path)  # type: ignore[arg-type]
    failure = map_kfp_error(_api(status, "server says no"), None, ctx)
    assert isinstance(failure, ToolFailure) and failure.code == code
    assert "server says no" in failure.message


def test_sdk_value_errors_become_invalid_arguments(tmp_path: Path) -> None:
    ctx = KfpContext(client_factory=lambda: None, host="h", workdir=tmp_path)  # type: ignore[arg-type]
    failure = map_kfp_error(ValueError("Either pipeline_id or pipeline_name is required."), None, ctx)
    assert failure is not None and failure.code == "InvalidArguments"
