"""The offline pipelines specialist: the shared planning loop over the Kubeflow Pipelines tools."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage, BaseMessage

from agents.planner import specialist


def reply(messages: list[BaseMessage], new_id: Callable[[], str]) -> AIMessage:
    return specialist.reply("pipelines", messages, new_id)
