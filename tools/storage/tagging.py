"""Object tag tools."""

from __future__ import annotations

from typing import Annotated, Any

from minio import Minio
from minio.commonconfig import Tags
from pydantic import Field, field_validator

from tools.base import ToolFailure
from tools.slots import Slot
from tools.storage.common import Bucket, Key, StrictArgs, s3_uri, storage_tool
from tools.storage.context import StorageContext

#: S3's own limits; checking them here gives a precise error instead of a generic InvalidTag.
MAX_TAGS = 10
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


class GetTagsArgs(StrictArgs):
    bucket: Bucket
    key: Key


def current_tags(client: Minio, bucket: str, key: str) -> dict[str, str]:
    return dict(client.get_object_tags(bucket, key) or {})


def get_object_tags(args: GetTagsArgs, ctx: StorageContext) -> dict[str, Any]:
    ctx.client.stat_object(args.bucket, args.key)  # a missing object gives NoSuchKey + suggestions
    return {"bucket": args.bucket, "key": args.key, "tags": current_tags(ctx.client, args.bucket, args.key)}


class SetTagsArgs(StrictArgs):
    bucket: Bucket
    key: Key
    tags: Annotated[dict[str, str], Slot("tags")] = Field(
        description="Tags as {name: value}, e.g. {'stage': 'validated'}. At most 10 per object; names "
        "up to 128 chars, values up to 256."
    )
    replace: Annotated[bool, Slot("flag")] = Field(
        default=True,
        description="true: the object ends up with exactly `tags` (others are removed; {} clears all). "
        "false: merge into the existing tags, overwriting only the names given.",
    )

    @field_validator("tags")
    @classmethod
    def _limits(cls, tags: dict[str, str]) -> dict[str, str]:
        for name, value in tags.items():
            if not 1 <= len(name) <= MAX_TAG_KEY:
                raise ValueError(f"tag name {name!r} must be 1-{MAX_TAG_KEY} characters")
            if len(value) > MAX_TAG_VALUE:
                raise ValueError(f"value of tag {name!r} exceeds {MAX_TAG_VALUE} characters")
        return tags


def _planned(args: SetTagsArgs, before: dict[str, str]) -> dict[str, str]:
    after = dict(args.tags) if args.replace else {**before, **args.tags}
    if len(after) > MAX_TAGS:
        raise ToolFailure(
            "TooManyTags",
            f"{s3_uri(args.bucket, args.key)} would have {len(after)} tags; S3 allows {MAX_TAGS}.",
            hint="Drop some tags, or use replace=true to discard the existing ones."
            if not args.replace
            else "Pass at most 10 tags.",
        )
    return after


def set_object_tags(args: SetTagsArgs, ctx: StorageContext) -> dict[str, Any]:
    client = ctx.client
    client.stat_object(args.bucket, args.key)
    before = current_tags(client, args.bucket, args.key)
    after = _planned(args, before)
    if not after:
        client.delete_object_tags(args.bucket, args.key)
    else:
        tags = Tags.new_object_tags()
        tags.update(after)
        client.set_object_tags(args.bucket, args.key, tags)
    return {"bucket": args.bucket, "key": args.key, "tags": after, "previous": before}


def _fmt(tags: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) + "}" if tags else "{}"


def preview_set_object_tags(args: SetTagsArgs, ctx: StorageContext) -> str:
    ctx.client.stat_object(args.bucket, args.key)
    before = current_tags(ctx.client, args.bucket, args.key)
    after = _planned(args, before)
    uri = s3_uri(args.bucket, args.key)
    if after == before:
        return f"Tags on {uri} are already {_fmt(before)}; nothing will change."
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in after if k in before and before[k] != after[k])
    added = sorted(set(after) - set(before))
    parts = []
    if added:
        parts.append("add " + ", ".join(f"{k}={after[k]}" for k in added))
    if changed:
        parts.append("overwrite " + ", ".join(f"{k}: {before[k]}→{after[k]}" for k in changed))
    if removed:
        parts.append("remove " + ", ".join(removed))
    return f"Set tags on {uri}: {'; '.join(parts)} (result: {_fmt(after)})."


GET_OBJECT_TAGS = storage_tool(
    "get_object_tags",
    "Read the tags (key/value labels) on one object. Use it when the user asks how an object is "
    "labelled, e.g. its stage or owner.",
    GetTagsArgs,
    get_object_tags,
    mutating=False,
)
SET_OBJECT_TAGS = storage_tool(
    "set_object_tags",
    "Set or merge tags on one object. Use replace=false to add labels while keeping the existing ones.",
    SetTagsArgs,
    set_object_tags,
    mutating=True,
    preview=preview_set_object_tags,
)
