"""The built-in corpus: documentation pages, the generated API reference, and the RAG question set."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from knowledge.apiref import api_reference_documents, docstring_markdown
from knowledge.builtin import BUILTIN_ORIGINS, CORPUS_DIR, builtin_documents, corpus_documents

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "evals" / "rag" / "questions.jsonl"

EXPECTED_SYMBOLS = [
    "kfp.Client",
    "kfp.Client.run_pipeline",
    "kfp.Client.create_run_from_pipeline_func",
    "kfp.Client.create_run_from_pipeline_package",
    "kfp.Client.upload_pipeline",
    "kfp.Client.upload_pipeline_version",
    "kfp.Client.create_experiment",
    "kfp.Client.list_runs",
    "kfp.Client.get_run",
    "kfp.Client.wait_for_run_completion",
    "kfp.Client.terminate_run",
    "kfp.Client.create_recurring_run",
    "kfp.dsl.component",
    "kfp.dsl.container_component",
    "kfp.dsl.pipeline",
    "kfp.dsl.importer",
    "kfp.dsl.Input",
    "kfp.dsl.Output",
    "kfp.dsl.InputPath",
    "kfp.dsl.OutputPath",
    "kfp.dsl.Artifact",
    "kfp.dsl.Dataset",
    "kfp.dsl.Model",
    "kfp.dsl.Metrics",
    "kfp.dsl.Metrics.log_metric",
    "kfp.dsl.ClassificationMetrics",
    "kfp.dsl.ParallelFor",
    "kfp.dsl.Collected",
    "kfp.dsl.Condition",
    "kfp.dsl.If",
    "kfp.dsl.Elif",
    "kfp.dsl.Else",
    "kfp.dsl.ExitHandler",
    "kfp.dsl.PipelineTaskFinalStatus",
    "kfp.dsl.PipelineTask",
    "kfp.dsl.PipelineTask.set_caching_options",
    "kfp.dsl.PipelineTask.set_cpu_limit",
    "kfp.dsl.PipelineTask.set_memory_limit",
    "kfp.dsl.PipelineTask.set_env_variable",
    "kfp.dsl.PipelineTask.set_retry",
    "kfp.dsl.PipelineTask.set_display_name",
    "kfp.dsl.PipelineTask.after",
    "kfp.compiler.Compiler",
    "kfp.compiler.Compiler.compile",
    "kfp.components.load_component_from_file",
    "kfp.local.init",
    "kfp.local.SubprocessRunner",
    "minio.Minio",
    "minio.Minio.presigned_get_object",
    "minio.Minio.presigned_put_object",
    "minio.Minio.list_objects",
    "minio.Minio.fput_object",
    "minio.Minio.put_object",
    "minio.Minio.get_object",
    "minio.Minio.remove_objects",
    "minio.Minio.set_bucket_versioning",
    "minio.Minio.set_object_tags",
    "minio.Minio.make_bucket",
]


@pytest.fixture(scope="module")
def api_docs() -> dict[str, Any]:
    return {d.source: d for d in api_reference_documents()}


@pytest.fixture(scope="module")
def all_docs() -> dict[str, Any]:
    docs = builtin_documents()
    assert len({d.source for d in docs}) == len(docs), "source ids must be unique"
    return {d.source: d for d in docs}


def _questions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]


# --- API reference -------------------------------------------------------------------------------


def test_api_reference_covers_the_expected_symbols(api_docs: dict[str, Any]) -> None:
    missing = [s for s in EXPECTED_SYMBOLS if f"api/{s}" not in api_docs]
    assert not missing, missing


def test_every_public_client_method_has_a_page(api_docs: dict[str, Any]) -> None:
    import kfp
    from minio import Minio

    for prefix, cls in (("kfp.Client", kfp.Client), ("minio.Minio", Minio)):
        public = [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]
        missing = [n for n in public if f"api/{prefix}.{n}" not in api_docs]
        assert not missing, (prefix, missing)


def test_api_page_has_heading_signature_docstring_and_version(api_docs: dict[str, Any]) -> None:
    import kfp
    import minio

    page = api_docs["api/kfp.dsl.PipelineTask.set_caching_options"]
    assert page.origin == "api" and page.format == "markdown"
    assert page.title == "kfp.dsl.PipelineTask.set_caching_options"
    assert page.text.startswith("# kfp.dsl.PipelineTask.set_caching_options\n")
    assert "```python\nPipelineTask.set_caching_options(" in page.text and "enable_caching: bool" in page.text
    assert "Sets caching options for the task." in page.text
    assert f"kfp {kfp.__version__}" in page.text and "kfp.dsl.pipeline_task" in page.text

    presign = api_docs["api/minio.Minio.presigned_get_object"].text
    assert "expires: timedelta" in presign and "'str'" not in presign  # string annotations unquoted
    assert "- `bucket_name`: Name of the bucket." in presign  # :param fields became a list
    assert f"minio {minio.__version__}" in presign


def test_api_pages_have_no_accidental_indented_code_blocks(api_docs: dict[str, Any]) -> None:
    """Docstring indentation must not turn prose into Markdown code blocks (it would chunk as code)."""
    offenders = []
    for source, doc in api_docs.items():
        inside = False
        for line in doc.text.splitlines():
            if line.startswith("```"):
                inside = not inside
            elif not inside and line.startswith("    ") and line.strip():
                offenders.append((source, line))
                break
        assert not inside, f"unclosed code fence in {source}"
    assert not offenders, offenders[:5]


def test_docstring_conversion_of_google_and_sphinx_styles() -> None:
    google = """Does a thing.

    Args:
        name: The name. It can be long
            and wrap.
        count (int): How many.

    Returns:
        The result.

    Example:
      ::

        do_thing("a", count=2)
    """
    out = docstring_markdown(google)
    assert "- `name`: The name. It can be long and wrap." in out
    assert "- `count` (int): How many." in out
    assert "**Returns:**\n\nThe result." in out
    assert '```python\ndo_thing("a", count=2)\n```' in out

    sphinx = """Fetch it.

    :param bucket_name: Name of the bucket.
    :param expires: Expiry; defaults to
                    7 days.
    :return: :class:`Object <Object>`.

    Example::
        client.fetch("b")
    """
    out = docstring_markdown(sphinx)
    assert "- `expires`: Expiry; defaults to 7 days." in out
    assert "**Returns:** `Object`." in out
    assert '```python\nclient.fetch("b")\n```' in out


# --- documentation pages ---------------------------------------------------------------------------


def test_every_doc_page_has_a_title_and_sections() -> None:
    pages = corpus_documents()
    assert len(pages) >= 12
    for page in pages:
        assert page.source == f"docs/{Path(page.source).name}" and page.origin == "docs"
        lines = page.text.splitlines()
        assert lines[0].startswith("# ") and page.title == lines[0][2:].strip(), page.source
        sections = [line for line in lines if line.startswith("## ")]
        assert len(sections) >= 2, f"{page.source} needs at least two sections"
        assert sum(line.startswith("# ") for line in _outside_code(lines)) == 1, f"{page.source}: one H1 only"


def test_expected_pages_exist() -> None:
    names = {p.name for p in CORPUS_DIR.glob("*.md")}
    for name in (
        "getting-started.md",
        "configuration.md",
        "object-storage.md",
        "pipelines.md",
        "writing-pipelines.md",
        "kfp-caching.md",
        "kfp-concepts.md",
        "embedded-services.md",
        "approvals-and-safety.md",
        "threads.md",
        "minio-basics.md",
        "troubleshooting.md",
        "rag.md",
        "models.md",
    ):
        assert name in names, name


def test_doc_pages_cross_check_the_code() -> None:
    """Facts the pages state that must stay true of the code: every SWARMOPS_* name is a real setting."""
    from swarmops.settings import Settings

    text = "\n".join(p.text for p in corpus_documents())
    mentioned = {m for m, star in re.findall(r"SWARMOPS_([A-Z0-9_]*[A-Z0-9])(_?\*?)", text) if not star}
    known = {name.upper() for name in Settings.model_fields} | {"CONFIG"}
    assert mentioned and not sorted(mentioned - known), sorted(mentioned - known)
    assert "set_caching_options" in text and "enable_caching=False" in text
    assert "from __future__ import annotations" in text


def test_builtin_documents_are_deterministic() -> None:
    """Same content hashes on every call, so re-indexing the built-in corpus is a no-op when nothing changed."""
    first = {d.source: d.hash for d in builtin_documents()}
    second = {d.source: d.hash for d in builtin_documents()}
    assert first == second and all(first.values())
    assert BUILTIN_ORIGINS == ("docs", "api")


# --- question set ------------------------------------------------------------------------------------


def test_questions_reference_existing_sources(all_docs: dict[str, Any]) -> None:
    questions = _questions()
    assert len(questions) >= 45
    assert len({q["question"] for q in questions}) == len(questions), "duplicate questions"
    for q in questions:
        assert q["question"].strip() and q["expected_sources"], q
        missing = [s for s in q["expected_sources"] if s not in all_docs]
        assert not missing, (q["question"], missing)
    caching = [q for q in questions if q["question"] == "how do I turn off caching for a KFP task?"]
    assert caching and set(caching[0]["expected_sources"]) & {
        "api/kfp.dsl.PipelineTask.set_caching_options",
        "docs/kfp-caching.md",
    }


def test_questions_cover_docs_and_api() -> None:
    expected = [s for q in _questions() for s in q["expected_sources"]]
    assert sum(s.startswith("api/kfp.") for s in expected) >= 10
    assert sum(s.startswith("api/minio.") for s in expected) >= 8
    assert len({s for s in expected if s.startswith("docs/")}) >= 12


# --- lightweight imports ---------------------------------------------------------------------------


def test_building_the_corpus_is_fast_and_never_imports_torch() -> None:
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from knowledge.builtin import builtin_documents\n"
        "docs = builtin_documents()\n"
        "elapsed = time.perf_counter() - t\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'transformers') if m in sys.modules]\n"
        "print(len(docs), round(elapsed, 3), ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    count, elapsed, heavy = out.stdout.strip().split(" ") + [""] * (3 - len(out.stdout.strip().split(" ")))
    assert int(count) > 150
    assert heavy == "", f"imported {heavy}"
    assert float(elapsed) < 2.0, f"building the built-in corpus took {elapsed} s"


# --- retrieval over the real index (shared, session-scoped) ---------------------------------------------


def test_retrieval_finds_expected_sources_for_most_questions(builtin_kb: Any) -> None:
    questions = _questions()
    hits = 0
    misses = []
    for q in questions:
        sources: list[str] = []
        for hit in builtin_kb.search(q["question"], k=15, mode="hybrid"):
            if hit.source not in sources:
                sources.append(hit.source)
        if set(sources[:5]) & set(q["expected_sources"]):
            hits += 1
        else:
            misses.append(q["question"])
    assert hits / len(questions) >= 0.9, misses


def _outside_code(lines: list[str]) -> list[str]:
    out, inside = [], False
    for line in lines:
        if line.startswith("```"):
            inside = not inside
        elif not inside:
            out.append(line)
    return out
