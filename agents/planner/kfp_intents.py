"""Offline natural-language planner for the Kubeflow Pipelines specialist.

Without a model, "run the iris pipeline with 50 trees and tell me the accuracy" still has to become
get_pipeline -> submit_run -> wait_for_run with the right arguments. Unlike storage, a pipeline plan
cannot be known up front: the parameters can only be mapped once get_pipeline has returned the
pipeline's declared inputs, and a run can only be waited for once submit_run has returned its id.
So `plan_kfp` is given the calls already executed in this visit (`done`) and returns the plan as far
as it can be known; the caller runs the next step and asks again. Because the plan is recomputed
from the same text every time, the steps that already ran are always reproduced unchanged.

When a value is missing (which pipeline? which run?) it asks rather than guessing, and it never
sends a parameter the pipeline does not declare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.planner.plan import Plan, Step
from agents.planner.text import (
    is_identifier_like,
    looks_like_path,
    mask_quoted,
    normalize,
    parse_duration_minutes,
    parse_int,
    parse_s3_uri,
    split_clauses,
    strip_leading_fillers,
    unmask_quoted,
)

__all__ = ["KFP_TOOL_NAMES", "Done", "KfpMemory", "Plan", "Step", "is_kfp_request", "plan_kfp"]

#: Every tool this planner can emit, for callers that validate plans against the registry.
KFP_TOOL_NAMES: tuple[str, ...] = (
    "list_pipelines", "get_pipeline", "upload_pipeline", "upload_pipeline_version", "list_experiments",
    "create_experiment", "submit_run", "list_runs", "get_run", "wait_for_run", "terminate_run",
    "get_task_logs", "compare_runs",
)  # fmt: skip


@dataclass
class Done:
    """A tool call already executed in this visit, in order, with its result payload."""

    tool: str
    args: dict[str, Any]
    ok: bool
    data: Any


@dataclass
class KfpMemory:
    """What earlier turns (or other specialists) in the thread mentioned; the most recent wins."""

    pipeline: str | None = None
    run: str | None = None  # run id or name
    runs: list[str] = field(default_factory=list)  # recent run ids, newest first
    experiment: str | None = None
    bucket: str | None = None  # last object the storage agent touched ("validate it")
    key: str | None = None


class _NeedInfo(Exception):
    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


class _Pending(Exception):
    """The next step needs the result of a step that has not run yet (or failed)."""


# ==================================================================================================
# Vocabulary
# ==================================================================================================

KFP_VERBS = frozenset(
    {
        "wait", "compare", "terminate", "kill", "abort", "halt", "kick off", "launch", "train", "retrain",
        "execute", "trigger", "validate", "describe", "register", "rerun", "re-run", "inspect",
    }
)  # fmt: skip

# A quoted span is masked to \x00Q<n>\x00 before matching, so a quoted name is one NAME.
_NAME = r"(?:\x00Q\d+\x00|[A-Za-z0-9](?:[\w.-]*\w)?)(?![\w/:]|[.-]\w)"

# Words that fill a name slot grammatically but are never the name of a pipeline, run or experiment.
_NOT_NAMES = frozenset(
    """
    a an the this that these those it its them they my our your their me us i you we one ones
    pipeline pipelines run runs experiment experiments version versions task tasks step steps
    component components with using use on for of in into to from by at as and or but via through
    again now please same new latest last recent previous newest current fresh another model models
    job jobs some any all each every what which who how is are was were be been do does did has have
    had take takes need needs accept accepts expect expects status state logs log details detail info
    inputs input parameters parameter params here there up down out off called named more most
    failed successful finished running pending
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

