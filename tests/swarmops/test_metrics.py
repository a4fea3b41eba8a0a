"""Prometheus figures counted from real turns (moto S3 on loopback, a scripted model), and the
operations endpoint that serves them with the liveness and readiness probes."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client import REGISTRY

from agents.scripted import ScriptedChatModel, call, say
from swarmops.opsserver import ops_endpoint
from swarmops.services.ports import free_ports
from tests.helpers import assistant_for, http_get, run_turn


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _model() -> ScriptedChatModel:
    return ScriptedChatModel(
        script=[
            call("transfer_to_storage", task="list then create"),
            call("list_buckets"),
            call("create_bucket", bucket="counted"),
            say("Done."),
            say(""),
        ]
    )


async def test_a_turn_counts_its_tools_model_calls_and_the_approval_it_left_waiting(
    tmp_path: Path, s3_endpoint: str
) -> None:
    before = {
        "turns": _value("swarmops_turns_total", surface="api", outcome="waiting"),
        "ok_turns": _value("swarmops_turns_total", surface="api", outcome="ok"),
        "listed": _value("swarmops_tool_calls_total", tool="list_buckets", status="ok"),
        "created": _value("swarmops_tool_calls_total", tool="create_bucket", status="ok"),
        "calls": _value("swarmops_model_calls_total", surface="api"),
        "pending": _value("swarmops_approvals_pending"),
        "approved": _value("swarmops_approvals_total", decision="approved"),
        "timed": _value("swarmops_tool_seconds_count", tool="list_buckets"),
    }
    async with assistant_for(tmp_path, _model(), endpoint=s3_endpoint, metrics=True) as assistant:
        first = await run_turn(assistant, "t", "list my buckets, then create counted")
        assert first[-1].pending_approval
        assert _value("swarmops_turns_total", surface="api", outcome="waiting") == before["turns"] + 1
        assert _value("swarmops_tool_calls_total", tool="list_buckets", status="ok") == before["listed"] + 1
        assert _value("swarmops_tool_seconds_count", tool="list_buckets") == before["timed"] + 1
        assert _value("swarmops_model_calls_total", surface="api") == before["calls"] + first[-1].llm_calls
        assert _value("swarmops_approvals_pending") == before["pending"] + 1

        await run_turn(assistant, "t", "yes")  # decided in a later turn: no longer pending
    assert _value("swarmops_approvals_pending") == before["pending"]
    assert _value("swarmops_approvals_total", decision="approved") == before["approved"] + 1
    assert _value("swarmops_tool_calls_total", tool="create_bucket", status="ok") == before["created"] + 1
    assert _value("swarmops_turns_total", surface="api", outcome="ok") == before["ok_turns"] + 1


async def test_the_endpoint_serves_metrics_liveness_and_readiness() -> None:
    (port,) = free_ports(1)
    why: list[str] = ["not connected to Slack yet"]
    base = f"http://127.0.0.1:{port}"
    async with ops_endpoint("127.0.0.1", port, lambda: why[0] if why else None):
        status, body = await asyncio.to_thread(http_get, f"{base}/readyz")
        assert status == 503 and "not connected to Slack yet" in body
        why.clear()
        assert (await asyncio.to_thread(http_get, f"{base}/readyz"))[0] == 200
        assert (await asyncio.to_thread(http_get, f"{base}/healthz")) == (200, '{"status": "ok"}')
        status, body = await asyncio.to_thread(http_get, f"{base}/metrics")
        assert status == 200 and "# TYPE swarmops_turns_total counter" in body
        assert "swarmops_tool_seconds_bucket" in body and "swarmops_approvals_pending" in body
    try:
        await asyncio.to_thread(http_get, f"{base}/healthz")
    except urllib.error.URLError:
        pass  # the port is closed with the block: nothing is left listening
    else:
        raise AssertionError("the endpoint still answers after its block ended")
