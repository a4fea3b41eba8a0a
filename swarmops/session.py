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
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.types import Command

from agents.graph import build_graph
from agents.messages import text_of
from agents.registry import Specialist
from agents.state import turn_input
from swarmops.audit import AuditLog
from swarmops.events import (
    ApprovalRequest,
    ApprovalResult,
    AssistantMessage,
    AssistantText,
    ErrorEvent,
    Event,
    Handoff,
    ToolCall,
    ToolProgress,
    ToolResultEvent,
    TurnDone,
)
from swarmops.masking import Masker
from swarmops.threads import ThreadInfo, ThreadStore

RECURSION_LIMIT = 150
#: Checkpoints are written while the next step runs rather than blocking it.
DURABILITY = "async"


@dataclass
class HistoryEntry:
    role: str  # "user" | "assistant"
    agent: str
    text: str


@dataclass
class _Turn:
    """Figures accumulated while one turn streams."""

    thread_id: str
    start: float = field(default_factory=time.perf_counter)
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_ms: float = 0.0
    tool_ms: float = 0.0
    approval_wait_ms: float = 0.0
    #: Every agent message of the turn, in order: the whole answer the user saw.
    final_text: str = ""
    streamed: set[str] = field(default_factory=set)
    calls: dict[str, ToolCall] = field(default_factory=dict)


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
    ) -> AsyncIterator[Assistant]:
        """Start (or connect to) the backends, open the thread store, build the graph."""
        from swarmops.backends import Backends
        from swarmops.checkpoints import open_checkpointer
        from swarmops.model import make_chat_model

        data_dir = Path(settings.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        masker = Masker(settings.secret_values())
        async with contextlib.AsyncExitStack() as stack:
            if specialists is None:
                backends = stack.enter_context(Backends(settings))
                specialists = backends.specialists()
                masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
            saver = await stack.enter_async_context(open_checkpointer(data_dir / "state.sqlite"))
            threads = ThreadStore(data_dir / "state.sqlite")
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
        turn = _Turn(thread_id)
        pending = False
        try:
            if text is not None:
                if not text.strip():
                    raise ValueError("empty message")
                # A new message abandons an unanswered approval: reject it so nothing dangles.
                stale = None if thread_id in self._settled else await self._pending(config)
                if stale is not None:
                    async for event in self._run(
                        Command(resume={stale.id: {"approved": False, "reason": "the user moved on"}}),
                        config,
                        turn,
                        [],
                    ):
                        yield event
                self.threads.touch(thread_id, text)
                payload: Any = turn_input(text)
            else:
                intr = await self._pending(config)
                if intr is None:
                    raise ValueError(f"thread {thread_id!r} has no pending approval")
                decision = dict(resume or {})
                yield self._approval_result(intr.value, decision)
                payload = Command(resume={intr.id: decision})
            self._settled.discard(thread_id)
            while True:
                interrupts: list[Any] = []
                async for event in self._run(payload, config, turn, interrupts):
                    yield event
                if not interrupts:
                    self._settled.add(thread_id)
                    break
                intr = interrupts[0]
                request = ApprovalRequest(**self.masker.data(intr.value))
                waited = time.perf_counter()
                yield request
                turn.approval_wait_ms += (time.perf_counter() - waited) * 1000
                if request.decision is None:
                    pending = True
                    break
                yield self._approval_result(intr.value, request.decision)
                payload = Command(resume={intr.id: request.decision})
        except Exception as exc:  # never let a failure kill the front end's loop
            yield ErrorEvent(message=self.masker.text(f"{type(exc).__name__}: {exc}"))
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
        self, payload: Any, config: dict[str, Any], turn: _Turn, interrupts: list[Any]
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
            event = self._translate(chunk, turn)
            if event is not None:
                if isinstance(event, AssistantMessage) and event.agent not in turn.streamed:
                    yield AssistantText(agent=event.agent, delta=event.text)
                if isinstance(event, AssistantMessage):
                    turn.streamed.discard(event.agent)
                yield event

    def _translate(self, raw: dict[str, Any], turn: _Turn) -> Event | None:
        kind = raw.get("kind")
        body = {k: v for k, v in raw.items() if k != "kind"}
        if kind == "model_call":
            turn.llm_calls += 1
            turn.model_ms += body["ms"]
            turn.input_tokens += body["input_tokens"]
            turn.output_tokens += body["output_tokens"]
            return None
        body = self.masker.data(body)
        if kind == "handoff":
            return Handoff(**body)
        if kind == "tool_call":
            event = ToolCall(**body)
            turn.calls[event.call_id] = event
            return event
        if kind == "tool_result":
            result = ToolResultEvent(**body)
            turn.tool_ms += result.duration_ms
            call = turn.calls.get(result.call_id)
            if self.audit is not None:
                self.audit.record(
                    thread=turn.thread_id,
                    agent=result.agent,
                    tool=result.tool,
                    args=call.args if call else None,
                    mutating=call.mutating if call else None,
                    ok=result.ok,
                    error=(result.error or {}).get("code"),
                    duration_ms=round(result.duration_ms, 1),
                )
            return result
        if kind == "tool_progress":
            return ToolProgress(**body)
        if kind == "message":
            turn.final_text = f"{turn.final_text}\n\n{body['text']}" if turn.final_text else body["text"]
            return AssistantMessage(**body)
        if kind == "error":
            return ErrorEvent(**body)
        return None

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
        return ApprovalRequest(**self.masker.data(intr.value)) if intr is not None else None