# Words that follow "run" in questions about a run, never its name.
_NOT_RUN_NAMES = frozenset(
    """
    going doing succeed succeeded fail failed finish finished work worked pass passed status done complete
    completed running progressing over ok take took end ended crash crashed break broke die died produce
    output result results accuracy metrics artifacts logs still vs versus against right now yet
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

_STATES: tuple[tuple[str, str], ...] = (
    (r"fail(?:ed|ing|ures?)?|broken|crashed|errored", "FAILED"),
    (r"running|active|in[\s-]progress|ongoing|still\s+going|live", "RUNNING"),
    (r"succeeded|successful|success|completed|finished|passed|green", "SUCCEEDED"),
    (r"pending|queued|waiting", "PENDING"),
    (r"cancel+ed|terminated|stopped|aborted|killed", "CANCELED"),
)

_NUMBER_WORDS: tuple[str, ...] = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
)  # fmt: skip
_NUM = r"(?:-?\d+(?:\.\d+)?%?|-?\.\d+%?|" + "|".join(_NUMBER_WORDS) + r")(?![\w.%-]|\.\d)"
_COUNT = r"(?:\d+|" + "|".join(_NUMBER_WORDS) + r"|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few)"

_PIPELINE_FILE = re.compile(r"\.(?:ya?ml|py|json|zip|tgz|tar\.gz)$", re.IGNORECASE)

# The user wants a result, so submitting is not enough: wait for the run to finish.
_WANTS_RESULT = re.compile(
    r"\b(?:wait|until|accuracy|metrics?|scores?|results?|f1|precision|recall|loss|auc|rmse|how\s+(?:well|good)|"
    r"tell\s+me|let\s+me\s+know|how\s+did\s+(?:it|the\s+run|that)\s+do|report|notify|ping\s+me|outcome|when\s+(?:it|that|the\s+run)\s*(?:'s|is|has)?\s*"
    r"(?:done|finished|finishes|completes?|complete|over|ends)|once\s+(?:it(?:'s|\s+is)\s+)?(?:done|finished))\b",
    re.IGNORECASE,
)
_DOCS_QUESTION = re.compile(
    r"^\s*(?:how\s+(?:do|can|should|would|could)\s+(?:i|we|you|one)\b|how\s+to\b|explain\b|what\s+(?:is|are)\s+"
    r"(?:a|an|the\s+difference|kfp|kubeflow|pipelines?\s+(?:components?|caching))\b|what's\s+(?:a|an)\b|"
    r"is\s+it\s+possible|why\s+(?:should|would)\b|when\s+should\b|(?:where|what)\s+(?:are|is)\s+the\s+docs?\b|"
    r"best\s+practices?\b|docs?\s+(?:on|for|about)\b|documentation\b|tutorial\b)",
    re.IGNORECASE,
)


# ==================================================================================================
# Clause analysis
# ==================================================================================================


@dataclass
class _Clause:
    """One clause of the request: its text with quotes masked, and the quoted originals."""

    masked: str
    originals: list[str]

    @property
    def low(self) -> str:
        return self.masked.lower()

    @property
    def skeleton(self) -> str:
        """Lowercased words with names, paths and URIs blanked: "old-logs" or "runs/42/" name things,
        they never ask for logs or runs."""
        out = []
        for chunk in self.masked.split():
            core = chunk.strip("()[]{}<>,;:!?\"'")
            if (
                core
                and not core.startswith("\x00")
                and ("://" in core or looks_like_path(core.rstrip(".")) or is_identifier_like(core))
            ):
                chunk = chunk.replace(core, "\x01")
            out.append(chunk)
        return " ".join(out).lower()

    def unmask(self, span: str) -> str:
        """A NAME as the user meant it: quotes removed, spelling kept."""
        text = unmask_quoted(span, self.originals).strip()
        if len(text) >= 2 and text[0] in "\"'`" and text[-1] == text[0]:
            text = text[1:-1].strip()
        return text


def _clause(text: str) -> _Clause:
    masked, originals = mask_quoted(strip_leading_fillers(normalize(text)))
    return _Clause(masked, originals)


def _is_name(span: str) -> bool:
    return span.lower() not in _NOT_NAMES and not re.fullmatch(r"[\d.%-]+", span)


def _find_name(clause: _Clause, patterns: list[str], text: str | None = None) -> tuple[str, str] | None:
    """First pattern whose NAME group is a real name: (name, matched span) so callers can blank it."""
    text = clause.masked if text is None else text
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if _is_name(match.group("name")):
                return clause.unmask(match.group("name")), match.group(0)
    return None


# Talk of buckets and files is the storage specialist's, unless pipelines or runs are named too.
_STORAGE_WORDS = re.compile(
    r"\b(?:buckets?|s3|minio|objects?|files?|folders?|directory|prefix|versioning|presign\w*|bytes|rows|columns)\b"
)

_SUBMIT_VERBS = (
    r"(?:re-?run|run|re-?train|train|kick\s*off|launch|start|execute|trigger|submit|fire\s+(?:off|up)|"
    r"validate|fit|do|spin\s+up)"
)
_SUBMIT_START = re.compile(rf"^{_SUBMIT_VERBS}\b(?!\s+(?:status|logs?|details?|history)\b)", re.IGNORECASE)
_CREATE_EXPERIMENT = re.compile(
    r"^(?:create|make|add|set\s+up|start|open|new|register)\s+(?:an?\s+|the\s+)?(?:new\s+)?experiment\b|"
    r"\bnew\s+experiment\b|\bcreate\b.*\bexperiment\b",
    re.IGNORECASE,
)
_RUN_REF = r"(?:run|job|execution)"


def _intent(clause: _Clause) -> str | None:
    """The action a clause asks for, by keyword; order matters where phrasings overlap."""
    low = clause.skeleton
    if _DOCS_QUESTION.search(low):
        return None
    if _STORAGE_WORDS.search(low) and not (_SUBMIT_START.search(low) or re.search(r"\bpipelines?\b|\bruns?\b", low)):
        return None
    if re.search(r"\b(?:compare|comparison|diff)\b|\bvs\.?(?!\w)|\bversus\b|\bside[\s-]by[\s-]side\b", low):
        return "compare"
    if re.search(
        r"\blogs?\b|\bwhy\b.*\b(?:fail\w*|crash\w*|errors?|errored|broke|break|stopp?\w*|die|died)\b|"
        r"\bwhat\s+(?:went|is\s+going|was)\s+wrong\b|\b(?:traceback|stack\s*trace|stderr|stdout)\b|"
        r"\berror\s+(?:message|output)\b",
        low,
    ):
        return "logs"
    if re.search(r"^(?:stop|cancel|terminate|kill|abort|halt)\b", low) or re.search(
        rf"\b(?:stop|cancel|terminate|kill|abort)\s+(?:the|that|this|my|it|run|last|latest|\x00Q)\b|"
        rf"\b(?:stop|cancel|terminate|kill|abort)\b.*\b{_RUN_REF}\b",
        low,
    ):
        return "terminate"
    if re.search(r"^wait\b|\bwait\s+(?:for|until|on|till)\b|\bblock\s+until\b", low):
        return "wait"
    if _CREATE_EXPERIMENT.search(low):
        return "create_experiment"
    if _SUBMIT_START.search(low) and not re.match(r"^(?:start|do)\s+(?:waiting|comparing)\b", low):
        return "submit"
    if re.search(r"\bversions?\b", low) and (
        re.search(r"\b(?:upload|new|add|push|register|publish|create|update)\b", low) or _paths(clause)
    ):
        return "upload_version"
    if re.search(r"^(?:upload|register|add|import|publish|deploy|push|create)\b", low) and _pipeline_upload(clause):
        return "upload"
    if re.search(r"\bexperiments\b|\b(?:which|what)\s+experiment\b", low) and not re.search(r"\bruns\b", low):
        return "list_experiments"
    if re.search(
        r"\bruns\b|\bwhat(?:'s|\s+is|\s+are)\s+(?:still\s+)?running\b|\banything\s+running\b|\bany(?:thing)?\s+"
        r"(?:fail|succeed)ed\b",
        low,
    ):
        return "list_runs"
    if re.search(
        r"\b(?:status|state|progress)\b|\bhow(?:'s|\s+is|\s+are)\b.*\b(?:going|doing|progressing)\b|"
        r"\b(?:is|did|has)\s+(?:it|that|this|the|my)\b.*\b(?:done|finish\w*|complete\w*|succe\w*|fail\w*|"
        r"work\w*|pass\w*|running|over|ok)\b|"
        rf"\b(?:show|get|check|describe|inspect|details?|info|look\s+at|open)\b.*\b{_RUN_REF}\b",
        low,
    ):
        return "get_run"
    if re.search(
        r"\bpipelines\b|\b(?:search|find|look\s+(?:for|up))\b.*\bpipeline|\bis\s+there\s+an?\b.*\bpipeline", low
    ):
        return "list_pipelines"
    if re.search(
        r"\b(?:inputs?|parameters?|params|arguments|args|signature|defaults?)\b|"
        r"\b(?:describe|details?|info|inspect|show|tell\s+me\s+about|what\s+does)\b.*\bpipeline\b|"
        r"\bpipeline\b.*\b(?:details?|info|do)\b",
        low,
    ):
        return "get_pipeline"
    if _WANTS_RESULT.search(low) and not re.search(r"^(?:tell|let)\s+me(?:\s+know)?$", low):
        return "result"
    return None


def _paths(clause: _Clause) -> list[str]:
    return [
        m.group(0).rstrip(".,")
        for m in re.finditer(r"(?<![\w:/.-])(?:\.{0,2}/|~/)?[\w.-]+(?:/[\w.-]+)*\.[A-Za-z][\w.]*", clause.masked)
        if _PIPELINE_FILE.search(m.group(0).rstrip(".,")) or "/" in m.group(0)
    ]


def _pipeline_upload(clause: _Clause) -> bool:
    """Uploading a compiled pipeline vs. uploading a data file to a bucket (the storage specialist's)."""
    low = clause.low
    if re.search(r"\bbuckets?\b|\bs3a?://", low):
        return False
    if re.search(r"\bpipeline\b", low):
        return True
    files = [p for p in _paths(clause) if _PIPELINE_FILE.search(p)]
    return bool(files) and not re.search(r"\b(?:to|into|onto|in|under|inside)\s+", low)


# ==================================================================================================
# Pipeline inputs and parameter mapping
# ==================================================================================================


@dataclass
class _Input:
    name: str
    type: str
    default: Any
    required: bool
    phrases: list[str]


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "estimators": ("estimators", "estimator", "trees", "tree"),
    "trees": ("trees", "tree", "estimators", "estimator"),
    "seed": ("seed", "random seed", "random state"),
    "size": ("size", "split", "fraction", "ratio"),
    "lr": ("lr", "learning rate"),
    "epochs": ("epochs", "epoch"),
    "rows": ("rows", "row"),
    "columns": ("columns", "column", "cols"),
}
_LEAD_WORDS = frozenset({"n", "num", "nb", "no", "number"})


def _words_of(name: str) -> list[str]:
    return [w for w in re.split(r"[_\-\s.]+|(?<=[a-z])(?=[A-Z])", name.lower()) if w]


def _inputs(data: dict[str, Any]) -> list[_Input]:
    """Declared inputs with the phrases people use for them ("trees" for n_estimators, "depth" for max_depth).

    A short phrase is only kept when exactly one input claims it, so "size" never picks between
    two size-like inputs.
    """
    raw = [i for i in data.get("inputs") or [] if isinstance(i, dict) and i.get("name")]
    claims: dict[str, list[str]] = {}
    full: dict[str, set[str]] = {}
    for item in raw:
        name = str(item["name"])
        words = _words_of(name)
        core = [w for w in words if w not in _LEAD_WORDS] or words
        full[name] = {name.lower(), " ".join(words), "".join(words), " ".join(core)}
        short = set()
        last = core[-1]
        for syn in _SYNONYMS.get(last, (last,)):
            short.add(" ".join([*core[:-1], syn]))
            short.add(syn)
        if last.endswith("s"):
            short.add(last[:-1])
        for phrase in short - full[name]:
            claims.setdefault(phrase, []).append(name)
    out = []
    for item in raw:
        name = str(item["name"])
        phrases = set(full[name]) | {p for p, owners in claims.items() if owners == [name] and len(p) > 1}
        out.append(
            _Input(
                name=name,
                type=str(item.get("type") or "str").lower(),
                default=item.get("default"),
                required=bool(item.get("required")),
                phrases=sorted(phrases, key=len, reverse=True),
            )
        )
    return out


class _BadValue(Exception):
    pass


def _coerce(raw: str, kind: str) -> Any:
    """Turn the user's text into the input's declared type, so the run is not rejected for "50" vs 50."""
    value = raw.strip().strip(",")
    low = value.lower()
    if kind in {"int", "integer", "number_integer"}:
        number = parse_int(low)
        if number is not None and low not in {"a", "an", "single", "couple", "dozen"}:
            return number
        try:
            as_float = float(low)
        except ValueError as exc:
            raise _BadValue from exc
        if not as_float.is_integer():
            raise _BadValue
        return int(as_float)
    if kind in {"float", "double", "number", "number_double"}:
        scale = 100.0 if low.endswith("%") else 1.0
        low = low.rstrip("%")
        number = parse_int(low)
        if number is not None and low.isalpha() and low in _NUMBER_WORDS:
            return float(number) / scale
        try:
            return float(low) / scale
        except ValueError as exc:
            raise _BadValue from exc
    if kind in {"bool", "boolean"}:
        if low in {"true", "yes", "on", "1", "enabled", "y"}:
            return True
        if low in {"false", "no", "off", "0", "disabled", "n"}:
            return False
        raise _BadValue
    if kind in {"list", "array"}:
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError as exc:
                raise _BadValue from exc
            if isinstance(parsed, list):
                return parsed
            raise _BadValue
        return [part.strip() for part in value.split(",") if part.strip()]
    if kind in {"dict", "object", "struct", "map"}:
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise _BadValue from exc
        if isinstance(parsed, dict):
            return parsed
        raise _BadValue
    return value


_NUMERIC_TYPES = frozenset({"int", "integer", "float", "double", "number", "number_integer", "number_double"})
_FILLER_VALUES = frozenset(
    """and with the a an to of in on is for please quickly now then it that this using from at as set be
    trees tree default defaults same""".split()  # noqa: SIM905
)


def _is_bucket_input(name: str) -> bool:
    return "bucket" in name.lower()


def _is_key_input(name: str) -> bool:
    low = name.lower()
    if re.search(r"api|secret|access|token|password", low):
        return False
    return bool(re.search(r"(?:^|_)(?:key|object|object_name|file|file_?path|path|csv)(?:$|_)", low))


def _is_uri_input(name: str) -> bool:
    low = name.lower()
    return bool(re.search(r"uri|url|(?:^|_)(?:path|location|source|dataset|data|input|file)(?:$|_)", low))


@dataclass
class _Mapping:
    """The parameters read from a clause for one pipeline, or the question that blocks the run."""

    parameters: dict[str, Any]
    question: str | None = None


def _value_pattern(kind: str) -> str:
    if kind in _NUMERIC_TYPES:
        return _NUM
    if kind in {"bool", "boolean"}:
        return r"(?:true|false|yes|no|on|off)(?![\w-])"
    return r"(?:\x00Q\d+\x00|s3a?://\S+|\[[^\]]*\]|\{[^}]*\}|[^\s;]+)"


def _phrase_regex(phrases: list[str]) -> str:
    alts = "|".join(r"[\s_-]*".join(re.escape(w) for w in p.split()) for p in phrases)
    return rf"(?<![\w-])(?:{alts})(?![\w-])"


def _map_parameters(
    clause: _Clause, rest: str, pipeline: str, inputs: list[_Input], memory: KfpMemory, *, data_ref: bool
) -> _Mapping:
    """Read values for the pipeline's declared inputs from what is left of the clause.

    Order matters: explicit name=value first, then "name value", then "value name", so "n_estimators 50
    max_depth 3" never reads 50 as a depth. Whatever still looks like a value afterwards is reported,
    not dropped: running with a silently ignored setting is worse than a question.
    """
    raw_values: dict[str, str] = {}
    names = ", ".join(f"{i.name} ({i.type})" for i in inputs) or "none"

    def find_input(key: str) -> _Input | None:
        words = " ".join(_words_of(key))
        for item in inputs:
            if key == item.name or key.lower() == item.name.lower():
                return item
        for item in inputs:
            if words in item.phrases or key.lower() in item.phrases:
                return item
        return None

    # 1. name=value
    unknown: list[str] = []

    def kv(match: re.Match[str]) -> str:
        key, value = match.group(1), unmask_quoted(match.group(2), clause.originals)
        if len(value) >= 2 and value[0] in "\"'`" and value[-1] == value[0]:
            value = value[1:-1]
        item = find_input(key)
        if item is None:
            unknown.append(key)
        elif item.name not in raw_values:
            raw_values[item.name] = value
        return " "

    rest = re.sub(r"(?<![\w/:.=-])([A-Za-z_][\w.-]*)\s*=\s*(\x00Q\d+\x00|\[[^\]]*\]|\{[^}]*\}|[^\s,;&]+)", kv, rest)
    if unknown:
        return _Mapping({}, f"{pipeline} has no input called {', '.join(unknown)}. Its inputs are: {names}.")

    # 2. s3 URIs: split over bucket/key inputs, or passed whole to a uri/path input.
    for match in list(re.finditer(r"s3a?://[^\s,;]+", rest, re.IGNORECASE)):
        parsed = parse_s3_uri(match.group(0).rstrip("."))
        if parsed is None:
            continue
        bucket_in = next((i for i in inputs if _is_bucket_input(i.name) and i.name not in raw_values), None)
        key_in = next((i for i in inputs if _is_key_input(i.name) and i.name not in raw_values), None)
        uri_in = next((i for i in inputs if _is_uri_input(i.name) and i.name not in raw_values), None)
        if bucket_in:
            raw_values[bucket_in.name] = parsed[0]
            if key_in and parsed[1]:
                raw_values[key_in.name] = parsed[1]
        elif uri_in:
            raw_values[uri_in.name] = match.group(0).rstrip(".")
        else:
            return _Mapping({}, f"{pipeline} has no input for an s3 URI. Its inputs are: {names}.")
        rest = rest.replace(match.group(0), " ")

    # 3. "name value" ("max depth 3", "bucket raw-data", "test size of 0.2").
    for item in inputs:
        if item.name in raw_values:
            continue
        connector = r"\s*(?:=|:|\bset\s+to\b|\bequals?\b|\bequal\s+to\b|\bof\b|\bto\b|\bis\b|\bat\b|\bas\b)?\s*"
        pattern = _phrase_regex(item.phrases) + rf"{connector}(?P<value>{_value_pattern(item.type)})"
        for match in re.finditer(pattern, rest, re.IGNORECASE):
            value = match.group("value").rstrip(".,")
            if value.lower() in _FILLER_VALUES:
                continue
            raw_values[item.name] = unmask_quoted(value, clause.originals).strip("\"'`")
            rest = rest.replace(match.group(0), " ", 1)
            break

    # 4. "value name" ("50 trees", "a depth"? no: only numbers and booleans precede a name).
    for item in inputs:
        if item.name in raw_values or item.type not in _NUMERIC_TYPES:
            continue
        pattern = rf"(?P<value>{_NUM})\s+(?:more\s+|as\s+(?:the\s+)?)?" + _phrase_regex(item.phrases)
        match = re.search(pattern, rest, re.IGNORECASE)
        if match:
            raw_values[item.name] = match.group("value")
            rest = rest.replace(match.group(0), " ", 1)

    # 5. Booleans said as words: "with shuffle", "without shuffle", "no shuffle".
    for item in inputs:
        if item.name in raw_values or item.type not in {"bool", "boolean"}:
            continue
        phrase = _phrase_regex(item.phrases)
        if match := re.search(rf"\b(?:without|no|disable|don't|do\s+not)\s+{phrase}", rest, re.IGNORECASE):
            raw_values[item.name] = "false"
        elif match := re.search(rf"\b(?:with|enable|and)\s+{phrase}", rest, re.IGNORECASE):
            raw_values[item.name] = "true"
        if match:
            rest = rest.replace(match.group(0), " ", 1)

    # 6. A file named without a URI fills a key input; "in/from <bucket>" its bucket.
    key_in = next((i for i in inputs if _is_key_input(i.name) and i.name not in raw_values), None)
    if key_in:
        for token in re.findall(r"[^\s,;]+", rest):
            path = token.rstrip(".")
            if looks_like_path(path) and not path.startswith("\x00"):
                raw_values[key_in.name] = path
                rest = rest.replace(path, " ", 1)
                break
    bucket_in = next((i for i in inputs if _is_bucket_input(i.name) and i.name not in raw_values), None)
    if bucket_in and any(_is_key_input(n) for n in raw_values):
        match = re.search(rf"\b(?:in|from|inside)\s+(?:the\s+)?(?:bucket\s+)?(?P<name>{_NAME})", rest, re.IGNORECASE)
        if match and _is_name(match.group("name")):
            raw_values[bucket_in.name] = clause.unmask(match.group("name")).lower()
            rest = rest.replace(match.group(0), " ", 1)

    # 7. "validate it" after an upload: the object the storage agent last touched.
    bucket_in = next((i for i in inputs if _is_bucket_input(i.name)), None)
    key_in = next((i for i in inputs if _is_key_input(i.name)), None)
    if (
        data_ref
        and bucket_in
        and key_in
        and bucket_in.name not in raw_values
        and key_in.name not in raw_values
        and memory.bucket
        and memory.key
    ):
        raw_values[bucket_in.name] = memory.bucket
        raw_values[key_in.name] = memory.key

    leftover = re.search(rf"(?:[A-Za-z_][\w-]*\s+){{0,2}}(?<![\w.-]){_NUM}(?:\s+[A-Za-z_][\w-]*)?", rest)
    if leftover:
        return _Mapping(
            {},
            f'I couldn\'t match "{leftover.group(0).strip()}" to an input of {pipeline}. Its inputs are: '
            f"{names}. Which one did you mean?",
        )

    parameters: dict[str, Any] = {}
    for item in inputs:
        if item.name not in raw_values:
            continue
        try:
            parameters[item.name] = _coerce(raw_values[item.name], item.type)
        except _BadValue:
            return _Mapping(
                {},
                f"{item.name} takes {_article(item.type)} {item.type}; "
                f'I couldn\'t read "{raw_values[item.name]}" as one.',
            )
    missing = [i.name for i in inputs if i.required and i.default is None and i.name not in parameters]
    if missing:
        return _Mapping(
            parameters,
            f"{pipeline} needs {' and '.join(missing)} (no default). What should I use"
            f"{' for them' if len(missing) > 1 else ''}?",
        )
    return _Mapping(parameters)


# ==================================================================================================
# The planner
# ==================================================================================================

_PRONOUN = r"\b(?:it|its|that|this|the\s+same|same)\b"
_DATA_REF = re.compile(
    r"\b(?:it|this|that|them|uploaded|(?:the|that|this|same|my)\s+(?:file|data|dataset|object|csv|upload))\b",
    re.IGNORECASE,
)


class _Planner:
    def __init__(self, memory: KfpMemory | None, done: list[Done] | None) -> None:
        self.memory = memory or KfpMemory()
        self.done = done or []
        self.steps: list[Step] = []
        # The run this request is talking about so far ("run iris and wait for it"): a concrete id,
        # or a function that reads it from a step's result once that step has run.
        self.current_run: Callable[[], str] | None = None
        self.waited: set[str] = set()
        # A pipeline or experiment named by an earlier clause ("upload x.py as trainer and run it").
        self.current_pipeline: str | None = None
        self.current_experiment: str | None = None
        self.described: dict[str, int] = {}  # pipeline -> index of its get_pipeline step

    # --- steps and their results ------------------------------------------------------------------
    def emit(self, tool: str, **args: Any) -> int:
        self.steps.append(Step(tool, args))
        return len(self.steps) - 1

    def result(self, index: int) -> dict[str, Any]:
        if index >= len(self.done) or not self.done[index].ok:
            raise _Pending
        data = self.done[index].data
        return data if isinstance(data, dict) else {}

    # --- runs ---------------------------------------------------------------------------------------
    def _run_filters(self, clause: _Clause) -> dict[str, Any]:
        """state / experiment / pipeline filters as the user worded them, for list_runs."""
        low = clause.low
        args: dict[str, Any] = {}
        for pattern, state in _STATES:
            if re.search(rf"\b(?:{pattern})\b", low) and not re.search(r"\bwhy\b", low):
                args["state"] = state
                break
        experiment = self._experiment(clause)
        if experiment:
            args["experiment"] = experiment
        pipeline = _find_name(
            clause,
            [
                rf"\b(?:runs?|jobs?)\s+(?:of|for|from)\s+(?:the\s+)?(?:pipeline\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+pipeline\b",
                rf"\bpipeline\s+(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+(?:runs?|jobs?)\b",
            ],
            self._without_experiment(clause),
        )
        if pipeline and not re.fullmatch(rf"{_COUNT}|{'|'.join(p for p, _ in _STATES)}", pipeline[0].lower()):
            args["pipeline"] = pipeline[0]
        elif re.search(r"\b(?:the|that|this|same)\s+pipeline\b", low) and self.memory.pipeline:
            args["pipeline"] = self.memory.pipeline
        return args

    def _without_experiment(self, clause: _Clause) -> str:
        found = self._experiment_match(clause)
        return clause.masked.replace(found[1], " ") if found else clause.masked

    def _experiment_match(self, clause: _Clause) -> tuple[str, str] | None:
        return _find_name(
            clause,
            [
                rf"\b(?:in|into|under|to|for|within|using|of)\s+(?:the\s+|my\s+)?experiment\s+(?:called\s+|named\s+)?"
                rf"(?P<name>{_NAME})",
                rf"\b(?:in|into|under|within|of)\s+(?:the\s+|my\s+)?(?P<name>{_NAME})\s+experiment\b",
                rf"\bexperiment\s*[=:]\s*(?P<name>{_NAME})",
            ],
        )

    def _experiment(self, clause: _Clause) -> str | None:
        found = self._experiment_match(clause)
        if found:
            return found[0]
        if re.search(r"\b(?:same|that|this|the)\s+experiment\b", clause.low) and self.memory.experiment:
            return self.memory.experiment
        return None

    def _explicit_runs(self, clause: _Clause) -> list[str]:
        """Runs named in the clause: quoted, ids, "run-..." names, or a name after "run".

        A plain word after "run" only counts when nothing follows it, because "how's my run going?"
        and "did the run fail?" put verbs in the same slot.
        """
        names: list[str] = []
        text = clause.masked
        sep = r"\s*(?:,\s*(?:and\s+)?|\band\b|\bwith\b|\bvs\.?|\bversus\b|\bagainst\b|&)\s*(?:(?:the\s+)?run\s+)?"
        for match in re.finditer(
            rf"\b(?:runs?|jobs?)\s+(?P<cue>(?:id|named|called)\s+)?(?P<name>{_NAME})(?P<more>(?:{sep}{_NAME})*)",
            text,
            re.IGNORECASE,
        ):
            parts = [match.group("name"), *re.findall(_NAME, re.sub(sep, " ", match.group("more") or ""))]
            for i, part in enumerate(parts):
                plain = not (part.startswith("\x00") or is_identifier_like(part) or match.group("cue"))
                followed = i == len(parts) - 1 and re.match(r"\s*[\w\x00]", text[match.end() :])
                if not _is_name(part) or part.lower() in _NOT_RUN_NAMES or (plain and followed):
                    continue
                names.append(clause.unmask(part))
        for match in re.finditer(
            r"\x00Q\d+\x00|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|"
            r"(?<![\w.-])run[-_][\w.-]*\w",
            text,
            re.IGNORECASE,
        ):
            names.append(clause.unmask(match.group(0)))
        return list(dict.fromkeys(n for n in names if not re.fullmatch(_COUNT, n.lower())))

    def _latest(self, clause: _Clause, count: int = 1) -> list[str]:
        """Ids of the newest runs matching the clause's filters: one list_runs step, then its result."""
        filters = self._run_filters(clause)
        index = self.emit("list_runs", **filters, limit=count)
        runs = [str(r.get("id")) for r in self.result(index).get("runs") or [] if r.get("id")]
        if not runs:
            raise _NeedInfo("I found no runs matching that.")
        return runs[:count]

    def run_target(self, clause: _Clause, what: str) -> str:
        """The run a clause is about: named, "my last run", or "it" (this request's run, then memory)."""
        explicit = self._explicit_runs(clause)
        if explicit:
            run = explicit[0]
        elif re.search(rf"\b(?:last|latest|most\s+recent|newest|recent)\b(?:\s+\w+){{0,2}}\s+{_RUN_REF}\b", clause.low):
            run = self._latest(clause)[0]
        elif self.current_run is not None:
            run = self.current_run()
        elif self.memory.run:
            run = self.memory.run
        else:
            raise _NeedInfo(f'Which run should I {what}? Give me its name or id, or say "my last run".')
        self.current_run = lambda: run
        return run

    # --- intents --------------------------------------------------------------------------------------
    def plan_clause(self, clause: _Clause, intent: str, full_text: str) -> None:
        handler: Callable[..., None] = getattr(self, f"_{intent}")
        if intent == "submit":
            handler(clause, full_text)
        else:
            handler(clause)

    def _list_pipelines(self, clause: _Clause) -> None:
        args: dict[str, Any] = {}
        search = _find_name(
            clause,
            [
                rf"\bpipelines?\s+(?:matching|containing|like|named|called|with|about|for|mentioning)\s+"
                rf"(?:the\s+(?:word|name)\s+)?(?P<name>{_NAME})",
                rf"\b(?:search|look)\s+(?:for\s+)?(?:the\s+)?pipelines?\s+(?:for\s+)?(?P<name>{_NAME})",
                rf"\b(?:search|find|look\s+for|look\s+up)\s+(?:the\s+|a\s+|an\s+)?(?P<name>{_NAME})\s+pipelines?\b",
                rf"\bis\s+there\s+an?\s+(?P<name>{_NAME})\s+pipeline\b",
                rf"\bis\s+there\s+an?\s+pipeline\s+(?:for|called|named|about)\s+(?P<name>{_NAME})",
                rf"\bpipelines?\b.*\bwith\s+(?P<name>{_NAME})\s+in\s+(?:the|its|their)\s+name",
            ],
        )
        if search:
            args["search"] = search[0]
        limit = re.search(rf"\b(?:first|top|last|latest)\s+(?P<n>{_COUNT})\b|(?P<m>\d+)\s+pipelines\b", clause.low)
        if limit:
            args["limit"] = _count(limit.group("n") or limit.group("m"))
        self.emit("list_pipelines", **args)

    def _pipeline_name(self, clause: _Clause) -> tuple[str, str] | None:
        return _find_name(
            clause,
            [
                rf"\bpipeline\s+(?:called\s+|named\s+|titled\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+pipeline\b",
                rf"\bdoes\s+(?:the\s+)?(?P<name>{_NAME})\s+(?:take|need|accept|expect|have|do)\b",
                rf"\b(?:of|for|about|describe|inspect|show(?:\s+me)?)\s+(?:the\s+)?(?P<name>{_NAME})\s*\??$",
            ],
        )

    def _get_pipeline(self, clause: _Clause) -> None:
        found = self._pipeline_name(clause)
        pipeline = found[0] if found else (self.current_pipeline or self.memory.pipeline)
        if pipeline is None:
            raise _NeedInfo("Which pipeline do you mean?")
        self.described[pipeline] = self.emit("get_pipeline", pipeline=pipeline)
        self.current_pipeline = pipeline

    def _upload(self, clause: _Clause) -> None:
        files = _paths(clause)
        if not files:
            raise _NeedInfo("Which pipeline file (compiled YAML or a Python file) should I upload?")
        path = files[0]
        rest = clause.masked.replace(path, " ")
        args: dict[str, Any] = {"path": path}
        name = _find_name(
            clause,
            [
                rf"\bas\s+(?:a\s+|the\s+)?(?:new\s+)?(?:pipeline\s+)?(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"\b(?:called|named|titled)\s+(?P<name>{_NAME})",
                rf"\bname\s+(?:it\s+)?(?P<name>{_NAME})",
            ],
            rest,
        )
        if name:
            args["name"] = name[0]
        self._describe_args(clause, rest, args)
        self.emit("upload_pipeline", **args)
        self.current_pipeline = args.get("name")

    def _describe_args(self, clause: _Clause, rest: str, args: dict[str, Any]) -> None:
        description = re.search(
            r"\b(?:description|described\s+as|desc)\s*(?:[:=]|of|is)?\s*(?P<d>\x00Q\d+\x00)", rest, re.IGNORECASE
        )
        if description:
            args["description"] = clause.unmask(description.group("d"))
        function = _find_name(
            clause,
            [
                rf"\bfunction\s*[:=]?\s*(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+function\b",
            ],
            rest,
        )
        if function and "path" in args:
            args["function"] = function[0]

    def _upload_version(self, clause: _Clause) -> None:
        files = _paths(clause)
        if not files:
            raise _NeedInfo("Which file holds the new version (compiled YAML or a Python file)?")
        path = files[0]
        rest = clause.masked.replace(path, " ")
        found = _find_name(
            clause,
            [
                rf"\bversions?\s+(?:\S+\s+)?(?:of|for|to)\s+(?:the\s+)?(?:pipeline\s+)?(?P<name>{_NAME})",
                rf"\b(?:to|for|of)\s+(?:the\s+)?(?P<name>{_NAME})\s+pipeline\b",
                rf"\bpipeline\s+(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"\bupdate\s+(?:the\s+)?(?P<name>{_NAME})",
                rf"\b(?:to|for|of)\s+(?:the\s+)?(?P<name>{_NAME})",
            ],
            rest,
        )
        pipeline = found[0] if found else None
        if pipeline is None and (self.memory.pipeline and re.search(rf"{_PRONOUN}|\bthe\s+pipeline\b", rest, re.I)):
            pipeline = self.memory.pipeline
        if pipeline is None:
            raise _NeedInfo(f"Which pipeline is {path} a new version of?")
        args: dict[str, Any] = {"path": path, "pipeline": pipeline}
        version = _find_name(
            clause,
            [
                rf"\bversion\s+(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"\b(?:called|named|as)\s+(?P<name>{_NAME})",
                rf"\bversion[\s_]name\s*[:=]?\s*(?P<name>{_NAME})",
            ],
            rest.replace(found[1], " ") if found else rest,
        )
        if version:
            args["version_name"] = version[0]
        self._describe_args(clause, rest, args)
        args.pop("description", None)
        self.emit("upload_pipeline_version", **args)

    def _list_experiments(self, clause: _Clause) -> None:
        args: dict[str, Any] = {}
        limit = re.search(rf"\b(?:first|top|last|latest)\s+(?P<n>{_COUNT})\b|(?P<m>\d+)\s+experiments\b", clause.low)
        if limit:
            args["limit"] = _count(limit.group("n") or limit.group("m"))
        self.emit("list_experiments", **args)

    def _create_experiment(self, clause: _Clause) -> None:
        found = _find_name(
            clause,
            [
                rf"\b(?:called|named|titled)\s+(?P<name>{_NAME})",
                rf"\bexperiment\s*[:=]?\s*(?P<name>{_NAME})",
                rf"\b(?:an?|new)\s+(?P<name>{_NAME})\s+experiment\b",
            ],
        )
        if found is None:
            raise _NeedInfo("What should the new experiment be called?")
        args: dict[str, Any] = {"name": found[0]}
        description = re.search(
            r"\b(?:description|described\s+as|desc|for)\s*(?:[:=]|of|is)?\s*(?P<d>\x00Q\d+\x00)", clause.masked, re.I
        )
        if description:
            args["description"] = clause.unmask(description.group("d"))
        self.emit("create_experiment", **args)
        self.current_experiment = found[0]

    def _list_runs(self, clause: _Clause) -> None:
        args = self._run_filters(clause)
        limit = re.search(
            rf"\b(?:last|latest|first|top|recent|newest|most\s+recent)\s+(?P<n>{_COUNT})\b|"
            rf"\b(?P<m>{_COUNT})\s+(?:most\s+recent|latest|last|newest|recent)?\s*(?:\w+\s+)?runs\b",
            clause.low,
        )
        if limit and (limit.group("n") or limit.group("m")):
            args["limit"] = _count(limit.group("n") or limit.group("m"))
        self.emit("list_runs", **args)

    def _get_run(self, clause: _Clause) -> None:
        run = self.run_target(clause, "look at")
        self.emit("get_run", run=run)

    def _wait(self, clause: _Clause) -> None:
        run = self.run_target(clause, "wait for")
        self._emit_wait(run, clause)

    def _emit_wait(self, run: str, clause: _Clause | None = None) -> None:
        if run in self.waited:
            return
        self.waited.add(run)
        args: dict[str, Any] = {"run": run}
        limit = clause and re.search(
            r"\b(?:up\s+to|at\s+most|max(?:imum)?|no\s+(?:more|longer)\s+than|timeout(?:\s+of)?|for)\s+"
            r"(?P<d>(?:\d+|an?|half\s+an?|one|two|three|five|ten|fifteen|twenty|thirty)\s*-?\s*"
            r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|[smh]\b))",
            clause.low,
        )
        if limit:
            minutes = parse_duration_minutes(limit.group("d"))
            seconds = re.match(r"(\d+)\s*(?:seconds?|secs?|s)\b", limit.group("d"))
            if seconds:
                args["timeout_seconds"] = int(seconds.group(1))
            elif minutes:
                args["timeout_seconds"] = minutes * 60
        self.emit("wait_for_run", **args)

    def _result(self, clause: _Clause) -> None:
        """Asked for a run's accuracy or metrics: wait_for_run returns the artifacts (at once if finished)."""
        run = self.run_target(clause, "report on")
        self._emit_wait(run)

    def _terminate(self, clause: _Clause) -> None:
        named = self._explicit_runs(clause)
        # "stop run-a and run-b" stops both; otherwise the one run the clause is about.
        for run in named if len(named) > 1 else [self.run_target(clause, "stop")]:
            self.emit("terminate_run", run=run)

    def _logs(self, clause: _Clause) -> None:
        run = self.run_target(clause, "show the logs of")
        args: dict[str, Any] = {"run": run}
        task = _find_name(
            clause,
            [
                rf"\b(?:task|step|component)\s*[:=]?\s*(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+(?:task|step|component)\b",
            ],
        )
        if task and task[0].lower() not in {"failed", "failing", "broken", "first", "last", "which"}:
            args["task"] = task[0]
        tail = re.search(r"\b(?:last|tail|final)\s+(?P<n>\d+)\s+(?:log\s+)?lines?\b|\b(?P<m>\d+)\s+lines\b", clause.low)
        if tail:
            args["tail_lines"] = int(tail.group("n") or tail.group("m"))
        self.emit("get_task_logs", **args)

    def _compare(self, clause: _Clause) -> None:
        low = clause.low
        named = self._explicit_runs(clause)
        latest = re.search(
            rf"\b(?:last|latest|most\s+recent|newest|recent|previous)(?:\s+(?P<n>{_COUNT}))?(?:\s+\w+){{0,3}}?\s+"
            rf"(?:{_RUN_REF}s?)\b|\b(?P<m>{_COUNT})\s+(?:most\s+recent|latest|last|newest|recent)\b",
            low,
        )
        runs: list[str] = []
        if re.search(r"\b(?:it|this\s+(?:one|run)|that\s+(?:one|run))\b", low) and (
            self.current_run is not None or self.memory.run
        ):
            runs.append(self.current_run() if self.current_run else str(self.memory.run))
        if latest and not named:
            said = latest.group("n") or latest.group("m")
            count = _count(said) if said else 2
            runs.extend(self._latest(clause, max(count - len(runs), 1)))
        elif latest and named:
            runs.extend(self._latest(clause, 1))
        runs.extend(named)
        if len(runs) < 2 and re.search(r"\b(?:them|those|these|both)\b", low):
            runs = list(self.memory.runs)
        if len(runs) == 1 and re.search(r"\b(?:previous|last|the\s+one\s+before)\b", low) and self.memory.runs:
            runs.extend(r for r in self.memory.runs if r not in runs)
            runs = runs[:2]
        runs = list(dict.fromkeys(runs))
        if len(runs) < 2:
            raise _NeedInfo('Which runs should I compare? Name at least two, or say e.g. "my last two iris runs".')
        self.emit("compare_runs", runs=runs)

    def _submit(self, clause: _Clause, full_text: str) -> None:
        low = clause.low
        rest = clause.masked
        # What the clause says about the run itself, removed before reading pipeline parameters.
        args: dict[str, Any] = {}
        experiment = self._experiment_match(clause)
        if experiment:
            args["experiment"] = experiment[0]
            rest = rest.replace(experiment[1], " ")
        elif re.search(r"\b(?:in|into|under)\s+(?:it|there|that\s+one)\b", low) and self.current_experiment:
            args["experiment"] = self.current_experiment
            rest = re.sub(r"\b(?:in|into|under)\s+(?:it|there|that\s+one)\b", " ", rest, flags=re.I)
        elif re.search(r"\b(?:same|that|this|the)\s+experiment\b", low) and self.memory.experiment:
            args["experiment"] = self.memory.experiment
            rest = re.sub(
                r"\b(?:in|into|under)?\s*(?:the\s+)?(?:same|that|this)?\s*experiment\b", " ", rest, flags=re.I
            )
        run_name = _find_name(
            clause,
            [
                rf"\brun[\s_-]?name\s*(?:=|:|of|is|as)?\s*(?P<name>{_NAME})",
                rf"\b(?:call|name)\s+(?:the\s+|this\s+|it\s+)?(?:run\s+)?(?P<name>{_NAME})",
                rf"\bas\s+(?:a\s+)?run\s+(?:called\s+|named\s+)?(?P<name>{_NAME})",
                rf"\brun\s+(?:called|named)\s+(?P<name>{_NAME})",
            ],
            rest,
        )
        if run_name:
            args["run_name"] = run_name[0]
            rest = rest.replace(run_name[1], " ")
        version = _find_name(
            clause,
            [
                rf"\b(?:using\s+|with\s+|at\s+)?(?:pipeline\s+)?version\s*[=:]?\s*(?:called\s+|named\s+)?(?P<name>{_NAME})"
            ],
            rest,
        )
        if version and version[0].lower() not in {"of"}:
            args["version"] = version[0]
            rest = rest.replace(version[1], " ")

        found = _find_name(
            clause,
            [
                rf"\bpipeline\s+(?:called\s+|named\s+|titled\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+pipeline\b",
                rf"^{_SUBMIT_VERBS}\s+(?:(?:the|a|an|my|our|new|another|fresh|quick|single)\s+)*"
                rf"(?:(?:run|training|job)\s+(?:of|for|on|with)\s+(?:the\s+)?)?(?P<name>{_NAME})",
                rf"\b(?:with|using|through|via)\s+(?:the\s+)?(?P<name>{_NAME})\b(?!\s*[=:])",
            ]
            if re.match(r"^validate\b", low)
            else [
                rf"\bpipeline\s+(?:called\s+|named\s+|titled\s+)?(?P<name>{_NAME})",
                rf"(?P<name>{_NAME})\s+pipeline\b",
                rf"^{_SUBMIT_VERBS}\s+(?:(?:the|a|an|my|our|new|another|fresh|quick|single)\s+)*"
                rf"(?:(?:run|training|job)\s+(?:of|for|on|with)\s+(?:the\s+)?)?(?P<name>{_NAME})",
            ],
            rest,
        )
        verb = re.match(rf"^{_SUBMIT_VERBS}\b", rest, re.IGNORECASE)
        if verb:
            rest = rest[verb.end() :]
        if found:
            pipeline, span = found
            rest = rest.replace(span, " ", 1).replace(_mask_name(clause, pipeline), " ", 1)
            named = True
        elif self.current_pipeline or self.memory.pipeline:
            pipeline, named = str(self.current_pipeline or self.memory.pipeline), False
        else:
            raise _NeedInfo("Which pipeline should I run?")
        rest = re.sub(r"\b(?:again|pipeline|the\s+same|one\s+more\s+time)\b", " ", rest, flags=re.I)

        # "what inputs does iris take? then run it": the description already fetched is reused.
        index = self.described.get(pipeline)
        info = self.result(self.emit("get_pipeline", pipeline=pipeline) if index is None else index)
        resolved = info.get("pipeline") or {}
        name = str(resolved.get("name") or pipeline) if isinstance(resolved, dict) else pipeline
        self.current_pipeline = name
        wants_result = bool(_WANTS_RESULT.search(clause.masked))
        if wants_result:
            rest = _WANTS_RESULT.sub(" ", rest)
        data_ref = bool(_DATA_REF.search(rest)) and (named or bool(re.search(r"\b(?:file|data|csv|upload)", low)))
        mapping = _map_parameters(clause, rest, name, _inputs(info), self.memory, data_ref=data_ref)
        if mapping.question:
            raise _NeedInfo(mapping.question)
        submit: dict[str, Any] = {"pipeline": name}
        if mapping.parameters:
            submit["parameters"] = mapping.parameters
        submit.update({k: args[k] for k in ("version", "experiment", "run_name") if k in args})
        index = self.emit("submit_run", **submit)

        def submitted() -> str:
            data = self.result(index)
            return str(data.get("run_id") or data.get("id") or data.get("run_name"))

        self.current_run = submitted
        if wants_result or re.search(
            r"\b(?:when|once|after)\s+(?:it|that|the\s+run)?\s*(?:'s|\s+is|\s+has)?\s*(?:done|finished|complete)",
            full_text,
            re.IGNORECASE,
        ):
            self._emit_wait(submitted())


