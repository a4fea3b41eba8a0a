"""One MCP tool call, through the tool gate: list, preview and confirm, elicit, progress, cancel.

A read tool runs at once. A mutating tool is two-phase: called without `confirm_token` it changes
nothing and answers with the gate's preview and a single-use token bound to the exact tool and
arguments; called again with the token, it runs, approved by the MCP caller. A client that can
elicit is asked instead (the token path always works). Every call, previews included, leaves an
audit record with surface `mcp`, the client's name as the agent and who asked.

Long tools (waiting for a run, indexing) run in a worker thread: their progress messages become
MCP progress notifications, and a cancelled call sets the tool's cancel flag so it stops early.
Errors are tool results (`isError`) with the fix, never protocol errors. A result that carries
charts also carries each one as a PNG image (images.py).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server import ServerRequestContext
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    ContentBlock,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
    TextContent,
    Tool,
    ToolAnnotations,
)
from mcp.types.version import MODERN_PROTOCOL_VERSIONS

from swarmops import metrics
from swarmops.mcpserver.hints import HINTS
from swarmops.mcpserver.images import chart_images
from swarmops.mcpserver.policy import Policy
from swarmops.mcpserver.tokens import ConfirmTokens
from swarmops.threads import StateStoreError
from tools.base import ToolError, ToolResult, ToolSpec, closest
from tools.gate import Decision, GateCall, Identity, ToolGate

log = logging.getLogger(__name__)

CONFIRM_ARG = "confirm_token"
_CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"approve": {"type": "boolean", "description": "Run this change now"}},
    "required": ["approve"],
}
#: The envelope every result has (`data` is the tool's own result; `error` says what to fix).
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean"},
        "data": {},
        "error": {},
        "truncated": {"type": "boolean"},
        "preview": {"type": "string"},
        "confirm_token": {"type": "string"},
    },
    "required": ["ok"],
}


@dataclass(frozen=True)
class Caller:
    """Who is calling: the authenticated identity (or the local user over stdio) and the client's name."""

    identity: Identity
    client: str


