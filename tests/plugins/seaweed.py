"""A real SeaweedFS S3 server for the whole test session.

Session-scoped because a start costs ~1 s and a stop ~2 s; tests that need isolation use their own
bucket names. The server lives in a pytest tmp dir, on ports of its own, so parallel runs don't collide.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from swarmops.services.seaweed import EmbeddedSeaweed, S3Endpoint


@pytest.fixture(scope="session")
def seaweed_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    """Endpoint and credentials of a running SeaweedFS (plain HTTP on 127.0.0.1)."""
    with EmbeddedSeaweed(tmp_path_factory.mktemp("seaweed")) as endpoint:
        yield endpoint
