"""A chat model that replays a script: for tests and benchmarks, never for backends.

Each script entry is either an AIMessage to return or a callable that receives the messages the
model was shown and returns one, so a test can both drive the graph and check what each agent
saw (its system prompt, the tool results). It records every call for later assertions.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

Reply = AIMessage | Callable[[list[BaseMessage]], AIMessage]
_ids = itertools.count()


def call(tool_name: str, /, **args: Any) -> AIMessage:
    """Shorthand for a reply that makes one tool call."""
    return AIMessage(content="", tool_calls=[{"name": tool_name, "args": args, "id": f"call_{next(_ids)}"}])


def say(text: str) -> AIMessage:
    return AIMessage(content=text)


class ScriptedChatModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: list[Any] = Field(default_factory=list)
    #: When set, the script repeats forever (benchmarks); otherwise running out is an error.
    cycle: bool = False
    #: Shared by bound copies so a test sees every call made through any agent.
    calls: list[dict[str, Any]] = Field(default_factory=list)
    cursor: list[int] = Field(default_factory=lambda: [0])
    bound_tools: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:  # type: ignore[override]
        names = tuple(t["function"]["name"] if isinstance(t, dict) else getattr(t, "name", str(t)) for t in tools)
        return self.model_copy(update={"bound_tools": names})

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        i = self.cursor[0]
        if i >= len(self.script):
            if not self.cycle or not self.script:
                raise RuntimeError(f"scripted model ran out of replies after {i} calls")
            i %= len(self.script)
        self.cursor[0] += 1
        entry = self.script[i]
        reply = entry(messages) if callable(entry) else entry
        self.calls.append({"tools": self.bound_tools, "messages": list(messages), "reply": reply})
        out = reply.model_copy()
        out.tool_calls = [{**c, "id": f"{c['id']}_{self.cursor[0]}"} for c in reply.tool_calls]
        out.usage_metadata = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
        return out

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop)
