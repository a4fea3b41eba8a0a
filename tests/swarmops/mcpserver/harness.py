"""An MCP server over swarmops' real tools (storage on a loopback S3), for the SDK's in-memory client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.registry import Specialist
from agents.storage import storage_specialist
from swarmops.mcpserver.policy import Policy
from swarmops.mcpserver.server import build_server, make_tools
from swarmops.settings import Settings
from tests.helpers import storage_ctx
from tools.audit import AuditLog
from tools.masking import Masker


def storage(tmp_path: Path, s3_endpoint: str) -> list[Specialist]:
    return [storage_specialist(storage_ctx(s3_endpoint, tmp_path))]


def server_for(
    tmp_path: Path,
    specialists: list[Specialist],
    *,
    allow_write: bool = False,
    allow_delete: bool = False,
    ttl: float = 300.0,
    **settings: Any,
) -> Any:
    policy = Policy(allow_write=allow_write, allow_delete=allow_delete)
    audit_log = AuditLog(tmp_path / "data" / "audit.jsonl", Masker())
    tools = make_tools(specialists, Settings(data_dir=tmp_path / "data", **settings), policy, Masker(), audit_log, ttl)
    return build_server(tools, "alice")


def audit(tmp_path: Path) -> list[dict[str, Any]]:
    import json

    path = tmp_path / "data" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
