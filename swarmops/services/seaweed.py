"""Embedded S3 store: a SeaweedFS `weed mini` server shared by every swarmops instance on one data dir.

Why this shape:
- One server per data dir, never two: two servers writing one directory would corrupt it, so start and
  stop run under an flock and the server's pid/ports live in a state file others can adopt.
- Reference counting by client files (one per EmbeddedSeaweed instance, named after its pid), so the
  server outlives whichever app started it; files of dead pids are stale. The embedded KFP API is a
  client too, so the store outlives any run that still has artifacts to publish. With no live
  client left it stops after its idle timeout (at once when that is 0), by the last client out or
  by its janitor.
- The server runs in its own session, so Ctrl+C in a terminal reaches the app (which then stops
  cleanly via atexit) but never kills storage mid-write behind another app's back.
- Every port is chosen by us on 127.0.0.1, so parallel test runs don't collide and nothing listens
  on a public interface.

Layout of data_dir/seaweedfs: data/ (weed -dir), logs/ (weed's own rotated logs), server.log (its
stdout/stderr), run/ (unix sockets), clients/, credentials.json, state.json, ports.json, .lock.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from swarmops.privacy import PRIVATE_UMASK, open_private, private_dir
from swarmops.services.childenv import base_env, with_pythonpath
from swarmops.services.jsonfile import read_json, write_private_json
from swarmops.services.lifecycle import (
    file_lock,
    live_client_ids,
    log_tail,
    pid_alive,
    proc_cmdline,
    proc_start_time,
    register_client,
    terminate,
)
from swarmops.services.ports import LOOPBACK
from swarmops.services.seaweed_cmd import (
    PORT_CLASH_MARKERS,
    choose_ports,
    find_weed,
    remove_stale_sockets,
    serves_dir,
    weed_command,
    weed_env,
    weed_pids_for,
)
from swarmops.services.seaweed_probe import ProbeResult, master_volume_ids, probe_s3, volumes_on_disk

log = logging.getLogger(__name__)
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # so `python -m swarmops...` works uninstalled too

Outcome = Literal["ok", "exited", "auth", "running"]


@dataclass
class S3Endpoint:
    """Where and how to reach the store; exactly what the minio SDK's constructor needs."""

    endpoint: str
    access_key: str
    secret_key: str
    secure: bool = False

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"

    def __repr__(self) -> str:
        return (
            f"S3Endpoint(endpoint={self.endpoint!r}, access_key={self.access_key!r}, "
            f"secret_key='***', secure={self.secure!r})"
        )


@dataclass(frozen=True)
class ServerState:
    """What a later process needs to adopt (or safely discard) a running server."""

    pid: int
    pid_start: int | None
    ports: dict[str, int]
    started_at: float
    data_dir: str
    weed: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: Seconds the server lingers with no client (read by the janitor); the newest client's setting.
    idle_timeout: float = 0.0

    @property
    def s3_port(self) -> int:
        return self.ports["s3.port"]


def _reap_in_background(proc: subprocess.Popen[bytes]) -> None:
    """Reap a detached child whenever it exits, so it never lingers as a zombie of this process."""
    threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()


def _janitor_pid(state: ServerState) -> int | None:
    """The state's janitor if it still runs (verified by start time and command line)."""
    pid, start = state.extra.get("janitor_pid"), state.extra.get("janitor_start")
    if not isinstance(pid, int) or not pid_alive(pid, start if isinstance(start, int) else None):
        return None
    argv = proc_cmdline(pid)
    return pid if argv is None or "swarmops.services.seaweed_janitor" in argv else None


