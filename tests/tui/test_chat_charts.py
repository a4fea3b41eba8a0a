"""Charts in the terminal chat end to end: the offline planner, two real iris runs, the embedded backends.

What issue #14 promises a person: after two iris runs, "compare my last two iris runs" and "show me
the confusion matrix of my last run" are answered with charts on screen, drawn from the runs'
real artifacts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from agents.planner.model import OfflinePlanner
from tests.helpers import seaweed_kfp_specialists
from tests.tools.kfp_helpers import kfp_ctx
from tests.tools.kfp_helpers import ok as kfp_ok
from tests.tui.conftest import SIZE, factory_for, finish_turn, make_app, send, wait_ready
from tui.widgets.chart import ChartView
from tui.widgets.tool_panel import ToolPanel


def _iris_runs(kfp_host: str, seaweed_endpoint: Any, workdir: Path) -> list[float]:
    """Two finished iris runs with different forests; their accuracies, oldest first."""
    ctx = kfp_ctx(kfp_host, seaweed_endpoint, workdir, timeout=30)
    accuracies = []
    for trees, depth in ((3, 1), (40, 4)):
        run = kfp_ok(ctx, "submit_run", pipeline="iris", parameters={"n_estimators": trees, "max_depth": depth})
        kfp_ok(ctx, "wait_for_run", run=run["run_id"], timeout_seconds=180)
        compared = kfp_ok(ctx, "compare_runs", runs=[run["run_id"], run["run_id"]])
        accuracies.append(compared["metrics"]["accuracy"][0])
    return accuracies


def _charts(panel: ToolPanel) -> list[Any]:
    return [view.chart for view in panel.query(ChartView)]


async def test_compare_and_confusion_matrix_show_charts(tmp_path: Path, kfp_host: str, seaweed_endpoint: Any) -> None:
    accuracies = await asyncio.to_thread(_iris_runs, kfp_host, seaweed_endpoint, tmp_path)
    specialists = seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path)
    app = make_app(factory_for(tmp_path, OfflinePlanner(), specialists))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "compare my last two iris runs")
        await finish_turn(app, pilot)
        compare = app.query(ToolPanel).last()
        assert compare.tool == "compare_runs"
        by_title = {chart.title: chart for chart in _charts(compare)}
        accuracy = next(c for title, c in by_title.items() if title.startswith("accuracy"))
        assert accuracy.kind == "bar" and sorted(accuracy.series[0].y) == sorted(accuracies)

        await send(app, pilot, "show me the confusion matrix of my last run")
        await finish_turn(app, pilot)
        plots = app.query(ToolPanel).last()
        assert plots.tool == "get_run_plots"
        (matrix,) = _charts(plots)
        assert matrix.kind == "heatmap" and matrix.rows == ["setosa", "versicolor", "virginica"]
        assert sum(map(sum, matrix.matrix)) == 45  # every test row of the newest run, classified once
