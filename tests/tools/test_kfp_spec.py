"""Reading pipeline specs and validating parameters (no server needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmops.pipelines import compile_example
from tools.base import ToolFailure
from tools.kfp.compare import direction
from tools.kfp.params import validate_parameters
from tools.kfp.source import load_source
from tools.kfp.spec import InputSpec, inputs, metrics_outputs, tasks


@pytest.fixture(scope="module")
def iris_spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = compile_example("iris", tmp_path_factory.mktemp("iris"))
    return load_source(path.parent, path.name).spec


@pytest.fixture(scope="module")
def dv_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[InputSpec]:
    path = compile_example("data-validation", tmp_path_factory.mktemp("dv"))
    return inputs(load_source(path.parent, path.name).spec)


def test_iris_inputs_types_and_defaults(iris_spec: dict[str, Any]) -> None:
    declared = {i.name: i.as_dict() for i in inputs(iris_spec)}
    assert declared == {
        "n_estimators": {"name": "n_estimators", "type": "int", "default": 100, "required": False},
        "max_depth": {"name": "max_depth", "type": "int", "default": 5, "required": False},
        "test_size": {"name": "test_size", "type": "float", "default": 0.3, "required": False},
        "seed": {"name": "seed", "type": "int", "default": 42, "required": False},
    }
    assert isinstance(declared["n_estimators"]["default"], int)


def test_required_inputs_and_int_defaults_written_as_doubles(dv_inputs: list[InputSpec]) -> None:
    by_name = {i.name: i for i in dv_inputs}
    assert by_name["bucket"].required and by_name["key"].required
    assert by_name["min_rows"].default == 1 and isinstance(by_name["min_rows"].default, int)
    assert by_name["required_columns"].default == "" and not by_name["required_columns"].required


def test_tasks_in_run_order_and_metrics_outputs(iris_spec: dict[str, Any]) -> None:
    order = [t["name"] for t in tasks(iris_spec)]
    assert order == ["prepare-data", "train", "evaluate"]
    assert metrics_outputs(iris_spec) == [("evaluate", "metrics")]


def test_lossless_coercion(iris_spec: dict[str, Any]) -> None:
    got = validate_parameters({"n_estimators": "50", "test_size": "0.25", "max_depth": 3.0}, inputs(iris_spec), "iris")
    assert got == {"max_depth": 3, "n_estimators": 50, "seed": 42, "test_size": 0.25}
    assert isinstance(got["n_estimators"], int) and isinstance(got["max_depth"], int)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"n_estimators": "abc"}, "'n_estimators' must be int"),
        ({"n_estimators": 2.5}, "fractional"),
        ({"n_estimators": True}, "boolean"),
        ({"test_size": "big"}, "'test_size' must be float"),
        ({"n_estimator": 5}, "did you mean 'n_estimators'"),
    ],
)
def test_bad_parameters_are_rejected_with_the_expected_inputs(
    iris_spec: dict[str, Any], params: dict[str, Any], words: str
) -> None:
    with pytest.raises(ToolFailure) as info:
        validate_parameters(params, inputs(iris_spec), "iris")
    assert info.value.code == "InvalidParameters"
    assert words in info.value.message
    assert "n_estimators: int = 100" in (info.value.hint or "") and "test_size: float = 0.3" in (info.value.hint or "")


def test_missing_required_parameters(dv_inputs: list[InputSpec]) -> None:
    with pytest.raises(ToolFailure) as info:
        validate_parameters({"bucket": "raw"}, dv_inputs, "data-validation")
    assert "missing required parameter 'key'" in info.value.message
    assert "key: str (required)" in (info.value.hint or "")
    ok = validate_parameters({"bucket": "raw", "key": "a.csv", "min_rows": "10"}, dv_inputs, "data-validation")
    assert ok["min_rows"] == 10 and ok["max_empty_fraction"] == 0.1


def test_bool_list_dict_inputs() -> None:
    declared = [
        InputSpec("flag", "bool", False, False),
        InputSpec("cols", "list", None, True),
        InputSpec("cfg", "dict", None, False),
    ]
    got = validate_parameters({"flag": "yes", "cols": '["a", "b"]', "cfg": {"x": 1}}, declared, "p")
    assert got == {"flag": True, "cols": ["a", "b"], "cfg": {"x": 1}}
    with pytest.raises(ToolFailure):
        validate_parameters({"flag": "maybe", "cols": "a,b"}, declared, "p")


def test_metric_directions() -> None:
    assert direction("accuracy") == "max" and direction("f1_macro") == "max"
    assert direction("val_loss") == "min" and direction("error_rate") == "min"
    assert direction("test_rows") is None


def test_load_source_errors(tmp_path: Path) -> None:
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "missing.yaml")
    assert info.value.code == "FileNotFound"
    (tmp_path / "pipline.py").write_text("x = 1\n")
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "pipeline.py")
    assert info.value.suggestions == [str(tmp_path / "pipline.py")]
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "pipline.py")
    assert info.value.code == "NoPipelineFound"
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "broken.py")
    assert info.value.code == "PipelineSyntaxError" and "line 1" in info.value.message
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "notes.yaml")
    assert info.value.code == "NotAPipelineSpec"
    (tmp_path / "imports.py").write_text("import no_such_module_xyz\n")
    with pytest.raises(ToolFailure) as info:
        load_source(tmp_path, "imports.py")
    assert info.value.code == "PipelineImportError" and "no_such_module_xyz" in info.value.message
