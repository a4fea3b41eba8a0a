"""The kind of value each tool argument takes ("slot kind"), declared next to its pydantic schema.

A planner that works without a model (issue 13) has to fill arguments from what a person says:
"the iris run from yesterday" is a run, "./data" a local path, "raw-data" a bucket. The JSON
schema says the type (a string) but not which of these the string is; the slot kind does, so the
planner can be driven by the schemas instead of a table of tool names kept beside them.

A `Slot` is pydantic field metadata (`Annotated[str, Slot("bucket")]`): pydantic keeps it in
`FieldInfo.metadata` and leaves the JSON schema sent to language models unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic.fields import FieldInfo

SlotKind = Literal[
    "bucket",  # a bucket name
    "object_key",  # one object key inside a bucket
    "key_list",  # several object keys
    "prefix",  # a key prefix / folder inside a bucket
    "s3_uri",  # s3://bucket/key
    "local_path",  # a file or directory on the user's disk
    "pipeline",  # an existing pipeline: its name or id
    "pipeline_file",  # a local pipeline source or package file (.py, .yaml, .json)
    "version",  # an existing pipeline version: its name or id
    "run",  # a run reference: id, name, "latest"...
    "run_list",  # several run references
    "experiment",  # an existing experiment: its name or id
    "parameters",  # a map of pipeline parameters
    "tags",  # a key=value map
    "number",  # a count, a limit, a size
    "duration",  # seconds or minutes
    "flag",  # a boolean switch
    "choice",  # one of a fixed set (a state filter, an enum)
    "name",  # a new name the user chooses: a run, experiment, pipeline or version name
    "text",  # free text: a description, a search query, a task or function name
    "source",  # a document source: a path, an s3:// URI or a prefix (to index, or to filter by)
]


@dataclass(frozen=True)
class Slot:
    """Field metadata naming the kind of value an argument takes: `Annotated[str, Slot("run")]`.

    `role` says which end of a transfer the value is when the argument's name does not (upload's
    `local_path` is the source, its `bucket` the destination: "put x *into* b"); `new` marks a
    name the user chooses rather than one that exists (create_bucket's bucket: "call it x");
    `says` gives a choice's values the plain words people pick them by, beyond the value's own
    ("which classes it mixes up" is the confusion matrix, "broken runs" the FAILED state).
    """

    kind: SlotKind
    role: Literal["", "src", "dst"] = ""
    new: bool = False
    says: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)


def slot_meta(field: FieldInfo) -> Slot | None:
    """The Slot declared on a pydantic field, or None when it declares none."""
    # The last one wins, as with other pydantic metadata (an alias's Slot can be narrowed).
    for meta in reversed(field.metadata):
        if isinstance(meta, Slot):
            return meta
    return None


def slot_of(field: FieldInfo) -> SlotKind | None:
    """The slot kind declared on a pydantic field, or None when it declares none."""
    meta = slot_meta(field)
    return meta.kind if meta else None
