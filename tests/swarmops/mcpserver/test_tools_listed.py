"""What an MCP host sees: every tool described and annotated; changes only when allowed."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from agents.docs import docs_specialist
from agents.kfp import kfp_specialist
from agents.storage import storage_specialist
from swarmops.mcpserver.hints import HINTS
from swarmops.mcpserver.policy import Policy
from swarmops.settings import ConfigError
from tests.swarmops.mcpserver.harness import server_for

DELETES = {"delete_bucket", "delete_objects", "move_object", "terminate_run"}


def _all() -> list:
    none = None
    return [storage_specialist(none), kfp_specialist(none), docs_specialist(none)]  # listing needs no backend


def test_every_tool_has_a_title_and_hints_and_nothing_stale() -> None:
    names = {t.name for s in _all() for t in s.tools}
    assert names == set(HINTS), f"undescribed: {names - set(HINTS)}, stale: {set(HINTS) - names}"
    mutating = {t.name for s in _all() for t in s.tools if t.mutating}
    assert {n for n, h in HINTS.items() if h.level != "read"} == mutating  # hints agree with the tools
    assert {n for n, h in HINTS.items() if h.level == "delete"} == DELETES


async def test_read_only_by_default_with_annotations_on_every_tool(tmp_path: Path) -> None:
    async with Client(server_for(tmp_path, _all())) as client:
        tools = (await client.list_tools()).tools
    names = {t.name for t in tools}
    assert "list_buckets" in names and "wait_for_run" in names and "search_docs" in names
    assert not names & {"upload", "create_bucket", "submit_run", *DELETES}
    for tool in tools:
        hints = tool.annotations
        assert hints is not None and tool.title, tool.name
        assert hints.read_only_hint is True and hints.destructive_hint is False and hints.idempotent_hint is True
        assert tool.input_schema["type"] == "object" and "confirm_token" not in tool.input_schema.get("properties", {})


async def test_allow_write_offers_changes_but_not_deletes_and_allow_delete_adds_them(tmp_path: Path) -> None:
    async with Client(server_for(tmp_path, _all(), allow_write=True)) as client:
        writes = {t.name: t for t in (await client.list_tools()).tools}
    assert {"upload", "create_bucket", "submit_run", "index_documents"} <= set(writes) and not set(writes) & DELETES
    upload = writes["upload"]
    assert upload.annotations.read_only_hint is False and upload.annotations.destructive_hint is True  # may overwrite
    assert writes["submit_run"].annotations.idempotent_hint is False
    assert "confirm_token" in upload.input_schema["properties"] and "bucket" in upload.input_schema["required"]
    async with Client(server_for(tmp_path, _all(), allow_write=True, allow_delete=True)) as client:
        everything = {t.name: t for t in (await client.list_tools()).tools}
    assert set(everything) == set(HINTS)
    assert all(everything[n].annotations.destructive_hint for n in DELETES)


def test_a_policy_file_narrows_what_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('allow = ["list_*", "get_*", "upload"]\ndeny = ["list_runs"]\n')
    policy = Policy.load(path, allow_write=True)
    assert policy.listed("list_buckets") and policy.listed("upload") and policy.listed("get_run")
    assert not policy.listed("list_runs") and not policy.listed("create_bucket") and not policy.listed("search_docs")
    assert "policy file" in (policy.why_hidden("list_runs") or "")
    path.write_text('allowed = ["x"]\n')
    with pytest.raises(ConfigError, match="unknown keys"):
        Policy.load(path)
