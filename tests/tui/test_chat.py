"""The terminal chat driven through Textual's Pilot: the offline planner, real backends over loopback.

Every test runs the real app (`SwarmopsApp`) headless, types into the prompt, presses keys and
buttons, and checks what is on screen and what really happened on the backend.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from textual.widgets import DataTable, OptionList

from agents.docs import docs_specialist
from agents.planner.model import OfflinePlanner
from agents.scripted import ScriptedChatModel, say
from agents.storage import storage_specialist
from tests.helpers import raw_client, storage_ctx
from tests.tui.conftest import SIZE, factory_for, finish_turn, make_app, screen_text, send, wait_ready, wait_until
from tools.docs import DocsContext
from tui.screens.help import HelpScreen
from tui.widgets.approval import ApprovalCard
from tui.widgets.messages import Notice, UserMessage
from tui.widgets.prompt import ChatInput
from tui.widgets.status import StatusBar
from tui.widgets.tool_panel import ToolPanel


def _prompt(app: Any) -> ChatInput:
    return app.query_one("#prompt", ChatInput)


def _status(app: Any) -> str:
    return str(app.query_one(StatusBar).visual)


def _notices(app: Any) -> list[str]:
    return [str(n.visual) for n in app.query(Notice)]


def _answer(app: Any) -> str:
    """Every agent answer in the conversation (streamed ones, and ones restored from history)."""
    return "\n\n".join(m.source for m in app.query("#conversation Markdown"))


async def test_storage_request_with_two_approvals(tmp_path: Path, s3_endpoint: str) -> None:
    (tmp_path / "notes.txt").write_text("remember the milk\n")
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        assert "LLM 0 calls" in _status(app)
        await send(app, pilot, "create a bucket called demo-data and upload notes.txt into it")
        await wait_until(pilot, lambda: app.query(ApprovalCard), what="the first approval card")
        first = app.query_one(ApprovalCard)
        assert first.tool == "create_bucket" and "demo-data" in str(first.query_one(".preview").visual)
        # While a change waits for a decision the prompt is disabled and the card has the focus.
        assert _prompt(app).disabled and app.focused is first
        assert not raw_client(s3_endpoint).bucket_exists("demo-data")
        await pilot.click(first.query_one("#approve"))  # the button...
        await wait_until(pilot, lambda: len(app.query(ApprovalCard)) == 2, what="the second approval card")
        second = app.query(ApprovalCard).last()
        assert second.tool == "upload" and "notes.txt" in str(second.query_one(".preview").visual)
        await pilot.press("y")  # ...and the key
        await finish_turn(app, pilot)

        assert first.future.result() is True and second.future.result() is True
        assert not first.pending and "approved" in str(first.query_one("#verdict").visual)
        panels = list(app.query(ToolPanel))
        assert [p.tool for p in panels] == ["create_bucket", "upload"]
        assert all("✓" in str(p.title) and not p.has_class("error") for p in panels)
        assert "Uploaded notes.txt" in _answer(app)
        client = raw_client(s3_endpoint)
        assert client.bucket_exists("demo-data")
        assert client.get_object("demo-data", "notes.txt").read() == b"remember the milk\n"
        status = app.query_one(StatusBar)
        assert status.llm_calls > 0 and f"LLM {status.llm_calls} calls" in _status(app)
        assert "storage:ok" in _status(app)
        assert not _prompt(app).disabled and app.focused is _prompt(app)


async def test_rejecting_changes_nothing(tmp_path: Path, s3_endpoint: str) -> None:
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "create a bucket called demo-data")
        await wait_until(pilot, lambda: app.query(ApprovalCard), what="the approval card")
        card = app.query_one(ApprovalCard)
        await pilot.press("n")
        await finish_turn(app, pilot)
        assert card.future.result() is False
        assert "nothing was changed" in str(card.query_one("#verdict").visual)
        assert not card.query("Button")  # decided: the buttons are gone
        # The call is reported as rejected (to the model too), and never reached the server.
        panel = app.query_one(ToolPanel)
        assert panel.tool == "create_bucket" and "Rejected" in str(panel.title)
        assert "Nothing was changed" in str(panel.query_one(".error-text").visual)
        assert not raw_client(s3_endpoint).bucket_exists("demo-data")
        # y/n act only while the card is pending: now "y" goes to the prompt, not to the card.
        await pilot.press("y")
        assert _prompt(app).value == "y" and card.future.result() is False


async def test_threads_switch_rename_and_delete(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint), thread="thread-a")
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "what buckets do I have?")
        await finish_turn(app, pilot)
        assert "alpha" in _answer(app)

        await send(app, pilot, "/new")
        await pilot.pause()
        thread_b = app.thread_id
        assert thread_b != "thread-a" and not app.query(UserMessage)
        await send(app, pilot, "list the objects in alpha")
        await finish_turn(app, pilot)
        assert [str(m.visual) for m in app.query(UserMessage)] == ["list the objects in alpha"]

        threads = app.query_one("#threads", OptionList)
        ids = [threads.get_option_at_index(i).id for i in range(threads.option_count)]
        assert set(ids) == {"thread-a", thread_b}
        # Pick thread A in the sidebar with the keyboard.
        await pilot.press("ctrl+t")
        assert app.focused is threads
        threads.highlighted = ids.index("thread-a")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.thread_id == "thread-a", what="the switch to thread A")
        await pilot.pause()
        assert [str(m.visual) for m in app.query(UserMessage)] == ["what buckets do I have?"]
        assert "alpha" in _answer(app) and "list the objects" not in screen_text(app)
        assert app.focused is _prompt(app)

        await send(app, pilot, "/rename Bucket inventory")
        await pilot.pause()
        titles = {threads.get_option_at_index(i).id: str(threads.get_option_at_index(i).prompt) for i in range(2)}
        assert titles["thread-a"] == "Bucket inventory"
        assert app.assistant.threads.get("thread-a").title == "Bucket inventory"

        await send(app, pilot, "/delete")
        await pilot.pause()
        assert app.thread_id not in {"thread-a", thread_b}
        assert "thread deleted" in _notices(app)
        assert app.assistant.threads.get("thread-a") is None
        assert await app.assistant.history("thread-a") == []
        ids = [threads.get_option_at_index(i).id for i in range(threads.option_count)]
        assert "thread-a" not in ids and thread_b in ids


class GatedModel(ScriptedChatModel):
    """A scripted model whose first call blocks until cancelled (no sleeps, no timing)."""

    started: Any = None
    never: Any = None
    blocked: list[bool] = []

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if not self.blocked:
            self.blocked.append(True)
            self.started.set()
            await self.never.wait()
        return self._generate(messages, stop)


async def test_ctrl_c_cancels_the_turn_not_the_app(tmp_path: Path, s3_endpoint: str) -> None:
    started, never = asyncio.Event(), asyncio.Event()
    model = GatedModel(script=[say("Still here.")], started=started, never=never, blocked=[])
    app = make_app(factory_for(tmp_path, model, endpoint=s3_endpoint, label="scripted"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "do something slow")
        await asyncio.wait_for(started.wait(), 10)
        assert app.busy and _prompt(app).disabled and "ctrl+c cancels" in _status(app)
        await pilot.press("ctrl+c")
        await finish_turn(app, pilot)
        assert app.is_running
        assert app.turn is not None and app.turn.is_cancelled
        assert "turn cancelled" in _notices(app)
        assert not app.busy and not _prompt(app).disabled and app.focused is _prompt(app)
        assert " · ready · " in _status(app)
        # ctrl+c with nothing running does nothing (and certainly does not quit).
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        # The next turn works.
        await send(app, pilot, "are you there?")
        await finish_turn(app, pilot)
        assert "Still here." in _answer(app)
        assert app.turn.result == "done"


async def test_cancel_while_a_pipeline_run_is_waited_for(tmp_path: Path, kfp_host: str, seaweed_endpoint: Any) -> None:
    from tests.helpers import seaweed_kfp_specialists
    from tools.kfp import make_kfp_client

    specialists = seaweed_kfp_specialists(kfp_host, seaweed_endpoint, tmp_path)
    app = make_app(factory_for(tmp_path, OfflinePlanner(), specialists))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "run the iris pipeline with 50 trees and tell me its accuracy")
        await wait_until(pilot, lambda: app.query(ApprovalCard), timeout=30, what="the submit approval")
        assert app.query_one(ApprovalCard).tool == "submit_run"
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: any(p.tool == "wait_for_run" for p in app.query(ToolPanel)),
            timeout=30,
            what="the wait for the run",
        )
        await pilot.press("ctrl+c")
        await finish_turn(app, pilot)
        assert app.is_running and app.turn.is_cancelled
        assert "turn cancelled" in _notices(app)
        assert not _prompt(app).disabled
        await send(app, pilot, "list my pipelines")
        await finish_turn(app, pilot)
        assert app.turn.result == "done"
        assert app.query(ToolPanel).last().tool == "list_pipelines"
    # Ctrl+C stopped the waiting, not the run: it goes on to succeed on the server (waited for
    # here so it doesn't linger into other tests on the session's KFP server).
    client = make_kfp_client(kfp_host)
    run = client.list_runs(page_size=1, sort_by="created_at desc").runs[0]
    assert run.display_name.startswith("iris")
    done = await asyncio.to_thread(client.wait_for_run_completion, run.run_id, 120)
    assert str(done.state) == "SUCCEEDED"


async def test_docs_question_cites_the_api(tmp_path: Path, s3_endpoint: str, builtin_kb: Any) -> None:
    storage = storage_ctx(s3_endpoint, tmp_path)
    specialists = [
        storage_specialist(storage),
        docs_specialist(DocsContext(kb_factory=lambda: builtin_kb, storage=storage)),
    ]
    app = make_app(factory_for(tmp_path, OfflinePlanner(), specialists))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "how do I turn off caching for a KFP task?")
        await finish_turn(app, pilot)
        assert [p.tool for p in app.query(ToolPanel)] == ["search_docs"]
        answer = _answer(app)
        assert "set_caching_options" in answer and "Sources:" in answer and "[1]" in answer
        assert not app.query(ApprovalCard)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_backend_errors_show_in_the_conversation(tmp_path: Path) -> None:
    endpoint = f"127.0.0.1:{_closed_port()}"
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=endpoint))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "what buckets do I have?")
        await finish_turn(app, pilot)
        panel = app.query_one(ToolPanel)
        assert panel.has_class("error") and "StorageUnreachable" in str(panel.title)
        assert not panel.collapsed  # errors are shown, not hidden in a collapsed panel
        assert "Cannot reach the object store" in str(panel.query_one(".error-text").visual)
        assert "storage:unreachable" in _status(app)
        assert app.turn.result == "done"
        # The app keeps working: the next message runs a turn of its own.
        await send(app, pilot, "list the objects in alpha")
        await finish_turn(app, pilot)
        assert app.is_running and not _prompt(app).disabled
        assert len(app.query(ToolPanel)) == 2 and len(app.query(UserMessage)) == 2


async def test_slash_commands_and_input_history(tmp_path: Path, s3_endpoint: str) -> None:
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "/help")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        commands = app.screen.query(DataTable).last()
        assert "/read-only" in [str(commands.get_row_at(i)[0]) for i in range(commands.row_count)]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")

        assert "read-only" not in _status(app)
        await send(app, pilot, "/read-only")
        await pilot.pause()
        assert "· read-only" in _status(app) and app.assistant.read_only
        assert any(n.startswith("read-only mode on") for n in _notices(app))
        # In read-only mode a change is not even offered: no approval card, the bucket is not made.
        await send(app, pilot, "create a bucket called demo-data")
        await finish_turn(app, pilot)
        assert not app.query(ApprovalCard) and not raw_client(s3_endpoint).bucket_exists("demo-data")
        await send(app, pilot, "/read-only")
        await pilot.pause()
        assert "read-only" not in _status(app) and not app.assistant.read_only

        await send(app, pilot, "/frobnicate")
        await pilot.pause()
        assert any("unknown command '/frobnicate'" in n for n in _notices(app))
        await send(app, pilot, "/clear")
        await pilot.pause()
        assert not app.query("#conversation > *")

        # Up/Down walk back through what was sent (commands included), Down past the end clears.
        prompt = _prompt(app)
        await pilot.press("up")
        assert prompt.value == "/clear"
        await pilot.press("up", "up")
        assert prompt.value == "/read-only"
        await pilot.press("up")
        assert prompt.value == "create a bucket called demo-data"
        await pilot.press("down")
        assert prompt.value == "/read-only"
        await pilot.press("down", "down", "down")
        assert prompt.value == ""


async def test_a_message_sent_while_the_assistant_opens_waits_then_runs(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    gate = asyncio.Event()
    app = make_app(factory_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint, gate=gate))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.assistant is None and "starting" in _status(app)
        assert not _prompt(app).disabled  # the window takes typing at once
        await send(app, pilot, "what buckets do I have?")
        await wait_until(pilot, lambda: "starting the assistant…" in _notices(app), what="the waiting notice")
        assert app.busy and not app.query(ToolPanel)
        gate.set()
        await wait_until(pilot, lambda: app.turn.is_finished, what="the turn")
        await finish_turn(app, pilot)
        assert app.turn.result == "done"
        assert [p.tool for p in app.query(ToolPanel)] == ["list_buckets"]
        assert "alpha" in _answer(app)
        # The history load at start-up did not wipe the message typed while starting.
        assert [str(m.visual) for m in app.query(UserMessage)] == ["what buckets do I have?"]
