"""Which tools an MCP server lists: read-only unless told otherwise, narrowed by a policy file.

Levels come from hints.py: read tools always, write tools with --allow-write, delete tools with
--allow-delete. A policy file (TOML: `allow = ["list_*", ...]`, `deny = ["delete_*", ...]`, shell
patterns on tool names) narrows that further; deny wins. A tool that is not listed cannot be
called either.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path

from swarmops.mcpserver.hints import HINTS
from swarmops.settings import ConfigError


@dataclass(frozen=True)
class Policy:
    allow_write: bool = False
    allow_delete: bool = False
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None, *, allow_write: bool = False, allow_delete: bool = False) -> Policy:
        if path is None:
            return cls(allow_write, allow_delete)
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"the MCP policy file {path} cannot be read: {exc}") from None
        unknown = set(data) - {"allow", "deny"}
        if unknown:
            raise ConfigError(f"the MCP policy file {path} has unknown keys {sorted(unknown)}: use allow and deny")
        patterns = {}
        for key in ("allow", "deny"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
                raise ConfigError(f"{key} in the MCP policy file {path} must be a list of tool name patterns")
            patterns[key] = tuple(value)
        return cls(allow_write, allow_delete, patterns["allow"], patterns["deny"])

    def listed(self, tool: str) -> bool:
        return self.why_hidden(tool) is None

    def why_hidden(self, tool: str) -> str | None:
        """Why `tool` is not offered (to say so when it is called anyway); None when it is."""
        hints = HINTS.get(tool)
        if hints is None:
            return f"{tool} has no MCP description yet, so it is not offered"
        if hints.level == "write" and not self.allow_write:
            return f"{tool} changes state; this server was started without --allow-write"
        if hints.level == "delete" and not self.allow_delete:
            return f"{tool} deletes or stops things; this server was started without --allow-delete"
        if any(fnmatch.fnmatchcase(tool, p) for p in self.deny):
            return f"{tool} is denied by this server's policy file"
        if self.allow and not any(fnmatch.fnmatchcase(tool, p) for p in self.allow):
            return f"{tool} is not in this server's policy file's allow list"
        return None

    @property
    def overwrites_allowed(self) -> bool:
        return self.allow_delete
