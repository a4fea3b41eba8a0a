"""Upload the bundled example pipelines once, on the first start of an empty store.

Recorded in the store's meta table rather than re-checked by name, so a user who deletes an example
doesn't see it come back on the next start.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from swarmops.services.kfp_server.routes_pipelines import create_pipeline
from swarmops.services.kfp_server.spec import parse_package
from swarmops.services.kfp_server.store import Store

log = logging.getLogger(__name__)
_MARKER = "examples_uploaded"


def seed_examples(store: Store) -> list[str]:
    """Names of the examples uploaded now (empty if this store was seeded before or already has pipelines)."""
    if store.meta(_MARKER) or store.all("pipelines"):
        store.set_meta(_MARKER, "1")
        return []
    from swarmops.pipelines import EXAMPLES, compile_example

    uploaded = []
    with tempfile.TemporaryDirectory(prefix="swarmops-examples-") as tmp:
        for name, (_, description) in EXAMPLES.items():
            try:
                spec = parse_package(compile_example(name, Path(tmp)).read_bytes())
                create_pipeline(store, name, description, spec)
                uploaded.append(name)
            except Exception:  # an example that doesn't compile must not keep the server from starting
                log.exception("could not upload the example pipeline %r", name)
    store.set_meta(_MARKER, "1")
    return uploaded
