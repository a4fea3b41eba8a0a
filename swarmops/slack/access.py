"""Who may talk to the bot: allowlists of workspaces, channels and users, checked before anything runs."""

from __future__ import annotations

from dataclasses import dataclass

from swarmops.settings import ConfigError, Settings


@dataclass(frozen=True)
class Access:
    channels: frozenset[str]
    users: frozenset[str]
    teams: frozenset[str]
    approvers: frozenset[str]
    everyone: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Access:
        """The allowlists; a bot open to everyone must say so, or it would answer any workspace member."""
        access = cls(
            channels=frozenset(settings.slack_allowed_channels),
            users=frozenset(settings.slack_allowed_users),
            teams=frozenset(settings.slack_allowed_teams),
            approvers=frozenset(settings.slack_approvers),
            everyone=settings.slack_allow_everyone,
        )
        if not (access.channels or access.users or access.everyone):
            raise ConfigError(
                "the Slack bot has no allowlist: set SWARMOPS_SLACK_ALLOWED_USERS and/or "
                "SWARMOPS_SLACK_ALLOWED_CHANNELS (comma-separated ids), or SWARMOPS_SLACK_ALLOW_EVERYONE=true"
            )
        return access

    def refusal(self, *, team: str | None, channel: str, user: str, direct: bool) -> str | None:
        """Why this person may not use the bot here, in words for them; None when they may."""
        if self.teams and team not in self.teams:
            return "I'm not set up to work in this workspace."
        if self.everyone:
            return None
        if self.users and user not in self.users:
            return "Sorry, I'm only set up to help a list of people, and you're not on it (yet). Ask whoever runs me."
        if self.channels and not direct and channel not in self.channels:
            return "Sorry, I'm not set up to work in this channel. Ask whoever runs me to add it."
        if self.channels and not self.users and direct:
            return "Sorry, I only work in the channels I'm set up for; ask me there."
        return None

    def may_decide(self, user: str, asked_by: str | None) -> bool:
        """Only whoever asked for a change, or a configured approver, may approve or reject it."""
        return user == asked_by or user in self.approvers
