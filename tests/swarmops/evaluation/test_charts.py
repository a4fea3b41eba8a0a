"""An eval report's charts are Chart data drawn by the shared PNG module: the numbers, then the files."""

from __future__ import annotations

import struct
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from swarmops.evaluation.charts import (
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    accuracy_by_tag,
    cost_chart,
    cost_per_case,
    tag_chart,
)
from swarmops.evaluation.metrics import Summary
from swarmops.evaluation.worker import Figures


def _summary(success: float) -> Summary:
    return Summary(
        cases=2, runs=2, routing=None, tool_names=None, args=None, success=success, pass_k=success, k=1,
        safety_violations=0, source_recall=None, invented_sources=0, llm_calls_mean=1.0, prompt_tokens_mean=1.0,
        completion_tokens_mean=1.0, wall_p50_s=0.1, wall_p95_s=0.2,
    )  # fmt: skip


def _run(trial: int, calls: int, tokens: int) -> Any:
    """What the cost chart reads of a case's run: which trial it was and what it cost."""
    return SimpleNamespace(trial=trial, figures=Figures(llm_calls=calls, prompt_tokens=tokens))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_success_by_tag_is_a_bar_per_architecture_with_missing_tags_left_blank() -> None:
    tags = {"swarm": {"storage": _summary(1.0), "kfp": _summary(0.5)}, "flat": {"storage": _summary(0.75)}}
    chart = tag_chart(tags)
    assert (chart.kind, chart.title, chart.y_range) == ("bar", "Task success by tag", (0, 105))
    assert [(s.name, s.x, s.y) for s in chart.series] == [
        ("swarm", ["kfp", "storage"], [50.0, 100.0]),
        ("flat", ["kfp", "storage"], [None, 75.0]),  # no bar rather than a false zero
    ]


def test_cost_per_case_counts_the_first_trial_of_each_case_in_suite_order() -> None:
    runs = {"swarm": [_run(0, 1, 1500), _run(1, 9, 9000), _run(0, 2, 2500)], "flat": [_run(0, 3, 4000)]}
    chart = cost_chart(runs)  # type: ignore[arg-type]
    assert (chart.kind, chart.title, chart.x_label) == ("line", "Cost per case", "case (suite order)")
    assert [(s.name, s.x, s.y) for s in chart.series] == [
        ("swarm: model calls", [1.0, 2.0], [1.0, 2.0]),
        ("swarm: prompt tokens (k)", [1.0, 2.0], [1.5, 2.5]),
        ("flat: model calls", [1.0], [3.0]),
        ("flat: prompt tokens (k)", [1.0], [4.0]),
    ]


def test_the_report_files_are_pngs_sized_for_their_content(tmp_path: Path) -> None:
    few = {"swarm": {"storage": _summary(1.0)}}
    many = {arch: {f"tag-{i:02d}": _summary(0.5) for i in range(40)} for arch in ("swarm", "flat")}
    assert accuracy_by_tag(few, tmp_path / "few.png") == tmp_path / "few.png"
    assert _png_size(tmp_path / "few.png") == (MIN_WIDTH_PX, 500)
    assert _png_size(accuracy_by_tag(many, tmp_path / "many.png")) == (MAX_WIDTH_PX, 500)
    runs = {"swarm": [_run(0, 1, 1000), _run(0, 2, 3000)]}
    assert _png_size(cost_per_case(runs, tmp_path / "cost_per_case.png")) == (1300, 650)  # type: ignore[arg-type]
