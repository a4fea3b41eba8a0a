"""`swarmops slack` refuses, in one line, to start without what its mode needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.swarmops.test_cli import swarmops


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["slack"], {}, "SLACK_BOT_TOKEN is not set"),
        (["slack"], {"SLACK_BOT_TOKEN": "xoxb-cli-0123456789"}, "Socket Mode needs SLACK_APP_TOKEN"),
        (["slack", "--http", "127.0.0.1:3999"], {"SLACK_BOT_TOKEN": "xoxb-cli-0123456789"}, "SLACK_SIGNING_SECRET"),
        (["slack", "--http", "nonsense"], {"SLACK_BOT_TOKEN": "xoxb-cli-0123456789"}, "--http takes HOST:PORT"),
        (
            ["slack"],
            {"SLACK_BOT_TOKEN": "xoxb-cli-0123456789", "SLACK_APP_TOKEN": "xapp-cli-0123456789"},
            "the Slack bot has no allowlist",
        ),
    ],
)
def test_missing_settings_are_named_before_anything_starts(
    tmp_path: Path, s3_endpoint: str, args: list[str], env: dict[str, str], said: str
) -> None:
    out = swarmops(args, tmp_path, s3_endpoint, **{"SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", **env})
    assert out.returncode == 2 and said in out.stderr and "Traceback" not in out.stderr
    assert "xoxb-cli-0123456789" not in out.stderr + out.stdout
