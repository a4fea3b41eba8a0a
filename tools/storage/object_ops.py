"""Object tools that change state: copy, move, delete."""

from __future__ import annotations

from typing import Annotated, Any

from minio import Minio
from minio.commonconfig import CopySource
from minio.datatypes import Object
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from pydantic import Field, model_validator

from tools.base import Change, ToolFailure
from tools.slots import Slot
from tools.storage.common import (
    COUNT_CAP,
    REPORT_CAP,
    Bucket,
    Key,
    StrictArgs,
    human_size,
    plural,
    s3_uri,
    storage_tool,
)
from tools.storage.context import StorageContext
from tools.storage.errors import no_such_bucket
from tools.storage.inventory import delete_all, versioning_status


def find_object(client: Minio, bucket: str, key: str) -> Object | None:
    """stat that answers None for "no such object" (bucket errors still raise)."""
    try:
        return client.stat_object(bucket, key)
    except S3Error as exc:
        if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
            return None
        raise


def overwrite_note(client: Minio, bucket: str, key: str) -> str:
    existing = find_object(client, bucket, key)
    if existing is None:
        return "creates a new object"
    return f"overwrites the existing {human_size(existing.size)} object at {s3_uri(bucket, key)}"


class CopyArgs(StrictArgs):
    src_bucket: Bucket = Field(description="Bucket holding the source object.")
    src_key: Key = Field(description="Key of the source object, e.g. 'models/v1/model.onnx'.")
    dst_bucket: Bucket = Field(description="Bucket to copy into (may be the same as src_bucket).")
    dst_key: Annotated[str | None, Slot("object_key")] = Field(
        default=None,
        description="Destination key; omit to keep src_key. A value ending in '/' is treated as a "
        "folder and the source file name is appended.",
    )

    def target_key(self) -> str:
        if not self.dst_key:
            return self.src_key
        if self.dst_key.endswith("/"):
            return self.dst_key + self.src_key.rsplit("/", 1)[-1]
        return self.dst_key


def _copy(args: CopyArgs, ctx: StorageContext) -> dict[str, Any]:
    client, dst_key = ctx.client, args.target_key()
    if (args.src_bucket, args.src_key) == (args.dst_bucket, dst_key):
        raise ToolFailure(
            "SameObject",
            f"Source and destination are both {s3_uri(args.src_bucket, dst_key)}.",
            hint="Give a different dst_key or dst_bucket.",
        )
    src = client.stat_object(args.src_bucket, args.src_key)  # NoSuchKey with suggestions for the source
    if not client.bucket_exists(args.dst_bucket):
        raise no_such_bucket(ctx, args.dst_bucket)
    overwrote = find_object(client, args.dst_bucket, dst_key) is not None
    # The SDK switches to a multipart compose for sources over 5 GiB on its own.
    client.copy_object(args.dst_bucket, dst_key, CopySource(args.src_bucket, args.src_key))
    return {
        "source": s3_uri(args.src_bucket, args.src_key),
        "destination": s3_uri(args.dst_bucket, dst_key),
        "size": src.size,
        "overwrote": overwrote,
    }


def copy_object(args: CopyArgs, ctx: StorageContext) -> dict[str, Any]:
    return _copy(args, ctx)


def move_object(args: CopyArgs, ctx: StorageContext) -> dict[str, Any]:
    out = _copy(args, ctx)
    ctx.client.remove_object(args.src_bucket, args.src_key)
    return {**out, "source_deleted": True}


def _preview_copy(args: CopyArgs, ctx: StorageContext, verb: str) -> Change:
    client, dst_key = ctx.client, args.target_key()
    src, dst = s3_uri(args.src_bucket, args.src_key), s3_uri(args.dst_bucket, dst_key)
    if (args.src_bucket, args.src_key) == (args.dst_bucket, dst_key):
        return Change(f"{verb} {src} onto itself — will fail, nothing changes.")
    source = find_object(client, args.src_bucket, args.src_key)
    if source is None:
        return Change(f"{verb} {src} to {dst} — will fail: the source object does not exist.")
    if not client.bucket_exists(args.dst_bucket):
        return Change(f"{verb} {src} to {dst} — will fail: bucket '{args.dst_bucket}' does not exist.")
    tail = " and then delete the source" if verb == "Move" else ""
    effect = overwrite_note(client, args.dst_bucket, dst_key)
    return Change(
        f"{verb} {src} ({human_size(source.size)}) to {dst}{tail} — {effect}.",
        overwrites=effect.startswith("overwrites"),
    )


def preview_copy_object(args: CopyArgs, ctx: StorageContext) -> Change:
    return _preview_copy(args, ctx, "Copy")


