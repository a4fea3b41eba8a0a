"""The help screen: every key and slash command."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

KEYS = [
    ("enter", "send the message"),
    ("up / down", "input history"),
    ("tab / →", "complete a slash command"),
    ("ctrl+c", "cancel the running turn (the app keeps running)"),
    ("y / n", "approve / reject the pending change"),
    ("v", "on a chart (click it, or shift+tab to it): the numbers behind it / the chart"),
    ("ctrl+n", "new thread"),
    ("ctrl+t", "focus the thread list (enter switches)"),
    ("f1", "this help"),
    ("ctrl+q", "quit"),
]
COMMANDS = [
    ("/new", "start a new thread"),
    ("/threads", "focus the thread list"),
    ("/rename TITLE", "rename this thread"),
    ("/delete", "delete this thread"),
    ("/read-only", "toggle read-only mode (hides every tool that changes state)"),
    ("/clear", "clear the screen (the thread is kept)"),
    ("/help", "this help"),
    ("/quit", "leave"),
]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 84; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    HelpScreen DataTable { height: auto; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,q,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        keys = DataTable(show_cursor=False)
        keys.add_columns("key", "what it does")
        keys.add_rows(KEYS)
        commands = DataTable(show_cursor=False)
        commands.add_columns("command", "what it does")
        commands.add_rows(COMMANDS)
        with Vertical():
            yield Label("[b]swarmops — keys[/b]")
            yield keys
            yield Label("[b]slash commands[/b]")
            yield commands
            yield Label("esc to close")
