"""Rendering session events in a terminal with rich (used by `swarmops ask` and the REPL).

A tool result that carries charts (`tools.charts`) is shown as its other fields, then each chart
drawn in text under it (plotext, loaded only when a chart is drawn).
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from swarmops.events import (
    ApprovalRequest,
    ApprovalResult,
    AssistantMessage,
    AssistantText,
    ErrorEvent,
    Event,
    Handoff,
    Status,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
    TurnDone,
)
from tools.charts import Chart, charts_in, without_charts

MAX_ROWS = 20
#: The size of a chart under a tool result: compact, so the conversation stays readable.
CHART_WIDTH, CHART_HEIGHT = 70, 14


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in args.items())


def chart_renderable(chart: Chart, *, colour: bool, width: int = CHART_WIDTH) -> Text:
    """A chart drawn in text: colour where the console shows it, distinct markers where it does not."""
    from swarmops.charts.terminal import text

    return Text.from_ansi(text(chart, width=width, height=CHART_HEIGHT, colour=colour))


def result_renderable(data: Any) -> Any:
    """A table for lists of records, pretty JSON for anything else (charts left out: they are drawn)."""
    data = without_charts(data)
    if isinstance(data, dict):
        rows = next((v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
        if rows:
            cols = list(rows[0].keys())[:6]
            table = Table(show_edge=False, pad_edge=False, header_style="bold")
            for col in cols:
                table.add_column(col)
            for row in rows[:MAX_ROWS]:
                table.add_row(*[str(row.get(c, ""))[:60] for c in cols])
            if len(rows) > MAX_ROWS or data.get("truncated"):
                table.caption = f"{len(rows)} shown of {data.get('count', len(rows))}" + (
                    " (truncated)" if data.get("truncated") else ""
                )
            return table
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    if len(text) > 2000:
        text = text[:2000] + "\n…"
    return Syntax(text, "json", theme="ansi_dark", word_wrap=True)


class ConsoleRenderer:
    """Prints each event as it arrives; streamed text is written as it comes."""

    def __init__(self, console: Console, *, show_results: bool = True) -> None:
        self.console = console
        self.show_results = show_results
        self._streaming: str | None = None

    def _end_stream(self) -> None:
        if self._streaming is not None:
            self.console.print()
            self._streaming = None

    def handle(self, event: Event) -> None:
        c = self.console
        if isinstance(event, AssistantText):
            if self._streaming != event.agent:
                self._end_stream()
                c.print(f"[bold magenta]{event.agent}[/] ", end="")
                self._streaming = event.agent
            c.print(event.delta, end="", markup=False, highlight=False)
            return
        if isinstance(event, AssistantMessage):
            self._end_stream()
            return
        self._end_stream()
        if isinstance(event, Handoff):
            c.print(f"[cyan]→ {event.from_agent} hands off to [bold]{event.to_agent}[/]:[/] {event.task}")
        elif isinstance(event, ToolCall):
            mark = "[yellow]✎[/]" if event.mutating else "[blue]⚙[/]"
            c.print(f"  {mark} [bold]{event.agent}.{event.tool}[/]({_args(event.args)})", highlight=False)
        elif isinstance(event, ToolProgress):
            c.print(f"    [dim]… {event.message}[/]", highlight=False)
        elif isinstance(event, ToolResultEvent):
            took = f"[dim]{event.duration_ms:.0f} ms[/]"
            if event.ok:
                c.print(f"    [green]✓ {event.tool}[/] {took}" + (" [yellow](truncated)[/]" if event.truncated else ""))
                if self.show_results and event.data is not None:
                    c.print(Panel(result_renderable(event.data), border_style="dim", expand=False))
                    self._charts(event.data)
            else:
                err = event.error
                code, message = (err.code, err.message) if err else ("Error", "the tool failed")
                c.print(f"    [red]✗ {event.tool} {escape(code)}[/]: {escape(message)} {took}", highlight=False)
                if err and err.suggestions:
                    c.print(f"      [dim]did you mean: {escape(', '.join(err.suggestions))}[/]", highlight=False)
                if err and err.hint:
                    c.print(f"      [dim]hint: {escape(err.hint)}[/]", highlight=False)
                if err and err.backend_down:
                    c.print("      [dim]the backend could not be reached; the request itself may be fine[/]")
        elif isinstance(event, ApprovalRequest):
            earlier = " [dim](left waiting earlier)[/]" if event.asked_before else ""
            c.print(
                Panel(
                    f"[bold]{event.agent}.{event.tool}[/]({_args(event.args)})\n\n{event.preview}",
                    title=f"[yellow]approval needed[/]{earlier}",
                    border_style="yellow",
                    expand=False,
                )
            )
        elif isinstance(event, ApprovalResult):
            why = f" ({escape(event.reason)})" if event.reason else ""
            verdict = "[green]approved[/]" if event.approved else f"[red]rejected[/]{why}"
            who = f" [dim]by {escape(event.by.user)} ({event.by.surface})[/]" if event.by else ""
            c.print(f"  {verdict} {event.tool}{who}", highlight=False)
        elif isinstance(event, ErrorEvent):
            c.print(f"[bold red]error[/] in {escape(event.where)}: {escape(event.message)}", highlight=False)
        elif isinstance(event, Status):
            style = {"recovered": "dim green", "failed": "red"}.get(event.state, "yellow")
            c.print(f"  [{style}]↻ {event.source} {event.state}: {escape(event.message)}[/]", highlight=False)
        elif isinstance(event, TurnDone):
            c.print(
                f"[dim]{event.llm_calls} model call{'' if event.llm_calls == 1 else 's'} · "
                f"{event.input_tokens} tokens in / {event.output_tokens} out"
                f" · {event.wall_ms / 1000:.2f} s · thread {event.thread_id}[/]"
            )
            if event.pending_approval:
                c.print("[yellow]An approval is still pending in this thread.[/]")

    def _charts(self, data: Any) -> None:
        width = max(30, min(CHART_WIDTH, self.console.width - 4))
        for chart in charts_in(data):
            self.console.print(
                Padding(
                    chart_renderable(chart, colour=self.console.color_system is not None, width=width),
                    (0, 0, 0, 4),
                    expand=False,
                )
            )

    def final_markdown(self, text: str) -> None:
        self.console.print(Markdown(text))


def progress_bar(console: Console) -> Progress:
    """The bar long commands show (indexing, an eval run): what is happening, n of m, time so far."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
