"""The offline documentation specialist: anything handed to it is a question for the docs.

With no language model the best honest answer is the most relevant passages themselves, trimmed
and cited (search_docs' summary, tools/docs/summaries.py); nothing in them becomes a tool call.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner import specialist
from agents.planner.answers import describe
from agents.planner.plan import Plan, Step
from agents.planner.steps import advance, with_question


def reply(messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    task, plan, done = specialist.plan_visit("docs", messages)
    if not plan.steps and not plan.question:  # anything handed to the docs is a question for them
        plan = Plan([Step("search_docs", {"query": task})])
    if (step := advance(plan, done, new_id)) is not None:
        return step
    text = "\n".join(describe(e) for e in done)
    return AIMessage(content=with_question(text, plan) or "What should I look up?")
