"""Reading a thread back from its messages: a tool call's whole result, masked, found by its id."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from swarmops.transcript import recorded_result, said
from tools.base import ToolError, ToolResult
from tools.masking import Masker

SECRET = "s3cr3t-access-key-0042"


def _messages() -> list:
    found = ToolResult(tool="list_objects", ok=True, data={"objects": ["a.csv"], "endpoint_key": SECRET})
    failed = ToolResult(
        tool="list_objects", ok=False, error=ToolError(code="NotFound", message="no bucket raw", hint="list_buckets")
    )
    return [
        HumanMessage("list raw"),
        AIMessage("", tool_calls=[{"name": "transfer_to_storage", "args": {}, "id": "h1"}]),
        ToolMessage("Handed off to storage", tool_call_id="h1", name="transfer_to_storage"),
        ToolMessage(found.to_model_text(), tool_call_id="c1", name="list_objects"),
        ToolMessage(failed.to_model_text(), tool_call_id="c2", name="list_objects", status="error"),
        AIMessage("raw holds a.csv", name="storage"),
    ]


def test_a_result_is_found_by_its_call_id_whole_and_masked() -> None:
    result = recorded_result(_messages(), "c1", Masker([SECRET]))
    assert result is not None and result.tool == "list_objects" and result.ok
    assert result.data is not None and json.dumps(result.data).count("a.csv") == 1
    assert SECRET not in json.dumps(result.data)


def test_a_failed_call_gives_its_error() -> None:
    result = recorded_result(_messages(), "c2", Masker())
    assert result is not None and not result.ok
    assert isinstance(result.data, dict) and result.data["code"] == "NotFound" and result.data["hint"] == "list_buckets"


def test_a_handoff_or_an_unknown_call_is_no_result() -> None:
    assert recorded_result(_messages(), "h1", Masker()) is None
    assert recorded_result(_messages(), "nope", Masker()) is None


def test_what_was_said_leaves_out_tool_traffic() -> None:
    entries = said(_messages(), Masker())
    assert [(e.role, e.agent, e.text) for e in entries] == [
        ("user", "you", "list raw"),
        ("assistant", "storage", "raw holds a.csv"),
    ]
