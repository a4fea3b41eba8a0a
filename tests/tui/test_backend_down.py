"""The status bar learns that a backend is down from the typed error (`backend_down`), never from
the wording of an error code: a timeout code says "down" when the flag is set, and a code that
happens to contain "Unreachable" does not when it is not."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from agents.registry import Specialist
from agents.scripted import ScriptedChatModel, call, say
from tests.tui.conftest import SIZE, factory_for, finish_turn, make_app, send, wait_ready
from tools.base import ToolFailure, ToolSpec
from tui.widgets.status import StatusBar
from tui.widgets.tool_panel import ToolPanel


class NoArgs(BaseModel):
    pass


def _timeout(_: NoArgs, ctx: object) -> dict[str, str]:
    raise ToolFailure("GatewayTimeout", "the gateway did not answer", backend_down=True)


def _misnamed(_: NoArgs, ctx: object) -> dict[str, str]:
    raise ToolFailure("RouteUnreachable", "no route by that name exists", hint="list the routes first")


def _specialist(name: str, func: object) -> Specialist:
    tool = ToolSpec(f"ask_{name}", f"Ask the {name} backend.", NoArgs, func, name, mutating=False)  # type: ignore[arg-type]
    return Specialist(name, f"The {name} backend.", "", [tool], object())


async def test_backend_down_comes_from_the_typed_flag(tmp_path: Path) -> None:
    model = ScriptedChatModel(
        script=[
            call("transfer_to_flaky", task="ask"),
            call("ask_flaky"),
            say("flaky failed"),
            call("transfer_to_picky", task="ask"),  # the follow-up goes to flaky, which hands it over
            call("ask_picky"),
            say("picky failed"),
        ]
    )
    specialists = [_specialist("flaky", _timeout), _specialist("picky", _misnamed)]
    app = make_app(factory_for(tmp_path, model, specialists))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(app, pilot)
        await send(app, pilot, "ask flaky")
        await finish_turn(app, pilot)
        await send(app, pilot, "now ask picky")
        await finish_turn(app, pilot)
        status = str(app.query_one(StatusBar).visual)
        assert "flaky:unreachable" in status and "picky:ok" in status
        flaky, picky = app.query(ToolPanel)
        assert "GatewayTimeout" in str(flaky.title) and "could not be reached" in str(
            flaky.query_one(".error-text").visual
        )
        assert "hint: list the routes first" in str(picky.query_one(".error-text").visual)
