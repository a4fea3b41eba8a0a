"""Process and lock helpers for background servers shared by several app instances.

Pids are recycled by the OS, so "is this pid alive" alone can make us reuse or kill an unrelated
process; we therefore pair a pid with its kernel start time and, for servers, check the command line.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from swarmops.privacy import private_dir
from swarmops.services.jsonfile import read_json, write_private_json


def proc_start_time(pid: int) -> int | None:
    """Kernel start time of `pid` in clock ticks (Linux /proc), or None where unavailable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses; fields after it are fixed.
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _is_zombie(pid: int) -> bool:
    """Fully exited but unreaped.

    The main thread shows "Z" as soon as it exits, while other threads (a Go server has many) may
    still hold its sockets open, so only a zombie without other threads counts.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if not stat[stat.rfind(")") + 2 :].startswith("Z"):
            return False
        return len(list(Path(f"/proc/{pid}/task").iterdir())) <= 1
    except OSError:
        return False


def pid_alive(pid: int, start_time: int | None = None) -> bool:
    """True if `pid` runs and, when `start_time` is given and knowable, is the same process as recorded.

    Zombies count as dead: a server we started may linger as an unreaped child of another process.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if _is_zombie(pid):
        return False
    if start_time is not None:
        current = proc_start_time(pid)
        if current is not None and current != start_time:
            return False
    return True


def proc_cmdline(pid: int) -> list[str] | None:
    """argv of `pid` (Linux /proc), or None where unavailable."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def terminate(pid: int, grace: float = 5.0, poll: float = 0.05) -> bool:
    """SIGTERM `pid` (its whole group if it leads one), SIGKILL after `grace` seconds.

    Returns True once the process is gone. Signalling the group also reaches helpers the server may
    have spawned; we only do it when `pid` leads its own group, so we never signal our own group.
    """

    def send(sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            try:
                leads_group = os.getpgid(pid) == pid and pid != os.getpgrp()
            except ProcessLookupError:
                return
            if leads_group:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    if not pid_alive(pid):
        return True
    send(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(poll)
    send(signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(poll)
    return not pid_alive(pid)


@contextlib.contextmanager
def file_lock(path: Path, timeout: float) -> Iterator[None]:
    """Exclusive flock on `path`, waiting at most `timeout` seconds.

    flock locks belong to the open file description, so two instances in one process exclude each
    other just like two processes do; the kernel drops the lock if the holder dies.
    """
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"could not lock {path} within {timeout:.0f}s") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def live_client_ids(clients_dir: Path) -> list[str]:
    """Ids (file stems) of client records whose process still runs; records of dead ones are deleted.

    A record is a JSON file holding the client's "pid" and "pid_start" (see proc_start_time).
    """
    live: list[str] = []
    if not clients_dir.is_dir():
        return live
    for path in sorted(clients_dir.glob("*.json")):
        data = read_json(path) or {}
        pid, start = data.get("pid"), data.get("pid_start")
        if isinstance(pid, int) and pid_alive(pid, start if isinstance(start, int) else None):
            live.append(path.stem)
        else:
            path.unlink(missing_ok=True)
    return live


def register_client(clients_dir: Path, nonce: str) -> tuple[str, int]:
    """Record this process as a client of a shared server; returns (client id, pid).

    The id includes the pid, so a forked child registers under its own pid.
    """
    private_dir(clients_dir)
    pid = os.getpid()
    client_id = f"{pid}-{nonce}"
    record = {"pid": pid, "pid_start": proc_start_time(pid), "registered_at": time.time()}
    write_private_json(clients_dir / f"{client_id}.json", record)
    return client_id, pid


def log_tail(path: Path, offset: int, lines: int = 30) -> str:
    """The end of what a server wrote to its log since `offset`, for a start-up error message."""
    with contextlib.suppress(OSError), open(path, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode(errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:]) or "(log is empty)"
    return "(log unreadable)"
