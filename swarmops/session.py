"""The one session API every front end uses: send text, iterate typed events.

    async with Assistant.open(settings) as assistant:
        async for event in assistant.astream("my-thread", "what is in demo-data?"):
            if isinstance(event, ApprovalRequest):
                event.approve()
            ...

The graph, its checkpointer and the backends stay behind this class; front ends only see
`swarmops.events`. Every event is masked for secrets before it leaves, and every tool call is
written to the audit log.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.types import Command

from agents.graph import Architecture, build_graph
from agents.messages import text_of
from agents.registry import Specialist
from agents.retry import NO_RETRY, ModelRetry
from agents.state import turn_input
from swarmops.approvals import verdict
from swarmops.audit import AuditLog
from swarmops.events import (
    ApprovalRequest,
    ApprovalResult,
    AssistantMessage,
    AssistantText,
    ErrorEvent,
    Event,
    TurnDone,
)
from swarmops.masking import Masker
from swarmops.privacy import private_dir
from swarmops.threads import StateStoreError, ThreadInfo, ThreadStore, state_store_error
from swarmops.turn import Turn, translate

RECURSION_LIMIT = 150
#: Checkpoints are written while the next step runs rather than blocking it.
DURABILITY = "async"


@dataclass
class HistoryEntry:
    role: str  # "user" | "assistant"
    agent: str
    text: str


class Assistant:
    def __init__(
        self,
        *,
        model: BaseChatModel,
        specialists: Sequence[Specialist],
        checkpointer: Any,
        threads: ThreadStore,
        audit: AuditLog | None = None,
        masker: Masker | None = None,
        read_only: bool = False,
        step_budget: int = 8,
        max_handoffs: int = 6,
        model_label: str = "",
        model_retry: ModelRetry = NO_RETRY,
        architecture: Architecture = "swarm",
    ) -> None:
        self.model = model
        self.specialists = list(specialists)
        self.threads = threads
        self.audit = audit
        self.masker = masker or Masker()
        self.model_label = model_label
        self._checkpointer = checkpointer
        self._step_budget = step_budget
        self._max_handoffs = max_handoffs
        self._model_retry = model_retry
        #: "swarm" (router and specialists) or "flat" (one agent with every tool, the eval baseline).
        self.architecture: Architecture = architecture
        self.read_only = read_only
        #: name -> where it runs (e.g. "storage": "127.0.0.1:8333 (embedded SeaweedFS)"), for display.
        self.backend_labels: dict[str, str] = {}
        self._graph = self._build()
        #: Threads this process knows have no pending approval (saves a state read per turn).
        self._settled: set[str] = set()

    # --- construction ------------------------------------------------------------------------
    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        settings: Any,
        *,
        model: BaseChatModel | None = None,
        specialists: Sequence[Specialist] | None = None,
        read_only: bool | None = None,
        architecture: Architecture = "swarm",
        model_retry: ModelRetry | None = None,
    ) -> AsyncIterator[Assistant]:
        """Start (or connect to) the backends, open the thread store, build the graph."""
        from swarmops.backends import Backends
        from swarmops.checkpoints import open_checkpointer
        from swarmops.model import make_chat_model, model_retry_policy

        data_dir = private_dir(Path(settings.data_dir))
        masker = Masker(settings.secret_values())
        async with contextlib.AsyncExitStack() as stack:
            if specialists is None:
                backends = stack.enter_context(Backends(settings))
                specialists = backends.specialists()
                masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
            saver = await stack.enter_async_context(open_checkpointer(data_dir / "state.sqlite"))
            threads = ThreadStore(data_dir / "state.sqlite", masker)
            stack.callback(threads.close)
            assistant = cls(
                model=model or make_chat_model(settings),
                specialists=specialists,
                checkpointer=saver,
                threads=threads,
                audit=AuditLog(data_dir / "audit.jsonl", masker),
                masker=masker,
                read_only=settings.read_only if read_only is None else read_only,
                step_budget=settings.step_budget,
                max_handoffs=settings.max_handoffs,
                model_label=settings.model_label if model is None else getattr(model, "_llm_type", "model"),
                model_retry=model_retry or (model_retry_policy(settings) if model is None else NO_RETRY),
                architecture=architecture,
            )
            for spec in specialists:
                where = getattr(spec.context, "endpoint", None) or getattr(spec.context, "host", None)
                assistant.backend_labels[spec.name] = str(where) if where else "local"
            yield assistant

    def _build(self) -> Any:
        return build_graph(
            self.model,
            self.specialists,
            read_only=self.read_only,
            step_budget=self._step_budget,
            max_handoffs=self._max_handoffs,
            checkpointer=self._checkpointer,
            model_retry=self._model_retry,
            redact=self.masker.data,
            architecture=self.architecture,
        )

    def set_read_only(self, read_only: bool) -> None:
        """Switch modes for the next turn (the graph is rebuilt without mutating tools)."""
        if read_only != self.read_only:
            self.read_only = read_only
            self._graph = self._build()

    # --- turns -------------------------------------------------------------------------------
    async def astream(
        self, thread_id: str, text: str | None = None, *, resume: dict[str, Any] | None = None
    ) -> AsyncIterator[Event]:
        """Run one turn (new text) or continue a paused one (`resume={"approved": bool}`).

        Yields events as they happen and always ends with TurnDone, even when the model or a
        backend fails.
        """
        if (text is None) == (resume is None):
            raise ValueError("pass either text or resume")
        config = {"configurable": {"thread_id": thread_id}, "recursion_limit": RECURSION_LIMIT}
        turn = Turn(thread_id)
        pending = False
        try:
            payload: Any = None
            if text is not None:
                if not text.strip():
                    raise ValueError("empty message")
                text = self.masker.text(text)  # a pasted key never reaches the model or the stored thread
                self.threads.touch(thread_id, text)
                waiting = None if thread_id in self._settled else await self._pending(config)
                if waiting is None:
                    payload = turn_input(text)
                else:  # the text answers the change left waiting (after a restart, say), or is asked again
                    request = self._request(waiting.value, answer=verdict(text), asked_before=True)
                    if request.decision is None:
                        yield request  # shown again; the front end may answer it right now
                    if request.decision is None:
                        pending = True
                        for event in self._still_waiting(request, turn):
                            yield event
                    else:
                        yield self._approval_result(waiting.value, request.decision)
                        payload = Command(resume={waiting.id: request.decision})
            else:
                intr = await self._pending(config)
                if intr is None:
                    raise ValueError(f"thread {thread_id!r} has no pending approval")
                decision = dict(resume or {})
                yield self._approval_result(intr.value, decision)
                payload = Command(resume={intr.id: decision})
            while payload is not None:
                self._settled.discard(thread_id)
                interrupts: list[Any] = []
                async for event in self._run(payload, config, turn, interrupts):
                    yield event
                payload = None
                if not interrupts:
                    self._settled.add(thread_id)
                    break
                intr = interrupts[0]
                request = self._request(intr.value)
                waited = time.perf_counter()
                yield request
                turn.approval_wait_ms += (time.perf_counter() - waited) * 1000
                if request.decision is None:
                    pending = True
                    break
                yield self._approval_result(intr.value, request.decision)
                payload = Command(resume={intr.id: request.decision})
        except Exception as exc:  # never let a failure kill the front end's loop
            if isinstance(exc, sqlite3.Error):
                exc = state_store_error(self.threads.path, exc)
            said = str(exc) if isinstance(exc, StateStoreError) else f"{type(exc).__name__}: {exc}"
            error = ErrorEvent(message=self.masker.text(said))
            turn.failed(error.message)
            yield error
        yield TurnDone(
            thread_id=thread_id,
            final_text=turn.final_text,
            llm_calls=turn.llm_calls,
            input_tokens=turn.input_tokens,
            output_tokens=turn.output_tokens,
            wall_ms=(time.perf_counter() - turn.start) * 1000,
            model_ms=turn.model_ms,
            tool_ms=turn.tool_ms,
            approval_wait_ms=turn.approval_wait_ms,
            pending_approval=pending,
            error=turn.error,
        )

    async def ask(
        self, thread_id: str, text: str, *, approve: Callable[[ApprovalRequest], bool] | None = None
    ) -> list[Event]:
        """Convenience for scripts: run a turn to the end, answering approvals with `approve`."""
        events: list[Event] = []
        async for event in self.astream(thread_id, text):
            if isinstance(event, ApprovalRequest) and approve is not None:
                event.approve() if approve(event) else event.reject()
            events.append(event)
        return events

    def _request(
        self, value: dict[str, Any], answer: bool | None = None, *, asked_before: bool = False
    ) -> ApprovalRequest:
        """The approval request for an interrupt, already answered when `answer` is not None."""
        request = ApprovalRequest(**self.masker.data(value), asked_before=asked_before)
        if answer is True:
            request.approve()
        elif answer is False:
            request.reject()
        return request

    def _still_waiting(self, request: ApprovalRequest, turn: Turn) -> list[Event]:
        """A reply to text that did not answer a pending change: it stays pending, and how to answer."""
        text = (
            f"This change is still waiting for your answer: {request.preview} "
            "Reply yes to approve it or no to reject it; nothing changes until you do."
        )
        turn.final_text = text
        return [AssistantText(agent=request.agent, delta=text), AssistantMessage(agent=request.agent, text=text)]

    async def _pending(self, config: dict[str, Any]) -> Any:
        state = await self._graph.aget_state(config)
        return state.interrupts[0] if state.interrupts else None

    def _approval_result(self, value: dict[str, Any], decision: dict[str, Any]) -> ApprovalResult:
        return ApprovalResult(
            call_id=value.get("call_id", ""),
            tool=value.get("tool", ""),
            approved=bool(decision.get("approved")),
            reason=decision.get("reason"),
        )

    async def _run(
        self, payload: Any, config: dict[str, Any], turn: Turn, interrupts: list[Any]
    ) -> AsyncIterator[Event]:
        """Stream one graph run; interrupts it ends on are collected into `interrupts`."""
        async for mode, chunk in self._graph.astream(
            payload, config, stream_mode=["custom", "messages", "updates"], durability=DURABILITY
        ):
            if mode == "updates":
                if isinstance(chunk, dict) and "__interrupt__" in chunk:
                    interrupts.extend(chunk["__interrupt__"])
                continue
            if mode == "messages":
                message, meta = chunk
                if isinstance(message, AIMessageChunk):
                    delta = text_of(message)
                    if delta:
                        agent = str(meta.get("langgraph_node", "assistant"))
                        turn.streamed.add(agent)
                        yield AssistantText(agent=agent, delta=self.masker.text(delta))
                continue
            event = translate(chunk, turn, self.masker, self.audit)
            if event is not None:
                if isinstance(event, AssistantMessage) and event.agent not in turn.streamed:
                    yield AssistantText(agent=event.agent, delta=event.text)
                if isinstance(event, AssistantMessage):
                    turn.streamed.discard(event.agent)
                yield event

    # --- threads -----------------------------------------------------------------------------
    def list_threads(self) -> list[ThreadInfo]:
        return self.threads.list()

    def rename_thread(self, thread_id: str, title: str) -> bool:
        return self.threads.rename(thread_id, title)

    async def delete_thread(self, thread_id: str) -> bool:
        known = self.threads.delete(thread_id)
        await self._checkpointer.adelete_thread(thread_id)
        return known

    async def history(self, thread_id: str) -> list[HistoryEntry]:
        """What was said in a thread (user messages and agents' replies), for display."""
        state = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        out: list[HistoryEntry] = []
        for msg in state.values.get("messages", []) if state.values else []:
            if isinstance(msg, HumanMessage):
                out.append(HistoryEntry("user", "you", self.masker.text(text_of(msg))))
            elif isinstance(msg, AIMessage) and text_of(msg).strip():
                out.append(HistoryEntry("assistant", msg.name or "assistant", self.masker.text(text_of(msg))))
        return out

    async def pending_approval(self, thread_id: str) -> ApprovalRequest | None:
        intr = await self._pending({"configurable": {"thread_id": thread_id}})
        return self._request(intr.value, asked_before=True) if intr is not None else None
