"""A real PostgreSQL server on loopback, for the shared-state tests (Debian's postgresql package).

The server refuses to run as root, so when the tests run as root it is started as the `postgres`
system user (runuser) in a temporary data directory it owns; trust authentication on 127.0.0.1 only.
One server per test process; each test gets a fresh database (`pg_url`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from swarmops.services.ports import free_ports

_BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15")]


def _bin(name: str) -> str:
    for directory in _BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"PostgreSQL's {name} is not installed (apt-get install postgresql; .ci/run does it)")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:PORT: the admin URL of a server started for this test process."""
    root = Path(tempfile.mkdtemp(prefix="swarmops-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    (port,) = free_ports(1)
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
                   **run)  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    log = root / "server.log"
    subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
                   **run)  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """The URL of an empty database of its own (a test never sees another's tables)."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_server}/{name}"
