"""`swarmops doctor`: what swarmops will use, and whether each piece answers right now.

Findings are sentences a person can act on ("cannot connect to 127.0.0.1:9 (connection
refused)"), never exception reprs. Storage and pipelines are checked through the same tools the
agents use (`tools.base.run_tool`), so the doctor says exactly what an agent would be told.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tools.masking import Masker

if TYPE_CHECKING:
    from swarmops.backends import Backends
    from swarmops.settings import Settings
    from tools.base import ToolResult

#: Seconds the doctor waits for an HTTP answer (the model's /models, KFP's /healthz).
PROBE_TIMEOUT_S = 5.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    ms: float


class Finding(Exception):
    """A check's negative result, already in words (a tool's error message, an HTTP status)."""


def describe(exc: BaseException) -> str:
    """Any exception a probe may raise, as one sentence: a Finding as it is, transport errors in words."""
    import httpx

    if isinstance(exc, Finding):
        return str(exc)
    if isinstance(exc, httpx.HTTPError):
        from swarmops.model import describe_http_failure

        url = str(exc.request.url) if _has_request(exc) else "the server"
        return describe_http_failure(exc, url)
    from tools.kfp.errors import is_transport, transport_reason

    if is_transport(exc):  # urllib3 / socket errors from an SDK
        return f"cannot reach the server ({transport_reason(exc)})"
    text = str(exc).strip()
    return text if text else type(exc).__name__


def _has_request(exc: BaseException) -> bool:
    try:
        return getattr(exc, "request", None) is not None
    except RuntimeError:  # httpx raises when no request is attached
        return False


def run_check(name: str, probe: Callable[[], str], masker: Masker) -> Check:
    """Run one probe, timing it; whatever it raises becomes the check's finding, in words."""
    start = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # a failed probe is the finding, not a crash
        detail, ok = describe(exc), False
    return Check(name, ok, masker.text(detail), (time.perf_counter() - start) * 1000)


def _tool_error(result: ToolResult) -> Finding:
    """A tool's error as the doctor's finding: its message, plus its hint when that says more than
    "run swarmops doctor" (which is what the person is doing)."""
    error = result.error
    if error is None:
        return Finding(f"{result.tool} failed")
    hint = re.sub(r"\s*\([^)]*swarmops doctor[^)]*\)", "", error.hint or "")
    hint = " ".join(part for part in re.split(r"(?<=\.)\s+(?=[A-Z])", hint) if "swarmops doctor" not in part)
    return Finding(f"{error.message} {hint}".strip())


