"""The app manifest asks for exactly the events the bot listens to, and the scopes those and its calls need."""

from __future__ import annotations

from pathlib import Path

import yaml

import swarmops.slack

MANIFEST = Path(swarmops.slack.__file__).parent / "manifest.yaml"


def test_the_manifest_subscribes_to_what_the_bot_handles_and_asks_for_no_more() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"app_mention", "message.channels", "message.groups", "message.im", "app_home_opened"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed_by_events = {"app_mentions:read", "channels:history", "groups:history", "im:history"}
    needed_by_calls = {"chat:write", "files:write", "assistant:write"}  # post/update, uploads, status
    assert scopes == needed_by_events | needed_by_calls
    assert manifest["settings"]["interactivity"]["is_enabled"]  # the approval buttons
    assert manifest["settings"]["socket_mode_enabled"]
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
