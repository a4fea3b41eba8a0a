"""A thread, including a pending approval, survives the process that started it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import raw_client

ROOT = Path(__file__).resolve().parents[2]


def _phase(data_dir: Path, endpoint: str, phase: str) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.agents.resume_worker", str(data_dir), endpoint, phase],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def test_thread_and_pending_approval_resume_in_a_new_process(tmp_path: Path, s3_endpoint: str) -> None:
    first = _phase(tmp_path, s3_endpoint, "first")
    assert [e["type"] for e in first][-2:] == ["approval_request", "turn_done"]
    assert first[-1]["pending_approval"] is True
    assert not raw_client(s3_endpoint).bucket_exists("kept")

    second = _phase(tmp_path, s3_endpoint, "second")
    assert raw_client(s3_endpoint).bucket_exists("kept")
    results = [e for e in second if e["type"] == "tool_result"]
    assert results and results[0]["tool"] == "create_bucket" and results[0]["ok"]
    finals = [e["final_text"] for e in second if e["type"] == "turn_done"]
    assert finals == ["Created kept.", "Earlier you asked: please create a bucket called kept"]
