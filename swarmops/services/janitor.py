"""Watchdog that stops a shared embedded server once every client process has died.

Clients normally stop the server themselves (stop() or atexit), but an app killed by SIGKILL, or
by SIGHUP when its terminal closes, runs no Python cleanup; without this a server (SeaweedFS,
~160 MB; the KFP API, running pipelines nobody watches) would run until some later swarmops
happened to start and stop on the same data dir. Runs detached next to the server, uses only the
stdlib and our small helpers, and exits as soon as the server is gone. Each service has a thin
entry module (its name identifies the process) that calls `run` with its own grace period.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import file_lock, live_client_ids, pid_alive, terminate

AfterStop = Callable[[dict[str, Any]], None]


def sweep(root: Path, server_pid: int, *, grace: float = 5.0, after_stop: AfterStop | None = None) -> bool:
    """One check; True once there is nothing left to watch (server gone, replaced, or just stopped)."""
    state = read_json(root / "state.json")
    if state is None or state.get("pid") != server_pid or not pid_alive(server_pid, state.get("pid_start")):
        return True
    try:
        with file_lock(root / ".lock", timeout=1):
            state = read_json(root / "state.json")
            if state is None or state.get("pid") != server_pid:
                return True
            if live_client_ids(root / "clients"):
                return False
            terminate(server_pid, grace=grace)
            if after_stop is not None:
                after_stop(state)
            (root / "state.json").unlink(missing_ok=True)
            return True
    except TimeoutError:
        return False  # a client is starting or stopping; look again next round


def run(argv: list[str], *, grace: float, after_stop: AfterStop | None = None) -> int:
    """argv: ROOT SERVER_PID [INTERVAL_SECONDS]."""
    root, server_pid = Path(argv[0]), int(argv[1])
    interval = float(argv[2]) if len(argv) > 2 else 2.0
    while True:
        time.sleep(interval)
        if sweep(root, server_pid, grace=grace, after_stop=after_stop):
            return 0
