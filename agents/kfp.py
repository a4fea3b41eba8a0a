"""The Kubeflow Pipelines specialist: discover, submit, monitor and compare pipeline runs."""

from __future__ import annotations

from agents.registry import Specialist
from tools.kfp import KFP_TOOLS, KfpContext

DESCRIPTION = (
    "Kubeflow Pipelines: list and inspect pipelines (inputs, versions), upload pipelines and versions, "
    "experiments, submit runs with validated parameters, list/inspect/wait for/terminate runs, task logs, "
    "and compare runs' parameters and metrics."
)

PROMPT = (
    "Refer to pipelines and runs by name; the tools resolve names to ids. Before submitting, make sure "
    "the parameters match the pipeline's inputs (get_pipeline shows them). When the user wants a result "
    "of a run (accuracy, metrics, whether it worked), wait for it with wait_for_run. Run artifacts live in "
    "the object store under s3://mlpipeline/v2/artifacts/<pipeline>/<run-id>/<task>/<artifact>: the "
    "storage specialist can read them."
)


def kfp_specialist(ctx: KfpContext) -> Specialist:
    return Specialist(
        name="pipelines",
        description=DESCRIPTION,
        prompt=PROMPT,
        tools=list(KFP_TOOLS),
        context=ctx,
        examples=["run the iris pipeline with 50 trees", "compare my last two iris runs", "why did my last run fail?"],
    )
