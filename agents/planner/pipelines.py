"""The offline pipelines specialist: plan KFP tool calls step by step from the task and results."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner.answers import describe
from agents.planner.conversation import current_visit, executed_between, executed_since
from agents.planner.kfp_intents import Done, KfpMemory, plan_kfp
from agents.planner.memory import remember
from agents.planner.steps import advance, with_question


def reply(messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    task, start = current_visit(messages)
    m = remember(executed_between(messages, 0, start))
    memory = KfpMemory(
        pipeline=m.pipeline, run=m.run, runs=list(m.runs), experiment=m.experiment, bucket=m.bucket, key=m.key
    )
    done = executed_since(messages, start)
    plan = plan_kfp(task, memory, [Done(e.tool, e.args, e.ok, e.data) for e in done])
    if (step := advance(plan, done, new_id)) is not None:
        return step
    # Intermediate look-ups (e.g. get_pipeline before a submit) are not worth repeating to the user.
    shown = [e for e in done if not (e.tool == "get_pipeline" and any(d.tool == "submit_run" for d in done))]
    shown = [e for e in shown if not (e.tool == "submit_run" and any(d.tool == "wait_for_run" for d in done))]
    return AIMessage(
        content=with_question("\n".join(describe(e) for e in shown), plan)
        or "I couldn't work out which pipelines action you want. Try e.g. "
        '"list my pipelines", "run the iris pipeline with 50 trees" or "show my last run".'
    )
