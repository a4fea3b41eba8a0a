"""Skip a component's `pip install` preamble when everything it installs is already installed here.

A component with `packages_to_install` compiles to a command that runs `pip install` before the
component's code, which a cluster needs (a fresh container per task). Runs here execute in
swarmops's own environment, where pip only confirms what is installed: about a second per task,
a third of an iris run. The preamble is dropped only when every requirement is satisfied by an
installed distribution; otherwise it stays exactly as compiled, so nothing a run relies on changes.
"""

from __future__ import annotations

import re
import shlex
from importlib import metadata
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

#: pip options in the preamble that do not change what gets installed.
_HARMLESS = frozenset({"--quiet", "-q", "--no-warn-script-location", "--no-deps", "--upgrade", "-U"})
_PIP = ("python3", "-m", "pip", "install")
#: The rest of the compiled preamble: get pip if missing, then run the component ("$0" "$@").
_ENSUREPIP = re.compile(r'if ! \[ -x "\$\(command -v pip\)" \]; then\n.*?\nfi\n', re.DOTALL)
_GLUE = frozenset({"PIP_DISABLE_PIP_VERSION_CHECK=1", "&&", "$0", "$@"})


def _requirements(script: str) -> list[str] | None:
    """What the kfp compiler's preamble installs; None if the script is anything else."""
    try:
        words = shlex.split(_ENSUREPIP.sub(" ", script, count=1))
    except ValueError:
        return None
    found: list[str] = []
    i = 0
    while i < len(words):
        if tuple(words[i : i + 4]) == _PIP:
            i += 4
            while i < len(words) and words[i] != "&&":
                if words[i].startswith("-") and words[i] not in _HARMLESS:
                    return None  # an index URL, a requirements file...: leave it to pip
                if not words[i].startswith("-"):
                    found.append(words[i])
                i += 1
        elif words[i] in _GLUE:
            i += 1
        else:
            return None  # a command of someone else's: keep the script as it is
    return found


def _satisfied(requirement: str) -> bool:
    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return False  # a URL or a path: only pip knows
    if req.marker is not None and not req.marker.evaluate():
        return True  # not meant for this Python
    if req.url:
        return False
    try:
        installed = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return False
    return req.specifier.contains(installed, prereleases=True)


def _without_preamble(command: list[str]) -> list[str]:
    """`sh -c <pip preamble ending in "$0" "$@"> rest...` -> `rest...` when the preamble has nothing to do."""
    if len(command) < 4 or command[:2] != ["sh", "-c"] or '"$0" "$@"' not in command[2]:
        return command
    requirements = _requirements(command[2])
    if not requirements or not all(_satisfied(r) for r in requirements):
        return command
    return command[3:]


def skip_satisfied_installs(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with each executor's pip preamble removed where it would install nothing (in place)."""
    executors = spec.get("deploymentSpec", {}).get("executors", {})
    for executor in executors.values():
        container = executor.get("container") if isinstance(executor, dict) else None
        if isinstance(container, dict) and isinstance(container.get("command"), list):
            container["command"] = _without_preamble(container["command"])
    return spec
