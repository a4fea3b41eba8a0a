"""Shared set-up for the terminal chat tests: deterministic rendering, assistant factories, waits."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_textual_snapshot

# NO_COLOR is read (and popped) in App.__init__ and changes the SVG colours; never let it leak in.
os.environ.pop("NO_COLOR", None)
# pytest-textual-snapshot 1.0.0 sets `_file_extension`, which syrupy 7 ignores (it reads
# `file_extension`): snapshots would be written as *.raw. Restore the .svg extension.
pytest_textual_snapshot.SVGImageExtension.file_extension = "svg"

from agents.registry import Specialist  # noqa: E402
from agents.storage import storage_specialist  # noqa: E402
from tests.helpers import assistant_for, storage_ctx  # noqa: E402
from tui.app import SwarmopsApp  # noqa: E402

SIZE = (120, 36)


def make_app(factory: Callable[[], Any] | None, **kwargs: Any) -> SwarmopsApp:
    """An app whose rendering does not depend on the environment (theme, animations, blinking)."""
    kwargs.setdefault("thread", "thread-a")
    app = SwarmopsApp(assistant_factory=factory, cursor_blink=False, **kwargs)
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app


def factory_for(
    tmp_path: Path,
    model: Any,
    specialists: list[Specialist] | None = None,
    *,
    endpoint: str | None = None,
    label: str = "offline-planner",
    gate: asyncio.Event | None = None,
) -> Callable[[], contextlib.AbstractAsyncContextManager[Any]]:
    """A zero-arg assistant factory (what SwarmopsApp takes) over `tests.helpers.assistant_for`.

    The model label is fixed so the status bar is stable; `gate`, when given, holds the assistant
    back until it is set (to test typing while the assistant is still opening).
    """

    @contextlib.asynccontextmanager
    async def open_assistant() -> AsyncIterator[Any]:
        if gate is not None:
            await gate.wait()
        specs = specialists
        if specs is None:
            assert endpoint is not None
            specs = [storage_specialist(storage_ctx(endpoint, tmp_path))]
        async with assistant_for(tmp_path, model, specs, model_label=label) as assistant:
            assistant.backend_labels = {s.name: "test" for s in specs}
            yield assistant

    return open_assistant


async def wait_until(pilot: Any, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> None:
    """Poll the app instead of sleeping a fixed time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what or predicate}"
        await pilot.pause(0.01)


async def wait_ready(app: SwarmopsApp, pilot: Any) -> None:
    await wait_until(pilot, app._assistant_ready.is_set, what="the assistant to open")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def send(app: SwarmopsApp, pilot: Any, text: str) -> None:
    """Type a message (set at once: pilot.press costs ~70 ms a key) and press enter."""
    prompt = app.query_one("#prompt")
    prompt.value = text
    await pilot.press("enter")


async def finish_turn(app: SwarmopsApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: SwarmopsApp) -> str:
    """The text of every widget on the current screen (messages, panel titles, cards, status)."""
    from textual.widgets import Markdown, Static

    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        elif isinstance(widget, Static):
            parts.append(str(widget.visual))
    return "\n".join(parts)
