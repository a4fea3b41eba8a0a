"""`swarmops doctor`: what swarmops will use, and whether each piece answers right now."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from swarmops.masking import Masker


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    ms: float


def _timed(name: str, probe: Callable[[], str], masker: Masker) -> Check:
    start = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # a failed probe is the finding, not a crash
        detail, ok = f"{type(exc).__name__}: {exc}", False
    return Check(name, ok, masker.text(detail), (time.perf_counter() - start) * 1000)


def check_model(settings: Any) -> str:
    if not settings.uses_endpoint:
        return "offline planner (no OPENAI_API_KEY / OPENAI_BASE_URL configured)"
    import httpx

    base = (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {}
    if settings.openai_api_key:
        headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
    resp = httpx.get(f"{base}/models", headers=headers, timeout=5.0)
    resp.raise_for_status()
    ids = [m.get("id") for m in resp.json().get("data", [])]
    found = "listed" if settings.model in ids else f"NOT listed ({len(ids)} models available)"
    return f"{base} answers; model {settings.model} {found}"


def check_storage(backends: Any) -> str:
    buckets = backends.storage.client.list_buckets()
    return f"{backends.storage.endpoint}: {len(buckets)} bucket(s)"


def check_kfp(settings: Any, backends: Any) -> str:
    """The KFP API answers healthz and lists pipelines; reports its version when it says one."""
    import httpx

    client = backends.kfp.client  # starts the embedded API when no host is configured
    host = settings.kfp_host or backends.start_embedded_kfp()
    headers = {}
    if settings.kfp_token:
        headers["Authorization"] = f"Bearer {settings.kfp_token.get_secret_value()}"
    if settings.kfp_cookies:
        headers["Cookie"] = settings.kfp_cookies.get_secret_value()
    health = httpx.get(f"{host.rstrip('/')}/apis/v2beta1/healthz", headers=headers, timeout=5.0).json()
    version = health.get("tag_name") or health.get("version") or "version not reported"
    total = client.list_pipelines(page_size=1).total_size or 0
    return f"{backends.kfp.host}: {version}, {total} pipeline(s)"


def check_knowledge(settings: Any, backends: Any) -> str:
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


def run_doctor(settings: Any, console: Console) -> int:
    from swarmops.backends import Backends

    masker = Masker(settings.secret_values())
    table = Table("setting", "value", title="swarmops settings")
    for key, value in settings.public_view().items():
        table.add_row(key, masker.text(str(value)))
    console.print(table)
    with Backends(settings) as backends:
        masker = Masker(lambda: [*settings.secret_values(), *backends.secret_values()])
        checks = [
            _timed("model", lambda: check_model(settings), masker),
            _timed("object storage", lambda: check_storage(backends), masker),
            _timed("kubeflow pipelines", lambda: check_kfp(settings, backends), masker),
            _timed("knowledge base", lambda: check_knowledge(settings, backends), masker),
        ]
    health = Table("backend", "status", "detail", "time", title="health")
    for c in checks:
        health.add_row(c.name, "[green]ok[/]" if c.ok else "[red]failing[/]", c.detail, f"{c.ms:.0f} ms")
    console.print(health)
    return 0 if all(c.ok for c in checks) else 1
