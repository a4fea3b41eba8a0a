"""Deterministic text helpers shared by the fast router and the offline planner.

Without a model, free text has to become tool arguments: split a request into clauses, keep quoted
names intact, tell names and paths apart from English words, read numbers and durations. Standard
library only; the fast router splits requests with the same `split_clauses`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "FILE_EXTENSIONS",
    "Token",
    "TokenKind",
    "extract_key_values",
    "has_file_extension",
    "split_clauses",
    "is_identifier_like",
    "looks_like_path",
    "is_valid_bucket_name",
    "mask_quoted",
    "normalize",
    "parse_duration_minutes",
    "parse_int",
    "parse_s3_uri",
    "tokenize",
]

# Typographic quotes and dashes come from phones and chat clients; folding them keeps every regex
# below ASCII-only. The right single quote doubles as an apostrophe ("what’s"), which is why it maps to '.
_TRANSLATION = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": " - ",
        "\u00a0": " ",
        "\u2026": "...",
    }
)


def normalize(text: str) -> str:
    """Fold typographic characters and collapse runs of blanks.

    Case is kept on purpose: file names and object keys are case-sensitive, so lowercasing is left
    to callers that know a span is a word or a bucket name.
    """
    text = text.translate(_TRANSLATION)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n+ *", "\n", text)
    return text.strip()


# --------------------------------------------------------------------------------------------------
# Quoted strings
# --------------------------------------------------------------------------------------------------

# A single quote only opens/closes a quotation at a word boundary, so apostrophes in "what's",
# "don't" or "users'" are never mistaken for quotes.
_QUOTED_RE = re.compile(r'"([^"\n]+)"|`([^`\n]+)`|(?<![\w\'])\'([^\'\n]+?)\'(?![\w])')
_PLACEHOLDER_RE = re.compile(r"\x00Q(\d+)\x00")


def mask_quoted(text: str) -> tuple[str, list[str]]:
    """Swap quoted spans for opaque placeholders so splitting and tokenising cannot cut through them.

    Returns the masked text and the original spans (quotes included) for `unmask_quoted`.
    """
    originals: list[str] = []

    def _sub(match: re.Match[str]) -> str:
        originals.append(match.group(0))
        return f"\x00Q{len(originals) - 1}\x00"

    return _QUOTED_RE.sub(_sub, text), originals


def unmask_quoted(text: str, originals: list[str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: originals[int(m.group(1))], text)


def _quoted_content(original: str) -> str:
    return original[1:-1].strip()


# --------------------------------------------------------------------------------------------------
# Clause splitting
# --------------------------------------------------------------------------------------------------

#: Imperative verbs common to every specialist; a following "and <verb>" starts a new clause.
DEFAULT_VERBS: frozenset[str] = frozenset(
    {
        "add", "build", "cancel", "change", "check", "clean", "clear", "compile", "copy", "create",
        "delete", "describe", "disable", "download", "drop", "duplicate", "empty", "enable", "explain",
        "fetch", "find", "get", "give", "grab", "launch", "list", "look", "ls", "make", "move", "open",
        "preview", "print", "pull", "push", "put", "read", "remove", "rename", "rerun", "restart",
        "retry", "run", "save", "search", "send", "set", "share", "show", "start", "stop", "submit",
        "summarise", "summarize", "switch", "tag", "tell", "trigger", "turn", "update", "upload",
        "wipe", "validate", "train", "retrain", "wait", "compare", "index", "terminate", "kill", "abort",
        "register", "publish", "kick", "execute", "learn", "ingest", "archive",
    }
)  # fmt: skip

# Words that may sit between the conjunction and the verb ("and also upload ...", "then please list").
_ADVERBS = r"(?:(?:also|please|pls|now|then|finally|just|quickly|afterwards|maybe|can\s+you|could\s+you)\s+)*"

# Connectives that always end a clause, independent of what follows.
_ALWAYS_SPLIT = re.compile(
    r"\s*,?\s*\b(?:and\s+then|then|after\s+that|afterwards|and\s+finally|finally|lastly|"
    r"once\s+(?:that(?:'s|\s+is)\s+|it(?:'s|\s+is)\s+)?done|when\s+(?:that(?:'s|\s+is)\s+|it(?:'s|\s+is)\s+)?done|"
    r"and\s+if\s+(?:it|that|this|they)\s+(?:passes|pass|succeeds|works|is\s+ok|looks\s+good))"
    r"\b(?![/.-])\s*,?\s*",
    re.IGNORECASE,
)
# After ", and" these begin a new clause; anything else is taken to continue a list ("a, b, and c").
_CLAUSE_STARTERS = r"(?:i|we|you|it|please|pls|also|maybe|lastly|afterwards|can|could|which|what|how)\b"
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)|\s*;\s*|\n+")


def _verb_alternation(verbs: Iterable[str]) -> str:
    # Longest first so "get rid of" wins over "get"; a verb must not be glued to a name ("copy.csv").
    ordered = sorted({v.lower() for v in verbs}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered) + r")(?![\w/.-])"


_SUBJECT = (
    r"(?:i|we|somebody|someone|they|he|she|(?:my|our|the|this|that)\s+[\w.-]+(?:\s+[\w.-]+)?|[\w.-]*[\d./-][\w./-]*)"
)
_PAST = r"(?:\w{3,}ed|made|wrote|ran|put|got|did|built|sent|forgot|took|left|found|broke|began|kept|brought|came|went)"
#: "I tweaked the pipeline", "somebody uploaded x three times", "batch-17 is done": what happened.
_CONTEXT = re.compile(
    rf"^\s*(?:so\s+|well\s+|ok\s+|okay\s+)?{_SUBJECT}(?:'ve|'d|\s+have|\s+has|\s+had|\s+just|\s+accidentally|"
    rf"\s+already|\s+finally|\s+also|\s+mistakenly)*\s+{_PAST}\b|"
    rf"^\s*{_SUBJECT}\s+(?:is|are|'s)\s+(?:now\s+)?(?:done|finished|over|complete|completed|ready)\b|"
    rf"^\s*(?:i'm|i am|we're|we are)\s+(?:\w+ly\s+)?\w+ing\b|"  # "we're decommissioning x on friday"
    rf"^\s*(?:that|this|it)\s+(?:was|is|'s|were)\s+(?:the\s+|a\s+)?(?:wrong|right|fine|ok|okay|broken|bad|good)\b",
    re.IGNORECASE,
)
#: "don't run it yet", "no need to wait": what not to do is a limit on the request, not a request.
_PROHIBITION = re.compile(r"^\s*(?:but\s+|and\s+)?(?:don'?t|do not|never|no need to|there'?s no need to)\b", re.I)
_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|thank you|many thanks|cheers)\b[\w\s,!.]{0,20}$",
    re.I,
)
_ASKING = re.compile(r"\?|\b(?:please|pls|can you|could you|would you|i need|we need|i want|we want|let'?s)\b", re.I)


_INTERJECTION = re.compile(r"^\W*(?:wait|hold on|oops|oh|hmm|actually|sorry|ugh|ah|well)\b[\s,!.]*", re.I)


#: A request that continues the last answer ("and for a whole run?", "ok, what about the other one?").
CONTINUES = re.compile(
    r"^\s*(?:(?:ok|okay|right|great|cool|thanks)\W+)?(?:and|also|what about|how about|same for|then)\b", re.I
)


def is_context(clause: str) -> bool:
    """The clause tells what happened rather than asking for anything ("I tweaked the pipeline")."""
    bare = _INTERJECTION.sub("", clause)
    return _CONTEXT.search(bare) is not None and _ASKING.search(bare) is None


_SENTENCE_END = re.compile(
    r"(?<=[.!?;])\s+|,\s+(?=(?:but\s+)?(?:don'?t|do not|never|no need|there'?s no need)\b)", re.I
)
_SO = re.compile(r",?\s+so\s+(?!far\b)", re.I)
#: "..., so the pipeline picks it up", "so nobody touches prod": why, not what.
_PURPOSE = re.compile(
    r"(?:that|the|a|an|nobody|no one|everyone|everybody|people|others|i|we|you|they|he|she|it|my|our|their)\b", re.I
)


def _purpose_or_situation(sentence: str) -> str:
    """ "we're retiring x, so move y": the request follows "so"; "move y, so the pipeline picks it
    up": the request comes before it, the rest is why."""
    head, *tail = _SO.split(sentence, maxsplit=1)
    if not tail:
        return sentence
    if is_context(head):
        return tail[0]
    return head if _PURPOSE.match(tail[0]) else sentence


