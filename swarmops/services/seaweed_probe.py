"""Readiness checks for a SeaweedFS server.

"S3 answers" is not enough after a restart: the S3 gateway and filer come up before the volume server
has reported its volumes to the master, and reads of existing objects fail with "volume N not found"
until it has. So readiness is: signed S3 call works AND the master knows every volume on disk.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Literal

from swarmops.services.ports import LOOPBACK

ProbeResult = Literal["ok", "auth", "down"]
_AUTH_CODES = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"})


def probe_s3(port: int, access_key: str, secret_key: str, timeout: float = 2.0) -> ProbeResult:
    """Signed ListBuckets: proves S3, the filer behind it and our credentials all work."""
    import urllib3
    from minio import Minio
    from minio.error import S3Error

    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False)
    client = Minio(f"{LOOPBACK}:{port}", access_key=access_key, secret_key=secret_key, secure=False, http_client=http)
    try:
        client.list_buckets()
    except S3Error as exc:
        return "auth" if exc.code in _AUTH_CODES else "down"
    except Exception:
        return "down"
    finally:
        http.clear()
    return "ok"


def master_volume_ids(master_port: int, timeout: float = 1.0) -> set[int] | None:
    """Volume ids the master knows, or None until a volume server has registered (or on error)."""
    url = f"http://{LOOPBACK}:{master_port}/vol/status"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            status = json.load(resp)
        racks = (status.get("Volumes") or {}).get("DataCenters") or {}
        nodes = [node for dc in racks.values() for rack in dc.values() for node in rack.values()]
    except (OSError, ValueError, AttributeError, urllib.error.URLError):
        return None
    if not nodes:
        return None
    return {int(vol["Id"]) for node in nodes for vol in (node or [])}


def volumes_on_disk(data_dir: Path) -> set[int]:
    """Ids of the plain volumes in `data_dir` (files `<id>.dat` or `<collection>_<id>.dat`)."""
    ids: set[int] = set()
    for path in data_dir.glob("*.dat"):
        tail = path.stem.rsplit("_", 1)[-1]
        if tail.isdigit():
            ids.add(int(tail))
    return ids
