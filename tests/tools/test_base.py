"""The tool contract: validation, error mapping, bounding, suggestions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.base import MAX_RESULT_CHARS, ToolFailure, ToolSpec, closest, describe_change, run_tool


class Args(BaseModel):
    name: str = Field(description="a name")
    count: int = 1


def test_invalid_arguments_become_a_structured_error_listing_fields() -> None:
    spec = ToolSpec("t", "d", Args, lambda a, c: {"ok": True}, "g", mutating=False)
    result = run_tool(spec, {"count": "many"}, None)
    assert not result.ok and result.error.code == "InvalidArguments"
    assert "name" in result.error.message and "count" in result.error.message
    assert result.error.hint == "t takes: name, count?"


def test_tool_failure_and_unexpected_exceptions_are_results() -> None:
    def fail(a: Args, c: object) -> dict:
        raise ToolFailure("Nope", "no such thing", hint="try x", suggestions=["x"])

    def crash(a: Args, c: object) -> dict:
        raise KeyError("boom")

    r1 = run_tool(ToolSpec("t", "d", Args, fail, "g", mutating=False), {"name": "a"}, None)
    assert (r1.error.code, r1.error.hint, r1.error.suggestions) == ("Nope", "try x", ["x"])
    r2 = run_tool(ToolSpec("t", "d", Args, crash, "g", mutating=False), {"name": "a"}, None)
    assert not r2.ok and r2.error.code == "KeyError"


def test_on_error_maps_backend_exceptions() -> None:
    def crash(a: Args, c: object) -> dict:
        raise ConnectionError("refused")

    spec = ToolSpec(
        "t", "d", Args, crash, "g", mutating=False, on_error=lambda e, a, c: ToolFailure("Down", f"server: {e}")
    )
    assert run_tool(spec, {"name": "a"}, None).error.code == "Down"
    preview_spec = ToolSpec(
        "t",
        "d",
        Args,
        crash,
        "g",
        mutating=True,
        preview=crash,
        on_error=lambda e, a, c: ToolFailure("Down", "down", backend_down=True),
    )
    assert "could not check the current state first: down" in describe_change(preview_spec, {"name": "a"}, None)


def test_a_preview_that_finds_the_call_cannot_succeed_says_so() -> None:
    def missing(a: Args, c: object) -> str:
        raise ToolFailure("NoSuchThing", f"no thing named {a.name}")

    spec = ToolSpec("t", "d", Args, missing, "g", mutating=True, preview=missing)
    expected = 't({"name": "a", "count": 1}) — will fail and change nothing: no thing named a'
    assert describe_change(spec, {"name": "a"}, None) == expected


def test_oversized_results_keep_their_structure() -> None:
    rows = [{"key": f"object-{i:05d}", "size": i} for i in range(5000)]
    spec = ToolSpec("t", "d", Args, lambda a, c: {"objects": rows, "count": 5000}, "g", mutating=False)
    result = run_tool(spec, {"name": "a"}, None)
    assert result.truncated and result.data["count"] == 5000
    assert 0 < len(result.data["objects"]) < 5000 and result.data["objects"][0] == rows[0]
    assert len(result.to_model_text()) <= MAX_RESULT_CHARS + 100


def test_closest_ranks_by_similarity() -> None:
    names = ["demo-data", "demo", "raw-data", "models", "a"]
    assert closest("demo-dta", names)[0] == "demo-data"
    assert closest("", names) == []
    assert "a" not in closest("abc", names)
    assert closest("mdoels", names) == ["models"]


def test_progress_reaches_the_listener_and_is_silent_without_one() -> None:
    from tools.base import progress_to, report_progress

    def slow(a: Args, c: object) -> dict:
        report_progress(f"working on {a.name}")
        return {"done": True}

    spec = ToolSpec("t", "d", Args, slow, "g", mutating=False)
    heard: list[str] = []
    with progress_to(heard.append):
        assert run_tool(spec, {"name": "x"}, None).ok
    assert heard == ["working on x"]
    assert run_tool(spec, {"name": "y"}, None).ok  # nobody listening: no error
    assert heard == ["working on x"]


def test_a_looping_tool_stops_when_its_caller_gives_up() -> None:
    import threading

    from tools.base import cancelled, progress_to

    stop = threading.Event()
    rounds: list[int] = []

    def poll(a: Args, c: object) -> dict:
        while not cancelled() and len(rounds) < 1000:
            rounds.append(1)
            if len(rounds) == 3:
                stop.set()  # the person cancelled the turn meanwhile
        return {"rounds": len(rounds)}

    with progress_to(lambda m: None, stop):
        result = run_tool(ToolSpec("t", "d", Args, poll, "g", mutating=False), {"name": "x"}, None)
    assert result.data["rounds"] == 3
    assert not cancelled()  # outside the run nobody has cancelled anything


def test_mutation_is_declared_and_a_mutating_tool_must_say_what_it_changes() -> None:
    import pytest

    with pytest.raises(TypeError):
        ToolSpec("t", "d", Args, lambda a, c: {}, "g")  # type: ignore[call-arg]  # no mutating=: refused
    with pytest.raises(ValueError, match="no preview"):
        ToolSpec("t", "d", Args, lambda a, c: {}, "g", mutating=True)
