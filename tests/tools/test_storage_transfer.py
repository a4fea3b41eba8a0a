"""upload and download, including the path-traversal guard on downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from minio import Minio

from tests.tools import fail, files_under, ok, preview, put, raw_put, storage_ctx
from tools.base import ToolFailure
from tools.storage import StorageContext
from tools.storage.paths import key_problem, safe_destination


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def ctx(s3_endpoint: str, workdir: Path) -> StorageContext:
    return storage_ctx(s3_endpoint, workdir)


@pytest.fixture
def client(ctx: StorageContext) -> Minio:
    ctx.client.make_bucket("raw-data")
    return ctx.client


def bucket_keys(client: Minio, bucket: str = "raw-data") -> list[str]:
    return sorted(o.object_name for o in client.list_objects(bucket, recursive=True))


# --- upload -----------------------------------------------------------------------------------


def test_upload_file_defaults_key_to_basename(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    (workdir / "train.csv").write_text("a,b\n1,2\n")
    assert preview(ctx, "upload", local_path="train.csv", bucket="raw-data") == (
        "Upload train.csv (8 B) to s3://raw-data/train.csv — creates a new object."
    )
    data = ok(ctx, "upload", local_path="train.csv", bucket="raw-data")
    assert data["uploaded"] == [{"key": "train.csv", "size": 8}] and data["count"] == 1
    assert data["destination"] == "s3://raw-data/train.csv"
    assert client.stat_object("raw-data", "train.csv").content_type == "text/csv"
    text = preview(ctx, "upload", local_path="train.csv", bucket="raw-data")
    assert "overwrites the existing 8 B object" in text


def test_upload_file_to_folder_key_and_absolute_path(ctx: StorageContext, client: Minio, tmp_path: Path) -> None:
    src = tmp_path / "elsewhere" / "config.json"
    src.parent.mkdir()
    src.write_text("{}")
    ok(ctx, "upload", local_path=str(src), bucket="raw-data", key="configs/")
    assert bucket_keys(client) == ["configs/config.json"]
    assert client.stat_object("raw-data", "configs/config.json").content_type == "application/json"


def test_upload_directory_recursively(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    data_dir = workdir / "data"
    (data_dir / "images" / "cats").mkdir(parents=True)
    (data_dir / "labels.csv").write_text("id,label\n")
    (data_dir / "images" / "cats" / "1.png").write_bytes(b"\x89PNG" + b"0" * 96)
    (data_dir / "images" / "readme.txt").write_text("hi")
    put(client, "raw-data", "data/labels.csv", b"old")
    text = preview(ctx, "upload", local_path="./data", bucket="raw-data")
    assert text == (
        "Upload 3 files (111 B) from ./data to s3://raw-data/data/ — overwrites 1 existing object (data/labels.csv)."
    )
    result = ok(ctx, "upload", local_path="./data", bucket="raw-data")
    assert result["count"] == 3 and result["total_bytes"] == 111 and not result["truncated"]
    assert bucket_keys(client) == ["data/images/cats/1.png", "data/images/readme.txt", "data/labels.csv"]
    assert client.stat_object("raw-data", "data/images/cats/1.png").content_type == "image/png"
    assert client.get_object("raw-data", "data/labels.csv").read() == b"id,label\n"


def test_upload_directory_to_custom_prefix_and_root(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    (workdir / "d" / "sub").mkdir(parents=True)
    (workdir / "d" / "sub" / "x.txt").write_text("x")
    ok(ctx, "upload", local_path="d", bucket="raw-data", key="runs/7/")
    ok(ctx, "upload", local_path="d", bucket="raw-data", key="")
    assert bucket_keys(client) == ["runs/7/sub/x.txt", "sub/x.txt"]
    assert "no existing objects are overwritten" in preview(ctx, "upload", local_path="d", bucket="raw-data", key="new")


def test_upload_report_is_capped(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    many = workdir / "many"
    many.mkdir()
    for i in range(105):
        (many / f"{i:03}.txt").write_text("x")
    data = ok(ctx, "upload", local_path="many", bucket="raw-data")
    assert data["count"] == 105 and len(data["uploaded"]) == 100 and data["truncated"] is True
    assert len(bucket_keys(client)) == 105


def test_upload_missing_local_path_suggests_neighbours(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    (workdir / "data").mkdir()
    (workdir / "data" / "train.csv").write_text("x")
    (workdir / "data" / "test.csv").write_text("x")
    error = fail(ctx, "upload", local_path="data/trian.csv", bucket="raw-data")
    assert error.code == "LocalPathNotFound"
    assert error.suggestions[0] == "data/train.csv"
    error = fail(ctx, "upload", local_path="dta/train.csv", bucket="raw-data")
    assert error.code == "LocalPathNotFound" and error.suggestions == ["data"]
    assert "will fail" in preview(ctx, "upload", local_path="dta", bucket="raw-data")
    assert bucket_keys(client) == []


def test_upload_to_missing_bucket(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    (workdir / "f.txt").write_text("x")
    error = fail(ctx, "upload", local_path="f.txt", bucket="raw-dat")
    assert error.code == "NoSuchBucket" and error.suggestions == ["raw-data"]
    assert "does not exist" in preview(ctx, "upload", local_path="f.txt", bucket="raw-dat")


# --- download ---------------------------------------------------------------------------------


def test_download_single_object(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    put(client, "raw-data", "models/v1/model.onnx", b"weights")
    text = preview(ctx, "download", bucket="raw-data", key="models/v1/model.onnx")
    assert text == (
        f"Download s3://raw-data/models/v1/model.onnx (7 B) to {workdir / 'model.onnx'} — creates a new local file."
    )
    data = ok(ctx, "download", bucket="raw-data", key="models/v1/model.onnx")
    assert (workdir / "model.onnx").read_bytes() == b"weights"
    assert data["count"] == 1 and data["local_path"] == str(workdir / "model.onnx")
    assert "overwrites the existing local file (7 B)" in preview(
        ctx, "download", bucket="raw-data", key="models/v1/model.onnx"
    )
    assert files_under(workdir) == {"model.onnx"}  # no temp files left behind


def test_download_single_object_to_explicit_file_or_dir(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    put(client, "raw-data", "a/b.txt", b"hello")
    ok(ctx, "download", bucket="raw-data", key="a/b.txt", local_path="out/renamed.txt")
    ok(ctx, "download", bucket="raw-data", key="a/b.txt", local_path="into/")
    assert (workdir / "out" / "renamed.txt").read_bytes() == b"hello"
    assert (workdir / "into" / "b.txt").read_bytes() == b"hello"


def test_download_prefix(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    for key in ("data/2024/a.csv", "data/2024/sub/b.csv", "data/other.csv", "database.csv"):
        put(client, "raw-data", key, b"row\n")
    (workdir / "2024").mkdir()
    (workdir / "2024" / "a.csv").write_text("local")
    text = preview(ctx, "download", bucket="raw-data", key="data/2024")
    assert text.startswith(f"Download 2 objects (8 B) under s3://raw-data/data/2024/ into {workdir / '2024'}/")
    assert "overwrites 1 existing local file" in text
    data = ok(ctx, "download", bucket="raw-data", key="data/2024")
    assert data["count"] == 2 and data["errors"] == []
    assert files_under(workdir) == {"2024/a.csv", "2024/sub/b.csv"}
    ok(ctx, "download", bucket="raw-data", key="data/", local_path="copy")
    assert files_under(workdir / "copy") == {"2024/a.csv", "2024/sub/b.csv", "other.csv"}


def test_download_missing_key_suggests(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    put(client, "raw-data", "data/train.csv")
    error = fail(ctx, "download", bucket="raw-data", key="data/trian.csv")
    assert error.code == "NoSuchKey" and error.suggestions == ["data/train.csv"]
    assert fail(ctx, "download", bucket="raw-dta", key="data/train.csv").code == "NoSuchBucket"
    assert files_under(workdir) == set()


def test_download_refuses_traversal_keys_and_writes_nothing(
    ctx: StorageContext, client: Minio, s3_endpoint: str, tmp_path: Path, workdir: Path
) -> None:
    put(client, "raw-data", "a/ok.txt", b"fine")
    raw_put(s3_endpoint, "raw-data", "a/../../escape.txt", b"evil")
    raw_put(s3_endpoint, "raw-data", "/abs.txt", b"evil")
    # The server really stores these names (if moto ever normalised them this test would be vacuous).
    assert {"a/../../escape.txt", "/abs.txt"} <= set(bucket_keys(client))
    before = files_under(tmp_path)

    error = fail(ctx, "download", bucket="raw-data", key="a/../../escape.txt")
    assert error.code == "UnsafeKey" and "'..'" in error.message
    error = fail(ctx, "download", bucket="raw-data", key="a/", local_path="out")
    assert error.code == "UnsafeKey" and "a/../../escape.txt" in error.message
    error = fail(ctx, "download", bucket="raw-data", key="")
    assert error.code == "UnsafeKey" and "/abs.txt" in error.suggestions
    assert "will fail" in preview(ctx, "download", bucket="raw-data", key="a/")

    assert files_under(tmp_path) == before
    assert not (tmp_path / "escape.txt").exists() and not (workdir / "escape.txt").exists()
    assert not Path("/abs.txt").exists()


def test_download_refuses_symlink_escape(ctx: StorageContext, client: Minio, tmp_path: Path, workdir: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = workdir / "dl"
    target.mkdir()
    (target / "link").symlink_to(outside, target_is_directory=True)
    put(client, "raw-data", "p/link/owned.txt", b"evil")
    error = fail(ctx, "download", bucket="raw-data", key="p/", local_path="dl")
    assert error.code == "UnsafeKey" and "outside" in error.message
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "a/..", "..", "/etc/passwd", "", ".", "a/\x00b", "..\\x"])
def test_key_guard_rejects(rel: str, tmp_path: Path) -> None:
    assert key_problem(rel) is not None
    with pytest.raises(ToolFailure) as info:
        safe_destination(tmp_path, rel, rel)
    assert info.value.code == "UnsafeKey"


@pytest.mark.parametrize("rel", ["x.txt", "a/b/c.bin", "a//b", "..hidden", "a/...", "dir./f"])
def test_key_guard_accepts_paths_inside(rel: str, tmp_path: Path) -> None:
    dest = safe_destination(tmp_path, rel, rel)
    assert dest.is_relative_to(tmp_path.resolve()) and dest != tmp_path.resolve()


def test_download_to_existing_file_for_prefix_fails(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    put(client, "raw-data", "p/a.txt")
    (workdir / "afile").write_text("x")
    assert fail(ctx, "download", bucket="raw-data", key="p/", local_path="afile").code == "LocalPathIsFile"


def test_upload_rejects_dot_segments_in_destination(ctx: StorageContext, client: Minio, workdir: Path) -> None:
    (workdir / "f.txt").write_text("x")
    assert fail(ctx, "upload", local_path="f.txt", bucket="raw-data", key="../f.txt").code == "InvalidKey"
    assert bucket_keys(client) == []
