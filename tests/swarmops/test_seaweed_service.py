"""The embedded SeaweedFS store against a real `weed` binary: S3 behaviour, persistence and sharing."""

from __future__ import annotations

import io
import json
import os
import selectors
import socket
import stat
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import urllib3
from minio import Minio
from minio.error import S3Error

from swarmops.services.lifecycle import pid_alive, proc_start_time
from swarmops.services.ports import LOOPBACK, port_is_open
from swarmops.services.seaweed import EmbeddedSeaweed, S3Endpoint
from swarmops.services.seaweed_cmd import PORT_FLAGS, choose_ports

REPO_ROOT = Path(__file__).resolve().parents[2]

# An app that starts the store and exits without calling stop(): atexit must clean up.
FORGETFUL_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from swarmops.services.seaweed import EmbeddedSeaweed

    sw = EmbeddedSeaweed(Path(sys.argv[1]))
    sw.start(timeout=30)
    print(json.dumps(sw.server_state().ports), flush=True)
    """
)

# A second app instance: starts (or joins) the server, reports it, and stops when told on stdin.
CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from swarmops.services.seaweed import EmbeddedSeaweed

    sw = EmbeddedSeaweed(Path(sys.argv[1]))
    ep = sw.start(timeout=30)
    print(json.dumps({"endpoint": ep.endpoint, "pid": sw.server_state().pid}), flush=True)
    sys.stdin.readline()
    sw.stop()
    print("stopped", flush=True)
    """
)


def client_for(ep: S3Endpoint, secret_key: str | None = None, access_key: str | None = None) -> Minio:
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=3, read=10), retries=False)
    return Minio(
        ep.endpoint,
        access_key=access_key or ep.access_key,
        secret_key=secret_key or ep.secret_key,
        secure=ep.secure,
        http_client=http,
    )


def s3_port(ep: S3Endpoint) -> int:
    return int(ep.endpoint.rsplit(":", 1)[1])


def wait_gone(pid: int, port: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid) and not port_is_open(port):
            return True
        time.sleep(0.05)
    return False


