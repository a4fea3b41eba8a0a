"""The offline planner as a real langchain chat model, so the same graph runs with or without
an LLM endpoint.

It supports `bind_tools`; the tools it is bound to tell it which role it plays (handoff tools:
the router; a specialist's tools: that specialist; tools of several specialists and no handoff:
the flat agent, see agents/planner/flat.py; none: summarise). Replies are computed
deterministically from the thread, streamed word by word like a real model, and carry an
estimate of token usage (characters / 4) so usage reporting works the same in both modes.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from agents.messages import text_of
from agents.planner import docs, flat, peers, pipelines, router, storage
from agents.planner.answers import describe
from agents.planner.conversation import current_visit, executed_since, handoffs_this_turn
from agents.toolkit import handoff_target

#: Which offline specialist plays a role, by the tools it is bound to.
SPECIALISTS: dict[str, flat.SpecialistReply] = {
    "storage": storage.reply,
    "pipelines": pipelines.reply,
    "docs": docs.reply,
}
_ROLE_BY_TOOL: dict[str, str] = {}


def register_tools(agent: str, tool_names: Sequence[str]) -> None:
    for name in tool_names:
        _ROLE_BY_TOOL[name] = agent


def _register_defaults() -> None:
    from tools.docs import DOCS_TOOLS
    from tools.kfp import KFP_TOOLS
    from tools.storage import STORAGE_TOOLS

    register_tools("storage", [t.name for t in STORAGE_TOOLS])
    register_tools("pipelines", [t.name for t in KFP_TOOLS])
    register_tools("docs", [t.name for t in DOCS_TOOLS])


_register_defaults()
_counter = itertools.count()


def _new_id() -> str:
    return f"plan_{next(_counter)}"


def _tool_name(tool: Any) -> str:
    if isinstance(tool, dict):
        return tool.get("function", {}).get("name") or tool.get("name", "")
    return getattr(tool, "name", None) or getattr(tool, "__name__", str(tool))


class OfflinePlanner(BaseChatModel):
    bound: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "offline-planner"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflinePlanner:  # type: ignore[override]
        return self.model_copy(update={"bound": tuple(_tool_name(t) for t in tools)})

    # --- the decision --------------------------------------------------------------------------
    def plan(self, messages: list[BaseMessage]) -> AIMessage:
        handoffs = [h for t in self.bound if (h := handoff_target(t))]
        roles = list(dict.fromkeys(_ROLE_BY_TOOL[t] for t in self.bound if t in _ROLE_BY_TOOL))
        if handoffs and not roles:
            return router.route(messages, handoffs, _new_id)
        # A swarm specialist always follows a handoff of this turn; the flat agent never does, so
        # one holding a single specialist's tools is told apart by that.
        if len(roles) > 1 or (roles and not handoffs_this_turn(messages)):
            return flat.reply(messages, flat.Cast(SPECIALISTS, _ROLE_BY_TOOL, roles), _new_id)
        if roles:
            return peers.specialist_reply(roles[0], handoffs, messages, SPECIALISTS[roles[0]], _new_id)
        return self._summary(messages)

    def _summary(self, messages: list[BaseMessage]) -> AIMessage:
        """No tools bound (e.g. the step budget ran out): report what this visit did."""
        _task, start = current_visit(messages)
        done = executed_since(messages, start)
        lines = [describe(e) for e in done]
        lines.append("I stopped there: I reached the step budget for this request. Ask me to continue.")
        return AIMessage(content="\n".join(lines))

    def _with_usage(self, messages: list[BaseMessage], reply: AIMessage) -> AIMessage:
        seen = sum(len(text_of(m)) for m in messages)
        out = len(text_of(reply)) + sum(len(json.dumps(c["args"])) for c in reply.tool_calls)
        reply.usage_metadata = {
            "input_tokens": seen // 4,
            "output_tokens": max(1, out // 4),
            "total_tokens": seen // 4 + max(1, out // 4),
        }
        return reply

    # --- chat model plumbing ----------------------------------------------------------------
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self._with_usage(messages, self.plan(messages))
        return ChatResult(generations=[ChatGeneration(message=reply)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop)

    def _chunks(self, messages: list[BaseMessage]) -> Iterator[ChatGenerationChunk]:
        reply = self._with_usage(messages, self.plan(messages))
        if reply.tool_calls:
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content=text_of(reply),
                    tool_call_chunks=[
                        {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                        for i, c in enumerate(reply.tool_calls)
                    ],
                    usage_metadata=reply.usage_metadata,
                )
            )
            return
        pieces = re.findall(r"\S+\s*|\s+", text_of(reply)) or [""]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            yield ChatGenerationChunk(
                message=AIMessageChunk(content=piece, usage_metadata=reply.usage_metadata if last else None)
            )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for chunk in self._chunks(messages):
            if run_manager:
                run_manager.on_llm_new_token(text_of(chunk.message), chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in self._chunks(messages):
            if run_manager:
                await run_manager.on_llm_new_token(text_of(chunk.message), chunk=chunk)
            yield chunk
