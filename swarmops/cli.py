"""The `swarmops` command line: ask, chat, doctor, index, eval, graph, slack, threads.

Exit codes: 0 when the command did what was asked; 1 when it ran but ended in an error (for `ask`:
the turn reported an error, e.g. the model endpoint or a backend was unreachable); 2 for a usage or
configuration problem (or a damaged or locked conversation store), reported in one line without a
traceback; 3 when `ask` ended with a change still waiting for approval; 130 when interrupted.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from swarmops.events import ApprovalRequest, Decision, TurnDone
from swarmops.settings import ConfigError, Settings
from swarmops.threads import StateStoreError

if TYPE_CHECKING:
    from swarmops.charts.files import ChartSaver
    from swarmops.session import Assistant

T = TypeVar("T")

app = typer.Typer(help="swarmops: a conversational multi-agent assistant for MLOps.", no_args_is_help=True)

ReadOnly = Annotated[bool, typer.Option("--read-only", help="Hide every tool that changes state.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` in red on stderr; the caller raises the returned Exit."""
    Console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _settings(read_only: bool = False) -> Settings:
    """Every command's settings; a configuration problem ends the command here, in one line."""
    try:
        settings = Settings()
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if read_only:
        settings.read_only = True
    return settings


async def _turn(
    assistant: Assistant,
    thread: str,
    text: str | None,
    *,
    yes: bool,
    as_json: bool,
    console: Console,
    resume: Decision | None = None,
    charts: ChartSaver | None = None,
) -> TurnDone | None:
    """Run one turn (or resume a pending approval), rendering events and answering approvals;
    with `charts`, every chart a tool returns is also saved as a PNG and its path printed."""
    from swarmops.events import ToolResultEvent
    from swarmops.render import ConsoleRenderer
    from swarmops.terminal import ask_approval

    renderer = ConsoleRenderer(console)
    done: TurnDone | None = None
    interactive = sys.stdin.isatty() and not as_json
    async for event in assistant.astream(thread, text, resume=resume):
        if as_json:
            print(event.to_json(), flush=True)
        else:
            renderer.handle(event)
        if charts is not None and isinstance(event, ToolResultEvent) and event.ok:
            charts.save_and_report(event.tool, event.data, console)
        if isinstance(event, ApprovalRequest):
            if yes:
                event.approve()
            elif interactive:
                answer = ask_approval(console)  # Ctrl+C leaves the change pending and ends the command
                if answer is not None:
                    event.approve() if answer else event.reject()
            elif not event.asked_before:  # a change left waiting earlier is answered by typing yes/no
                event.reject("no terminal to approve it (use --yes to approve changes)")
        if isinstance(event, TurnDone):
            done = event
    return done


def _run(coro: Coroutine[Any, Any, T], console: Console) -> T:
    """asyncio.run with the failures every command reports the same way."""
    try:
        return asyncio.run(coro)
    except KeyboardInterrupt:
        console.print("[yellow]cancelled[/]")
        raise typer.Exit(130) from None
    except StateStoreError as exc:
        raise _fail(str(exc)) from None


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="What you want, in plain language.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve every change without asking.")] = False,
    read_only: ReadOnly = False,
    thread: Annotated[str | None, typer.Option("--thread", "-t", help="Continue this conversation.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event stream as JSON lines.")] = False,
    save_charts: Annotated[
        Path | None,
        typer.Option(
            "--save-charts", metavar="DIR", help="Also write each chart a tool returns as DIR/<n>-<tool>-<title>.png."
        ),
    ] = None,
) -> None:
    """One turn: shows each handoff, tool call and result (charts drawn in text) as it happens.

    Exits 1 when the turn ended in an error (model unreachable, a backend down, a chart that could
    not be saved), 2 for an empty message, a configuration problem or a --save-charts DIR that
    cannot be written.
    """
    if not text.strip():
        raise _fail('the message is empty: say what you want, e.g. swarmops ask "list my buckets"')
    settings = _settings(read_only)
    charts = _chart_saver(save_charts)
    from swarmops.session import Assistant

    console = Console(stderr=as_json)
    thread_id = thread or f"ask-{uuid.uuid4().hex[:8]}"

    async def run() -> TurnDone | None:
        async with Assistant.open(settings, surface="cli") as assistant:
            return await _turn(assistant, thread_id, text, yes=yes, as_json=as_json, console=console, charts=charts)

    done = _run(run(), console)
    if done and done.pending_approval and not as_json:
        console.print(f'[yellow]answer it later with: swarmops ask --thread {thread_id} "yes"[/] (or "no")')
    elif done and not as_json and not thread:
        console.print(f'[dim]continue with: swarmops ask --thread {thread_id} "..."[/]')
    if done is None or done.error is not None or (charts is not None and charts.failed):
        raise typer.Exit(1)
    if done.pending_approval:
        raise typer.Exit(3)


