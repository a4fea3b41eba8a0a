"""Bad case files fail before anything runs, with the file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmops.evaluation.loader import CaseFileError, load_cases

TOOLS = {"list_buckets", "create_bucket", "delete_bucket", "search_docs"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(tmp_path: Path) -> str:
    with pytest.raises(CaseFileError) as info:
        load_cases([tmp_path], TOOLS)
    return str(info.value)


def test_a_valid_file_loads_with_each_case_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "cases:\n  - id: one\n    turns: [hi]\n  - id: two\n    turns: [there]\n")
    loaded = load_cases([tmp_path], TOOLS)
    assert [(c.case.id, c.line) for c in loaded] == [("one", 2), ("two", 4)]


def test_yaml_syntax_errors_name_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "cases:\n  - id: one\n    turns: [hi\n  - id: two\n")
    said = problems(tmp_path)
    assert f"{path}:" in said and "not valid YAML" in said


def test_schema_errors_point_at_the_offending_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "cases:\n  - id: one\n    turns: [hi]\n    expect:\n      tools:\n        mode: sometimes\n",
    )
    said = problems(tmp_path)
    assert f"{path}:6:" in said and "mode" in said  # the line of `mode: sometimes`


def test_an_unknown_field_is_an_error_not_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "cases:\n  - id: one\n    turns: [hi]\n    expct: {}\n")
    said = problems(tmp_path)
    assert f"{path}:" in said and "expct" in said


def test_unknown_tool_names_come_with_the_closest_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "cases:\n  - id: one\n    turns: [hi]\n    expect:\n      tools:\n        calls:\n"
        "          - name: create_buckit\n      not_tools: [delete_bucket, mutating, serch_docs]\n",
    )
    said = problems(tmp_path)
    assert f"{path}:7: case one: unknown tool 'create_buckit' (closest: create_bucket" in said
    assert "unknown tool 'serch_docs' (closest: search_docs)" in said
    assert "'mutating'" not in said and "'delete_bucket'" not in said


def test_duplicate_ids_and_every_problem_of_every_file_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "cases:\n  - id: same\n    turns: [hi]\n")
    write(tmp_path, "b.yaml", "cases:\n  - id: same\n    turns: [hi]\n")
    write(tmp_path, "c.yaml", "cases:\n  - id: x\n    turns: []\n")
    said = problems(tmp_path)
    assert "b.yaml:2: case id 'same' already used at" in said and "c.yaml:3: cases.0.turns" in said


def test_missing_paths_and_empty_directories_are_errors(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="no such file"):
        load_cases([tmp_path / "nope.yaml"], TOOLS)
    with pytest.raises(CaseFileError, match="no case files"):
        load_cases([tmp_path], TOOLS)
