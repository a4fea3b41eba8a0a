"""Calling swarmops' tools over MCP (the SDK's in-memory client), with real storage on a loopback S3."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult, Implementation

from tests.helpers import raw_client
from tests.swarmops.mcpserver.harness import audit, server_for, storage

CLIENT = Implementation(name="test-host", version="1.0")


def _text(result: Any) -> str:
    return result.content[0].text


async def test_a_read_tool_answers_with_structured_content(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("mcp-read")
    async with Client(server_for(tmp_path, storage(tmp_path, s3_endpoint)), client_info=CLIENT) as client:
        result = await client.call_tool("list_buckets", {})
    assert not result.is_error and [b["name"] for b in result.structured_content["data"]["buckets"]] == ["mcp-read"]
    record = audit(tmp_path)[-1]
    assert record["surface"] == "mcp" and record["tool"] == "list_buckets" and record["agent"] == "test-host 1.0"
    assert record["asked_by"] == {"surface": "mcp", "user": "alice"}


async def test_an_upload_is_previewed_first_then_runs_with_its_token(tmp_path: Path, s3_endpoint: str) -> None:
    client_s3 = raw_client(s3_endpoint)
    client_s3.make_bucket("mcp-up")
    (tmp_path / "train.csv").write_text("a,b\n1,2\n")
    args = {"local_path": "train.csv", "bucket": "mcp-up"}
    server = server_for(tmp_path, storage(tmp_path, s3_endpoint), allow_write=True)
    async with Client(server, client_info=CLIENT) as client:
        preview = await client.call_tool("upload", args)
        assert not preview.is_error and "s3://mcp-up/train.csv" in preview.structured_content["preview"]
        assert not list(client_s3.list_objects("mcp-up"))  # nothing changed yet
        token = preview.structured_content["confirm_token"]
        done = await client.call_tool("upload", {**args, "confirm_token": token})
        assert not done.is_error, _text(done)
        again = await client.call_tool("upload", {**args, "confirm_token": token})  # single use
    assert client_s3.get_object("mcp-up", "train.csv").read() == b"a,b\n1,2\n"
    assert again.is_error and "already used" in _text(again)
    decisions = [(r["tool"], r["decision"], r["ok"]) for r in audit(tmp_path)]
    assert decisions == [("upload", "previewed", True), ("upload", "approved", True)]
    assert audit(tmp_path)[1]["approved_by"] == {"surface": "mcp", "user": "alice"}


async def test_a_token_for_other_arguments_or_an_expired_one_is_refused(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("mcp-tok")
    (tmp_path / "a.csv").write_text("a")
    (tmp_path / "b.csv").write_text("b")
    server = server_for(tmp_path, storage(tmp_path, s3_endpoint), allow_write=True, ttl=0.2)
    async with Client(server) as client:
        token = (await client.call_tool("upload", {"local_path": "a.csv", "bucket": "mcp-tok"})).structured_content
        swapped = await client.call_tool(
            "upload", {"local_path": "b.csv", "bucket": "mcp-tok", "confirm_token": token["confirm_token"]}
        )
        late = (await client.call_tool("upload", {"local_path": "a.csv", "bucket": "mcp-tok"})).structured_content
        await asyncio.sleep(0.3)
        expired = await client.call_tool(
            "upload", {"local_path": "a.csv", "bucket": "mcp-tok", "confirm_token": late["confirm_token"]}
        )
    assert swapped.is_error and "different tool or different arguments" in _text(swapped)
    assert expired.is_error and "expired" in _text(expired)
    assert not list(raw_client(s3_endpoint).list_objects("mcp-tok"))


async def test_overwriting_needs_allow_delete(tmp_path: Path, s3_endpoint: str) -> None:
    import io

    client_s3 = raw_client(s3_endpoint)
    client_s3.make_bucket("mcp-ow")
    client_s3.put_object("mcp-ow", "a.csv", io.BytesIO(b"old"), 3)
    (tmp_path / "a.csv").write_text("new")
    async with Client(server_for(tmp_path, storage(tmp_path, s3_endpoint), allow_write=True)) as client:
        refused = await client.call_tool("upload", {"local_path": "a.csv", "bucket": "mcp-ow"})
    assert refused.is_error and "OverwriteNotAllowed" in _text(refused) and "--allow-delete" in _text(refused)
    server = server_for(tmp_path, storage(tmp_path, s3_endpoint), allow_write=True, allow_delete=True)
    async with Client(server) as client:
        preview = await client.call_tool("upload", {"local_path": "a.csv", "bucket": "mcp-ow"})
    assert not preview.is_error and "overwrites" in preview.structured_content["preview"]


async def test_mistakes_come_back_as_tool_errors_with_the_fix(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("mcp-err")
    async with Client(server_for(tmp_path, storage(tmp_path, s3_endpoint))) as client:
        bad_arg = await client.call_tool("list_objects", {"bucket": "mcp-err", "limit": "lots"})
        typo = await client.call_tool("list_bucket", {})
        hidden = await client.call_tool("delete_bucket", {"bucket": "mcp-err"})
        missing = await client.call_tool("list_objects", {"bucket": "mcp-eror"})
    assert bad_arg.is_error and "InvalidArguments" in _text(bad_arg) and "list_objects takes:" in _text(bad_arg)
    assert typo.is_error and "did you mean: list_buckets" in _text(typo)
    assert hidden.is_error and "NotAvailable" in _text(hidden) and "--allow-delete" in _text(hidden)
    assert missing.is_error and "mcp-err" in _text(missing)  # the closest existing bucket
    assert raw_client(s3_endpoint).bucket_exists("mcp-err")


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # input-required (2026-07) and a pushed question (older)
async def test_a_client_that_can_elicit_is_asked_instead(tmp_path: Path, s3_endpoint: str, mode: str) -> None:
    asked: list[str] = []

    def answering(approve: bool) -> Any:
        async def callback(context: Any, params: Any) -> ElicitResult:
            asked.append(params.message)
            return ElicitResult(action="accept", content={"approve": approve})

        return callback

    server = server_for(tmp_path, storage(tmp_path, s3_endpoint), allow_write=True)
    async with Client(server, elicitation_callback=answering(True), mode=mode) as client:
        made = await client.call_tool("create_bucket", {"bucket": "asked-yes"})
    async with Client(server, elicitation_callback=answering(False), mode=mode) as client:
        declined = await client.call_tool("create_bucket", {"bucket": "asked-no"})
    assert not made.is_error and raw_client(s3_endpoint).bucket_exists("asked-yes")
    assert declined.is_error and "Rejected" in _text(declined) and not raw_client(s3_endpoint).bucket_exists("asked-no")
    assert len(asked) == 2 and "asked-yes" in asked[0]
    assert [r["decision"] for r in audit(tmp_path)] == ["approved", "rejected"]


async def test_a_capped_listing_says_how_to_get_the_rest(tmp_path: Path, s3_endpoint: str) -> None:
    import io

    client_s3 = raw_client(s3_endpoint)
    client_s3.make_bucket("mcp-many")
    for i in range(12):
        client_s3.put_object("mcp-many", f"logs/{i:02d}.txt", io.BytesIO(b"x"), 1)
    async with Client(server_for(tmp_path, storage(tmp_path, s3_endpoint))) as client:
        capped = await client.call_tool("list_objects", {"bucket": "mcp-many", "limit": 5})
        whole = await client.call_tool("list_objects", {"bucket": "mcp-many"})
    body = capped.structured_content
    assert len(body["data"]["objects"]) == 5 and body["data"]["truncated"] is True
    assert "limit=1000" in body["next"] and "prefix" in body["next"]
    assert "next" not in whole.structured_content and len(whole.structured_content["data"]["objects"]) == 12
