"""Every argument of every tool says what kind of value it takes, without changing its JSON schema."""

from __future__ import annotations

import json
from typing import Annotated, Any, get_args

import pytest
from pydantic import BaseModel, Field

from tools.base import ToolSpec
from tools.docs.tools import DOCS_TOOLS
from tools.kfp import KFP_TOOLS
from tools.slots import Slot, SlotKind, slot_of
from tools.storage import STORAGE_TOOLS

ALL: list[ToolSpec[Any, Any]] = [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]
KINDS = set(get_args(SlotKind))


def _keys(node: Any) -> list[str]:
    """Every dictionary key anywhere in a JSON value."""
    if isinstance(node, dict):
        return [k for k, v in node.items() for k in (k, *_keys(v))]
    if isinstance(node, list):
        return [k for item in node for k in _keys(item)]
    return []


def test_the_registries_have_tools_with_arguments() -> None:
    assert ALL and any(spec.args_schema.model_fields for spec in ALL)


@pytest.mark.parametrize("spec", ALL, ids=[t.name for t in ALL])
def test_every_argument_declares_a_slot_kind(spec: ToolSpec[Any, Any]) -> None:
    for name, field in spec.args_schema.model_fields.items():
        kind = slot_of(field)
        assert kind is not None, f"{spec.name}.{name} has no slot kind: annotate it as Annotated[..., Slot('<kind>')]"
        assert kind in KINDS, f"{spec.name}.{name} has slot kind {kind!r}, which is not a SlotKind"


@pytest.mark.parametrize("spec", ALL, ids=[t.name for t in ALL])
def test_slot_kinds_stay_out_of_the_json_schema(spec: ToolSpec[Any, Any]) -> None:
    schema = spec.args_schema.model_json_schema()
    assert not [k for k in _keys(schema) if "slot" in k.lower()], f"{spec.name}: a slot leaked into its schema"
    assert "Slot(" not in json.dumps(schema, default=str), f"{spec.name}: a slot leaked into its schema"


def test_slot_metadata_changes_nothing_in_the_schema() -> None:
    class Plain(BaseModel):
        bucket: str = Field(min_length=1, description="A bucket.")
        limit: int | None = Field(default=None, ge=1, description="Most entries.")

    class Slotted(BaseModel):
        bucket: Annotated[str, Slot("bucket")] = Field(min_length=1, description="A bucket.")
        limit: Annotated[int | None, Slot("number")] = Field(default=None, ge=1, description="Most entries.")

    plain, slotted = Plain.model_json_schema(), Slotted.model_json_schema()
    slotted["title"] = plain["title"]
    assert json.dumps(slotted) == json.dumps(plain)
    assert slot_of(Slotted.model_fields["bucket"]) == "bucket"
    assert slot_of(Slotted.model_fields["limit"]) == "number"
    assert slot_of(Plain.model_fields["bucket"]) is None
