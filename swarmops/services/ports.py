"""Loopback port helpers for servers we launch ourselves.

We pick ports up front (instead of letting a server bind port 0) because SeaweedFS needs every port
on its command line, and a fixed, known set lets us check that nothing else binds outside loopback.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterable

LOOPBACK = "127.0.0.1"


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True if a server could bind `port` right now.

    SO_REUSEADDR like Go and most servers set, so a port with only TIME_WAIT leftovers of a server we
    just stopped counts as free (Linux still refuses it while anything listens there).
    """
    if not 0 < port < 65536:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def port_is_open(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_ports(count: int, host: str = LOOPBACK, avoid: Iterable[int] = ()) -> list[int]:
    """Return `count` distinct ports the kernel considers free.

    All sockets stay bound until every port is chosen so the kernel cannot hand out one port twice;
    there is still a window between closing them and the server binding, which callers cover by
    retrying with fresh ports if the server reports a port clash.
    """
    avoided = set(avoid)
    chosen: list[int] = []
    with contextlib.ExitStack() as stack:
        while len(chosen) < count:
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            port = sock.getsockname()[1]
            if port not in avoided and port not in chosen:
                chosen.append(port)
    return chosen


def free_port_pair(offset: int, host: str = LOOPBACK, avoid: Iterable[int] = (), attempts: int = 200) -> int:
    """Return a free port `p` such that `p + offset` is free too.

    Some servers derive a second port from the first (SeaweedFS: gRPC = HTTP + 10000) in places that
    ignore the explicit flag, so both must be free for the pair to work.
    """
    avoided = set(avoid)
    for _ in range(attempts):
        (port,) = free_ports(1, host, avoid=avoided)
        partner = port + offset
        if partner < 65536 and partner not in avoided and port_is_free(partner, host):
            return port
        avoided.add(port)
    raise RuntimeError(f"no free port pair (p, p+{offset}) found on {host} after {attempts} attempts")
