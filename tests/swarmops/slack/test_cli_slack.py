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
        (["slack", "--http", "nonsense"], {"SLACK_BOT_TOKEN": "xoxb-cli-0123456789"}, "--http takes HOST:PORT or PORT"),
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


def test_swarmops_slack_http_serves_a_signed_mention_end_to_end(tmp_path: Path, s3_endpoint: str, slack_api) -> None:
    """The real command: settings from the environment, auth.test at start, embedded nothing (moto S3),
    a signed Events API request in, the answer out to the (fake) Slack Web API; SIGTERM (how a
    container is stopped) ends it cleanly."""
    import json
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.swarmops.slack.harness import mention
    from tests.swarmops.slack.test_http import SECRET, _signed
    from tests.swarmops.test_cli import cli_env

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = cli_env(
        tmp_path,
        s3_endpoint,
        SLACK_BOT_TOKEN="xoxb-e2e-0123456789",
        SLACK_SIGNING_SECRET=SECRET,
        SWARMOPS_SLACK_API_URL=slack_api.url,
        SWARMOPS_SLACK_ALLOWED_USERS="UALICE",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "swarmops.cli", "slack", "--http", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = json.dumps(mention("list my buckets"))
        deadline = time.monotonic() + 60
        while True:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/slack/events",
                data=body.encode(),
                headers={"Content-Type": "application/json", **_signed(body)},
            )
            try:
                assert urllib.request.urlopen(request, timeout=5).status == 200
                break
            except (ConnectionError, urllib.error.URLError):
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)
        slack_api.wait_for_sync("chat.stopStream", timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"swarmops slack did not stop on SIGTERM within 90 s:\n{err[-3000:]}") from None
    assert proc.returncode == 0 and "stopping on SIGTERM" in err
    assert slack_api.of("auth.test")  # checked the token at start
    assert "list_buckets" in json.dumps(slack_api.messages("CTEAM"))
    assert "xoxb-e2e-0123456789" not in out + err
