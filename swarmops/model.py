"""Which chat model drives the graph: an OpenAI-compatible endpoint, or the offline planner."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel


def make_chat_model(settings: Any) -> BaseChatModel:
    if settings.uses_endpoint:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.model,
            api_key=settings.openai_api_key or "not-needed",  # local servers often ignore the key
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            temperature=settings.temperature,
            stream_usage=True,
        )
    from agents.planner.model import OfflinePlanner

    return OfflinePlanner()
