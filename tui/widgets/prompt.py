"""The message input: Up/Down history and slash-command completion."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.suggester import SuggestFromList
from textual.widgets import Input

SLASH_COMMANDS = ["/help", "/new", "/threads", "/rename", "/delete", "/read-only", "/clear", "/quit"]


class ChatInput(Input):
    BINDINGS = [Binding("up", "history(-1)", show=False), Binding("down", "history(1)", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            placeholder="Ask swarmops… (/help for commands)",
            suggester=SuggestFromList(SLASH_COMMANDS, case_sensitive=False),
            **kwargs,
        )
        self.history: list[str] = []
        self._position = 0

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._position = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)
