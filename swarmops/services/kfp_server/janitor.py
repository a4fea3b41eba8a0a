"""The KFP API janitor (see swarmops.services.janitor).

Busy while runs are queued or running, so a run submitted by a process that has since exited
still finishes and publishes its artifacts; a longer grace period on stop, so runs interrupted by
an explicit kill are marked failed cleanly before the server goes.

Usage: python -m swarmops.services.kfp_server.janitor ROOT SERVER_PID [INTERVAL_SECONDS]
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any

from swarmops.services.janitor import run
from swarmops.services.ports import LOOPBACK

ACTIVITY_PATH = "/swarmops/v1/activity"


def activity(port: int, timeout: float = 2.0) -> dict[str, int] | None:
    """{"running": n, "queued": m} from the server on `port`, or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}{ACTIVITY_PATH}", timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, urllib.error.URLError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return {"running": int(data.get("running", 0)), "queued": int(data.get("queued", 0))}


def has_work(state: dict[str, Any]) -> bool:
    """True while runs are queued or running. A server that does not answer counts as busy: stopping
    it could kill a run, and a server that is really gone is noticed by its pid instead."""
    port = state.get("port")
    if not isinstance(port, int):
        return False
    work = activity(port)
    return work is None or work["running"] + work["queued"] > 0


def main(argv: list[str]) -> int:
    return run(argv, grace=15.0, busy=has_work)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
