"""Fault suite: secrets in the environment and in what people type never reach the disk.

The CLI as a real process on fully embedded backends, with an API key and a password in its
environment, a pipeline run whose logs are read back, and a key pasted into a message.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from tests.faults.test_durable_runs import env_for

ENV_KEY = "sk-fault-0123456789abcdefghijklmnop"
ENV_PASSWORD = "correct-horse-battery-staple-42"
PASTED = "sk-proj-pastedpastedpastedpasted9876"


def test_no_secret_reaches_any_file_under_the_data_dir(tmp_path: Path) -> None:
    """Promise: after a pipeline run, reading its logs and a pasted key, no file under the data
    directory holds a secret, and every file swarmops wrote there is private to the user."""
    env = {
        **env_for(tmp_path),
        "OPENAI_API_KEY": ENV_KEY,
        "SWARMOPS_MODEL_PROVIDER": "offline",
        "WAREHOUSE_PASSWORD": ENV_PASSWORD,
    }
    for request in (
        ["--yes", "run the iris pipeline with 20 trees and tell me its accuracy"],
        ["show me the logs of my last run"],
        [f"my key is {PASTED}, what can you do?"],
    ):
        out = subprocess.run(
            [sys.executable, "-m", "swarmops.cli", "ask", *request],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert ENV_KEY not in out.stdout + out.stderr and PASTED not in out.stdout + out.stderr
    threads = subprocess.run(
        [sys.executable, "-m", "swarmops.cli", "threads", "list"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert "my key is" in threads.stdout and PASTED not in threads.stdout

    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    loose = []
    for path in data.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_file():
            content = path.read_bytes()
            for secret in (ENV_KEY, ENV_PASSWORD, PASTED):
                assert secret.encode() not in content, f"{secret[:6]}… written to {path.relative_to(data)}"
        # SeaweedFS chmods its volume info files (.vif, no secrets) to 0644 inside its 0700 directory.
        if stat.S_IMODE(path.stat().st_mode) & 0o077 and path.suffix != ".vif":
            loose.append(str(path.relative_to(data)))
    assert not loose, f"readable by others: {loose[:10]}"
