"""The offline storage planner: plain requests -> exact tool calls, questions when something is missing."""

from __future__ import annotations

from typing import Any

import pytest

from agents.planner.storage_intents import STORAGE_TOOLS, Memory, Plan, is_storage_request, plan_storage

Call = tuple[str, dict[str, Any]]


def call(tool: str, **args: Any) -> Call:
    return (tool, args)


def calls(plan: Plan) -> list[Call]:
    return [(step.tool, step.args) for step in plan.steps]


# A thread where the user earlier worked with s3://ml-data/data/train.csv and uploaded README.md.
MEMORY = Memory(bucket="ml-data", key="data/train.csv", local_path="README.md")

# (request, expected calls), planned without memory.
CASES: list[tuple[str, list[Call]]] = [
    # --- list_buckets ---------------------------------------------------------------------------
    ("list my buckets", [call("list_buckets")]),
    ("LIST BUCKETS", [call("list_buckets")]),
    ("what buckets do I have?", [call("list_buckets")]),
    ("hey, which buckets exist?", [call("list_buckets")]),
    ("what do I have in s3", [call("list_buckets")]),
    # --- list_objects ---------------------------------------------------------------------------
    ("what's in demo-data?", [call("list_objects", bucket="demo-data")]),
    ("whats in 'demo'", [call("list_objects", bucket="demo")]),
    ("List Demo-Data", [call("list_objects", bucket="demo-data")]),
    ("hey can you show me what's inside the raw-data bucket?", [call("list_objects", bucket="raw-data")]),
    ("ls s3://demo-data/logs/", [call("list_objects", bucket="demo-data", prefix="logs/")]),
    ("any files under logs/2024/ in ml-data?", [call("list_objects", bucket="ml-data", prefix="logs/2024/")]),
    ("list the top-level files in raw-data", [call("list_objects", bucket="raw-data", recursive=False)]),
    ("ls ml-data recursively", [call("list_objects", bucket="ml-data", recursive=True)]),
    ("show the first 10 objects in bucket logs", [call("list_objects", bucket="logs", limit=10)]),
    (
        "list the first 5 files in s3://ml-data/data/",
        [call("list_objects", bucket="ml-data", prefix="data/", limit=5)],
    ),
    ("how many objects are in demo-data", [call("list_objects", bucket="demo-data")]),
    (
        "show me what's in the data folder of ml-data",
        [call("list_objects", bucket="ml-data", prefix="data/")],
    ),
    ("find files starting with tmp_ in demo-data", [call("list_objects", bucket="demo-data", prefix="tmp_")]),
    (
        "what's in demo-data under logs/? only top level",
        [call("list_objects", bucket="demo-data", prefix="logs/", recursive=False)],
    ),
    ("how big is demo-data", [call("list_objects", bucket="demo-data")]),
    # --- create_bucket --------------------------------------------------------------------------
    ('Create bucket "ml-artifacts"', [call("create_bucket", bucket="ml-artifacts")]),
    ("make a new bucket named Demo-Data pls", [call("create_bucket", bucket="demo-data")]),
    ("I need a new bucket: team-alpha", [call("create_bucket", bucket="team-alpha")]),
    ("set up a bucket for experiments called exp-results", [call("create_bucket", bucket="exp-results")]),
    (
        "create buckets raw, staging and prod",
        [
            call("create_bucket", bucket="raw"),
            call("create_bucket", bucket="staging"),
            call("create_bucket", bucket="prod"),
        ],
    ),
    # --- delete_bucket --------------------------------------------------------------------------
    ("delete bucket old-logs", [call("delete_bucket", bucket="old-logs")]),
    ("kill the bucket exp-42", [call("delete_bucket", bucket="exp-42")]),
    ("remove demo-data", [call("delete_bucket", bucket="demo-data")]),
    (
        "nuke the tmp-bucket bucket even if it's not empty",
        [call("delete_bucket", bucket="tmp-bucket", force=True)],
    ),
    ("drop bucket scratch and everything in it", [call("delete_bucket", bucket="scratch", force=True)]),
    ("delete bucket demo-data --force", [call("delete_bucket", bucket="demo-data", force=True)]),
    (
        "remove the bucket called scratch-2 (it's not empty)",
        [call("delete_bucket", bucket="scratch-2", force=True)],
    ),
    (
        "get rid of old-logs bucket even though it has stuff in it",
        [call("delete_bucket", bucket="old-logs", force=True)],
    ),
    # --- delete_objects -------------------------------------------------------------------------
    (
        "remove a.csv and b.csv from demo-data",
        [call("delete_objects", bucket="demo-data", keys=["a.csv", "b.csv"])],
    ),
    (
        "get rid of everything under logs/ in raw-data",
        [call("delete_objects", bucket="raw-data", prefix="logs/")],
    ),
    ("empty the bucket scratch-1", [call("delete_objects", bucket="scratch-1", prefix="")]),
    ("delete all the files in scratch-1", [call("delete_objects", bucket="scratch-1", prefix="")]),
    ("wipe s3://scratch/tmp/", [call("delete_objects", bucket="scratch", prefix="tmp/")]),
    ("rm logs/*.log from demo-data", [call("delete_objects", bucket="demo-data", prefix="logs/")]),
    (
        "delete every object starting with tmp_ in demo-data",
        [call("delete_objects", bucket="demo-data", prefix="tmp_")],
    ),
    (
        "delete s3://demo-data/a.csv and s3://other-bucket/b.csv",
        [
            call("delete_objects", bucket="demo-data", keys=["a.csv"]),
            call("delete_objects", bucket="other-bucket", keys=["b.csv"]),
        ],
    ),
    ("clear out the logs/ folder in demo-data", [call("delete_objects", bucket="demo-data", prefix="logs/")]),
    # --- upload ---------------------------------------------------------------------------------
    (
        "could u upload README.md to demo-data pls",
        [call("upload", local_path="README.md", bucket="demo-data")],
    ),
    (
        "upload data/train.csv to s3://ml-data/datasets/train.csv",
        [call("upload", local_path="data/train.csv", bucket="ml-data", key="datasets/train.csv")],
    ),
    (
        "push ./model.pkl into ml-models as models/v1/model.pkl",
        [call("upload", local_path="./model.pkl", bucket="ml-models", key="models/v1/model.pkl")],
    ),
    (
        "put ./results/metrics.json in ml-data under runs/42/",
        [call("upload", local_path="./results/metrics.json", bucket="ml-data", key="runs/42/metrics.json")],
    ),
    (
        "upload data/train.csv to ml-data/datasets/",
        [call("upload", local_path="data/train.csv", bucket="ml-data", key="datasets/train.csv")],
    ),
    ("send notes.txt to the backups bucket", [call("upload", local_path="notes.txt", bucket="backups")]),
    (
        "upload the file \"notes final.txt\" into bucket 'team-notes'",
        [call("upload", local_path="notes final.txt", bucket="team-notes")],
    ),
    (
        "upload README.md,setup.py to demo-data",
        [
            call("upload", local_path="README.md", bucket="demo-data"),
            call("upload", local_path="setup.py", bucket="demo-data"),
        ],
    ),
    ("copy ./local.csv to demo-data", [call("upload", local_path="./local.csv", bucket="demo-data")]),
    # --- download -------------------------------------------------------------------------------
    (
        "download s3://demo-data/README.md to ./docs/",
        [call("download", bucket="demo-data", key="README.md", local_path="./docs/")],
    ),
    ("fetch report.pdf from reports", [call("download", bucket="reports", key="report.pdf")]),
    ("grab s3://demo-data/config.yaml", [call("download", bucket="demo-data", key="config.yaml")]),
    ("save report.pdf from reports locally", [call("download", bucket="reports", key="report.pdf")]),
    ("download demo-data/README.md", [call("download", bucket="demo-data", key="README.md")]),
    (
        "pull data/train.csv from ml-data and save it locally",
        [call("download", bucket="ml-data", key="data/train.csv")],
    ),
    (
        "download models/v1/model.pkl from ml-data to model.pkl",
        [call("download", bucket="ml-data", key="models/v1/model.pkl", local_path="model.pkl")],
    ),
    (
        "pull train.csv and test.csv from ml-data into ./data/",
        [
            call("download", bucket="ml-data", key="train.csv", local_path="./data/"),
            call("download", bucket="ml-data", key="test.csv", local_path="./data/"),
        ],
    ),
    ("get me s3://ml-models/prod/model.onnx", [call("download", bucket="ml-models", key="prod/model.onnx")]),
    (
        "download README.md from demo-data and save it as ./readme-copy.md",
        [call("download", bucket="demo-data", key="README.md", local_path="./readme-copy.md")],
    ),
    (
        "copy config.yaml from demo-data to my laptop",
        [call("download", bucket="demo-data", key="config.yaml")],
    ),
    # --- copy_object ----------------------------------------------------------------------------
    (
        "copy a.csv from raw to processed",
        [call("copy_object", src_bucket="raw", src_key="a.csv", dst_bucket="processed")],
    ),
    (
        "duplicate config.yaml in demo-data as config.bak.yaml",
        [
            call(
                "copy_object",
                src_bucket="demo-data",
                src_key="config.yaml",
                dst_bucket="demo-data",
                dst_key="config.bak.yaml",
            )
        ],
    ),
    (
        "cp s3://a-bucket/x.json s3://b-bucket/",
        [call("copy_object", src_bucket="a-bucket", src_key="x.json", dst_bucket="b-bucket")],
    ),
    (
        "copy s3://a-bucket/x.json to b-bucket as y.json",
        [
            call(
                "copy_object",
                src_bucket="a-bucket",
                src_key="x.json",
                dst_bucket="b-bucket",
                dst_key="y.json",
            )
        ],
    ),
    (
        "copy train.csv from ml-data to ml-data-backup and name it train-2024.csv",
        [
            call(
                "copy_object",
                src_bucket="ml-data",
                src_key="train.csv",
                dst_bucket="ml-data-backup",
                dst_key="train-2024.csv",
            )
        ],
    ),
    (
        "back up model.pkl from ml-models to backups",
        [call("copy_object", src_bucket="ml-models", src_key="model.pkl", dst_bucket="backups")],
    ),
    # --- move_object ----------------------------------------------------------------------------
    (
        "rename old.csv to new.csv in demo-data",
        [
            call(
                "move_object",
                src_bucket="demo-data",
                src_key="old.csv",
                dst_bucket="demo-data",
                dst_key="new.csv",
            )
        ],
    ),
    (
        "move s3://raw/a.csv to s3://archive/2024/a.csv",
        [call("move_object", src_bucket="raw", src_key="a.csv", dst_bucket="archive", dst_key="2024/a.csv")],
    ),
    (
        "move a.csv to the archive folder in demo-data",
        [
            call(
                "move_object",
                src_bucket="demo-data",
                src_key="a.csv",
                dst_bucket="demo-data",
                dst_key="archive/a.csv",
            )
        ],
    ),
    (
        "mv logs/app.log archive/app.log in demo-data",
        [
            call(
                "move_object",
                src_bucket="demo-data",
                src_key="logs/app.log",
                dst_bucket="demo-data",
                dst_key="archive/app.log",
            )
        ],
    ),
    # --- stat_object ----------------------------------------------------------------------------
    ("how big is s3://ml-data/data/train.csv", [call("stat_object", bucket="ml-data", key="data/train.csv")]),
    ("what's the size of a.csv in demo-data", [call("stat_object", bucket="demo-data", key="a.csv")]),
    ("does config.yaml exist in demo-data?", [call("stat_object", bucket="demo-data", key="config.yaml")]),
    (
        "when was s3://demo-data/README.md last modified?",
        [call("stat_object", bucket="demo-data", key="README.md")],
    ),
    ("stat demo-data/README.md", [call("stat_object", bucket="demo-data", key="README.md")]),
    # --- preview_object -------------------------------------------------------------------------
    (
        "show me the first rows of data/train.csv in ml-data",
        [call("preview_object", bucket="ml-data", key="data/train.csv")],
    ),
    (
        "preview the first 5 lines of s3://demo/notes.txt",
        [call("preview_object", bucket="demo", key="notes.txt", max_rows=5)],
    ),
    ("peek at results.csv in ml-data", [call("preview_object", bucket="ml-data", key="results.csv")]),
    ("show me data.csv in demo-data", [call("preview_object", bucket="demo-data", key="data.csv")]),
    ("what's in s3://demo-data/notes.txt", [call("preview_object", bucket="demo-data", key="notes.txt")]),
    (
        "read the first 200 bytes of s3://logs/app.log",
        [call("preview_object", bucket="logs", key="app.log", max_bytes=200)],
    ),
    (
        "preview README.md from demo-data, first 1kb",
        [call("preview_object", bucket="demo-data", key="README.md", max_bytes=1024)],
    ),
    # --- presign_url ----------------------------------------------------------------------------
    (
        "give me a link to report.pdf in reports valid for 2 hours",
        [call("presign_url", bucket="reports", key="report.pdf", expires_minutes=120)],
    ),
    (
        "share s3://demo-data/README.md for a day",
        [call("presign_url", bucket="demo-data", key="README.md", expires_minutes=1440)],
    ),
    (
        "give me a presigned URL for s3://reports/q3.pdf that expires in 30 minutes",
        [call("presign_url", bucket="reports", key="q3.pdf", expires_minutes=30)],
    ),
    (
        "Can I get a shareable link to report.pdf in reports? needs to last a week",
        [call("presign_url", bucket="reports", key="report.pdf", expires_minutes=10080)],
    ),
    (
        "generate a download link for data.zip in exports",
        [call("presign_url", bucket="exports", key="data.zip")],
    ),
    ("send me report.pdf from reports", [call("presign_url", bucket="reports", key="report.pdf")]),
    # --- get/set_bucket_versioning --------------------------------------------------------------
    ("is versioning on for demo-data?", [call("get_bucket_versioning", bucket="demo-data")]),
    ("check versioning on ml-data", [call("get_bucket_versioning", bucket="ml-data")]),
    ("is demo-data versioned?", [call("get_bucket_versioning", bucket="demo-data")]),
    ("turn on versioning for ml-data", [call("set_bucket_versioning", bucket="ml-data", enabled=True)]),
    (
        "enable versioning for the ml-models bucket",
        [call("set_bucket_versioning", bucket="ml-models", enabled=True)],
    ),
    ("make sure ml-data is versioned", [call("set_bucket_versioning", bucket="ml-data", enabled=True)]),
    ("suspend versioning on demo-data", [call("set_bucket_versioning", bucket="demo-data", enabled=False)]),
    ("stop versioning ml-data", [call("set_bucket_versioning", bucket="ml-data", enabled=False)]),
    # --- get/set_object_tags --------------------------------------------------------------------
    (
        "tag model.pkl in ml-models with team=ml and stage=dev",
        [call("set_object_tags", bucket="ml-models", key="model.pkl", tags={"team": "ml", "stage": "dev"})],
    ),
    (
        "add tags team=ml to model.pkl in ml-models",
        [call("set_object_tags", bucket="ml-models", key="model.pkl", tags={"team": "ml"}, replace=False)],
    ),
    (
        "replace the tags on model.pkl in ml-models with stage=archived",
        [
            call(
                "set_object_tags",
                bucket="ml-models",
                key="model.pkl",
                tags={"stage": "archived"},
                replace=True,
            )
        ],
    ),
    (
        "set the owner tag on a.csv in demo-data to alice",
        [call("set_object_tags", bucket="demo-data", key="a.csv", tags={"owner": "alice"})],
    ),
    (
        "remove all tags from a.csv in demo-data",
        [call("set_object_tags", bucket="demo-data", key="a.csv", tags={})],
    ),
    (
        "what tags does s3://ml-models/model.pkl have?",
        [call("get_object_tags", bucket="ml-models", key="model.pkl")],
    ),
    (
        "show the tags on config.yaml in demo-data",
        [call("get_object_tags", bucket="demo-data", key="config.yaml")],
    ),
    # --- several steps, references within the request -------------------------------------------
    (
        "create a bucket called demo-data and upload README.md into it",
        [
            call("create_bucket", bucket="demo-data"),
            call("upload", local_path="README.md", bucket="demo-data"),
        ],
    ),
    (
        "create bucket demo-data. upload README.md into it. then give me a link to it for 2 hours",
        [
            call("create_bucket", bucket="demo-data"),
            call("upload", local_path="README.md", bucket="demo-data"),
            call("presign_url", bucket="demo-data", key="README.md", expires_minutes=120),
        ],
    ),
    (
        "create a bucket named landing-zone, turn on versioning for it and upload data.csv there",
        [
            call("create_bucket", bucket="landing-zone"),
            call("set_bucket_versioning", bucket="landing-zone", enabled=True),
            call("upload", local_path="data.csv", bucket="landing-zone"),
        ],
    ),
    (
        "upload a.csv to demo-data and then show me the first rows of it",
        [
            call("upload", local_path="a.csv", bucket="demo-data"),
            call("preview_object", bucket="demo-data", key="a.csv"),
        ],
    ),
    (
        "move a.csv from raw into processed, then delete b.csv from raw",
        [
            call("move_object", src_bucket="raw", src_key="a.csv", dst_bucket="processed"),
            call("delete_objects", bucket="raw", keys=["b.csv"]),
        ],
    ),
    (
        "copy report.pdf from reports to archive-2024 then delete it from reports",
        [
            call("copy_object", src_bucket="reports", src_key="report.pdf", dst_bucket="archive-2024"),
            call("delete_objects", bucket="reports", keys=["report.pdf"]),
        ],
    ),
    (
        "download and delete a.csv from demo-data",
        [
            call("download", bucket="demo-data", key="a.csv"),
            call("delete_objects", bucket="demo-data", keys=["a.csv"]),
        ],
    ),
    (
        "empty and delete bucket scratch-1",
        [call("delete_objects", bucket="scratch-1", prefix=""), call("delete_bucket", bucket="scratch-1")],
    ),
    (
        'make bucket "experiments-2024" and list all buckets',
        [call("create_bucket", bucket="experiments-2024"), call("list_buckets")],
    ),
    (
        "list buckets then create one called new-bucket",
        [call("list_buckets"), call("create_bucket", bucket="new-bucket")],
    ),
    (
        "can you check how many files are in demo-data and then delete old.csv from it",
        [
            call("list_objects", bucket="demo-data"),
            call("delete_objects", bucket="demo-data", keys=["old.csv"]),
        ],
    ),
    (
        "upload README.md to demo-data and what's in it",
        [
            call("upload", local_path="README.md", bucket="demo-data"),
            call("preview_object", bucket="demo-data", key="README.md"),
        ],
    ),
    (
        "download report.pdf from reports to ./report.pdf, then upload it to archive-2024",
        [
            call("download", bucket="reports", key="report.pdf", local_path="./report.pdf"),
            call("upload", local_path="./report.pdf", bucket="archive-2024"),
        ],
    ),
    (
        "tag s3://ml-models/model.pkl with stage=prod owner=alice and share it for 1h",
        [
            call(
                "set_object_tags",
                bucket="ml-models",
                key="model.pkl",
                tags={"stage": "prod", "owner": "alice"},
            ),
            call("presign_url", bucket="ml-models", key="model.pkl", expires_minutes=60),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_plans(text: str, expected: list[Call]) -> None:
    plan = plan_storage(text)
    assert plan.question is None
    assert calls(plan) == expected


def test_every_tool_is_covered() -> None:
    planned = {tool for _text, expected in CASES for tool, _args in expected}
    assert planned == set(STORAGE_TOOLS)


# (request, expected calls) with MEMORY: references fall back to what the thread mentioned.
MEMORY_CASES: list[tuple[str, list[Call]]] = [
    ("list it", [call("list_objects", bucket="ml-data")]),
    ("what's in there?", [call("list_objects", bucket="ml-data")]),
    ("how big is it", [call("stat_object", bucket="ml-data", key="data/train.csv")]),
    ("show me the metadata", [call("stat_object", bucket="ml-data", key="data/train.csv")]),
    ("preview it", [call("preview_object", bucket="ml-data", key="data/train.csv")]),
    ("show me the first few lines", [call("preview_object", bucket="ml-data", key="data/train.csv")]),
    ("delete it", [call("delete_objects", bucket="ml-data", keys=["data/train.csv"])]),
    ("delete config.yaml", [call("delete_objects", bucket="ml-data", keys=["config.yaml"])]),
    ("delete that bucket", [call("delete_bucket", bucket="ml-data")]),
    ("upload it to backups", [call("upload", local_path="README.md", bucket="backups")]),
    ("download it", [call("download", bucket="ml-data", key="data/train.csv")]),
    (
        "download it to /tmp/train.csv",
        [call("download", bucket="ml-data", key="data/train.csv", local_path="/tmp/train.csv")],
    ),
    ("download data/val.csv", [call("download", bucket="ml-data", key="data/val.csv")]),
    ("give me a link to the file", [call("presign_url", bucket="ml-data", key="data/train.csv")]),
    ("share it for 1h", [call("presign_url", bucket="ml-data", key="data/train.csv", expires_minutes=60)]),
    (
        "rename it to train_v2.csv",
        [
            call(
                "move_object",
                src_bucket="ml-data",
                src_key="data/train.csv",
                dst_bucket="ml-data",
                dst_key="train_v2.csv",
            )
        ],
    ),
    (
        "move it to the archive/ folder",
        [
            call(
                "move_object",
                src_bucket="ml-data",
                src_key="data/train.csv",
                dst_bucket="ml-data",
                dst_key="archive/train.csv",
            )
        ],
    ),
    (
        "copy it to backups",
        [call("copy_object", src_bucket="ml-data", src_key="data/train.csv", dst_bucket="backups")],
    ),
    ("turn versioning off", [call("set_bucket_versioning", bucket="ml-data", enabled=False)]),
    ("what tags does it have", [call("get_object_tags", bucket="ml-data", key="data/train.csv")]),
    (
        "tag it with stage=prod, team=ml",
        [
            call(
                "set_object_tags",
                bucket="ml-data",
                key="data/train.csv",
                tags={"stage": "prod", "team": "ml"},
            )
        ],
    ),
    # Names in the request beat memory, and "it" follows the most recent of them.
    (
        "create bucket fresh-1 and list it",
        [call("create_bucket", bucket="fresh-1"), call("list_objects", bucket="fresh-1")],
    ),
    (
        "upload notes.txt to demo-data and delete it",
        [
            call("upload", local_path="notes.txt", bucket="demo-data"),
            call("delete_objects", bucket="demo-data", keys=["notes.txt"]),
        ],
    ),
    (
        "create bucket fresh-2 then delete it",
        [call("create_bucket", bucket="fresh-2"), call("delete_bucket", bucket="fresh-2")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MEMORY_CASES, ids=[c[0][:60] for c in MEMORY_CASES])
def test_references_resolve_from_memory(text: str, expected: list[Call]) -> None:
    plan = plan_storage(text, MEMORY)
    assert plan.question is None
    assert calls(plan) == expected


def test_an_old_object_is_not_guessed_for_a_new_bucket() -> None:
    # "it" is the bucket just created, not the object in memory.
    plan = plan_storage("create bucket fresh-3 and preview it", MEMORY)
    assert calls(plan) == [call("create_bucket", bucket="fresh-3")]
    assert plan.question == "Which object in fresh-3 should I preview?"


def test_data_slash_is_a_key_when_a_bucket_is_known_and_a_bucket_otherwise() -> None:
    assert calls(plan_storage("download data/val.csv", Memory(bucket="ml-data"))) == [
        call("download", bucket="ml-data", key="data/val.csv")
    ]
    assert calls(plan_storage("download data/val.csv")) == [call("download", bucket="data", key="val.csv")]


# (request, memory, calls before the gap, the question asked)
QUESTION_CASES: list[tuple[str, Memory | None, list[Call], str]] = [
    ("list the files", None, [], "Which bucket should I list?"),
    ("upload README.md", None, [], "Which bucket should I upload README.md to?"),
    ("upload to demo-data", None, [], "Which local file should I upload?"),
    ("please make a bucket", None, [], "What should I call the new bucket?"),
    ("create bucket My_Bucket", None, [], "'My_Bucket' isn't a valid bucket name"),
    ("delete the bucket", None, [], "Which bucket should I delete?"),
    ("delete config.yaml", None, [], "Which bucket should I delete config.yaml from?"),
    ("how big is README.md?", None, [], "Which bucket is README.md in?"),
    ("link to the file please", None, [], "Which object should I share?"),
    ("enable versioning", None, [], "Which bucket should I enable versioning on?"),
    ("is versioning on?", None, [], "Which bucket's versioning should I check?"),
    ("tag model.pkl in ml-models", None, [], "Which tags should I set on model.pkl?"),
    ("make a copy of config.yaml in demo-data", None, [], "Where should I copy config.yaml to?"),
    ("rename a.csv in demo-data", None, [], "What should I rename a.csv to?"),
    ("rename the bucket demo-data to demo", None, [], "Buckets can't be renamed"),
    ("remove the team tag from a.csv in demo-data", None, [], "whole tag set"),
    ("download everything under logs/ from demo-data", None, [], "single objects"),
    ("move all of logs/ to archive", None, [], "I can only move single objects"),
    ("show me the first rows", Memory(bucket="demo-data"), [], "Which object in demo-data should I preview?"),
    (
        "create a bucket called demo-data and upload something into it",
        None,
        [call("create_bucket", bucket="demo-data")],
        "Which local file should I upload?",
    ),
    (
        "create a bucket, upload x.csv to it",
        None,
        [],
        "What should I call the new bucket?",
    ),
    (
        "list my buckets, then delete the bucket",
        None,
        [call("list_buckets")],
        "Which bucket should I delete?",
    ),
]


@pytest.mark.parametrize(
    ("text", "memory", "before", "question"), QUESTION_CASES, ids=[c[0][:60] for c in QUESTION_CASES]
)
def test_missing_arguments_get_a_question(text: str, memory: Memory | None, before: list[Call], question: str) -> None:
    plan = plan_storage(text, memory)
    assert plan.question is not None and question in plan.question
    assert calls(plan) == before


STORAGE_REQUESTS = [
    "list my buckets",
    "what's in demo-data?",
    "upload README.md to demo-data",
    "show me the first rows of s3://raw-data/train.csv",
    "how big is data/train.csv in ml-data",
    "give me a link to report.pdf",
    "share it for 2 hours",
    "delete a.csv from raw-data",
    "any files under logs/?",
    "put ./results/metrics.json in ml-data under runs/42/",
    "is versioning on for models?",
    "tag model.pkl with team=ml",
    "download it",
    "list the files",
    "empty",  # the router splits "empty and delete bucket x" before asking
]

OTHER_REQUESTS = [
    "run the iris pipeline",
    "how do I cache a KFP step?",
    "list runs of the iris pipeline",
    "delete the old experiment",
    "show me the docs for components",
    "how do I write a pipeline component?",
    "what's the status of my last run?",
    "thanks!",
    "hello",
]


@pytest.mark.parametrize("text", STORAGE_REQUESTS)
def test_storage_requests_are_recognised(text: str) -> None:
    assert is_storage_request(text)


@pytest.mark.parametrize("text", OTHER_REQUESTS)
def test_other_requests_are_not_storage(text: str) -> None:
    assert not is_storage_request(text)


def test_router_rejoined_clauses_plan_the_same() -> None:
    # The router splits a request, keeps the storage clauses and joins them back with " and ".
    original = "create bucket demo-data. upload README.md into it; then give me a link to it for 2 hours"
    rejoined = "create bucket demo-data and upload README.md into it and give me a link to it for 2 hours"
    assert calls(plan_storage(rejoined)) == calls(plan_storage(original))
    assert len(plan_storage(rejoined).steps) == 3


def test_non_storage_text_plans_nothing() -> None:
    plan = plan_storage("run the iris pipeline")
    assert plan.steps == [] and plan.question is not None
