"""The long-running commands: `swarmops slack` (the Slack bot) and `swarmops mcp` (the MCP server).

Kept apart from cli.py so each file stays readable; they use its helpers for settings and errors.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from swarmops.settings import ConfigError

ReadOnly = Annotated[bool, typer.Option("--read-only", help="Hide every tool that changes state.")]


def _address(value: str) -> tuple[str, int]:
    """HOST:PORT, or just PORT for loopback (a server is reachable from elsewhere only when asked)."""
    from swarmops.cli import _fail

    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise _fail(f"--http takes HOST:PORT or PORT, e.g. 127.0.0.1:3000 (got {value!r})")
    return host or "127.0.0.1", int(port)


def slack(
    http: Annotated[
        str | None,
        typer.Option("--http", help="[HOST:]PORT to serve the Events API on (HTTP mode) instead of Socket Mode."),
    ] = None,
    read_only: ReadOnly = False,
) -> None:
    """Run the assistant as a Slack app (Socket Mode by default); see the README's Slack section."""
    from swarmops.cli import _fail, _run, _settings
    from swarmops.slack.serve import run

    settings = _settings(read_only)
    address = _address(http) if http is not None else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        _run(run(settings, address), Console(stderr=True))
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def mcp(
    http: Annotated[
        str | None,
        typer.Option(
            "--http", help="[HOST:]PORT to serve streamable HTTP on (default host 127.0.0.1; default: stdio)."
        ),
    ] = None,
    allow_write: Annotated[
        bool, typer.Option("--allow-write", help="Offer tools that create, upload or submit (two-phase confirm).")
    ] = False,
    allow_delete: Annotated[
        bool, typer.Option("--allow-delete", help="Offer tools that delete, move or terminate, and allow overwrites.")
    ] = False,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="TOML file: allow / deny lists of tool name patterns.")
    ] = None,
    read_only: ReadOnly = False,
) -> None:
    """Serve swarmops' tools to MCP hosts (stdio by default); see the README's MCP section."""
    from swarmops.cli import _fail, _run, _settings
    from swarmops.mcpserver.policy import Policy
    from swarmops.mcpserver.server import serve
    from swarmops.session import current_user

    settings = _settings(read_only)
    address = _address(http) if http is not None else None
    try:
        rules = Policy.load(policy, allow_write=allow_write, allow_delete=allow_delete)
        if address is not None and settings.mcp_token is None:
            raise ConfigError("--http needs SWARMOPS_MCP_TOKEN: the bearer token every client must send")
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    # stdout is the protocol over stdio: logs go to stderr.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _run(serve(settings, rules, address, current_user()), Console(stderr=True))


def add_serving_commands(app: typer.Typer) -> None:
    app.command()(slack)
    app.command()(mcp)
