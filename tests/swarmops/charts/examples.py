"""Charts as tools return them, one per kind, and a tool returning them: shared by the chart tests."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agents.registry import Specialist
from tools.base import ToolSpec
from tools.charts import Chart, Series, as_data

BARS = Chart(
    kind="bar",
    title="Accuracy by run",
    x_label="class",
    y_label="accuracy",
    series=[
        Series(name="run-alpha", x=["cat", "dog", "bird"], y=[0.91, 0.84, None]),
        Series(name="run-beta", x=["cat", "dog"], y=[0.72, 0.95]),
    ],
    y_range=(0.0, 1.0),
)
LINES = Chart(
    kind="line",
    title="Loss per epoch",
    x_label="epoch",
    series=[
        Series(name="train", x=[1, 2, 3, 4], y=[3.0, 2.0, None, 1.0]),
        Series(name="validation", x=[1, 2, 3, 4], y=[3.5, 2.5, 2.25, 1.75]),
    ],
)
HEATMAP = Chart(
    kind="heatmap",
    title="Confusion matrix",
    x_label="predicted",
    y_label="true",
    matrix=[[50, 3, 1], [2, 45, 7], [0, 6, 38]],
    rows=["cat", "dog", "bird"],
    columns=["cat", "dog", "bird"],
)
ALL = [BARS, LINES, HEATMAP]


class NoArgs(BaseModel):
    pass


def _class_report(args: NoArgs, ctx: None) -> dict[str, Any]:
    return {"model": "demo-classifier", "accuracy": 0.89, "charts": as_data(BARS, HEATMAP)}


#: A real read-only tool (run by the real tool runner and session) whose result carries charts,
#: until the product's own charting tools (plot_object, compare_runs) are there to drive instead.
CLASS_REPORT = ToolSpec(
    name="class_report",
    description="Per-class accuracy of the demo classifier, with its confusion matrix.",
    args_schema=NoArgs,
    func=_class_report,
    group="metrics",
    mutating=False,
)


def metrics_specialist() -> Specialist:
    return Specialist(
        name="metrics",
        description="Model metrics as numbers and charts.",
        prompt="Report model metrics.",
        tools=[CLASS_REPORT],
        context=None,
    )
