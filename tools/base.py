"""The contract every swarmops tool follows, independent of any agent framework.

A tool is a plain function over a pydantic argument model plus a context object (the backend
clients). Agents wrap these specs for whatever model they drive; front ends only ever see the
structured `ToolResult`. Keeping this layer framework-free is what lets the same tools serve the
LangGraph graph, the CLI, the benchmarks and the tests.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, ValidationError

ArgsT = TypeVar("ArgsT", bound=BaseModel)
CtxT = TypeVar("CtxT")

#: Backstop on the size of any result payload handed to a model (characters of JSON).
MAX_RESULT_CHARS = 24_000

_progress: ContextVar[Callable[[str], None] | None] = ContextVar("swarmops_tool_progress", default=None)
#: (source, state, message), e.g. ("storage", "restarting", "the embedded object store had stopped; ...").
StatusListener = Callable[[str, str, str], None]
_status: ContextVar[StatusListener | None] = ContextVar("swarmops_tool_status", default=None)
_cancel: ContextVar[threading.Event | None] = ContextVar("swarmops_tool_cancel", default=None)


def cancelled() -> bool:
    """True once whoever runs this tool gave up on it (e.g. the person cancelled the turn).

    Tools that wait or loop (polling a run, long transfers) check this between steps and return
    what they have, instead of working on for nobody in a thread that cannot be killed.
    """
    event = _cancel.get()
    return event is not None and event.is_set()


def report_progress(message: str) -> None:
    """Tell whoever runs this tool how long work is going (a no-op when nobody listens).

    Long tools (waiting for a run, big transfers) call this so a person sees movement instead of
    a silent pause; the caller decides how to show it.
    """
    listener = _progress.get()
    if listener is not None:
        with contextlib.suppress(Exception):  # progress must never break the tool
            listener(message)


def report_status(source: str, state: str, message: str) -> None:
    """Tell whoever runs this tool about the machinery under it (a backend found dead and started
    again), as opposed to the tool's own progress; a no-op when nobody listens."""
    listener = _status.get()
    if listener is not None:
        with contextlib.suppress(Exception):  # reporting must never break the tool
            listener(source, state, message)


@contextlib.contextmanager
def progress_to(
    listener: Callable[[str], None], cancel: threading.Event | None = None, status: StatusListener | None = None
) -> Iterator[None]:
    token = _progress.set(listener)
    cancel_token = _cancel.set(cancel)
    status_token = _status.set(status)
    try:
        yield
    finally:
        _status.reset(status_token)
        _cancel.reset(cancel_token)
        _progress.reset(token)


