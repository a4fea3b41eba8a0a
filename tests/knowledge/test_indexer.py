"""index_inputs: many inputs in one pass, loader failures in the report, missing inputs change nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from knowledge.indexer import KnowledgeInputError, index_inputs
from knowledge.store import KnowledgeBase
from tests.knowledge import make_pdf, shared_embedder


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "index", embedder=shared_embedder())


def test_every_format_with_a_corrupt_pdf(kb: KnowledgeBase, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "deep").mkdir(parents=True)
    (docs / "a.md").write_text("# Alpha\n\nAlpha explains pipelines.\n")
    (docs / "b.txt").write_text("Beta explains buckets.")
    (docs / "deep" / "c.htm").write_text("<h1>Gamma</h1><p>Gamma explains experiments.</p>")
    (docs / "d.pdf").write_bytes(make_pdf(["Delta explains artifacts."]))
    (docs / "e.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << broken")
    (docs / "f.docx").write_bytes(b"PK\x03\x04")
    single = tmp_path / "single.rst"
    single.write_text("Single\n======\n\nA file given on its own.\n")
    report = index_inputs(kb, [str(docs), str(single)])
    assert sorted(Path(s).name for s in report.added) == ["a.md", "b.txt", "c.htm", "d.pdf", "single.rst"]
    assert [Path(s).name for s, _ in report.failed] == ["e.pdf"] and "corrupt PDF" in report.failed[0][1]
    assert [Path(s).name for s, _ in report.skipped] == ["f.docx"]
    assert report.chunks_written == kb.count() == 5 and report.seconds > 0
    origins = {Path(i.source).name: i.origin for i in kb.sources()}
    assert origins["single.rst"] == str(single.resolve()) and origins["c.htm"] == str(docs.resolve())


def test_missing_input_raises_before_any_change(kb: KnowledgeBase, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nContent.")
    missing = tmp_path / "missing-dir"
    with pytest.raises(KnowledgeInputError) as info:
        index_inputs(kb, [str(good), str(missing)])
    assert info.value.path == str(missing) and "no such file or directory" in str(info.value)
    assert kb.count() == 0


def test_s3_prefix_ingestion_and_removal(kb: KnowledgeBase, s3_endpoint: str) -> None:
    from minio import Minio

    client = Minio(s3_endpoint, "testing", "testing", secure=False)
    client.make_bucket("team-docs")
    objects = {
        "guides/caching.md": b"# Caching\n\nDisable caching with set_caching_options(False).",
        "guides/storage.txt": b"Presigned URLs share objects without credentials.",
        "guides/runs/retry.html": b"<h1>Retries</h1><p>Retry failed tasks with a backoff policy.</p>",
        "guides/manual.pdf": make_pdf(["Page one of the manual.", "GPU requests use set_accelerator_limit."]),
        "guides/broken.pdf": b"%PDF-1.4 nope",
    }
    for key, data in objects.items():
        client.put_object("team-docs", key, io.BytesIO(data), len(data))

    report = index_inputs(kb, ["s3://team-docs/guides"], minio_client=client)
    assert sorted(report.added) == sorted(f"s3://team-docs/{k}" for k in objects if k != "guides/broken.pdf")
    assert report.failed[0][0] == "s3://team-docs/guides/broken.pdf"
    assert {i.origin for i in kb.sources()} == {"s3://team-docs/guides/"}
    hit = kb.search("how many GPUs can a task use", 1)[0]
    assert hit.source == "s3://team-docs/guides/manual.pdf" and hit.heading == "Page 2"

    client.remove_object("team-docs", "guides/storage.txt")
    again = index_inputs(kb, ["s3://team-docs/guides/"], minio_client=client)
    assert again.removed == ["s3://team-docs/guides/storage.txt"] and again.chunks_written == 0
    assert len(again.unchanged) == 3

    with pytest.raises(KnowledgeInputError, match="no-such-bucket"):
        index_inputs(kb, ["s3://no-such-bucket/x"], minio_client=client)
    with pytest.raises(KnowledgeInputError, match="object storage"):
        index_inputs(kb, ["s3://team-docs/guides"])
