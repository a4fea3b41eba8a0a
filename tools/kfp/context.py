"""What the Kubeflow Pipelines tools receive besides their arguments."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import kfp

from tools.storage.context import StorageContext


@dataclass
class KfpContext:
    """Backend handles for the KFP tools.

    The client is built on first use because building it contacts the server (and, for the
    embedded server, may start it): a session that never touches pipelines never pays for that.
    `host` is a label for messages only, never parsed. `storage` reaches the object store the
    server publishes run artifacts and task logs to; without it, get_run/compare_runs still
    work but report no artifacts, logs or metrics.
    """

    client_factory: Callable[[], kfp.Client]
    host: str
    storage: StorageContext | None = None
    artifact_bucket: str = "mlpipeline"
    #: Base for relative paths given to upload_pipeline(_version); the user's cwd by default.
    workdir: Path = field(default_factory=Path.cwd)
    _client: kfp.Client | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).expanduser()

    @property
    def client(self) -> kfp.Client:
        """The cached client; the lock keeps parallel tool calls from building (and probing) twice.

        A failed build is not cached, so the next call retries once the server is up.
        """
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self.client_factory()
        return self._client
