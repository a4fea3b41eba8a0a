"""Watchdog that stops the shared SeaweedFS once every client process has died.

Clients normally stop the server themselves (stop() or atexit), but an app killed by SIGKILL, or by
SIGHUP when its terminal closes, runs no Python cleanup; without this the ~160 MB server would run
until some later swarmops happened to start and stop on the same data dir. Runs detached next to the
server, uses only the stdlib and our small helpers, and exits as soon as the server is gone.

Usage: python -m swarmops.services.seaweed_janitor ROOT SERVER_PID [INTERVAL_SECONDS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import file_lock, live_client_ids, pid_alive, terminate
from swarmops.services.seaweed_cmd import remove_stale_sockets


def sweep(root: Path, server_pid: int) -> bool:
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
            terminate(server_pid, grace=5.0)
            remove_stale_sockets((state.get("ports") or {}).values())
            (root / "state.json").unlink(missing_ok=True)
            return True
    except TimeoutError:
        return False  # a client is starting or stopping; look again next round


def main(argv: list[str]) -> int:
    root, server_pid = Path(argv[0]), int(argv[1])
    interval = float(argv[2]) if len(argv) > 2 else 2.0
    while True:
        time.sleep(interval)
        if sweep(root, server_pid):
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
