"""`swarmops eval`: load cases, run them on isolated workers, judge, report, compare with a baseline.

Exit codes: 0 all figures at or above the baseline and no safety violation; 1 a figure fell below
the baseline or a safety violation occurred; 2 the cases (or options) could not be used, reported
before anything ran.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from rich.console import Console
from rich.table import Table

from agents.retry import ModelRetry
from swarmops.evaluation.checks import RunRecord, judge
from swarmops.evaluation.loader import LoadedCase, load_cases
from swarmops.evaluation.metering import TOKENIZER_NAME, MeteredModel
from swarmops.evaluation.metrics import COLUMNS, CaseRunResult, below_baseline, fmt, summarise
from swarmops.evaluation.report import write_all
from swarmops.evaluation.worker import Figures, Options, Worker
from swarmops.render import progress_bar
from swarmops.settings import Settings

ARCHITECTURES = ("swarm", "flat")


class EvalUsageError(ValueError):
    """Options that cannot work (no endpoint configured for --model endpoint, a missing baseline...)."""


@dataclass
class EvalOptions:
    paths: list[Path]
    model: str = "offline"
    repeat: int = 1
    jobs: int = 2
    out: Path = Path("eval-out")
    baseline: Path | None = None
    only: list[str] = field(default_factory=list)
    architectures: list[str] = field(default_factory=lambda: ["swarm"])


def _tools() -> tuple[set[str], set[str]]:
    """(every tool name, the mutating ones), from the real registries."""
    from tools.docs import DOCS_TOOLS
    from tools.kfp import KFP_TOOLS
    from tools.storage import STORAGE_TOOLS

    specs = [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]
    return {t.name for t in specs}, {t.name for t in specs if t.mutating}


def model_factory(kind: str, settings: Settings) -> tuple[Callable[[], BaseChatModel], str, ModelRetry | None]:
    """A factory of metered models (one per worker), the label for reports, the retry policy."""
    if kind == "offline":
        from agents.planner.model import OfflinePlanner

        return (lambda: MeteredModel(inner=OfflinePlanner())), "offline planner", None
    if kind != "endpoint":
        raise EvalUsageError(f"--model is offline or endpoint, not {kind!r}")
    if not (settings.openai_api_key or settings.openai_base_url):
        raise EvalUsageError("--model endpoint needs OPENAI_BASE_URL and/or OPENAI_API_KEY (and SWARMOPS_MODEL)")
    from swarmops.model import make_chat_model, model_retry_policy

    live = settings.model_copy(update={"model_provider": "openai"})
    return (lambda: MeteredModel(inner=make_chat_model(live))), live.model_label, model_retry_policy(live)


def knowledge_template() -> Path:
    """The built-in docs indexed once, then copied into every worker: indexing costs 10 s or more.

    Kept in the user's cache directory, keyed by the corpus fingerprint, so later eval runs reuse it.
    """
    from platformdirs import user_cache_dir

    from knowledge.builtin import builtin_fingerprint
    from swarmops.backends import Backends

    root = Path(user_cache_dir("swarmops")) / "eval-knowledge" / builtin_fingerprint()[:16]
    if (root / "knowledge" / "builtin.fingerprint").is_file():
        return root / "knowledge"
    staging = root.with_name(f"{root.name}.{os.getpid()}.tmp")
    settings = Settings(data_dir=staging, s3_endpoint=None, kfp_host=None, chroma_url=None)
    with Backends(settings) as backends:
        backends.open_knowledge()
    shutil.rmtree(root, ignore_errors=True)
    os.replace(staging, root)
    return root / "knowledge"


def needs_docs(cases: Sequence[LoadedCase]) -> bool:
    """Whether any case will (or is meant to) use the knowledge base."""
    for loaded in cases:
        case = loaded.case
        if "docs" in case.tags or case.setup.documents or "docs" in (case.expect.routes or []):
            return True
    return False


async def _run_architecture(
    architecture: str,
    queue: list[tuple[LoadedCase, int]],
    settings: Settings,
    options: Options,
    root: Path,
    jobs: int,
    progress: Callable[[str], None],
) -> list[tuple[LoadedCase, int, RunRecord, Figures]]:
    pending: asyncio.Queue[tuple[LoadedCase, int]] = asyncio.Queue()
    for item in queue:
        pending.put_nowait(item)
    done: list[tuple[LoadedCase, int, RunRecord, Figures]] = []

    async def work(index: int) -> None:
        async with Worker(index, root / architecture, settings, options).opened() as worker:
            while not pending.empty():
                loaded, trial = pending.get_nowait()
                record, figures = await worker.run(loaded, trial)
                done.append((loaded, trial, record, figures))
                progress(f"{architecture}: {loaded.case.id}")

    await asyncio.gather(*(work(i) for i in range(max(1, min(jobs, len(queue))))))
    order = {(c.case.id, t): i for i, (c, t) in enumerate(queue)}
    return sorted(done, key=lambda d: order[(d[0].case.id, d[1])])


async def run_eval(opts: EvalOptions, settings: Settings, console: Console) -> int:
    names, mutating = _tools()
    for arch in opts.architectures:
        if arch not in ARCHITECTURES:
            raise EvalUsageError(f"--architecture is swarm or flat, not {arch!r}")
    if opts.repeat < 1 or opts.jobs < 1:
        raise EvalUsageError("--repeat and --jobs must be at least 1")
    baseline = _read_baseline(opts.baseline)
    cases = load_cases(opts.paths, names)
    if opts.only:
        cases = [c for c in cases if set(opts.only) & set(c.case.tags)]
        if not cases:
            raise EvalUsageError(f"no case is tagged {' or '.join(opts.only)}")
    skipped = [c for c in cases if c.case.skip]
    cases = [c for c in cases if not c.case.skip]
    factory, label, retry = model_factory(opts.model, settings)
    queue = [(c, t) for c in cases for t in range(opts.repeat)]
    results: dict[str, list[CaseRunResult]] = {}
    # A temp dir that cannot be removed must not cost the run's figures (the report is written after).
    with (
        tempfile.TemporaryDirectory(prefix="swarmops-eval-", ignore_cleanup_errors=True) as tmp,
        progress_bar(console) as bar,
    ):
        root = Path(tmp)
        task = bar.add_task("starting", total=len(queue) * len(opts.architectures))
        template = None
        if needs_docs(cases):
            bar.update(task, description="indexing the built-in docs (first eval run only)")
            template = await asyncio.to_thread(knowledge_template)
        known_sources = await asyncio.to_thread(_sources, template) if template else set()
        worker_options = {a: Options(a, factory, retry, template) for a in opts.architectures}
        for arch in opts.architectures:

            def advance(what: str) -> None:
                bar.update(task, advance=1, description=what[:60])

            ran = await _run_architecture(arch, queue, settings, worker_options[arch], root, opts.jobs, advance)
            results[arch] = [
                CaseRunResult(c, t, arch, judge(c.case, rec, known_sources, mutating), fig, rec)
                for c, t, rec, fig in ran
            ]
    paths = write_all(opts.out, results, opts.repeat, label, TOKENIZER_NAME, skipped, frozenset(names))
    _print_summary(console, results, opts.repeat, label)
    if skipped:
        console.print(f"[yellow]{len(skipped)} case(s) skipped[/] (each says why; listed in report.md)")
    console.print(f"[dim]report: {paths['report.md']} · results: {paths['results.json']}, results.jsonl · charts[/]")
    return _verdict(console, results, opts.repeat, baseline)


def _sources(template: Path) -> set[str]:
    from knowledge.embeddings import Embedder
    from knowledge.store import KnowledgeBase

    return {s.source for s in KnowledgeBase(template, embedder=Embedder()).sources()}


def _read_baseline(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise EvalUsageError(f"cannot read the baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise EvalUsageError(f"the baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise EvalUsageError(f"the baseline {path} must be a JSON object with minimum/maximum figures")
    return data


def _verdict(console: Console, results: dict[str, list[CaseRunResult]], k: int, baseline: dict | None) -> int:
    code = 0
    for arch, runs in results.items():
        summary = summarise(runs, k)
        if summary.safety_violations:
            console.print(f"[bold red]{arch}: {summary.safety_violations} safety violation(s)[/] (see report.md)")
            code = 1
        section = (baseline or {}).get(arch, baseline) if baseline else None
        for problem in below_baseline(summary, section or {}):
            console.print(f"[bold red]{arch}: {problem}[/]")
            code = 1
    return code


def _print_summary(console: Console, results: dict[str, list[CaseRunResult]], k: int, model: str) -> None:
    """One row per metric, one column per architecture: fits a terminal however many metrics there are."""
    summaries = {arch: summarise(runs, k) for arch, runs in results.items()}
    table = Table("metric", *summaries, title=f"swarmops eval · {model} · k={k}")
    table.add_row("cases", *(str(s.cases) for s in summaries.values()))
    for label, attr, kind in COLUMNS:
        table.add_row(label, *(fmt(getattr(s, attr), kind) for s in summaries.values()))
    console.print(table)


def default_paths(explicit: Sequence[Path]) -> list[Path]:
    if explicit:
        return list(explicit)
    bundled = Path(__file__).resolve().parents[2] / "evals" / "cases"
    if not bundled.is_dir():
        raise EvalUsageError("give the case files or directories to run (the bundled suite is not installed here)")
    return [bundled]
