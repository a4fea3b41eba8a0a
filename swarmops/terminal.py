"""Reading a person's input in the terminal commands (`ask`, `chat --plain`) without eating Ctrl+C.

Inside `asyncio.run` the first Ctrl+C only cancels the main task; a prompt blocked in input()
would swallow it and the person would have to press Ctrl+C twice. While we wait for a line,
Python's default handler is put back, so the first Ctrl+C raises KeyboardInterrupt at once.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from rich.console import Console
from rich.prompt import Prompt

from swarmops.approvals import ASK_AGAIN, verdict


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt right here (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def read_line(console: Console, prompt: str) -> str | None:
    """One line from the person, or None at end of input. Ctrl+C raises KeyboardInterrupt."""
    with interruptible():
        try:
            return Prompt.ask(prompt, console=console)
        except EOFError:
            return None


def ask_approval(console: Console) -> bool | None:
    """yes/approve -> True, no/reject -> False, asked again on anything else; None at end of input."""
    while True:
        answer = read_line(console, "Approve this change? [bold](yes/no)[/]")
        if answer is None:
            return None
        decided = verdict(answer)
        if decided is not None:
            return decided
        console.print(f"[yellow]{ASK_AGAIN}[/]")
