"""KnowledgeBase on a real Chroma (PersistentClient in tmp) with the real embedding model."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.documents import Document
from knowledge.indexer import index_inputs
from knowledge.store import KnowledgeBase
from tests.knowledge import CountingEmbedder, make_pdf, shared_embedder

CACHING_MD = """# Caching

Kubeflow Pipelines caches the outputs of a step and reuses them when the component and its inputs
are unchanged, so re-running a pipeline skips finished work.

## Turning caching off

Call `set_caching_options(False)` on the task to force it to run every time.

```python
train = train_op(data=data)
train.set_caching_options(False)
```
"""

STORAGE_TXT = """Object storage

Buckets hold objects. To share a file with someone without giving them credentials, create a
presigned URL that expires after a few hours.
"""

RUNS_HTML = """<html><head><title>Runs</title></head><body>
<h1>Runs</h1><p>A run executes a compiled pipeline once with concrete parameter values.</p>
<h2>Retries</h2><p>Failed tasks can be retried automatically with a retry policy and backoff.</p>
</body></html>"""

GPU_PAGES = [
    "Hardware accelerators\nTraining large models needs graphics cards.",
    "Request a GPU for a task with set_accelerator_type and set_accelerator_limit.\nThe scheduler places the pod.",
]

API_DOCS = [
    Document("api/kfp.dsl.PipelineTask.set_caching_options", "set_caching_options(enable_caching: bool) "
             "turns the execution cache on or off for this task.", "text", "PipelineTask.set_caching_options"),
    Document("api/kfp.dsl.PipelineTask.set_cpu_limit", "set_cpu_limit(cpu: str) sets the maximum CPU "
             "a task container may use, for example '2' or '500m'.", "text", "PipelineTask.set_cpu_limit"),
    Document("api/minio.Minio.presigned_get_object", "presigned_get_object(bucket, object, expires) returns a "
             "URL anyone can use to download the object until it expires.", "text", "Minio.presigned_get_object"),
]  # fmt: skip


def write_docs(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "caching.md").write_text(CACHING_MD)
    (root / "storage.txt").write_text(STORAGE_TXT)
    (root / "runs.html").write_text(RUNS_HTML)
    (root / "gpu.pdf").write_bytes(make_pdf(GPU_PAGES, title="GPUs"))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, Path]]:
    base = tmp_path_factory.mktemp("kb")
    docs = write_docs(base / "docs")
    kb = KnowledgeBase(base / "index", embedder=shared_embedder())
    report = index_inputs(kb, [str(docs)])
    assert len(report.added) == 4 and not report.failed
    kb.index([d.with_hash() for d in API_DOCS], origins=["api"])
    yield kb, docs


def name(source: str) -> str:
    return source.rsplit("/", 1)[-1]


QUERIES = [
    ("how do I stop a step from reusing cached results", "caching.md"),
    ("share a file via a temporary link", "storage.txt"),
    ("retry a failed task automatically", "runs.html"),
    ("request a GPU for training", "gpu.pdf"),
]


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_search_finds_the_right_source(built, mode: str, query: str, expected: str) -> None:
    kb, docs = built
    hits = kb.search(query, 3, mode=mode, source=str(docs))
    assert hits and name(hits[0].source) == expected, [(h.source, h.score) for h in hits]
    assert all(-1.0 <= h.score <= 1.0 for h in hits)
    assert hits[0].score > 0.3


def test_hits_carry_headings_titles_and_pages(built) -> None:
    kb, docs = built
    hit = kb.search("set_caching_options(False)", 1, source=str(docs / "caching.md"))[0]
    assert hit.heading == "Caching > Turning caching off" and hit.title == "Caching" and hit.chunk_id
    pdf = kb.search("set_accelerator_limit", 1, source=str(docs / "gpu.pdf"))[0]
    assert pdf.heading == "Page 2" and pdf.title == "GPUs" and "set_accelerator_limit" in pdf.text


def test_code_block_is_one_whole_chunk(built) -> None:
    kb, docs = built
    hits = kb.search("train.set_caching_options(False) python", 5, source=str(docs / "caching.md"))
    code = [h for h in hits if h.text.startswith("```python")]
    assert len(code) == 1 and "train = train_op(data=data)\ntrain.set_caching_options(False)" in code[0].text


def test_dense_scores_are_cosines_in_both_modes(built) -> None:
    kb, _ = built
    dense = kb.search("execution cache for a task", 5, mode="dense")
    hybrid = kb.search("execution cache for a task", 5, mode="hybrid")
    assert [h.score for h in dense] == sorted((h.score for h in dense), reverse=True)
    by_id = {h.chunk_id: h.score for h in dense}
    shared = [h for h in hybrid if h.chunk_id in by_id]
    assert shared and all(abs(h.score - by_id[h.chunk_id]) < 1e-4 for h in shared)


def test_hybrid_finds_exact_identifiers(built) -> None:
    kb, _ = built
    hits = kb.search("set_cpu_limit", 2, mode="hybrid")
    assert hits[0].source == "api/kfp.dsl.PipelineTask.set_cpu_limit"


def test_source_filter_exact_and_prefix(built) -> None:
    kb, _ = built
    hits = kb.search("turn off the cache", 5, source="api/kfp")
    assert hits and all(h.source.startswith("api/kfp") for h in hits)
    assert hits[0].source == "api/kfp.dsl.PipelineTask.set_caching_options"
    exact = kb.search("download link", 5, source="api/minio.Minio.presigned_get_object")
    assert {h.source for h in exact} == {"api/minio.Minio.presigned_get_object"}
    for mode in ("dense", "hybrid"):
        assert kb.search("anything", 5, source="nope/", mode=mode) == []


def test_sources_and_count(built) -> None:
    kb, docs = built
    infos = {i.source: i for i in kb.sources()}
    assert len(infos) == 7
    assert sum(i.chunks for i in infos.values()) == kb.count()
    caching = infos[str(docs / "caching.md")]
    assert caching.title == "Caching" and caching.origin == str(docs) and len(caching.hash) == 64
    assert caching.indexed_at > 0 and caching.chunks >= 2
    assert infos["api/kfp.dsl.PipelineTask.set_cpu_limit"].origin == ""


def test_incremental_reindex(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")
    emb = CountingEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder=emb)
    calls: list[tuple[int, int, str]] = []
    first = index_inputs(kb, [str(docs)], progress=lambda d, t, s: calls.append((d, t, s)))
    assert len(first.added) == 4 and first.chunks_written == emb.texts == kb.count()
    assert calls and calls[-1][0] == calls[-1][1] == first.chunks_written

    emb.reset()
    again = index_inputs(kb, [str(docs)])
    assert sorted(map(name, again.unchanged)) == ["caching.md", "gpu.pdf", "runs.html", "storage.txt"]
    assert not again.changed and again.chunks_written == 0 and emb.texts == 0

    (docs / "caching.md").write_text("# Caching\n\nCaching is now configured per pipeline run.\n")
    (docs / "storage.txt").unlink()
    (docs / "new.md").write_text("# Schedules\n\nRecurring runs start a pipeline on a cron schedule.\n")
    emb.reset()
    third = index_inputs(kb, [str(docs)])
    assert list(map(name, third.updated)) == ["caching.md"]
    assert list(map(name, third.added)) == ["new.md"]
    assert list(map(name, third.removed)) == ["storage.txt"]
    assert emb.texts == third.chunks_written == 2
    infos = {name(i.source): i for i in kb.sources()}
    assert set(infos) == {"caching.md", "gpu.pdf", "runs.html", "new.md"}
    assert infos["caching.md"].chunks == 1 and sum(i.chunks for i in infos.values()) == kb.count()
    hits = kb.search("set_caching_options", 5, source=str(docs / "caching.md"))
    assert [h.text for h in hits] == ["Caching is now configured per pipeline run."]
    assert kb.search("presigned URL", 3, source=str(docs / "storage.txt")) == []
    assert name(kb.search("cron schedule for recurring runs", 1)[0].source) == "new.md"

    emb.reset()
    assert not index_inputs(kb, [str(docs)]).changed and emb.texts == 0


def test_file_failing_later_keeps_its_old_version(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")
    kb = KnowledgeBase(tmp_path / "index", embedder=shared_embedder())
    index_inputs(kb, [str(docs)])
    (docs / "gpu.pdf").write_bytes(b"%PDF-1.4 truncated")
    report = index_inputs(kb, [str(docs)])
    assert [name(s) for s, _ in report.failed] == ["gpu.pdf"] and not report.removed
    assert str(docs / "gpu.pdf") in {i.source for i in kb.sources()}


def test_moving_a_file_into_a_directory_retags_without_embedding(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")
    emb = CountingEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder=emb)
    index_inputs(kb, [str(docs / "runs.html")])
    assert {i.origin for i in kb.sources()} == {str(docs / "runs.html")}
    emb.reset()
    report = index_inputs(kb, [str(docs)])
    assert list(map(name, report.unchanged)) == ["runs.html"] and emb.texts == report.chunks_written
    assert {i.origin for i in kb.sources()} == {str(docs)}
    (docs / "runs.html").unlink()
    assert list(map(name, index_inputs(kb, [str(docs)]).removed)) == ["runs.html"]


def test_remove(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "index", embedder=shared_embedder())
    kb.index(API_DOCS)
    before = kb.count()
    assert kb.remove("api/kfp.dsl.PipelineTask.set_cpu_limit") == 1
    assert kb.count() == before - 1 and kb.remove("api/kfp.dsl.PipelineTask.set_cpu_limit") == 0
    assert all(h.source != "api/kfp.dsl.PipelineTask.set_cpu_limit" for h in kb.search("cpu limit", 5))


def test_empty_store_and_in_memory_mode() -> None:
    kb = KnowledgeBase(embedder=shared_embedder(), collection="empty-test")
    assert kb.search("anything") == [] and kb.sources() == [] and kb.count() == 0


RESTART = """
import json, sys
from pathlib import Path
import knowledge.indexer, knowledge.store
from knowledge.store import KnowledgeBase
kb = KnowledgeBase(Path(sys.argv[1]))
out = {"after_import": "torch" in sys.modules or "sentence_transformers" in sys.modules}
out["sources"] = [s.source for s in kb.sources()]
out["count"] = kb.count()
out["after_listing"] = "torch" in sys.modules
out["top"] = kb.search("retry a failed task automatically", 1)[0].source
print(json.dumps(out))
"""


def test_index_survives_restart_and_listing_needs_no_torch(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")
    kb = KnowledgeBase(tmp_path / "index", embedder=shared_embedder())
    index_inputs(kb, [str(docs)])
    proc = subprocess.run(
        [sys.executable, "-c", RESTART, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["after_import"] is False and out["after_listing"] is False
    assert sorted(out["sources"]) == sorted(i.source for i in kb.sources()) and out["count"] == kb.count()
    assert name(out["top"]) == "runs.html"
