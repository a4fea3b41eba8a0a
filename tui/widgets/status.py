"""The status bar: model, backend health, session usage, mode."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

#: How each `Status` state reads in the bar; "recovered" clears the model's note.
_STATE_WORDS = {
    "retrying": "retrying…",
    "down": "down",
    "restarting": "restarting…",
    "recovered": "ok",
    "failed": "failed",
}


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }"

    def __init__(self) -> None:
        super().__init__(id="status")
        self.model = "starting…"
        #: A note after the model's name while its endpoint misbehaves ("retrying…", "failing").
        self.model_state = ""
        self.backends: dict[str, str] = {}
        self.llm_calls = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.read_only = False
        self.state = "starting"

    def show_machinery(self, source: str, state: str) -> None:
        """Reflect a `Status` event: the model's note, or a backend's health ("storage:down")."""
        words = _STATE_WORDS.get(state, state)
        if source == "model":
            self.model_state = "" if state == "recovered" else words
        else:
            self.backends[source] = words
        self.refresh_status()

    def refresh_status(self) -> None:
        health = "  ".join(f"{name}:{state}" for name, state in self.backends.items())
        mode = " · read-only" if self.read_only else ""
        self.update(
            Content.from_markup(
                "[b]$model[/b]$note · $state$mode · $health · LLM $calls calls, $tin/$tout tokens",
                model=self.model,
                note=f" ({self.model_state})" if self.model_state else "",
                health=health or "backends: starting",
                calls=str(self.llm_calls),
                tin=str(self.tokens_in),
                tout=str(self.tokens_out),
                mode=mode,
                state=self.state,
            )
        )
