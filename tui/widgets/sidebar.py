"""The thread list: most recently used first; selecting one switches the conversation."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ThreadList(OptionList):
    DEFAULT_CSS = """
    ThreadList { width: 28; height: 1fr; border: round $primary; background: $panel; }
    """

    def __init__(self) -> None:
        super().__init__(id="threads")
        self.border_title = "threads"

    def show(self, threads: list[tuple[str, str]], current: str) -> None:
        """threads: (id, title) pairs; the current one is highlighted."""
        self.clear_options()
        ids = [tid for tid, _ in threads]
        if current not in ids:
            threads = [(current, "new conversation"), *threads]
        for tid, title in threads:
            self.add_option(Option(title if len(title) <= 24 else title[:23] + "…", id=tid))
        self.highlighted = [tid for tid, _ in threads].index(current)
