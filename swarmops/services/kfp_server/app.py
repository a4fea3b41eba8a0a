"""FastAPI application: the KFP v2beta1 REST surface kfp.Client uses, over a data dir.

Data dir layout: kfp.db (SQLite), runs/<run-id>/ (spec.json, params.json, run.json, logs/<task>.log,
runner.log, root/ = kfp pipeline_root). Startup fails stale runs first, then seeds the examples, so the
server never reports a run as RUNNING that nobody executes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from swarmops.services.kfp_server import routes_experiments, routes_pipelines, routes_runs
from swarmops.services.kfp_server.context import Context
from swarmops.services.kfp_server.errors import INTERNAL, INVALID_ARGUMENT, ApiError
from swarmops.services.kfp_server.examples import seed_examples
from swarmops.services.kfp_server.executor import Executor
from swarmops.services.kfp_server.janitor import ACTIVITY_PATH
from swarmops.services.kfp_server.objectstore import ObjectStoreLink
from swarmops.services.kfp_server.store import Store

log = logging.getLogger(__name__)


def create_app(
    data_dir: Path, *, max_parallel: int = 2, examples: bool = True, objects: ObjectStoreLink | None = None
) -> FastAPI:
    """An app serving `data_dir`; state is opened in the lifespan so importing/constructing is cheap.

    `objects` is where artifacts go (default: the store named by SWARMOPS_S3_* in the environment).
    """
    data_dir = Path(data_dir).absolute()
    objects = objects or ObjectStoreLink()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        (data_dir / "runs").mkdir(parents=True, exist_ok=True)
        store = Store(data_dir / "kfp.db")
        executor = Executor(store, data_dir / "runs", max_parallel=max_parallel, objects=objects)
        executor.recover()
        store.default_experiment()
        if examples:
            uploaded = seed_examples(store)
            if uploaded:
                log.info("uploaded example pipelines: %s", ", ".join(uploaded))
        app.state.ctx = Context(data_dir, store, executor)
        executor.schedule()
        try:
            yield
        finally:
            executor.shutdown()
            store.close()
            objects.close()  # after the runs: a run finishing during shutdown still publishes

    app = FastAPI(title="swarmops embedded KFP API", lifespan=lifespan)
    for module in (routes_pipelines, routes_experiments, routes_runs):
        app.include_router(module.router)

    @app.get("/apis/v2beta1/healthz")
    def healthz() -> dict[str, Any]:
        from importlib.metadata import version

        # Real KFP reports its release as tag_name; ours says what it is and which kfp runs the tasks.
        return {
            "multi_user": False,
            "pipeline_store": "database",
            "tag_name": f"swarmops-embedded (kfp {version('kfp')}, kfp.local runner)",
            "commit_sha": "",
        }

    @app.get(ACTIVITY_PATH)
    def activity(request: Request) -> dict[str, int]:
        """Not part of KFP: runs in flight, so the janitor never stops the server under a run."""
        return request.app.state.ctx.executor.activity()

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), exc.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(ApiError(400, INVALID_ARGUMENT, f"invalid request: {exc.errors()}").body(), 400)

    @app.exception_handler(json.JSONDecodeError)
    async def bad_json(_: Request, exc: json.JSONDecodeError) -> JSONResponse:
        return JSONResponse(ApiError(400, INVALID_ARGUMENT, f"invalid request: {exc}").body(), 400)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error")
        return JSONResponse(ApiError(500, INTERNAL, f"internal error: {type(exc).__name__}: {exc}").body(), 500)

    return app
