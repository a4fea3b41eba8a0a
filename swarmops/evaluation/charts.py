"""The charts of an eval run, accuracy by tag and cost per case, as `Chart` data drawn to PNG files.

They are drawn by swarmops/charts/png.py, the module that draws tool charts for Slack and MCP hosts,
so a report looks like everything else swarmops shows and there is one drawing module to maintain.
matplotlib is imported by that module only when a report is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from swarmops.evaluation.metrics import CaseRunResult, Summary
from tools.charts import Chart, Series

#: Pixels per tag-and-architecture bar, so a suite with many tags gets a wider picture, within bounds.
PX_PER_BAR, MIN_WIDTH_PX, MAX_WIDTH_PX = 40, 900, 1800


def tag_chart(tags: dict[str, dict[str, Summary]]) -> Chart:
    """Grouped bars: task success (%) per tag (specialists and categories), one series per architecture."""
    names = sorted({t for per_arch in tags.values() for t in per_arch})
    series = [
        Series(name=arch, x=list(names), y=[round(100 * per[n].success, 1) if n in per else None for n in names])
        for arch, per in tags.items()
    ]
    return Chart(kind="bar", title="Task success by tag", y_label="task success (%)", series=series, y_range=(0, 105))


def cost_chart(results: dict[str, Sequence[CaseRunResult]]) -> Chart:
    """Model calls and prompt tokens (in thousands, to share one scale) per case, first trial, suite order."""
    series = []
    for arch, runs in results.items():
        first = [r for r in runs if r.trial == 0]
        cases: list[str | float] = [float(i + 1) for i in range(len(first))]
        series.append(Series(name=f"{arch}: model calls", x=cases, y=[float(r.figures.llm_calls) for r in first]))
        tokens = [r.figures.prompt_tokens / 1000 for r in first]
        series.append(Series(name=f"{arch}: prompt tokens (k)", x=cases, y=tokens))
    return Chart(
        kind="line",
        title="Cost per case",
        x_label="case (suite order)",
        y_label="model calls · prompt tokens (thousands)",
        series=series,
    )


def accuracy_by_tag(tags: dict[str, dict[str, Summary]], path: Path) -> Path:
    """`tag_chart` as a PNG at `path`, wide enough for its bars."""
    from swarmops.charts.png import png

    bars = len({t for per_arch in tags.values() for t in per_arch}) * max(len(tags), 1)
    width = min(MAX_WIDTH_PX, max(MIN_WIDTH_PX, PX_PER_BAR * bars))
    path.write_bytes(png(tag_chart(tags), width_px=width, height_px=500))
    return path


def cost_per_case(results: dict[str, Sequence[CaseRunResult]], path: Path) -> Path:
    """`cost_chart` as a PNG at `path`."""
    from swarmops.charts.png import png

    path.write_bytes(png(cost_chart(results), width_px=1300, height_px=650))
    return path
