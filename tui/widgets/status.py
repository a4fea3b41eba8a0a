"""The status bar: model, backend health, session usage, mode."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }"

    def __init__(self) -> None:
        super().__init__(id="status")
        self.model = "starting…"
        self.backends: dict[str, str] = {}
        self.llm_calls = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.read_only = False
        self.state = "starting"

    def refresh_status(self) -> None:
        health = "  ".join(f"{name}:{state}" for name, state in self.backends.items())
        mode = " · read-only" if self.read_only else ""
        self.update(
            Content.from_markup(
                "[b]$model[/b] · $state$mode · $health · LLM $calls calls, $tin/$tout tokens",
                model=self.model,
                health=health or "backends: starting",
                calls=str(self.llm_calls),
                tin=str(self.tokens_in),
                tout=str(self.tokens_out),
                mode=mode,
                state=self.state,
            )
        )
