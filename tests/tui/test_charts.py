"""Charts in the terminal chat: a tool result with charts shows them in its panel, `v` the numbers.

The model is scripted and calls a real tool (run by the real session) whose result carries a bar
chart and a confusion matrix. What is asserted is what is on screen (the compositor's lines), not
widget internals. The snapshots draw one tool panel on its own, with a fixed duration, so nothing
in them varies between runs; update them after an intended change with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from agents.scripted import ScriptedChatModel, call, say
from tests.swarmops.charts.examples import BARS, HEATMAP, LINES, metrics_specialist
from tests.tui.conftest import SIZE, factory_for, finish_turn, make_app, send, wait_ready, wait_until
from tools.charts import as_data
from tui.widgets.chart import ChartPlot, ChartView
from tui.widgets.tool_panel import ToolPanel


def on_screen(app: App[Any]) -> str:
    """Every line the terminal shows right now."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_a_result_with_charts_shows_them_and_v_switches_to_the_numbers(tmp_path: Path) -> None:
    model = ScriptedChatModel(
        script=[call("transfer_to_metrics", task="the class report"), call("class_report"), say("Here it is.")]
    )
    app = make_app(factory_for(tmp_path, model, [metrics_specialist()], label="scripted"), thread="charts")
    toggles: dict[int, bool] = {}  # by message: a message is seen again at each widget it bubbles through

    def hook(message: Any) -> None:
        if isinstance(message, ChartView.Toggled):
            toggles[id(message)] = message.show_numbers

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "show the class report")
        await wait_until(pilot, lambda: app.query(ChartView), what="the chart")
        await finish_turn(app, pilot)

        panel = app.query_one(ToolPanel)
        assert not panel.collapsed  # a chart is there to be looked at
        bars, matrix = panel.query(ChartView)
        assert [bars.chart.title, matrix.chart.title] == ["Accuracy by run", "Confusion matrix"]
        bars.scroll_visible(animate=False)
        await pilot.pause()
        screen = on_screen(app)
        assert "██ run-alpha   ▒▒ run-beta" in screen and "▒▒▒▒" in screen  # drawn, with its legend
        assert "v · numbers" in screen and "0.91" not in screen  # the hint, and not yet the numbers
        assert '"charts"' not in screen  # the rest of the result is shown without the chart data

        await pilot.click(bars.query_one(ChartPlot))
        assert app.focused is bars
        assert "Chart / numbers" in on_screen(app)  # the key in the footer while a chart is focused
        await pilot.press("v")
        await pilot.pause()
        bars.scroll_visible(animate=False)
        await pilot.pause()
        screen = on_screen(app)
        assert "0.91" in screen and "0.95" in screen and "run-beta" in screen  # the numbers
        assert "▒▒▒▒" not in screen and "v · chart" in screen  # instead of the picture

        await pilot.press("v")
        await pilot.pause()
        assert "▒▒▒▒" in on_screen(app)
        assert list(toggles.values()) == [True, False]  # each switch announced once, as a typed message


class PanelApp(App[None]):
    """One finished tool panel, as the chat shows it, with nothing around it that varies."""

    CSS = "VerticalScroll { padding: 0 1; }"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        yield VerticalScroll()

    async def on_mount(self) -> None:
        panel = ToolPanel("metrics", "class_report", {"model": "demo"}, mutating=False, call_id="c1")
        await self.query_one(VerticalScroll).mount(panel)
        await panel.show_result(ok=True, data=self.data, error=None, truncated=False, duration_ms=42.0)


def _panel_app(data: dict[str, Any]) -> PanelApp:
    app = PanelApp(data)
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app


def test_snapshot_a_panel_with_a_line_chart_and_a_confusion_matrix(snap_compare: Any) -> None:
    app = _panel_app({"model": "demo", "charts": as_data(LINES, HEATMAP)})
    assert snap_compare(app, terminal_size=SIZE)


def test_snapshot_a_bar_chart_showing_its_numbers(snap_compare: Any) -> None:
    app = _panel_app({"model": "demo", "charts": as_data(BARS)})

    async def run_before(pilot: Any) -> None:
        pilot.app.query_one(ChartView).focus()
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
