"""Helpers shared by the tool tests (fixtures stay in each module so they remain explicit)."""

from __future__ import annotations

import http.client
import io
from pathlib import Path
from typing import Any

from minio import Minio

from tools.base import ToolError, ToolResult, ToolSpec, describe_change, run_tool
from tools.storage import STORAGE_TOOLS, StorageContext, make_minio_client

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in STORAGE_TOOLS}

#: moto accepts any credentials; these are deliberately recognisable so leaks would show.
ACCESS_KEY = "AKIATESTACCESSKEY"
SECRET_KEY = "super-secret-value-never-print"


def storage_ctx(endpoint: str, workdir: Path, region: str | None = None) -> StorageContext:
    """region=None exercises the SDK's bucket-location look-ups, as a default config does."""
    return StorageContext(
        client_factory=lambda: make_minio_client(endpoint, ACCESS_KEY, SECRET_KEY, region=region),
        endpoint=endpoint,
        workdir=workdir,
    )


def call(ctx: StorageContext, tool: str, **args: Any) -> ToolResult:
    return run_tool(TOOLS[tool], args, ctx)


def ok(ctx: StorageContext, tool: str, **args: Any) -> dict[str, Any]:
    result = call(ctx, tool, **args)
    assert result.ok, result.error
    assert isinstance(result.data, dict)
    return result.data


def fail(ctx: StorageContext, tool: str, **args: Any) -> ToolError:
    result = call(ctx, tool, **args)
    assert not result.ok, result.data
    assert result.error is not None
    blob = result.model_dump_json()
    assert SECRET_KEY not in blob and ACCESS_KEY not in blob
    return result.error


def preview(ctx: StorageContext, tool: str, **args: Any) -> str:
    return describe_change(TOOLS[tool], args, ctx)


def put(client: Minio, bucket: str, key: str, data: bytes | str = b"x", content_type: str | None = None) -> None:
    body = data.encode() if isinstance(data, str) else data
    client.put_object(bucket, key, io.BytesIO(body), len(body), content_type=content_type or "application/octet-stream")


def raw_put(endpoint: str, bucket: str, key: str, body: bytes) -> None:
    """PUT with the key sent verbatim: the SDK itself refuses keys with '..' segments."""
    host, port = endpoint.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("PUT", f"/{bucket}/{key}", body=body, headers={"Content-Length": str(len(body))})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
    finally:
        conn.close()


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
