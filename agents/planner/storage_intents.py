"""Offline natural-language planner for the object-storage specialist.

When no LLM is configured, swarmops still has to act on requests such as "create a bucket called
demo-data and upload README.md into it". This module turns such text into an ordered plan of
storage tool calls with plain rules: split the request into clauses, find each clause's intent by
keyword, then fill arguments from names, paths and s3 URIs in the clause, falling back to what the
same request or earlier turns (`Memory`) mentioned. When a required argument is still unknown it
asks instead of guessing, because a wrong bucket in a destructive call is worse than a question.

It is deliberately framework-free (standard library only) so the router, the CLI and tests can use
it without building an agent graph.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from agents.planner.plan import Plan, Step
from agents.planner.text import (
    Token,
    extract_key_values,
    has_file_extension,
    is_identifier_like,
    is_valid_bucket_name,
    looks_like_path,
    normalize,
    parse_duration_minutes,
    parse_int,
    parse_s3_uri,
    split_clauses,
    strip_leading_fillers,
    tokenize,
    words,
)

__all__ = ["STORAGE_TOOLS", "Memory", "Plan", "Step", "is_storage_request", "plan_storage"]

#: Every tool this planner can emit, for callers that validate plans against the registry.
STORAGE_TOOLS: tuple[str, ...] = (
    "list_buckets", "create_bucket", "delete_bucket", "list_objects", "stat_object", "preview_object",
    "upload", "download", "copy_object", "move_object", "delete_objects", "presign_url",
    "get_bucket_versioning", "set_bucket_versioning", "get_object_tags", "set_object_tags",
)  # fmt: skip


@dataclass
class Memory:
    """What earlier turns or tool calls in the thread mentioned; the most recent mention wins."""

    bucket: str | None = None
    key: str | None = None
    local_path: str | None = None


# ==================================================================================================
# Vocabulary
# ==================================================================================================

# Verbs that start a new clause after "and" / "," (multi-word entries allowed); see split_clauses.
_STORAGE_VERBS: frozenset[str] = frozenset(
    {
        "upload", "download", "fetch", "pull", "push", "put", "store", "send", "save", "grab",
        "list", "ls", "show", "display", "browse", "preview", "peek", "open", "read", "cat",
        "create", "make", "provision", "delete", "remove", "rm", "drop", "get rid of", "erase", "wipe",
        "purge", "nuke", "trash", "empty", "clear", "copy", "cp", "duplicate", "clone", "move", "mv",
        "rename", "share", "presign", "generate", "give", "tag", "label", "untag", "enable", "disable",
        "suspend", "turn", "switch", "check", "stat", "tell", "what's", "whats", "how big", "how large",
    }
)  # fmt: skip

# Plain words that are valid S3 names but are almost never meant as one in a request.
_NOT_NAMES: frozenset[str] = frozenset(
    """
    a an the this that these those it its them they their there here me my mine you your yours we
    us our ours i he she him her his all any some every each both either neither none no nothing
    everything anything something one ones other others another same bucket buckets file files
    object objects key keys item items folder folders directory directories dir prefix path paths
    storage s3 minio aws cloud server remote local locally disk drive machine laptop computer desktop
    pc system filesystem workspace second seconds sec secs minute minutes min mins hour hours hr hrs
    day days week weeks month months year years today tomorrow now later ago please thanks again too
    also only just then where which what who how when why whether if else not very really maybe
    in into on onto to from of for with without by at as about under over and or but so than via
    per is are be was were has have had do does did can could should would will shall may might must
    order parallel place case general detail details full total byte bytes rows row lines line
    records first last top bottom root size link url tag tags versioning version versions contents
    content list name called named new old existing public private upload download copy move delete
    remove create make show get set put pull push fetch share send give tell check see look preview
    open read rename store save grab stat enable disable turn switch drop empty clear wipe purge
    sure ok okay yes hey hi hello valid expiring expires expire sign signed until long while
    everything's stuff things thing contents inside within default left right up down off out even
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

#: How a name relates to the action, from the preposition before it ("from x" is a source).
Role = Literal["src", "dst", "loc", "as", "under", "prefix", "none"]
MentionKind = Literal["bucket", "key", "path", "prefix", "name"]

_PREPOSITION_ROLES: dict[str, Role] = {
    "from": "src", "to": "dst", "into": "dst", "onto": "dst", "towards": "dst", "in": "loc",
    "inside": "loc", "within": "loc", "on": "loc", "at": "loc", "of": "loc", "for": "loc", "as": "as",
    "under": "under", "beneath": "under", "below": "under",
}  # fmt: skip
# Words allowed between a preposition and the name it governs ("into the bucket called x").
_ROLE_SKIP = frozenset(
    {"the", "a", "an", "my", "our", "your", "this", "that", "its", "existing", "new", "same", "bucket",
     "called", "named", "folder", "directory", "dir", "file", "object", "key", "s3", "remote", "prefix",
     "path", "local", "name", "key:", "titled"}
)  # fmt: skip
_PREFIX_CUES = frozenset({"starting", "beginning", "prefixed", "start", "starts", "begin", "begins"})
_LOCAL_HINT_RE = re.compile(
    r"\b(?:locally|local(?:\s+(?:disk|machine|folder|directory|dir|copy|file|path))?|to\s+(?:my\s+)?disk|"
    r"my\s+(?:machine|laptop|computer|desktop|pc|disk|drive|workstation)|this\s+(?:machine|computer))\b",
    re.IGNORECASE,
)


@dataclass
class _Mention:
    """A name-like span in a clause and the preposition that governs it (its role)."""

    value: str
    kind: MentionKind
    role: Role
    index: int
    explicit: bool = False  # cued by "bucket", a quote, "called" or an s3 URI
    uri_bucket: str | None = None  # for the key part of an s3 URI: the bucket it came with


