"""PNG charts: real images of the asked size for every kind, and matplotlib kept out of start-up."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from swarmops.charts.png import png
from tests.swarmops.charts.examples import ALL, BARS, HEATMAP, LINES
from tools.charts import Chart, Series

ROOT = Path(__file__).resolve().parents[3]


def _size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (the first chunk, right after the signature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("chart", ALL, ids=lambda c: c.kind)
@pytest.mark.parametrize("size", [(800, 500), (641, 357)])
def test_every_kind_is_a_png_of_exactly_the_asked_size(chart: Chart, size: tuple[int, int]) -> None:
    assert _size(png(chart, width_px=size[0], height_px=size[1])) == size


def test_default_size_is_800_by_500() -> None:
    assert _size(png(BARS)) == (800, 500)


def test_different_charts_draw_different_pictures() -> None:
    """The data is drawn, not a blank canvas: changing a value changes the image."""
    changed = HEATMAP.model_copy(update={"matrix": [[1, 50, 1], [2, 45, 7], [0, 6, 38]]})
    assert png(HEATMAP) != png(changed)
    assert png(LINES) != png(LINES.model_copy(update={"y_range": (0.0, 10.0)}))


def test_empty_and_gappy_charts_still_draw() -> None:
    empty = Chart(kind="line", title="nothing yet")
    gaps = Chart(kind="bar", title="gaps", series=[Series(name="a", x=["x", "y"], y=[None, float("nan")])])
    for chart in (empty, gaps, Chart(kind="heatmap", title="no cells")):
        assert _size(png(chart, width_px=300, height_px=200)) == (300, 200)


def test_a_tiny_size_is_refused() -> None:
    with pytest.raises(ValueError, match="50x50"):
        png(BARS, width_px=10, height_px=500)


def test_drawing_leaves_no_pyplot_figures_behind() -> None:
    """Slack and MCP draw in long-lived processes: a figure per chart must not pile up."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for chart in ALL:
        png(chart)
    assert plt.get_fignums() == before


def test_importing_the_cli_the_chat_and_the_chart_modules_does_not_load_matplotlib_or_plotext() -> None:
    """Start-up time: the drawing libraries load when a chart is drawn, never on import."""
    script = (
        "import json, sys\n"
        "import swarmops.cli, swarmops.render, swarmops.charts.png, swarmops.charts.terminal, swarmops.charts.files\n"
        "import tui.app\n"
        "print(json.dumps([m for m in ('matplotlib', 'plotext', 'textual_plotext') if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