def check_model(settings: Settings) -> str:
    if not settings.uses_endpoint:
        return "offline planner (no OPENAI_API_KEY / OPENAI_BASE_URL configured)"
    import httpx

    from swarmops.model import DEFAULT_BASE_URL, describe_http_failure, endpoint_label, status_words

    base = (settings.openai_base_url or DEFAULT_BASE_URL).rstrip("/")
    label = endpoint_label(settings.openai_base_url)
    headers = {}
    if settings.openai_api_key:
        headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
    timeout = httpx.Timeout(PROBE_TIMEOUT_S, connect=min(PROBE_TIMEOUT_S, settings.llm_connect_timeout))
    try:
        resp = httpx.get(f"{base}/models", headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise Finding(describe_http_failure(exc, label)) from None
    if resp.status_code in (401, 403):
        raise Finding(
            f"HTTP {status_words(resp.status_code)} from {label}: the endpoint rejected the API key; "
            "check OPENAI_API_KEY"
        )
    if resp.status_code >= 400:
        raise Finding(f"HTTP {status_words(resp.status_code)} from {label}/models")
    ids = [m.get("id") for m in resp.json().get("data", [])]
    found = "listed" if settings.model in ids else f"NOT listed ({len(ids)} models available)"
    return f"{label} answers; model {settings.model} {found}"


def check_storage(backends: Backends) -> str:
    """The object store answers list_buckets, asked through the agents' own tool."""
    from tools.base import run_tool
    from tools.storage.buckets import LIST_BUCKETS

    result = run_tool(LIST_BUCKETS, {}, backends.storage)
    if not result.ok:
        raise _tool_error(result)
    return f"{backends.storage.endpoint}: {result.data['count']} bucket(s)"


def check_kfp(settings: Settings, backends: Backends) -> str:
    """The KFP API answers (through the agents' list_pipelines tool); its version when it says one."""
    import httpx

    from swarmops.model import status_words
    from tools.base import run_tool
    from tools.kfp.pipelines import LIST_PIPELINES

    result = run_tool(LIST_PIPELINES, {"limit": 1}, backends.kfp)  # starts the embedded API if needed
    if not result.ok:
        raise _tool_error(result)
    host = settings.kfp_host or backends.start_embedded_kfp()
    headers = {}
    if settings.kfp_token:
        headers["Authorization"] = f"Bearer {settings.kfp_token.get_secret_value()}"
    if settings.kfp_cookies:
        headers["Cookie"] = settings.kfp_cookies.get_secret_value()
    resp = httpx.get(f"{host.rstrip('/')}/apis/v2beta1/healthz", headers=headers, timeout=PROBE_TIMEOUT_S)
    if resp.status_code >= 400:
        raise Finding(f"HTTP {status_words(resp.status_code)} from {host}/apis/v2beta1/healthz")
    health = resp.json()
    version = health.get("tag_name") or health.get("version") or "version not reported"
    total = backends.kfp.client.list_pipelines(page_size=1).total_size or 0
    return f"{backends.kfp.host}: {version}, {total} pipeline(s)"


def check_knowledge(settings: Settings, backends: Backends) -> str:
    """Opens the index without loading the embedding model: counts only."""
    kb = backends.open_knowledge(builtin=False)
    sources = kb.sources()
    origins: dict[str, int] = {}
    for src in sources:
        origins[src.origin or "other"] = origins.get(src.origin or "other", 0) + 1
    where = settings.chroma_url or str(settings.data_dir / "knowledge")
    if not sources:
        return f"{where}: empty (the built-in docs are indexed on the first documentation question)"
    detail = ", ".join(f"{k} {v}" for k, v in sorted(origins.items()))
    return f"{where}: {kb.count()} chunks from {len(sources)} sources ({detail}); {settings.rag_mode} retrieval"


def check_slack(settings: Settings) -> str:
    """The bot token works (auth.test) and the mode `swarmops slack` will run in has what it needs."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    assert settings.slack_bot_token is not None
    client = WebClient(
        settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url, timeout=PROBE_TIMEOUT_S
    )
    try:
        who = client.auth_test()
    except SlackApiError as exc:
        raise Finding(f"Slack refused the bot token ({exc.response.get('error')}); check SLACK_BOT_TOKEN") from None
    except OSError as exc:
        raise Finding(f"cannot reach {settings.slack_api_url}: {describe(exc)}") from None
    modes = []
    if settings.slack_app_token is not None:
        token = settings.slack_app_token.get_secret_value()
        modes.append("Socket Mode ready" if token.startswith("xapp-") else "SLACK_APP_TOKEN is not an xapp- token")
    if settings.slack_signing_secret is not None:
        modes.append("HTTP mode ready")
    ready = "; ".join(modes) or "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
    return f"bot {who.get('user')} in {who.get('team')}; {ready}"


def check_conversations(settings: Settings) -> str:
    """The store threads live in: opened (schema set up), counted; a database that is down is named."""
    from swarmops.conversations import open_threads
    from swarmops.threads import StateStoreError

    try:
        store = open_threads(settings, settings.data_dir)
    except StateStoreError as exc:
        raise Finding(str(exc)) from None
    try:
        count = len(store.list())
    finally:
        store.close()
    shared = " (shared by every swarmops process using it)" if store.shared else ""
    return f"{store.where}{shared}: {count} thread(s)"


def run_checks(settings: Settings, backends: Backends, masker: Masker) -> list[Check]:
    checks = [
        run_check("model", lambda: check_model(settings), masker),
        run_check("conversations", lambda: check_conversations(settings), masker),
        run_check("object storage", lambda: check_storage(backends), masker),
        run_check("kubeflow pipelines", lambda: check_kfp(settings, backends), masker),
        run_check("knowledge base", lambda: check_knowledge(settings, backends), masker),
    ]
    if settings.slack_bot_token is not None:
        checks.append(run_check("slack", lambda: check_slack(settings), masker))
    return checks


def run_doctor(settings: Settings, console: Console) -> int:
    from swarmops.backends import Backends

    masker = Masker(settings.secret_values())
    table = Table("setting", "value", title="swarmops settings")
    for key, value in settings.public_view().items():
        table.add_row(key, escape(masker.text(str(value))))
    console.print(table)
    with Backends(settings) as backends:
        masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
        checks = run_checks(settings, backends, masker)
    health = Table("backend", "status", "detail", "time", title="health")
    for c in checks:
        health.add_row(c.name, "[green]ok[/]" if c.ok else "[red]failing[/]", escape(c.detail), f"{c.ms:.0f} ms")
    console.print(health)
    return 0 if all(c.ok for c in checks) else 1