@dataclass
class _Clause:
    """Everything the intent rules need from one clause, extracted once."""

    text: str
    low: str
    skeleton: str  # lowercased words with every name/path/quote replaced by a placeholder
    tokens: list[Token]
    mentions: list[_Mention]
    tags: dict[str, str]
    it_role: Role | None = None  # role of a bare "it"/"them", if any
    bucket_ref: bool = False  # "there", "that bucket", "the same bucket"
    key_ref: bool = False  # "the file", "that object", "them"
    invalid_names: list[str] = field(default_factory=list)

    def of(self, *kinds: MentionKind, roles: tuple[Role, ...] | None = None) -> list[_Mention]:
        return [m for m in self.mentions if m.kind in kinds and (roles is None or m.role in roles)]

    @property
    def buckets(self) -> list[_Mention]:
        return self.of("bucket")

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.skeleton) is not None

    @property
    def is_empty(self) -> bool:
        return not self.mentions and self.it_role is None and not self.bucket_ref and not self.key_ref


# ==================================================================================================
# Clause analysis
# ==================================================================================================

# "set the owner tag on x.csv to alice" reads as "tag x.csv with owner=alice".
_TAG_ASSIGN_RE = re.compile(
    r"\b(?:set|change|update|make)\s+(?:the\s+)?([A-Za-z_][\w.-]*)\s+tag\b(.*?)\s+(?:to|=)\s+"
    r"[\"']?([\w.@:/+-]+)[\"']?\s*$",
    re.IGNORECASE,
)


def _role_of(tokens: list[Token], i: int) -> Role:
    j = i - 1
    skipped = 0
    while j >= 0 and tokens[j].lower in _ROLE_SKIP and skipped < 4:
        j -= 1
        skipped += 1
    if j < 0:
        return "none"
    word = tokens[j].lower
    if word == "with" and j > 0 and tokens[j - 1].lower in _PREFIX_CUES:
        return "prefix"
    if word == "it" and j > 0 and tokens[j - 1].lower in {"name", "call", "naming", "calling"}:
        return "as"  # "... and name it b.csv"
    if word == "of" and j > 0 and tokens[j - 1].lower in {"out", "rid"}:
        return "src" if tokens[j - 1].lower == "out" else "none"  # "get rid of x" names its object
    role = _PREPOSITION_ROLES.get(word)
    return role if role is not None else "none"


def _plain_name(token: Token) -> str | None:
    """The bucket name a word token spells, if it can be one and is not an ordinary word."""
    if token.kind not in {"word", "quoted"}:
        return None
    name = token.text.lower()
    if not is_valid_bucket_name(name) or name in _NOT_NAMES or has_file_extension(name):
        return None
    return name


def _analyse(text: str) -> _Clause:
    text = strip_leading_fillers(normalize(text))
    assign = _TAG_ASSIGN_RE.search(text)
    if assign:
        text = f"{text[: assign.start()]}tag{assign.group(2)} with {assign.group(1)}={assign.group(3)}"
    tags, rest = extract_key_values(text) if "=" in text or re.search(r"\w:\w", text) else ({}, text)
    tokens = tokenize(rest)
    clause = _Clause(text=text, low=text.lower(), skeleton="", tokens=tokens, mentions=[], tags=tags)
    used: set[int] = set()

    def add(
        value: str,
        kind: MentionKind,
        i: int,
        *,
        explicit: bool = False,
        role: Role | None = None,
        uri_bucket: str | None = None,
    ) -> None:
        used.add(i)
        clause.mentions.append(_Mention(value, kind, role or _role_of(tokens, i), i, explicit, uri_bucket))

    def word_at(i: int) -> str:
        return tokens[i].lower if 0 <= i < len(tokens) and tokens[i].kind == "word" else ""

    def collect_names(start: int, step: int, many: bool) -> None:
        """Names after (step=1) or before (step=-1) a "bucket(s)" cue, allowing "a, b and c"."""
        i = start
        while 0 <= i < len(tokens) and i not in used:
            name = _plain_name(tokens[i])
            if name is None:
                if tokens[i].kind == "word" and step == 1 and i == start and tokens[i].lower not in _NOT_NAMES:
                    clause.invalid_names.append(tokens[i].text)
                return
            add(
                name,
                "bucket",
                i,
                explicit=True,
                role=_role_of(tokens, min(i, start) if step == -1 else start),
            )
            if not many:
                return
            i += step
            if word_at(i) in {"and", "or", "&"}:
                i += step

    for i, tok in enumerate(tokens):
        if i in used:
            continue
        if tok.kind == "uri":
            bucket, key = parse_s3_uri(tok.text) or ("", "")
            add(bucket, "bucket", i, explicit=True)
            if key:
                add(key, "prefix" if key.endswith("/") or "*" in key else "key", i, uri_bucket=bucket)
        elif tok.kind == "quoted":
            before = word_at(i - 1)
            if looks_like_path(tok.text):
                add(tok.text, "path", i)
            elif before in {"file", "object", "key"}:
                add(tok.text, "key", i)
            elif before in {"folder", "directory", "dir", "prefix"}:
                add(tok.text if before == "prefix" else tok.text.rstrip("/") + "/", "prefix", i)
            elif is_valid_bucket_name(tok.text.lower()):
                add(tok.text.lower(), "bucket", i, explicit=True)
            else:
                add(tok.text, "key", i)
        elif tok.kind == "path":
            role = _role_of(tokens, i)
            if word_at(i - 1) in {"folder", "directory", "dir"} and not tok.text.startswith(("./", "/", "~")):
                add(tok.text.rstrip("/") + "/", "prefix", i)
            elif role in {"prefix", "under"} and not tok.text.startswith(("./", "/", "~")):
                add(tok.text, "prefix", i)
            else:
                add(tok.text, "path", i)
        elif tok.kind == "word":
            _analyse_word(clause, tokens, i, add, word_at, collect_names, used)

    clause.skeleton = " ".join(_skeleton_word(t) for t in tokens)
    clause.mentions.sort(key=lambda m: m.index)
    return clause


