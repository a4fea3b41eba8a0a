"""The shared text helpers: clause splitting, names, paths, numbers and durations."""

from __future__ import annotations

import pytest

from agents.text import (
    extract_key_values,
    has_file_extension,
    is_context,
    is_identifier_like,
    is_valid_bucket_name,
    looks_like_path,
    normalize,
    parse_duration_minutes,
    parse_int,
    parse_s3_uri,
    split_clauses,
    tokenize,
    without_context,
)


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "create a bucket called demo-data and upload README.md into it",
            ["create a bucket called demo-data", "upload README.md into it"],
        ),
        ("list buckets and then create one", ["list buckets", "create one"]),
        ("upload a.csv, then share it", ["upload a.csv", "share it"]),
        (
            "make bucket x1, upload a.csv to it, and list it",
            ["make bucket x1", "upload a.csv to it", "list it"],
        ),
        ("upload a.csv, and please list it", ["upload a.csv", "please list it"]),
        ("delete a.csv, b.csv, and c.csv from raw", ["delete a.csv, b.csv, and c.csv from raw"]),
        ("tag it with team=ml and stage=dev", ["tag it with team=ml and stage=dev"]),
        ("upload copy.csv and list.txt to raw", ["upload copy.csv and list.txt to raw"]),
        ('list "this and then that"', ['list "this and then that"']),
        ("Create it. Then list it; finally delete it!", ["Create it", "list it", "delete it"]),
        ("upload a.csv and also share it", ["upload a.csv", "share it"]),
        ("first upload a.csv, after that list it", ["first upload a.csv", "list it"]),
    ],
)
def test_split_clauses(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_split_clauses_takes_extra_verbs() -> None:
    assert split_clauses("upload a.csv and nuke b.csv") == ["upload a.csv and nuke b.csv"]
    assert split_clauses("upload a.csv and nuke b.csv", verbs={"nuke"}) == ["upload a.csv", "nuke b.csv"]
    assert split_clauses("list x and get rid of y", verbs={"get rid of"}) == ["list x", "get rid of y"]


def test_empty_input_has_no_clauses() -> None:
    assert split_clauses("  ") == []
    assert split_clauses("then, and") == []


def test_normalize_folds_typography_but_keeps_case() -> None:
    assert normalize("  what\u2019s   in \u201cDemo\u201d\u2013data ") == 'what\'s in "Demo"-data'


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


@pytest.mark.parametrize(
    ("text", "request_proper"),
    [
        # The story before a request, greetings and thanks around it.
        ("I reworked the scorer. push ./s.py as its new version", "push ./s.py as its new version"),
        ("Good morning. delete x.csv from b1. Thanks!", "delete x.csv from b1."),
        # The situation before "so" / the purpose after it.
        ("we're retiring old-dumps, so move a.csv to new-dumps", "move a.csv to new-dumps"),
        ("move a.csv to new-dumps, so the nightly job picks it up", "move a.csv to new-dumps"),
        ("I need a.csv tagged, so set its stage to ok", "I need a.csv tagged, so set its stage to ok"),
        # What not to do limits the request; it is not one.
        ("register ./f.py as pipeline f1. don't run it yet", "register ./f.py as pipeline f1."),
        ("start iris, no need to wait for it", "start iris"),
        # Nothing but a story stays as it is: there is nothing else to read.
        ("I uploaded a.csv yesterday", "I uploaded a.csv yesterday"),
    ],
)
def test_the_request_proper_is_read_without_story_greetings_or_limits(text: str, request_proper: str) -> None:
    assert without_context(text) == request_proper


def test_a_story_clause_travels_with_the_request_it_explains() -> None:
    from agents.fastroute import clauses_of

    assert clauses_of("batch-9 is done. move in/b9.csv to done/ in etl-1, then list etl-1") == [
        "batch-9 is done. move in/b9.csv to done/ in etl-1",
        "list etl-1",
    ]
    assert is_context("somebody uploaded x.csv twice") and not is_context("upload x.csv twice")
    assert not is_context("I uploaded x.csv, can you tag it?")  # asks for something


def test_brackets_and_sentence_ends_come_off_in_any_order() -> None:
    assert [t.text for t in tokenize("(kept in the x-1 bucket). then (a.csv,")] == [
        "kept", "in", "the", "x-1", "bucket", "then", "a.csv",
    ]  # fmt: skip
