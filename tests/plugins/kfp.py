"""A real embedded KFP API server for the whole test session, wired to the session SeaweedFS.

Session-scoped because tests exercise it through HTTP only and a start costs ~1 s; tests that need a
server of their own (restart, sharing) start one on their own data dir.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.seaweed import S3Endpoint


@pytest.fixture(scope="session")
def kfp_embedded(tmp_path_factory: pytest.TempPathFactory, seaweed_endpoint: S3Endpoint) -> Iterator[EmbeddedKfp]:
    """The running EmbeddedKfp (its data dir is a pytest tmp dir)."""
    server = EmbeddedKfp(tmp_path_factory.mktemp("kfp"), seaweed_endpoint)
    server.start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kfp_host(kfp_embedded: EmbeddedKfp) -> str:
    """ "http://127.0.0.1:PORT" of the session's embedded KFP API."""
    assert kfp_embedded.host is not None
    return kfp_embedded.host
