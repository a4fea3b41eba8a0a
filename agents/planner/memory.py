"""What earlier tool calls in the thread tell the planner: the bucket, object, pipeline and run in
play, so "validate it", "wait for it" or "what's its accuracy?" resolve without asking.

Built from calls *and their results* (a run id only exists in submit_run's result; an uploaded
object's key in upload's), oldest first so the most recent mention wins.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from agents.planner.conversation import Executed

_BUCKET_ARGS = ("bucket", "dst_bucket", "src_bucket")
_KEY_ARGS = ("key", "dst_key", "src_key")


@dataclass
class ThreadMemory:
    bucket: str | None = None
    key: str | None = None
    local_path: str | None = None
    pipeline: str | None = None
    run: str | None = None
    runs: list[str] = field(default_factory=list)  # newest first
    experiment: str | None = None
    #: s3 URI of the latest run's Metrics artifact, once a tool result listed it.
    metrics_uri: str | None = None
    #: s3 URIs of every artifact of that run: "download the model it produced" picks one by name.
    artifacts: list[str] = field(default_factory=list)
    #: Names seen in results, so a plain word ("landing", "iris") is recognised as one.
    buckets: set[str] = field(default_factory=set)
    pipelines: set[str] = field(default_factory=set)
    run_names: set[str] = field(default_factory=set)
    #: Keys of the latest listing (in `bucket`): "the march one" picks among them.
    keys: list[str] = field(default_factory=list)
    #: Parameters of the latest submitted run, for "same again but with ...".
    parameters: dict[str, object] = field(default_factory=dict)
    #: The last question searched in the docs, for "and for a whole run?".
    question: str | None = None


def _note_run(memory: ThreadMemory, run_id: str | None) -> None:
    if run_id:
        memory.run = run_id
        memory.runs = [run_id, *[r for r in memory.runs if r != run_id]][:10]


def _storage(memory: ThreadMemory, e: Executed) -> None:
    args = e.args
    bucket = next((args[a] for a in _BUCKET_ARGS if args.get(a)), None)
    key = next((args[a] for a in _KEY_ARGS if args.get(a)), None)
    if bucket:
        memory.bucket = str(bucket)
        memory.buckets.add(str(bucket))
    if key:
        memory.key = str(key)
    if args.get("local_path"):
        memory.local_path = str(args["local_path"])
    data = e.data if isinstance(e.data, dict) else {}
    if e.tool == "list_buckets" and e.ok:
        memory.buckets |= {str(b.get("name")) for b in data.get("buckets") or [] if isinstance(b, dict)}
    if e.tool == "list_objects" and e.ok:
        memory.keys = [str(o.get("key")) for o in data.get("objects") or [] if isinstance(o, dict) and o.get("key")]
        files = [k for k in memory.keys if not k.endswith("/")]
        memory.key = files[0] if len(files) == 1 else None  # "rename it": the one object the listing found
    if e.tool == "upload" and e.ok and data.get("uploaded"):
        memory.key = str(data["uploaded"][0].get("key") or memory.key)
    elif e.tool == "upload" and not key and args.get("local_path"):
        memory.key = posixpath.basename(str(args["local_path"]).rstrip("/"))


def _kfp(memory: ThreadMemory, e: Executed) -> None:
    args = e.args
    data = e.data if isinstance(e.data, dict) else {}
    if args.get("pipeline"):
        memory.pipeline = str(args["pipeline"])
        memory.pipelines.add(str(args["pipeline"]).lower())
    if e.tool in {"upload_pipeline", "upload_pipeline_version"} and args.get("path"):
        memory.local_path = str(args["path"])  # "keep a copy of that source file too"
    if args.get("experiment"):
        memory.experiment = str(args["experiment"])
    if isinstance(args.get("run"), str) and args["run"] not in {"latest", "last"}:
        _note_run(memory, args["run"])
    if not e.ok:
        return
    if e.tool == "get_pipeline" and isinstance(data.get("pipeline"), dict):
        memory.pipeline = str(data["pipeline"].get("name") or memory.pipeline)
    if e.tool == "submit_run":
        memory.parameters = dict(args.get("parameters") or {})
        _note_run(memory, data.get("run_id"))
        memory.pipeline = str(data.get("pipeline") or memory.pipeline)
        memory.metrics_uri, memory.artifacts = None, []  # a new run: earlier outputs no longer apply
    if e.tool in {"get_run", "wait_for_run"}:
        _note_run(memory, data.get("id"))
        if data.get("name"):
            memory.run_names.add(str(data["name"]))
        memory.parameters = dict(data.get("parameters") or memory.parameters)
        if data.get("pipeline"):
            memory.pipeline = str(data["pipeline"])
        listed = [a for a in data.get("artifacts") or [] if isinstance(a, dict)]  # not "… 4 more"
        memory.metrics_uri = _metrics_uri(listed)
        memory.artifacts = [str(a["uri"]) for a in listed if str(a.get("uri", "")).startswith("s3://")]
    if e.tool == "list_runs" and data.get("runs"):
        for run in reversed([r for r in data["runs"] if isinstance(r, dict)]):  # "… 4 more" in an earlier turn
            _note_run(memory, run.get("id"))
            memory.run_names.add(str(run.get("name")))
    if e.tool == "list_pipelines":
        memory.pipelines |= {str(p.get("name")).lower() for p in data.get("pipelines") or [] if isinstance(p, dict)}


def remember_one(memory: ThreadMemory, e: Executed) -> None:
    _storage(memory, e)
    _kfp(memory, e)
    if e.tool == "search_docs" and e.args.get("query"):
        memory.question = str(e.args["query"])


def remember(executed: list[Executed]) -> ThreadMemory:
    memory = ThreadMemory()
    for e in executed:
        remember_one(memory, e)
    return memory


def _metrics_uri(listed: list[object]) -> str | None:
    """The run's Metrics artifact (its scores), not a ClassificationMetrics one (a confusion matrix):
    "tell me its accuracy" reads this one. Items of an earlier turn's list may be "… 4 more"."""
    named = [(str(a.get("name", "")).lower(), a.get("uri")) for a in listed if isinstance(a, dict) and a.get("uri")]
    scores = [uri for name, uri in named if "metrics" in name and "classification" not in name]
    return str(scores[-1]) if scores else None