def _analyse_word(
    clause: _Clause,
    tokens: list[Token],
    i: int,
    add: Callable[..., None],
    word_at: Callable[[int], str],
    collect_names: Callable[[int, int, bool], None],
    used: set[int],
) -> None:
    """Classify one plain word: a cue ("bucket", "called", "folder"), a reference or a name."""
    tok = tokens[i]
    low = tok.lower
    nxt = word_at(i + 1)
    if low in {"it", "them"}:
        clause.it_role = _role_of(tokens, i)
        clause.key_ref = clause.key_ref or low == "them"
    elif low in {"there", "therein"}:
        clause.bucket_ref = True
    elif low in {"that", "this", "the", "same", "said"} and nxt in {"bucket"}:
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if after is None or _plain_name(after) is None:
            clause.bucket_ref = True
    elif low in {"that", "this", "the", "same", "said"} and nxt in {"file", "object", "one", "key"}:
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if after is None or after.kind == "word":
            clause.key_ref = True
    elif low in {"bucket", "buckets"}:
        # "the tmp-1 bucket even if ..." names the bucket before the cue; only look ahead otherwise.
        if (i - 1) in used:
            return
        start = i + 1
        while word_at(start) in {"called", "named", "titled", "name"}:
            start += 1
        collect_names(start, 1, low == "buckets")
        if i > 0 and tokens[i - 1].kind in {"word", "quoted"}:
            collect_names(i - 1, -1, low == "buckets")
    elif low in {"called", "named", "titled"} or (low == "call" and nxt in {"it", "them"}):
        j = i + 2 if low == "call" else i + 1
        if j < len(tokens) and j not in used:
            name = _plain_name(tokens[j])
            if name is not None:
                add(name, "name", j, explicit=True, role="none")
            elif tokens[j].kind == "word" and tokens[j].lower not in _NOT_NAMES:
                clause.invalid_names.append(tokens[j].text)
    elif low in {"folder", "directory", "dir", "prefix"}:
        j = i + 1
        while word_at(j) in {"called", "named"}:
            j += 1
        cand = tokens[j] if j < len(tokens) and j not in used else None
        if cand is None or cand.kind not in {"word", "quoted"} or cand.lower in _NOT_NAMES:
            j = i - 1
            cand = tokens[j] if j >= 0 and j not in used else None
        if cand is not None and cand.kind in {"word", "quoted"} and cand.lower not in _NOT_NAMES:
            value = cand.text if low == "prefix" else cand.text.rstrip("/") + "/"
            add(value, "prefix", j, role=_role_of(tokens, min(i, j)))
    elif _role_of(tokens, i) in {"as", "prefix", "under"} and low not in _NOT_NAMES:
        role = _role_of(tokens, i)
        value = tok.text if role != "under" else tok.text.rstrip("/") + "/"
        add(value, "key" if role == "as" else "prefix", i)
    elif is_identifier_like(tok.text) and (name := _plain_name(tok)) is not None:
        add(name, "bucket", i)
    elif (name := _plain_name(tok)) is not None:
        before = word_at(i - 1)
        if before in {"my", "our"}:
            before = word_at(i - 2)
        role = _PREPOSITION_ROLES.get(before)
        if role in {"src", "dst", "loc"}:
            add(name, "bucket", i, role=role)


def _skeleton_word(token: Token) -> str:
    if token.kind == "word" and not is_identifier_like(token.text):
        return token.lower
    if token.kind == "number":
        return token.text
    return {"uri": "<uri>", "path": "<path>", "quoted": "<q>", "kv": "<kv>"}.get(token.kind, "<name>")


# ==================================================================================================
# Intent detection
# ==================================================================================================

# Ordered: the first matching intent wins, so more specific vocabularies come first
# ("give me a download link" is a presign, "make a copy" is a copy, "list the tags" is tags).
_INTENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("versioning", r"\b(?:versioning|versioned|versions?)\b"),
    ("tags", r"\b(?:tags?|tagged|tagging|untag|retag|labels?|labell?ed|relabel)\b"),
    (
        "presign",
        r"\b(?:links?|urls?|presign(?:ed)?|signed|share|sharing|shareable|sharable)\b|\bsend\s+(?:me|us)\b",
    ),
    ("copy", r"\b(?:copy|copies|duplicate|cp|clone|replicate|back\s+up)\b"),
    ("move", r"\b(?:move|mv|rename|relocate)\b"),
    ("upload", r"\b(?:upload|push|put|store|send|stash)\b"),
    ("download", r"\b(?:download|fetch|pull|dl)\b|\bsave\b.*\blocally\b"),
    (
        "delete",
        r"\b(?:delete|remove|rm|del|drop|erase|wipe|purge|nuke|kill|trash|destroy|unlink)\b"
        r"|\bget\s+rid\b|\bclean\s+(?:out|up)\b|\bthrow\s+away\b|^(?:empty|clear)\b",
    ),
    (
        "create",
        r"\b(?:create|make|mk|mb|provision|setup)\b|\b(?:set|spin)\s+up\b|\bnew\s+bucket\b"
        r"|\badd\s+(?:a\s+|another\s+)?(?:new\s+)?buckets?\b",
    ),
    (
        "stat",
        r"\bhow\s+(?:big|large|old|heavy)\b|\b(?:size|sizes|stat|stats|metadata|info|information|"
        r"details|modified|etag|checksum|exists?|content\s+type)\b|\bwhen\s+was\b",
    ),
    (
        "preview",
        r"\b(?:preview|peek|head|cat|sample)\b|\bfirst\s+(?:\d+\s+|few\s+|couple\s+(?:of\s+)?|\w+\s+)?"
        r"(?:rows?|lines?|records?|entries|bytes|kb)\b|\blook\s+(?:at|inside)\b|\b(?:open|read|inspect)\b",
    ),
    (
        "list",
        r"\b(?:list|ls|show|display|browse|enumerate|contents|find|search|count)\b|"
        r"\bwhat(?:'s|s|\s+is|\s+are)?\s+(?:in|inside|under)\b|\b(?:what|which)\s+(?:files|objects|buckets|keys)\b|"
        r"\bhow\s+many\b|\bwhat\s+(?:do|have)\s+(?:i|we)\s+(?:have|got)\b|\b(?:is|are)\s+there\b|\bsee\b|\bin\s+there\b"
        r"|\bbuckets\b|\bexist\b|\b(?:any|anything|something)\s+(?:files|objects|in|under)\b",
    ),
    ("get", r"\b(?:get|grab|retrieve|bring|save|add)\b"),
)


