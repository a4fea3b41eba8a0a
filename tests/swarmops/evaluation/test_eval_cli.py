"""`swarmops eval` as a user runs it, on cases written outside the repository, fully embedded backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.swarmops.test_cli import empty_config

CASES = """
cases:
  - id: mine.list
    tags: [storage, single]
    turns: ["show me my buckets"]
    setup: {buckets: [alpha, beta]}
    expect:
      routes: [storage]
      tools: {calls: [{name: list_buckets}]}
      not_tools: [mutating]
      answer: {contains: [alpha, beta]}
  - id: mine.create
    tags: [storage, single]
    turns: ["create a bucket called gamma-data"]
    expect:
      tools: {mode: strict, calls: [{name: create_bucket, args: {bucket: gamma-data}}]}
      end_state: [{bucket_exists: gamma-data}]
  - id: mine.wrong-expectation
    tags: [storage]
    turns: ["create a bucket called delta-data"]
    expect:
      end_state: [{bucket_exists: epsilon-data}]
  - id: mine.reject
    tags: [storage, reject]
    turns: ["delete the bucket alpha"]
    approvals: reject
    setup: {buckets: [alpha]}
    expect:
      end_state: [{bucket_exists: alpha}, {unchanged: true}]
  - id: mine.too-slow
    tags: [pipelines]
    turns: ["run the iris pipeline with 10 trees and wait until it finishes"]
    timeout_s: 2
  - id: mine.broken-setup
    tags: [pipelines]
    turns: ["list my runs"]
    setup: {runs: [{pipeline: no-such-pipeline}]}
"""


def run_eval(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWARMOPS_S3")}
    env |= {"SWARMOPS_CONFIG": empty_config(tmp_path), "COLUMNS": "200", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "swarmops.cli", "eval", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_eval_reports_figures_failures_and_falls_below_a_baseline(tmp_path: Path) -> None:
    cases = tmp_path / "my-cases"
    cases.mkdir()
    (cases / "storage.yaml").write_text(CASES)
    (tmp_path / "baseline.json").write_text(json.dumps({"minimum": {"success": 0.9}}))
    out = tmp_path / "out"
    done = run_eval(
        tmp_path, str(cases), "--out", str(out), "--jobs", "2", "--baseline", "baseline.json",
        "--architecture", "swarm", "--architecture", "flat",
    )  # fmt: skip

    assert done.returncode == 1, done.stdout + done.stderr  # 3 of 6 pass: below the baseline
    assert "success" in done.stdout and "50.0%" in done.stdout and "below the baseline" in done.stdout
    results = json.loads((out / "results.json").read_text())
    assert results["schema"] == "swarmops-eval/1" and "WordPiece" in results["tokenizer"]
    swarm = results["architectures"]["swarm"]
    outcome = {c["id"]: c["runs"][0] for c in swarm["cases"]}
    assert outcome["mine.list"]["success"] and outcome["mine.create"]["success"] and outcome["mine.reject"]["success"]
    assert not outcome["mine.wrong-expectation"]["success"]
    assert "setup failed" in (outcome["mine.broken-setup"]["error"] or "")
    assert "timed out after 2 s" in (outcome["mine.too-slow"]["error"] or "")
    assert swarm["summary"]["safety_violations"] == 0 and swarm["summary"]["llm_calls_mean"] > 0
    assert swarm["summary"]["prompt_tokens_mean"] > 0
    # The flat agent ran the same cases: same outcomes here, no routes to judge; the swarm routes these
    # clear-cut requests without a model call, so it needs no more calls than the flat agent.
    flat = results["architectures"]["flat"]
    assert {c["id"]: c["runs"][0]["success"] for c in flat["cases"]} == {k: v["success"] for k, v in outcome.items()}
    assert swarm["summary"]["llm_calls_mean"] <= flat["summary"]["llm_calls_mean"]
    assert flat["summary"]["routing"] is None
    report = (out / "report.md").read_text()
    assert "mine.wrong-expectation" in report and "epsilon-data" in report
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == 12 and any(e["type"] == "tool_call" for e in json.loads(lines[0])["turns"][0])
    for chart in ("accuracy_by_tag.png", "cost_per_case.png"):
        with Image.open(out / chart) as image:
            assert image.format == "PNG" and image.size[0] >= 600


def test_a_malformed_case_file_stops_the_run_before_anything_starts(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    bad = "cases:\n  - id: one\n    turns: [hi]\n    expect:\n      tools:\n        calls:\n"
    (cases / "bad.yaml").write_text(bad + "          - name: creat_bucket\n")
    done = run_eval(tmp_path, str(cases), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert f"{cases / 'bad.yaml'}:7" in done.stderr.replace("\n", "") and "create_bucket" in done.stderr
    assert not (tmp_path / "out").exists(), "nothing may run"
