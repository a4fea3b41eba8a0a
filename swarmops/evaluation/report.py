"""Writing an eval run to disk: report.md for people, results.json / results.jsonl for machines, PNGs.

results.json has a stable schema (`"schema": "swarmops-eval/1"`): add fields, never rename them.
results.jsonl holds one line per case run with its full event trace, for debugging a failure
without running it again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from swarmops.evaluation.loader import LoadedCase
from swarmops.evaluation.metrics import COLUMNS, CaseRunResult, Summary, by_tag, fmt, summarise

SCHEMA = "swarmops-eval/1"


def _run_dict(r: CaseRunResult) -> dict[str, Any]:
    v, f = r.verdict, r.figures
    return {
        "trial": r.trial,
        "success": v.success,
        "routes_ok": v.routes_ok,
        "name_accuracy": v.name_accuracy,
        "arg_accuracy": v.arg_accuracy,
        "source_recall": v.source_recall,
        "invented_sources": v.invented_sources,
        "failures": v.failures,
        "violations": v.violations,
        "llm_calls": f.llm_calls,
        "prompt_tokens": f.prompt_tokens,
        "completion_tokens": f.completion_tokens,
        "wall_s": round(f.wall_s, 3),
        "error": r.record.error,
    }


def _cases(results: Sequence[CaseRunResult]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in results:
        where = {"file": str(r.loaded.file), "line": r.loaded.line}
        entry = out.setdefault(r.case_id, {"id": r.case_id, **where, "tags": r.loaded.case.tags, "runs": []})
        entry["runs"].append(_run_dict(r))
    return list(out.values())


def results_document(
    results: dict[str, Sequence[CaseRunResult]], k: int, model: str, tokenizer: str, skipped: Sequence[LoadedCase] = ()
) -> dict:
    return {
        "schema": SCHEMA,
        "model": model,
        "tokenizer": tokenizer,
        "repeat": k,
        "skipped": [{"id": c.case.id, "file": str(c.file), "line": c.line, "reason": c.case.skip} for c in skipped],
        "architectures": {
            arch: {
                "summary": summarise(runs, k).as_dict(),
                "by_tag": {t: s.as_dict() for t, s in by_tag(runs, k).items()},
                "cases": _cases(runs),
            }
            for arch, runs in results.items()
        },
    }


def _table(rows: list[tuple[str, Summary]], first: str) -> list[str]:
    head = [first, "cases", *(label for label, _, _ in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in rows:
        cells = [name, str(s.cases), *(fmt(getattr(s, attr), kind) for _, attr, kind in COLUMNS)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(
    results: dict[str, Sequence[CaseRunResult]], k: int, model: str, tokenizer: str, skipped: Sequence[LoadedCase] = ()
) -> str:
    lines = [
        "# swarmops eval",
        "",
        f"Model: {model}. Tokens counted with {tokenizer}. Trials per case: {k} (pass^k uses k = {k}).",
        "",
        "## Overall",
        "",
        *_table([(arch, summarise(runs, k)) for arch, runs in results.items()], "architecture"),
        "",
        "![task success by tag](accuracy_by_tag.png)",
        "",
        "![cost per case](cost_per_case.png)",
    ]
    for arch, runs in results.items():
        lines += ["", f"## By tag ({arch})", "", *_table(sorted(by_tag(runs, k).items()), "tag")]
    for arch, runs in results.items():
        failed = [r for r in runs if not r.verdict.success]
        lines += ["", f"## Failed cases ({arch}): {len({r.case_id for r in failed})}", ""]
        for r in failed:
            where = f"{r.loaded.file}:{r.loaded.line}"
            lines.append(f"- **{r.case_id}** (trial {r.trial}, {where}): {r.loaded.case.said[-1].say!r}")
            lines += [f"  - {reason}" for reason in r.verdict.failures]
    if skipped:
        lines += ["", f"## Skipped cases: {len(skipped)}", ""]
        lines += [f"- **{c.case.id}** ({c.file}:{c.line}): {c.case.skip}" for c in skipped]
    return "\n".join(lines) + "\n"


def write_all(
    out: Path,
    results: dict[str, Sequence[CaseRunResult]],
    k: int,
    model: str,
    tokenizer: str,
    skipped: Sequence[LoadedCase] = (),
    chart_without: frozenset[str] = frozenset(),
) -> dict[str, Path]:
    """Everything for one run; `chart_without`: tags left out of the chart (per-tool tags stay in the tables)."""
    from swarmops.evaluation import charts

    out.mkdir(parents=True, exist_ok=True)
    doc = results_document(results, k, model, tokenizer, skipped)
    paths = {
        "results.json": out / "results.json",
        "results.jsonl": out / "results.jsonl",
        "report.md": out / "report.md",
    }
    paths["results.json"].write_text(json.dumps(doc, indent=1, default=str))
    with paths["results.jsonl"].open("w") as fh:
        for arch, runs in results.items():
            for r in runs:
                line = {
                    "architecture": arch,
                    "id": r.case_id,
                    **_run_dict(r),
                    "state": [asdict(c) for c in r.record.state],
                    "changes": r.record.changes,
                    "turns": [[e.model_dump(mode="json") for e in turn] for turn in r.record.turns],
                }
                fh.write(json.dumps(line, default=str) + "\n")
    paths["report.md"].write_text(markdown(results, k, model, tokenizer, skipped))
    tags = {
        arch: {t: s for t, s in by_tag(runs, k).items() if t not in chart_without} for arch, runs in results.items()
    }
    paths["accuracy_by_tag.png"] = charts.accuracy_by_tag(tags, out / "accuracy_by_tag.png")
    paths["cost_per_case.png"] = charts.cost_per_case(results, out / "cost_per_case.png")
    return paths
