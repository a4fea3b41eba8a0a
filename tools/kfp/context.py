"""What the Kubeflow Pipelines tools receive besides their arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import kfp

from tools.clientcache import ClientCache
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
    #: False once the server the cached client talks to has died (an embedded one, started again by the
    #: factory); None for servers we do not run, whose outages are reported as errors instead.
    alive: Callable[[], bool] | None = field(default=None, repr=False, compare=False)
    _cache: ClientCache[kfp.Client] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir).expanduser()
        self._cache = ClientCache(self.client_factory, self.alive)

    @property
    def client(self) -> kfp.Client:
        """The cached client; the lock keeps parallel tool calls from building (and probing) twice.

        A failed build is not cached, so the next call retries once the server is up.
        """
        return self._cache.get()
