"""An embedded, single-user Kubeflow Pipelines API server (REST v2beta1) backed by SQLite and kfp.local.

It exists so swarmops works offline and without a cluster: an unmodified `kfp.Client` talks to it like
to a real KFP, while runs execute with kfp.local's SubprocessRunner in child processes on this machine.
`EmbeddedKfp` (embedded.py) starts one server per data dir and shares it between app instances.
Imports are lazy so the run child (runner.py) starts without loading the server's dependencies.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EmbeddedKfp"]


def __getattr__(name: str) -> Any:
    if name == "EmbeddedKfp":
        from swarmops.services.kfp_server.embedded import EmbeddedKfp

        return EmbeddedKfp
    raise AttributeError(name)
