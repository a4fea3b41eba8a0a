"""`EmbeddedKfp`: the KFP API server for one data dir, started on demand and shared by app instances.

Same sharing model as EmbeddedSeaweed (see seaweed.py): one server per data dir (two would both
execute the queue and corrupt the SQLite state), a state file others adopt after a pid + command
line + healthz check, one client file per instance, start/stop under an flock. A server is stopped
only when no client is left AND no run is queued or running AND that has lasted its idle timeout:
by the last client out when the timeout is 0 and nothing is in flight, otherwise by its janitor.
So a run submitted by `swarmops ask` finishes after the command exits.

With the embedded object store the server joins SeaweedFS as a client itself (`seaweed_dir`), so
the store outlives the server and a finishing run can always publish its artifacts.

Layout of data_dir/kfp: kfp.db, runs/, server.log, state.json, clients/, .lock.
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
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from swarmops.privacy import PRIVATE_UMASK, open_private, private_dir
from swarmops.services.childenv import base_env, with_pythonpath
from swarmops.services.jsonfile import read_json, write_private_json
from swarmops.services.kfp_server.janitor import has_work
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
from swarmops.services.ports import LOOPBACK, free_ports
from swarmops.services.seaweed import S3Endpoint

log = logging.getLogger(__name__)
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]
SERVER_MODULE = "swarmops.services.kfp_server"
JANITOR_MODULE = "swarmops.services.kfp_server.janitor"
_PORT_CLASH = ("address already in use", "Errno 98")


def healthy(host: str, timeout: float = 1.0) -> bool:
    """True if a KFP API answers healthz at `host`."""
    try:
        with urllib.request.urlopen(f"{host}/apis/v2beta1/healthz", timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def s3_env(s3: S3Endpoint) -> dict[str, str]:
    """How the server learns where a configured object store is (runs get it from the server)."""
    return {
        "SWARMOPS_S3_ENDPOINT": s3.endpoint,
        "SWARMOPS_S3_ACCESS_KEY": s3.access_key,
        "SWARMOPS_S3_SECRET_KEY": s3.secret_key,
        "SWARMOPS_S3_SECURE": "true" if s3.secure else "false",
    }


class EmbeddedKfp:
    """A KFP API server for `data_dir`; each instance is one client of it (start registers, stop unregisters)."""

    def __init__(
        self,
        data_dir: Path,
        s3: S3Endpoint | None = None,
        *,
        seaweed_dir: Path | None = None,
        idle_timeout: float = 0.0,
        stop_grace: float = 15.0,
    ) -> None:
        """`s3`: a store given by endpoint; `seaweed_dir`: the data dir whose embedded SeaweedFS to join."""
        if (s3 is None) == (seaweed_dir is None):
            raise ValueError("give the object store either as s3= or as seaweed_dir=")
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.root = self.data_dir / "kfp"
        self.s3 = s3
        self.seaweed_dir = Path(seaweed_dir).expanduser().absolute() if seaweed_dir else None
        self.idle_timeout = max(0.0, idle_timeout)
        self.stop_grace = stop_grace
        self.state_path = self.root / "state.json"
        self.clients_path = self.root / "clients"
        self.log_path = self.root / "server.log"
        self._lock_path = self.root / ".lock"
        self._nonce = secrets.token_hex(4)
        self.client_id = f"{os.getpid()}-{self._nonce}"
        self._owner_pid: int | None = None
        self._host: str | None = None

    @property
    def host(self) -> str | None:
        """The server URL while this instance is registered, else None."""
        return self._host

    # -- public API ------------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> str:
        """Join the running server for this dir or start one; returns its URL once healthz answers."""
        if self._host is not None and self._owner_pid == os.getpid():
            state = self.server_state()
            if state and self._is_our_server(state) and healthy(self._host):
                return self._host
        private_dir(self.root)
        with file_lock(self._lock_path, timeout=timeout + self.stop_grace + 15):
            state = self._reusable_server() or self._launch(timeout)
            if state.get("idle_timeout") != self.idle_timeout:  # the newest client's setting wins
                state = {**state, "idle_timeout": self.idle_timeout}
                write_private_json(self.state_path, state)
            self._register()
        self._host = f"http://{LOOPBACK}:{state['port']}"
        atexit.register(self._stop_at_exit)
        return self._host

    def stop(self, wait_for_runs: float = 0.0) -> None:
        """Unregister. Stop the server now only if nobody else uses it, no run is in flight and the
        idle timeout is 0; otherwise its janitor stops it once that holds for the timeout. Safe to call twice.

        `wait_for_runs`: seconds to wait for runs still finishing (a cancelled run goes on publishing
        its artifacts) so the server stops now, for a caller about to delete the data dir.
        """
        if self._owner_pid != os.getpid():
            return
        state = self.server_state()
        deadline = time.monotonic() + wait_for_runs
        while state is not None and time.monotonic() < deadline and has_work(state):
            time.sleep(0.2)
        with file_lock(self._lock_path, timeout=self.stop_grace + 30):
            (self.clients_path / f"{self.client_id}.json").unlink(missing_ok=True)
            self._owner_pid, self._host = None, None
            state = self.server_state()
            if live_client_ids(self.clients_path):
                log.info("KFP server left running for other clients")
            elif state is None or not self._is_our_server(state):
                self.state_path.unlink(missing_ok=True)
            elif self.idle_timeout <= 0 and not has_work(state):
                self._terminate(state)
                self.state_path.unlink(missing_ok=True)
            else:
                log.info("KFP server left running until it is idle (runs in flight or an idle timeout)")
                self._with_janitor(state)
        atexit.unregister(self._stop_at_exit)

    def is_running(self) -> bool:
        """True while the recorded server process is alive (cheap: no request), to notice a dead server."""
        state = self.server_state()
        return state is not None and self._is_our_server(state)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def server_state(self) -> dict[str, Any] | None:
        """The recorded server (it may be dead: check before trusting it)."""
        state = read_json(self.state_path)
        return state if state and isinstance(state.get("pid"), int) and isinstance(state.get("port"), int) else None

    # -- internals -------------------------------------------------------------------------------
    def _stop_at_exit(self) -> None:
        try:
            self.stop()
        except Exception as exc:  # interpreter is exiting: report, don't raise
            log.warning("could not stop the embedded KFP server cleanly: %s", exc)

    def _register(self) -> None:
        self.client_id, self._owner_pid = register_client(self.clients_path, self._nonce)

    def _is_our_server(self, state: dict[str, Any]) -> bool:
        if not pid_alive(state["pid"], state.get("pid_start")):
            return False
        argv = proc_cmdline(state["pid"])
        return argv is None or (SERVER_MODULE in argv and str(self.root) in argv)

    def _terminate(self, state: dict[str, Any]) -> None:
        janitor, janitor_start = state.get("janitor_pid"), state.get("janitor_start")
        if isinstance(janitor, int) and pid_alive(janitor, janitor_start):
            argv = proc_cmdline(janitor)
            if argv is None or JANITOR_MODULE in argv:
                terminate(janitor, grace=1.0)
        log.info("stopping the KFP server pid %d", state["pid"])
        if not terminate(state["pid"], grace=self.stop_grace):
            raise RuntimeError(f"KFP server pid {state['pid']} did not exit after SIGKILL")

    def _reusable_server(self) -> dict[str, Any] | None:
        state = self.server_state()
        if state is None:
            return None
        if self._is_our_server(state):
            host = f"http://{LOOPBACK}:{state['port']}"
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if healthy(host):
                    log.info("reusing the KFP server pid %d on port %d", state["pid"], state["port"])
                    return self._with_janitor(state)
                time.sleep(0.2)
            log.warning("KFP server pid %d does not answer; replacing it", state["pid"])
            self._terminate(state)
        self.state_path.unlink(missing_ok=True)
        return None

    def _env(self) -> dict[str, str]:
        """No secrets of ours: only the store's credentials when it is configured by endpoint."""
        env = with_pythonpath(base_env(), _PACKAGE_ROOT)
        if self.s3 is not None:
            env.update(s3_env(self.s3))
        return env

    def _command(self, port: int) -> list[str]:
        argv = [sys.executable, "-m", SERVER_MODULE, "--data-dir", str(self.root), "--port", str(port)]
        if self.seaweed_dir is not None:
            argv += ["--seaweed-dir", str(self.seaweed_dir), "--idle-timeout", str(self.idle_timeout)]
        return argv

    def _launch(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for attempt in range(3):
            (port,) = free_ports(1)
            if self.log_path.exists() and self.log_path.stat().st_size > 1_000_000:
                os.replace(self.log_path, self.log_path.with_suffix(".log.1"))
            with open_private(self.log_path, "ab") as log_file:
                offset = log_file.tell()
                proc = subprocess.Popen(
                    self._command(port),
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    cwd=self.root,
                    env=self._env(),
                    start_new_session=True,  # Ctrl+C in the app's terminal must not kill runs behind its back
                    umask=PRIVATE_UMASK,
                )
            began = time.monotonic()
            state = {"pid": proc.pid, "pid_start": proc_start_time(proc.pid), "port": port,
                     "started_at": time.time(), "data_dir": str(self.root),
                     "idle_timeout": self.idle_timeout}  # fmt: skip
            write_private_json(self.state_path, state)  # before ready: a later start adopts or replaces it
            host = f"http://{LOOPBACK}:{port}"
            while time.monotonic() < deadline and proc.poll() is None and not healthy(host, timeout=0.5):
                time.sleep(0.1)
            if proc.poll() is None and healthy(host):
                threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()
                log.info("KFP server pid %d ready on port %d in %.1fs", proc.pid, port, time.monotonic() - began)
                return self._with_janitor(state)
            if proc.poll() is None:
                terminate(proc.pid, grace=3.0)
            proc.wait(timeout=10)
            self.state_path.unlink(missing_ok=True)
            tail = log_tail(self.log_path, offset)
            if attempt < 2 and any(marker in tail for marker in _PORT_CLASH) and time.monotonic() < deadline:
                continue
            why = f"exited with code {proc.returncode}" if proc.returncode else f"was not ready within {timeout:.0f}s"
            raise RuntimeError(f"the KFP server failed to start: it {why}. Log {self.log_path}:\n{tail}")
        raise AssertionError("unreachable")

    def _with_janitor(self, state: dict[str, Any]) -> dict[str, Any]:
        janitor = state.get("janitor_pid")
        if isinstance(janitor, int) and pid_alive(janitor, state.get("janitor_start")):
            return state
        with open_private(self.log_path, "ab") as log_file:
            proc = subprocess.Popen(
                [sys.executable, "-m", JANITOR_MODULE, str(self.root), str(state["pid"])],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env=with_pythonpath(base_env(), _PACKAGE_ROOT),
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()
        state = {**state, "janitor_pid": proc.pid, "janitor_start": proc_start_time(proc.pid)}
        write_private_json(self.state_path, state)
        return state
