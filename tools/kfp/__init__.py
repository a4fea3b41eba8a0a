"""Kubeflow Pipelines tools for the swarmops agents.

Usage: build a `KfpContext(client_factory=lambda: make_kfp_client(host), host=host, storage=...)`
and run any spec in `KFP_TOOLS` through `tools.base.run_tool`. Every `pipeline`/`run`/`experiment`
argument accepts a name as well as an id; `storage` (the object store the server publishes
artifacts and task logs to) enables logs, artifacts, metrics and plots.
"""

from __future__ import annotations

from tools.base import ToolSpec
from tools.kfp.client import make_kfp_client
from tools.kfp.compare import COMPARE_RUNS
from tools.kfp.context import KfpContext
from tools.kfp.errors import map_kfp_error
from tools.kfp.experiments import CREATE_EXPERIMENT, LIST_EXPERIMENTS
from tools.kfp.history import PLOT_METRIC_HISTORY
from tools.kfp.logs import GET_TASK_LOGS
from tools.kfp.pipelines import GET_PIPELINE, LIST_PIPELINES
from tools.kfp.plots import GET_RUN_PLOTS
from tools.kfp.runs import GET_RUN, LIST_RUNS, TERMINATE_RUN
from tools.kfp.submit import SUBMIT_RUN
from tools.kfp.upload import UPLOAD_PIPELINE, UPLOAD_PIPELINE_VERSION
from tools.kfp.wait import WAIT_FOR_RUN

KFP_TOOLS: list[ToolSpec] = [
    LIST_PIPELINES,
    GET_PIPELINE,
    UPLOAD_PIPELINE,
    UPLOAD_PIPELINE_VERSION,
    LIST_EXPERIMENTS,
    CREATE_EXPERIMENT,
    SUBMIT_RUN,
    LIST_RUNS,
    GET_RUN,
    WAIT_FOR_RUN,
    TERMINATE_RUN,
    GET_TASK_LOGS,
    COMPARE_RUNS,
    GET_RUN_PLOTS,
    PLOT_METRIC_HISTORY,
]

__all__ = ["KFP_TOOLS", "KfpContext", "make_kfp_client", "map_kfp_error"]