def _detect_intent(clause: _Clause) -> str | None:
    if clause.tags and not re.search(r"\b(?:upload|copy|move|download)\b", clause.skeleton):
        return "tags"
    for intent, pattern in _INTENT_PATTERNS:
        if clause.has(pattern):
            return intent
    return None


# ==================================================================================================
# Planning
# ==================================================================================================


class _NeedInfo(Exception):
    """A required argument is missing; carries the question to ask the user."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


@dataclass
class _Context:
    """The running memory while a request is planned: earlier clauses override earlier turns."""

    bucket: str | None = None
    key: str | None = None
    key_bucket: str | None = None
    local_path: str | None = None
    last: Literal["bucket", "key"] | None = None

    @classmethod
    def from_memory(cls, memory: Memory | None) -> _Context:
        memory = memory or Memory()
        last: Literal["bucket", "key"] | None = "key" if memory.key else "bucket" if memory.bucket else None
        return cls(memory.bucket, memory.key, memory.bucket, memory.local_path, last)

    def remember_bucket(self, bucket: str) -> None:
        self.bucket = bucket
        self.last = "bucket"
        if self.key_bucket != bucket:
            self.key = self.key_bucket = None

    def remember_key(self, bucket: str, key: str) -> None:
        self.bucket = self.key_bucket = bucket
        self.key = key
        self.last = "key"


def _basename(path: str) -> str:
    return posixpath.basename(path.rstrip("/")) or path


def _in_folder(folder: str, path: str) -> str:
    """A destination ending in "/" is a folder: keep the source's file name inside it."""
    return folder + _basename(path) if folder.endswith("/") else folder


def _is_folder(path: str) -> bool:
    return path.endswith("/") or "*" in path


def _is_local_explicit(path: str) -> bool:
    return path.startswith(("./", "../", "~/", "/")) or path in {".", ".."}


