"""Running the bot: Socket Mode (behind a firewall, no public URL) or HTTP (Events API, signed requests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from swarmops.opsserver import ops_endpoint
from swarmops.session import Assistant
from swarmops.settings import ConfigError, Settings
from swarmops.slack.access import Access
from swarmops.slack.bot import SlackBot

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def check_settings(settings: Settings, http: bool) -> None:
    """What each mode needs, said before anything starts."""
    if settings.slack_bot_token is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: the bot token (xoxb-...) from the app's OAuth & Permissions page"
        )
    if http and settings.slack_signing_secret is None:
        raise ConfigError(
            "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) to verify requests"
        )
    if not http and settings.slack_app_token is None:
        raise ConfigError(
            "Socket Mode needs SLACK_APP_TOKEN: an app-level token (xapp-...) with connections:write "
            "(Basic Information > App-Level Tokens); or run with --http HOST:PORT"
        )
    Access.from_settings(settings)  # refuses a bot open to everyone by accident


async def serve_http(bot: SlackBot, host: str, port: int) -> web.AppRunner:
    """Start the Events API endpoint (POST /slack/events); the caller cleans the runner up."""
    # Slack requests are short: on shutdown, wait a few seconds for one in flight, not aiohttp's 60.
    runner = web.AppRunner(bot.app.web_app(path=EVENTS_PATH), shutdown_timeout=5.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def until_stopped() -> None:
    """Wait for SIGTERM (how a container is stopped); Ctrl+C cancels the wait the usual way."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals off the main thread or on Windows
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)
    log.info("stopping on SIGTERM")


async def run(settings: Settings, http: tuple[str, int] | None) -> None:
    """Serve until stopped (SIGTERM or Ctrl+C); turns in flight finish before the assistant closes."""
    check_settings(settings, http is not None)
    connected: list[str] = []

    def ready() -> str | None:
        return None if connected else "not connected to Slack yet"

    async with (
        Assistant.open(settings, surface="slack") as assistant,
        ops_endpoint(settings.metrics_host, settings.metrics_port, ready),
    ):
        bot = SlackBot(assistant, settings)
        who = await bot.app.client.auth_test()
        log.info("connected to %s as %s", who.get("team"), who.get("user"))
        connected.append(str(who.get("team")))
        try:
            if http is None:
                app_token = settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
                handler = AsyncSocketModeHandler(bot.app, app_token)
                await handler.connect_async()
                try:
                    await until_stopped()
                finally:
                    await handler.close_async()
            else:
                runner = await serve_http(bot, *http)
                try:
                    await until_stopped()
                finally:
                    await runner.cleanup()
        finally:
            await bot.idle()
