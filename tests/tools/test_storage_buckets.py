"""Bucket tools against a real (moto) S3 server: list, create, delete, versioning."""

from __future__ import annotations

from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig

from tests.tools import fail, ok, preview, put, storage_ctx
from tools.storage import StorageContext


@pytest.fixture
def ctx(s3_endpoint: str, tmp_path: Path) -> StorageContext:
    return storage_ctx(s3_endpoint, tmp_path)


@pytest.fixture
def client(ctx: StorageContext) -> Minio:
    return ctx.client


def test_list_buckets(ctx: StorageContext, client: Minio) -> None:
    assert ok(ctx, "list_buckets") == {"buckets": [], "count": 0, "truncated": False}
    for name in ("raw-data", "models"):
        client.make_bucket(name)
    data = ok(ctx, "list_buckets")
    assert sorted(b["name"] for b in data["buckets"]) == ["models", "raw-data"]
    assert data["count"] == 2 and not data["truncated"]
    assert all(isinstance(b["created"], str) for b in data["buckets"])


def test_create_bucket(ctx: StorageContext, client: Minio) -> None:
    assert ok(ctx, "create_bucket", bucket="raw-data") == {"bucket": "raw-data", "created": True}
    assert client.bucket_exists("raw-data")


def test_create_existing_bucket_fails(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("raw-data")
    assert fail(ctx, "create_bucket", bucket="raw-data").code == "BucketAlreadyExists"
    assert "already exists" in preview(ctx, "create_bucket", bucket="raw-data")


@pytest.mark.parametrize(
    ("name", "rule_words"),
    [
        ("Raw_Data", "lowercase"),
        ("ab", "between 3 and 63"),
        ("10.0.0.1", "IP address"),
        ("bad..name", "two adjacent dots"),
        ("-leading", "begin and end"),
    ],
)
def test_create_bucket_rejects_invalid_names(ctx: StorageContext, client: Minio, name: str, rule_words: str) -> None:
    error = fail(ctx, "create_bucket", bucket=name)
    assert error.code == "InvalidBucketName"
    assert rule_words in (error.hint or "")
    assert client.list_buckets() == []
    assert rule_words in preview(ctx, "create_bucket", bucket=name)


def test_create_bucket_preview_and_mutating_flag(ctx: StorageContext) -> None:
    from tests.tools import TOOLS

    assert TOOLS["create_bucket"].mutating and not TOOLS["list_buckets"].mutating
    assert preview(ctx, "create_bucket", bucket="fresh").startswith("Create a new, empty bucket 'fresh'")


def test_missing_bucket_suggests_closest_names(ctx: StorageContext, client: Minio) -> None:
    for name in ("raw-data", "raw-data-2024", "models", "logs"):
        client.make_bucket(name)
    error = fail(ctx, "delete_bucket", bucket="raw-dta")
    assert error.code == "NoSuchBucket"
    assert error.suggestions[0] == "raw-data"
    assert "models" not in error.suggestions and "logs" not in error.suggestions
    error = fail(ctx, "list_objects", bucket="modles")
    assert error.code == "NoSuchBucket" and error.suggestions == ["models"]


def test_delete_non_empty_bucket_without_force_deletes_nothing(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("raw-data")
    for i in range(3):
        put(client, "raw-data", f"part-{i}.csv")
    text = preview(ctx, "delete_bucket", bucket="raw-data")
    assert "will fail" in text and "3 objects" in text
    error = fail(ctx, "delete_bucket", bucket="raw-data")
    assert error.code == "BucketNotEmpty"
    assert "3 objects" in error.message
    assert "force=true" in (error.hint or "")
    assert client.bucket_exists("raw-data")
    assert len(list(client.list_objects("raw-data", recursive=True))) == 3


def test_delete_bucket_with_force(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("raw-data")
    for key in ("a.csv", "nested/b.csv", "nested/deeper/c.csv"):
        put(client, "raw-data", key, b"12345")
    text = preview(ctx, "delete_bucket", bucket="raw-data", force=True)
    assert text.startswith("Delete bucket 'raw-data' and its 3 objects (15 B)") and "(force)" in text
    data = ok(ctx, "delete_bucket", bucket="raw-data", force=True)
    assert data["deleted"] and data["objects_deleted"] == 3
    assert not client.bucket_exists("raw-data")


def test_delete_empty_bucket(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("empty")
    assert preview(ctx, "delete_bucket", bucket="empty") == "Delete the empty bucket 'empty'."
    assert ok(ctx, "delete_bucket", bucket="empty")["objects_deleted"] == 0
    assert not client.bucket_exists("empty")


def test_force_delete_removes_all_versions(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("versioned")
    client.set_bucket_versioning("versioned", VersioningConfig(ENABLED))
    put(client, "versioned", "model.bin", b"v1")
    put(client, "versioned", "model.bin", b"v2")
    client.remove_object("versioned", "model.bin")  # only a delete marker and old versions remain
    assert list(client.list_objects("versioned", recursive=True)) == []
    error = fail(ctx, "delete_bucket", bucket="versioned")
    assert error.code == "BucketNotEmpty" and "3 old object versions" in error.message
    assert "older versions" in preview(ctx, "delete_bucket", bucket="versioned", force=True)
    data = ok(ctx, "delete_bucket", bucket="versioned", force=True)
    assert data["objects_deleted"] == 3 and data["versioned"]
    assert not client.bucket_exists("versioned")


def test_versioning_get_and_set(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("models")
    assert ok(ctx, "get_bucket_versioning", bucket="models") == {"bucket": "models", "status": "Off"}
    assert "already Off" in preview(ctx, "set_bucket_versioning", bucket="models", enabled=False)
    assert "Enable versioning on bucket 'models' (currently Off)" in preview(
        ctx, "set_bucket_versioning", bucket="models", enabled=True
    )
    data = ok(ctx, "set_bucket_versioning", bucket="models", enabled=True)
    assert data == {"bucket": "models", "status": "Enabled", "previous": "Off", "changed": True}
    assert client.get_bucket_versioning("models").status == "Enabled"
    assert "Suspend versioning" in preview(ctx, "set_bucket_versioning", bucket="models", enabled=False)
    assert ok(ctx, "set_bucket_versioning", bucket="models", enabled=False)["status"] == "Suspended"
    assert ok(ctx, "get_bucket_versioning", bucket="models")["status"] == "Suspended"


def test_versioning_on_missing_bucket(ctx: StorageContext, client: Minio) -> None:
    client.make_bucket("models")
    error = fail(ctx, "get_bucket_versioning", bucket="model")
    assert error.code == "NoSuchBucket" and error.suggestions == ["models"]
    assert fail(ctx, "set_bucket_versioning", bucket="model", enabled=True).code == "NoSuchBucket"


def test_unknown_argument_is_rejected_with_accepted_fields(ctx: StorageContext) -> None:
    error = fail(ctx, "delete_bucket", bucket="x", forced=True)
    assert error.code == "InvalidArguments"
    assert "bucket" in (error.hint or "") and "force?" in (error.hint or "")
