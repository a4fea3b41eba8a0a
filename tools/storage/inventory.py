"""Counting and enumerating objects for previews, forced deletes and error messages."""

from __future__ import annotations

from dataclasses import dataclass

from minio import Minio
from minio.deleteobjects import DeleteObject

from tools.storage.common import COUNT_CAP, plural


@dataclass
class Tally:
    count: int = 0
    size: int = 0
    capped: bool = False

    def describe(self, word: str = "object") -> str:
        """'14 objects' or 'at least 10000 objects' when counting stopped at the cap."""
        return ("at least " if self.capped else "") + plural(self.count, word)


def tally(client: Minio, bucket: str, prefix: str = "", *, versions: bool = False) -> Tally:
    out = Tally()
    for obj in client.list_objects(bucket, prefix=prefix or None, recursive=True, include_version=versions):
        if out.count >= COUNT_CAP:
            out.capped = True
            break
        out.count += 1
        out.size += obj.size or 0
    return out


def versioning_status(client: Minio, bucket: str) -> str:
    """'Enabled', 'Suspended' or 'Off' (S3 reports a never-versioned bucket as no status)."""
    return client.get_bucket_versioning(bucket).status or "Off"


def delete_all(client: Minio, bucket: str, entries: list[DeleteObject]) -> tuple[int, list[dict[str, str]]]:
    """Batch-delete, draining the SDK's lazy error iterator (unconsumed, it deletes nothing)."""
    errors = [{"key": e.name or "?", "error": f"{e.code}: {e.message}"} for e in client.remove_objects(bucket, entries)]
    return len(entries) - len(errors), errors


def all_versions(client: Minio, bucket: str) -> list[DeleteObject]:
    """Every object version and delete marker: what must go before a versioned bucket can."""
    return [
        DeleteObject(obj.object_name, obj.version_id)
        for obj in client.list_objects(bucket, recursive=True, include_version=True)
    ]
