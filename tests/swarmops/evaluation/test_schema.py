"""The JSON Schema editors use (evals/case.schema.json) is the loader's own format, kept in step."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from swarmops.evaluation.cases import json_schema

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_schema_is_generated_from_the_models() -> None:
    committed = json.loads((ROOT / "evals" / "case.schema.json").read_text())
    assert committed == json_schema(), "regenerate: python -m swarmops.evaluation.cases > evals/case.schema.json"


def test_every_bundled_case_file_validates_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    files = sorted((ROOT / "evals" / "cases").glob("*.yaml"))
    assert files
    for path in files:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
        assert not errors, f"{path}: {errors[:3]}"
