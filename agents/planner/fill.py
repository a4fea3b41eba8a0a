"""Fill a tool's arguments from what was said and the thread's memory, by each argument's slot kind.

One filler per slot kind (tools/slots.py), shared by every tool: a new tool whose arguments
declare their kinds is filled with no change here. A role comes from the argument's name
(`src_*` reads "from ...", `dst_*` reads "to ..."). A required argument nobody said and memory
cannot supply becomes a precise question (`Ask`), never a guess.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.planner.catalog import Arg, Tool
from agents.planner.memory import ThreadMemory
from agents.planner.said import Said, bucket_like
from agents.text import has_file_extension


class Ask(Exception):
    """A required value is missing: the planner asks this instead of acting."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


@dataclass
class Slots:
    tool: Tool
    said: Said
    memory: ThreadMemory
    args: dict[str, Any] = field(default_factory=dict)

    def role(self, arg: Arg) -> str:
        return arg.role

    @property
    def local_source(self) -> bool:
        """The tool sends a local file somewhere (upload): its object key and bucket are the destination."""
        return any(a.kind == "local_path" and a.role == "src" for a in self.tool.args)


_TO = {"to", "into", "onto", "in", "inside", "under"}
_FROM = {"from", "of", "out"}
_AT = {"in", "inside", "from", "on", "of", "at", "within", "for"}
_NEW_NAME = {"called", "named", "name", "as"}
_PIPELINE_FILE = re.compile(r"\.(?:ya?ml|py|json|zip|tgz|tar\.gz)$", re.I)


def _uri_roles(s: Slots) -> list[tuple[str, str, str]]:
    """(bucket, key, word before) for each s3 URI said, in order."""
    out = []
    for t in s.said.tokens:
        if t.kind in {"uri", "quoted"} and t.text.lower().startswith(("s3://", "s3a://")):
            bucket, _, key = t.text.split("://", 1)[1].partition("/")
            out.append((bucket.lower(), key, s.said.tokens[t.index - 1].lower if t.index else ""))
    return out


def _pick_uri(s: Slots, role: str) -> tuple[str, str] | None:
    uris = _uri_roles(s)
    if not uris:
        return None
    if role == "dst" and s.local_source:  # "upload x.csv s3://b/k": the one URI is where it goes
        return uris[-1][0], uris[-1][1]
    if role == "dst":
        after_to = [u for u in uris if u[2] in _TO]
        pick = after_to[-1] if after_to else (uris[1] if len(uris) > 1 else None)
        return (pick[0], pick[1]) if pick else None
    not_to = [u for u in uris if u[2] not in _TO] if role == "src" else uris
    pick = (not_to or uris)[0]
    return pick[0], pick[1]


def _bucket(s: Slots, arg: Arg) -> Any:
    role, said = s.role(arg), s.said
    if (uri := _pick_uri(s, role)) is not None:
        return uri[0]
    named = [n for n in said.near({"bucket", "buckets", "bucket:"}, plain_after=False) if bucket_like(n)]
    known = [n.text.lower() for n in said.names if n.text.lower() in s.memory.buckets]
    to = [n for n in said.after_words(_TO, strict=False) if bucket_like(n) and not has_file_extension(n)]
    frm = [n for n in said.after_words(_FROM | _AT, strict=False) if bucket_like(n) and not has_file_extension(n)]
    if arg.new:
        fresh = said.called() + said.after_words(_NEW_NAME) + said.identifiers + named
        return next((n.lower() for n in fresh if bucket_like(n)), None)
    idents = [n for n in said.identifiers if bucket_like(n) and not has_file_extension(n) and n not in to]
    # "from x" is a source for sure; "in x" may be either end ("place a copy in x"), so it comes later.
    surely_from = [n for n in said.after_words(_FROM, strict=False) if bucket_like(n) and not has_file_extension(n)]
    where = [n for n in said.after_words({"in", "inside", "within"}, strict=False) if bucket_like(n)]  # "in lakehouse"
    to_named = [n for n in to if not _plain(said, n)]  # "to raw-2" is surer than "in advance"
    pools = {"dst": [to_named, named, to, known], "src": [surely_from, named, frm, known, idents]}.get(
        role, [named, known, where, idents, to, frm]
    )
    for pool in pools:
        if pool:
            return pool[0].lower() if role != "dst" or len(pool) == 1 else pool[-1].lower()
    if role == "dst" and "src_bucket" in s.args:
        return s.args["src_bucket"]
    if role != "dst" and (split := _bucket_in_path(s)) is not None:
        return split[0]
    return s.memory.bucket