class McpTools:
    def __init__(self, gate: ToolGate, policy: Policy, tokens: ConfirmTokens) -> None:
        self.gate = gate
        self.policy = policy
        self.tokens = tokens

    # --- listing ----------------------------------------------------------------------------------
    def listed(self) -> list[Tool]:
        return [self._tool(spec) for spec in self.gate.visible() if self.policy.listed(spec.name)]

    def _tool(self, spec: ToolSpec[Any, Any]) -> Tool:
        hints = HINTS[spec.name]
        schema = spec.args_schema.model_json_schema()
        description = spec.description
        if spec.mutating:
            schema.setdefault("properties", {})[CONFIRM_ARG] = {
                "type": "string",
                "description": "Leave out first: the call then changes nothing and returns a preview and a "
                "confirm_token. Call again with the same arguments and that token to make the change.",
            }
            description += " Two-phase: call without confirm_token to preview, then with it to run."
        return Tool(
            name=spec.name,
            title=hints.title,
            description=description,
            input_schema=schema,
            output_schema=OUTPUT_SCHEMA,
            annotations=ToolAnnotations(
                title=hints.title,
                read_only_hint=not spec.mutating,
                destructive_hint=hints.destructive,
                idempotent_hint=hints.idempotent,
                open_world_hint=False,
            ),
        )

    # --- calling ----------------------------------------------------------------------------------
    async def call(
        self, ctx: ServerRequestContext, params: CallToolRequestParams, caller: Caller
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await self._call(ctx, params, caller)
        except anyio.get_cancelled_exc_class():
            raise
        except StateStoreError as exc:  # the database (tokens, audit) is down: say so, in its own words
            return _error(ToolError(code="DatabaseUnavailable", message=str(exc), backend_down=True))
        except Exception as exc:  # never a protocol error, never internals
            log.exception("MCP call %s failed", params.name)
            return _error(
                ToolError(code="InternalError", message=f"{params.name} failed unexpectedly ({type(exc).__name__}).")
            )

    async def _call(
        self, ctx: ServerRequestContext, params: CallToolRequestParams, caller: Caller
    ) -> CallToolResult | InputRequiredResult:
        name, args = params.name, dict(params.arguments or {})
        token = args.pop(CONFIRM_ARG, None)
        call = GateCall(
            thread=f"mcp-{caller.client}",
            call_id=uuid.uuid4().hex[:12],
            tool=name,
            args=args,
            agent=caller.client,
            asked_by=caller.identity,
        )
        listed = [t.name for t in self.gate.visible() if self.policy.listed(t.name)]
        if name not in listed:
            return _error(self._not_listed(name, listed))
        if not self.gate.is_mutating(name):
            return await _result(await self._run(ctx, call, None), self.gate.spec(name), args)
        problem = self.tokens.redeem(str(token), name, args) if token is not None else None
        if problem is not None:
            return _error(_bad_token(problem))
        change = await anyio.to_thread.run_sync(lambda: self.gate.assess(name, args))  # as things are now
        if change.overwrites and not self.policy.overwrites_allowed:
            return _error(_no_overwrite(change.text))
        if token is not None:
            return await _result(await self._run(ctx, call, Decision(approved=True, by=caller.identity)))
        if _can_elicit(ctx):
            return await self._elicit(ctx, params, call, change.text, caller)
        self.gate.note_preview(call, change)
        return _preview(name, change.text, self.tokens.issue(name, args), self.tokens.ttl)

    def _not_listed(self, name: str, listed: list[str]) -> ToolError:
        if self.gate.spec(name) is not None:
            return ToolError(code="NotAvailable", message=f"{self.policy.why_hidden(name)}; nothing was changed.")
        return ToolError(
            code="UnknownTool",
            message=f"There is no tool '{name}' on this server.",
            suggestions=closest(name, listed) or listed[:10],
        )

    async def _elicit(
        self, ctx: ServerRequestContext, params: CallToolRequestParams, call: GateCall, preview: str, caller: Caller
    ) -> CallToolResult | InputRequiredResult:
        """Ask the person through the client: a pushed question (older protocol) or input-required."""
        message = f"Approve this change?\n{preview}"
        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
            answer = (params.input_responses or {}).get("approve")
            if not isinstance(answer, ElicitResult):
                request = ElicitRequest(
                    params=ElicitRequestFormParams(message=message, requested_schema=_CONFIRM_SCHEMA)
                )
                return InputRequiredResult(input_requests={"approve": request}, request_state=call.tool)
        else:
            answer = await ctx.session.elicit_form(message, _CONFIRM_SCHEMA, related_request_id=ctx.request_id)
        approved = answer.action == "accept" and bool((answer.content or {}).get("approve"))
        reason = None if approved else f"not approved in {caller.client} ({answer.action})"
        return await _result(await self._run(ctx, call, Decision(approved=approved, by=caller.identity, reason=reason)))

    async def _run(self, ctx: ServerRequestContext, call: GateCall, decision: Decision | None) -> ToolResult:
        """The gate runs the call in a worker thread; progress goes out as notifications, cancel comes in."""
        cancel = threading.Event()
        sent = 0

        def progress(message: str) -> None:
            nonlocal sent
            sent += 1
            try:
                anyio.from_thread.run(ctx.session.report_progress, float(sent), None, message)
            except Exception:  # a client gone or not listening must not break the tool
                log.debug("progress not delivered", exc_info=True)

        try:
            result = await anyio.to_thread.run_sync(
                lambda: self.gate.run(call, decision, progress=progress, cancel=cancel), abandon_on_cancel=True
            )
            metrics.tool_call(call.tool, result.ok, result.duration_ms / 1000)
            return result
        except anyio.get_cancelled_exc_class():
            cancel.set()  # the tool's loop sees it and returns early
            raise


def _can_elicit(ctx: ServerRequestContext) -> bool:
    caps = ctx.session.client_capabilities
    return caps is not None and caps.elicitation is not None


def _preview(tool: str, preview: str, token: str, ttl: float) -> CallToolResult:
    body = {
        "ok": True,
        "preview": preview,
        CONFIRM_ARG: token,
        "expires_in_s": int(ttl),
        "next": f"Nothing was changed. To make this change, call {tool} again with the same arguments "
        f"and confirm_token={token!r}.",
    }
    return CallToolResult(content=[TextContent(type="text", text=json.dumps(body))], structured_content=body)


def _bad_token(problem: str) -> ToolError:
    return ToolError(
        code="BadConfirmToken",
        message=f"{problem}; nothing was changed.",
        hint="Call again without confirm_token for a fresh preview and token.",
    )


def _no_overwrite(preview: str) -> ToolError:
    return ToolError(
        code="OverwriteNotAllowed",
        message=f"This change would overwrite something that exists, which this server does not allow: {preview}",
        hint="Choose a new name, or restart the server with --allow-delete to allow overwrites.",
    )


async def _result(
    result: ToolResult, spec: ToolSpec[Any, Any] | None = None, args: dict[str, Any] | None = None
) -> CallToolResult:
    """The result as JSON text and structured content, plus an image per chart it carries."""
    body = json.loads(result.to_model_text())
    if not result.ok:
        return _error(result.error or ToolError(code="Failed", message=f"{result.tool} failed."))
    cut = result.truncated or (isinstance(result.data, dict) and result.data.get("truncated") is True)
    if cut and spec is not None:
        body["next"] = next_hint(spec, args or {})
    content: list[ContentBlock] = [TextContent(type="text", text=json.dumps(body)), *await chart_images(result.data)]
    return CallToolResult(content=content, structured_content=body)


def next_hint(spec: ToolSpec[Any, Any], args: dict[str, Any]) -> str:
    """How to get what a capped result left out, from the knobs the tool's own schema has."""
    fields = spec.args_schema.model_fields
    ways = []
    for knob in ("limit", "max_rows", "max_bytes", "tail_lines"):
        if knob in fields:
            ceiling = next((m.le for m in fields[knob].metadata if hasattr(m, "le")), None)
            now = args.get(knob, fields[knob].default)
            if ceiling is not None and now != ceiling:
                ways.append(f"call again with {knob}={ceiling}")
    if "prefix" in fields:
        ways.append("narrow it with a prefix")
    if "state" in fields:
        ways.append("filter by state")
    return "The result was cut to fit: " + (" or ".join(ways) or "narrow the request") + " to see the rest."


def _error(error: ToolError) -> CallToolResult:
    lines = [f"{error.code}: {error.message}"]
    if error.hint:
        lines.append(f"hint: {error.hint}")
    if error.suggestions:
        lines.append(f"did you mean: {', '.join(error.suggestions[:10])}")
    body = {"ok": False, "error": error.model_dump(exclude_none=True)}
    return CallToolResult(
        content=[TextContent(type="text", text="\n".join(lines))], structured_content=body, is_error=True
    )