class ToolFailure(Exception):
    """Raised inside a tool to return a structured error the model can act on.

    `hint` says how to fix the call; `suggestions` lists nearby valid values (e.g. the closest
    existing bucket names) so the model can retry without asking the user.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        suggestions: list[str] | None = None,
        backend_down: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.suggestions = suggestions or []
        #: The backend could not be asked (unreachable, TLS, 5xx, auth): this says nothing about
        #: whether the call itself is right, unlike e.g. NoSuchBucket.
        self.backend_down = backend_down


class ToolError(BaseModel):
    code: str = Field(description="Stable machine-readable error code, e.g. NoSuchBucket.")
    message: str
    hint: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    backend_down: bool = Field(
        default=False,
        description="The backend could not be asked (unreachable, TLS, 5xx, auth): nothing is wrong with the call.",
    )


class ToolResult(BaseModel):
    """What every tool call returns: never an exception."""

    tool: str
    ok: bool
    data: Any = None
    error: ToolError | None = None
    truncated: bool = False
    duration_ms: float = 0.0

    def to_model_text(self) -> str:
        """Compact JSON for the model's ToolMessage."""
        body: dict[str, Any] = {"ok": self.ok}
        if self.ok:
            body["data"] = self.data
        else:
            # backend_down is only worth the model's tokens when it is true.
            quiet = None if self.error and self.error.backend_down else {"backend_down"}
            body["error"] = self.error.model_dump(exclude_none=True, exclude=quiet) if self.error else None
        if self.truncated:
            body["truncated"] = True
        return json.dumps(body, default=str, ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    """What a mutating call will do, as a preview says it: the sentence a person reads, and whether
    it replaces something that exists (an object, a local file), which a surface may forbid."""

    text: str
    overwrites: bool = False


@dataclass(frozen=True)
class ToolSpec(Generic[ArgsT, CtxT]):
    """One tool: its schema, implementation and safety class.

    `mutating` tools change state and must be approved by a person before they run (tools.gate
    enforces it); it is declared by each tool, never inferred, and tests/tools/test_mutation_declared.py
    checks the declaration against real backends. Every mutating tool has a `preview` saying, in one
    or two sentences, exactly what will change (checked against the backend, e.g. "overwrites the
    existing 1.2 KB object"); a read-only tool may have one too.
    """

    name: str
    description: str
    args_schema: type[ArgsT]
    func: Callable[[ArgsT, CtxT], Any]
    group: str
    #: Required, by keyword: every tool says whether it changes state.
    mutating: bool = field(kw_only=True)
    preview: Callable[[ArgsT, CtxT], str | Change] | None = None
    #: Translates backend exceptions into ToolFailure (with suggestions); returns None to pass.
    on_error: Callable[[Exception, ArgsT, CtxT], ToolFailure | None] | None = None
    examples: list[str] = field(default_factory=list)
    #: How the result reads to a person (args, data) -> text: tools/*/summaries.py.
    summary: Callable[[dict[str, Any], dict[str, Any]], str] | None = None

    def __post_init__(self) -> None:
        # Declared, never inferred: a change nobody can describe cannot be approved knowingly.
        if self.mutating and self.preview is None:
            raise ValueError(f"tool {self.name!r} is mutating and has no preview: say what it will change")


def _validation_failure(spec: ToolSpec[Any, Any], exc: ValidationError) -> ToolFailure:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "arguments"
        problems.append(f"{loc}: {err.get('msg')}")
    fields = ", ".join(f"{name}{'' if f.is_required() else '?'}" for name, f in spec.args_schema.model_fields.items())
    return ToolFailure(
        "InvalidArguments",
        "; ".join(problems),
        hint=f"{spec.name} takes: {fields}",
    )


def parse_args(spec: ToolSpec[ArgsT, Any], raw: dict[str, Any] | BaseModel) -> ArgsT:
    """Validate raw model arguments; raises ToolFailure with the accepted fields listed."""
    if isinstance(raw, spec.args_schema):
        return raw
    try:
        return spec.args_schema.model_validate(raw if isinstance(raw, dict) else raw.model_dump())
    except ValidationError as exc:
        raise _validation_failure(spec, exc) from None


def describe_change(spec: ToolSpec[Any, Any], raw: dict[str, Any], ctx: Any) -> str:
    """A human sentence for the approval card; falls back to the call itself."""
    return assess_change(spec, raw, ctx).text


def assess_change(spec: ToolSpec[Any, Any], raw: dict[str, Any], ctx: Any) -> Change:
    """What the call will change, checked against the backend where the tool can (best effort)."""
    try:
        args = parse_args(spec, raw)
    except ToolFailure as failure:
        return Change(f"{spec.name} with invalid arguments ({failure.message}); it will fail if approved.")
    call = f"{spec.name}({json.dumps(args.model_dump(exclude_none=True), default=str)})"
    if spec.preview is None:
        return Change(call)
    try:
        said = spec.preview(args, ctx)
        return said if isinstance(said, Change) else Change(said)
    except Exception as exc:  # preview is best effort: never block the approval on it
        failure = exc if isinstance(exc, ToolFailure) else spec.on_error(exc, args, ctx) if spec.on_error else None
        if failure is None or failure.backend_down:
            reason = failure.message if failure else str(exc) or type(exc).__name__
            return Change(f"{call} — could not check the current state first: {reason}")
        # The backend answered, and what it said means the call cannot succeed.
        return Change(f"{call} — will fail and change nothing: {failure.message}")


def _bounded(data: Any) -> tuple[Any, bool]:
    """Enforce MAX_RESULT_CHARS as a backstop for tools whose own caps were not enough.

    Keeps the result's structure: the longest list is halved until the whole fits, so the model
    still gets well-formed records (and `truncated`), not a cut JSON string.
    """
    text = json.dumps(data, default=str, ensure_ascii=False)
    if len(text) <= MAX_RESULT_CHARS:
        return data, False
    if isinstance(data, dict):
        data = dict(data)
        while len(json.dumps(data, default=str, ensure_ascii=False)) > MAX_RESULT_CHARS:
            lists = [(len(v), k) for k, v in data.items() if isinstance(v, list) and v]
            if not lists:
                break
            _, key = max(lists)
            data[key] = data[key][: len(data[key]) // 2]
        else:
            data["truncated"] = True
            return data, True
    text = json.dumps(data, default=str, ensure_ascii=False)
    return {"summary": text[: MAX_RESULT_CHARS - 200] + " ...[cut]", "truncated": True}, True


def run_tool(spec: ToolSpec[Any, CtxT], raw: dict[str, Any] | BaseModel, ctx: CtxT) -> ToolResult:
    """Validate, run and bound one call; every failure becomes a structured ToolResult."""
    start = time.perf_counter()
    try:
        args = parse_args(spec, raw)
        try:
            out = spec.func(args, ctx)
        except ToolFailure:
            raise
        except Exception as exc:
            mapped = spec.on_error(exc, args, ctx) if spec.on_error else None
            if mapped is None:
                raise
            raise mapped from exc
        if isinstance(out, BaseModel):
            out = out.model_dump(mode="json")
        truncated = bool(isinstance(out, dict) and out.get("truncated"))
        out, cut = _bounded(out)
        return ToolResult(
            tool=spec.name,
            ok=True,
            data=out,
            truncated=truncated or cut,
            duration_ms=(time.perf_counter() - start) * 1000,
        )
    except ToolFailure as failure:
        error = ToolError(
            code=failure.code,
            message=failure.message,
            hint=failure.hint,
            suggestions=failure.suggestions,
            backend_down=failure.backend_down,
        )
    except Exception as exc:  # a bug or an unmapped backend error: report it, keep the turn alive
        error = ToolError(code=type(exc).__name__, message=str(exc) or repr(exc))
    return ToolResult(tool=spec.name, ok=False, error=error, duration_ms=(time.perf_counter() - start) * 1000)


def closest(name: str, candidates: list[str], n: int = 5) -> list[str]:
    """Nearest existing names for 'did you mean' suggestions, best first.

    Names that start with what was typed (three characters or more) get a bonus, the rest
    rank by similarity; an empty name suggests nothing (every name would match).
    """
    import difflib

    if not name:
        return []
    scored = []
    for cand in candidates:
        ratio = difflib.SequenceMatcher(None, name, cand).ratio()
        typed_start = len(name) >= 3 and cand.startswith(name)  # the user typed the start of it
        if ratio >= 0.6 or typed_start:
            scored.append((ratio + (0.3 if typed_start else 0.0), cand))
    return [cand for _, cand in sorted(scored, key=lambda x: (-x[0], x[1]))[:n]]
