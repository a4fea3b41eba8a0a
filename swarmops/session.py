"""The one session API every front end uses: send text, iterate typed events.

    async with Assistant.open(settings) as assistant:
        async for event in assistant.astream("my-thread", "what is in demo-data?"):
            if isinstance(event, ApprovalRequest):
                event.approve()
            ...

The graph, its checkpointer and the backends stay behind this class; front ends only see
`swarmops.events`. Every event is masked for secrets before it leaves. Every tool call goes through
the tool gate (tools.gate), which writes the audit log: who asked (the identity a turn is streamed
for: the front end's surface and user) and who answered each approval.
"""

from __future__ import annotations

import contextlib
import getpass
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage

from agents.events import (
    ApprovalRequest,
    AssistantMessage,
    AssistantText,
    BaseEvent,
    ErrorEvent,
    Event,
    TurnDone,
)
from agents.fastroute import router_for
from agents.graph import Architecture, build_graph
from agents.messages import text_of
from agents.registry import Specialist
from agents.retry import NO_RETRY, ModelRetry
from agents.state import turn_input
from agents.toolrun import ASKED_BY
from swarmops.approvals import answered, approval_result, claimed, request_for, still_waiting, verdict
from swarmops.conversations import Threads
from swarmops.privacy import private_dir
from swarmops.settings import Settings
from swarmops.threads import StateStoreError, ThreadInfo
from swarmops.transcript import HistoryEntry, RecordedResult, recorded_result, said
from swarmops.turn import Turn, accept
from swarmops.turnlock import waiting_status
from tools.audit import AuditSink
from tools.gate import Decision, Identity, PendingChange, Surface
from tools.masking import Masker

if TYPE_CHECKING:
    from swarmops.metrics import TurnMetrics

RECURSION_LIMIT = 150
#: Checkpoints are written while the next step runs rather than blocking it.
DURABILITY = "async"


