"""`swarmops doctor` checks the Slack tokens with auth.test, and says what each mode still needs."""

from __future__ import annotations

from swarmops.doctor import check_slack, run_check
from swarmops.settings import Settings
from tests.plugins.silent_server import closed_port
from tools.masking import Masker


def _check(**values: object):  # noqa: ANN202
    settings = Settings(**values)
    return run_check("slack", lambda: check_slack(settings), Masker(settings.secret_values()))


def test_a_working_bot_token_and_the_ready_modes(slack_api) -> None:
    check = _check(slack_bot_token="xoxb-doctor-0123456789", slack_app_token="xapp-1-abc", slack_api_url=slack_api.url)
    assert check.ok and check.detail == "bot swarmops in Fake Team; Socket Mode ready"
    assert slack_api.of("auth.test")


def test_a_refused_token_and_an_unreachable_api_in_words(slack_api) -> None:
    refused = _check(slack_bot_token="not-a-slack-token-0123456789", slack_api_url=slack_api.url)
    assert not refused.ok and refused.detail.startswith("Slack refused the bot token (invalid_auth)")
    assert "not-a-slack-token-0123456789" not in refused.detail
    down = _check(slack_bot_token="xoxb-doctor-0123456789", slack_api_url=f"http://127.0.0.1:{closed_port()}/api/")
    assert not down.ok and down.detail.startswith("cannot reach http://127.0.0.1:") and "Traceback" not in down.detail
