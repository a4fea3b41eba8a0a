"""Names, paths, URIs, numbers and durations in a request: what can be a tool argument.

Without a model, a word has to be told apart from a bucket name, a file, a URI or a number. Standard
library only (the bucket rule is the storage tools' own).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from agents.text import PLACEHOLDER_RE, mask_quoted, normalize, quoted_content

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
        placeholder = PLACEHOLDER_RE.search(raw)
        if placeholder:
            content = quoted_content(originals[int(placeholder.group(1))])
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


def name_words(name: str) -> list[str]:
    """The words of a name: "n_estimators" -> n, estimators; "train/model" segments -> train, model."""
    return [w for w in re.split(r"[_\-\s.]+|(?<=[a-z])(?=[A-Z])", name.lower()) if w]