def _plain(said: Said, name: str) -> bool:
    return any(n.plain for n in said.names if n.text == name)


def _bucket_in_path(s: Slots) -> tuple[str, str] | None:
    """ "staging-models/ranker.onnx" said with no other bucket: the first segment is the bucket."""
    for t in s.said.paths:
        head, _, rest = t.text.partition("/")
        if rest and bucket_like(head) and not t.text.startswith(("./", "~/", "/", "../")):
            return head.lower(), rest
    return None


def _listed_match(s: Slots) -> str | None:
    """ "the march one", "that .sql one": the one earlier-listed key the request singles out."""
    keys = s.memory.keys
    hints = [n.text.lower() for n in s.said.names] + re.findall(r"\.\w+", s.said.low)
    hits = [k for k in keys if any(h in k.lower() for h in hints if len(h) > 2)]
    return hits[0] if len(hits) == 1 else None


def _key(s: Slots, arg: Arg) -> Any:
    role, said = s.role(arg), s.said
    uri = _pick_uri(s, role)
    if uri is not None and uri[1] and not uri[1].endswith("/"):
        if role == "dst" and len(_uri_roles(s)) == 1 and "src_key" in s.args:
            return None
        return uri[1]
    files = [t.text for t in said.paths if "/" not in t.text and has_file_extension(t.text)]
    if uri is not None and uri[1].endswith("/") and files and not s.local_source:
        return uri[1] + files[0]  # "best.ckpt from s3://exp/checkpoints/"
    paths = [t.text for t in said.paths if not t.text.startswith(("./", "~/", "../"))]
    used = {str(v) for v in s.args.values()}
    paths = [p for p in paths if p not in used and not p.endswith("/")]
    if s.local_source:
        if uri is not None and uri[1].endswith("/") and s.args.get("local_path"):
            return uri[1] + posixpath.basename(str(s.args["local_path"]).rstrip("/"))
        named = [n for n in said.after_words({"as"}, strict=False) if n not in used]
        as_path = [t.text for t in said.paths if said.tokens[t.index - 1].lower in {"as", "key"}]
        return (as_path or named or [None])[0]
    if role == "dst":
        to = [t.text for t in said.paths if t.index and said.tokens[t.index - 1].lower in _TO | _NEW_NAME]
        return to[-1] if to else (paths[-1] if len(paths) > 1 else None)
    if paths:
        head, _, rest = paths[0].partition("/")
        return rest if rest and head.lower() == s.args.get(_bucket_arg(arg)) and not _said_bucket(s, head) else paths[0]
    files = [n for n in said.identifiers if has_file_extension(n)]
    if files:
        return files[0]
    if (match := _listed_match(s)) is not None:
        return match
    if s.memory.key and (said.refers_back or s.args.get(_bucket_arg(arg)) in {None, s.memory.bucket}):
        return s.memory.key
    return None


def _said_bucket(s: Slots, name: str) -> bool:
    """The bucket was said on its own too ("reports/x.csv in reports"): the path is then a key."""
    return sum(n.text.lower() == name.lower() for n in s.said.names) > 0


def _bucket_arg(arg: Arg) -> str:
    return "src_bucket" if arg.name.startswith("src_") else "dst_bucket" if arg.name.startswith("dst_") else "bucket"


def _keys(s: Slots, arg: Arg) -> Any:
    said = s.said.action
    bucket = s.args.get("bucket")
    keys = [k for b, k in said.uris if k and not k.endswith("/") and b == bucket]
    keys += [t.text for t in said.paths if not t.text.endswith("/") and "*" not in t.text]
    keys += [n for n in said.identifiers if has_file_extension(n)]
    keys = [k for k in keys if k not in said.kept]
    if said.globs:
        return None  # a pattern: the keys come from a listing (follow.py)
    if keys:
        return list(dict.fromkeys(keys))
    if (match := _listed_match(s)) is not None:
        return [match]
    if said.refers_back and s.memory.key and s.memory.bucket == bucket:
        return [s.memory.key]
    return None


