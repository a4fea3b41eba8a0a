"""Read-only object tools: list, stat, presign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from minio.error import S3Error
from pydantic import Field

from tools.base import closest
from tools.slots import Slot
from tools.storage.common import Bucket, Key, StrictArgs, clean_etag, iso, storage_tool, take
from tools.storage.context import StorageContext


class ListObjectsArgs(StrictArgs):
    bucket: Bucket
    prefix: Annotated[str, Slot("prefix")] = Field(
        default="",
        description="Only keys starting with this, e.g. 'datasets/2024/' (end with '/' for a folder). "
        "Empty lists the whole bucket.",
    )
    recursive: Annotated[bool, Slot("flag")] = Field(
        default=True,
        description="true: every object below the prefix. false: one level only, sub-folders shown "
        "as entries with is_dir=true (good for browsing a large bucket).",
    )
    limit: Annotated[int, Slot("number")] = Field(
        default=100, ge=1, le=1000, description="Most entries to return (1-1000)."
    )


def list_objects(args: ListObjectsArgs, ctx: StorageContext) -> dict[str, Any]:
    listing = ctx.client.list_objects(args.bucket, prefix=args.prefix or None, recursive=args.recursive)
    objects, truncated = take(listing, args.limit)
    entries = [
        {
            "key": o.object_name,
            "size": 0 if o.is_dir else o.size,
            "last_modified": iso(o.last_modified),
            "is_dir": bool(o.is_dir),
        }
        for o in objects
    ]
    out: dict[str, Any] = {
        "bucket": args.bucket,
        "prefix": args.prefix,
        "objects": entries,
        "count": len(entries),
        "total_size": sum(e["size"] or 0 for e in entries),
        "truncated": truncated,
    }
    if not entries and args.prefix:
        out["suggestions"] = _nearby_prefixes(ctx, args.bucket, args.prefix)
    return out


def _nearby_prefixes(ctx: StorageContext, bucket: str, prefix: str) -> list[str]:
    """An empty listing usually means a mistyped folder: offer the siblings at that level."""
    parent = prefix.rstrip("/").rsplit("/", 1)[0] + "/" if "/" in prefix.rstrip("/") else ""
    try:
        siblings, _ = take(ctx.client.list_objects(bucket, prefix=parent or None), 1000)
    except S3Error:
        return []
    return closest(prefix, [o.object_name for o in siblings])


class StatObjectArgs(StrictArgs):
    bucket: Bucket
    key: Key


def _user_metadata(headers: Any) -> dict[str, str]:
    """Only the user's x-amz-meta-* entries; the SDK hands back every response header."""
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if name.lower().startswith("x-amz-meta-"):
            out[name[len("x-amz-meta-") :].lower()] = value
    return out


def stat_object(args: StatObjectArgs, ctx: StorageContext) -> dict[str, Any]:
    client = ctx.client
    st = client.stat_object(args.bucket, args.key)
    try:
        tags: dict[str, str] | None = dict(client.get_object_tags(args.bucket, args.key) or {})
    except S3Error:  # some S3-compatible servers have no tagging; the stat itself still succeeded
        tags = None
    return {
        "bucket": args.bucket,
        "key": args.key,
        "size": st.size,
        "content_type": st.content_type,
        "etag": clean_etag(st.etag),
        "last_modified": iso(st.last_modified),
        "metadata": _user_metadata(st.metadata),
        "tags": tags,
        "version_id": st.version_id,
    }


class PresignArgs(StrictArgs):
    bucket: Bucket
    key: Key
    expires_minutes: Annotated[int, Slot("duration")] = Field(
        default=60,
        ge=1,
        le=10080,
        description="How long the link works, in minutes (1 to 10080 = 7 days).",
    )


def presign_url(args: PresignArgs, ctx: StorageContext) -> dict[str, Any]:
    client = ctx.client
    client.stat_object(args.bucket, args.key)  # never hand out a link to nothing
    expires = timedelta(minutes=args.expires_minutes)
    url = client.presigned_get_object(args.bucket, args.key, expires=expires)
    return {
        "bucket": args.bucket,
        "key": args.key,
        "url": url,
        "expires_minutes": args.expires_minutes,
        "expires_at": (datetime.now(UTC) + expires).replace(microsecond=0).isoformat(),
    }


LIST_OBJECTS = storage_tool(
    "list_objects",
    "List objects in a bucket, optionally under a prefix (folder), with sizes and dates. Use it to "
    "find keys before reading, downloading or deleting; set recursive=false to browse folder by folder.",
    ListObjectsArgs,
    list_objects,
    mutating=False,
)
STAT_OBJECT = storage_tool(
    "stat_object",
    "Get one object's size, content type, ETag, last-modified time, user metadata, tags and version. "
    "Use it to check an object exists or inspect it without reading its content.",
    StatObjectArgs,
    stat_object,
    mutating=False,
)
PRESIGN_URL = storage_tool(
    "presign_url",
    "Create a temporary download link for one object that works without credentials. Use it when the "
    "user wants to share an object or open it in a browser.",
    PresignArgs,
    presign_url,
    mutating=False,
)
