"""`swarmops threads`: list, rename and delete conversation threads, and move them into a team's database.

Kept apart from cli.py so each file stays readable; they use its helpers for settings and errors
(imported when called: cli.py adds these commands, so it may still be loading).
Every command works on the store the settings name: SQLite in the data dir, or PostgreSQL
(`SWARMOPS_DATABASE_URL`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from swarmops.threads import StateStoreError

if TYPE_CHECKING:
    from swarmops.conversations import Threads
    from swarmops.threads import ThreadInfo

threads_app = typer.Typer(
    help="List, rename and delete conversation threads; copy them into a team database.", no_args_is_help=True
)


@contextlib.contextmanager
def _thread_store() -> Iterator[Threads]:
    """The thread list (SQLite, or the team's PostgreSQL); a store that cannot be used ends the command
    in one line, untouched."""
    from swarmops.cli import _fail, _settings
    from swarmops.conversations import open_threads

    try:
        store = open_threads(_settings(), _settings().data_dir)
        try:
            yield store
        finally:
            store.close()
    except StateStoreError as exc:
        raise _fail(str(exc)) from None


@threads_app.command("list")
def threads_list() -> None:
    """Threads, most recently used first (titles masked: one may quote a key someone pasted)."""
    import datetime as dt

    from rich.table import Table

    table = Table("thread", "title", "last used")
    with _thread_store() as store:
        for t in store.list():
            table.add_row(t.id, t.title, dt.datetime.fromtimestamp(t.updated).strftime("%Y-%m-%d %H:%M"))
    Console().print(table)


@threads_app.command("rename")
def threads_rename(thread_id: str, title: str) -> None:
    """Give a thread a new title."""
    with _thread_store() as store:
        renamed = store.rename(thread_id, title)
    if not renamed:
        Console(stderr=True).print(f"[red]no thread {thread_id!r}[/] (see `swarmops threads list`)")
        raise typer.Exit(1)


@threads_app.command("delete")
def threads_delete(thread_id: str) -> None:
    """Delete a thread and its saved conversation state."""
    from swarmops.cli import _settings
    from swarmops.conversations import delete_checkpoints

    with _thread_store() as store:
        known = store.delete(thread_id)
        delete_checkpoints(_settings(), _settings().data_dir, thread_id)
    if not known:
        Console(stderr=True).print(f"[yellow]no thread {thread_id!r} was listed; its state (if any) was removed[/]")


@threads_app.command("migrate")
def threads_migrate(
    source: Annotated[
        Path | None,
        typer.Option("--from", help="The SQLite state file to copy from (default: <data dir>/state.sqlite)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be copied; copy nothing.")] = False,
) -> None:
    """Copy the threads of a SQLite state file (checkpoints, waiting approvals) into SWARMOPS_DATABASE_URL."""
    from swarmops.cli import _fail, _settings
    from swarmops.conversations import database_url
    from swarmops.migrate import migrate
    from swarmops.pgstate import where

    settings = _settings()
    url = database_url(settings)
    if url is None:
        raise _fail("set SWARMOPS_DATABASE_URL to the PostgreSQL database to copy the threads into")
    state_file = source or Path(settings.data_dir) / "state.sqlite"
    console = Console()

    def said(info: ThreadInfo, status: str) -> None:
        console.print(f"  {info.id}  [dim]{info.title}[/]  {status}", highlight=False)

    console.print(f"{'checking' if dry_run else 'copying'} {state_file} -> {where(url)}", highlight=False)
    try:
        result = migrate(state_file, url, dry_run=dry_run, progress=said)
    except StateStoreError as exc:
        raise _fail(str(exc)) from None
    verb = "would copy" if dry_run else "copied"
    console.print(
        f"{verb} {len(result.copied)} thread(s)"
        + ("" if dry_run else f" ({result.checkpoints} checkpoint(s))")
        + f", {len(result.skipped)} already in the database",
        highlight=False,
    )
