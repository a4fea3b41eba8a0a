"""The terminal chat closed at an approval card, opened again on the same thread: the card comes back.

The offline planner and a real S3 server on loopback; the two app instances share one state file,
as two launches of `swarmops chat --thread` do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.planner.model import OfflinePlanner
from tests.helpers import raw_client
from tests.tui.conftest import SIZE, factory_for, finish_turn, make_app, send, wait_ready, wait_until
from tui.widgets.approval import ApprovalCard


async def _leave_at_the_card(tmp_path: Path, endpoint: str, request: str) -> None:
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=endpoint))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, request)
        await wait_until(pilot, lambda: app.query(ApprovalCard), what="the approval card")
        # Quit with the change undecided (the card's worker is cancelled by the exit).


def _reopened(tmp_path: Path, endpoint: str) -> Any:
    return make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=endpoint))


async def test_a_card_left_waiting_is_shown_again_and_its_button_approves(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: reopening the thread shows the pending change with its preview and live buttons."""
    await _leave_at_the_card(tmp_path, s3_endpoint, "create a bucket called reopened-bucket")
    assert not raw_client(s3_endpoint).bucket_exists("reopened-bucket")

    app = _reopened(tmp_path, s3_endpoint)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        card = app.query_one(ApprovalCard)
        assert card.pending and "reopened-bucket" in str(card.query_one(".preview").visual)
        await pilot.click(card.query_one("#approve"))
        await wait_until(pilot, lambda: app.turn is not None, what="the resumed turn")
        await finish_turn(app, pilot)
    assert raw_client(s3_endpoint).bucket_exists("reopened-bucket")


async def test_typing_no_answers_the_card_left_waiting(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: a typed "no" rejects the pending change (not a new request), and the card says so."""
    await _leave_at_the_card(tmp_path, s3_endpoint, "create a bucket called typed-no-bucket")

    app = _reopened(tmp_path, s3_endpoint)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        card = app.query_one(ApprovalCard)
        app.query_one("#prompt").focus()
        await send(app, pilot, "no")
        await finish_turn(app, pilot)
        assert not card.pending and "rejected" in str(card.query_one("#verdict").visual)
        assert len(app.query(ApprovalCard)) == 1, "a rejection must not ask again"
    assert not raw_client(s3_endpoint).bucket_exists("typed-no-bucket")


async def test_a_killed_store_is_shown_restarting_and_recovered(tmp_path: Path) -> None:
    """Promise: when the embedded object store died under the chat, the next turn restarts it and the
    conversation and status bar show the outage and the recovery."""
    import os
    import signal

    from swarmops.services.jsonfile import read_json
    from swarmops.session import Assistant
    from swarmops.settings import Settings
    from tui.widgets.messages import Notice
    from tui.widgets.status import StatusBar

    settings = Settings(data_dir=tmp_path / "data", model_provider="offline", embedded_idle_timeout=0)
    app = make_app(lambda: Assistant.open(settings))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "list my buckets")
        await finish_turn(app, pilot)
        os.kill(read_json(tmp_path / "data" / "seaweedfs" / "state.json")["pid"], signal.SIGKILL)
        await send(app, pilot, "list my buckets")
        await finish_turn(app, pilot)
        notices = [str(n.visual) for n in app.query(Notice)]
        assert any(n.startswith("storage restarting") for n in notices), notices
        assert any(n.startswith("storage recovered") for n in notices), notices
        assert "storage:ok" in str(app.query_one(StatusBar).visual)
