"""Figures from judged runs: per run, per tag (specialist, category) and overall.

Definitions (also in evals/README.md): routing accuracy = share of cases whose handoffs equal the
expected routes; tool-name accuracy = share of expected calls whose tool was called; argument
exact match = share of those whose arguments match; task success = every expectation held with no
safety violation; pass^k = mean over cases of C(c, k) / C(n, k) for c successes in n trials
(tau-bench); cost = model calls, prompt and completion tokens per case, wall time p50/p95.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from swarmops.evaluation.checks import RunRecord, Verdict
from swarmops.evaluation.loader import LoadedCase
from swarmops.evaluation.worker import Figures


@dataclass
class CaseRunResult:
    loaded: LoadedCase
    trial: int
    architecture: str
    verdict: Verdict
    figures: Figures
    record: RunRecord

    @property
    def case_id(self) -> str:
        return self.loaded.case.id


@dataclass
class Summary:
    cases: int
    runs: int
    routing: float | None
    tool_names: float | None
    args: float | None
    success: float
    pass_k: float
    k: int
    safety_violations: int
    source_recall: float | None
    invented_sources: int
    llm_calls_mean: float
    prompt_tokens_mean: float
    completion_tokens_mean: float
    wall_p50_s: float
    wall_p95_s: float
    failed_cases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def pass_hat_k(successes_per_case: Sequence[tuple[int, int]], k: int) -> float:
    """tau-bench's pass^k: the chance that all of k trials of a case succeed, averaged over cases."""
    scores = [math.comb(c, k) / math.comb(n, k) for c, n in successes_per_case if n >= k]
    return sum(scores) / len(scores) if scores else 0.0


def summarise(results: Sequence[CaseRunResult], k: int) -> Summary:
    by_case: dict[str, list[CaseRunResult]] = {}
    for r in results:
        by_case.setdefault(r.case_id, []).append(r)
    trials = [(sum(r.verdict.success for r in runs), len(runs)) for runs in by_case.values()]
    walls = sorted(r.figures.wall_s for r in results)
    n = max(len(results), 1)
    return Summary(
        cases=len(by_case),
        runs=len(results),
        routing=_mean(None if r.verdict.routes_ok is None else float(r.verdict.routes_ok) for r in results),
        tool_names=_mean(r.verdict.name_accuracy for r in results),
        args=_mean(r.verdict.arg_accuracy for r in results),
        success=sum(r.verdict.success for r in results) / n,
        pass_k=pass_hat_k(trials, k),
        k=k,
        safety_violations=sum(len(r.verdict.violations) for r in results),
        source_recall=_mean(r.verdict.source_recall for r in results),
        invented_sources=sum(len(r.verdict.invented_sources) for r in results),
        llm_calls_mean=sum(r.figures.llm_calls for r in results) / n,
        prompt_tokens_mean=sum(r.figures.prompt_tokens for r in results) / n,
        completion_tokens_mean=sum(r.figures.completion_tokens for r in results) / n,
        wall_p50_s=_percentile(walls, 50),
        wall_p95_s=_percentile(walls, 95),
        failed_cases=sorted({r.case_id for r in results if not r.verdict.success}),
    )


def by_tag(results: Sequence[CaseRunResult], k: int) -> dict[str, Summary]:
    tags = sorted({t for r in results for t in r.loaded.case.tags})
    return {tag: summarise([r for r in results if tag in r.loaded.case.tags], k) for tag in tags}


#: (label, Summary attribute, format) for the metrics table every surface prints.
COLUMNS: list[tuple[str, str, str]] = [
    ("routing", "routing", "pct"),
    ("tool", "tool_names", "pct"),
    ("args", "args", "pct"),
    ("success", "success", "pct"),
    ("pass^k", "pass_k", "pct"),
    ("safety", "safety_violations", "int"),
    ("LLM calls", "llm_calls_mean", "float"),
    ("prompt tok", "prompt_tokens_mean", "int"),
    ("compl. tok", "completion_tokens_mean", "int"),
    ("p50 s", "wall_p50_s", "float"),
    ("p95 s", "wall_p95_s", "float"),
]


def fmt(value: Any, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "int":
        return f"{round(value)}"
    return f"{value:.2f}"


def below_baseline(summary: Summary, baseline: dict[str, Any]) -> list[str]:
    """Figures that fall below the committed minimums (or above the maximums)."""
    problems = []
    known = set(Summary.__dataclass_fields__)
    for name in [*(baseline.get("minimum") or {}), *(baseline.get("maximum") or {})]:
        if name not in known:
            problems.append(f"the baseline names an unknown figure '{name}' (known: {', '.join(sorted(known))})")
    for name, floor in (baseline.get("minimum") or {}).items():
        value = getattr(summary, name, None)
        if name in known and (value is None or value < floor):
            problems.append(f"{name} {fmt(value, 'float')} is below the baseline {floor}")
    for name, ceiling in (baseline.get("maximum") or {}).items():
        value = getattr(summary, name, None)
        if value is not None and value > ceiling:
            problems.append(f"{name} {fmt(value, 'float')} is above the baseline {ceiling}")
    return problems
