"""preview_object: a bounded look inside an object, shaped by what the content is.

Only a byte range is ever requested, so previewing a 50 GB dataset costs the same as a 5 KB one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import PurePosixPath
from typing import Annotated, Any

from minio import Minio
from pydantic import Field

from tools.slots import Slot
from tools.storage.common import Bucket, Key, StrictArgs, storage_tool
from tools.storage.context import StorageContext

#: Tab-separated is declared by name; for "CSV" the delimiter (',' or ';' ...) is sniffed.
_CSV_EXT = {".csv": None, ".tsv": "\t"}
_CSV_TYPES = {"text/csv": None, "application/csv": None, "text/tab-separated-values": "\t"}
_JSON_EXT = {".json"}
_JSON_TYPES = {"application/json", "text/json"}
_JSONL_EXT = {".jsonl", ".ndjson"}
_JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/ndjson"}
#: Known binary containers: saves decoding bytes that only look like text by accident.
_BINARY_EXT = {
    ".parquet", ".gz", ".zip", ".tar", ".bz2", ".xz", ".zst", ".7z", ".png", ".jpg", ".jpeg", ".gif",
    ".webp", ".pdf", ".pt", ".pth", ".ckpt", ".bin", ".onnx", ".safetensors", ".npy", ".npz", ".pkl",
    ".pickle", ".h5", ".hdf5", ".arrow", ".feather", ".avro", ".orc", ".tfrecord", ".joblib", ".whl",
}  # fmt: skip
_MAGIC = [
    (b"PAR1", "parquet"),
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip (also .npz, .pt, .whl, .xlsx)"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"%PDF", "pdf"),
    (b"\x93NUMPY", "numpy .npy"),
    (b"\x89HDF", "hdf5"),
    (b"ARROW1", "arrow ipc"),
    (b"Obj\x01", "avro"),
    (b"ORC", "orc"),
    (b"(\xb5/\xfd", "zstd"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
]


class PreviewArgs(StrictArgs):
    bucket: Bucket
    key: Key
    max_bytes: Annotated[int, Slot("number")] = Field(
        default=4096,
        ge=1,
        le=65536,
        description="Bytes to read from the start of the object (max 65536); the rest is never fetched.",
    )
    max_rows: Annotated[int, Slot("number")] = Field(
        default=20, ge=1, le=500, description="Most data rows to return for CSV/TSV and JSON Lines objects."
    )


def _read_head(client: Minio, bucket: str, key: str, size: int, max_bytes: int) -> bytes:
    want = min(size, max_bytes)
    if want <= 0:  # length=0 would mean "the whole object" to the SDK
        return b""
    response = client.get_object(bucket, key, offset=0, length=want)
    try:
        return response.read(want)  # even if a server ignores Range, never read past the cap
    finally:
        response.close()
        response.release_conn()


def _decode(data: bytes, cut: bool) -> str | None:
    """Text if the bytes are text (tolerating a multi-byte character split by the cap), else None."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not (cut and exc.start >= len(data) - 3):
            return None
        text = data[: exc.start].decode("utf-8-sig", errors="strict")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\b")
    return None if text and control / len(text) > 0.1 else text


def _magic(data: bytes) -> str | None:
    return next((name for sig, name in _MAGIC if data.startswith(sig)), None)


def _complete_lines(text: str, cut: bool) -> str:
    """Drop the partial last line a byte cap leaves behind (unless it is the only line)."""
    if cut and "\n" in text:
        return text[: text.rfind("\n") + 1]
    return text


