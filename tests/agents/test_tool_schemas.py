"""Every tool a model can be given has a schema it can act on: valid names, described arguments."""

from __future__ import annotations

import json
import re

import pytest

from agents.toolkit import handoff_schema, tool_schema
from tools.docs import DOCS_TOOLS
from tools.kfp import KFP_TOOLS
from tools.storage import STORAGE_TOOLS

ALL = [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]


def _properties(schema: dict) -> dict:
    return schema["function"]["parameters"].get("properties", {})


def test_tool_names_are_unique_and_valid_function_names() -> None:
    names = [t.name for t in ALL]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", n) for n in names)


@pytest.mark.parametrize("spec", ALL, ids=[t.name for t in ALL])
def test_every_argument_is_described(spec) -> None:  # noqa: ANN001
    schema = tool_schema(spec)
    json.dumps(schema)  # serialisable as sent to an endpoint
    assert schema["function"]["parameters"]["type"] == "object"
    assert len(schema["function"]["description"]) >= 20
    for name, prop in _properties(schema).items():
        assert prop.get("description"), f"{spec.name}.{name} has no description"


# Whether a tool is mutating is checked against what it really does on real backends in
# tests/tools/test_mutation_declared.py; that a mutating tool has a preview, by ToolSpec itself.


def test_handoff_schema_requires_a_task() -> None:
    schema = handoff_schema("storage", "Object storage.")
    assert schema["function"]["name"] == "transfer_to_storage"
    assert schema["function"]["parameters"]["required"] == ["task"]
