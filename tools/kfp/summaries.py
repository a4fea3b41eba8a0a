"""How each Kubeflow Pipelines tool's result reads to a person (`ToolSpec.summary`): runs, states,
parameters and metrics in a few lines, for the offline planner and rendered results."""

from __future__ import annotations

from typing import Any

from tools.summaries import Args, Data, Summary

LIST_LIMIT = 15


def _dur(seconds: Any) -> str:
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return ""
    return f"{s:.1f} s" if s < 90 else f"{s / 60:.1f} min"


def _params(params: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (params or {}).items()) or "defaults"


def _pipelines(args: Args, data: Data) -> str:
    rows = data.get("pipelines", [])
    if not rows:
        return "No pipelines found" + (f" matching '{args['search']}'." if args.get("search") else ".")
    lines = [f"  • {p['name']}" + (f": {p['description']}" if p.get("description") else "") for p in rows[:LIST_LIMIT]]
    return f"{data.get('count', len(rows))} pipeline(s):\n" + "\n".join(lines)


def _pipeline(args: Args, data: Data) -> str:
    d = data
    p = d.get("pipeline", {})
    inputs = d.get("inputs", [])
    lines = [
        f"  • {i['name']} ({i.get('type')})" + (" required" if i.get("required") else f" = {i.get('default')}")
        for i in inputs
    ]
    versions = d.get("versions", [])
    text = f"Pipeline {p.get('name')}" + (f": {p.get('description')}" if p.get("description") else "")
    text += "\nInputs:\n" + ("\n".join(lines) if lines else "  (none)")
    if d.get("components"):
        text += f"\nComponents: {', '.join(map(str, d['components']))}"
    if versions:
        text += f"\n{len(versions)} version(s), latest {(d.get('latest_version') or versions[0]).get('name')}"
    return text


def _run_line(r: dict[str, Any]) -> str:
    dur = _dur(r.get("duration_s"))
    return f"  • {r.get('name')} [{r.get('state')}] {r.get('pipeline') or ''}" + (f" ({dur})" if dur else "")


def _runs(args: Args, data: Data) -> str:
    rows = data.get("runs", [])
    if not rows:
        return "No runs found."
    return f"{data.get('count', len(rows))} run(s), newest first:\n" + "\n".join(map(_run_line, rows[:LIST_LIMIT]))


def _run(args: Args, data: Data) -> str:
    d = data
    where = f"{d.get('pipeline')}, experiment {d['experiment']}" if d.get("experiment") else d.get("pipeline")
    head = f"Run {d.get('name')} ({where}) is {d.get('state')}"
    if d.get("timed_out"):
        head += f" (still not finished after waiting {_dur(d.get('waited_s'))})"
    elif d.get("duration_s") is not None:
        head += f" after {_dur(d.get('duration_s'))}"
    lines = [head + f", parameters: {_params(d.get('parameters'))}."]
    tasks = d.get("tasks") or []
    if tasks:
        lines.append("Tasks: " + ", ".join(f"{t['name']} {t['state']}" for t in tasks))
    if d.get("failed_task") or d.get("error"):
        err = d.get("error")
        msg = err.get("message") if isinstance(err, dict) else err
        lines.append(f"Failed task: {d.get('failed_task')}" + (f": {msg}" if msg else ""))
        if d.get("log_tail"):
            tail = d["log_tail"] if isinstance(d["log_tail"], list) else str(d["log_tail"]).splitlines()
            lines.append("Last log lines:\n```\n" + "\n".join(tail[-15:]) + "\n```")
    arts = d.get("artifacts") or []
    if arts:
        lines.append("Artifacts: " + ", ".join(a.get("uri", "") for a in arts[:8]))
    return "\n".join(lines)


def _submitted(args: Args, data: Data) -> str:
    d = data
    return (
        f"Submitted run {d.get('run_name')} of {d.get('pipeline')} in experiment {d.get('experiment')} "
        f"with {_params(d.get('parameters'))}."
    )


def _logs(args: Args, data: Data) -> str:
    d = data
    lines = d.get("lines", [])
    return (
        f"Logs of task {d.get('task')} in run {d.get('run')} (last {len(lines)} lines):\n```\n"
        + "\n".join(lines)
        + "\n```"
    )


