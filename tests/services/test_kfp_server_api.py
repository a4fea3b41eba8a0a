"""The embedded KFP API through an unmodified kfp.Client: pipelines, versions, experiments, validation."""

from __future__ import annotations

import uuid
from pathlib import Path

import kfp_server_api
import pytest

from tests.services.kfp_helpers import client, compile_to, error_body, shout_pipeline, version_id


def test_healthz_and_bundled_examples(kfp_host: str) -> None:
    c = client(kfp_host)
    assert c.get_kfp_healthz() is not None
    names = {p.display_name for p in c.list_pipelines(page_size=100).pipelines}
    assert {"iris", "data-validation"} <= names
    for name in ("iris", "data-validation"):
        pipeline_id = c.get_pipeline_id(name)
        versions = c.list_pipeline_versions(pipeline_id).pipeline_versions
        assert len(versions) == 1
        spec = c.get_pipeline_version(pipeline_id, versions[0].pipeline_version_id).pipeline_spec
        assert isinstance(spec, dict) and spec["pipelineInfo"]["name"] == name


def test_upload_versions_list_get_delete(kfp_host: str, tmp_path: Path) -> None:
    c = client(kfp_host)
    package = compile_to(shout_pipeline, tmp_path / "shout.yaml")
    name = f"shout-{uuid.uuid4().hex[:6]}"
    pipeline = c.upload_pipeline(str(package), pipeline_name=name, description="says it loud")
    assert c.get_pipeline(pipeline.pipeline_id).display_name == name
    assert c.get_pipeline_id(name) == pipeline.pipeline_id  # display_name filter
    with pytest.raises(kfp_server_api.ApiException) as dup:
        c.upload_pipeline(str(package), pipeline_name=name)
    assert dup.value.status == 409

    v2 = c.upload_pipeline_version(str(package), "v2", pipeline_id=pipeline.pipeline_id)
    versions = c.list_pipeline_versions(pipeline.pipeline_id, sort_by="created_at desc")
    assert [v.display_name for v in versions.pipeline_versions] == ["v2", name]
    got = c.get_pipeline_version(pipeline.pipeline_id, v2.pipeline_version_id)
    assert got.pipeline_spec["root"]["inputDefinitions"]["parameters"]["word"]["parameterType"] == "STRING"

    page = c.list_pipeline_versions(pipeline.pipeline_id, page_size=1, sort_by="created_at desc")
    assert len(page.pipeline_versions) == 1 and page.next_page_token and page.total_size == 2
    rest = c.list_pipeline_versions(pipeline.pipeline_id, page_size=1, page_token=page.next_page_token)
    assert len(rest.pipeline_versions) == 1 and not rest.next_page_token

    assert c.delete_pipeline(pipeline.pipeline_id) == {}
    with pytest.raises(kfp_server_api.ApiException) as gone:
        c.get_pipeline(pipeline.pipeline_id)
    assert gone.value.status == 404 and error_body(gone.value)["code"] == 5
    assert c.get_pipeline_id(name) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"not: [valid", "not YAML"), (b"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n", "not a compiled KFP v2")],
)
def test_upload_rejects_invalid_files(kfp_host: str, tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    with pytest.raises(kfp_server_api.ApiException) as exc:
        client(kfp_host).upload_pipeline(str(bad), pipeline_name=f"bad-{uuid.uuid4().hex[:6]}")
    body = error_body(exc.value)
    assert exc.value.status == 400 and body["code"] == 3 and expected in body["message"]


def test_experiments(kfp_host: str) -> None:
    c = client(kfp_host)
    name = f"exp-{uuid.uuid4().hex[:6]}"
    first = c.create_experiment(name, description="d")
    assert c.create_experiment(name).experiment_id == first.experiment_id  # get-or-create via filter
    assert c.get_experiment(experiment_name=name).experiment_id == first.experiment_id
    assert c.get_experiment(experiment_id=first.experiment_id).display_name == name
    listed = {e.display_name for e in c.list_experiments(page_size=100).experiments}
    assert {name, "Default"} <= listed
    with pytest.raises(kfp_server_api.ApiException) as exc:
        c.get_experiment(experiment_id="nope")
    assert exc.value.status == 404


@pytest.mark.parametrize(
    ("pipeline", "params", "fragments"),
    [
        ("iris", {"n_trees": 5}, ["unknown parameter 'n_trees'", "n_estimators: int = 100"]),
        ("iris", {"n_estimators": "abc"}, ["'n_estimators' must be int", "max_depth: int = 5"]),
        ("data-validation", {"bucket": "b"}, ["missing required parameter 'key'", "key: str (required)"]),
    ],
)
def test_bad_parameters_are_rejected(kfp_host: str, pipeline: str, params: dict, fragments: list[str]) -> None:
    c = client(kfp_host)
    pipeline_id, vid = version_id(c, pipeline)
    exp = c.create_experiment("validation")
    with pytest.raises(kfp_server_api.ApiException) as exc:
        c.run_pipeline(exp.experiment_id, "bad", pipeline_id=pipeline_id, version_id=vid, params=params)
    body = error_body(exc.value)
    assert exc.value.status == 400 and body["code"] == 3
    assert "Expected inputs:" in body["message"]
    for fragment in fragments:
        assert fragment in body["message"]


def test_unknown_ids_are_404(kfp_host: str) -> None:
    c = client(kfp_host)
    for call in (lambda: c.get_run("missing"), lambda: c.terminate_run("missing"), lambda: c.get_pipeline("x")):
        with pytest.raises(kfp_server_api.ApiException) as exc:
            call()
        assert exc.value.status == 404 and error_body(exc.value)["code"] == 5