def preview_move_object(args: CopyArgs, ctx: StorageContext) -> Change:
    return _preview_copy(args, ctx, "Move")


class DeleteObjectsArgs(StrictArgs):
    bucket: Bucket
    keys: Annotated[list[str], Slot("key_list")] = Field(
        default_factory=list,
        max_length=1000,
        description="Exact keys to delete, e.g. ['tmp/a.csv', 'tmp/b.csv'] (up to 1000).",
    )
    prefix: Annotated[str | None, Slot("prefix")] = Field(
        default=None,
        description="Also delete every object whose key starts with this, e.g. 'tmp/'. "
        "An empty string means every object in the bucket.",
    )

    @model_validator(mode="after")
    def _something(self) -> DeleteObjectsArgs:
        if not self.keys and self.prefix is None:
            raise ValueError("give keys, prefix, or both")
        return self


def _targets(
    args: DeleteObjectsArgs, ctx: StorageContext, cap: int | None = None
) -> tuple[list[str], list[str], int, bool]:
    """(existing keys, listed keys that do not exist, total bytes, capped).

    S3 "deletes" missing keys without complaint, so they are checked here: a model that mistyped a
    key must not be told it was deleted. `cap` bounds prefix listings for cheap previews.
    """
    client = ctx.client
    if not client.bucket_exists(args.bucket):
        raise no_such_bucket(ctx, args.bucket)
    found: dict[str, int] = {}
    missing: list[str] = []
    for key in dict.fromkeys(args.keys):
        obj = find_object(client, args.bucket, key) if key else None
        if obj is None:
            missing.append(key)
        else:
            found[key] = obj.size or 0
    capped = False
    if args.prefix is not None:
        for obj in client.list_objects(args.bucket, prefix=args.prefix or None, recursive=True):
            if cap is not None and len(found) >= cap:
                capped = True
                break
            found.setdefault(obj.object_name, obj.size or 0)
    return list(found), missing, sum(found.values()), capped


def delete_objects(args: DeleteObjectsArgs, ctx: StorageContext) -> dict[str, Any]:
    keys, missing, size, _ = _targets(args, ctx)
    deleted, errors = delete_all(ctx.client, args.bucket, [DeleteObject(k) for k in keys])
    failed = {e["key"] for e in errors}
    done = [k for k in keys if k not in failed]
    out: dict[str, Any] = {
        "bucket": args.bucket,
        "deleted": done[:REPORT_CAP],
        "deleted_count": deleted,
        "deleted_bytes": size,
        "not_found": missing[:REPORT_CAP],
        "errors": errors[:REPORT_CAP],
        "truncated": max(len(done), len(missing), len(errors)) > REPORT_CAP,
    }
    if missing and not keys:
        out["hint"] = "None of the keys exist; call list_objects to find the right ones."
    return out


def preview_delete_objects(args: DeleteObjectsArgs, ctx: StorageContext) -> str:
    client = ctx.client
    keys, missing, size, capped = _targets(args, ctx, cap=COUNT_CAP)
    if args.prefix == "":
        where = f"bucket '{args.bucket}' (ALL objects: the prefix is empty)"
    elif args.prefix:
        where = f"{s3_uri(args.bucket, args.prefix)}*"
    else:
        where = f"bucket '{args.bucket}'"
    count = ("at least " if capped else "") + plural(len(keys), "object")
    shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
    text = f"Delete {count} ({human_size(size)}{'+' if capped else ''}) from {where}"
    text += f": {shown}" if keys else ""
    if missing:
        text += f" — {plural(len(missing), 'listed key')} not found ({', '.join(missing[:5])})"
    if not keys:
        return text + "; nothing will be deleted."
    if versioning_status(client, args.bucket) == "Enabled":
        return text + " — versioning is on, so delete markers are added and old versions stay recoverable."
    return text + " — permanent: the bucket is not versioned."


COPY_OBJECT = storage_tool(
    "copy_object",
    "Copy one object to another key and/or bucket on the server side (no download). Use it to "
    "duplicate or promote an artifact, e.g. from staging to production.",
    CopyArgs,
    copy_object,
    mutating=True,
    preview=preview_copy_object,
)
MOVE_OBJECT = storage_tool(
    "move_object",
    "Move or rename one object: copy it to the destination, then delete the source. Use it to "
    "rename a key or relocate an object between buckets.",
    CopyArgs,
    move_object,
    mutating=True,
    preview=preview_move_object,
)
DELETE_OBJECTS = storage_tool(
    "delete_objects",
    "Delete specific objects by key and/or every object under a prefix. Use list_objects first to "
    "confirm what matches; keys that do not exist are reported as not_found.",
    DeleteObjectsArgs,
    delete_objects,
    mutating=True,
    preview=preview_delete_objects,
)