def tcp_listeners(pid: int) -> set[tuple[str, int]]:
    """(hex local address, port) of every TCP socket `pid` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A = LISTEN
                addr, port = cols[1].split(":")
                found.add((addr, int(port, 16)))
    return found


def leftover_sockets(ports: list[int]) -> list[Path]:
    return [path for port in ports for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock")]


class ClientProcess:
    """CLIENT_SCRIPT in a subprocess, with timeouts on every read so a hang fails the test instead."""

    def __init__(self, data_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CLIENT_SCRIPT, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
        )
        self.info: dict[str, object] = json.loads(self._readline(40))

    def _readline(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                self.proc.kill()
                raise AssertionError("client subprocess did not answer in time")
        return self.proc.stdout.readline()

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self._readline(30).strip() == "stopped"
        assert self.proc.wait(timeout=10) == 0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


def test_endpoint_repr_hides_secret() -> None:
    ep = S3Endpoint("127.0.0.1:9000", "AKID", "very-secret-value")
    assert "very-secret-value" not in repr(ep)
    assert "AKID" in repr(ep)
    assert ep.url == "http://127.0.0.1:9000"


def test_minio_roundtrip(seaweed_endpoint: S3Endpoint) -> None:
    client = client_for(seaweed_endpoint)
    client.make_bucket("roundtrip")
    payload = b"weights v1"
    client.put_object(
        "roundtrip", "models/a.bin", io.BytesIO(payload), len(payload), metadata={"x-amz-meta-stage": "dev"}
    )

    assert client.get_object("roundtrip", "models/a.bin").read() == payload
    info = client.stat_object("roundtrip", "models/a.bin")
    assert info.size == len(payload)
    assert info.metadata["x-amz-meta-stage"] == "dev"
    assert [o.object_name for o in client.list_objects("roundtrip", recursive=True)] == ["models/a.bin"]
    assert "roundtrip" in [b.name for b in client.list_buckets()]


def test_wrong_credentials_rejected(seaweed_endpoint: S3Endpoint) -> None:
    with pytest.raises(S3Error) as bad_secret:
        client_for(seaweed_endpoint, secret_key="not-the-secret").list_buckets()
    assert bad_secret.value.code == "SignatureDoesNotMatch"
    with pytest.raises(S3Error) as bad_key:
        client_for(seaweed_endpoint, access_key="nobody").list_buckets()
    assert bad_key.value.code == "InvalidAccessKeyId"


def test_credentials_private_and_data_survive_restart(tmp_path: Path) -> None:
    store = EmbeddedSeaweed(tmp_path)
    first = store.start()
    state = store.server_state()
    assert state is not None
    creds = store.credentials_path
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert json.loads(creds.read_text())["secret_key"] == first.secret_key
    assert state.s3_port == s3_port(first)
    client = client_for(first)
    client.make_bucket("keep")
    client.put_object("keep", "note.txt", io.BytesIO(b"still here"), 10)
    store.stop()

    assert wait_gone(state.pid, state.s3_port)
    assert store.server_state() is None

    second = store.start()
    try:
        assert (second.access_key, second.secret_key) == (first.access_key, first.secret_key)
        restarted = store.server_state()
        assert restarted is not None and restarted.pid != state.pid
        assert client_for(second).get_object("keep", "note.txt").read() == b"still here"
    finally:
        store.stop()


def test_two_instances_share_one_server_until_last_stops(tmp_path: Path) -> None:
    a, b = EmbeddedSeaweed(tmp_path), EmbeddedSeaweed(tmp_path)
    with ThreadPoolExecutor(2) as pool:  # concurrent starts must not launch two servers
        ep_a, ep_b = pool.map(lambda s: s.start(), (a, b))
    assert ep_a == ep_b
    state = a.server_state()
    assert state is not None and state == b.server_state()
    assert sorted(a.live_clients()) == sorted([a.client_id, b.client_id])
    assert os.getsid(state.pid) == state.pid  # own session: a terminal's Ctrl+C doesn't reach it
    listeners = tcp_listeners(state.pid)
    assert {addr for addr, _ in listeners} == {"0100007F"}  # 127.0.0.1 only
    assert {port for _, port in listeners} <= set(state.ports.values())

    a.stop()
    assert pid_alive(state.pid)
    assert client_for(ep_b).list_buckets() == []

    b.stop()
    assert wait_gone(state.pid, state.s3_port)
    assert a.live_clients() == []
    assert leftover_sockets(list(state.ports.values())) == []


def test_server_started_by_other_process_outlives_it(tmp_path: Path) -> None:
    other = ClientProcess(tmp_path)  # this one starts the server
    try:
        mine = EmbeddedSeaweed(tmp_path)
        ep = mine.start()
        state = mine.server_state()
        assert state is not None
        assert (ep.endpoint, state.pid) == (other.info["endpoint"], other.info["pid"])

        other.stop()
        assert pid_alive(state.pid)
        client_for(ep).make_bucket("after-starter-left")

        mine.stop()
        assert wait_gone(state.pid, state.s3_port)
    finally:
        if other.proc.poll() is None:
            other.kill()


def test_dead_client_does_not_keep_server_alive(tmp_path: Path) -> None:
    mine = EmbeddedSeaweed(tmp_path)
    ep = mine.start()
    other = ClientProcess(tmp_path)
    state = mine.server_state()
    assert state is not None and other.info["pid"] == state.pid
    assert len(mine.live_clients()) == 2

    other.kill()  # crashes without unregistering
    mine.stop()
    assert wait_gone(state.pid, s3_port(ep))
    assert list(mine.clients_path.iterdir()) == []


def test_stale_state_and_clients_are_recovered(tmp_path: Path) -> None:
    store = EmbeddedSeaweed(tmp_path)
    store.root.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=10)
    store.clients_path.mkdir()
    (store.clients_path / f"{dead.pid}-dead.json").write_text(json.dumps({"pid": dead.pid, "pid_start": 1}))
    # A live pid that is not a weed server (pid reuse): it must be neither reused nor killed.
    me = os.getpid()
    stale = {
        "pid": me,
        "pid_start": proc_start_time(me),
        "ports": {"s3.port": 1},
        "started_at": 0.0,
        "data_dir": str(store.data_path),
    }
    store.state_path.write_text(json.dumps(stale))

    ep = store.start()
    state = store.server_state()
    try:
        assert state is not None and state.pid != me
        assert client_for(ep).list_buckets() == []
        assert store.live_clients() == [store.client_id]
    finally:
        store.stop()
    assert wait_gone(state.pid, state.s3_port)


def test_failed_start_reports_log_tail(tmp_path: Path) -> None:
    fake = tmp_path / "weed"
    fake.write_text("#!/bin/sh\necho 'fatal: disk on fire' >&2\nexit 3\n")
    fake.chmod(0o755)
    store = EmbeddedSeaweed(tmp_path / "app", weed=fake)

    with pytest.raises(RuntimeError, match="(?s)exited with code 3.*disk on fire"):
        store.start(timeout=5)
    assert store.server_state() is None
    assert store.live_clients() == []
    assert store.endpoint is None


def test_ports_are_reused_only_while_all_free() -> None:
    previous = choose_ports()
    assert set(previous) == set(PORT_FLAGS)
    assert len(set(previous.values())) == len(PORT_FLAGS)
    assert previous["admin.port.grpc"] == previous["admin.port"] + 10000
    assert choose_ports(previous) == previous

    with socket.socket() as squatter:
        squatter.bind((LOOPBACK, previous["s3.port"]))
        squatter.listen()
        fresh = choose_ports(previous)
    assert fresh["s3.port"] != previous["s3.port"]
    assert set(fresh) == set(PORT_FLAGS)


def test_exit_without_stop_shuts_server_down(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORGETFUL_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    ports = json.loads(done.stdout)
    store = EmbeddedSeaweed(tmp_path)
    assert store.server_state() is None
    assert store.live_clients() == []
    assert not port_is_open(ports["s3.port"])


def test_server_stops_when_its_only_client_is_killed(tmp_path: Path) -> None:
    """SIGKILL (or a closed terminal's SIGHUP) skips atexit; the janitor must turn off the lights."""
    other = ClientProcess(tmp_path)
    store = EmbeddedSeaweed(tmp_path)
    state = store.server_state()
    assert state is not None and state.pid == other.info["pid"]
    janitor = state.extra["janitor_pid"]
    assert pid_alive(janitor)

    other.kill()
    assert wait_gone(state.pid, state.s3_port, timeout=20)
    deadline = time.monotonic() + 5
    while (pid_alive(janitor) or store.server_state() is not None) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(janitor)
    assert store.server_state() is None  # the janitor tidied up after itself
    assert store.live_clients() == []