def _prefix(s: Slots, arg: Arg) -> Any:
    said = s.said
    for _bucket_name, key, _before in _uri_roles(s):
        # A tool that takes no object key reads a URI's key as a prefix ("list s3://b/logs").
        if key.endswith("/") or (key and not {"object_key", "key_list"} & s.tool.kinds):
            return key
    folders = [t.text for t in said.paths if t.text.endswith("/")]
    folders += [n.rstrip("/") + "/" for n in said.near({"folder", "prefix", "directory", "dir"})]
    stars = [t.text.split("*")[0] for t in said.paths if "*" in t.text and t.text.split("*")[0]]
    return (folders or stars or [None])[0]


def _local_path(s: Slots, arg: Arg) -> Any:
    said = s.said
    if arg.role == "src":
        local = [t.text for t in said.paths]
        local += [n for n in said.identifiers if has_file_extension(n)]
        local += said.near({"folder", "directory", "dir"})
        if not local and said.refers_back and s.memory.local_path:
            return s.memory.local_path
        return local[0] if local else None
    targets = [t.text for t in said.paths if t.index and said.tokens[t.index - 1].lower in _TO | {"as", "at"}]
    targets += [t.text for t in said.paths if t.text.startswith(("./", "~/", "/", "../"))]
    targets += said.near({"folder", "directory", "dir"})
    return targets[0] if targets else None


def _pipeline(s: Slots, arg: Arg) -> Any:
    said = s.said
    known = [n.text for n in said.names if n.text.lower() in s.memory.pipelines]
    near = [n for n in said.near({"pipeline", "pipelines", "pipline"}) if not _PIPELINE_FILE.search(n)]
    verbs = {"run", "rerun", "launch", "start", "train", "execute", "trigger", "of", "with", "using", "up", "off"}
    after = [n.text for n in said.names if n.before in verbs and not n.text.isdigit()]
    before = [n.text for n in said.names if n.after in {"with", "using", "against", "training", "run"}]
    idents = [n for n in said.identifiers if not has_file_extension(n) and n.lower() not in s.memory.buckets]
    for pool in (known, near, after, before, idents if arg.required else []):
        if pool:
            return pool[0]
    return s.memory.pipeline if arg.required else None


def _pipeline_file(s: Slots, arg: Arg) -> Any:
    files = [t.text for t in s.said.paths if _PIPELINE_FILE.search(t.text)]
    files += [n for n in s.said.identifiers if _PIPELINE_FILE.search(n)]
    return files[0] if files else None


_LATEST = re.compile(r"\b(latest|last|most recent|newest|recent|just (?:started|submitted|ran))\b")
_RUN_ID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b[0-9a-f]{8,}\b")


def _run(s: Slots, arg: Arg) -> Any:
    said = s.said
    ids = _RUN_ID.findall(said.low)
    if ids:
        return ids[0]
    named = [n for n in said.near({"run", "runs", "job"}, plain_after=False) if n.lower() not in s.memory.pipelines]
    known = [n.text for n in said.names if n.text in s.memory.run_names]
    idents = [n for n in said.identifiers if n.lower() not in s.memory.pipelines and not has_file_extension(n)]
    inside = [n.text for n in said.names if not n.plain and n.before in {"in", "of", "from"} and n.text in idents]
    # A run name usually carries a digit ("depth-3", "rf-7"); "double-check" is a verb that looks like a name.
    idents.sort(key=lambda n: not any(c.isdigit() for c in n))
    for pool in (named, known, inside if "task" in s.tool.args_names else [], idents):
        if pool:
            return pool[0]
    if _LATEST.search(said.low) or not s.memory.run:
        return "latest"
    return s.memory.run


