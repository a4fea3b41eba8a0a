"""Charts saved as PNG files: what `swarmops ask --save-charts DIR` does with each tool result.

Files are named `<n>-<tool>-<title slug>.png` so a directory reads in the order the charts came
and says where each one came from. Numbering continues after the highest number already in the
directory, so asking again into the same directory adds files instead of overwriting earlier ones.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from tools.charts import Chart, charts_in

#: Saved charts are bigger than Slack's: they are opened on their own, often on a large screen.
WIDTH_PX, HEIGHT_PX = 1000, 600
MAX_SLUG = 60


class ChartSaveError(Exception):
    """The directory cannot take the files (not a directory, no permission, disk full)."""


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: safe in a file name on every system ("chart" if empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-") or "chart"


class ChartSaver:
    """Writes every chart of the tool results it is given into one directory, numbered in order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._next = 1
        #: True once a chart could not be written (the command then ends in an error, after the turn).
        self.failed = False

    def prepare(self) -> None:
        """Create the directory if missing and check that files can be written there, so a bad
        path fails before the turn runs rather than after the work was done."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.directory, prefix=".swarmops-", suffix=".tmp"):
                pass
        except OSError as exc:
            raise ChartSaveError(f"cannot write charts to {self.directory}: {exc.strerror or exc}") from None
        numbers = [int(m.group(1)) for p in self.directory.glob("*.png") if (m := re.match(r"(\d+)-", p.name))]
        self._next = max(numbers, default=0) + 1

    def save(self, tool: str, data: object) -> list[Path | ChartSaveError]:
        """Each chart in one tool result (`ToolResultEvent.data`) written as a PNG: its path, or why
        it could not be written. A failure does not raise: the turn it happened in goes on."""
        saved: list[Path | ChartSaveError] = []
        for chart in charts_in(data):
            try:
                saved.append(self.save_chart(tool, chart))
            except ChartSaveError as exc:
                self.failed = True
                saved.append(exc)
        return saved

    def save_and_report(self, tool: str, data: object, console: Console) -> None:
        """`save()`, with a line per chart saying where it went or why it could not be written."""
        for saved in self.save(tool, data):
            if isinstance(saved, Path):
                console.print(f"    [dim]chart saved:[/] {escape(str(saved))}", highlight=False)
            else:
                console.print(f"    [red]chart not saved:[/] {escape(str(saved))}", highlight=False)

    def save_chart(self, tool: str, chart: Chart) -> Path:
        """One chart written as the next numbered PNG; raises ChartSaveError when it cannot be."""
        from swarmops.charts.png import png

        safe_tool = re.sub(r"[^A-Za-z0-9_-]+", "-", tool).strip("-") or "tool"  # tool names are identifiers
        path = self.directory / f"{self._next}-{safe_tool}-{slugify(chart.title)}.png"
        try:
            path.write_bytes(png(chart, width_px=WIDTH_PX, height_px=HEIGHT_PX))
        except OSError as exc:
            raise ChartSaveError(f"cannot write {path}: {exc.strerror or exc}") from None
        self._next += 1
        return path
