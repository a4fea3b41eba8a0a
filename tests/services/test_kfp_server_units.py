"""Fast checks of the pure parts: parameter coercion, list filters, the artifact layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swarmops.services.kfp_server.artifacts import planned_uploads
from swarmops.services.kfp_server.errors import ApiError
from swarmops.services.kfp_server.filters import apply_list
from swarmops.services.kfp_server.runner import exception_line
from swarmops.services.kfp_server.spec import coerce_parameters, with_defaults

SPEC = {
    "pipelineInfo": {"name": "p"},
    "root": {
        "inputDefinitions": {
            "parameters": {
                "n": {"parameterType": "NUMBER_INTEGER", "defaultValue": 3.0},
                "rate": {"parameterType": "NUMBER_DOUBLE", "defaultValue": 0.5},
                "flag": {"parameterType": "BOOLEAN", "isOptional": True},
                "name": {"parameterType": "STRING"},
            }
        }
    },
}


def test_parameters_are_coerced_to_the_spec_types() -> None:
    got = coerce_parameters(SPEC, {"n": "7", "rate": 1, "flag": "true", "name": 5})
    assert got == {"n": 7, "rate": 1.0, "flag": True, "name": "5"}
    assert with_defaults(SPEC, {"name": "x"}) == {"name": "x", "n": 3, "rate": 0.5}


def test_all_parameter_problems_are_reported_at_once() -> None:
    with pytest.raises(ApiError) as exc:
        coerce_parameters(SPEC, {"n": 1.5, "bogus": 1, "flag": "maybe"})
    message = exc.value.message
    assert exc.value.status == 400 and exc.value.code == 3
    for fragment in ("'n' must be int", "unknown parameter 'bogus'", "'flag' must be bool", "missing required"):
        assert fragment in message
    assert "Expected inputs: n: int = 3.0, rate: float = 0.5, flag: bool (optional), name: str (required)" in message


def test_filters_sorting_and_pages() -> None:
    items = [{"display_name": f"r{i}", "created_at": f"2024-01-0{i}", "state": "FAILED" if i % 2 else "SUCCEEDED"}
             for i in range(1, 6)]  # fmt: skip
    by_name = json.dumps({"predicates": [{"operation": 1, "key": "display_name", "string_value": "r3"}]})
    assert [r["display_name"] for r in apply_list(items, {"filter": by_name}, "runs")["runs"]] == ["r3"]
    by_state = json.dumps({"predicates": [{"operation": "IN", "key": "state", "stringValues": {"values": ["FAILED"]}}]})
    assert apply_list(items, {"filter": by_state}, "runs")["total_size"] == 3
    page = apply_list(items, {"sort_by": "created_at desc", "page_size": "2"}, "runs")
    assert [r["display_name"] for r in page["runs"]] == ["r5", "r4"] and page["next_page_token"] == "2"
    last = apply_list(items, {"sort_by": "created_at desc", "page_size": "2", "page_token": "4"}, "runs")
    assert [r["display_name"] for r in last["runs"]] == ["r1"] and last["next_page_token"] == ""


def test_exception_line_of_the_last_traceback() -> None:
    log = "    about to fail\n    Traceback (most recent call last):\n      File \"x.py\", line 1\n        boom()\n" \
          "    ValueError: boom 3\n\n12:00 - ERROR - Task 'boom' finished with status FAILURE\n"  # fmt: skip
    assert exception_line(log) == "ValueError: boom 3"


def test_upload_plan_layout(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "train.log").write_text("log")
    model = tmp_path / "model"
    model.write_bytes(b"m")
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("a")
    info = {"tasks": [{"task_name": "train", "outputs": {
        "Output": 3,
        "model": {"uri": str(model), "type": "Model", "metadata": {}},
        "folder": {"uri": str(folder), "type": "Dataset", "metadata": {}},
        "metrics": {"uri": str(tmp_path / "absent"), "type": "Metrics", "metadata": {"accuracy": 0.9}},
    }}]}  # fmt: skip
    plan = {key: (src, ctype) for key, src, ctype in planned_uploads(tmp_path, info, "p", "r")}
    assert set(plan) == {"v2/artifacts/p/r/train/model", "v2/artifacts/p/r/train/folder/sub/a.txt",
                         "v2/artifacts/p/r/train/metrics", "v2/logs/p/r/train.log"}  # fmt: skip
    assert plan["v2/artifacts/p/r/train/metrics"] == (b'{\n "accuracy": 0.9\n}', "application/json")
