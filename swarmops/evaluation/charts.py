"""PNG charts of an eval run (matplotlib, no display): accuracy by tag and cost per case.

matplotlib is imported here only, and only when a report is written, so nothing else pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from swarmops.evaluation.metrics import CaseRunResult, Summary


def _pyplot():  # noqa: ANN202 - matplotlib.pyplot, imported late on purpose
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def accuracy_by_tag(tags: dict[str, dict[str, Summary]], path: Path) -> Path:
    """Grouped bars: task success per tag (specialists and categories), one bar per architecture."""
    plt = _pyplot()
    names = sorted({t for per_arch in tags.values() for t in per_arch})
    archs = list(tags)
    fig, ax = plt.subplots(figsize=(min(16, max(8, 0.35 * len(names) * len(archs))), 4.5))
    width = 0.8 / max(len(archs), 1)
    for i, arch in enumerate(archs):
        values = [100 * tags[arch][n].success if n in tags[arch] else 0 for n in names]
        ax.bar([x + i * width for x in range(len(names))], values, width, label=arch)
    ax.set_xticks([x + width * (len(archs) - 1) / 2 for x in range(len(names))], names, rotation=60, ha="right")
    ax.set_ylabel("task success (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Task success by tag")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def cost_per_case(results: dict[str, Sequence[CaseRunResult]], path: Path) -> Path:
    """Model calls and prompt tokens per case (first trial), cases in suite order, per architecture."""
    plt = _pyplot()
    fig, (calls_ax, tokens_ax) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    for arch, runs in results.items():
        first = [r for r in runs if r.trial == 0]
        xs = range(len(first))
        calls_ax.plot(xs, [r.figures.llm_calls for r in first], marker=".", linewidth=0.8, label=arch)
        tokens_ax.plot(xs, [r.figures.prompt_tokens for r in first], marker=".", linewidth=0.8, label=arch)
    calls_ax.set_ylabel("model calls")
    tokens_ax.set_ylabel("prompt tokens")
    tokens_ax.set_xlabel("case (suite order)")
    calls_ax.set_title("Cost per case")
    calls_ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
