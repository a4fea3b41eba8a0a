"""What every route needs, held on `app.state.ctx` so routes stay plain functions and tests can build apps freely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request

from swarmops.services.kfp_server.executor import Executor
from swarmops.services.kfp_server.store import Store


@dataclass
class Context:
    data_dir: Path
    store: Store
    executor: Executor

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"


def ctx(request: Request) -> Context:
    return request.app.state.ctx


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record without server-private fields (leading underscore), as the API returns it."""
    return {k: v for k, v in record.items() if not k.startswith("_")}
