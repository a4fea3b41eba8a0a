"""The terminal chat shows swarmops' own troubles: a retried model call, a broken config file."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from agents.retry import ModelRetry, RetryDecision
from agents.scripted import ScriptedChatModel, say
from agents.storage import storage_specialist
from tests.helpers import assistant_for, storage_ctx
from tests.tui.conftest import SIZE, finish_turn, make_app, screen_text, send, wait_ready, wait_until
from tui.widgets.messages import ErrorMessage, Notice
from tui.widgets.status import StatusBar


def _down(messages: object) -> AIMessage:
    raise ConnectionError("refused")


def _factory(tmp_path: Path, model: Any, retry: ModelRetry) -> Any:
    @contextlib.asynccontextmanager
    async def open_assistant() -> AsyncIterator[Any]:
        specs = [storage_specialist(storage_ctx("127.0.0.1:9", tmp_path))]
        async with assistant_for(tmp_path, model, specs, model_label="scripted", model_retry=retry) as assistant:
            assistant.backend_labels = {"storage": "test"}
            yield assistant

    return open_assistant


async def test_a_retried_model_call_is_shown_and_the_bar_follows_it(tmp_path: Path) -> None:
    retry = ModelRetry(
        attempts=3,
        base_backoff_s=0.01,
        max_backoff_s=0.05,
        classify=lambda exc: RetryDecision(True, f"model endpoint http://llm.test/v1 failed ({exc})"),
    )
    model = ScriptedChatModel(script=[_down, say("Hello after all."), _down, _down, _down])
    app = make_app(_factory(tmp_path, model, retry))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "hi")
        await finish_turn(app, pilot)
        notices = [str(n.visual) for n in app.query(Notice)]
        assert any(n.startswith("model retrying: model endpoint http://llm.test/v1 failed (refused)") for n in notices)
        assert "Hello after all." in screen_text(app)
        status = str(app.query_one(StatusBar).visual)
        assert "scripted ·" in status and "retrying" not in status  # recovered: the note is gone
        # Now it stays down: the bar says the model is failing until the next turn.
        await send(app, pilot, "again")
        await finish_turn(app, pilot)
        assert app.query(ErrorMessage) and "scripted (failed)" in str(app.query_one(StatusBar).visual)


async def test_a_broken_config_file_is_shown_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("step_budget = = 3\n")
    monkeypatch.setenv("SWARMOPS_CONFIG", str(config))
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.query(ErrorMessage), what="the start-up error")
        shown = str(app.query_one(ErrorMessage).visual)
        assert f"the config file {config} is not valid TOML: line 1, column" in shown
        assert "ConfigError" not in shown and "Traceback" not in shown
        bar = app.query_one(StatusBar)
        await wait_until(pilot, lambda: "assistant failed to start" in str(bar.visual), what="the status bar")