class _Planner:
    """Turns analysed clauses into steps, threading the running context from one clause to the next."""

    def __init__(self, memory: Memory | None) -> None:
        self.ctx = _Context.from_memory(memory)
        self.steps: list[Step] = []

    # -- shared argument resolution --------------------------------------------------------------

    def emit(self, tool: str, **args: Any) -> None:
        step = Step(tool, args)
        previous = self.steps[-1] if self.steps else None
        if previous == step:
            return  # "download x.csv and save it locally" restates one action in two clauses
        if (
            previous is not None
            and tool == previous.tool == "download"
            and "local_path" not in previous.args
            and {k: v for k, v in args.items() if k != "local_path"} == previous.args
        ):
            self.steps.pop()  # "... and save it as ./x.md" only adds where the same download goes
        self.steps.append(step)
        bucket = args.get("dst_bucket") or args.get("bucket")
        keys = args.get("keys") or []
        key = args.get("dst_key") or args.get("key") or args.get("src_key") or (keys[0] if len(keys) == 1 else None)
        if tool == "upload" and not key:
            key = _basename(args["local_path"])
        if tool in {"upload", "download"} and args.get("local_path"):
            self.ctx.local_path = args["local_path"]
        if bucket and key:
            self.ctx.remember_key(bucket, key)
        elif bucket:
            self.ctx.remember_bucket(bucket)

    def split_bucket_path(self, value: str, clause: _Clause) -> tuple[str | None, str]:
        """Read "bucket/key" only where unambiguous: no other bucket in play, or it names a known one.

        "data/train.csv" stays a key when a bucket is already in context, unless "data" is that bucket.
        """
        if "/" not in value or _is_local_explicit(value) or clause.buckets:
            return None, value
        first, rest = value.split("/", 1)
        name = first.lower()
        if not is_valid_bucket_name(name) or name.isdigit() or name in _NOT_NAMES:
            return None, value
        if name == self.ctx.bucket or self.ctx.bucket is None or is_identifier_like(first):
            return name, rest
        return None, value

    def locate(self, mention: _Mention, clause: _Clause) -> tuple[str | None, str]:
        """(bucket, key) a key/path mention spells by itself; bucket is None when it names none."""
        if mention.uri_bucket is not None:
            return mention.uri_bucket, mention.value
        if mention.kind == "path":
            return self.split_bucket_path(mention.value, clause)
        return None, mention.value

    @staticmethod
    def bucket(clause: _Clause, roles: tuple[Role, ...] = ("loc", "src", "none", "dst", "under")) -> str | None:
        for role in roles:
            for mention in clause.buckets:
                if mention.role == role:
                    return mention.value
        return None

    @staticmethod
    def objects(clause: _Clause, exclude: tuple[Role, ...] = (), *, files_only: bool = True) -> list[_Mention]:
        """Key/path mentions; folders ("logs/") and globs only count where the tool takes a prefix."""
        return [
            m for m in clause.of("key", "path") if m.role not in exclude and not (files_only and _is_folder(m.value))
        ]

    def pairs(
        self, clause: _Clause, default_bucket: str | None, exclude: tuple[Role, ...] = ()
    ) -> list[tuple[str | None, str]]:
        located = [self.locate(m, clause) for m in self.objects(clause, exclude)]
        return [(bucket or default_bucket, key) for bucket, key in located]

    def context_object(self, clause: _Clause, bucket: str | None) -> tuple[str | None, str] | None:
        """The object "it"/"the file" (or an unnamed object) refers to, if the context has one."""
        if self.ctx.key is None:
            return None
        if clause.it_role is not None and self.ctx.last == "bucket" and not clause.key_ref:
            return None  # "create bucket x and preview it": "it" is the bucket, not an older object
        explicit_ref = clause.it_role is not None or clause.key_ref
        if bucket is not None and self.ctx.key_bucket not in {None, bucket} and not explicit_ref:
            return None  # an unnamed object in another bucket than the one just named is a guess
        return (bucket or self.ctx.key_bucket, self.ctx.key)

    def objects_or_ask(self, clause: _Clause, action: str, exclude: tuple[Role, ...] = ()) -> list[tuple[str, str]]:
        bucket = self.bucket(clause)
        pairs = self.pairs(clause, bucket or self.ctx.bucket, exclude)
        if not pairs:
            ref = self.context_object(clause, bucket)
            if ref is None:
                where = bucket or self.ctx.bucket
                raise _NeedInfo(f"Which object{f' in {where}' if where else ''} should I {action}?")
            pairs = [ref]
        resolved: list[tuple[str, str]] = []
        for bkt, key in pairs:
            if bkt is None:
                raise _NeedInfo(f"Which bucket is {key} in?")
            resolved.append((bkt, key))
        return resolved

    # -- intents ---------------------------------------------------------------------------------

    def plan_clause(self, clause: _Clause, intent: str) -> None:
        getattr(self, f"_{intent}")(clause)

    def _versioning(self, clause: _Clause) -> None:
        bucket = self.bucket(clause) or self.ctx.bucket
        low = clause.skeleton
        asking = re.match(
            r"^(?:is|are|does|do|has|have|was|were|check|show|get|what|whats|what's|tell|see|whether|status|"
            r"which|verify|confirm|find|look|report|display|how)\b",
            low,
        )
        enable = re.search(
            r"\b(?:enable|enabled|activate|resume|reenable|start|keep|versioned)\b|"
            r"\b(?:turn|switch|put|flip)\s+(?:\S+\s+){0,4}?on\b|\bversioning\s+on\b|\b(?:is|be)\s+on\b",
            low,
        )
        disable = re.search(
            r"\b(?:disable|disabled|suspend|suspended|pause|paused|stop|deactivate|no\s+longer)\b|"
            r"\b(?:turn|switch|flip)\s+(?:\S+\s+){0,4}?off\b|\bversioning\s+off\b|\b(?:is|be)\s+off\b",
            low,
        )
        if asking or not (enable or disable):
            if bucket is None:
                raise _NeedInfo("Which bucket's versioning should I check?")
            self.emit("get_bucket_versioning", bucket=bucket)
            return
        enabled = enable is not None and (disable is None or enable.start() < disable.start())
        if bucket is None:
            raise _NeedInfo(f"Which bucket should I {'enable' if enabled else 'suspend'} versioning on?")
        self.emit("set_bucket_versioning", bucket=bucket, enabled=enabled)

    def _tags(self, clause: _Clause) -> None:
        low = clause.skeleton
        removing = re.search(r"\b(?:remove|delete|clear|drop|wipe|strip|untag|erase)\b", low)
        setting = (
            clause.tags or removing or re.match(r"^(?:tag|label|retag|relabel|set|add|apply|attach|put|mark)\b", low)
        )
        if not setting:
            for bucket, key in self.objects_or_ask(clause, "show the tags of"):
                self.emit("get_object_tags", bucket=bucket, key=key)
            return
        one_tag = re.search(r"\b(?!(?:the|all|its|a|any|every|of|object|file)\b)(\w+)\s+tag\b", low)
        if removing and (clause.tags or one_tag):
            raise _NeedInfo("I can only replace an object's whole tag set; which tags should it keep (key=value)?")
        pairs = self.objects_or_ask(clause, "clear the tags of" if removing else "tag")
        if not clause.tags and not removing:
            raise _NeedInfo(f"Which tags should I set on {pairs[0][1]}? (e.g. team=ml)")
        replace_all: bool | None = None
        if re.search(r"\b(?:add|append|also|merge|keep|additional|extra|another|plus)\b", low):
            replace_all = False
        elif re.search(r"\b(?:replace|overwrite|reset)\b", low):
            replace_all = True
        for bucket, key in pairs:
            args: dict[str, Any] = {"bucket": bucket, "key": key, "tags": dict(clause.tags)}
            if replace_all is not None:
                args["replace"] = replace_all
            self.emit("set_object_tags", **args)

    def _presign(self, clause: _Clause) -> None:
        minutes = parse_duration_minutes(clause.text)
        for bucket, key in self.objects_or_ask(clause, "share"):
            args: dict[str, Any] = {"bucket": bucket, "key": key}
            if minutes is not None:
                args["expires_minutes"] = minutes
            self.emit("presign_url", **args)

    def _stat(self, clause: _Clause) -> None:
        if not self.objects(clause) and not clause.key_ref:
            # Buckets have no stat of their own: existence is answered by the bucket list and size by
            # the listing, which reports every object's size.
            if clause.has(r"\bexists?\b") and (clause.buckets or clause.has(r"\bbuckets?\b")):
                self.emit("list_buckets")
                return
            bucket = self.bucket(clause)
            if bucket is None and clause.it_role is not None and self.ctx.last == "bucket":
                bucket = self.ctx.bucket
            if bucket is not None:
                self.emit("list_objects", bucket=bucket)
                return
        for bucket, key in self.objects_or_ask(clause, "check"):
            self.emit("stat_object", bucket=bucket, key=key)

    def _preview(self, clause: _Clause) -> None:
        args: dict[str, Any] = {}
        rows = re.search(r"\b(\w+)\s+(?:rows?|lines?|records?|entries)\b", clause.skeleton)
        if rows and rows.group(1) not in {"a", "an"} and (n := parse_int(rows.group(1))) is not None:
            args["max_rows"] = n
        size = re.search(r"\b(\d+)\s*(bytes?|b|kb|kib|k|mb|mib)\b", clause.low)
        if size:
            factor = {"k": 1024, "kb": 1024, "kib": 1024, "mb": 1024**2, "mib": 1024**2}.get(size.group(2), 1)
            args["max_bytes"] = int(size.group(1)) * factor
        for bucket, key in self.objects_or_ask(clause, "preview"):
            self.emit("preview_object", bucket=bucket, key=key, **args)

    def _list(self, clause: _Clause) -> None:
        files = [m for m in self.objects(clause) if has_file_extension(m.value) and "*" not in m.value]
        file_ref = (
            clause.it_role is not None
            and self.ctx.last == "key"
            and not clause.mentions
            and clause.has(r"\bwhat(?:'s|s|\s+is)?\s+(?:in|inside)\s+it\b")
        )
        if (files and not clause.of("prefix")) or file_ref:
            self._preview(clause)  # "what's in report.csv" (or in "it", a file) asks for its contents
            return
        bucket = self.bucket(clause)
        prefix: str | None = None
        for mention in clause.of("prefix", "path"):
            found, value = self.locate(mention, clause) if mention.kind == "path" else (None, mention.value)
            bucket = bucket or found
            prefix = value.split("*", 1)[0]
            break
        wants_buckets = clause.has(r"\bbuckets\b") or re.search(r"\b(?:storage|s3|minio)\b(?!:)", clause.low)
        if bucket is None and wants_buckets and not clause.bucket_ref and clause.it_role is None:
            self.emit("list_buckets")
            return
        bucket = bucket or self.ctx.bucket
        if bucket is None:
            if clause.has(r"\b(?:everything|all)\b") and prefix is None:
                self.emit("list_buckets")
                return
            raise _NeedInfo("Which bucket should I list?")
        args: dict[str, Any] = {"bucket": bucket}
        if prefix:
            args["prefix"] = prefix
        if re.search(
            r"top[- ]level|non[- ]?recursive|not\s+recursive|without\s+recurs|no\s+recurs|don'?t\s+recurse|"
            r"shallow|only\s+the\s+top|just\s+the\s+top|direct\s+children|not\s+(?:in\s+)?sub",
            clause.low,
        ):
            args["recursive"] = False
        elif re.search(r"\brecursive(?:ly)?\b|\bincluding\s+sub|\ball\s+sub|\bnested\b", clause.low):
            args["recursive"] = True
        limit = re.search(
            r"\b(?:first|top|up\s+to|at\s+most|max(?:imum)?|limit(?:\s+(?:to|of))?|only|just)\s+(\w+)\b",
            clause.skeleton,
        ) or re.search(r"\b(\d+)\s+(?:files|objects|keys|items|entries|results)\b", clause.skeleton)
        if limit and limit.group(1) not in {"a", "an", "one"} and (n := parse_int(limit.group(1))) is not None:
            args["limit"] = n
        self.emit("list_objects", **args)

    def _create(self, clause: _Clause) -> None:
        named = [m.value for m in clause.mentions if m.kind in {"bucket", "name"}]
        cued = [m.value for m in clause.mentions if m.kind in {"bucket", "name"} and m.explicit]
        names = cued or named  # "a bucket for experiments called exp-1": the cued name wins
        if not names:
            if clause.invalid_names:
                raise _NeedInfo(
                    f"'{clause.invalid_names[0]}' isn't a valid bucket name (3-63 lowercase letters, digits, "
                    "dots or hyphens). What should I call the bucket?"
                )
            raise _NeedInfo("What should I call the new bucket?")
        for name in dict.fromkeys(names):
            self.emit("create_bucket", bucket=name)

    def _delete(self, clause: _Clause) -> None:
        everything = re.search(
            r"\b(?:everything|all\s+(?:the\s+)?(?:files|objects|keys|contents|data)|every\s+(?:file|object|key)|"
            r"contents|all\s+of\s+(?:it|them))\b|^(?:empty|clear|wipe|purge)\b",
            clause.skeleton,
        )
        objects = self.objects(clause, files_only=False)
        prefixes = clause.of("prefix") + [m for m in objects if _is_folder(m.value)]
        keys = [m for m in objects if m not in prefixes]
        force = re.search(
            r"\bforce(?:d|fully)?\b|\beven\s+(?:if|though|when)\b|\b(?:not|isn'?t)\s+empty\b|"
            r"\bnon-?empty\b|\bhas\s+(?:stuff|things|objects|files|data)\s+in\s+it\b|\b(?:and|with)\s+(?:all\s+|everything\s+)?(?:of\s+)?(?:its|the)\s+contents\b|"
            r"\b(?:and|with)\s+(?:everything|all)\s+(?:in|inside)\s+(?:it|there)\b|"
            r"\bincluding\s+(?:its\s+|the\s+|all\s+)?(?:contents|objects|files)\b|\brecursively\b|\bno\s+matter\s+what\b",
            clause.low,
        )
        # "delete it from reports" removes an object from a bucket, whatever "it" was before.
        object_ref = (clause.it_role is not None or clause.key_ref) and any(
            m.role in {"src", "loc"} for m in clause.buckets
        )
        means_bucket = not object_ref and (
            ((clause.has(r"\bbucket\b") or clause.bucket_ref) and (not everything or force))
            or (clause.it_role is not None and self.ctx.last == "bucket" and not everything)
            or (clause.buckets and not everything)
        )
        if not keys and not prefixes and means_bucket:
            self._delete_bucket(clause, force=force is not None)
            return

        bucket = self.bucket(clause)
        if not keys and not prefixes and everything:
            target = bucket or self.ctx.bucket
            if target is None:
                raise _NeedInfo("Which bucket should I empty?")
            self.emit("delete_objects", bucket=target, prefix="")
            return
        groups: dict[str, dict[str, Any]] = {}
        for mention in prefixes:
            found, value = (
                self.locate(mention, clause) if mention.kind == "path" else (mention.uri_bucket, mention.value)
            )
            if mention.kind == "path" and not value.split("*", 1)[0]:
                found, value = None, mention.value  # "delete logs/" never means "empty the bucket logs"
            target = found or bucket or self.ctx.bucket
            if target is None:
                raise _NeedInfo(f"Which bucket should I delete {mention.value} from?")
            groups.setdefault(target, {"bucket": target})["prefix"] = value.split("*", 1)[0]
        located = [self.locate(m, clause) for m in keys]
        pairs = [(found or bucket or self.ctx.bucket, key) for found, key in located]
        if not pairs and not groups:
            ref = self.context_object(clause, bucket) if (clause.it_role is not None or clause.key_ref) else None
            if ref is None:
                raise _NeedInfo(f"What should I delete{f' from {bucket}' if bucket else ''}?")
            pairs = [ref]
        for found, key in pairs:
            if found is None:
                raise _NeedInfo(f"Which bucket should I delete {key} from?")
            groups.setdefault(found, {"bucket": found}).setdefault("keys", []).append(key)
        for args in groups.values():
            ordered = {name: args[name] for name in ("bucket", "keys", "prefix") if name in args}
            self.emit("delete_objects", **ordered)

    def _delete_bucket(self, clause: _Clause, *, force: bool) -> None:
        names = [m.value for m in clause.buckets]
        if not names and self.ctx.bucket and (clause.bucket_ref or clause.it_role is not None):
            names = [self.ctx.bucket]
        if not names:
            raise _NeedInfo("Which bucket should I delete?")
        for name in dict.fromkeys(names):
            args: dict[str, Any] = {"bucket": name}
            if force:
                args["force"] = True
            self.emit("delete_bucket", **args)

    def _upload(self, clause: _Clause) -> None:
        sources = [m for m in clause.of("path", "key") if m.role not in {"dst", "as"} and m.uri_bucket is None]
        local_paths = [m.value for m in sources]
        if not local_paths:
            if self.ctx.local_path and (clause.it_role is not None or clause.key_ref or not clause.of("path", "key")):
                local_paths = [self.ctx.local_path]
            else:
                raise _NeedInfo("Which local file should I upload?")
        bucket = self.bucket(clause, ("dst", "loc", "none", "under", "src"))
        key: str | None = None
        for mention in clause.mentions:
            if mention.kind in {"path", "key"} and mention.role == "as":
                key = key + mention.value if key and key.endswith("/") else mention.value
            elif mention.kind in {"path", "key"} and (mention.role == "dst" or mention.uri_bucket):
                if _is_local_explicit(mention.value):
                    continue
                found, value = self.locate(mention, clause)
                bucket = found or bucket
                key = value or None
            elif mention.kind == "prefix" and mention.role in {"dst", "under", "loc", "none"}:
                bucket = mention.uri_bucket or bucket
                key = mention.value
        bucket = bucket or self.ctx.bucket
        if bucket is None:
            raise _NeedInfo(f"Which bucket should I upload {', '.join(local_paths)} to?")
        for path in local_paths:
            args: dict[str, Any] = {"local_path": path, "bucket": bucket}
            if key and (len(local_paths) == 1 or key.endswith("/")):
                args["key"] = _in_folder(key, path)
            self.emit("upload", **args)

    def _download(self, clause: _Clause) -> None:
        local: str | None = None
        remote: list[_Mention] = []
        for mention in clause.mentions:
            if mention.role in {"dst", "as"} and mention.uri_bucket is None:
                local = self._spelling(clause, mention)
            else:
                remote.append(mention)
        clause = replace(clause, mentions=remote)
        prefixes = clause.of("prefix") + [m for m in clause.of("path") if _is_folder(m.value)]
        if prefixes and not self.objects(clause):
            raise _NeedInfo(f"I can only download single objects; which file under {prefixes[0].value} do you want?")
        pairs = self.objects_or_ask(clause, "download")
        for bucket, key in pairs:
            args: dict[str, Any] = {"bucket": bucket, "key": key}
            if local and (len(pairs) == 1 or local.endswith("/")):
                args["local_path"] = local
            self.emit("download", **args)

    @staticmethod
    def _spelling(clause: _Clause, mention: _Mention) -> str:
        """The user's own spelling of a mention (bucket names are lowercased, local paths must not be)."""
        token = clause.tokens[mention.index]
        return token.text if mention.kind == "bucket" and token.kind == "word" else mention.value

    def _get(self, clause: _Clause) -> None:
        """Words like get, grab, save or add only say which way data flows once the arguments are known."""
        objects = self.objects(clause, ("dst", "as"))
        local_hint = _LOCAL_HINT_RE.search(clause.low)
        into_bucket = any(m.role in {"dst", "loc"} for m in clause.buckets) or any(
            _is_local_explicit(m.value) for m in objects
        )
        if clause.has(r"\b(?:add|save|put)\b") and objects and into_bucket and not local_hint:
            self._upload(clause)
        elif objects or clause.it_role is not None or clause.key_ref or local_hint:
            self._download(clause)
        else:
            self._list(clause)

    def _infer_destination(self, clause: _Clause) -> _Clause:
        """In "cp s3://a/x s3://b/" nothing says "to": the last of several unmarked places is the target."""
        if any(m.role in {"dst", "as"} for m in clause.mentions):
            return clause
        unmarked = sorted({m.index for m in clause.mentions if m.role == "none"})
        if len(unmarked) < 2:
            return clause
        last = unmarked[-1]
        mentions = [replace(m, role="dst") if m.index == last else m for m in clause.mentions]
        return replace(clause, mentions=mentions)

    def _copy(self, clause: _Clause, tool: str = "copy_object") -> None:
        verb = "move" if tool == "move_object" else "copy"
        clause = self._infer_destination(clause)
        sources = self.objects(clause, ("dst", "as"))
        destinations = [m for m in clause.mentions if m.role in {"dst", "as"}]
        if tool == "copy_object" and sources and all(_is_local_explicit(m.value) for m in sources):
            self._upload(clause)
            return
        if tool == "copy_object" and (
            _LOCAL_HINT_RE.search(clause.low)
            or any(_is_local_explicit(m.value) for m in destinations if m.kind != "bucket")
        ):
            self._download(clause)
            return
        renaming = clause.has(r"\brename\b")
        src_bucket = self.bucket(clause, ("src", "loc", "none", "under"))
        dst_bucket: str | None = None
        dst_key: str | None = None
        for mention in destinations:
            if mention.kind == "bucket" and renaming and mention.uri_bucket is None and not mention.explicit:
                dst_key = self._spelling(clause, mention)  # "rename a.csv to final": a new name, not a bucket
            elif mention.kind == "bucket":
                dst_bucket = mention.value
            elif mention.kind == "prefix":
                dst_bucket = mention.uri_bucket or dst_bucket
                dst_key = mention.value
            else:
                found, value = self.locate(mention, clause)
                dst_bucket = found or dst_bucket
                dst_key = value or None
        pairs = self.pairs(clause, src_bucket or self.ctx.bucket, ("dst", "as"))
        folders = [m for m in clause.of("path", "prefix") if m.role not in {"dst", "as"} and _is_folder(m.value)]
        if not pairs and folders:
            raise _NeedInfo(f"I can only {verb} single objects; which file under {folders[0].value} do you mean?")
        if not pairs:
            ref = self.context_object(clause, src_bucket)
            if ref is None:
                raise _NeedInfo(f"Which object{f' in {src_bucket}' if src_bucket else ''} should I {verb}?")
            pairs = [ref]
        if dst_bucket is None and dst_key is None:
            if renaming:
                raise _NeedInfo(f"What should I rename {pairs[0][1]} to?")
            raise _NeedInfo(f"Where should I {verb} {pairs[0][1]} to?")
        for found, key in pairs:
            if found is None:
                raise _NeedInfo(f"Which bucket is {key} in?")
            args: dict[str, Any] = {"src_bucket": found, "src_key": key, "dst_bucket": dst_bucket or found}
            if dst_key:
                args["dst_key"] = _in_folder(dst_key, key)
            self.emit(tool, **args)

    def _move(self, clause: _Clause) -> None:
        if clause.has(r"\brename\b") and not self.objects(clause) and clause.has(r"\bbucket\b"):
            raise _NeedInfo("Buckets can't be renamed; should I create a new bucket and move the objects instead?")
        self._copy(clause, "move_object")


