"""`swarmops eval --model endpoint` measures a configured OpenAI-compatible endpoint unchanged.

The endpoint is a scripted OpenAI-compatible server on loopback, reached through langchain-openai
and the openai SDK exactly as a team's own endpoint would be.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from swarmops.evaluation.run import EvalOptions, run_eval
from swarmops.settings import Settings
from tests.plugins.openai_stub import OpenAIStub
from tests.swarmops.test_cli import empty_config

CASE = """
cases:
  - id: endpoint.list
    tags: [storage]
    turns: ["which buckets do we have?"]
    setup: {buckets: [alpha]}
    expect:
      routes: [storage]
      tools: {mode: strict, calls: [{name: list_buckets}]}
      answer: {contains: [alpha]}
"""


async def test_an_endpoint_model_is_measured_like_the_planner(
    openai_stub: OpenAIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWARMOPS_CONFIG", empty_config(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cases.yaml").write_text(CASE)
    # The request is clear-cut: the fast router sends it to storage without a model call, the
    # specialist's one call is list_buckets, and the listing needs no wording (rendered).
    openai_stub.call("list_buckets")
    settings = Settings(openai_base_url=openai_stub.url, openai_api_key="sk-stub-key-0123456789", model="stub-model")
    out = tmp_path / "out"
    options = EvalOptions(paths=[tmp_path / "cases.yaml"], model="endpoint", jobs=1, out=out)

    code = await run_eval(options, settings, Console(width=120, record=True))

    results = json.loads((out / "results.json").read_text())
    assert code == 0 and results["model"].startswith("stub-model @ http://127.0.0.1")
    summary = results["architectures"]["swarm"]["summary"]
    assert summary["success"] == 1.0 and summary["llm_calls_mean"] == 1
    # Counted by the shared tokenizer from what was really sent (tool schemas included), not the
    # endpoint's own figures (the stub reports 11 prompt tokens per call).
    assert summary["prompt_tokens_mean"] > 11 * 10
    assert [r["model"] for r in openai_stub.requests] == ["stub-model"]
    assert "sk-stub-key" not in (out / "results.jsonl").read_text()