def current_user() -> str:
    """The login name of whoever runs this process, for the audit trail ("unknown" when there is none,
    e.g. a container user without a passwd entry)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # which one depends on the platform and Python version
        return "unknown"


class Assistant:
    def __init__(
        self,
        *,
        model: BaseChatModel,
        specialists: Sequence[Specialist],
        checkpointer: Any,
        threads: Threads,
        audit: AuditSink | None = None,
        masker: Masker | None = None,
        read_only: bool = False,
        step_budget: int = 8,
        max_handoffs: int = 6,
        model_label: str = "",
        model_retry: ModelRetry = NO_RETRY,
        architecture: Architecture = "swarm",
        surface: Surface = "api",
        user: str | None = None,
        fast_routing: bool = True,
        metrics: bool = False,
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
        #: Route clear-cut requests by nearest examples, without a model call (swarm only).
        self._fast = router_for(self.specialists) if fast_routing and architecture == "swarm" else None
        #: Who asks, unless a turn says otherwise (`astream(asked_by=...)`): the front end and its user.
        self.identity = Identity(surface=surface, user=user or current_user())
        #: name -> where it runs (e.g. "storage": "127.0.0.1:8333 (embedded SeaweedFS)"), for display.
        self.backend_labels: dict[str, str] = {}
        self._graph = self._build()
        #: Threads this process knows have no pending approval (saves a state read per turn).
        self._settled: set[str] = set()
        #: Count turns for Prometheus (a served process with SWARMOPS_METRICS_PORT); off, the
        #: client library is never imported, which keeps `ask` and the chat starting fast.
        self._metrics = metrics

    # --- construction ------------------------------------------------------------------------
    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        model: BaseChatModel | None = None,
        specialists: Sequence[Specialist] | None = None,
        read_only: bool | None = None,
        architecture: Architecture = "swarm",
        model_retry: ModelRetry | None = None,
        surface: Surface = "api",
        user: str | None = None,
    ) -> AsyncIterator[Assistant]:
        """Start (or connect to) the backends, open the thread store, build the graph.

        `surface` and `user` (default: the login name) say who asks, for the audit trail.
        """
        from swarmops.backends import Backends
        from swarmops.conversations import open_audit, open_conversations
        from swarmops.model import make_chat_model, model_retry_policy

        data_dir = private_dir(Path(settings.data_dir))
        masker = Masker(settings.secret_values())
        async with contextlib.AsyncExitStack() as stack:
            if specialists is None:
                backends = stack.enter_context(Backends(settings))
                specialists = backends.specialists()
                masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
            saver, threads = await stack.enter_async_context(open_conversations(settings, data_dir, masker))
            audit = stack.enter_context(open_audit(settings, data_dir, masker))
            assistant = cls(
                model=model or make_chat_model(settings),
                specialists=specialists,
                checkpointer=saver,
                threads=threads,
                audit=audit,
                masker=masker,
                read_only=settings.read_only if read_only is None else read_only,
                step_budget=settings.step_budget,
                fast_routing=settings.fast_routing,
                max_handoffs=settings.max_handoffs,
                model_label=settings.model_label if model is None else getattr(model, "_llm_type", "model"),
                model_retry=model_retry or (model_retry_policy(settings) if model is None else NO_RETRY),
                architecture=architecture,
                surface=surface,
                user=user,
                metrics=getattr(settings, "metrics_port", None) is not None,
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
            masker=self.masker,
            audit=self.audit,
            architecture=self.architecture,
            fast=self._fast,
        )

    def set_read_only(self, read_only: bool) -> None:
        """Switch modes for the next turn (the graph is rebuilt without mutating tools)."""
        if read_only != self.read_only:
            self.read_only = read_only
            self._graph = self._build()

    # --- turns -------------------------------------------------------------------------------
    async def astream(
        self,
        thread_id: str,
        text: str | None = None,
        *,
        resume: Decision | dict[str, Any] | None = None,
        asked_by: Identity | None = None,
    ) -> AsyncIterator[Event]:
        """Run one turn (new text) or continue a paused one (`resume=Decision(approved=...)`; a dict of
        the same fields is accepted).

        `asked_by` is who is asking (default: the assistant's surface and user); it is also who
        answers approvals that do not say otherwise (`ApprovalRequest.approve(by=...)`, a resume
        without `by`). A resumed change stays attributed to whoever asked for it in the first place.
        Yields events as they happen and always ends with TurnDone, even when the model or a
        backend fails.
        """
        if (text is None) == (resume is None):
            raise ValueError("pass either text or resume")
        seen = _turn_metrics(self.identity.surface) if self._metrics else None
        async for event in self._turn(thread_id, text, resume, asked_by):
            if seen is not None:
                seen.see(event)
            yield event

    async def _turn(
        self, thread_id: str, text: str | None, resume: Decision | dict[str, Any] | None, asked_by: Identity | None
    ) -> AsyncIterator[Event]:
        caller = asked_by or self.identity
        config = self._config(thread_id, caller)
        turn = Turn(thread_id)
        pending = False
        lock = self.threads.turn_lock(thread_id)
        try:
            if not await lock.try_acquire():  # another process's turn on this thread goes first
                yield waiting_status()
                await lock.acquire()
            payload: Any = None
            if text is not None:
                if not text.strip():
                    raise ValueError("empty message")
                text = self.masker.text(text)  # a pasted key never reaches the model or the stored thread
                self.threads.touch(thread_id, text)
                known = thread_id in self._settled and not self.threads.shared  # a replica may have asked since
                waiting = None if known else await self._pending(config)
                if waiting is None:
                    payload = turn_input(text)
                else:  # the text answers the change left waiting (after a restart, say), or is asked again
                    change = PendingChange.model_validate(waiting.value)
                    request = request_for(self.masker, change, answer=verdict(text), asked_before=True)
                    if request.decision is None:
                        yield request  # shown again; the front end may answer it right now
                    if request.decision is None:
                        pending = True
                        for event in still_waiting(request, turn):
                            yield event
                    else:
                        decision = answered(request.decision, caller)
                        payload = claimed(self.threads, thread_id, waiting.id, decision)  # claimed before it is shown
                        yield approval_result(change, decision)
                        config = self._config(thread_id, change.asked_by or caller)
            else:
                intr = await self._pending(config)
                if intr is None:
                    raise StateStoreError(  # said without a traceback's type name, like a claim refused
                        f"Nothing in thread {thread_id!r} is waiting for a decision: it was already decided "
                        "(from another window or swarmops process), or nothing was asked."
                    )
                change = PendingChange.model_validate(intr.value)
                decision = answered(Decision.model_validate(resume), caller)
                payload = claimed(self.threads, thread_id, intr.id, decision)
                yield approval_result(change, decision)
                config = self._config(thread_id, change.asked_by or caller)
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
                change = PendingChange.model_validate(intr.value)
                request = request_for(self.masker, change)
                waited = time.perf_counter()
                yield request
                turn.approval_wait_ms += (time.perf_counter() - waited) * 1000
                if request.decision is None:
                    pending = True
                    break
                decision = answered(request.decision, caller)
                payload = claimed(self.threads, thread_id, intr.id, decision)
                yield approval_result(change, decision)
        except Exception as exc:  # never let a failure kill the front end's loop
            exc = self.threads.store_error(exc) or exc
            said = str(exc) if isinstance(exc, StateStoreError) else f"{type(exc).__name__}: {exc}"
            error = ErrorEvent(message=self.masker.text(said))
            turn.failed(error.message)
            yield error
        finally:
            await lock.release()
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

    @staticmethod
    def _config(thread_id: str, asked_by: Identity) -> dict[str, Any]:
        """The graph's run config: the thread, and who asked (the tools node attributes calls to them)."""
        return {"configurable": {"thread_id": thread_id, ASKED_BY: asked_by}, "recursion_limit": RECURSION_LIMIT}

    async def _pending(self, config: dict[str, Any]) -> Any:
        state = await self._graph.aget_state(config)
        return state.interrupts[0] if state.interrupts else None

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
            if not isinstance(chunk, BaseEvent):
                continue
            event = accept(chunk, turn, self.masker)
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
        return said(await self._messages(thread_id), self.masker)

    async def tool_result(self, thread_id: str, call_id: str) -> RecordedResult | None:
        """The whole result of one tool call in a thread, from the shared checkpoint (masked)."""
        return recorded_result(await self._messages(thread_id), call_id, self.masker)

    async def _messages(self, thread_id: str) -> list[BaseMessage]:
        state = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        return list(state.values.get("messages", [])) if state.values else []

    async def pending_approval(self, thread_id: str) -> ApprovalRequest | None:
        intr = await self._pending({"configurable": {"thread_id": thread_id}})
        return (
            request_for(self.masker, PendingChange.model_validate(intr.value), asked_before=True)
            if intr is not None
            else None
        )


def _turn_metrics(surface: str) -> TurnMetrics:
    """Imported on first use: see `Assistant._metrics`."""
    from swarmops.metrics import TurnMetrics

    return TurnMetrics(surface)
