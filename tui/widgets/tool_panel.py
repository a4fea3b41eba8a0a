"""One tool call as a collapsible panel: agent, tool, arguments, then duration and result.

Lists of records become tables, everything else pretty JSON; errors are marked and show the
hint and suggestions. Long results start collapsed so the conversation stays readable, except
results with charts (`tools.charts`): the charts are drawn first (tui/widgets/chart.py) and the
panel opens, since a chart is there to be looked at; the rest of the result follows.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.syntax import Syntax
from textual.content import Content
from textual.widgets import Collapsible, DataTable, Static

if TYPE_CHECKING:
    from swarmops.events import ToolError

LONG_RESULT_LINES = 12
MAX_ROWS = 50


def _records(data: Any) -> list[dict[str, Any]] | None:
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                return value
    return None


def _json(data: Any) -> Static:
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    if len(text) > 6000:
        text = text[:6000] + "\n…"
    return Static(Syntax(text, "json", theme="ansi_dark", background_color="default", word_wrap=True))


class ToolPanel(Collapsible):
    DEFAULT_CSS = """
    ToolPanel { margin: 0 0 0 2; padding: 0; border: none; background: $surface; }
    ToolPanel.error > CollapsibleTitle { color: $error; }
    ToolPanel.mutating > CollapsibleTitle { color: $warning; }
    ToolPanel .args { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, agent: str, tool: str, args: dict[str, Any], *, mutating: bool, call_id: str) -> None:
        self.agent, self.tool, self.args, self.call_id = agent, tool, args, call_id
        super().__init__(
            Static(Content.from_markup("[b]arguments[/b]"), classes="args"),
            _json(args),
            title=self._panel_title("running…"),
            collapsed=True,
            classes="mutating" if mutating else "",
        )

    def _panel_title(self, status: str) -> str:
        args = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in self.args.items())
        if len(args) > 70:
            args = args[:70] + "…"
        return f"{self.agent} · {self.tool}({args}) · {status}"

    async def show_progress(self, message: str) -> None:
        self.title = self._panel_title(f"… {message}")

    async def show_result(
        self, *, ok: bool, data: Any, error: ToolError | None, truncated: bool, duration_ms: float
    ) -> None:
        took = f"{duration_ms:.0f} ms" if duration_ms < 10_000 else f"{duration_ms / 1000:.1f} s"
        contents = self.query_one(Collapsible.Contents)
        if not ok:
            code = error.code if error else "Error"
            self.add_class("error")
            self.title = self._panel_title(f"✗ {code} · {took}")
            lines = [f"✗ {code}: {error.message if error else 'the tool failed'}"]
            if error and error.suggestions:
                lines.append(f"did you mean: {', '.join(error.suggestions)}")
            if error and error.hint:
                lines.append(f"hint: {error.hint}")
            if error and error.backend_down:
                lines.append("the backend could not be reached; the request itself may be fine")
            await contents.mount(Static("\n".join(lines), markup=False, classes="error-text"))
            self.collapsed = False  # errors are always shown
            return
        self.title = self._panel_title(f"✓ {took}" + (" · truncated" if truncated else ""))
        from tools.charts import charts_in, without_charts  # loaded with the assistant, never at start-up

        charts = charts_in(data)
        if charts:
            from tui.widgets.chart import ChartView

            await contents.mount_all([ChartView(chart) for chart in charts])
            data = without_charts(data)  # drawn above, not repeated as records
        rows = _records(data)
        if rows:
            cols = list(rows[0].keys())[:8]
            table = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns(*cols)
            table.add_rows([[str(r.get(c, ""))[:60] for c in cols] for r in rows[:MAX_ROWS]])
            await contents.mount(table)
            lines = len(rows)
        else:
            await contents.mount(_json(data))
            lines = len(json.dumps(data, indent=2, default=str).splitlines())
        self.collapsed = lines > LONG_RESULT_LINES and not charts
