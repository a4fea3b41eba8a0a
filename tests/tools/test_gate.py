"""The tool gate on its own, as any surface (the graph, an MCP server, a Slack bot) uses it.

Tools here are small in-memory ones whose context records what ran, so each test can tell for sure
whether a call reached the tool; the gate's decisions, masking and audit records are checked as the
log file holds them.
"""

from __future__ import annotations

import json
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from tools.audit import AuditLog
from tools.base import ToolFailure, ToolSpec, report_progress, report_status
from tools.gate import Decision, GateCall, GateTool, Identity, ToolGate
from tools.masking import Masker

SECRET = "s3cr3t-value-that-must-not-leak"
ALICE = Identity(surface="cli", user="alice")
BOB = Identity(surface="slack", user="U2")


@dataclass
class Shelf:
    """A backend: a set of names, and a log of what ran against it."""

    label: str
    names: set[str] = field(default_factory=set)
    ran: list[str] = field(default_factory=list)


class NameArgs(BaseModel):
    name: str = Field(description="a name")
    password: str | None = Field(None, description="a credential the tool needs")


class NoArgs(BaseModel):
    pass


def _add(args: NameArgs, shelf: Shelf) -> dict[str, Any]:
    shelf.ran.append(f"add {args.name}")
    report_progress(f"adding {args.name}")
    report_status("shelf", "restarting", "the shelf had stopped")
    shelf.names.add(args.name)
    return {"added": args.name, "echo": f"key={SECRET}"}


def _list(_: NoArgs, shelf: Shelf) -> dict[str, Any]:
    shelf.ran.append("list")
    return {"names": sorted(shelf.names), "label": shelf.label}


def _leak(_: NoArgs, shelf: Shelf) -> dict[str, Any]:
    raise ToolFailure("Leaky", f"the server said password={SECRET}", hint=f"retry with {SECRET}")


ADD = ToolSpec(
    "add_name", "Add a name.", NameArgs, _add, "shelf", mutating=True, preview=lambda a, s: f"Add '{a.name}'."
)
LIST = ToolSpec("list_names", "List the names.", NoArgs, _list, "shelf", mutating=False)
LEAK = ToolSpec("leak", "Fails quoting a secret.", NoArgs, _leak, "shelf", mutating=False)


def _gate(tmp_path: Path, *, read_only: bool = False, shelf: Shelf | None = None) -> tuple[ToolGate, Shelf]:
    shelf = shelf or Shelf("main")
    masker = Masker([SECRET])
    gate = ToolGate(
        [GateTool("shelf", spec, shelf) for spec in (ADD, LIST, LEAK)],
        read_only=read_only,
        masker=masker,
        audit=AuditLog(tmp_path / "audit.jsonl", masker),
        clock=lambda: 1000.0,
    )
    return gate, shelf


def _call(tool: str, args: dict[str, Any] | None = None, call_id: str = "c1") -> GateCall:
    return GateCall(thread="t1", call_id=call_id, tool=tool, args=args or {}, agent="storage", asked_by=ALICE)


