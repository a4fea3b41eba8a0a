"""A real S3 server on loopback (moto's server mode) for fast storage tests.

moto accepts any credentials and keeps state per process, so each test gets a reset server.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"{host}:{port}"
    server.stop()


@pytest.fixture
def s3_endpoint(moto_server: str) -> str:
    """host:port of an empty S3 server (state reset before each test)."""
    req = urllib.request.Request(f"http://{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(req, timeout=5).read()
    return moto_server
