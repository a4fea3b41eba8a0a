"""The KFP API janitor (see swarmops.services.janitor): a longer grace period, so running
pipelines are marked failed cleanly before the server goes.

Usage: python -m swarmops.services.kfp_server.janitor ROOT SERVER_PID [INTERVAL_SECONDS]
"""

from __future__ import annotations

import sys

from swarmops.services.janitor import run


def main(argv: list[str]) -> int:
    return run(argv, grace=15.0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
