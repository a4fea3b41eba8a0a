"""Watchdog that stops a shared embedded server once nobody needs it.

"Nobody needs it" means: no live client process, no work in flight (a pipeline run queued or
running), and both true for the server's idle timeout. Clients only unregister when they leave
(stop() or atexit) and never stop a server that still has work; an app killed by SIGKILL, or by
SIGHUP when its terminal closes, runs no Python cleanup at all. Either way this process is what
eventually stops the server, so a run submitted by `swarmops ask` finishes after the command exits
and no server (SeaweedFS ~160 MB; the KFP API) outlives its usefulness by more than the timeout.

Runs detached next to the server, uses only the stdlib and our small helpers, and exits as soon as
the server is gone. Each service has a thin entry module (its name identifies the process) that
calls `run` with its own grace period and its own idea of "busy".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swarmops.services.jsonfile import read_json
from swarmops.services.lifecycle import file_lock, live_client_ids, pid_alive, proc_cmdline, terminate

AfterStop = Callable[[dict[str, Any]], None]
#: True while the server has work in flight (runs queued or running); asked only when no client is left.
Busy = Callable[[dict[str, Any]], bool]


def idle_timeout_of(state: dict[str, Any]) -> float:
    """The idle timeout recorded in a state file (0: stop as soon as nothing needs the server)."""
    value = state.get("idle_timeout", 0)
    return float(value) if isinstance(value, int | float) and value > 0 else 0.0


@dataclass
class Watch:
    """One janitor's view of one server: when it was last needed."""

    root: Path
    server_pid: int
    grace: float = 5.0
    busy: Busy | None = None
    after_stop: AfterStop | None = None
    last_needed: float = field(default_factory=time.monotonic)

    def sweep(self) -> bool:
        """One check; True once there is nothing left to watch (server gone, replaced, or just stopped)."""
        state = read_json(self.root / "state.json")
        if state is None and not (self.root / "state.json").exists():
            return self._orphaned()
        if state is None or state.get("pid") != self.server_pid:
            return True
        if not pid_alive(self.server_pid, state.get("pid_start")):
            return True
        try:
            with file_lock(self.root / ".lock", timeout=1):
                return self._sweep_locked()
        except TimeoutError:
            return False  # a client is starting or stopping; look again next round

    def _orphaned(self) -> bool:
        """The state file is gone (the data dir was deleted under a running server): nobody can ever
        adopt or stop this server again, so stop it now rather than leave it running forever."""
        argv = proc_cmdline(self.server_pid) or []
        if pid_alive(self.server_pid) and any(str(self.root) in part for part in argv):
            terminate(self.server_pid, grace=self.grace)
        return True

    def _sweep_locked(self) -> bool:
        state = read_json(self.root / "state.json")
        if state is None or state.get("pid") != self.server_pid:
            return True
        if live_client_ids(self.root / "clients") or (self.busy is not None and self.busy(state)):
            self.last_needed = time.monotonic()
            return False
        if time.monotonic() - self.last_needed < idle_timeout_of(state):
            return False
        terminate(self.server_pid, grace=self.grace)
        if self.after_stop is not None:
            self.after_stop(state)
        (self.root / "state.json").unlink(missing_ok=True)
        return True


def run(argv: list[str], *, grace: float, after_stop: AfterStop | None = None, busy: Busy | None = None) -> int:
    """argv: ROOT SERVER_PID [INTERVAL_SECONDS]."""
    root, server_pid = Path(argv[0]), int(argv[1])
    interval = float(argv[2]) if len(argv) > 2 else 1.0
    watch = Watch(root, server_pid, grace, busy=busy, after_stop=after_stop)
    while True:
        time.sleep(interval)
        if watch.sweep():
            return 0
