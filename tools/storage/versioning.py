"""Bucket versioning tools."""

from __future__ import annotations

from typing import Annotated, Any

from minio.commonconfig import ENABLED
from minio.versioningconfig import SUSPENDED, VersioningConfig
from pydantic import Field

from tools.slots import Slot
from tools.storage.common import Bucket, StrictArgs, storage_tool
from tools.storage.context import StorageContext
from tools.storage.errors import no_such_bucket
from tools.storage.inventory import versioning_status


class GetVersioningArgs(StrictArgs):
    bucket: Bucket


def _status(ctx: StorageContext, bucket: str) -> str:
    # The SDK asks for the bucket's region first; a missing bucket would then surface as a generic
    # 404 on some servers, so check existence explicitly for a proper NoSuchBucket.
    if not ctx.client.bucket_exists(bucket):
        raise no_such_bucket(ctx, bucket)
    return versioning_status(ctx.client, bucket)


def get_bucket_versioning(args: GetVersioningArgs, ctx: StorageContext) -> dict[str, Any]:
    return {"bucket": args.bucket, "status": _status(ctx, args.bucket)}


class SetVersioningArgs(StrictArgs):
    bucket: Bucket
    enabled: Annotated[bool, Slot("flag")] = Field(
        description="true to keep every version of overwritten/deleted objects; false to suspend "
        "versioning (existing versions are kept; S3 cannot turn versioning fully off once enabled)."
    )


def set_bucket_versioning(args: SetVersioningArgs, ctx: StorageContext) -> dict[str, Any]:
    before = _status(ctx, args.bucket)
    target = ENABLED if args.enabled else SUSPENDED
    if before == target or (before == "Off" and not args.enabled):
        return {"bucket": args.bucket, "status": before, "previous": before, "changed": False}
    ctx.client.set_bucket_versioning(args.bucket, VersioningConfig(target))
    return {"bucket": args.bucket, "status": target, "previous": before, "changed": True}


def preview_set_bucket_versioning(args: SetVersioningArgs, ctx: StorageContext) -> str:
    before = _status(ctx, args.bucket)
    if args.enabled:
        if before == ENABLED:
            return f"Versioning on bucket '{args.bucket}' is already Enabled; nothing will change."
        return (
            f"Enable versioning on bucket '{args.bucket}' (currently {before}): from now on overwrites and "
            "deletes keep the previous versions (which use storage). It can later be suspended, not removed."
        )
    if before in ("Off", SUSPENDED):
        return f"Versioning on bucket '{args.bucket}' is already {before}; nothing will change."
    return (
        f"Suspend versioning on bucket '{args.bucket}' (currently Enabled): new writes stop creating "
        "versions; existing old versions are kept."
    )


GET_BUCKET_VERSIONING = storage_tool(
    "get_bucket_versioning",
    "Report whether a bucket keeps old object versions (Enabled, Suspended or Off). Use it before "
    "deleting or overwriting data the user may want to recover.",
    GetVersioningArgs,
    get_bucket_versioning,
    mutating=False,
)
SET_BUCKET_VERSIONING = storage_tool(
    "set_bucket_versioning",
    "Enable or suspend object versioning on a bucket. Use it when the user asks to keep (or stop "
    "keeping) previous versions of overwritten or deleted objects.",
    SetVersioningArgs,
    set_bucket_versioning,
    mutating=True,
    preview=preview_set_bucket_versioning,
)
