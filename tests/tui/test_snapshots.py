"""Snapshots of the terminal chat (SVG, under __snapshots__/): start-up, a pending approval, help.

Plain `def` tests: `snap_compare` runs the app in an event loop of its own. Everything that varies
between runs is kept off screen: thread ids are fixed, the storage endpoint is shown under a fixed
label, and the approval snapshot is taken before the tool runs (so no duration is shown).
Update after an intended UI change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.planner.model import OfflinePlanner
from agents.scripted import ScriptedChatModel, call
from agents.storage import storage_specialist
from tests.tui.conftest import SIZE, factory_for, make_app, send, wait_ready, wait_until
from tools.storage import StorageContext, make_minio_client
from tui.widgets.approval import ApprovalCard


def _specialists(tmp_path: Path, endpoint: str) -> list:
    """Storage on the real loopback server, displayed as a fixed endpoint (ports vary per run)."""
    ctx = StorageContext(
        client_factory=lambda: make_minio_client(endpoint, "testing", "testing"),
        endpoint="s3.example:9000",
        workdir=tmp_path,
    )
    return [storage_specialist(ctx)]


def test_start_up_with_an_empty_thread(snap_compare: Any, tmp_path: Path, s3_endpoint: str) -> None:
    app = make_app(factory_for(tmp_path, OfflinePlanner(), _specialists(tmp_path, s3_endpoint)), thread="snap-main")

    async def run_before(pilot: Any) -> None:
        await wait_ready(pilot.app, pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_approval_card_pending(snap_compare: Any, tmp_path: Path, s3_endpoint: str) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="create the bucket demo-data"),
            call("create_bucket", bucket="demo-data"),
        ]
    )
    specialists = _specialists(tmp_path, s3_endpoint)
    app = make_app(factory_for(tmp_path, model, specialists, label="scripted"), thread="snap-approval")

    async def run_before(pilot: Any) -> None:
        await wait_ready(pilot.app, pilot)
        await send(pilot.app, pilot, "create a bucket called demo-data")
        await wait_until(pilot, lambda: pilot.app.query(ApprovalCard), what="the approval card")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_help_screen(snap_compare: Any, tmp_path: Path, s3_endpoint: str) -> None:
    app = make_app(factory_for(tmp_path, OfflinePlanner(), _specialists(tmp_path, s3_endpoint)), thread="snap-help")

    async def run_before(pilot: Any) -> None:
        await wait_ready(pilot.app, pilot)
        await pilot.press("f1")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
