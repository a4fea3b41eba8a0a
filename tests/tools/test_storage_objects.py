"""Object tools: list, stat, presign, copy, move, delete and tags."""

from __future__ import annotations

import io
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import ENABLED, Tags
from minio.versioningconfig import VersioningConfig

from tests.tools import fail, ok, preview, put, storage_ctx
from tools.storage import STORAGE_TOOLS, StorageContext


@pytest.fixture
def ctx(s3_endpoint: str, tmp_path: Path) -> StorageContext:
    return storage_ctx(s3_endpoint, tmp_path)


@pytest.fixture
def client(ctx: StorageContext) -> Minio:
    client = ctx.client
    client.make_bucket("data")
    for key, body in {
        "datasets/train.csv": b"a,b\n1,2\n",
        "datasets/test.csv": b"a,b\n3,4\n",
        "datasets/2024/val.csv": b"a,b\n5,6\n7,8\n",
        "models/v1/model.onnx": b"\x00" * 50,
        "README.md": b"# data\n",
    }.items():
        put(client, "data", key, body)
    return client


def keys(data: dict) -> list[str]:
    return [o["key"] for o in data["objects"]]


def test_list_objects_recursive_with_prefix(ctx: StorageContext, client: Minio) -> None:
    data = ok(ctx, "list_objects", bucket="data", prefix="datasets/")
    assert keys(data) == ["datasets/2024/val.csv", "datasets/test.csv", "datasets/train.csv"]
    assert data["count"] == 3 and data["total_size"] == 12 + 8 + 8 and not data["truncated"]
    first = data["objects"][0]
    assert first["size"] == 12 and not first["is_dir"] and first["last_modified"]


def test_list_objects_one_level_shows_folders(ctx: StorageContext, client: Minio) -> None:
    data = ok(ctx, "list_objects", bucket="data", recursive=False)
    assert keys(data) == ["README.md", "datasets/", "models/"]
    assert [o["is_dir"] for o in data["objects"]] == [False, True, True]


def test_list_objects_limit_sets_truncated(ctx: StorageContext, client: Minio) -> None:
    result_data = ok(ctx, "list_objects", bucket="data", limit=2)
    assert result_data["count"] == 2 and result_data["truncated"] is True
    assert ok(ctx, "list_objects", bucket="data", limit=5)["truncated"] is False
    assert fail(ctx, "list_objects", bucket="data", limit=0).code == "InvalidArguments"
    assert fail(ctx, "list_objects", bucket="data", limit=1001).code == "InvalidArguments"


def test_list_objects_empty_prefix_suggests_folders(ctx: StorageContext, client: Minio) -> None:
    data = ok(ctx, "list_objects", bucket="data", prefix="dataset/")
    assert data["count"] == 0
    assert data["suggestions"][0] == "datasets/"


def test_stat_object(ctx: StorageContext, client: Minio) -> None:
    tags = Tags.new_object_tags()
    tags["stage"] = "raw"
    client.put_object(
        "data",
        "meta.json",
        io.BytesIO(b"{}"),
        2,
        content_type="application/json",
        metadata={"owner": "ml-team"},
        tags=tags,
    )
    data = ok(ctx, "stat_object", bucket="data", key="meta.json")
    assert data["size"] == 2 and data["content_type"] == "application/json"
    assert data["metadata"] == {"owner": "ml-team"}
    assert data["tags"] == {"stage": "raw"}
    assert data["etag"] and '"' not in data["etag"] and data["last_modified"]
    assert data["version_id"] is None


def test_missing_key_suggests_closest_keys(ctx: StorageContext, client: Minio) -> None:
    error = fail(ctx, "stat_object", bucket="data", key="datasets/trian.csv")
    assert error.code == "NoSuchKey"
    assert error.suggestions[0] == "datasets/train.csv"
    assert "models/v1/model.onnx" not in error.suggestions
    # A wrong folder falls back to the whole bucket.
    error = fail(ctx, "stat_object", bucket="data", key="model/v1/model.onnx")
    assert error.suggestions[0] == "models/v1/model.onnx"


def test_missing_bucket_on_object_tool(ctx: StorageContext, client: Minio) -> None:
    error = fail(ctx, "stat_object", bucket="dta", key="README.md")
    assert error.code == "NoSuchBucket" and error.suggestions == ["data"]


STORAGE = {t.name: t for t in STORAGE_TOOLS}


