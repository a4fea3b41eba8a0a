"""preview_object: bounded reads and content detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from minio import Minio

from tests.tools import fail, ok, put, storage_ctx
from tools.storage import StorageContext


@pytest.fixture
def ctx(s3_endpoint: str, tmp_path: Path) -> StorageContext:
    return storage_ctx(s3_endpoint, tmp_path)


@pytest.fixture
def client(ctx: StorageContext) -> Minio:
    ctx.client.make_bucket("data")
    return ctx.client


def test_large_object_preview_stays_capped(ctx: StorageContext, client: Minio) -> None:
    line = "the quick brown fox jumps over the lazy dog 0123456789\n"
    body = (line * (5 * 1024 * 1024 // len(line) + 1)).encode()
    put(client, "data", "logs/big.log", body)
    data = ok(ctx, "preview_object", bucket="data", key="logs/big.log", max_bytes=1000)
    assert data["kind"] == "text"
    assert data["size"] == len(body) > 5 * 1024 * 1024
    assert data["bytes_read"] == 1000
    assert len(data["text"].encode()) <= 1000 and body.decode().startswith(data["text"])
    assert data["truncated"] is True


def test_large_csv_preview_is_capped_by_bytes_and_rows(ctx: StorageContext, client: Minio) -> None:
    rows = "".join(f"{i},{i * 2},label-{i}\n" for i in range(400_000))
    body = ("id,value,label\n" + rows).encode()
    put(client, "data", "big.csv", body)
    result_data = ok(ctx, "preview_object", bucket="data", key="big.csv", max_bytes=2048, max_rows=5)
    assert result_data["kind"] == "csv" and result_data["bytes_read"] == 2048
    assert result_data["columns"] == ["id", "value", "label"]
    assert result_data["rows"] == [[str(i), str(i * 2), f"label-{i}"] for i in range(5)]
    assert result_data["truncated"] is True
    assert len(json.dumps(result_data)) < 2048


def test_csv_detected_by_content_type_and_partial_last_line_dropped(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "export", "name;score\nada;1\nbob;2\ncarol;3\n", content_type="text/csv")
    data = ok(ctx, "preview_object", bucket="data", key="export", max_bytes=25)
    # 25 bytes end inside "carol;3": the half row must not appear as data.
    assert data["kind"] == "csv" and data["delimiter"] == ";"
    assert data["columns"] == ["name", "score"] and data["rows"] == [["ada", "1"], ["bob", "2"]]
    assert data["truncated"] is True


def test_tsv_small_file_is_complete(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "t.tsv", "a\tb\n1\t2\n")
    data = ok(ctx, "preview_object", bucket="data", key="t.tsv")
    assert data["kind"] == "csv" and data["rows"] == [["1", "2"]] and data["truncated"] is False


def test_json_is_pretty_printed_when_it_fits(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "config.json", '{"lr":0.001,"layers":[64,32]}')
    data = ok(ctx, "preview_object", bucket="data", key="config.json")
    assert data["kind"] == "json" and data["parsed"] is True
    assert json.loads(data["text"]) == {"lr": 0.001, "layers": [64, 32]}
    assert "\n  " in data["text"] and data["truncated"] is False


def test_truncated_json_falls_back_to_text_head(ctx: StorageContext, client: Minio) -> None:
    body = json.dumps({"items": list(range(5000))})
    put(client, "data", "big.json", body)
    data = ok(ctx, "preview_object", bucket="data", key="big.json", max_bytes=100)
    assert data["kind"] == "json" and data["parsed"] is False
    assert data["text"] == body[:100] and data["truncated"] is True


def test_json_detected_from_content_without_extension(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "metrics", '[{"acc": 0.9}]')
    data = ok(ctx, "preview_object", bucket="data", key="metrics")
    assert data["kind"] == "json" and data["parsed"] is True


def test_jsonl_records(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "rows.jsonl", "".join(json.dumps({"i": i}) + "\n" for i in range(10)))
    data = ok(ctx, "preview_object", bucket="data", key="rows.jsonl", max_rows=3)
    assert data["kind"] == "json" and data["records"] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert data["truncated"] is True


def test_binary_reports_size_and_type_only(ctx: StorageContext, client: Minio) -> None:
    put(
        client,
        "data",
        "weights.bin",
        b"\x93NUMPY\x01\x00" + bytes(range(256)) * 10,
        content_type="application/x-npy",
    )
    data = ok(ctx, "preview_object", bucket="data", key="weights.bin")
    assert data["kind"] == "binary" and data["size"] == 8 + 2560
    assert data["content_type"] == "application/x-npy"
    assert data["detected_format"] == "numpy .npy"
    assert "text" not in data and "rows" not in data


def test_undecodable_bytes_are_binary(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "blob", bytes([0xFF, 0xFE, 0xFA]) * 100)
    assert ok(ctx, "preview_object", bucket="data", key="blob")["kind"] == "binary"


def test_multibyte_character_split_by_cap_is_still_text(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "notes.txt", "é" * 100)  # 2 bytes each: a 5-byte cap splits one
    data = ok(ctx, "preview_object", bucket="data", key="notes.txt", max_bytes=5)
    assert data["kind"] == "text" and data["text"] == "éé" and data["truncated"] is True


def test_empty_object(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "empty.txt", b"")
    data = ok(ctx, "preview_object", bucket="data", key="empty.txt")
    assert data["size"] == 0 and data["bytes_read"] == 0 and data["text"] == "" and not data["truncated"]


def test_preview_limits_and_missing_key(ctx: StorageContext, client: Minio) -> None:
    put(client, "data", "notes.txt", "hello")
    assert fail(ctx, "preview_object", bucket="data", key="notes.txt", max_bytes=65537).code == "InvalidArguments"
    error = fail(ctx, "preview_object", bucket="data", key="note.txt")
    assert error.code == "NoSuchKey" and error.suggestions == ["notes.txt"]