def _mask_name(clause: _Clause, name: str) -> str:
    """The masked spelling of a name, to remove it from the clause whether or not it was quoted."""
    for i, original in enumerate(clause.originals):
        if original[1:-1].strip() == name:
            return f"\x00Q{i}\x00"
    return name


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _count(word: str) -> int:
    word = re.sub(r"\s+of$", "", word.strip().lower())
    if word in {"a couple", "couple"}:
        return 2
    if word in {"a few", "few"}:
        return 3
    return parse_int(word) or 2


# ==================================================================================================
# Entry points
# ==================================================================================================


def _clauses(text: str) -> list[tuple[_Clause, str | None]]:
    """Clauses with their intents; a clause with no action of its own ("tell me the accuracy")
    qualifies the one before it."""
    out: list[tuple[_Clause, str | None]] = []
    for piece in split_clauses(text, KFP_VERBS):
        clause = _clause(piece)
        intent = _intent(clause)
        if out and out[-1][1] is not None and (intent is None or (intent == "result" and out[-1][1] == "submit")):
            previous = out[-1][0]
            merged = _clause(f"{unmask_quoted(previous.masked, previous.originals)} and {piece}")
            out[-1] = (merged, out[-1][1])
            continue
        out.append((clause, intent))
    return out


def plan_kfp(text: str, memory: KfpMemory | None = None, done: list[Done] | None = None) -> Plan:
    """Map a plain-language pipelines request to tool calls, as far as the results so far allow.

    steps[:len(done)] reproduce what ran; later steps appear once the results they need exist. A
    failed last step ends the plan there, because what follows was planned on its success.
    """
    planner = _Planner(memory, done)
    question: str | None = None
    pending = False
    clauses = _clauses(text)
    try:
        for clause, intent in clauses:
            if intent is not None:
                planner.plan_clause(clause, intent, text)
    except _NeedInfo as need:
        question = need.question
    except _Pending:
        pending = True
    steps = planner.steps
    if done and not done[-1].ok:
        return Plan(steps[: len(done)])
    if not steps and question is None:
        question = (
            "What would you like me to do with pipelines (list or describe pipelines, run one, check, wait for, "
            "stop or compare runs, show logs)?"
        )
    return Plan(steps, question, pending)


def is_kfp_request(text: str) -> bool:
    """Cheap routing check: does answering this need the pipelines specialist?

    How-to questions are documentation even when they name KFP, and moving data files is storage;
    anything else counts when one of its clauses asks for a pipelines action.
    """
    if _DOCS_QUESTION.search(strip_leading_fillers(normalize(text))):
        return False
    for clause, intent in _clauses(text):
        if intent == "result" and not re.search(rf"\b{_RUN_REF}\b|\x00Q", clause.low):
            continue  # "what's its accuracy?" alone is read from the metrics artifact, not a pipelines call
        if intent is not None:
            return True
    return False
