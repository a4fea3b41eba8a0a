"""Every storage tool reached through plain words and the offline planner, answered in prose."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from agents.planner.model import OfflinePlanner
from tests.helpers import assistant_for, of_type, raw_client, run_turn
from tools.storage import STORAGE_TOOLS

# (request, tool expected, words the answer must contain)
CASES = [
    ("list my buckets", "list_buckets", ["data"]),
    ("make a bucket named fresh-bucket", "create_bucket", ["Created bucket fresh-bucket"]),
    ("what's in data?", "list_objects", ["train.csv"]),
    ("how big is s3://data/train.csv", "stat_object", ["train.csv", "B"]),
    ("show me the first rows of s3://data/train.csv", "preview_object", ["sepal", "5.1"]),
    ("plot column sepal_length of s3://data/train.csv", "plot_object", ["sepal_length: 5.1 -> 4.9"]),
    ("upload notes.txt to data", "upload", ["Uploaded notes.txt"]),
    ("download s3://data/train.csv", "download", ["Downloaded s3://data/train.csv"]),
    ("copy s3://data/train.csv to s3://archive/train.csv", "copy_object", ["Copied"]),
    ("move s3://data/old.txt to s3://archive/old.txt", "move_object", ["Moved"]),
    ("delete s3://data/old.txt", "delete_objects", ["Deleted 1 object"]),
    ("give me a link to s3://data/train.csv", "presign_url", ["http://", "valid for 1 hour, until"]),
    ("is versioning enabled on data?", "get_bucket_versioning", ["Versioning on data"]),
    ("turn on versioning for archive", "set_bucket_versioning", ["Enabled"]),
    ("what tags does s3://data/train.csv have?", "get_object_tags", ["team=ml"]),
    ("tag s3://data/train.csv with stage=dev", "set_object_tags", ["stage=dev"]),
    ("delete the bucket empty-one", "delete_bucket", ["Deleted bucket empty-one"]),
]


def test_cases_cover_every_tool() -> None:
    assert {c[1] for c in CASES} == {t.name for t in STORAGE_TOOLS}


@pytest.mark.parametrize(("text", "tool", "words"), CASES, ids=[c[1] for c in CASES])
async def test_tool_through_offline_planner(
    tmp_path: Path, s3_endpoint: str, text: str, tool: str, words: list[str]
) -> None:
    from minio.commonconfig import Tags

    client = raw_client(s3_endpoint)
    for bucket in ("data", "archive", "empty-one"):
        client.make_bucket(bucket)
    csv = b"sepal_length,species\n5.1,setosa\n4.9,setosa\n"
    tags = Tags.new_object_tags()
    tags["team"] = "ml"
    client.put_object("data", "train.csv", io.BytesIO(csv), len(csv), content_type="text/csv", tags=tags)
    client.put_object("data", "old.txt", io.BytesIO(b"old"), 3)
    (tmp_path / "notes.txt").write_text("notes")
    async with assistant_for(tmp_path, OfflinePlanner(), endpoint=s3_endpoint) as assistant:
        events = await run_turn(assistant, "t", text, decide=lambda e: True)
    results = of_type(events, "tool_result")
    assert [r.tool for r in results] == [tool], events
    assert results[0].ok, results[0].error
    answer = events[-1].final_text
    assert f"{tool}:" not in answer  # a rendered sentence, not the raw-result fallback
    for word in words:
        assert word in answer, answer