def _records(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_read_only_hides_mutating_tools_and_refuses_them_even_when_approved(tmp_path: Path) -> None:
    gate, shelf = _gate(tmp_path, read_only=True)
    assert [t.name for t in gate.visible()] == ["list_names", "leak"]
    assert not gate.needs_approval("add_name") and gate.is_mutating("add_name")
    result = gate.run(_call("add_name", {"name": "x"}), Decision(approved=True, by=BOB))
    assert not result.ok and result.error is not None and result.error.code == "ReadOnly"
    assert shelf.ran == [] and shelf.names == set()
    [record] = _records(tmp_path)
    assert record["decision"] == "read_only" and record["ok"] is False and record["error"] == "ReadOnly"


def test_an_approved_change_runs_and_the_audit_names_who_asked_and_who_approved(tmp_path: Path) -> None:
    gate, shelf = _gate(tmp_path)
    assert gate.needs_approval("add_name") and not gate.needs_approval("list_names")
    result = gate.run(_call("add_name", {"name": "x"}), Decision(approved=True, by=BOB))
    assert result.ok and shelf.names == {"x"}
    [record] = _records(tmp_path)
    assert record["decision"] == "approved" and record["ok"] is True
    assert record["asked_by"] == {"surface": "cli", "user": "alice"} and record["surface"] == "cli"
    assert record["approved_by"] == {"surface": "slack", "user": "U2"}


def test_a_rejected_change_changes_nothing_and_is_audited_with_the_reason(tmp_path: Path) -> None:
    gate, shelf = _gate(tmp_path)
    result = gate.run(_call("add_name", {"name": "x"}), Decision(approved=False, by=BOB, reason="not today"))
    assert not result.ok and result.error is not None and result.error.code == "Rejected"
    assert "not today" in result.error.message and "Nothing was changed" in result.error.message
    assert shelf.ran == []
    [record] = _records(tmp_path)
    assert (record["decision"], record["reason"], record["approved_by"]["user"]) == ("rejected", "not today", "U2")


def test_a_change_without_a_decision_is_refused_and_never_runs(tmp_path: Path) -> None:
    """No surface can skip the approval by calling the gate directly."""
    gate, shelf = _gate(tmp_path)
    result = gate.run(_call("add_name", {"name": "x"}), None)
    assert not result.ok and result.error is not None and result.error.code == "NotApproved"
    assert "every change needs an approval" in result.error.message
    assert shelf.ran == []
    [record] = _records(tmp_path)
    assert record["decision"] == "refused" and record["approved_by"] is None


def test_read_tools_run_without_a_decision(tmp_path: Path) -> None:
    gate, shelf = _gate(tmp_path, shelf=Shelf("main", {"a"}))
    result = gate.run(_call("list_names"), None)
    assert result.ok and result.data == {"names": ["a"], "label": "main"}
    [record] = _records(tmp_path)
    assert record["decision"] == "not_needed" and record["mutating"] is False and record["approved_by"] is None


def test_an_unknown_tool_is_answered_with_the_closest_names(tmp_path: Path) -> None:
    gate, _ = _gate(tmp_path)
    result = gate.run(_call("list_name"), None)
    assert result.error is not None and result.error.code == "UnknownTool"
    assert result.error.message == "storage has no tool 'list_name'." and result.error.suggestions[0] == "list_names"
    [record] = _records(tmp_path)
    assert record["tool"] == "list_name" and record["error"] == "UnknownTool"


def test_secrets_are_masked_in_the_result_the_preview_and_the_audit(tmp_path: Path) -> None:
    gate, shelf = _gate(tmp_path)
    args = {"name": f"x-{SECRET}", "password": "hunter2hunter2"}
    assert SECRET not in gate.assess("add_name", args).text
    pending = gate.propose(_call("add_name", args))
    assert SECRET not in pending.model_dump_json() and "hunter2hunter2" not in pending.model_dump_json()
    assert pending.asked_by == ALICE and pending.tool == "add_name"
    result = gate.run(_call("add_name", args), Decision(approved=True, by=ALICE))
    assert result.ok and f"x-{SECRET}" in shelf.names, "the tool itself gets the real arguments"
    assert SECRET not in result.model_dump_json()
    failed = gate.run(_call("leak", call_id="c2"), None)
    assert failed.error is not None and failed.error.code == "Leaky" and SECRET not in failed.model_dump_json()
    log = (tmp_path / "audit.jsonl").read_text()
    assert SECRET not in log and "hunter2hunter2" not in log and len(_records(tmp_path)) == 2


def test_one_record_per_call_with_every_field(tmp_path: Path) -> None:
    gate, _ = _gate(tmp_path)
    gate.run(_call("list_names", call_id="a"), None)
    gate.run(_call("add_name", {"name": "y"}, call_id="b"), Decision(approved=True, by=BOB))
    first, second = _records(tmp_path)
    assert second == {
        "ts": 1000.0,
        "thread": "t1",
        "surface": "cli",
        "asked_by": {"surface": "cli", "user": "alice"},
        "agent": "storage",
        "tool": "add_name",
        "call_id": "b",
        "args": {"name": "y"},
        "mutating": True,
        "decision": "approved",
        "approved_by": {"surface": "slack", "user": "U2"},
        "reason": None,
        "ok": True,
        "error": None,
        "duration_ms": second["duration_ms"],
    }
    assert first["call_id"] == "a" and isinstance(second["duration_ms"], float)
    assert stat.S_IMODE((tmp_path / "audit.jsonl").stat().st_mode) == 0o600


def test_several_owners_share_a_gate_and_each_tool_runs_with_its_owners_context(tmp_path: Path) -> None:
    main, spare = Shelf("main"), Shelf("spare")
    other = ToolSpec("count_names", "Count the names.", NoArgs, lambda a, s: {"label": s.label}, "x", mutating=False)
    gate = ToolGate([GateTool("first", LIST, main), GateTool("second", LIST, spare), GateTool("second", other, spare)])
    assert [t.name for t in gate.visible("first")] == ["list_names"]
    assert [t.name for t in gate.visible("second")] == ["count_names"], "a duplicate name stays with the first owner"
    assert gate.run(_call("list_names"), None).data["label"] == "main"
    assert gate.run(_call("count_names"), None).data["label"] == "spare"


def test_progress_status_and_cancel_reach_the_tool(tmp_path: Path) -> None:
    gate, _ = _gate(tmp_path)
    heard: list[str] = []
    statuses: list[tuple[str, str, str]] = []
    result = gate.run(
        _call("add_name", {"name": "z"}),
        Decision(approved=True),
        progress=heard.append,
        status=lambda *s: statuses.append(s),
        cancel=threading.Event(),
    )
    assert result.ok and heard == ["adding z"] and statuses == [("shelf", "restarting", "the shelf had stopped")]


@pytest.mark.parametrize("decision", [None, Decision(approved=False)])
def test_without_an_audit_log_the_gate_still_decides(decision: Decision | None) -> None:
    shelf = Shelf("main")
    gate = ToolGate([GateTool("shelf", ADD, shelf)])
    assert not gate.run(_call("add_name", {"name": "x"}), decision).ok and shelf.ran == []
