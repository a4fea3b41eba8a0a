"""An approval card: exactly what will change, Approve/Reject buttons and y/n keys.

The turn's worker awaits `future`; the card resolves it from a button, a key, or a cancelled
turn. y/n only act while the card is pending, so they never steal keys afterwards.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Label, Static


class ApprovalCard(Vertical, can_focus=True):
    DEFAULT_CSS = """
    ApprovalCard { border: round $warning; height: auto; padding: 0 1; margin: 1 0 0 2; }
    ApprovalCard:focus-within { border: round $accent; }
    ApprovalCard .preview { padding: 1 0 0 0; }
    ApprovalCard Horizontal { height: auto; margin-top: 1; }
    ApprovalCard Button { margin-right: 2; }
    ApprovalCard.decided { border: round $panel; }
    """
    BINDINGS = [Binding("y", "decide(True)", "Approve"), Binding("n", "decide(False)", "Reject")]
    pending: reactive[bool] = reactive(True)

    def __init__(self, agent: str, tool: str, args: dict[str, Any], preview: str) -> None:
        super().__init__()
        self.agent, self.tool, self.args, self.preview = agent, tool, args, preview
        self.future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.border_title = "approval needed"

    def compose(self) -> ComposeResult:
        yield Label(
            Content.from_markup(
                "[b]$agent · $tool[/b]($args)", agent=self.agent, tool=self.tool, args=json.dumps(self.args)
            )
        )
        yield Static(self.preview, markup=False, classes="preview")
        yield Label("Approve this change? (y/n)", id="verdict")
        with Horizontal():
            yield Button("Approve (y)", id="approve", variant="success")
            yield Button("Reject (n)", id="reject", variant="error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.pending if action == "decide" else True

    def action_decide(self, approved: bool) -> None:
        self.resolve(approved)

    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        self.resolve(True)

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self.resolve(False)

    def resolve(self, approved: bool | None) -> None:
        """True/False from the person; None when the turn was cancelled."""
        if not self.pending:
            return
        self.pending = False
        if not self.future.done():
            if approved is None:
                self.future.cancel()
            else:
                self.future.set_result(approved)
        verdict = {True: "✓ approved", False: "✗ rejected: nothing was changed", None: "cancelled"}[approved]
        self.query_one("#verdict", Label).update(verdict)
        self.query_one(Horizontal).remove()  # decided: the buttons are noise now
        self.add_class("decided")
        self.refresh_bindings()
