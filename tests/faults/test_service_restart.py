"""Fault suite: an embedded server dies under a long-lived session (the terminal chat's situation).

The real session API on fully embedded backends (what `swarmops chat` opens), the offline planner,
and SIGKILL to the server between two turns.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from swarmops.events import Status, ToolResultEvent
from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import pid_alive
from swarmops.session import Assistant
from swarmops.settings import Settings
from tests.helpers import of_type, run_turn


def kill_server(state_file: Path) -> int:
    pid = (read_json(state_file) or {})["pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return pid


def settings_for(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_provider="offline", embedded_idle_timeout=0)


async def test_a_killed_object_store_is_started_again_on_next_use_with_its_data(tmp_path: Path) -> None:
    """Promise: a dead embedded SeaweedFS is detected and restarted on the next use, with its data
    intact, and the session says so (status events: restarting, then recovered)."""
    async with Assistant.open(settings_for(tmp_path)) as assistant:
        await run_turn(assistant, "t", "create a bucket called survives-restart", decide=lambda _: True)
        old = kill_server(tmp_path / "data" / "seaweedfs" / "state.json")

        events = await run_turn(assistant, "t", "list my buckets")
    results: list[ToolResultEvent] = of_type(events, "tool_result")
    assert results and all(r.ok for r in results), results
    assert "survives-restart" in str(results[-1].data), "the data must survive the restart"
    statuses: list[Status] = of_type(events, "status")
    assert [(s.source, s.state) for s in statuses] == [("storage", "restarting"), ("storage", "recovered")]
    new = (read_json(tmp_path / "data" / "seaweedfs" / "state.json") or {}).get("pid")
    assert new is None or new != old  # stopped again at the end of the session, or a new server


async def test_a_killed_kfp_api_is_started_again_on_next_use(tmp_path: Path) -> None:
    """Promise: a dead embedded KFP API is restarted on the next use; earlier pipelines are still there."""
    async with Assistant.open(settings_for(tmp_path)) as assistant:
        first = await run_turn(assistant, "t", "list my pipelines")
        assert all(r.ok for r in of_type(first, "tool_result")), first
        kill_server(tmp_path / "data" / "kfp" / "state.json")

        events = await run_turn(assistant, "t", "list my pipelines")
    results: list[ToolResultEvent] = of_type(events, "tool_result")
    assert results and all(r.ok for r in results), results
    assert "iris" in str(results[-1].data)
    statuses: list[Status] = of_type(events, "status")
    assert ("pipelines", "recovered") in [(s.source, s.state) for s in statuses]