def _table(text: str, cut: bool, delimiter: str | None) -> tuple[list[str], list[list[str]], str]:
    """(header, data rows, delimiter) of CSV text; a byte cap's partial last line is dropped."""
    body = _complete_lines(text, cut)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(body[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    rows = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    return (rows[0], rows[1:], delimiter) if rows else ([], [], delimiter)


def csv_rows(text: str, cut: bool, key: str) -> tuple[list[str], list[list[str]], str]:
    """The table in a CSV/TSV object's text, its delimiter known from the name or sniffed."""
    return _table(text, cut, _CSV_EXT.get(PurePosixPath(key).suffix.lower()))


def read_text(client: Minio, bucket: str, key: str, max_bytes: int) -> tuple[str | None, int, bool]:
    """(text or None for binary, object size, whether the cap cut it) of an object's head."""
    size = client.stat_object(bucket, key).size or 0
    data = _read_head(client, bucket, key, size, max_bytes)
    cut = size > len(data)
    binary = PurePosixPath(key).suffix.lower() in _BINARY_EXT
    return (None if binary else _decode(data, cut)), size, cut


def _csv(text: str, cut: bool, delimiter: str | None, max_rows: int) -> dict[str, Any]:
    header, data, delimiter = _table(text, cut, delimiter)
    return {
        "delimiter": delimiter,
        "columns": header,
        "rows": data[:max_rows],
        "rows_shown": min(len(data), max_rows),
        "more_rows": len(data) > max_rows or cut,
    }


def _jsonl(text: str, cut: bool, max_rows: int) -> dict[str, Any]:
    records: list[Any] = []
    lines = [ln for ln in _complete_lines(text, cut).splitlines() if ln.strip()]
    for line in lines[:max_rows]:
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append({"_unparsed": line})
    return {"format": "jsonl", "records": records, "more_rows": len(lines) > max_rows or cut}


def _json(text: str, cut: bool, max_bytes: int) -> dict[str, Any]:
    if not cut:
        try:
            value = json.loads(text)
        except ValueError:
            pass
        else:
            # Pretty-print for the reader only if that still respects the byte budget.
            for indent, seps in ((2, None), (None, (",", ":"))):
                rendered = json.dumps(value, indent=indent, separators=seps, ensure_ascii=False)
                if len(rendered) <= max_bytes:
                    return {"parsed": True, "text": rendered}
    return {"parsed": False, "text": text[:max_bytes]}


def preview_object(args: PreviewArgs, ctx: StorageContext) -> dict[str, Any]:
    client = ctx.client
    st = client.stat_object(args.bucket, args.key)
    size = st.size or 0
    data = _read_head(client, args.bucket, args.key, size, args.max_bytes)
    cut = size > len(data)
    ext = PurePosixPath(args.key).suffix.lower()
    ctype = (st.content_type or "").split(";")[0].strip().lower()
    out: dict[str, Any] = {
        "bucket": args.bucket,
        "key": args.key,
        "size": size,
        "content_type": st.content_type,
        "bytes_read": len(data),
        "truncated": cut,
    }
    text = None if ext in _BINARY_EXT else _decode(data, cut)
    if text is None:
        out.update(kind="binary", detected_format=_magic(data))
        return out
    if ext in _CSV_EXT or ctype in _CSV_TYPES:
        out.update(kind="csv", **_csv(text, cut, _CSV_EXT.get(ext) or _CSV_TYPES.get(ctype), args.max_rows))
    elif ext in _JSONL_EXT or ctype in _JSONL_TYPES:
        out.update(kind="json", **_jsonl(text, cut, args.max_rows))
    elif ext in _JSON_EXT or ctype in _JSON_TYPES or text.lstrip()[:1] in ("{", "["):
        parsed = _json(text, cut, args.max_bytes)
        declared = ext in _JSON_EXT or ctype in _JSON_TYPES
        out.update(kind="json" if declared or parsed["parsed"] else "text", **parsed)
        if not declared and not parsed["parsed"]:
            out.pop("parsed")
    else:
        out.update(kind="text", text=text)
    out["truncated"] = cut or bool(out.get("more_rows"))
    return out


PREVIEW_OBJECT = storage_tool(
    "preview_object",
    "Show the beginning of an object: CSV header and rows, JSON (pretty-printed), text, or just size "
    "and type for binary files. Reads at most max_bytes, so it is safe on huge objects.",
    PreviewArgs,
    preview_object,
    mutating=False,
)