def _compare(args: Args, data: Data) -> str:
    d = data
    names = [r.get("name") for r in d.get("runs", [])]
    out = ["Comparing " + " vs ".join(map(str, names)) + ":"]
    for title, key in (("Parameters", "parameters"), ("Metrics", "metrics")):
        table = d.get(key) or {}
        if table:
            out.append(f"{title}:")
            out += [f"  • {k}: " + " | ".join(map(str, vals)) for k, vals in table.items()]
    if d.get("differing_parameters"):
        out.append("Different parameters: " + ", ".join(d["differing_parameters"]))
    if d.get("best"):
        out.append("Best: " + ", ".join(f"{m} → {r}" for m, r in d["best"].items()))
    return "\n".join(out)


def _num(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _plots(args: Args, data: Data) -> str:
    out = [f"Plots of run {data.get('run')} ({data.get('pipeline')}, {data.get('state')}):"]
    for cm in data.get("confusion_matrices") or []:
        line = (
            f"  • Confusion matrix ({', '.join(map(str, cm.get('labels', [])))}): accuracy {_num(cm.get('accuracy'))}"
        )
        line += f" on {_num(cm.get('total'))} rows"
        worst = cm.get("most_confused")
        if worst:
            line += f"; most confused: {_num(worst['count'])} {worst['true']} predicted as {worst['predicted']}"
        out.append(line)
    for roc in data.get("roc_curves") or []:
        out.append(f"  • ROC curve: AUC {_num(roc.get('auc'))} ({roc.get('points')} points)")
    for fi in data.get("feature_importances") or []:
        top = ", ".join(f"{f['feature']} {_num(f['importance'])}" for f in (fi.get("features") or [])[:5])
        out.append(f"  • Feature importance, highest first: {top}")
    if data.get("note"):
        out.append(str(data["note"]))
    return "\n".join(out)


def _history(args: Args, data: Data) -> str:
    of = f" {data['pipeline']}" if data.get("pipeline") else ""
    text = (
        f"{data.get('metric')} over {data.get('count')}{of} run(s), oldest to newest: "
        f"{_num(data.get('first'))} -> {_num(data.get('last'))} "
        f"(min {_num(data.get('min'))}, max {_num(data.get('max'))})"
    )
    best = data.get("best")
    if best:
        text += f"; best {_num(best.get('value'))} in run {best.get('run')}"
    rows = data.get("rows") or []
    lines = [
        f"  • {str(r.get('created_at') or '?')[:16].replace('T', ' ')} {r.get('run')}: {_num(r.get('value'))}"
        for r in rows[-LIST_LIMIT:]
    ]
    return text + ".\n" + "\n".join(lines) + (f"\n{data['note']}" if data.get("note") else "")


SUMMARIES: dict[str, Summary] = {
    "list_pipelines": _pipelines,
    "get_pipeline": _pipeline,
    "upload_pipeline": lambda args, data: (
        f"Uploaded pipeline {data.get('name') or args.get('name')} "
        f"(version {data.get('version') or data.get('version_name') or 'first'})."
    ),
    "upload_pipeline_version": lambda args, data: (
        f"Uploaded version {data.get('version') or data.get('version_name')} "
        f"of {data.get('pipeline') or args.get('pipeline')}."
    ),
    "list_experiments": lambda args, data: (
        "Experiments: "
        + (", ".join(x.get("name", "") for x in data.get("experiments", [])[:LIST_LIMIT]) or "none")
        + "."
    ),
    "create_experiment": lambda args, data: (
        f"Experiment {data.get('name') or args.get('name')} "
        + ("already existed." if data.get("existed") else "created.")
    ),
    "submit_run": _submitted,
    "list_runs": _runs,
    "get_run": _run,
    "wait_for_run": _run,
    "terminate_run": lambda args, data: (
        f"Asked run {data.get('name') or args.get('run')} to stop (state now {data.get('state', 'CANCELING')})."
    ),
    "get_task_logs": _logs,
    "compare_runs": _compare,
    "get_run_plots": _plots,
    "plot_metric_history": _history,
}
