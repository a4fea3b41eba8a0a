"""The SeaweedFS janitor (see swarmops.services.janitor): also removes the unix sockets weed leaves.

Usage: python -m swarmops.services.seaweed_janitor ROOT SERVER_PID [INTERVAL_SECONDS]
"""

from __future__ import annotations

import sys
from typing import Any

from swarmops.services.janitor import run
from swarmops.services.seaweed_cmd import remove_stale_sockets


def _remove_sockets(state: dict[str, Any]) -> None:
    remove_stale_sockets((state.get("ports") or {}).values())


def main(argv: list[str]) -> int:
    return run(argv, grace=5.0, after_stop=_remove_sockets)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