def test_presign_url_is_downloadable(ctx: StorageContext, client: Minio) -> None:
    data = ok(ctx, "presign_url", bucket="data", key="README.md", expires_minutes=5)
    with urllib.request.urlopen(data["url"], timeout=5) as response:
        assert response.read() == b"# data\n"
    expires = datetime.fromisoformat(data["expires_at"])
    assert timedelta(minutes=4) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    week = ok(ctx, "presign_url", bucket="data", key="README.md", expires_minutes=10080)
    summary = STORAGE["presign_url"].summary  # how the link reads to a person: for how long, and until when
    assert summary is not None and "valid for 7 days, until" in summary({}, week)
    assert "valid for 1 hour 30 minutes" in summary({}, {**week, "expires_minutes": 90})


def test_presign_checks_existence_and_range(ctx: StorageContext, client: Minio) -> None:
    error = fail(ctx, "presign_url", bucket="data", key="READNE.md")
    assert error.code == "NoSuchKey" and error.suggestions == ["README.md"]
    assert fail(ctx, "presign_url", bucket="data", key="README.md", expires_minutes=10081).code == ("InvalidArguments")


def test_copy_object(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("prod")
    text = preview(ctx, "copy_object", src_bucket="data", src_key="models/v1/model.onnx", dst_bucket="prod")
    assert text == (
        "Copy s3://data/models/v1/model.onnx (50 B) to s3://prod/models/v1/model.onnx — creates a new object."
    )
    data = ok(ctx, "copy_object", src_bucket="data", src_key="models/v1/model.onnx", dst_bucket="prod")
    assert data["destination"] == "s3://prod/models/v1/model.onnx" and data["overwrote"] is False
    assert client.stat_object("prod", "models/v1/model.onnx").size == 50
    assert client.stat_object("data", "models/v1/model.onnx").size == 50


def test_copy_preview_mentions_overwrite(ctx: StorageContext, client: Minio) -> None:
    args = {
        "src_bucket": "data",
        "src_key": "datasets/train.csv",
        "dst_bucket": "data",
        "dst_key": "datasets/test.csv",
    }
    assert "overwrites the existing 8 B object at s3://data/datasets/test.csv" in preview(ctx, "copy_object", **args)
    assert ok(ctx, "copy_object", **args)["overwrote"] is True


def test_copy_into_folder_and_errors(ctx: StorageContext, client: Minio) -> None:
    data = ok(ctx, "copy_object", src_bucket="data", src_key="README.md", dst_bucket="data", dst_key="docs/")
    assert data["destination"] == "s3://data/docs/README.md"
    error = fail(ctx, "copy_object", src_bucket="data", src_key="README.md", dst_bucket="data")
    assert error.code == "SameObject"
    error = fail(ctx, "copy_object", src_bucket="data", src_key="READ.md", dst_bucket="data", dst_key="x")
    assert error.code == "NoSuchKey" and error.suggestions[0] == "README.md"
    error = fail(ctx, "copy_object", src_bucket="data", src_key="README.md", dst_bucket="dat")
    assert error.code == "NoSuchBucket" and error.suggestions == ["data"]


def test_move_object(ctx: StorageContext, client: Minio) -> None:
    args = {"src_bucket": "data", "src_key": "README.md", "dst_bucket": "data", "dst_key": "docs/README.md"}
    text = preview(ctx, "move_object", **args)
    assert text.startswith("Move s3://data/README.md (7 B) to s3://data/docs/README.md and then delete the source")
    data = ok(ctx, "move_object", **args)
    assert data["source_deleted"] is True
    assert client.get_object("data", "docs/README.md").read() == b"# data\n"
    assert fail(ctx, "stat_object", bucket="data", key="README.md").code == "NoSuchKey"


def test_failed_move_keeps_the_source(ctx: StorageContext, client: Minio) -> None:
    error = fail(ctx, "move_object", src_bucket="data", src_key="README.md", dst_bucket="nowhere")
    assert error.code == "NoSuchBucket"
    assert client.stat_object("data", "README.md").size == 7


def test_delete_objects_by_keys_reports_missing(ctx: StorageContext, client: Minio) -> None:
    text = preview(ctx, "delete_objects", bucket="data", keys=["README.md", "nope.txt"])
    assert "Delete 1 object (7 B)" in text and "1 listed key not found (nope.txt)" in text
    data = ok(ctx, "delete_objects", bucket="data", keys=["README.md", "nope.txt"])
    assert data["deleted"] == ["README.md"] and data["deleted_count"] == 1
    assert data["not_found"] == ["nope.txt"] and data["errors"] == []
    assert "README.md" not in [o.object_name for o in client.list_objects("data")]


def test_delete_objects_by_prefix(ctx: StorageContext, client: Minio) -> None:
    text = preview(ctx, "delete_objects", bucket="data", prefix="datasets/")
    assert text.startswith("Delete 3 objects (28 B) from s3://data/datasets/*") and "permanent" in text
    data = ok(ctx, "delete_objects", bucket="data", prefix="datasets/")
    assert data["deleted_count"] == 3 and data["deleted_bytes"] == 28
    remaining = sorted(o.object_name for o in client.list_objects("data", recursive=True))
    assert remaining == ["README.md", "models/v1/model.onnx"]


def test_delete_objects_validation(ctx: StorageContext, client: Minio) -> None:
    assert fail(ctx, "delete_objects", bucket="data").code == "InvalidArguments"
    assert "nothing will be deleted" in preview(ctx, "delete_objects", bucket="data", keys=["nope"])
    assert "ALL objects" in preview(ctx, "delete_objects", bucket="data", prefix="")
    error = fail(ctx, "delete_objects", bucket="dat", keys=["README.md"])
    assert error.code == "NoSuchBucket" and error.suggestions == ["data"]


def test_delete_objects_on_versioned_bucket_preview(ctx: StorageContext, client: Minio) -> None:
    client.set_bucket_versioning("data", VersioningConfig(ENABLED))
    assert "delete markers" in preview(ctx, "delete_objects", bucket="data", keys=["README.md"])


def test_tags_get_set_merge_and_clear(ctx: StorageContext, client: Minio) -> None:
    base = {"bucket": "data", "key": "README.md"}
    assert ok(ctx, "get_object_tags", **base) == {**base, "tags": {}}
    assert "add stage=raw" in preview(ctx, "set_object_tags", **base, tags={"stage": "raw"})
    assert ok(ctx, "set_object_tags", **base, tags={"stage": "raw", "team": "ml"})["tags"] == {
        "stage": "raw",
        "team": "ml",
    }
    text = preview(ctx, "set_object_tags", **base, tags={"stage": "clean"}, replace=False)
    assert "overwrite stage: raw→clean" in text and "remove" not in text
    data = ok(ctx, "set_object_tags", **base, tags={"stage": "clean"}, replace=False)
    assert data["tags"] == {"stage": "clean", "team": "ml"}
    assert data["previous"] == {"stage": "raw", "team": "ml"}
    assert "remove team" in preview(ctx, "set_object_tags", **base, tags={"stage": "clean"})
    assert ok(ctx, "set_object_tags", **base, tags={})["tags"] == {}
    assert ok(ctx, "get_object_tags", **base)["tags"] == {}


def test_tag_limits_and_missing_object(ctx: StorageContext, client: Minio) -> None:
    base = {"bucket": "data", "key": "README.md"}
    error = fail(ctx, "set_object_tags", **base, tags={f"t{i}": "v" for i in range(11)})
    assert error.code == "TooManyTags"
    assert fail(ctx, "set_object_tags", **base, tags={"k": "v" * 257}).code == "InvalidArguments"
    error = fail(ctx, "get_object_tags", bucket="data", key="README.txt")
    assert error.code == "NoSuchKey" and "README.md" in error.suggestions


def test_missing_bucket_with_fixed_region(s3_endpoint: str, tmp_path: Path, client: Minio) -> None:
    # With a region set the SDK skips the location look-up, and a HEAD on a missing bucket comes back
    # as a bodiless 404 that it reports as NoSuchKey; the mapping must still say NoSuchBucket.
    ctx = storage_ctx(s3_endpoint, tmp_path, region="us-east-1")
    error = fail(ctx, "stat_object", bucket="dta", key="README.md")
    assert error.code == "NoSuchBucket" and error.suggestions == ["data"]


def test_s3_uri_bucket_spelling_is_accepted(ctx: StorageContext, client: Minio) -> None:
    assert ok(ctx, "stat_object", bucket="s3://data/", key="README.md")["size"] == 7
    assert fail(ctx, "stat_object", bucket="s3://data/README.md", key="x").code == "InvalidArguments"