def _borrow_arguments(clause: str, following: str) -> str:
    """In "download and delete a.csv" the bare "download" borrows "a.csv" from the clause after it."""
    rest = re.sub(r"^(?:get\s+rid\s+of|\S+)\s*", "", strip_leading_fillers(following), flags=re.IGNORECASE)
    return f"{clause} {rest}".strip()


def _clauses(text: str) -> list[tuple[_Clause, str | None]]:
    """Analysed clauses with their intents, after two repairs of how people really phrase things.

    A clause without an intent qualifies the one before it ("share x.pdf. needs to last a week"),
    and a bare verb borrows the object of the next clause ("download and delete a.csv").
    """
    raw = split_clauses(text, _STORAGE_VERBS)
    analysed: list[tuple[_Clause, str | None]] = []
    for i, piece in enumerate(raw):
        clause = _analyse(piece)
        intent = _detect_intent(clause)
        if intent is None and analysed and analysed[-1][1] is not None:
            merged = _analyse(f"{analysed[-1][0].text} {clause.text}")
            analysed[-1] = (merged, analysed[-1][1])
            continue
        bare_verb = len(set(clause.skeleton.split()) - {"get", "rid", "of", "clean", "out", "back", "up"}) <= 1
        if intent and clause.is_empty and not clause.tags and bare_verb and i + 1 < len(raw):
            borrowed = _analyse(_borrow_arguments(clause.text, raw[i + 1]))
            if not borrowed.is_empty:
                clause = borrowed
        analysed.append((clause, intent))
    return analysed