def _runs(s: Slots, arg: Arg) -> Any:
    said = s.said
    named = [n for n in said.identifiers if n.lower() not in s.memory.pipelines]
    return named if len(named) >= 2 else []  # fewer: "my last two runs" are looked up first (follow.py)


def _experiment(s: Slots, arg: Arg) -> Any:
    named = s.said.near({"experiment", "experiments"})
    return named[0] if named else None


def _name(s: Slots, arg: Arg) -> Any:
    """A new name. What it names is the tool's object (create_experiment: an experiment), so
    "experiment churn-q3" or "as pipeline cleaner-2" are read the same way for any such tool."""
    said = s.said
    if arg.name == "version_name":
        pool = said.called() + said.after_words({"name", "named", "called"}) + said.near({"version"}, plain_after=False)
        plain = {n.text for n in said.names if n.plain}
        return next((p for p in pool if p.lower() not in {"new", "latest"} and p not in plain), None)
    if arg.name == "run_name":
        return next((p for p in said.called() if p.lower() not in s.memory.pipelines), None)
    noun = s.tool.name.rsplit("_", 1)[-1]
    files = {str(v) for v in s.args.values()}
    pool = said.after_words({"called", "named", "name"}, strict=False) + said.near({noun}, plain_after=False)
    pool += [n for n in said.after_words({"as"}, strict=False) if not _PIPELINE_FILE.search(n)]
    if not {"pipeline_file", "local_path"} & s.tool.kinds:  # nothing else to name it by: any identifier
        pool += said.identifiers + said.after_words({"for"}, strict=False)
    return next((p for p in pool if p not in files), None)


def _text(s: Slots, arg: Arg) -> Any:
    said = s.said
    if arg.name == "query":
        return said.text
    if arg.name == "task":
        steps = said.near({"step", "task", "component", "stage"}, plain_after=False)
        steps += [n.text for n in said.names if n.before == "for" and not n.plain and n.text != s.args.get("run")]
        return steps[0] if steps else None
    if arg.name == "function":
        funcs = said.near({"function", "func"}) + [n.removesuffix("()") for n in said.names if n.text.endswith("()")]
        return funcs[0] if funcs else None
    if arg.name == "description":
        m = re.search(r"\b(?:description|described as|describe it as)\s*[:=]?\s*(.+)$", said.text, re.I)
        return m.group(1).strip().strip("\"'") if m else None
    return None


def _tags(s: Slots, arg: Arg) -> Any:
    return dict(s.said.pairs) or None


def _source(s: Slots, arg: Arg) -> Any:
    if arg.name == "prefix":
        return None
    said = s.said
    found = [t.text for t in said.tokens if t.kind == "uri"] + [t.text for t in said.paths]
    found += [n for n in said.identifiers if has_file_extension(n)]
    return list(dict.fromkeys(found)) or None


_STATES = {
    "running": "RUNNING", "failed": "FAILED", "failing": "FAILED", "broken": "FAILED", "crashed": "FAILED",
    "succeeded": "SUCCEEDED", "successful": "SUCCEEDED", "passed": "SUCCEEDED", "finished": "SUCCEEDED",
    "completed": "SUCCEEDED", "pending": "PENDING", "queued": "PENDING", "canceled": "CANCELED",
    "cancelled": "CANCELED", "stopped": "CANCELED",
}  # fmt: skip


def _choice(s: Slots, arg: Arg) -> Any:
    if arg.name == "state":
        return next((_STATES[w] for w in s.said.words if w in _STATES), None)
    return None


_ON = re.compile(r"\b(on|enable|enabled|activate|start|keep (?:a )?history|keep old|restore|turn it on)\b")
_OFF = re.compile(r"\b(off|disable|disabled|suspend|suspended|pause|stop|no longer)\b")
_FORCE = re.compile(
    r"\b(force|everything|all of it|even if|non-?empty|contents?|including|with all|and all|together with|"
    r"whatever is|what'?s (?:still )?in)\b"
)
_ONE_LEVEL = re.compile(
    r"\b(top[- ]level|one level|first level|don'?t expand|not recursive(?:ly)?|non-?recursive|just the folders|"
    r"only the folders|without (?:going into|expanding) (?:sub-?folders|folders))\b"
)
_MERGE = re.compile(r"\b(add|also|keep|append|merge|as well|additional)\b")


