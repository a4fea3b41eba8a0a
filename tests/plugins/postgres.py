"""A real PostgreSQL server on loopback, for the shared-state tests (Debian's postgresql package).

The server refuses to run as root, so when the tests run as root it is started as the `postgres`
system user (runuser) in a temporary data directory it owns; trust authentication on 127.0.0.1 only.
One server per test process; each test gets a fresh database (`pg_url`).
"""

from __future__ import annotations

import contextlib
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


class PgServer:
    """One PostgreSQL server in a temporary directory; `stop` and `start` again keep its data."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="swarmops-pg-"))
        self.data, sockets = self.root / "data", self.root / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(sockets, "postgres")
        (self.port,) = free_ports(1)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}"
        fast = "-c fsync=off -c full_page_writes=off"  # a test server: durability across OS crashes is moot
        self._options = f"-p {self.port} -k {sockets} -c listen_addresses=127.0.0.1 {fast}"
        initdb = [_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        argv = [_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", self._options, "-w"]
        subprocess.run(_as_server_user([*argv, "start"]), check=True, capture_output=True, text=True, timeout=120)

    def stop(self) -> None:
        """Gone at once, as a crashed or unplugged server is (no goodbye to the clients)."""
        argv = [_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_server_user(argv), capture_output=True, timeout=60)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:PORT: the admin URL of a server started for this test process."""
    with running_server() as server:
        yield server.url


@pytest.fixture
def pg_own_server() -> Iterator[PgServer]:
    """A server of this test's own, which it may stop and start (the shared one must stay up)."""
    with running_server() as server:
        yield server


def new_database(server_url: str) -> str:
    """The URL of a new, empty database on the server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """The URL of an empty database of its own (a test never sees another's tables)."""
    return new_database(pg_server)
