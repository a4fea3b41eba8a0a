"""Who may use the bot, and the files it posts instead of long text."""

from __future__ import annotations

import csv
import io

import pytest

from swarmops.settings import ConfigError, Settings
from swarmops.slack.access import Access
from swarmops.slack.pictures import CSV_ROWS, long_table, runs_chart


def _access(**values: object) -> Access:
    return Access.from_settings(Settings(**values))


def test_a_bot_without_an_allowlist_does_not_start() -> None:
    with pytest.raises(ConfigError, match="SWARMOPS_SLACK_ALLOWED_USERS"):
        _access()
    assert _access(slack_allow_everyone=True).refusal(team="T", channel="C", user="U", direct=False) is None


def test_allowlists_of_users_channels_and_workspaces() -> None:
    access = _access(slack_allowed_users="UA,UB", slack_allowed_channels="CTEAM", slack_allowed_teams="T1")
    assert access.refusal(team="T1", channel="CTEAM", user="UA", direct=False) is None
    assert access.refusal(team="T1", channel="DUA", user="UA", direct=True) is None  # a listed user's DM
    assert "channel" in (access.refusal(team="T1", channel="CRANDOM", user="UA", direct=False) or "")
    assert "not on it" in (access.refusal(team="T1", channel="CTEAM", user="UX", direct=False) or "")
    assert "workspace" in (access.refusal(team="T2", channel="CTEAM", user="UA", direct=False) or "")


def test_only_the_requester_or_an_approver_decides() -> None:
    access = _access(slack_allowed_users="UA,UB,UC", slack_approvers="UC")
    assert access.may_decide("UA", "UA") and access.may_decide("UC", "UA")
    assert not access.may_decide("UB", "UA") and not access.may_decide("UB", None)


def test_a_long_listing_becomes_a_csv_and_a_short_one_does_not() -> None:
    rows = [{"key": f"part-{i}.csv", "size": i * 10, "tags": {"a": "b"}} for i in range(CSV_ROWS + 5)]
    picture = long_table("list_objects", {"bucket": "raw", "objects": rows, "truncated": False})
    assert picture is not None and picture.filename == "list_objects-objects.csv"
    parsed = list(csv.DictReader(io.StringIO(picture.content.decode())))
    assert len(parsed) == CSV_ROWS + 5 and parsed[3] == {"key": "part-3.csv", "size": "30", "tags": "{'a': 'b'}"}
    assert long_table("list_objects", {"objects": rows[:CSV_ROWS]}) is None


def test_a_chart_needs_two_runs_and_a_number_to_draw() -> None:
    one = {"runs": [{"name": "a"}], "metrics": {"accuracy": [0.9]}}
    words = {"runs": [{"name": "a"}, {"name": "b"}], "metrics": {"note": ["x", "y"]}}
    assert runs_chart(one) is None and runs_chart(words) is None
    two = {"runs": [{"name": "a"}, {"name": "b"}], "metrics": {"accuracy": [0.9, 0.95], "note": ["x", "y"]}}
    picture = runs_chart(two)
    assert picture is not None and picture.content.startswith(b"\x89PNG") and picture.title == "Metrics of a, b"