def _flag(s: Slots, arg: Arg) -> Any:
    low = s.said.low
    if arg.name == "enabled":
        return False if _OFF.search(low) else True if _ON.search(low) else None
    if arg.name == "force":
        return True if _FORCE.search(low) else None
    if arg.name == "replace":
        return False if _MERGE.search(low) else None
    if arg.name == "recursive":
        return False if _ONE_LEVEL.search(low) else None
    return None


def _number(s: Slots, arg: Arg) -> Any:
    said = s.said
    if arg.name == "tail_lines":
        return said.count_before("lines?")
    if arg.name == "limit":
        return said.count_before("runs?|objects?|files?|items?|pipelines?|experiments?|sources?|documents?")
    return None


_LONGEST = re.compile(r"\b(longest|maximum|max|as long as (?:possible|allowed|you can|it can|permitted))\b")


def _duration(s: Slots, arg: Arg) -> Any:
    minutes = s.said.minutes
    if minutes is None and arg.maximum is not None and _LONGEST.search(s.said.low):
        return int(arg.maximum)  # the schema's own bound: "a link that lasts as long as allowed"
    if minutes is None:
        return None
    return minutes if arg.name.endswith("minutes") else minutes * 60 if arg.name.endswith("seconds") else None


FILLERS: dict[str, Callable[[Slots, Arg], Any]] = {
    "bucket": _bucket, "object_key": _key, "key_list": _keys, "prefix": _prefix, "local_path": _local_path,
    "s3_uri": lambda s, a: None, "pipeline": _pipeline, "pipeline_file": _pipeline_file,
    "version": lambda s, a: (s.said.near({"version"}) or [None])[0], "run": _run, "run_list": _runs,
    "experiment": _experiment, "parameters": lambda s, a: None, "tags": _tags, "number": _number,
    "duration": _duration, "flag": _flag, "choice": _choice, "name": _name, "text": _text, "source": _source,
}  # fmt: skip

_ASK = {
    "bucket": "Which bucket?", "object_key": "Which object (its key)?", "key_list": "Which objects should go?",
    "local_path": "Which local file or folder?", "pipeline": "Which pipeline?", "pipeline_file": "Which pipeline file?",
    "run": "Which run?", "run_list": "Which runs should I compare (two or more)?", "name": "What should it be called?",
    "tags": "Which tags (key=value)?", "source": "Which files, folders or s3:// prefixes?", "flag": "On or off?",
}  # fmt: skip


def question(tool: Tool, arg: Arg) -> str:
    what = _ASK.get(arg.kind or "", f"What should {arg.name} be?")
    return f"{what} I need it for {tool.name.replace('_', ' ')}."


def fill(
    tool: Tool, said: Said, memory: ThreadMemory, given: dict[str, Any] | None = None, defer: set[str] | None = None
) -> dict[str, Any]:
    """Arguments for `tool` (optional ones only when said); raises Ask for a missing required one
    unless a step declared before the tool may supply it (`defer`; `complete` checks again after)."""
    s = Slots(tool, said, memory, dict(given or {}))
    for arg in tool.args:
        if arg.name in s.args:
            continue
        filler = FILLERS.get(arg.kind or "")
        value = filler(s, arg) if filler else None
        if value is not None and value != arg.default:
            s.args[arg.name] = value
    return complete(tool, s.args, defer)


def complete(tool: Tool, args: dict[str, Any], defer: set[str] | None = None) -> dict[str, Any]:
    """`args` when nothing required is missing; else the question to ask (Ask)."""
    deferred = defer or set()
    for arg in tool.args:
        if arg.required and args.get(arg.name) is None and arg.name not in deferred:
            raise Ask(question(tool, arg))
    # Keys or a prefix: one of them is needed ("remove some files" says neither).
    many = [a for a in tool.args if a.kind in {"key_list", "prefix"}]
    if len(many) > 1 and not any(args.get(a.name) for a in many) and not deferred & {a.name for a in many}:
        raise Ask(question(tool, many[0]))
    return args
