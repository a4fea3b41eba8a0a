"""`swarmops ask` and charts: drawn in text under the tool result, saved as PNGs with --save-charts.

The turn loop `ask` runs (`swarmops.cli._turn`) is driven in-process with a scripted model calling a
real tool (run by the real session and tool runner) whose result carries charts; the option itself
(directory created, a clear error when it cannot be written, JSON output untouched) is checked on
the real command in a subprocess.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

from rich.console import Console

from agents.scripted import ScriptedChatModel, call, say
from swarmops.charts.files import HEIGHT_PX, WIDTH_PX, ChartSaver
from swarmops.cli import _turn
from tests.helpers import assistant_for, raw_client
from tests.swarmops.charts.examples import metrics_specialist
from tests.swarmops.test_cli import swarmops


def _model() -> ScriptedChatModel:
    return ScriptedChatModel(
        script=[
            call("transfer_to_metrics", task="the class report"),
            call("class_report"),
            say("Here it is."),
            say("Done."),
        ]
    )


async def _ask(tmp_path: Path, saver: ChartSaver | None) -> str:
    console = Console(file=io.StringIO(), width=110, color_system=None)
    async with assistant_for(tmp_path, _model(), [metrics_specialist()]) as assistant:
        done = await _turn(
            assistant, "t", "show the class report", yes=False, as_json=False, console=console, charts=saver
        )
    assert done is not None and done.error is None
    return console.file.getvalue()  # type: ignore[attr-defined]


async def test_a_result_with_charts_is_followed_by_the_charts_in_text(tmp_path: Path) -> None:
    out = await _ask(tmp_path, None)
    result, _, charts = out.partition("Accuracy by run")
    assert '"accuracy": 0.89' in result and '"charts"' not in result  # the rest of the result, without the charts
    assert "██ run-alpha" in charts and "▒▒ run-beta" in charts  # the bar chart, series told apart
    assert "true \\ predicted" in charts and "45" in charts  # the confusion matrix as numbers
    assert "\x1b[" not in out  # no colour codes where the console has no colour


async def test_save_charts_writes_each_chart_as_a_png_and_prints_where(tmp_path: Path) -> None:
    directory = tmp_path / "charts" / "today"
    saver = ChartSaver(directory)
    saver.prepare()
    out = await _ask(tmp_path, saver)
    files = sorted(p.name for p in directory.glob("*.png"))
    assert files == ["1-class_report-accuracy-by-run.png", "2-class_report-confusion-matrix.png"]
    for name in files:
        data = (directory / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (WIDTH_PX, HEIGHT_PX)
        assert f"chart saved: {directory / name}" in out.replace("\n", "")
    assert not saver.failed


def test_save_charts_into_a_path_that_is_a_file_fails_before_anything_runs(tmp_path: Path, s3_endpoint: str) -> None:
    (tmp_path / "taken").write_text("not a directory")
    out = swarmops(["ask", "--save-charts", "taken/charts", "list my buckets"], tmp_path, s3_endpoint)
    assert out.returncode == 2
    assert "cannot write charts to taken/charts" in out.stderr and "Traceback" not in out.stderr
    assert "list_buckets" not in out.stdout  # nothing ran


def test_save_charts_creates_the_directory_and_leaves_json_output_alone(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("demo-data")
    out = swarmops(["ask", "--json", "--save-charts", "out/charts", "list my buckets"], tmp_path, s3_endpoint)
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]  # every stdout line is still an event
    assert events[-1]["type"] == "turn_done"
    assert (tmp_path / "out" / "charts").is_dir()
    assert list((tmp_path / "out" / "charts").iterdir()) == []  # no charts in this result, no files


def test_ask_plots_a_csv_in_a_bucket_and_saves_the_png(tmp_path: Path, s3_endpoint: str) -> None:
    """The whole way: the offline planner picks plot_object, the terminal shows the line, the PNG is written."""
    body = b"epoch,loss\n1,0.9\n2,0.5\n3,0.3\n"
    raw_client(s3_endpoint).make_bucket("runs")
    raw_client(s3_endpoint).put_object("runs", "history.csv", io.BytesIO(body), len(body))
    out = swarmops(["ask", "--save-charts", "pics", "plot column loss of s3://runs/history.csv"], tmp_path, s3_endpoint)
    assert out.returncode == 0, out.stderr
    assert "plot_object" in out.stdout and "0.9 -> 0.3" in out.stdout
    (png,) = (tmp_path / "pics").iterdir()
    assert png.name.startswith("1-plot_object-") and png.suffix == ".png"
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (WIDTH_PX, HEIGHT_PX)
