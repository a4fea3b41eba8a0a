"""`swarmops chat`: the Textual terminal chat.

Start-up imports nothing heavy: the window is ready for typing at once while the assistant (graph,
checkpointer, backends) opens in a background worker; a message sent before it is ready waits for
it. Each turn runs in an exclusive worker that consumes the session's typed events and mounts
widgets as they arrive, so the UI never freezes; Ctrl+C cancels the turn, not the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Input, Markdown, OptionList
from textual.worker import Worker, WorkerState

from tui.screens.help import HelpScreen
from tui.widgets.approval import ApprovalCard
from tui.widgets.messages import (
    AgentLabel,
    AgentMessage,
    ErrorMessage,
    HandoffLine,
    LineBreaks,
    Notice,
    UserMessage,
)
from tui.widgets.prompt import ChatInput
from tui.widgets.sidebar import ThreadList
from tui.widgets.status import StatusBar
from tui.widgets.tool_panel import ToolPanel

if TYPE_CHECKING:
    from swarmops.events import Decision

#: Set as early as possible so "ready" is measured from launch.
LAUNCHED = time.perf_counter()

AssistantFactory = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


def new_thread_id() -> str:
    return f"chat-{uuid.uuid4().hex[:8]}"


class SwarmopsApp(App[None]):
    TITLE = "swarmops"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #main { width: 1fr; }
    #conversation { height: 1fr; padding: 0 1; }
    #prompt { margin: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+c", "cancel_turn", "Cancel turn", priority=True),
        Binding("ctrl+n", "new_thread", "New thread"),
        Binding("ctrl+t", "focus_threads", "Threads"),
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    busy: reactive[bool] = reactive(False)

    def __init__(
        self,
        *,
        assistant_factory: AssistantFactory | None = None,
        settings: Any = None,
        thread: str | None = None,
        read_only: bool = False,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self._factory = assistant_factory
        self._settings = settings
        self._read_only = read_only
        self._cursor_blink = cursor_blink
        self.thread_id = thread or new_thread_id()
        self.assistant: Any = None
        self.turn: Worker[Any] | None = None
        self._assistant_ready = asyncio.Event()
        self._stack = contextlib.AsyncExitStack()
        #: Figures for evals/bench_tui.py: seconds from launch to ready, and submit to first event.
        self.metrics: dict[str, float] = {}
        self._submitted_at: float | None = None
        #: The approval card shown from a reopened thread's history, until it is answered.
        self._waiting_card: ApprovalCard | None = None

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ThreadList()
            with Vertical(id="main"):
                yield VerticalScroll(id="conversation")
                prompt = ChatInput(id="prompt")
                prompt.cursor_blink = self._cursor_blink
                yield prompt
                yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conversation", VerticalScroll).anchor()
        self.query_one("#prompt", ChatInput).focus()
        self.query_one(ThreadList).show([], self.thread_id)
        status = self.query_one(StatusBar)
        status.read_only = self._read_only
        status.refresh_status()
        self.open_assistant()

    def on_ready(self) -> None:
        self.metrics["ready_s"] = time.perf_counter() - LAUNCHED

    # --- the assistant ---------------------------------------------------------------------------
    @work(group="startup", exit_on_error=False)
    async def open_assistant(self) -> None:
        status = self.query_one(StatusBar)
        try:
            factory = self._factory or await self._default_factory()
            self.assistant = await self._stack.enter_async_context(factory())
        except Exception as exc:  # a broken config must be shown, not crash the window
            from swarmops.settings import ConfigError

            words = str(exc) if isinstance(exc, ConfigError) else f"{type(exc).__name__}: {exc}"
            await self._mount(ErrorMessage("start-up", words))
            status.state = "assistant failed to start"
            status.refresh_status()
            return
        if self._read_only:
            self.assistant.set_read_only(True)
        status.model = self.assistant.model_label or "model"
        status.backends = {name: "ready" for name in self.assistant.backend_labels} or {}
        status.state = "ready"
        status.refresh_status()
        try:
            # History goes above anything typed while starting, and before a waiting turn streams.
            conv = self.query_one("#conversation", VerticalScroll)
            await self.refresh_threads()
            await self.show_history(self.thread_id, before=conv.children[0] if conv.children else None)
        finally:
            self._assistant_ready.set()

    async def _default_factory(self) -> AssistantFactory:
        # Import the graph stack off the event loop: the window stays responsive meanwhile.
        await asyncio.to_thread(importlib.import_module, "swarmops.session")
        from swarmops.session import Assistant
        from swarmops.settings import Settings

        settings = self._settings or Settings()
        return lambda: Assistant.open(settings, read_only=self._read_only or None, surface="chat")

    async def on_unmount(self) -> None:
        with contextlib.suppress(Exception):
            await self._stack.aclose()

    # --- threads ---------------------------------------------------------------------------------
    async def refresh_threads(self) -> None:
        if self.assistant is None:
            return
        threads = [(t.id, t.title) for t in self.assistant.list_threads()]
        self.query_one(ThreadList).show(threads, self.thread_id)

    async def show_history(self, thread_id: str, *, before: Any = None) -> None:
        """Show a thread's history: replacing the conversation, or above `before` when given."""
        conv = self.query_one("#conversation", VerticalScroll)
        if before is None:
            await conv.remove_children()
        for entry in await self.assistant.history(thread_id):
            if entry.role == "user":
                await conv.mount(UserMessage(entry.text), before=before)
            else:
                await conv.mount(AgentLabel(entry.agent), before=before)
                await conv.mount(Markdown(LineBreaks()(entry.text)), before=before)
        pending = await self.assistant.pending_approval(thread_id)
        if pending is not None:  # left waiting (the app was closed at the card): answer it here and now
            card = ApprovalCard(pending.agent, pending.tool, pending.args, pending.preview)
            card.border_title = "approval needed (left waiting earlier)"
            await conv.mount(card, before=before)
            self._waiting_card = card
            card.future.add_done_callback(lambda future: self._answer_waiting(card, future))
            card.focus()

    def _answer_waiting(self, card: ApprovalCard, future: asyncio.Future[bool]) -> None:
        """A decision on a card shown from history resumes the paused turn."""
        if future.cancelled() or card is not self._waiting_card or self.assistant is None:
            return  # answered by a typed yes/no instead, or the thread was left
        self._waiting_card = None
        from swarmops.events import Decision  # loaded with the assistant, never at start-up

        approved = future.result()
        decision = Decision(approved=True) if approved else Decision(approved=False, reason="rejected by the user")
        self.turn = self.run_turn(None, resume=decision)

    def _settle_waiting_card(self, approved: bool | None) -> None:
        """The change the history card stands for was answered another way (typed, or asked again)."""
        card, self._waiting_card = self._waiting_card, None
        if card is not None:
            card.resolve(approved)

    @on(OptionList.OptionSelected, "#threads")
    async def _switch_thread(self, event: OptionList.OptionSelected) -> None:
        if self.busy or event.option.id is None or event.option.id == self.thread_id:
            return
        self._waiting_card = None
        self.thread_id = event.option.id
        await self.show_history(self.thread_id)
        self.query_one("#prompt", ChatInput).focus()

    async def action_new_thread(self) -> None:
        if self.busy:
            return
        self._waiting_card = None
        self.thread_id = new_thread_id()
        await self.query_one("#conversation", VerticalScroll).remove_children()
        await self.refresh_threads()
        self.query_one("#prompt", ChatInput).focus()

    def action_focus_threads(self) -> None:
        self.query_one(ThreadList).focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    # --- input -----------------------------------------------------------------------------------
    @on(Input.Submitted, "#prompt")
    async def _submit(self, event: Input.Submitted) -> None:
        prompt = self.query_one("#prompt", ChatInput)
        text = event.value.strip()
        prompt.remember(text)
        prompt.value = ""
        if not text:
            return
        if text.startswith("/"):
            await self.run_command(text)
            return
        await self._mount(UserMessage(text))
        self._submitted_at = time.perf_counter()
        self.turn = self.run_turn(text)

    async def run_command(self, text: str) -> None:
        name, _, arg = text.partition(" ")
        conv = self.query_one("#conversation", VerticalScroll)
        if name == "/help":
            self.action_help()
        elif name == "/quit":
            self.exit()
        elif name == "/new":
            await self.action_new_thread()
        elif name == "/threads":
            self.action_focus_threads()
        elif name == "/clear":
            await conv.remove_children()
        elif name == "/read-only":
            self._read_only = not self._read_only
            if self.assistant is not None:
                self.assistant.set_read_only(self._read_only)
            status = self.query_one(StatusBar)
            status.read_only = self._read_only
            status.refresh_status()
            state = "on: tools that change state are hidden" if self._read_only else "off"
            await self._mount(Notice(f"read-only mode {state}"))
        elif name == "/rename" and arg.strip() and self.assistant is not None:
            self.assistant.rename_thread(self.thread_id, arg.strip())
            await self.refresh_threads()
        elif name == "/delete" and self.assistant is not None and not self.busy:
            await self.assistant.delete_thread(self.thread_id)
            await self.action_new_thread()
            await self._mount(Notice("thread deleted"))
        else:
            await self._mount(Notice(f"unknown command {text!r}: try /help"))

    def watch_busy(self, busy: bool) -> None:
        prompt = self.query_one("#prompt", ChatInput)
        prompt.disabled = busy
        status = self.query_one(StatusBar)
        status.state = "working… (ctrl+c cancels)" if busy else "ready"
        status.refresh_status()
        if not busy:
            prompt.focus()

    # --- a turn ----------------------------------------------------------------------------------
    async def _mount(self, widget: Any) -> None:
        await self.query_one("#conversation", VerticalScroll).mount(widget)
        if (
            self._submitted_at is not None
            and "first_event_s" not in self.metrics
            and not isinstance(widget, UserMessage)
        ):
            self.metrics["first_event_s"] = time.perf_counter() - self._submitted_at

    @work(exclusive=True, group="turn", exit_on_error=False)
    async def run_turn(self, text: str | None, resume: Decision | None = None) -> str:
        from swarmops import events as ev

        self.busy = True
        if not self._assistant_ready.is_set():
            await self._mount(Notice("starting the assistant…"))
            await self._assistant_ready.wait()
        status = self.query_one(StatusBar)
        status.model_state = ""  # a new turn: last turn's model trouble is history
        status.refresh_status()
        panels: dict[str, ToolPanel] = {}
        stream: Any = None
        streaming_agent: str | None = None
        breaks = LineBreaks()
        card: ApprovalCard | None = None
        outcome = "done"
        events = self.assistant.astream(self.thread_id, text, resume=resume)

        async def stop_stream() -> None:
            nonlocal stream, streaming_agent
            if stream is not None:
                await stream.stop()
            stream, streaming_agent = None, None

        try:
            async for event in events:
                if isinstance(event, ev.AssistantText):
                    if streaming_agent != event.agent:
                        await stop_stream()
                        await self._mount(AgentLabel(event.agent))
                        block = AgentMessage(event.agent)
                        await self._mount(block)
                        stream, streaming_agent = Markdown.get_stream(block), event.agent
                        breaks = LineBreaks()
                    await stream.write(breaks(event.delta))
                elif isinstance(event, ev.AssistantMessage):
                    await stop_stream()
                elif isinstance(event, ev.Handoff):
                    await stop_stream()
                    await self._mount(HandoffLine(event.from_agent, event.to_agent, event.task))
                elif isinstance(event, ev.ToolCall):
                    await stop_stream()
                    panel = ToolPanel(
                        event.agent, event.tool, event.args, mutating=event.mutating, call_id=event.call_id
                    )
                    panels[event.call_id] = panel
                    await self._mount(panel)
                elif isinstance(event, ev.ToolProgress) and event.call_id in panels:
                    await panels[event.call_id].show_progress(event.message)
                elif isinstance(event, ev.ToolResultEvent) and event.call_id in panels:
                    await panels[event.call_id].show_result(
                        ok=event.ok,
                        data=event.data,
                        error=event.error,
                        truncated=event.truncated,
                        duration_ms=event.duration_ms,
                    )
                    down = event.error is not None and event.error.backend_down
                    status.backends[event.agent] = "unreachable" if down else "ok"
                    status.refresh_status()
                elif isinstance(event, ev.ApprovalRequest):
                    await stop_stream()
                    self._settle_waiting_card(None)  # asked again below, with live buttons
                    card = ApprovalCard(event.agent, event.tool, event.args, event.preview)
                    await self._mount(card)
                    card.focus()
                    event.approve() if await card.future else event.reject()
                    card = None
                elif isinstance(event, ev.ApprovalResult):
                    self._settle_waiting_card(event.approved)  # a typed "yes"/"no" answered it
                elif isinstance(event, ev.ErrorEvent):
                    await stop_stream()
                    await self._mount(ErrorMessage(event.where, event.message))
                    if event.where.startswith("model"):
                        status.show_machinery("model", "failed")
                elif isinstance(event, ev.Status):
                    await stop_stream()  # a retried answer starts a block of its own
                    await self._mount(Notice(f"{event.source} {event.state}: {event.message}"))
                    status.show_machinery(event.source, event.state)
                elif isinstance(event, ev.TurnDone):
                    status.llm_calls += event.llm_calls
                    status.tokens_in += event.input_tokens
                    status.tokens_out += event.output_tokens
                    status.refresh_status()
        except asyncio.CancelledError:
            outcome = "cancelled"
            if card is not None:
                card.resolve(None)
            with contextlib.suppress(Exception):
                await self._mount(Notice("turn cancelled"))
            raise
        except Exception as exc:  # the session reports failures as events; this is a last resort
            outcome = "error"
            await self._mount(ErrorMessage("chat", f"{type(exc).__name__}: {exc}"))
        finally:
            with contextlib.suppress(Exception):
                await stop_stream()
            with contextlib.suppress(Exception):
                await events.aclose()
            self.busy = False
            with contextlib.suppress(Exception):
                await self.refresh_threads()
        return outcome

    # --- cancelling --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_turn":
            return self.turn is not None and self.turn.state in (WorkerState.PENDING, WorkerState.RUNNING)
        return True

    def action_cancel_turn(self) -> None:
        if self.turn is not None:
            self.turn.cancel()


def run(settings: Any = None, *, thread: str | None = None, read_only: bool = False) -> None:
    SwarmopsApp(settings=settings, thread=thread, read_only=read_only).run()
