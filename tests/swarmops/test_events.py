"""The events front ends consume: one definition (below agents/), typed errors, stable JSON."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

import agents.events
import swarmops.events
from swarmops.events import ApprovalRequest, ApprovalResult, Decision, Event, Identity, ToolError, ToolResultEvent

U2 = Identity(surface="slack", user="U2")


def test_front_ends_import_the_graphs_own_event_classes() -> None:
    """A second definition would make `isinstance` checks in front ends silently miss events."""
    for name in swarmops.events.__all__:
        if hasattr(agents.events, name):
            assert getattr(swarmops.events, name) is getattr(agents.events, name), name
    assert not hasattr(swarmops.events, "ModelCall"), "internal: front ends never see model calls"


def test_a_tool_error_is_typed_and_its_json_keeps_the_field_names() -> None:
    event = ToolResultEvent(
        agent="storage",
        call_id="c1",
        tool="list_buckets",
        ok=False,
        error=ToolError(code="StorageUnreachable", message="down", hint="check it", backend_down=True),
        duration_ms=3.0,
    )
    assert event.error is not None and event.error.backend_down
    as_json = json.loads(event.to_json())
    assert as_json["type"] == "tool_result"
    assert as_json["error"] == {
        "code": "StorageUnreachable",
        "message": "down",
        "hint": "check it",
        "suggestions": [],
        "backend_down": True,
    }
    back = TypeAdapter(Event).validate_json(event.to_json())
    assert isinstance(back, ToolResultEvent) and isinstance(back.error, ToolError)


def test_an_approval_records_who_answered() -> None:
    request = ApprovalRequest(agent="storage", call_id="c1", tool="create_bucket", args={}, preview="Create x.")
    assert request.decision is None
    request.approve(by=U2)
    assert request.decision == Decision(approved=True, by=U2)
    request.reject("not now")
    assert request.decision == Decision(approved=False, reason="not now"), "no `by`: the session fills it in"
    result = ApprovalResult(call_id="c1", tool="create_bucket", approved=True, by=U2)
    assert json.loads(result.to_json())["by"] == {"surface": "slack", "user": "U2"}
