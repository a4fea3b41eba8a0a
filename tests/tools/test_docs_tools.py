"""Documentation tools over a real knowledge base (Chroma on disk, the real embedding model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.base import run_tool
from tools.docs import DOCS_TOOLS, DocsContext

TOOLS = {t.name: t for t in DOCS_TOOLS}


def _ctx(kb: Any, workdir: Path) -> DocsContext:
    return DocsContext(kb_factory=lambda: kb, workdir=workdir)


def test_search_returns_cited_passages_from_the_api_reference(builtin_kb: Any, tmp_path: Path) -> None:
    result = run_tool(
        TOOLS["search_docs"], {"query": "turn off caching for a pipeline task"}, _ctx(builtin_kb, tmp_path)
    )
    assert result.ok and result.data["relevant"]
    sources = [p["source"] for p in result.data["passages"]]
    assert any("set_caching_options" in s or "caching" in s for s in sources[:3]), sources
    first = result.data["passages"][0]
    assert first["n"] == 1 and first["score"] >= result.data["min_score"] and first["text"]


def test_irrelevant_question_is_flagged_not_answered(builtin_kb: Any, tmp_path: Path) -> None:
    result = run_tool(
        TOOLS["search_docs"], {"query": "best sourdough bread hydration ratio"}, _ctx(builtin_kb, tmp_path)
    )
    assert result.ok and not result.data["relevant"] and "don't know" in result.data["note"]


def test_a_question_about_a_name_no_passage_mentions_says_so(builtin_kb: Any, tmp_path: Path) -> None:
    ctx = _ctx(builtin_kb, tmp_path)
    for query, name in (
        ("how do I call kfp.Client.rebuild_all_caches?", "`kfp.Client.rebuild_all_caches`"),
        ("what is the default of SWARMOPS_WIDGET_MODE?", "`SWARMOPS_WIDGET_MODE`"),
    ):
        result = run_tool(TOOLS["search_docs"], {"query": query}, ctx)
        answer = TOOLS["search_docs"].summary({"query": query}, result.data)  # type: ignore[misc]
        assert f"couldn't find {name}" in answer, answer
    known = "what does presigned_get_object return?"
    result = run_tool(TOOLS["search_docs"], {"query": known}, ctx)
    assert "couldn't find" not in TOOLS["search_docs"].summary({"query": known}, result.data)  # type: ignore[misc]


def test_source_filter_and_unknown_source(builtin_kb: Any, tmp_path: Path) -> None:
    ctx = _ctx(builtin_kb, tmp_path)
    only_minio = run_tool(TOOLS["search_docs"], {"query": "temporary download link", "source": "api/minio"}, ctx)
    assert only_minio.ok and all(p["source"].startswith("api/minio") for p in only_minio.data["passages"])
    unknown = run_tool(TOOLS["search_docs"], {"query": "links", "source": "api/minoi"}, ctx)
    assert unknown.error.code == "UnknownSource" and any(s.startswith("api/minio") for s in unknown.error.suggestions)


def test_list_sources_counts_origins(builtin_kb: Any, tmp_path: Path) -> None:
    result = run_tool(TOOLS["list_sources"], {"prefix": "docs/"}, _ctx(builtin_kb, tmp_path))
    assert result.ok and result.data["count"] >= 10
    assert all(s["source"].startswith("docs/") for s in result.data["sources"])


def test_index_a_directory_incrementally_and_report_bad_files(make_kb: Any, tmp_path: Path) -> None:
    docs = tmp_path / "team"
    docs.mkdir()
    (docs / "runbook.md").write_text("# Runbook\n\n## Restarting the trainer\n\nRun `make restart` on the host.\n")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    ctx = _ctx(make_kb(), tmp_path)
    first = run_tool(TOOLS["index_documents"], {"inputs": ["team"]}, ctx)
    assert first.ok and len(first.data["added"]) == 1 and first.data["chunks_written"] >= 1
    assert [f["source"] for f in first.data["failed"]] == [str(docs / "broken.pdf")]
    again = run_tool(TOOLS["index_documents"], {"inputs": ["team"]}, ctx)
    assert again.ok and again.data["unchanged"] == 1 and again.data["chunks_written"] == 0
    hit = run_tool(TOOLS["search_docs"], {"query": "how do I restart the trainer"}, ctx)
    assert hit.data["passages"][0]["source"] == str(docs / "runbook.md")


def test_index_missing_path_suggests_close_names(make_kb: Any, tmp_path: Path) -> None:
    (tmp_path / "handbook.md").write_text("# Handbook\n")
    result = run_tool(TOOLS["index_documents"], {"inputs": ["handbok.md"]}, _ctx(make_kb(), tmp_path))
    assert result.error.code == "LocalPathNotFound" and str(tmp_path / "handbook.md") in result.error.suggestions
