"""An eval worker leaves nothing running behind it: its temporary data dir is removed right after."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from agents.planner.model import OfflinePlanner
from swarmops.evaluation.worker import Options, Worker
from swarmops.services.lifecycle import pid_alive
from swarmops.settings import Settings
from tests.services.kfp_helpers import processes_mentioning, version_id, wait_task_running


def test_a_run_in_flight_is_stopped_when_the_worker_closes(tmp_path: Path) -> None:
    """A case that timed out mid-run used to leave the run writing into the data dir being removed."""
    settings = Settings(data_dir=tmp_path / "unused", s3_endpoint=None, kfp_host=None, chroma_url=None)
    worker = Worker(0, tmp_path, settings, Options("swarm", OfflinePlanner, None, None))

    async def scenario() -> tuple[str, int]:
        async with worker.opened() as opened:
            assert opened.backends is not None
            kfp = opened.backends.kfp.client
            pipeline_id, vid = version_id(kfp, "iris")
            exp = kfp.create_experiment("left-behind")
            run_id = kfp.run_pipeline(exp.experiment_id, "slow", pipeline_id=pipeline_id, version_id=vid).run_id
            await asyncio.to_thread(wait_task_running, kfp, run_id, "prepare-data")
            server = opened.backends._kfp_server
            assert server is not None
            state = server.server_state()
            assert state is not None
            return run_id, state["pid"]

    run_id, server_pid = asyncio.run(scenario())
    assert not processes_mentioning(run_id)  # the run's processes are gone...
    assert not pid_alive(server_pid)  # ...and so is the server: it had no run left to wait for
    shutil.rmtree(worker.root)  # nothing writes into the data dir any more
