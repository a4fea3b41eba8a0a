"""Fault suite: an S3 endpoint that accepts connections and never answers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from swarmops.backends import Backends
from swarmops.settings import Settings
from tests.plugins.silent_server import SilentServer
from tests.swarmops.test_cli import empty_config
from tools.base import run_tool
from tools.storage import StorageContext, make_minio_client
from tools.storage.buckets import LIST_BUCKETS


def test_hung_s3_endpoint_fails_in_seconds_and_names_it(
    silent_server: SilentServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Promise: a storage call to an S3 endpoint that accepts and never answers fails within about
    10 s (not a minute), with an error that names the endpoint and how long it waited, marked as a
    backend being down."""
    monkeypatch.setenv("SWARMOPS_CONFIG", empty_config(tmp_path))
    settings = Settings(s3_endpoint=silent_server.address, s3_access_key="k", s3_secret_key="hung-secret-key")
    with Backends(settings) as backends:
        start = time.monotonic()
        result = run_tool(LIST_BUCKETS, {}, backends.storage)
        took = time.monotonic() - start
    assert took < 15
    assert result.error is not None and result.error.code == "StorageUnreachable" and result.error.backend_down
    assert silent_server.address in result.error.message and "timed out after 10 s" in result.error.message
    assert "hung-secret-key" not in result.model_dump_json()


def test_a_silent_s3_server_is_asked_once(silent_server: SilentServer, tmp_path: Path) -> None:
    """Promise: a read timeout is not retried (a silent server stays silent; asking again only doubles
    the wait), so the request reaches the server once."""
    ctx = StorageContext(
        client_factory=lambda: make_minio_client(silent_server.address, "k", "s", read_timeout=1),
        endpoint=silent_server.address,
        workdir=tmp_path,
    )
    result = run_tool(LIST_BUCKETS, {}, ctx)
    assert result.error is not None and "timed out after 1 s" in result.error.message
    assert len(silent_server.accepted) == 1
