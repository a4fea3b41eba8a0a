"""How each object-storage tool's result reads to a person: a sentence or a short list with the
concrete names, sizes and values. Declared beside the tools (`ToolSpec.summary`); the offline
planner answers with them, and the graph shows a read-only result with them instead of asking a
model to word it.
"""

from __future__ import annotations

from tools.summaries import Args, Data, Summary, human_size, more

LIST_LIMIT = 15


def _buckets(args: Args, data: Data) -> str:
    names = [b["name"] for b in data.get("buckets", [])]
    if not names:
        return "There are no buckets yet."
    shown = names[:LIST_LIMIT]
    return (
        f"{len(names)} bucket{'s' if len(names) != 1 else ''}:\n"
        + "\n".join(f"  • {n}" for n in shown)
        + more(len(names), len(shown), data.get("truncated", False))
    )


def _objects(args: Args, data: Data) -> str:
    d = data
    objs = d.get("objects", [])
    where = f"s3://{d.get('bucket', args.get('bucket'))}/{d.get('prefix') or ''}"
    if not objs:
        return f"{where} is empty."
    shown = objs[:LIST_LIMIT]
    lines = [f"  • {o['key']}" + ("" if o.get("is_dir") else f" ({human_size(o.get('size'))})") for o in shown]
    total = d.get("count", len(objs))
    head = f"{where} holds {total} object{'s' if total != 1 else ''}"
    if d.get("total_size") is not None:
        head += f" ({human_size(d['total_size'])})"
    return head + ":\n" + "\n".join(lines) + more(total, len(shown), d.get("truncated", False))


def _stat(args: Args, data: Data) -> str:
    d = data
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


def _preview(args: Args, data: Data) -> str:
    d = data
    name = f"s3://{args.get('bucket')}/{args.get('key')}"
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


def _upload(args: Args, data: Data) -> str:
    d = data
    items = d.get("uploaded", [])
    if len(items) == 1:
        i = items[0]
        dest = f"s3://{args.get('bucket')}/{i['key']}"
        return f"Uploaded {args.get('local_path')} to {dest} ({human_size(i.get('size'))})."
    return (
        f"Uploaded {d.get('count', len(items))} files ({human_size(d.get('total_bytes'))}) from "
        f"{args.get('local_path')} to s3://{args.get('bucket')}/."
    )


def _download(args: Args, data: Data) -> str:
    d = data
    files = d.get("downloaded") or []
    if len(files) == 1:
        f = files[0]
        src = f"s3://{args.get('bucket')}/{f.get('key')}"
        return f"Downloaded {src} to {f.get('path')} ({human_size(f.get('size'))})."
    msg = f"Downloaded {d.get('count', len(files))} objects ({human_size(d.get('total_bytes'))}) from "
    msg += f"{d.get('source')} to {d.get('local_path')}."
    if d.get("errors"):
        msg += f" {len(d['errors'])} failed: " + "; ".join(f"{x['key']}: {x['error']}" for x in d["errors"][:5])
    return msg


def _copy(verb: str) -> Summary:
    def render(args: Args, data: Data) -> str:
        d = data
        src = f"s3://{args.get('src_bucket')}/{args.get('src_key')}"
        dst = d.get("destination") or f"s3://{args.get('dst_bucket')}/{args.get('dst_key') or args.get('src_key')}"
        return f"{verb} {src} to {dst}."

    return render


def _deleted(args: Args, data: Data) -> str:
    d = data
    n = d.get("deleted_count", len(d.get("deleted", [])))
    msg = f"Deleted {n} object{'s' if n != 1 else ''} ({human_size(d.get('deleted_bytes'))}) from {args.get('bucket')}."
    if d.get("not_found"):
        msg += f" Not found: {', '.join(d['not_found'][:5])}."
    if d.get("errors"):
        msg += f" {len(d['errors'])} could not be deleted: " + "; ".join(
            f"{x.get('key')}: {x.get('error') or x.get('message')}" for x in d["errors"][:5]
        )
    return msg


def _presign(args: Args, data: Data) -> str:
    target = f"s3://{args.get('bucket')}/{args.get('key')}"
    valid = f"valid for {_span(data['expires_minutes'])}, until" if data.get("expires_minutes") else "valid until"
    return f"Here is a link to {target}, {valid} {data.get('expires_at')}:\n{data.get('url')}"


def _span(minutes: int) -> str:
    """10080 -> "7 days", 90 -> "1 hour 30 minutes": how long, as people say it."""
    parts = []
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        n, minutes = divmod(minutes, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def _versioning(args: Args, data: Data) -> str:
    return f"Versioning on {data.get('bucket', args.get('bucket'))} is {data.get('status')}."


def _tags(args: Args, data: Data) -> str:
    tags = data.get("tags") or {}
    target = f"s3://{args.get('bucket')}/{args.get('key')}"
    if not tags:
        return f"{target} has no tags."
    return f"Tags on {target}: " + ", ".join(f"{k}={v}" for k, v in tags.items()) + "."


def _plot(args: Args, data: Data) -> str:
    target = f"s3://{data.get('bucket', args.get('bucket'))}/{data.get('key', args.get('key'))}"
    lines = [
        f"  • {name}: {c.get('first'):.4g} -> {c.get('last'):.4g} (min {c.get('min'):.4g}, max {c.get('max'):.4g})"
        for name, c in (data.get("columns") or {}).items()
        if c.get("points")
    ]
    rows = f"{data.get('rows_plotted')} rows" + (" (the first ones only)" if data.get("truncated") else "")
    return f"Plotted {target}, {rows}:\n" + "\n".join(lines)


SUMMARIES: dict[str, Summary] = {
    "list_buckets": _buckets,
    "create_bucket": lambda args, data: f"Created bucket {args.get('bucket')}.",
    "delete_bucket": lambda args, data: (
        f"Deleted bucket {args.get('bucket')}"
        + (f" and its {data.get('objects_deleted')} objects." if data.get("objects_deleted") else ".")
    ),
    "list_objects": _objects,
    "stat_object": _stat,
    "preview_object": _preview,
    "plot_object": _plot,
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
