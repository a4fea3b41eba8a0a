"""Pipelines through Slack: runs approved with a click, their progress in the thread's status, and a
comparison posted as a chart. The embedded KFP API runs real pipelines; SeaweedFS holds artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.kfp import kfp_specialist
from agents.storage import storage_specialist
from swarmops.slack.blocks import APPROVE
from tests.swarmops.slack.harness import (
    ALICE,
    CHANNEL,
    approvals,
    click,
    dispatch,
    mention,
    message,
    running_bot,
    slack_settings,
)
from tools.kfp import KfpContext, make_kfp_client
from tools.storage import StorageContext, make_minio_client


def _specialists(kfp_host: str, seaweed_endpoint: Any, tmp_path: Path) -> list:
    ep = seaweed_endpoint
    storage = StorageContext(
        client_factory=lambda: make_minio_client(ep.endpoint, ep.access_key, ep.secret_key),
        endpoint=ep.endpoint,
        workdir=tmp_path,
    )
    kfp = KfpContext(client_factory=lambda: make_kfp_client(kfp_host), host=kfp_host, storage=storage)
    return [storage_specialist(storage), kfp_specialist(kfp)]


async def test_comparing_two_runs_posts_a_chart(
    kfp_host: str, seaweed_endpoint: Any, tmp_path: Path, slack_api
) -> None:
    specialists = _specialists(kfp_host, seaweed_endpoint, tmp_path)
    async with running_bot(tmp_path, slack_settings(slack_api.url), specialists) as bot:
        first = mention("run iris with 10 trees and wait for it")
        thread = first["event"]["ts"]
        await dispatch(bot, first)
        await dispatch(bot, click(approvals(slack_api.messages(CHANNEL))[0], APPROVE, ALICE))
        await dispatch(bot, message("run iris with 30 trees and wait for it", thread_ts=thread))
        await dispatch(bot, click(approvals(slack_api.messages(CHANNEL))[0], APPROVE, ALICE))
        await dispatch(bot, message("compare my last two iris runs", thread_ts=thread))
    statuses = [c["status"] for c in slack_api.of("assistant.threads.setStatus")]
    assert any(s.startswith("wait_for_run:") and "RUNNING" in s for s in statuses)  # the run moving, live
    charts = [u for u in slack_api.uploads if u.filename == "runs.png"]
    assert len(charts) == 1 and charts[0].thread_ts == thread
    assert charts[0].content.startswith(b"\x89PNG\r\n\x1a\n") and len(charts[0].content) > 5000
    assert "iris" in charts[0].title