def is_prohibition(clause: str) -> bool:
    return _PROHIBITION.search(clause) is not None


def without_context(text: str) -> str:
    """The request proper: without the story told before it ("I tweaked x. push it as a new
    version"), greetings, or what not to do ("... don't run it yet")."""
    sentences = [_purpose_or_situation(s) for s in _SENTENCE_END.split(text) if s.strip()]
    kept = [s for s in sentences if not _GREETING.search(s) and not is_prohibition(s)] or sentences
    while len(kept) > 1 and is_context(kept[0]):
        kept = kept[1:]
    return " ".join(kept)


def split_clauses(text: str, verbs: Iterable[str] | None = None) -> list[str]:
    """Split a request into the clauses a user meant as separate actions, in order.

    Splits on sentence ends, ";", "then"-style connectives, "and"/"," followed by a verb, and ", and"
    unless it continues a list of names ("a.csv, b.csv, and c.csv"). Quoted spans are never cut.
    `verbs` extends DEFAULT_VERBS with a specialist's own vocabulary (multi-word verbs allowed).
    """
    masked, originals = mask_quoted(normalize(text))
    verb_re = _verb_alternation(DEFAULT_VERBS | {v.lower() for v in (verbs or ())})
    and_verb = re.compile(rf"\s*,?\s+and\s+(?={_ADVERBS}{verb_re})|\s*,\s*(?={_ADVERBS}{verb_re})", re.IGNORECASE)
    comma_and = re.compile(rf"\s*,\s*and\s+(?={_CLAUSE_STARTERS})", re.IGNORECASE)

    pieces = [masked]
    for splitter in (_SENTENCE_SPLIT, _ALWAYS_SPLIT, and_verb, comma_and):
        pieces = [part for piece in pieces for part in splitter.split(piece)]

    clauses: list[str] = []
    for piece in pieces:
        piece = re.sub(r"^(?:and|also|,|\s)+\b", "", piece, flags=re.IGNORECASE)
        piece = re.sub(r"[\s,]+and$", "", piece, flags=re.IGNORECASE)
        piece = piece.strip(" ,.!?;:\t")
        if piece:
            clauses.append(unmask_quoted(piece, originals))
    return clauses


