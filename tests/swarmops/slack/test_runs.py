"""Pipelines through Slack: runs approved with a click, their progress in the thread's status, and a
comparison's charts (compare_runs returns them as data) posted as PNGs. The embedded KFP API runs real
pipelines; SeaweedFS holds artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from swarmops.slack.blocks import APPROVE
from tests.helpers import seaweed_kfp_specialists
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


async def test_comparing_two_runs_posts_its_charts(
    kfp_host: str, seaweed_endpoint: Any, tmp_path: Path, slack_api
) -> None:
    specialists = seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path)
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
    charts = [u for u in slack_api.uploads if u.filename.endswith(".png")]
    assert charts and all(c.thread_ts == thread and c.title for c in charts)
    assert all(c.content.startswith(b"\x89PNG\r\n\x1a\n") and len(c.content) > 5000 for c in charts)
