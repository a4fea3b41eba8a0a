"""Every registered tool carries its own language: example requests and how its result reads."""

from __future__ import annotations

import pytest

from tools.base import ToolSpec
from tools.docs.tools import DOCS_TOOLS
from tools.kfp import KFP_TOOLS
from tools.storage import STORAGE_TOOLS

REGISTERED = [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]


@pytest.mark.parametrize("tool", REGISTERED, ids=lambda t: t.name)
def test_every_tool_has_varied_examples(tool: ToolSpec) -> None:
    examples = [e.strip().lower() for e in tool.examples]
    assert len(examples) >= 5, f"{tool.name} has {len(examples)} examples; give it at least five phrasings"
    assert len(set(examples)) == len(examples), f"{tool.name} repeats an example"


def test_examples_are_only_for_registered_tools() -> None:
    from tools.docs.examples import EXAMPLES as DOCS
    from tools.kfp.examples import EXAMPLES as KFP
    from tools.storage.examples import EXAMPLES as STORAGE

    for registry, examples in ((STORAGE_TOOLS, STORAGE), (KFP_TOOLS, KFP), (DOCS_TOOLS, DOCS)):
        assert set(examples) == {t.name for t in registry}


@pytest.mark.parametrize("tool", REGISTERED, ids=lambda t: t.name)
def test_every_tool_says_how_its_result_reads(tool: ToolSpec) -> None:
    assert tool.summary is not None, f"{tool.name} has no summary: add it to its group's summaries.py"


def test_summaries_are_only_for_registered_tools() -> None:
    from tools.docs.summaries import SUMMARIES as DOCS
    from tools.kfp.summaries import SUMMARIES as KFP
    from tools.storage.summaries import SUMMARIES as STORAGE

    for registry, summaries in ((STORAGE_TOOLS, STORAGE), (KFP_TOOLS, KFP), (DOCS_TOOLS, DOCS)):
        assert set(summaries) == {t.name for t in registry}


def test_a_summary_reads_the_result_with_its_names_and_values() -> None:
    upload = next(t for t in STORAGE_TOOLS if t.name == "upload")
    assert upload.summary is not None
    text = upload.summary({"local_path": "a.csv", "bucket": "raw"}, {"uploaded": [{"key": "a.csv", "size": 2048}]})
    assert text == "Uploaded a.csv to s3://raw/a.csv (2.0 KB)."


def test_a_run_reads_with_its_pipeline_and_experiment() -> None:
    get_run = next(t for t in KFP_TOOLS if t.name == "get_run")
    data = {"name": "rf-3", "pipeline": "iris", "experiment": "ablation", "state": "SUCCEEDED", "parameters": {}}
    assert get_run.summary is not None and get_run.summary({}, data).startswith("Run rf-3 (iris, experiment ablation)")
