"""Fault suite: the embedded KFP API is killed while a turn waits for a run.

Real processes and real signals: a server of our own on a temp data dir, a pipeline that naps, the
real `wait_for_run` tool through an unmodified kfp.Client, and SIGKILL to the server mid-wait.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from swarmops.services.kfp_server import EmbeddedKfp
from swarmops.services.seaweed import S3Endpoint
from tests.services.kfp_helpers import client, compile_to, nap_pipeline, wait_task_running
from tools.base import ToolResult, run_tool
from tools.kfp import KfpContext, make_kfp_client
from tools.kfp.wait import WAIT_FOR_RUN


def test_killing_the_kfp_api_ends_a_wait_within_seconds_with_what_was_observed(
    tmp_path: Path, seaweed_endpoint: S3Endpoint
) -> None:
    """Promise: a dead KFP API ends wait_for_run with a clear error within 10 s (not the wait's whole
    timeout), naming the last state it observed and saying the current state is unknown."""
    server = EmbeddedKfp(tmp_path, seaweed_endpoint)
    try:
        host = server.start()
        c = client(host)
        package = compile_to(nap_pipeline, tmp_path / "nap.yaml")
        run_id = c.create_run_from_pipeline_package(str(package), arguments={"seconds": 120}).run_id
        wait_task_running(c, run_id, "nap")
        ctx = KfpContext(client_factory=lambda: make_kfp_client(host), host=host)
        outcome: list[ToolResult] = []
        waiter = threading.Thread(
            target=lambda: outcome.append(run_tool(WAIT_FOR_RUN, {"run": run_id, "timeout_seconds": 600}, ctx)),
            daemon=True,
        )
        waiter.start()
        time.sleep(1.0)  # the wait is polling a healthy server
        assert not outcome, "the run naps for two minutes: the wait cannot have ended yet"
        os.kill(server.server_state()["pid"], signal.SIGKILL)
        killed = time.monotonic()
        waiter.join(timeout=30)
        ended_after = time.monotonic() - killed
    finally:
        server.stop()
    assert outcome, "the wait is still hanging 30 s after the server died"
    assert ended_after < 10, f"the wait ended {ended_after:.1f} s after the server died"
    result = outcome[0]
    assert not result.ok and result.error is not None and result.error.code == "KfpUnreachable"
    message = result.error.message
    assert "last seen RUNNING" in message and "unknown" in message, message
    assert "continues" not in message, "it must not claim a state it did not observe"
