"""Watchdog that stops the shared KFP server once every client process has died.

The same idea as seaweed_janitor: clients normally stop the server themselves, but an app killed by
SIGKILL runs no cleanup, and a server left behind would keep running pipelines nobody watches.

Usage: python -m swarmops.services.kfp_server.janitor ROOT SERVER_PID [INTERVAL_SECONDS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import file_lock, live_client_ids, pid_alive, terminate


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
            terminate(server_pid, grace=15.0)
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
