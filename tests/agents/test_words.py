"""Names, paths, URIs, numbers and durations read from requests (agents/words.py)."""

from __future__ import annotations

import pytest

from agents.words import (
    extract_key_values,
    has_file_extension,
    is_identifier_like,
    is_valid_bucket_name,
    looks_like_path,
    parse_duration_minutes,
    parse_int,
    parse_s3_uri,
    tokenize,
)


def test_tokenize_classifies_names_paths_and_uris() -> None:
    tokens = tokenize("what's in \"demo-data\"? s3://Raw/a b.csv, ./dir/ team=ml 42 README.md. demo-data's tmp_*")
    assert [(t.text, t.kind) for t in tokens] == [
        ("what's", "word"),
        ("in", "word"),
        ("demo-data", "quoted"),
        ("s3://Raw/a", "uri"),
        ("b.csv", "path"),
        ("./dir/", "path"),
        ("team=ml", "kv"),
        ("42", "number"),
        ("README.md", "path"),
        ("demo-data", "word"),
        ("tmp_*", "path"),
    ]
    assert [t.text for t in tokenize("a.csv,b.csv")] == ["a.csv", "b.csv"]


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("demo-data", True),
        ("my.bucket.v2", True),
        ("abc", True),
        ("ab", False),
        ("Demo", False),
        ("my_bucket", False),
        ("-demo", False),
        ("demo-", False),
        ("a..b", False),
        ("192.168.1.1", False),
        ("xn--abc", False),
        ("a" * 64, False),
    ],
)
def test_bucket_names(name: str, valid: bool) -> None:
    assert is_valid_bucket_name(name) is valid


def test_paths_and_extensions() -> None:
    assert has_file_extension("README.md") and has_file_extension("model.PKL")
    assert not has_file_extension("logs.example.com") and not has_file_extension(".csv")
    for path in ("./dir/", "data/train.csv", "~/x", "/tmp", "logs/", "tmp_*", "a.parquet"):
        assert looks_like_path(path), path
    for word in ("demo-data", "s3://a/b", "team=ml", "hello"):
        assert not looks_like_path(word), word


def test_identifier_like() -> None:
    assert all(is_identifier_like(t) for t in ("demo-data", "v2", "my_bucket", "logs.example.com"))
    assert not any(is_identifier_like(t) for t in ("reports", "2024", "hello"))


def test_s3_uris() -> None:
    assert parse_s3_uri("s3://Demo-Data/logs/2024/app.log") == ("demo-data", "logs/2024/app.log")
    assert parse_s3_uri("s3://demo") == ("demo", "")
    assert parse_s3_uri("s3://demo/logs/") == ("demo", "logs/")
    assert parse_s3_uri("https://demo/x") is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("for 2 hours", 120),
        ("valid 1 day", 1440),
        ("for a week", 10080),
        ("half an hour", 30),
        ("an hour and a half", 90),
        ("1h30m", 90),
        ("expires in 45 mins", 45),
        ("7days", 10080),
        ("3600 seconds", 60),
        ("1.5 hours", 90),
        ("two hours", 120),
        ("first 5 rows", None),
        ("as soon as possible", None),
        ("5 m", None),
    ],
)
def test_durations(text: str, minutes: int | None) -> None:
    assert parse_duration_minutes(text) == minutes


def test_numbers() -> None:
    assert parse_int("12") == 12 and parse_int("twelve") == 12 and parse_int("a") == 1
    assert parse_int("few") is None


def test_key_values() -> None:
    pairs, rest = extract_key_values('tag it with team=ml and stage=dev, owner:"a b" s3://x/y.')
    assert pairs == {"team": "ml", "stage": "dev", "owner": "a b"}
    assert "team" not in rest and "s3://x/y" in rest
    assert extract_key_values("note: nothing here")[0] == {}


def test_brackets_and_sentence_ends_come_off_in_any_order() -> None:
    assert [t.text for t in tokenize("(kept in the x-1 bucket). then (a.csv,")] == [
        "kept", "in", "the", "x-1", "bucket", "then", "a.csv",
    ]  # fmt: skip