def plan_storage(text: str, memory: Memory | None = None) -> Plan:
    """Map a plain-language storage request to tool calls, asking when an argument is missing."""
    planner = _Planner(memory)
    for clause, intent in _clauses(text):
        if intent is None:
            continue
        try:
            planner.plan_clause(clause, intent)
        except _NeedInfo as need:
            return Plan(planner.steps, need.question)
    if not planner.steps:
        return Plan([], "What would you like me to do in object storage (list, upload, download, share, ...)?")
    return Plan(planner.steps)


_DEFINITELY_STORAGE = re.compile(
    r"\bbuckets?\b|\bs3a?://|\bs3\b|\bminio\b|\bseaweed(?:fs)?\b|\bobject\s+storage\b|\bpresign(?:ed)?\b|"
    r"\bpre-signed\b|\bversioning\b",
    re.IGNORECASE,
)
# Matched against plain words only, so a path like runs/42/ or a bucket named pipeline-data doesn't count.
_OTHER_DOMAINS = re.compile(
    r"\b(?:pipelines?|runs?|running|experiments?|kfp|kubeflow|components?|docs?|documentation|notebooks?|"
    r"cach(?:e|ed|ing)|deploy(?:ments?)?|jobs?|katib|serving|inference|hyperparameters?|dag|recurring)\b"
)
_STORAGE_NOUNS = re.compile(
    r"\b(?:files?|objects?|folders?|keys?|prefix|uploads?|downloads?|links?|urls?|tags?|metadata)\b",
    re.IGNORECASE,
)
# Intents whose verbs are specific enough to storage that they count even without a name ("share it").
_SPECIFIC_INTENTS = frozenset({"versioning", "presign", "upload", "download"})


def is_storage_request(text: str) -> bool:
    """Cheap routing check: does answering this need the object-storage specialist?

    Explicit storage vocabulary always wins; talk of pipelines, runs or docs without it does not
    count; otherwise a storage intent must come with something to act on (a name, path or noun).
    """
    if _DEFINITELY_STORAGE.search(text):
        return True
    if _OTHER_DOMAINS.search(" ".join(words(text))):
        return False
    for clause, intent in _clauses(text):
        if intent is None or (intent == "get" and not clause.mentions):
            continue
        if (
            clause.mentions
            or clause.tags
            or intent in _SPECIFIC_INTENTS
            or _STORAGE_NOUNS.search(clause.text)
            or re.match(r"(?:empty|purge|untag)\b", clause.skeleton)  # "empty and delete bucket x"
        ):
            return True
    return False