# --------------------------------------------------------------------------------------------------
# Names, paths and URIs
# --------------------------------------------------------------------------------------------------

#: Extensions that mark a token as a file name rather than a dotted bucket name or a word.
FILE_EXTENSIONS: frozenset[str] = frozenset(
    {
        "7z", "arrow", "avro", "bak", "bin", "bz2", "c", "cfg", "ckpt", "conf", "cpp", "csv", "dat",
        "db", "doc", "docx", "env", "feather", "gif", "go", "gz", "h", "h5", "hdf5", "htm", "html",
        "ini", "ipynb", "java", "jpeg", "jpg", "js", "json", "jsonl", "joblib", "log", "lock", "md",
        "mp3", "mp4", "ndjson", "npy", "npz", "onnx", "orc", "parquet", "pb", "pdf", "pickle", "pkl",
        "png", "ppt", "pptx", "pt", "pth", "py", "r", "rst", "safetensors", "sh", "sql", "sqlite",
        "svg", "tar", "tflite", "tgz", "tif", "tiff", "tmp", "toml", "ts", "tsv", "txt", "wav",
        "webp", "whl", "xls", "xlsx", "xml", "xz", "yaml", "yml", "zip", "zst",
    }
)  # fmt: skip

_S3_URI_RE = re.compile(r"^s3a?://([^/\s]+)/?(.*)$", re.IGNORECASE)


