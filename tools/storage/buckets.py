"""Bucket tools: list, create, delete."""

from __future__ import annotations

from typing import Annotated, Any

from minio.deleteobjects import DeleteObject
from pydantic import Field

from tools.base import ToolFailure
from tools.slots import Slot
from tools.storage.client import bucket_name_problem, validate_bucket_name
from tools.storage.common import Bucket, StrictArgs, human_size, iso, storage_tool, take
from tools.storage.context import StorageContext
from tools.storage.errors import no_such_bucket
from tools.storage.inventory import all_versions, delete_all, tally, versioning_status

#: Bucket entries are short; this keeps the result far below the model's payload backstop.
BUCKET_CAP = 200


class ListBucketsArgs(StrictArgs):
    pass


def list_buckets(args: ListBucketsArgs, ctx: StorageContext) -> dict[str, Any]:
    buckets, truncated = take(ctx.client.list_buckets(), BUCKET_CAP)
    return {
        "buckets": [{"name": b.name, "created": iso(b.creation_date)} for b in buckets],
        "count": len(buckets),
        "truncated": truncated,
    }


class CreateBucketArgs(StrictArgs):
    bucket: Annotated[Bucket, Slot("bucket", new=True)] = Field(
        description="Name of the new bucket: 3-63 chars of lowercase letters, digits, dots and hyphens, "
        "starting and ending with a letter or digit, e.g. 'training-data'."
    )


def create_bucket(args: CreateBucketArgs, ctx: StorageContext) -> dict[str, Any]:
    validate_bucket_name(args.bucket)
    if ctx.client.bucket_exists(args.bucket):
        raise ToolFailure(
            "BucketAlreadyExists",
            f"Bucket '{args.bucket}' already exists.",
            hint="Use the existing bucket, or choose a different name.",
        )
    ctx.client.make_bucket(args.bucket)
    return {"bucket": args.bucket, "created": True}


def preview_create_bucket(args: CreateBucketArgs, ctx: StorageContext) -> str:
    rule = bucket_name_problem(args.bucket)
    if rule:
        return f"Create bucket '{args.bucket}' — will fail, the name is invalid: {rule}"
    if ctx.client.bucket_exists(args.bucket):
        return f"Create bucket '{args.bucket}' — it already exists, so nothing will change (the call fails)."
    return f"Create a new, empty bucket '{args.bucket}' at {ctx.endpoint}."


class DeleteBucketArgs(StrictArgs):
    bucket: Bucket
    force: Annotated[bool, Slot("flag")] = Field(
        default=False,
        description="Also delete every object (and every old version) in the bucket first. "
        "Without it, a non-empty bucket is left untouched and the call fails.",
    )


def delete_bucket(args: DeleteBucketArgs, ctx: StorageContext) -> dict[str, Any]:
    client, bucket = ctx.client, args.bucket
    if not client.bucket_exists(bucket):
        raise no_such_bucket(ctx, bucket)
    versioned = versioning_status(client, bucket) != "Off"
    if not args.force:
        current, what = tally(client, bucket), "object"
        if current.count == 0 and versioned:
            current, what = tally(client, bucket, versions=True), "old object version"
        if current.count:
            raise ToolFailure(
                "BucketNotEmpty",
                f"Bucket '{bucket}' is not empty: it holds {current.describe(what)}. Nothing was deleted.",
                hint="Pass force=true to delete the objects together with the bucket, "
                "or remove them first with delete_objects.",
            )
        client.remove_bucket(bucket)
        return {"bucket": bucket, "deleted": True, "objects_deleted": 0, "versioned": versioned}
    if versioned:
        entries = all_versions(client, bucket)
    else:
        entries = [DeleteObject(o.object_name) for o in client.list_objects(bucket, recursive=True)]
    deleted, errors = delete_all(client, bucket, entries)
    if errors:
        first = "; ".join(f"{e['key']} ({e['error']})" for e in errors[:5])
        raise ToolFailure(
            "DeleteFailed",
            f"Deleted {deleted} of {len(entries)} objects from '{bucket}' but {len(errors)} could not be "
            f"deleted, so the bucket was kept. First errors: {first}",
            hint="Objects under retention or legal hold cannot be deleted until it expires.",
        )
    client.remove_bucket(bucket)
    return {"bucket": bucket, "deleted": True, "objects_deleted": deleted, "versioned": versioned}


def preview_delete_bucket(args: DeleteBucketArgs, ctx: StorageContext) -> str:
    client, bucket = ctx.client, args.bucket
    if not client.bucket_exists(bucket):
        return f"Delete bucket '{bucket}' — it does not exist, so nothing will change (the call fails)."
    versioned = versioning_status(client, bucket) != "Off"
    current = tally(client, bucket)
    extra = ""
    if versioned:
        every = tally(client, bucket, versions=True)
        older = every.count - current.count
        if older > 0:
            extra = f" plus {older}{'+' if every.capped else ''} older versions/delete markers"
    if current.count == 0 and not extra:
        return f"Delete the empty bucket '{bucket}'."
    if not args.force:
        return (
            f"Delete bucket '{bucket}' — will fail and delete nothing: it holds "
            f"{current.describe()} ({human_size(current.size)}){extra}; pass force=true to delete them too."
        )
    return (
        f"Delete bucket '{bucket}' and its {current.describe()} ({human_size(current.size)}){extra} (force). "
        "This cannot be undone."
    )


LIST_BUCKETS = storage_tool(
    "list_buckets",
    "List every bucket on the object store with its creation time. Use it first when the user "
    "names a bucket you have not seen, or to check a bucket exists.",
    ListBucketsArgs,
    list_buckets,
    mutating=False,
)
CREATE_BUCKET = storage_tool(
    "create_bucket",
    "Create a new empty bucket. Use it only when the user wants a new bucket; it fails if the bucket "
    "exists or the name breaks S3 naming rules (the error says which rule).",
    CreateBucketArgs,
    create_bucket,
    mutating=True,
    preview=preview_create_bucket,
)
DELETE_BUCKET = storage_tool(
    "delete_bucket",
    "Delete a bucket. Fails on a non-empty bucket unless force=true, which first deletes all of its "
    "objects and versions; use force only when the user clearly wants the contents gone.",
    DeleteBucketArgs,
    delete_bucket,
    mutating=True,
    preview=preview_delete_bucket,
)
