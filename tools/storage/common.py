"""Small helpers shared by the storage tool modules (formatting, caps, spec construction)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from tools.base import Change, ToolSpec
from tools.slots import Slot
from tools.storage.context import StorageContext
from tools.storage.errors import map_storage_error
from tools.storage.examples import EXAMPLES
from tools.storage.summaries import SUMMARIES

T = TypeVar("T")
ArgsT = TypeVar("ArgsT", bound=BaseModel)

#: Most entries any result list carries; beyond it the result says truncated=True.
REPORT_CAP = 100
#: Most objects counted when a preview or error only needs "how many" (keeps previews cheap).
COUNT_CAP = 10_000


def _bare_bucket(value: object) -> object:
    """Models often write 's3://raw-data' where a bucket name is expected; accept that spelling."""
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("s3://") and "/" not in value[5:].rstrip("/"):
            return value[5:].rstrip("/")
    return value


Bucket = Annotated[
    str,
    BeforeValidator(_bare_bucket),
    StringConstraints(strip_whitespace=True, min_length=1),
    Slot("bucket"),
    Field(description="Bucket name, e.g. 'raw-data' (no 's3://' prefix). Call list_buckets if unsure."),
]
Key = Annotated[
    str,
    StringConstraints(min_length=1),
    Slot("object_key"),
    Field(description="Full object key inside the bucket, e.g. 'datasets/train.csv' (case-sensitive)."),
]


class StrictArgs(BaseModel):
    """Unknown argument names fail loudly so a misnamed field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


def human_size(n: int | float | None) -> str:
    """Sizes as people read them in approval cards (1024-based, one decimal)."""
    if n is None:
        return "unknown size"
    size = float(n)
    if size < 1024:
        return f"{int(size)} B"
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def iso(value: datetime | None) -> str | None:
    """Timestamps as ISO strings so results stay plain JSON."""
    return value.isoformat() if value else None


def s3_uri(bucket: str, key: str = "") -> str:
    return f"s3://{bucket}/{key}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def take(items: Iterable[T], limit: int) -> tuple[list[T], bool]:
    """First `limit` items and whether more existed, without draining a lazy listing."""
    out: list[T] = []
    it: Iterator[T] = iter(items)
    for item in it:
        if len(out) == limit:
            return out, True
        out.append(item)
    return out, False


def clean_etag(etag: str | None) -> str | None:
    return etag.strip('"') if etag else etag


def storage_tool(
    name: str,
    description: str,
    args_schema: type[ArgsT],
    func: Callable[[ArgsT, StorageContext], Any],
    *,
    mutating: bool,
    preview: Callable[[ArgsT, StorageContext], str | Change] | None = None,
) -> ToolSpec[ArgsT, StorageContext]:
    """A ToolSpec with the storage group and error mapping. `mutating` is declared by every tool (whether it
    changes state is a fact about the tool, not about whether it has a preview); a mutating tool must
    have a preview, which ToolSpec checks."""
    return ToolSpec(
        name=name,
        description=description,
        args_schema=args_schema,
        func=func,
        group="storage",
        mutating=mutating,
        preview=preview,
        on_error=map_storage_error,
        examples=list(EXAMPLES.get(name, [])),  # beside the tools, in examples.py
        summary=SUMMARIES.get(name),  # and how its result reads, in summaries.py
    )