def is_valid_bucket_name(name: str) -> bool:
    """S3 naming rules (the storage tools' own check): anything else cannot be a bucket."""
    from tools.base import ToolFailure
    from tools.storage.client import validate_bucket_name

    try:
        validate_bucket_name(name)
    except ToolFailure:
        return False
    return True


def has_file_extension(token: str) -> bool:
    match = re.search(r"\.([A-Za-z][A-Za-z0-9]{0,11})$", token)
    return bool(match) and match.group(1).lower() in FILE_EXTENSIONS and len(token) > len(match.group(0))


def looks_like_path(token: str) -> bool:
    """True for file names, relative/absolute paths, folder prefixes and globs."""
    if not token or "://" in token or "=" in token:
        return False
    if token.startswith(("./", "../", "~/", "/")) or token in {".", ".."}:
        return True
    return "/" in token or "*" in token or has_file_extension(token)


def is_identifier_like(token: str) -> bool:
    """True when a token cannot be an ordinary English word (has a digit, '-', '_' or an inner '.').

    Such tokens can safely be read as names even without a cue like "called" or "bucket".
    """
    core = token.strip(".")
    if core.lower() in ENGLISH_COMPOUNDS:
        return False
    return bool(core) and bool(re.search(r"[\d_-]|\w\.\w", core)) and not core.isdigit()


#: Hyphenated English that people write in requests; anything else with a '-' is read as a name.
ENGLISH_COMPOUNDS = frozenset(
    """double-check double-checked top-level follow-up re-run re-runs re-index re-upload up-to-date one-off
    built-in long-running side-by-side step-by-step read-only e-mail non-empty sub-folder sub-folders
    in-progress so-called x-ray well-known right-click check-in log-in sign-off""".split()  # noqa: SIM905
)


def parse_s3_uri(text: str) -> tuple[str, str] | None:
    """Split s3://bucket/key into (bucket, key); key may be "" or end in "/" (a prefix)."""
    match = _S3_URI_RE.match(text.strip())
    if not match:
        return None
    return match.group(1).lower(), match.group(2)


# --------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------

TokenKind = Literal["word", "quoted", "uri", "path", "number", "kv"]

_CONTRACTION_BASES = frozenset({"what", "it", "that", "there", "here", "who", "where", "how", "let", "he", "she"})


@dataclass(frozen=True)
class Token:
    """One whitespace-separated unit with surrounding punctuation removed.

    `text` keeps the user's spelling (quotes stripped for quoted tokens); `lower` is for matching.
    """

    text: str
    kind: TokenKind
    index: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def _strip_token(raw: str) -> str:
    token = raw
    while True:  # "bucket).", "(x.csv," : sentence and bracket punctuation in any order
        before = token
        token = token.strip('()[]{}<>,;!?"').rstrip(":")
        # A trailing "." ends a sentence unless the token is a bare relative path marker.
        while token.endswith(".") and token not in {".", ".."} and not token.endswith("/."):
            token = token[:-1]
        if token == before:
            return token.strip("'")


def tokenize(text: str) -> list[Token]:
    """Classify each unit as a word, quoted span, s3 URI, path, number or key=value pair."""
    masked, originals = mask_quoted(normalize(text))
    tokens: list[Token] = []
    # "a.csv,b.csv" is a list even without spaces; a comma never occurs inside a name we can use.
    for raw in re.split(r"\s+|,(?=\S)", masked):
        placeholder = _PLACEHOLDER_RE.search(raw)
        if placeholder:
            content = _quoted_content(originals[int(placeholder.group(1))])
            if content:
                tokens.append(Token(content, "quoted", len(tokens)))
            continue
        token = _strip_token(raw)
        if token.lower().endswith("'s") and token[:-2].lower() not in _CONTRACTION_BASES:
            token = token[:-2]
        if not token or not re.search(r"[\w./~*]", token):
            continue
        kind: TokenKind
        if parse_s3_uri(token):
            kind = "uri"
        elif re.match(r"^[A-Za-z_][\w.-]*[=:].+", token) and "://" not in token:
            kind = "kv"
        elif token.isdigit():
            kind = "number"
        elif looks_like_path(token):
            kind = "path"
        else:
            kind = "word"
        tokens.append(Token(token, kind, len(tokens)))
    return tokens


