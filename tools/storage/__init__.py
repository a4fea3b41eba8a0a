"""Object-storage tools (MinIO / any S3-compatible server) for the swarmops agents.

Usage: build a `StorageContext(client_factory=lambda: make_minio_client(...), endpoint=...)` and
run any spec in `STORAGE_TOOLS` through `tools.base.run_tool`.
"""

from __future__ import annotations

from tools.base import ToolSpec
from tools.storage.buckets import CREATE_BUCKET, DELETE_BUCKET, LIST_BUCKETS
from tools.storage.client import make_minio_client, validate_bucket_name
from tools.storage.context import StorageContext
from tools.storage.errors import map_storage_error
from tools.storage.object_ops import COPY_OBJECT, DELETE_OBJECTS, MOVE_OBJECT
from tools.storage.objects import LIST_OBJECTS, PRESIGN_URL, STAT_OBJECT
from tools.storage.plot import PLOT_OBJECT
from tools.storage.preview import PREVIEW_OBJECT
from tools.storage.tagging import GET_OBJECT_TAGS, SET_OBJECT_TAGS
from tools.storage.transfer import DOWNLOAD, UPLOAD
from tools.storage.versioning import GET_BUCKET_VERSIONING, SET_BUCKET_VERSIONING

STORAGE_TOOLS: list[ToolSpec] = [
    LIST_BUCKETS,
    CREATE_BUCKET,
    DELETE_BUCKET,
    LIST_OBJECTS,
    STAT_OBJECT,
    PREVIEW_OBJECT,
    PLOT_OBJECT,
    UPLOAD,
    DOWNLOAD,
    COPY_OBJECT,
    MOVE_OBJECT,
    DELETE_OBJECTS,
    PRESIGN_URL,
    GET_BUCKET_VERSIONING,
    SET_BUCKET_VERSIONING,
    GET_OBJECT_TAGS,
    SET_OBJECT_TAGS,
]

__all__ = [
    "STORAGE_TOOLS",
    "StorageContext",
    "make_minio_client",
    "map_storage_error",
    "validate_bucket_name",
]
