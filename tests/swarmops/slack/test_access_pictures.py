"""Who may use the bot, and the files it posts instead of long text: charts as PNGs, long lists as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from swarmops.settings import ConfigError, Settings
from swarmops.slack.access import Access
from swarmops.slack.pictures import CSV_ROWS, chart_pictures, long_table
from tools.charts import Chart, Series, as_data, charts_in
from tools.masking import Masker


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


def test_a_results_charts_become_pngs_named_after_their_titles_with_secrets_masked() -> None:
    bars = Chart(kind="bar", title="Accuracy per run", series=[Series(name="accuracy", x=["a", "b"], y=[0.9, 0.95])])
    leaky = Chart(kind="line", title="Loss of run s3cr3t-value", series=[Series(name="loss", x=[1, 2], y=[1.0, 0.5])])
    charts = charts_in({"charts": as_data(bars, bars, leaky)})
    pictures = chart_pictures(charts, Masker(["s3cr3t-value"]))
    assert [p.filename for p in pictures] == [
        "accuracy-per-run.png",
        "accuracy-per-run-2.png",
        "loss-of-run-s3c-ue.png",
    ]
    assert all(p.content.startswith(b"\x89PNG\r\n\x1a\n") for p in pictures)
    assert pictures[0].alt_text == "Bar chart: Accuracy per run (accuracy)"
    assert "s3cr3t-value" not in pictures[2].title + pictures[2].alt_text + pictures[2].filename
    assert chart_pictures([], Masker()) == []


def test_the_charts_of_a_result_are_not_tabled_as_csv() -> None:
    many = [Chart(kind="bar", title=f"c{i}") for i in range(CSV_ROWS + 1)]
    assert long_table("compare_runs", {"charts": as_data(*many), "runs": [{"id": "a"}]}) is None
