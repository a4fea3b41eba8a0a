"""The storage tools against the real embedded store (SeaweedFS), as users get it by default.

moto is fast but forgiving (any credentials, make_bucket on an existing bucket succeeds); this
module checks the behaviours where SeaweedFS could differ, end to end through the tools.
"""

from __future__ import annotations

import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from tools.base import ToolResult, run_tool
from tools.storage import STORAGE_TOOLS, StorageContext, make_minio_client

TOOLS = {spec.name: spec for spec in STORAGE_TOOLS}


@pytest.fixture
def ctx(seaweed_endpoint: Any, tmp_path: Path) -> StorageContext:
    ep = seaweed_endpoint
    return StorageContext(
        client_factory=lambda: make_minio_client(ep.endpoint, ep.access_key, ep.secret_key),
        endpoint=ep.endpoint,
        workdir=tmp_path,
    )


@pytest.fixture
def bucket() -> str:
    return f"sw-{uuid.uuid4().hex[:10]}"


def call(ctx: StorageContext, tool: str, **args: Any) -> ToolResult:
    return run_tool(TOOLS[tool], args, ctx)


def ok(ctx: StorageContext, tool: str, **args: Any) -> dict[str, Any]:
    result = call(ctx, tool, **args)
    assert result.ok, result.error
    return result.data


def test_bucket_lifecycle_and_objects(ctx: StorageContext, bucket: str, tmp_path: Path) -> None:
    ok(ctx, "create_bucket", bucket=bucket)
    again = call(ctx, "create_bucket", bucket=bucket)
    assert not again.ok and again.error.code == "BucketAlreadyExists"
    assert bucket in [b["name"] for b in ok(ctx, "list_buckets")["buckets"]]

    data = tmp_path / "data"
    (data / "nested").mkdir(parents=True)
    (data / "train.csv").write_text("a,b\n1,2\n3,4\n")
    (data / "nested" / "meta.json").write_text('{"rows": 2}')
    uploaded = ok(ctx, "upload", local_path="data", bucket=bucket)
    assert uploaded["count"] == 2
    listing = ok(ctx, "list_objects", bucket=bucket)
    assert sorted(o["key"] for o in listing["objects"]) == ["data/nested/meta.json", "data/train.csv"]

    stat = ok(ctx, "stat_object", bucket=bucket, key="data/train.csv")
    assert stat["size"] == len("a,b\n1,2\n3,4\n")
    preview = ok(ctx, "preview_object", bucket=bucket, key="data/train.csv")
    assert preview["kind"] == "csv" and preview["rows"] == [["1", "2"], ["3", "4"]]

    ok(ctx, "copy_object", src_bucket=bucket, src_key="data/train.csv", dst_bucket=bucket, dst_key="copy.csv")
    ok(ctx, "move_object", src_bucket=bucket, src_key="copy.csv", dst_bucket=bucket, dst_key="moved.csv")
    keys = {o["key"] for o in ok(ctx, "list_objects", bucket=bucket)["objects"]}
    assert "moved.csv" in keys and "copy.csv" not in keys

    out = tmp_path / "out"
    got = ok(ctx, "download", bucket=bucket, key="data/", local_path=str(out))
    assert got["count"] == 2 and (out / "nested" / "meta.json").read_text() == '{"rows": 2}'

    missing = call(ctx, "stat_object", bucket=bucket, key="data/trian.csv")
    assert missing.error.code == "NoSuchKey" and "data/train.csv" in missing.error.suggestions

    not_empty = call(ctx, "delete_bucket", bucket=bucket)
    assert not not_empty.ok and not_empty.error.code == "BucketNotEmpty"
    ok(ctx, "delete_bucket", bucket=bucket, force=True)
    assert bucket not in [b["name"] for b in ok(ctx, "list_buckets")["buckets"]]


def test_tags_versioning_and_links(ctx: StorageContext, bucket: str, tmp_path: Path) -> None:
    ok(ctx, "create_bucket", bucket=bucket)
    (tmp_path / "m.txt").write_text("model")
    ok(ctx, "upload", local_path="m.txt", bucket=bucket)

    ok(ctx, "set_object_tags", bucket=bucket, key="m.txt", tags={"team": "ml"})
    ok(ctx, "set_object_tags", bucket=bucket, key="m.txt", tags={"stage": "dev"}, replace=False)
    assert ok(ctx, "get_object_tags", bucket=bucket, key="m.txt")["tags"] == {"team": "ml", "stage": "dev"}

    assert ok(ctx, "get_bucket_versioning", bucket=bucket)["status"] == "Off"
    ok(ctx, "set_bucket_versioning", bucket=bucket, enabled=True)
    assert ok(ctx, "get_bucket_versioning", bucket=bucket)["status"] == "Enabled"

    link = ok(ctx, "presign_url", bucket=bucket, key="m.txt", expires_minutes=5)
    with urllib.request.urlopen(link["url"], timeout=5) as resp:  # the link works without credentials
        assert resp.read() == b"model"

    ok(ctx, "delete_objects", bucket=bucket, keys=["m.txt"])
    ok(ctx, "delete_bucket", bucket=bucket, force=True)


def test_wrong_credentials_are_reported_without_leaking_them(seaweed_endpoint: Any, tmp_path: Path) -> None:
    ep = seaweed_endpoint
    bad = StorageContext(
        client_factory=lambda: make_minio_client(ep.endpoint, ep.access_key, "wrong-secret-value"),
        endpoint=ep.endpoint,
        workdir=tmp_path,
    )
    result = call(bad, "list_buckets")
    assert not result.ok
    assert result.error.code in {"SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId"}
    assert "wrong-secret-value" not in result.model_dump_json() and ep.secret_key not in result.model_dump_json()
