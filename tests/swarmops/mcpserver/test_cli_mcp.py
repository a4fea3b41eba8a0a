"""`swarmops mcp` refuses, in one line, what cannot work: HTTP without a token, a broken policy file."""

from __future__ import annotations

from pathlib import Path

from tests.swarmops.test_cli import swarmops


def test_http_without_a_token_and_a_broken_policy_are_refused(tmp_path: Path, s3_endpoint: str) -> None:
    no_token = swarmops(["mcp", "--http", "127.0.0.1:8765"], tmp_path, s3_endpoint, SWARMOPS_MCP_TOKEN="")
    assert no_token.returncode == 2 and "SWARMOPS_MCP_TOKEN" in no_token.stderr
    (tmp_path / "policy.toml").write_text("allow = 'list_*'\n")
    broken = swarmops(["mcp", "--policy", str(tmp_path / "policy.toml")], tmp_path, s3_endpoint)
    assert broken.returncode == 2 and "must be a list of tool name patterns" in broken.stderr
    assert "Traceback" not in no_token.stderr + broken.stderr
