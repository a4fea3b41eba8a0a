"""Pipeline and experiment tools against the real embedded KFP API (unmodified kfp.Client over HTTP)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from swarmops.pipelines import compile_example
from tests.tools.kfp_helpers import fail, kfp_ctx, ok, preview
from tools.kfp import KfpContext

PIPELINE_PY = """
from kfp import dsl


@dsl.component(base_image="python:3.11-slim")
def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name="{name}", description="adds numbers")
def adder(a: int, b: int = 2, label: str = "x") -> int:
    return add(a=a, b=b).output


@dsl.pipeline(name="{name}-twice")
def adder_twice(a: int = 1) -> int:
    first = add(a=a, b=a)
    return add(a=first.output, b=first.output).output
"""


@pytest.fixture
def ctx(kfp_host: str, seaweed_endpoint: Any, tmp_path: Path) -> KfpContext:
    return kfp_ctx(kfp_host, seaweed_endpoint, tmp_path)


@pytest.fixture
def unique() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def test_bundled_examples_are_listed_with_inputs(ctx: KfpContext) -> None:
    listing = ok(ctx, "list_pipelines", search="IRI")
    iris = [p for p in listing["pipelines"] if p["name"] == "iris"]
    assert iris and iris[0]["latest_version"]["id"]
    assert "data-validation" not in [p["name"] for p in listing["pipelines"]]
    got = ok(ctx, "get_pipeline", pipeline="Iris")
    assert got["pipeline"]["name"] == "iris"
    assert {i["name"]: (i["type"], i["default"]) for i in got["inputs"]} == {
        "n_estimators": ("int", 100),
        "max_depth": ("int", 5),
        "test_size": ("float", 0.3),
        "seed": ("int", 42),
    }
    assert [c["name"] for c in got["components"]] == ["prepare-data", "train", "evaluate"]
    assert got["latest_version"]["id"] == got["versions"][0]["id"]
    dv = ok(ctx, "get_pipeline", pipeline=ok(ctx, "list_pipelines", search="data-val")["pipelines"][0]["id"])
    required = {i["name"] for i in dv["inputs"] if i["required"]}
    assert required == {"bucket", "key"}


def test_unknown_pipeline_suggests_the_nearest(ctx: KfpContext) -> None:
    error = fail(ctx, "get_pipeline", pipeline="irsi")
    assert error.code == "PipelineNotFound" and error.suggestions[:1] == ["iris"]
    error = fail(ctx, "submit_run", pipeline="data-validaton", parameters={})
    assert error.code == "PipelineNotFound" and "data-validation" in error.suggestions


def test_upload_from_python_then_a_version(ctx: KfpContext, tmp_path: Path, unique: str) -> None:
    (tmp_path / "adder.py").write_text(PIPELINE_PY.format(name=unique))

    several = fail(ctx, "upload_pipeline", path="adder.py")
    assert several.code == "SeveralPipelines" and set(several.suggestions) == {"adder", "adder_twice"}
    typo = fail(ctx, "upload_pipeline", path="adder.py", function="addr")
    assert typo.code == "NoPipelineFound" and typo.suggestions[0] == "adder"

    text = preview(ctx, "upload_pipeline", path="adder.py", function="adder")
    assert f"new pipeline '{unique}'" in text and "a: int (required)" in text and "b: int = 2" in text
    up = ok(ctx, "upload_pipeline", path="adder.py", function="adder", description="mine")
    assert up["pipeline"]["name"] == unique and up["version"]["id"]
    assert "compiled from adder()" in up["source"]

    got = ok(ctx, "get_pipeline", pipeline=unique)
    assert got["pipeline"]["description"] == "mine"
    assert [i["name"] for i in got["inputs"] if i["required"]] == ["a"]

    taken = fail(ctx, "upload_pipeline", path="adder.py", function="adder")
    assert taken.code == "PipelineExists" and "upload_pipeline_version" in (taken.hint or "")
    assert "will fail" in preview(ctx, "upload_pipeline", path="adder.py", function="adder")

    text = preview(ctx, "upload_pipeline_version", path="adder.py", pipeline=unique, function="adder_twice",
                   version_name="v2")  # fmt: skip
    assert f"version 'v2' of pipeline '{unique}'" in text and "1 version(s)" in text
    v2 = ok(ctx, "upload_pipeline_version", path="adder.py", pipeline=unique, function="adder_twice", version_name="v2")
    assert v2["version"]["name"] == "v2"
    got = ok(ctx, "get_pipeline", pipeline=unique)
    assert got["latest_version"]["name"] == "v2" and len(got["versions"]) == 2
    assert [i["name"] for i in got["inputs"]] == ["a"]  # inputs follow the newest version
    dup = fail(ctx, "upload_pipeline_version", path="adder.py", pipeline=unique, function="adder", version_name="v2")
    assert dup.code == "VersionExists"


def test_upload_compiled_yaml_and_json(ctx: KfpContext, tmp_path: Path, unique: str) -> None:
    compiled = compile_example("iris", tmp_path)
    up = ok(ctx, "upload_pipeline", path=str(compiled), name=unique)
    assert up["pipeline"]["name"] == unique
    as_json = tmp_path / "iris.json"
    as_json.write_text(json.dumps(yaml.safe_load(compiled.read_text())))
    v = ok(ctx, "upload_pipeline_version", path="iris.json", pipeline=unique.upper())
    assert v["version"]["name"].startswith(unique) and v["pipeline"]["name"] == unique
    missing = fail(ctx, "upload_pipeline", path="nope/iris.yaml")
    assert missing.code == "FileNotFound"
    broken = tmp_path / "broken.py"
    broken.write_text("from kfp import dsl\n@dsl.pipeline(\ndef p(): pass\n")
    assert fail(ctx, "upload_pipeline", path="broken.py").code == "PipelineSyntaxError"


def test_experiments_are_get_or_create(ctx: KfpContext, unique: str) -> None:
    assert f"Create a new, empty experiment '{unique}'" in preview(ctx, "create_experiment", name=unique)
    first = ok(ctx, "create_experiment", name=unique, description="d")
    assert first["created"] is True
    again = ok(ctx, "create_experiment", name=unique.upper())
    assert again["created"] is False and again["experiment"]["id"] == first["experiment"]["id"]
    assert "already exists" in preview(ctx, "create_experiment", name=unique)
    names = [e["name"] for e in ok(ctx, "list_experiments", limit=100)["experiments"]]
    assert unique in names and "Default" in names
    assert ok(ctx, "list_experiments", limit=1)["count"] == 1
