"""Serve the embedded KFP API: `python -m swarmops.services.kfp_server --data-dir DIR --port PORT`.

Binds 127.0.0.1 only: the API has no authentication and runs arbitrary pipeline code.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from swarmops.services.kfp_server.app import create_app
from swarmops.services.kfp_server.objectstore import ObjectStoreLink
from swarmops.services.ports import LOOPBACK


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m swarmops.services.kfp_server")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-parallel", type=int, default=2)
    parser.add_argument(
        "--seaweed-dir", type=Path, help="join the embedded SeaweedFS of this swarmops data dir (else SWARMOPS_S3_*)"
    )
    parser.add_argument("--idle-timeout", type=float, default=0.0, help="for the embedded SeaweedFS it joins")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    objects = ObjectStoreLink(args.seaweed_dir, idle_timeout=args.idle_timeout)
    app = create_app(args.data_dir, max_parallel=args.max_parallel, objects=objects)
    uvicorn.run(
        app,
        host=LOOPBACK,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_S,
    )


#: uvicorn closes an idle connection after 5 s, the interval kfp.Client polls a run at, so a poll
#: could go out on a connection closing at that instant and fail. Idle connections outlive any
#: poll interval a client uses (wait_for_run takes at most 60 s).
KEEP_ALIVE_S = 75


if __name__ == "__main__":
    main()
