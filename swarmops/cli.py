"""The `swarmops` command line: ask, chat, doctor, threads."""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Annotated

import typer
from rich.console import Console
from rich.prompt import Confirm, Prompt

from swarmops.events import ApprovalRequest, TurnDone
from swarmops.settings import Settings

app = typer.Typer(help="swarmops: a conversational multi-agent assistant for MLOps.", no_args_is_help=True)
threads_app = typer.Typer(help="List, rename and delete conversation threads.", no_args_is_help=True)
app.add_typer(threads_app, name="threads")

ReadOnly = Annotated[bool, typer.Option("--read-only", help="Hide every tool that changes state.")]


def _settings(read_only: bool = False) -> Settings:
    settings = Settings()
    if read_only:
        settings.read_only = True
    return settings


async def _turn(assistant, thread: str, text: str, *, yes: bool, as_json: bool, console: Console) -> TurnDone | None:  # noqa: ANN001
    from swarmops.render import ConsoleRenderer

    renderer = ConsoleRenderer(console)
    done: TurnDone | None = None
    interactive = sys.stdin.isatty() and not as_json
    async for event in assistant.astream(thread, text):
        if as_json:
            print(event.to_json(), flush=True)
        else:
            renderer.handle(event)
        if isinstance(event, ApprovalRequest):
            if yes:
                event.approve()
            elif interactive:
                event.approve() if Confirm.ask("Approve this change?", default=False) else event.reject()
            else:
                event.reject("no terminal to approve it (use --yes to approve changes)")
        if isinstance(event, TurnDone):
            done = event
    return done


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="What you want, in plain language.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve every change without asking.")] = False,
    read_only: ReadOnly = False,
    thread: Annotated[str | None, typer.Option("--thread", "-t", help="Continue this conversation.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event stream as JSON lines.")] = False,
) -> None:
    """One turn: shows each handoff, tool call and result as it happens."""
    from swarmops.session import Assistant

    console = Console(stderr=as_json)
    thread_id = thread or f"ask-{uuid.uuid4().hex[:8]}"

    async def run() -> TurnDone | None:
        async with Assistant.open(_settings(read_only)) as assistant:
            return await _turn(assistant, thread_id, text, yes=yes, as_json=as_json, console=console)

    try:
        done = asyncio.run(run())
    except KeyboardInterrupt:
        console.print("[yellow]cancelled[/]")
        raise typer.Exit(130) from None
    if done and not as_json and not thread:
        console.print(f'[dim]continue with: swarmops ask --thread {thread_id} "..."[/]')


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
    from swarmops.session import Assistant

    console = Console()
    thread_id = thread or f"chat-{uuid.uuid4().hex[:8]}"

    async def loop() -> None:
        async with Assistant.open(_settings(read_only)) as assistant:
            console.print(
                f"[bold]swarmops[/] · model: {assistant.model_label} · thread {thread_id} · "
                + ("read-only · " if assistant.read_only else "")
                + "/quit to leave"
            )
            while True:
                try:
                    text = await asyncio.to_thread(Prompt.ask, "[bold green]you[/]")
                except (EOFError, KeyboardInterrupt):
                    return
                if text.strip() in {"/quit", "/exit", "/q"}:
                    return
                if text.strip():
                    await _turn(assistant, thread_id, text, yes=False, as_json=False, console=console)

    asyncio.run(loop())


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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from knowledge.indexer import KnowledgeInputError, index_inputs
    from swarmops.backends import Backends

    console = Console()
    settings = _settings()
    with Backends(settings) as backends:
        needs_s3 = any(i.startswith("s3://") for i in inputs)
        try:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
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


@threads_app.command("list")
def threads_list() -> None:
    """Threads, most recently used first."""
    import datetime as dt

    from rich.table import Table

    from swarmops.threads import ThreadStore

    store = ThreadStore(_settings().data_dir / "state.sqlite")
    table = Table("thread", "title", "last used")
    for t in store.list():
        table.add_row(t.id, t.title, dt.datetime.fromtimestamp(t.updated).strftime("%Y-%m-%d %H:%M"))
    Console().print(table)


@threads_app.command("rename")
def threads_rename(thread_id: str, title: str) -> None:
    from swarmops.threads import ThreadStore

    if not ThreadStore(_settings().data_dir / "state.sqlite").rename(thread_id, title):
        Console(stderr=True).print(f"[red]no thread {thread_id!r}[/] (see `swarmops threads list`)")
        raise typer.Exit(1)


@threads_app.command("delete")
def threads_delete(thread_id: str) -> None:
    """Delete a thread and its saved conversation state."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from swarmops.threads import ThreadStore

    path = _settings().data_dir / "state.sqlite"
    known = ThreadStore(path).delete(thread_id)
    with SqliteSaver.from_conn_string(str(path)) as saver:
        saver.delete_thread(thread_id)
    if not known:
        Console(stderr=True).print(f"[yellow]no thread {thread_id!r} was listed; its state (if any) was removed[/]")


if __name__ == "__main__":
    app()