class EmbeddedSeaweed:
    """A SeaweedFS server for `data_dir`, started on demand and shared with other app instances.

    Each instance is one client: `start()` registers it (starting the server only if none is
    running), `stop()` unregisters it and stops the server only when no live client remains.
    """

    def __init__(
        self, data_dir: Path, *, weed: Path | None = None, stop_grace: float = 5.0, idle_timeout: float = 0.0
    ) -> None:
        self.root = Path(data_dir).expanduser().absolute() / "seaweedfs"
        self.data_path = self.root / "data"
        self.log_path = self.root / "server.log"
        self.state_path = self.root / "state.json"
        self.credentials_path = self.root / "credentials.json"
        self.clients_path = self.root / "clients"
        self.stop_grace = stop_grace
        self.idle_timeout = max(0.0, idle_timeout)
        self._nonce = secrets.token_hex(4)  # several instances in one process are separate clients
        self.client_id = f"{os.getpid()}-{self._nonce}"
        self._weed = weed
        self._ports_path = self.root / "ports.json"
        self._lock_path = self.root / ".lock"
        self._owner_pid: int | None = None
        self._endpoint: S3Endpoint | None = None

    @property
    def endpoint(self) -> S3Endpoint | None:
        """The endpoint while this instance is registered, else None."""
        return self._endpoint

    @property
    def _client_file(self) -> Path:
        return self.clients_path / f"{self.client_id}.json"

    # -- public API ------------------------------------------------------------------------------
    def start(self, timeout: float = 20) -> S3Endpoint:
        """Join the running server for this dir or start one; returns once it serves S3 requests."""
        if self._endpoint is not None and self._owner_pid == os.getpid():
            state = self.server_state()
            if (
                state is not None
                and self._is_our_server(state)
                and self._endpoint.endpoint.endswith(f":{state.s3_port}")
            ):
                return self._endpoint
        private_dir(self.root)
        with file_lock(self._lock_path, timeout=timeout + self.stop_grace + 15):
            access_key, secret_key = self._credentials()
            state = self._reusable_server(access_key, secret_key)
            if state is None:
                state = self._launch(access_key, secret_key, timeout)
            if state.idle_timeout != self.idle_timeout:  # the newest client's setting wins
                state = replace(state, idle_timeout=self.idle_timeout)
                write_private_json(self.state_path, asdict(state))
            self._register()
        self._endpoint = S3Endpoint(f"{LOOPBACK}:{state.s3_port}", access_key, secret_key)
        atexit.register(self._stop_at_exit)
        return self._endpoint

    def stop(self) -> None:
        """Unregister. Stop the server now if no other live client uses it and the idle timeout is 0;
        otherwise its janitor stops it once the timeout passes with no client. Safe to call twice."""
        if self._owner_pid != os.getpid():
            return  # never registered here, or we are a forked child: the client belongs to the parent
        with file_lock(self._lock_path, timeout=self.stop_grace + 30):
            self._client_file.unlink(missing_ok=True)
            self._owner_pid = None
            self._endpoint = None
            others = self.live_clients()
            state = self.server_state()
            if others:
                log.info("SeaweedFS left running for %d other client(s)", len(others))
            elif state is None or not self._is_our_server(state):
                self.state_path.unlink(missing_ok=True)
            elif self.idle_timeout <= 0:
                log.info("stopping SeaweedFS pid %d", state.pid)
                self._terminate(state)
                self.state_path.unlink(missing_ok=True)
            else:
                self._with_janitor(state)  # stops it after the idle timeout
        atexit.unregister(self._stop_at_exit)

    def is_running(self) -> bool:
        """True while the recorded server process is alive (cheap: no request), to notice a dead server."""
        state = self.server_state()
        return state is not None and self._is_our_server(state)

    def __enter__(self) -> S3Endpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def server_state(self) -> ServerState | None:
        """The recorded server (it may be dead: check before trusting it)."""
        data = read_json(self.state_path)
        if data is None:
            return None
        try:
            return ServerState(**data)
        except TypeError:
            return None

    def live_clients(self) -> list[str]:
        """Ids of registered clients whose process still runs; files of dead ones are removed."""
        return live_client_ids(self.clients_path)

    # -- clients and state -----------------------------------------------------------------------
    def _stop_at_exit(self) -> None:
        try:
            self.stop()
        except Exception as exc:  # interpreter is exiting: report, don't raise
            log.warning("could not stop embedded SeaweedFS cleanly: %s", exc)

    def _credentials(self) -> tuple[str, str]:
        """Random on first start, then reused: data written under one key must stay readable."""
        data = read_json(self.credentials_path)
        if data and isinstance(data.get("access_key"), str) and isinstance(data.get("secret_key"), str):
            os.chmod(self.credentials_path, 0o600)
            return data["access_key"], data["secret_key"]
        if self.credentials_path.exists():
            raise RuntimeError(f"{self.credentials_path} is unreadable; fix or delete it (and the data)")
        access_key, secret_key = secrets.token_urlsafe(15), secrets.token_urlsafe(30)
        write_private_json(self.credentials_path, {"access_key": access_key, "secret_key": secret_key})
        return access_key, secret_key

    def _register(self) -> None:
        self.client_id, self._owner_pid = register_client(self.clients_path, self._nonce)

    def _is_our_server(self, state: ServerState) -> bool:
        """Alive, same process as recorded, and (where /proc tells us) a weed serving this dir."""
        if not pid_alive(state.pid, state.pid_start):
            return False
        argv = proc_cmdline(state.pid)
        return argv is None or serves_dir(argv, self.data_path)

    def _terminate(self, state: ServerState) -> None:
        janitor = _janitor_pid(state)
        if janitor is not None:
            terminate(janitor, grace=1.0)
        if not terminate(state.pid, grace=self.stop_grace):
            raise RuntimeError(f"SeaweedFS pid {state.pid} did not exit after SIGKILL")
        remove_stale_sockets(state.ports.values())

    def _with_janitor(self, state: ServerState) -> ServerState:
        """Make sure a janitor watches `state`'s server (see seaweed_janitor); returns the state recorded."""
        if _janitor_pid(state) is not None:
            return state
        with open_private(self.log_path, "ab") as log_file:
            janitor = subprocess.Popen(
                [sys.executable, "-m", "swarmops.services.seaweed_janitor", str(self.root), str(state.pid)],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env=with_pythonpath(base_env(), _PACKAGE_ROOT),
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        _reap_in_background(janitor)
        extra = {**state.extra, "janitor_pid": janitor.pid, "janitor_start": proc_start_time(janitor.pid)}
        state = replace(state, extra=extra)
        write_private_json(self.state_path, asdict(state))
        return state

    def _reusable_server(self, access_key: str, secret_key: str) -> ServerState | None:
        state = self.server_state()
        if state is None:
            return None
        if self._is_our_server(state):
            result: ProbeResult = "down"
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                result = probe_s3(state.s3_port, access_key, secret_key)
                if result == "ok":
                    log.info("reusing SeaweedFS pid %d on port %d", state.pid, state.s3_port)
                    return self._with_janitor(state)
                time.sleep(0.2)
            if result == "auth":
                raise RuntimeError(
                    f"SeaweedFS pid {state.pid} for {self.root} rejects the stored credentials; "
                    "stop it (or kill it and remove state.json) and try again"
                )
            log.warning("SeaweedFS pid %d does not answer S3; replacing it", state.pid)
            self._terminate(state)
        else:
            log.info("discarding stale SeaweedFS state (pid %d is gone)", state.pid)
        self.state_path.unlink(missing_ok=True)
        return None

    # -- launching -------------------------------------------------------------------------------
    def _launch(self, access_key: str, secret_key: str, timeout: float) -> ServerState:
        weed = self._weed or find_weed()
        for pid in weed_pids_for(self.data_path):  # started by a process that died before recording it
            log.warning("terminating orphaned SeaweedFS pid %d on %s", pid, self.data_path)
            terminate(pid, grace=self.stop_grace)
        deadline = time.monotonic() + timeout
        for attempt in range(3):
            ports = choose_ports(read_json(self._ports_path) if attempt == 0 else None)
            proc, offset = self._spawn(weed, ports, access_key, secret_key)
            began = time.monotonic()
            state = ServerState(proc.pid, proc_start_time(proc.pid), ports, time.time(), str(self.data_path), str(weed))
            # Recorded before it is ready: if we die while waiting, the next start adopts or kills it.
            write_private_json(self.state_path, asdict(state))
            outcome, detail = self._wait_ready(proc, ports, access_key, secret_key, deadline)
            if outcome == "ok":
                write_private_json(self._ports_path, ports)
                _reap_in_background(proc)
                state = self._with_janitor(state)
                log.info(
                    "SeaweedFS pid %d ready on port %d in %.1fs", proc.pid, state.s3_port, time.monotonic() - began
                )
                return state
            if outcome != "exited":
                terminate(proc.pid, grace=self.stop_grace)
            proc.wait(timeout=10)
            self.state_path.unlink(missing_ok=True)
            tail = log_tail(self.log_path, offset)
            if outcome == "exited" and attempt < 2 and any(m in tail for m in PORT_CLASH_MARKERS):
                log.info("SeaweedFS port clash, retrying with fresh ports")
                continue
            reason = {
                "exited": f"exited with code {proc.returncode}",
                "auth": "kept rejecting the generated credentials",
                "running": f"was not ready within {timeout:.0f}s ({detail})",
            }[outcome]
            raise RuntimeError(f"SeaweedFS failed to start: it {reason}. Log {self.log_path}:\n{tail}")
        raise AssertionError("unreachable")

    def _spawn(
        self, weed: Path, ports: dict[str, int], access_key: str, secret_key: str
    ) -> tuple[subprocess.Popen[bytes], int]:
        """Start weed detached (own session), output appended to server.log; returns the log offset."""
        if self.log_path.exists() and self.log_path.stat().st_size > 1_000_000:
            os.replace(self.log_path, self.log_path.with_suffix(".log.1"))
        with open_private(self.log_path, "ab") as log_file:
            offset = log_file.tell()  # before the child shares (and moves) this file offset
            proc = subprocess.Popen(
                weed_command(weed, self.root, self.data_path, ports),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env=weed_env(access_key, secret_key),
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        return proc, offset

    def _wait_ready(
        self,
        proc: subprocess.Popen[bytes],
        ports: dict[str, int],
        access_key: str,
        secret_key: str,
        deadline: float,
    ) -> tuple[Outcome, str]:
        """Wait for S3 plus every on-disk volume registered with the master (see seaweed_probe)."""
        on_disk = volumes_on_disk(self.data_path)
        s3: ProbeResult = "down"
        known: set[int] | None = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return "exited", ""
            s3 = probe_s3(ports["s3.port"], access_key, secret_key, timeout=1.0)
            if s3 == "ok":
                known = master_volume_ids(ports["master.port"])
                if known is not None and on_disk <= known:
                    return "ok", ""
            time.sleep(0.1)
        if s3 == "auth":
            return "auth", ""
        if s3 == "ok" and known is not None:
            # Serving, but some volume never came back (damaged file?): usable, so don't fail the app.
            log.warning(
                "SeaweedFS volumes %s on disk were not loaded; objects in them are unreadable", sorted(on_disk - known)
            )
            return "ok", ""
        return "running", "S3 not answering" if s3 != "ok" else "no volume server registered"
