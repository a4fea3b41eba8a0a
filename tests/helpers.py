"""Building blocks shared by the session and graph tests."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from minio import Minio

from agents.registry import Specialist
from agents.storage import storage_specialist
from swarmops.checkpoints import open_checkpointer
from swarmops.events import ApprovalRequest, Event
from swarmops.session import Assistant
from swarmops.threads import ThreadStore
from tools.audit import AuditLog
from tools.masking import Masker
from tools.storage import StorageContext, make_minio_client


def storage_ctx(endpoint: str, workdir: Path) -> StorageContext:
    return StorageContext(
        client_factory=lambda: make_minio_client(endpoint, "testing", "testing"), endpoint=endpoint, workdir=workdir
    )


def raw_client(endpoint: str) -> Minio:
    return Minio(endpoint, access_key="testing", secret_key="testing", secure=False)


@contextlib.asynccontextmanager
async def assistant_for(
    tmp_path: Path,
    model: BaseChatModel,
    specialists: list[Specialist] | None = None,
    *,
    endpoint: str | None = None,
    secrets: list[str] | None = None,
    **kwargs: Any,
) -> AsyncIterator[Assistant]:
    if specialists is None:
        assert endpoint is not None
        specialists = [storage_specialist(storage_ctx(endpoint, tmp_path))]
    masker = Masker(secrets or [])
    # Scripted models script the router's handoffs themselves: routing by examples (which would skip
    # the router) is opted into by the tests about it.
    kwargs.setdefault("fast_routing", False)
    async with open_checkpointer(tmp_path / "state.sqlite") as saver:
        threads = ThreadStore(tmp_path / "state.sqlite")
        try:
            yield Assistant(
                model=model,
                specialists=specialists,
                checkpointer=saver,
                threads=threads,
                audit=AuditLog(tmp_path / "audit.jsonl", masker),
                masker=masker,
                **kwargs,
            )
        finally:
            threads.close()


async def run_turn(
    assistant: Assistant, thread: str, text: str, decide: Callable[[ApprovalRequest], bool] | None = None
) -> list[Event]:
    """Run a turn to its end; approvals are answered by `decide` (left pending when None)."""
    events: list[Event] = []
    async for event in assistant.astream(thread, text):
        if isinstance(event, ApprovalRequest) and decide is not None:
            event.approve() if decide(event) else event.reject()
        events.append(event)
    return events


def of_type(events: list[Event], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


def seaweed_kfp_specialists(kfp_host: str, seaweed_endpoint: Any, workdir: Path) -> list[Specialist]:
    """Storage on SeaweedFS and pipelines on the embedded KFP API (which publishes its artifacts there)."""
    from agents.kfp import kfp_specialist
    from tools.kfp import KfpContext, make_kfp_client

    ep = seaweed_endpoint
    storage = StorageContext(
        client_factory=lambda: make_minio_client(ep.endpoint, ep.access_key, ep.secret_key),
        endpoint=ep.endpoint,
        workdir=workdir,
    )
    kfp = KfpContext(client_factory=lambda: make_kfp_client(kfp_host), host=kfp_host, storage=storage)
    return [storage_specialist(storage), kfp_specialist(kfp)]


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    """(status, body) of a GET, error statuses included; a refused connection raises URLError."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def until_ready(url: str, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until `url` answers 200, failing at once with its stderr if `proc` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "exited"
        try:
            if http_get(url)[0] == 200:
                return
        except urllib.error.URLError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered 200")
