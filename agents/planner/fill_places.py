"""Slot fillers for where things are: buckets, object keys, key lists, prefixes, local paths.

Each reads what was said (said.py) by the argument's role (a transfer's source or destination,
declared on the slot or read from `src_*`/`dst_*`) and falls back on the thread's memory.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

from agents.planner.catalog import Arg
from agents.planner.memory import ThreadMemory
from agents.planner.said import COMMON, Said, bucket_like
from agents.words import has_file_extension, name_words

if TYPE_CHECKING:
    from agents.planner.fill import Slots

_TO = {"to", "into", "onto", "in", "inside", "under"}
_FROM = {"from", "of", "out"}
_AT = {"in", "inside", "from", "on", "of", "at", "within", "for"}
_NEW_NAME = {"called", "named", "name", "as"}


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


def bucket(s: Slots, arg: Arg) -> Any:
    role, said = s.role(arg), s.said
    if (uri := _pick_uri(s, role)) is not None:
        return uri[0]
    named = [n for n in said.near({"bucket", "buckets", "bucket:"}, plain_after=False) if bucket_like(n)]
    known = [n.text.lower() for n in said.names if n.text.lower() in s.memory.buckets]
    to = [n for n in said.after_words(_TO, strict=False) if bucket_like(n) and not has_file_extension(n)]
    frm = [n for n in said.after_words(_FROM | _AT, strict=False) if bucket_like(n) and not has_file_extension(n)]
    if arg.new:
        # A name the user gave is passed as given: the tool explains a bad one and suggests a fix.
        given = [n for n in said.called() + said.after_words(_NEW_NAME) if n.lower() not in COMMON]
        fresh = said.identifiers + named
        return given[0] if given else next((n.lower() for n in fresh if bucket_like(n)), None)
    idents = [n for n in said.identifiers if bucket_like(n) and not has_file_extension(n) and n not in to]
    if role != "dst" and not s.local_source and (output := run_output(said, s.memory)) is not None:
        runs = s.memory.run_names | set(s.memory.runs)
        if not named and not known and all(n in runs for n in frm + idents):  # "of run rf-7" names no bucket
            return output[0]
    # "from x" is a source for sure; "in x" may be either end ("place a copy in x"), so it comes later.
    surely_from = [n for n in said.after_words(_FROM, strict=False) if bucket_like(n) and not has_file_extension(n)]
    where = [n for n in said.after_words({"in", "inside", "within"}, strict=False) if bucket_like(n)]  # "in lakehouse"
    to_named = [n for n in to if not _plain(said, n)]  # "to raw-2" is surer than "in advance"
    pools = {"dst": [to_named, named, to, known], "src": [surely_from, named, frm, known, idents]}.get(
        role, [named, known, where, idents, to, frm]
    )
    if role != "dst" and said.refers_back and s.memory.bucket and not any(_sure(s, p) for p in pools[:-2]):
        return s.memory.bucket  # "on second thought, delete it": "second" is no bucket, "it" is
    for pool in pools:
        if pool:
            return pool[0].lower() if role != "dst" or len(pool) == 1 else pool[-1].lower()
    if role == "dst" and "src_bucket" in s.args:
        return s.args["src_bucket"]
    if role != "dst" and (split := _bucket_in_path(s)) is not None:
        return split[0]
    return s.memory.bucket


def _sure(s: Slots, pool: list[str]) -> list[str]:
    """The names in `pool` that are names for sure: identifier-like, or a bucket the thread knows."""
    return [n for n in pool if not _plain(s.said, n) or n.lower() in s.memory.buckets]


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
    return singled_out(s.said, s.memory)


def singled_out(said: Said, memory: ThreadMemory) -> str | None:
    """ "the march one", "that .sql one": the one earlier-listed key the request singles out."""
    hints = [n.text.lower() for n in said.names] + re.findall(r"\.\w+", said.low)
    hits = [k for k in memory.keys if any(h in k.lower() for h in hints if len(h) > 2)]
    return hits[0] if len(hits) == 1 else None


def run_output(said: Said, memory: ThreadMemory) -> tuple[str, str] | None:
    """ "the model file my latest run produced": the one artifact of the run in play (get_run listed
    them) whose step or name the request says, as (bucket, key)."""
    words = {w for w in said.words if len(w) > 2}
    hits = []
    for uri in memory.artifacts:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        named = {part for segment in key.split("/")[-2:] for part in name_words(segment)}
        if words & named:
            hits.append((bucket, key))
    return hits[0] if len(hits) == 1 else None


def key(s: Slots, arg: Arg) -> Any:
    role, said = s.role(arg), s.said
    uri = _pick_uri(s, role)
    if uri is not None and uri[1] and not uri[1].endswith("/"):
        if role == "dst" and len(_uri_roles(s)) == 1 and "src_key" in s.args:
            return None
        return uri[1]
    output = run_output(said, s.memory) if role != "dst" and uri is None else None
    if output is not None and s.args.get(_bucket_arg(arg)) == output[0]:
        return output[1]  # the run's artifact the request names, in the bucket that holds it
    if role == "src" and uri is None and said.refers_back and s.memory.key:
        targets = {t.index for t in said.paths if t.index and said.tokens[t.index - 1].lower in _TO | _NEW_NAME}
        if all(t.index in targets for t in said.paths):  # "rename it to b/x.md": "it" is the source
            return s.memory.key
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
        # "into the lake bucket under raw/2025/": a folder to put it in (the tool keeps the file name).
        under = [t.text for t in said.paths if t.text.endswith("/") and said.tokens[t.index - 1].lower in _TO]
        return (as_path or named or under or [None])[0]
    if role == "dst":
        to = [t.text for t in said.paths if t.index and said.tokens[t.index - 1].lower in _TO | _NEW_NAME]
        return to[-1] if to else (paths[-1] if len(paths) > 1 else None)
    if paths:
        head, _, rest = paths[0].partition("/")
        return rest if rest and head.lower() == s.args.get(_bucket_arg(arg)) and not _said_bucket(s, head) else paths[0]
    files = [n for n in said.identifiers if has_file_extension(n)]
    if files:
        return files[0]
    folders = [t.text for t in said.paths if t.text.endswith("/") and not t.text.startswith(("./", "~/", "../"))]
    folders += [uri[1]] if uri is not None and uri[1].endswith("/") else []
    if folders and role != "dst":  # "everything under exports/2025-06/": the tool reads a folder prefix
        return folders[0]
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


def keys(s: Slots, arg: Arg) -> Any:
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


def prefix(s: Slots, arg: Arg) -> Any:
    said = s.said
    for _bucket_name, key, _before in _uri_roles(s):
        # A tool that takes no object key reads a URI's key as a prefix ("list s3://b/logs").
        if key.endswith("/") or (key and not {"object_key", "key_list"} & s.tool.kinds):
            return key
    folders = [t.text for t in said.paths if t.text.endswith("/")]
    folders += [n.rstrip("/") + "/" for n in said.near({"folder", "prefix", "directory", "dir"})]
    stars = [t.text.split("*")[0] for t in said.paths if "*" in t.text and t.text.split("*")[0]]
    return (folders or stars or [None])[0]


def local_path(s: Slots, arg: Arg) -> Any:
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
    used = {str(v) for v in s.args.values()}  # "under exports/ ... into a folder named june": the key is not it
    return next((t for t in targets if t not in used), None)