def _chart_saver(directory: Path | None) -> ChartSaver | None:
    """The --save-charts directory, created and checked before anything runs."""
    if directory is None:
        return None
    from swarmops.charts.files import ChartSaveError, ChartSaver

    saver = ChartSaver(directory)
    try:
        saver.prepare()
    except ChartSaveError as exc:
        raise _fail(str(exc)) from None
    return saver


@app.command()
def chat(
    read_only: ReadOnly = False,
    thread: Annotated[str | None, typer.Option("--thread", "-t", help="Continue this conversation.")] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="A line-by-line prompt instead of the full-screen app.")
    ] = False,
) -> None:
    """Open the terminal chat (Textual); --plain for a simple prompt loop."""
    if not plain:
        from tui.app import run

        run(_settings(read_only), thread=thread, read_only=read_only)
        return
    from swarmops.render import ConsoleRenderer
    from swarmops.session import Assistant
    from swarmops.terminal import ask_approval, read_line

    console = Console()
    thread_id = thread or f"chat-{uuid.uuid4().hex[:8]}"
    settings = _settings(read_only)

    async def loop() -> None:
        async with Assistant.open(settings, surface="cli") as assistant:
            console.print(
                f"[bold]swarmops[/] · model: {assistant.model_label} · thread {thread_id} · "
                + ("read-only · " if assistant.read_only else "")
                + "/quit to leave"
            )
            waiting = await assistant.pending_approval(thread_id)
            if waiting is not None:  # reopened with a change left waiting: settle it first
                ConsoleRenderer(console).handle(waiting)
                answer = ask_approval(console)
                if answer is not None:
                    decision = (
                        Decision(approved=True) if answer else Decision(approved=False, reason="rejected by the user")
                    )
                    await _turn(assistant, thread_id, None, yes=False, as_json=False, console=console, resume=decision)
            while True:
                # Read in the loop's own thread: nothing else runs meanwhile, and Ctrl+C ends the chat at once.
                text = read_line(console, "[bold green]you[/]")
                if text is None or text.strip() in {"/quit", "/exit", "/q"}:
                    return
                if text.strip():
                    await _turn(assistant, thread_id, text, yes=False, as_json=False, console=console)

    _run(loop(), console)


@app.command()
def doctor(read_only: ReadOnly = False) -> None:
    """Show resolved settings (secrets masked) and the health of each backend and the model."""
    from swarmops.doctor import run_doctor

    raise typer.Exit(run_doctor(_settings(read_only), Console()))


