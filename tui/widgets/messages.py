"""Conversation items: what the user said, what an agent answered, handoffs and errors.

Text from people, models, tools and documents is never parsed as Textual markup (a "[/x]" in an
answer would otherwise crash the app): everything goes through `markup=False` or Content variables.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown, Static


class UserMessage(Static):
    DEFAULT_CSS = """
    UserMessage { background: $boost; color: $text; padding: 0 1; margin: 1 0 0 0; border-left: thick $accent; }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)


class AgentMessage(Markdown):
    """An agent's answer, streamed into a Markdown block."""

    DEFAULT_CSS = """
    AgentMessage { margin: 0 0 0 0; padding: 0 1; background: $surface; }
    AgentMessage.router { border-left: thick $success; }
    """

    def __init__(self, agent: str) -> None:
        super().__init__("", classes=agent)
        self.agent = agent
        self.border_title = agent


class LineBreaks:
    """Makes single newlines real line breaks (Markdown would join them), except inside code
    fences; works on streamed pieces, remembering whether a fence is open across them."""

    def __init__(self) -> None:
        self.in_code = False
        self._line = ""

    def __call__(self, delta: str) -> str:
        out = []
        for ch in delta:
            if ch != "\n":
                self._line += ch
                out.append(ch)
                continue
            if self._line.lstrip().startswith("```"):
                self.in_code = not self.in_code
                out.append("\n")
            else:
                out.append("\n" if self.in_code else "  \n")
            self._line = ""
        return "".join(out)


class AgentLabel(Static):
    DEFAULT_CSS = "AgentLabel { color: $text-muted; padding: 0 1; margin: 1 0 0 0; }"

    def __init__(self, agent: str) -> None:
        super().__init__(Content.from_markup("[b $success]$agent[/]", agent=agent))


class HandoffLine(Static):
    DEFAULT_CSS = "HandoffLine { color: $accent; padding: 0 1; }"

    def __init__(self, source: str, target: str, task: str) -> None:
        super().__init__(Content.from_markup("→ $a hands off to [b]$b[/b]: $t", a=source, b=target, t=task))


class ErrorMessage(Static):
    DEFAULT_CSS = "ErrorMessage { color: $error; border-left: thick $error; padding: 0 1; margin: 1 0 0 0; }"

    def __init__(self, where: str, message: str) -> None:
        super().__init__(Content.from_markup("[b]error[/b] in $w: $m", w=where, m=message))


class Notice(Static):
    DEFAULT_CSS = "Notice { color: $text-muted; padding: 0 1; }"

    def __init__(self, text: str) -> None:
        super().__init__(text, markup=False)
