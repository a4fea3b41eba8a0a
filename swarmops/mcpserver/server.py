"""Serving swarmops' tools over MCP: stdio (default) or streamable HTTP with a bearer token.

The low-level server of the official SDK is used because the tools already have exact pydantic
schemas: one list handler and one call handler serve every specialist's tools (calls.py). Over
HTTP the server binds to loopback unless told otherwise, requires `SWARMOPS_MCP_TOKEN` as a bearer
token (compared in constant time) and checks Host and Origin against DNS rebinding. With
`SWARMOPS_DATABASE_URL` it keeps nothing in the process (stateless HTTP, confirm tokens and audit
in the database), so any number of replicas behind one Service serve a client.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from mcp.server import Server, ServerRequestContext
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    InputRequiredResult,
    ListToolsResult,
    PaginatedRequestParams,
)
from pydantic import AnyHttpUrl
from starlette.applications import Starlette

from agents.registry import Specialist
from swarmops.mcpserver.calls import Caller, McpTools
from swarmops.mcpserver.policy import Policy
from swarmops.mcpserver.tokens import DEFAULT_TTL_S, ConfirmTokens, TokenStore, open_token_store
from swarmops.opsserver import ops_endpoint
from swarmops.settings import Settings
from tools.audit import AuditSink
from tools.gate import GateTool, Identity, ToolGate
from tools.masking import Masker

MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "swarmops: Kubeflow Pipelines (pipelines, runs, metrics, logs), object storage (buckets, objects) and "
    "documentation search. Changes are two-phase: call a mutating tool without confirm_token to get a preview "
    "and a token, show the preview to the user, and call again with the token only if they agree."
)


def make_tools(
    specialists: Sequence[Specialist],
    settings: Settings,
    policy: Policy,
    masker: Masker,
    audit: AuditSink,
    ttl: float = DEFAULT_TTL_S,
    tokens: TokenStore | None = None,
) -> McpTools:
    """The MCP view of every specialist's tools, behind one gate that audits where the session does."""
    if settings.read_only:
        policy = Policy(allow_write=False, allow_delete=False, allow=policy.allow, deny=policy.deny)
    gate = ToolGate(
        [GateTool(s.name, tool, s.context) for s in specialists for tool in s.tools],
        read_only=settings.read_only,
        masker=masker,
        audit=audit,
    )
    return McpTools(gate, policy, ConfirmTokens(ttl, store=tokens))


@contextlib.contextmanager
def open_tools(settings: Settings, policy: Policy) -> Iterator[McpTools]:
    """The tools on the configured backends; embedded ones start on first use and are left when this exits."""
    from swarmops.backends import Backends
    from swarmops.conversations import open_audit

    with Backends(settings) as backends, open_token_store(settings) as tokens:
        masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
        with open_audit(settings, Path(settings.data_dir), masker) as audit:
            yield make_tools(backends.specialists(), settings, policy, masker, audit, tokens=tokens)


def build_server(tools: McpTools, local_user: str) -> Server:
    """`local_user` is who asks over stdio (the person who started the server); over HTTP, the token's holder."""

    async def list_tools(ctx: ServerRequestContext, params: PaginatedRequestParams | None) -> ListToolsResult:
        return ListToolsResult(tools=tools.listed())

    async def call_tool(
        ctx: ServerRequestContext, params: CallToolRequestParams
    ) -> CallToolResult | InputRequiredResult:
        return await tools.call(ctx, params, _caller(ctx, local_user))

    from importlib.metadata import version

    return Server(
        "swarmops",
        version=version("swarmops"),
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _caller(ctx: ServerRequestContext, local_user: str) -> Caller:
    params = ctx.session.client_params
    info = params.client_info if params is not None else None
    if info is not None:
        client = f"{info.name} {info.version}".strip()
    else:  # stateless HTTP: no session remembers the client's introduction, its User-Agent says who it is
        agent = ctx.request.headers.get("user-agent") if ctx.request is not None else None
        client = agent[:80] if agent else "unknown MCP client"
    token = get_access_token()
    user = (token.subject or token.client_id) if token is not None else local_user
    return Caller(Identity(surface="mcp", user=user or local_user), client)


async def serve_stdio(server: Server) -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


class _StaticToken(TokenVerifier):
    """The one bearer token of this server (SWARMOPS_MCP_TOKEN), compared in constant time."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._secret):
            return AccessToken(token=token, client_id="swarmops-mcp-token", scopes=[], subject="token-holder")
        return None


def http_app(
    server: Server,
    host: str,
    port: int,
    token: str,
    allowed_origins: Sequence[str] = (),
    names: Sequence[str] = (),
    stateless: bool = False,
) -> Starlette:
    """The ASGI app at /mcp: bearer token required; Host and Origin checked (loopback names by default;
    `names` adds the ones clients use elsewhere, such as a cluster Service's). `stateless` keeps no MCP
    session between requests, so each may reach a different replica."""
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"] + (
        [f"{host}:*"] if host not in ("127.0.0.1", "localhost") else []
    )
    hosts += [f"{name}:*" for name in names] + list(names)
    origins = [f"http://{h}" for h in hosts] + [f"https://{h}" for h in hosts] + list(allowed_origins)
    app: Any = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=stateless,
        host=host,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
        ),
        token_verifier=_StaticToken(token),
        auth=AuthSettings(issuer_url=AnyHttpUrl(f"http://{host}:{port}"), resource_server_url=None, required_scopes=[]),
    )
    return app


async def serve_http(
    server: Server, host: str, port: int, token: str, names: Sequence[str] = (), stateless: bool = False
) -> None:
    app = http_app(server, host, port, token, names=names, stateless=stateless)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    await uvicorn.Server(config).serve()


async def serve(settings: Settings, policy: Policy, http: tuple[str, int] | None, local_user: str) -> None:
    with open_tools(settings, policy) as tools:
        server = build_server(tools, local_user)
        async with ops_endpoint(settings.metrics_host, settings.metrics_port, lambda: None):
            await _serve(server, settings, http)


async def _serve(server: Server, settings: Settings, http: tuple[str, int] | None) -> None:
    if http is None:
        await serve_stdio(server)
    else:
        token = settings.mcp_token.get_secret_value() if settings.mcp_token else ""
        stateless = settings.database_url is not None  # a team's replicas share the database, not the process
        await serve_http(server, http[0], http[1], token, settings.mcp_allowed_hosts, stateless)