@app.command()
def index(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories or s3://bucket/prefix URIs.")],
) -> None:
    """Add documents to the knowledge base (Markdown, text, HTML, PDF); re-runs are incremental."""
    from rich.table import Table

    from knowledge.indexer import KnowledgeInputError, index_inputs
    from swarmops.backends import Backends
    from swarmops.render import progress_bar

    console = Console()
    settings = _settings()
    with Backends(settings) as backends:
        needs_s3 = any(i.startswith("s3://") for i in inputs)
        try:
            with progress_bar(console) as bar:
                task = bar.add_task("loading the embedding model", total=None)

                def progress(done: int, total: int, what: str) -> None:
                    bar.update(task, completed=done, total=total, description=what[:60])

                kb = backends.open_knowledge()
                client = backends.storage.client if needs_s3 else None
                report = index_inputs(kb, inputs, minio_client=client, progress=progress)
        except KnowledgeInputError as exc:
            console.print(f"[red]error:[/] {exc}. Nothing was changed.")
            raise typer.Exit(2) from None
    table = Table("result", "count", "examples", title=f"indexed in {report.seconds:.1f} s")
    for label, items in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
        table.add_row(label, str(len(items)), ", ".join(items[:3]) + (" …" if len(items) > 3 else ""))
    table.add_row("unchanged", str(len(report.unchanged)), "")
    table.add_row("chunks written", str(report.chunks_written), "")
    console.print(table)
    for source, reason in report.failed:
        console.print(f"[yellow]skipped[/] {source}: {reason}")


@app.command()
def graph(
    architecture: Annotated[
        str, typer.Option("--architecture", help="swarm (router + specialists) or flat (one agent).")
    ] = "swarm",
) -> None:
    """Print the agent graph as Mermaid (paste it into a Markdown file or mermaid.live to see it)."""
    from agents.graph import mermaid
    from swarmops.backends import Backends

    if architecture not in {"swarm", "flat"}:
        raise _fail(f"unknown architecture {architecture!r}: use swarm or flat")
    with Backends(_settings()) as backends:  # nothing starts: the specialists are only listed
        typer.echo(mermaid(backends.specialists(), "swarm" if architecture == "swarm" else "flat"))


@app.command("eval")
def eval_cases(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Case files or directories (default: the bundled suite, evals/cases).")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="offline (the planner) or endpoint (the configured OpenAI-compatible one).")
    ] = "offline",
    repeat: Annotated[int, typer.Option("--repeat", help="Trials per case; pass^k uses k = repeat.")] = 1,
    jobs: Annotated[int, typer.Option("--jobs", help="Cases run at once, each on its own embedded backends.")] = 2,
    out: Annotated[Path, typer.Option("--out", help="Where report.md, results.json(l) and charts go.")] = Path(
        "eval-out"
    ),
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="JSON of minimum figures; exit 1 when one falls below.")
    ] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only cases with this tag (repeatable).")] = None,
    architecture: Annotated[
        list[str] | None,
        typer.Option("--architecture", help="swarm (router + specialists) and/or flat (one agent); repeatable."),
    ] = None,
) -> None:
    """Run eval cases and report routing, tool use, task success, safety and cost.

    Exits 1 when a figure falls below --baseline or any safety violation occurs, 2 when the cases or
    options cannot be used (reported with file and line before anything runs).
    """
    from swarmops.evaluation.loader import CaseFileError
    from swarmops.evaluation.run import EvalOptions, EvalUsageError, default_paths, run_eval

    console = Console()
    settings = _settings()
    try:
        options = EvalOptions(
            paths=default_paths(paths or []),
            model=model,
            repeat=repeat,
            jobs=jobs,
            out=out,
            baseline=baseline,
            only=only or [],
            architectures=architecture or ["swarm"],
        )
        code = _run(run_eval(options, settings, console), console)
    except CaseFileError as exc:
        raise _fail(f"the cases cannot be used:\n{exc}") from None
    except EvalUsageError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


def _serving_commands() -> None:
    """`swarmops slack` and `swarmops mcp` live in servecli.py (they only share the helpers above)."""
    from swarmops.servecli import add_serving_commands

    add_serving_commands(app)
    from swarmops.threadscli import threads_app

    app.add_typer(threads_app, name="threads")


_serving_commands()

if __name__ == "__main__":
    app()