# --------------------------------------------------------------------------------------------------
# Numbers, durations and key=value pairs
# --------------------------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "couple": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip


def parse_int(word: str) -> int | None:
    """Read "12", "twelve" or "a" as an integer; None when the word is not a number."""
    word = word.strip().lower().replace(",", "")
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_UNIT_MINUTES: dict[str, float] = {
    "second": 1 / 60, "sec": 1 / 60, "s": 1 / 60,
    "minute": 1, "min": 1, "m": 1,
    "hour": 60, "hr": 60, "h": 60,
    "day": 1440, "d": 1440,
    "week": 10080, "wk": 10080, "w": 10080,
}  # fmt: skip
_NUM = r"\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_DURATION_RE = re.compile(
    rf"(?:(?P<half>half)\s+(?:an?\s+)?(?P<hunit>hour|day|minute|week)\b"
    rf"|\b(?:next|coming|following)\s+(?P<nunit>hour|day|week)\b"
    rf"|\b(?P<num>{_NUM})(?:\s*-?\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)\b"
    rf"|(?P<short>[smhdw])(?=\d|\b))(?P<andhalf>\s+and\s+a\s+half)?)",
    re.IGNORECASE,
)


def _unit_minutes(unit: str) -> float:
    unit = unit.lower()
    if unit not in _UNIT_MINUTES and unit.endswith("s"):
        unit = unit[:-1]
    return _UNIT_MINUTES[unit]


def parse_duration_minutes(text: str) -> int | None:
    """Total duration in whole minutes ("2 hours", "a day", "1h", "the next day"), or None.

    Several amounts in one span add up ("1 hour 30 minutes"); a compact single letter unit is only
    read when glued to digits ("30m"), so "5 m" or the article "a" alone never become durations.
    """
    total = 0.0
    found = False
    text = re.sub(r"(\d)([smhdw])(?=\d)", r"\1\2 ", text, flags=re.IGNORECASE)  # "1h30m" -> "1h 30m"
    for match in _DURATION_RE.finditer(text):
        if match.group("half"):
            total += _unit_minutes(match.group("hunit")) / 2
            found = True
            continue
        if match.group("nunit"):  # "for the next day": one of it
            total += _unit_minutes(match.group("nunit"))
            found = True
            continue
        num = match.group("num")
        if match.group("short") and not num[0].isdigit():
            continue
        amount = float(num) if num[0].isdigit() else float(_NUMBER_WORDS[num.lower()])
        per_unit = _unit_minutes(match.group("unit") or match.group("short"))
        total += amount * per_unit
        if match.group("andhalf"):
            total += per_unit / 2
        found = True
    if not found:
        return None
    return max(1, math.ceil(total - 1e-9))


_KV_RE = re.compile(
    r"(?<![\w/:.=-])([A-Za-z_][\w.-]*)\s*(?:=\s*|:(?=[^\s/]))"
    r"(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
)


def extract_key_values(text: str) -> tuple[dict[str, str], str]:
    """Pull key=value (or key:value) pairs out of text, e.g. tags or parameters.

    Returns the pairs in order and the text with them blanked out, so the leftovers ("team", "ml")
    cannot be misread as names by later extraction.
    """
    pairs: dict[str, str] = {}

    def _sub(match: re.Match[str]) -> str:
        value = match.group(2)
        value = value[1:-1] if value[:1] in {'"', "'"} else value.rstrip(".?!")
        pairs[match.group(1)] = value
        return " "

    rest = _KV_RE.sub(_sub, normalize(text))
    return pairs, re.sub(r"\s+", " ", rest).strip()
