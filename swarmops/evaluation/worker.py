"""One eval worker: its own embedded backends and assistant, running cases one after another.

Workers are what `--jobs` counts. Each owns a data directory (its own SeaweedFS, KFP API, thread
store and knowledge base, copied from a template so nobody re-indexes the built-in docs), so cases
on different workers never see each other; between its own cases a worker wipes its backends
(see backendstate). A case runs in a sandbox directory of its own: the assistant's working
directory is `work/` inside it, and any file written elsewhere in the worker's tree is a safety
violation (path traversal).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from agents.retry import ModelRetry
from swarmops.backends import Backends
from swarmops.evaluation.backendstate import Snapshot, apply_setup, snapshot, stop_runs, wipe
from swarmops.evaluation.cases import decision_for
from swarmops.evaluation.checks import RunRecord
from swarmops.evaluation.endstate import check_state
from swarmops.evaluation.loader import LoadedCase
from swarmops.events import ApprovalRequest, Event, TurnDone
from swarmops.session import Assistant
from swarmops.settings import Settings

#: How long a worker waits at the end for runs still publishing (a case that timed out cancels its run).
_RUNS_FINISHING_S = 30.0


@dataclass
class Figures:
    wall_s: float = 0.0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class Options:
    architecture: str
    model_factory: Callable[[], BaseChatModel]  # a fresh (metered) model per worker
    model_retry: ModelRetry | None
    knowledge_template: Path | None


def _files(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for path in root.rglob("*"):
        if path.is_file() and not any(path.is_relative_to(s) for s in skip):
            st = path.stat()
            out[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


class Worker:
    def __init__(self, index: int, root: Path, settings: Settings, options: Options) -> None:
        self.index = index
        self.root = root / f"worker-{index}"
        self.data = self.root / "data"
        self.options = options
        self.settings = settings.model_copy(
            update={
                "data_dir": self.data,
                "s3_endpoint": None,
                "kfp_host": None,
                "chroma_url": None,
                "embedded_idle_timeout": 0.0,
                "read_only": False,
            }
        )
        self.backends: Backends | None = None
        self.assistant: Assistant | None = None

    @contextlib.asynccontextmanager
    async def opened(self) -> AsyncIterator[Worker]:
        self.data.mkdir(parents=True, exist_ok=True)
        template = self.options.knowledge_template
        if template is not None and not (self.data / "knowledge").exists():
            await asyncio.to_thread(shutil.copytree, template, self.data / "knowledge")
        with Backends(self.settings) as backends:
            self.backends = backends
            model = self.options.model_factory()
            async with Assistant.open(
                self.settings,
                model=model,
                specialists=backends.specialists(),
                architecture=self.options.architecture,
                model_retry=self.options.model_retry,
                surface="eval",
            ) as assistant:
                self.assistant = assistant
                try:
                    yield self
                finally:
                    with contextlib.suppress(Exception):  # cleanup only: a dead server has no runs left
                        await asyncio.to_thread(stop_runs, backends)
                    # a cancelled run goes on publishing; the services must be gone before the dir is
                    await asyncio.to_thread(backends.close, _RUNS_FINISHING_S)

    async def run(self, loaded: LoadedCase, trial: int) -> tuple[RunRecord, Figures]:
        assert self.backends is not None and self.assistant is not None
        case, backends = loaded.case, self.backends
        sandbox = self.root / "cases" / f"{case.id}-{trial}" / "a" / "b"
        workdir = sandbox / "work"
        workdir.mkdir(parents=True, exist_ok=True)
        for ctx in (backends.storage, backends.kfp, backends.docs):
            ctx.workdir = workdir
        self.assistant.set_read_only(case.read_only)
        record, figures = RunRecord(), Figures()
        try:
            await asyncio.to_thread(wipe, backends)
            await asyncio.to_thread(apply_setup, backends, case.setup, loaded.file.parent, workdir)
        except Exception as exc:  # noqa: BLE001 - a broken setup fails this case, not the run
            record.error = f"setup failed: {type(exc).__name__}: {exc}"
            return record, figures
        before = await asyncio.to_thread(snapshot, backends)
        files_before = _files(self.root, (self.data, workdir))
        started = time.perf_counter()  # the conversation only: setup and checks are the harness's time
        try:
            async with asyncio.timeout(case.timeout_s):
                await self._converse(loaded, trial, record, figures)
        except TimeoutError:
            record.error = f"timed out after {case.timeout_s:.0f} s"
        except Exception as exc:  # noqa: BLE001 - recorded as a failed case; the run goes on
            record.error = f"{type(exc).__name__}: {exc}"
        figures.wall_s = time.perf_counter() - started
        await asyncio.to_thread(self._after, loaded, record, before, files_before, workdir)
        return record, figures

    async def _converse(self, loaded: LoadedCase, trial: int, record: RunRecord, figures: Figures) -> None:
        assert self.assistant is not None
        case = loaded.case
        thread = f"eval-{case.id}-{trial}-{uuid.uuid4().hex[:6]}"
        for turn in case.said:
            policy = turn.approvals or case.approvals
            events: list[Event] = []
            record.turns.append(events)
            async for event in self.assistant.astream(thread, turn.say):
                if isinstance(event, ApprovalRequest):
                    event.approve() if decision_for(policy, event.tool) == "approve" else event.reject(
                        "rejected by the eval case's approval policy"
                    )
                if isinstance(event, TurnDone):
                    figures.llm_calls += event.llm_calls
                    figures.prompt_tokens += event.input_tokens
                    figures.completion_tokens += event.output_tokens
                events.append(event)

    def _after(
        self,
        loaded: LoadedCase,
        record: RunRecord,
        before: Snapshot,
        files_before: dict[str, tuple[int, int]],
        workdir: Path,
    ) -> None:
        assert self.backends is not None
        try:
            after = snapshot(self.backends)
        except Exception as exc:  # noqa: BLE001
            record.error = record.error or f"could not read the backends afterwards: {exc}"
            return
        record.changes = before.differences(after)
        record.state = [check_state(self.backends, c, workdir, before, after) for c in loaded.case.expect.end_state]
        files_after = _files(self.root, (self.data, workdir))
        record.writes_outside = sorted(p for p, v in files_after.items() if files_before.get(p) != v)
