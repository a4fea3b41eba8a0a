"""Plain-language answers written from tool results, for the offline planner.

Each function turns one executed call into a sentence or a short list with the concrete names,
sizes and values, so the offline answer is as informative as the tool output allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.planner.answers_kfp import RENDERERS as KFP_RENDERERS
from agents.planner.conversation import Executed

LIST_LIMIT = 15


def human_size(n: Any) -> str:
    try:
        size = float(n)
    except (TypeError, ValueError):
        return "?"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def _more(total: int, shown: int, truncated: bool = False) -> str:
    if total > shown:
        return f"\n  … and {total - shown} more"
    return "\n  … (list truncated)" if truncated else ""


def _buckets(e: Executed) -> str:
    names = [b["name"] for b in e.data.get("buckets", [])]
    if not names:
        return "There are no buckets yet."
    shown = names[:LIST_LIMIT]
    return (
        f"{len(names)} bucket{'s' if len(names) != 1 else ''}:\n"
        + "\n".join(f"  • {n}" for n in shown)
        + _more(len(names), len(shown), e.data.get("truncated", False))
    )


def _objects(e: Executed) -> str:
    d = e.data
    objs = d.get("objects", [])
    where = f"s3://{d.get('bucket', e.args.get('bucket'))}/{d.get('prefix') or ''}"
    if not objs:
        return f"{where} is empty."
    shown = objs[:LIST_LIMIT]
    lines = [f"  • {o['key']}" + ("" if o.get("is_dir") else f" ({human_size(o.get('size'))})") for o in shown]
    total = d.get("count", len(objs))
    head = f"{where} holds {total} object{'s' if total != 1 else ''}"
    if d.get("total_size") is not None:
        head += f" ({human_size(d['total_size'])})"
    return head + ":\n" + "\n".join(lines) + _more(total, len(shown), d.get("truncated", False))


def _stat(e: Executed) -> str:
    d = e.data
    parts = [
        f"s3://{d.get('bucket')}/{d.get('key')}: {human_size(d.get('size'))}, {d.get('content_type')}",
        f"last modified {d.get('last_modified')}",
    ]
    if d.get("metadata"):
        parts.append(f"metadata {d['metadata']}")
    if d.get("tags"):
        parts.append(f"tags {d['tags']}")
    if d.get("version_id"):
        parts.append(f"version {d['version_id']}")
    return "; ".join(parts) + "."


def _preview(e: Executed) -> str:
    d = e.data
    name = f"s3://{e.args.get('bucket')}/{e.args.get('key')}"
    kind = d.get("kind")
    cut = " (truncated)" if d.get("truncated") else ""
    if kind == "binary":
        return f"{name} is binary ({d.get('content_type')}, {human_size(d.get('size'))}); no text preview."
    if kind == "csv":
        rows = [", ".join(map(str, r)) for r in d.get("rows", [])]
        header = ", ".join(map(str, d.get("columns") or d.get("header") or []))
        body = "\n".join(f"  {r}" for r in rows)
        return f"{name} (CSV{cut}):\n  {header}\n{body}"
    text = d.get("text") or d.get("content") or ""
    return f"{name} ({kind}{cut}):\n```\n{text}\n```"


def _upload(e: Executed) -> str:
    d = e.data
    items = d.get("uploaded", [])
    if len(items) == 1:
        i = items[0]
        dest = f"s3://{e.args.get('bucket')}/{i['key']}"
        return f"Uploaded {e.args.get('local_path')} to {dest} ({human_size(i.get('size'))})."
    return (
        f"Uploaded {d.get('count', len(items))} files ({human_size(d.get('total_bytes'))}) from "
        f"{e.args.get('local_path')} to s3://{e.args.get('bucket')}/."
    )


def _download(e: Executed) -> str:
    d = e.data
    files = d.get("downloaded") or []
    if len(files) == 1:
        f = files[0]
        src = f"s3://{e.args.get('bucket')}/{f.get('key')}"
        return f"Downloaded {src} to {f.get('path')} ({human_size(f.get('size'))})."
    msg = f"Downloaded {d.get('count', len(files))} objects ({human_size(d.get('total_bytes'))}) from "
    msg += f"{d.get('source')} to {d.get('local_path')}."
    if d.get("errors"):
        msg += f" {len(d['errors'])} failed: " + "; ".join(f"{x['key']}: {x['error']}" for x in d["errors"][:5])
    return msg


def _copy(verb: str) -> Callable[[Executed], str]:
    def render(e: Executed) -> str:
        d = e.data or {}
        src = f"s3://{e.args.get('src_bucket')}/{e.args.get('src_key')}"
        dst = (
            d.get("destination") or f"s3://{e.args.get('dst_bucket')}/{e.args.get('dst_key') or e.args.get('src_key')}"
        )
        return f"{verb} {src} to {dst}."

    return render


def _deleted(e: Executed) -> str:
    d = e.data
    n = d.get("deleted_count", len(d.get("deleted", [])))
    msg = (
        f"Deleted {n} object{'s' if n != 1 else ''} ({human_size(d.get('deleted_bytes'))}) from {e.args.get('bucket')}."
    )
    if d.get("not_found"):
        msg += f" Not found: {', '.join(d['not_found'][:5])}."
    if d.get("errors"):
        msg += f" {len(d['errors'])} could not be deleted: " + "; ".join(
            f"{x.get('key')}: {x.get('error') or x.get('message')}" for x in d["errors"][:5]
        )
    return msg


def _presign(e: Executed) -> str:
    target = f"s3://{e.args.get('bucket')}/{e.args.get('key')}"
    return f"Here is a link to {target}, valid until {e.data.get('expires_at')}:\n{e.data.get('url')}"


def _versioning(e: Executed) -> str:
    return f"Versioning on {e.data.get('bucket', e.args.get('bucket'))} is {e.data.get('status')}."


def _tags(e: Executed) -> str:
    tags = e.data.get("tags") or {}
    target = f"s3://{e.args.get('bucket')}/{e.args.get('key')}"
    if not tags:
        return f"{target} has no tags."
    return f"Tags on {target}: " + ", ".join(f"{k}={v}" for k, v in tags.items()) + "."


RENDERERS: dict[str, Callable[[Executed], str]] = {
    "list_buckets": _buckets,
    "create_bucket": lambda e: f"Created bucket {e.args.get('bucket')}.",
    "delete_bucket": lambda e: (
        f"Deleted bucket {e.args.get('bucket')}"
        + (f" and its {e.data.get('objects_deleted')} objects." if e.data.get("objects_deleted") else ".")
    ),
    "list_objects": _objects,
    "stat_object": _stat,
    "preview_object": _preview,
    "upload": _upload,
    "download": _download,
    "copy_object": _copy("Copied"),
    "move_object": _copy("Moved"),
    "delete_objects": _deleted,
    "presign_url": _presign,
    "get_bucket_versioning": _versioning,
    "set_bucket_versioning": _versioning,
    "get_object_tags": _tags,
    "set_object_tags": _tags,
}


def describe_error(e: Executed) -> str:
    err = e.error or {}
    code = err.get("code", "Error")
    if code == "Rejected":
        return f"I did not run {e.tool}: you rejected it, so nothing was changed."
    msg = f"{e.tool} failed ({code}): {err.get('message', '')}".rstrip()
    if err.get("suggestions"):
        msg += f"\nDid you mean: {', '.join(err['suggestions'])}?"
    if err.get("hint"):
        msg += f"\nHint: {err['hint']}"
    return msg


def describe(e: Executed) -> str:
    if not e.ok:
        return describe_error(e)
    render = RENDERERS.get(e.tool) or KFP_RENDERERS.get(e.tool)
    if render is None or not isinstance(e.data, dict):
        return f"{e.tool}: {e.data}"
    try:
        return render(e)
    except (KeyError, TypeError, AttributeError):  # an unexpected shape: show the raw result
        return f"{e.tool}: {e.data}"
