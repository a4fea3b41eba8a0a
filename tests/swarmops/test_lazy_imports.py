"""Heavy libraries load only when a feature needs them: a storage question must not pay for torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.swarmops.test_cli import empty_config

ROOT = Path(__file__).resolve().parents[2]
#: prometheus_client is light, but only a served process with a metrics port needs it at all.
HEAVY = ["torch", "sentence_transformers", "chromadb", "transformers", "prometheus_client"]


def _loaded_after(code: str, tmp_path: Path, env: dict[str, str] | None = None) -> list[str]:
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
    """)
    import os

    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "SWARMOPS_DATA_DIR": str(tmp_path),
            "SWARMOPS_CONFIG": empty_config(tmp_path),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_app_modules_and_graph_construction_stay_light(tmp_path: Path) -> None:
    loaded = _loaded_after(
        """
        import swarmops.cli, swarmops.session, swarmops.doctor
        from swarmops.backends import Backends
        from swarmops.settings import Settings
        from agents.graph import build_graph
        from agents.planner.model import OfflinePlanner
        backends = Backends(Settings())
        build_graph(OfflinePlanner(), backends.specialists())
        """,
        tmp_path,
    )
    assert loaded == []


def test_a_storage_turn_does_not_load_embeddings(tmp_path: Path, s3_endpoint: str) -> None:
    loaded = _loaded_after(
        """
        import asyncio
        from swarmops.session import Assistant
        from swarmops.settings import Settings

        async def main():
            async with Assistant.open(Settings()) as assistant:
                async for _ in assistant.astream("t", "list my buckets"):
                    pass
        asyncio.run(main())
        """,
        tmp_path,
        env={"SWARMOPS_S3_ENDPOINT": s3_endpoint, "SWARMOPS_S3_ACCESS_KEY": "a", "SWARMOPS_S3_SECRET_KEY": "b"},
    )
    assert loaded == []
