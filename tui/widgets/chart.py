"""A chart from a tool result, drawn in the terminal, with the numbers behind it one key away.

Bars and lines are drawn by plotext inside a textual-plotext `PlotextPlot`, so the picture is
redrawn at whatever width the panel has; a heatmap (which plotext cannot label) is a table with
shaded cells. `v` on a focused chart (click it, or shift+tab from the prompt) switches between the
picture and a table of its values, because a chart shows the shape and a person often then wants
the exact number. The switch is announced with a typed `ChartView.Toggled` message.

This module loads plotext: the tool panel imports it only when a result carries charts, so the
chat's start-up never pays for it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual_plotext import PlotextPlot

from swarmops.charts.terminal import draw, heatmap_table, legend, numbers
from tools.charts import Chart

TOGGLE_KEY = "v"


class ChartPlot(PlotextPlot):
    """One bar or line chart, drawn once into the widget's plotext figure; the widget sizes it."""

    DEFAULT_CSS = "ChartPlot { height: 16; width: 1fr; }"

    def __init__(self, chart: Chart, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.chart = chart
        draw(self.plt, chart, colour=True)


class ChartView(Vertical, can_focus=True):
    """A chart and its numbers; `v` switches between them."""

    DEFAULT_CSS = """
    ChartView { height: auto; border: round $panel; padding: 0 1; margin: 0 0 1 0; }
    ChartView:focus { border: round $accent; }
    ChartView .legend { height: auto; padding: 0 4; }
    ChartView .numbers { display: none; height: auto; }
    ChartView Static { height: auto; }
    """
    BINDINGS = [Binding(TOGGLE_KEY, "toggle_numbers", "Chart / numbers")]

    #: True while the numbers are shown instead of the picture.
    show_numbers: reactive[bool] = reactive(False, init=False)

    class Toggled(Message):
        """The view switched between its picture and its numbers."""

        def __init__(self, view: ChartView, show_numbers: bool) -> None:
            super().__init__()
            self.view = view
            self.show_numbers = show_numbers

        @property
        def control(self) -> ChartView:
            return self.view

    def __init__(self, chart: Chart) -> None:
        super().__init__()
        self.chart = chart
        self.border_subtitle = self._hint()

    def compose(self) -> ComposeResult:
        if self.chart.kind == "heatmap":
            yield Static(heatmap_table(self.chart, colour=True), classes="picture")
        else:
            yield ChartPlot(self.chart, classes="picture")
            key = legend(self.chart, colour=True)
            if key.plain:
                yield Static(key, classes="picture legend")
        yield Static(numbers(self.chart), classes="numbers")

    def action_toggle_numbers(self) -> None:
        self.show_numbers = not self.show_numbers

    def watch_show_numbers(self, show_numbers: bool) -> None:
        for picture in self.query(".picture"):
            picture.display = not show_numbers
        self.query_one(".numbers").display = show_numbers
        self.border_subtitle = self._hint()
        self.post_message(self.Toggled(self, show_numbers))

    def _hint(self) -> str:
        return f"{TOGGLE_KEY} · {'chart' if self.show_numbers else 'numbers'}"
