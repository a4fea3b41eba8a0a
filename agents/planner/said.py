"""What a request mentions, read once: URIs, paths, names beside their cue words, pairs, numbers.

Slot fillers (agents/planner/fill.py) pick from these by slot kind. Names are kept with the word
before and after them ("to raw-data", "bucket raw-data", "raw-data bucket"), because the same
token is a bucket after "to", a new name after "called" and a run after "run".
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from agents.text import normalize, without_context
from agents.words import (
    Token,
    extract_key_values,
    is_identifier_like,
    is_valid_bucket_name,
    parse_duration_minutes,
    parse_int,
    parse_s3_uri,
    tokenize,
)

#: Words that are never names, whatever cue precedes them.
COMMON = frozenset(
    """a an the my our your their his her its this that these those it them there here one ones all any
    some every each same new old other another latest last first recent newest previous current whole
    me us you i we he she they please pls and or but then also so to from into onto in on at of for with
    by as is are was be been being do does did done have has had can could would should will shall may
    might must what which who whom whose where when why how if not no yes ok okay just only now too very
    file files object objects bucket buckets folder folders directory dir key keys path prefix
    run runs pipeline pipelines experiment experiments version versions step steps task tasks job jobs
    link url uri copy tags tag label labels name named called up down out off over under inside
    something anything everything nothing stuff thing things called again back about after before
    list show tell give get make create delete remove upload download move rename copy wait check compare
    versioning versioned versions tags tagged metadata logs log metrics artifacts contents content size
    status state details parameters params settings inputs outputs output results result
    """.split()  # noqa: SIM905
)
#: "it", "that one", "same again": the request points back at something earlier in the thread.
_BACK = re.compile(r"\b(it|its|that|this|them|those|these|the same|same|again|there|the one|that one)\b", re.I)


@dataclass(frozen=True)
class Name:
    """A token that can be a name, with the word before it and the word after it (lowercase)."""

    text: str
    before: str
    after: str
    index: int
    cue2: str = ""  # the word two before ("the bucket called X": "bucket")
    plain: bool = False  # an English-looking word, not quoted: a name only when a cue says so


@dataclass
class Said:
    text: str
    tokens: list[Token] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> Said:
        """Read once per text: a turn's planning asks about the same clause several times."""
        return _read(text)

    @cached_property
    def low(self) -> str:
        return self.text.lower()

    @cached_property
    def words(self) -> list[str]:
        return [t.lower for t in self.tokens]

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.low) is not None

    @cached_property
    def uris(self) -> list[tuple[str, str]]:
        out = []
        for t in self.tokens:
            parsed = parse_s3_uri(t.text) if t.kind in {"uri", "quoted"} else None
            if parsed:
                out.append(parsed)
        return out

    @cached_property
    def paths(self) -> list[Token]:
        """Path-like tokens: files, folders, globs (quoted ones too), never URIs."""
        quoted_path = {t.index for t in self.tokens if t.kind == "quoted" and "/" in t.text and "://" not in t.text}
        return [t for t in self.tokens if t.kind == "path" or t.index in quoted_path]

    @cached_property
    def names(self) -> list[Name]:
        """Tokens that can be names (quoted, identifier-like, or plain words that are not common)."""
        out = []
        for t in self.tokens:
            if t.kind not in {"word", "quoted"} or (t.kind == "word" and t.lower in COMMON):
                continue
            before = self.tokens[t.index - 1].lower if t.index > 0 else ""
            cue2 = self.tokens[t.index - 2].lower if t.index > 1 else ""
            after = self.tokens[t.index + 1].lower if t.index + 1 < len(self.tokens) else ""
            plain = t.kind == "word" and not is_identifier_like(t.text)
            out.append(Name(t.text, before, after, t.index, cue2, plain))
        return out

    def near(self, nouns: set[str], *, plain_after: bool = True) -> list[str]:
        """Names next to one of `nouns`: "bucket X", "bucket called X", "X bucket", "the X bucket"
        (without `plain_after`, an English word right after the noun is not taken: "step broke")."""
        cues = frozenset(nouns)
        # "a local folder called logs": whatever follows "called" is a name, even a common word, and
        # surer than "local" before the noun.
        called = [
            t.text
            for t in self.tokens[2:]
            if self.tokens[t.index - 1].lower in {"called", "named"} and _is_noun(self.tokens[t.index - 2].lower, cues)
        ]
        out: list[str] = []
        for n in self.names:
            if _is_noun(n.text.lower(), cues):
                continue  # "the bukcet" is the noun misspelt, not a name
            if n.before == "name" and _is_noun(n.cue2, cues):
                called.append(n.text)  # "bucket name x" ("called"/"named" were read from the tokens above)
                continue
            ahead = _is_noun(n.before, cues) and (plain_after or not n.plain)
            behind = _is_noun(n.after, cues) and (not n.plain or n.before in _DETERMINERS)
            if ahead or behind:
                out.append(n.text)
        return list(dict.fromkeys(called + out))

    def called(self) -> list[str]:
        """New names: "called X", "named X", "call it X", "name it X", "name: X"."""
        return [
            n.text
            for n in self.names
            if n.before in {"called", "named", "name:", "labelled", "labeled", "titled"}
            or (n.before == "it" and n.cue2 in {"call", "name", "label"})
        ]

    def after_words(self, cues: set[str], *, strict: bool = True) -> list[str]:
        """Names right after a cue word ("to X", "from X", "called X"); with `strict`, plain English
        words only count when quoted or identifier-like."""
        return [n.text for n in self.names if n.before in cues and (not strict or not n.plain)]

    @cached_property
    def identifiers(self) -> list[str]:
        """Names that cannot be English words (a digit, '-', '_' or quotes): safe without a cue."""
        return [n.text for n in self.names if not n.plain]

    @cached_property
    def numbers(self) -> list[int]:
        return [v for w in self.words if (v := parse_int(w)) is not None and w not in {"a", "an", "one"}]

    def count_before(self, nouns: str) -> int | None:
        """ "last 5 runs", "the two newest runs", "top 3": the number said before one of `nouns`."""
        m = re.search(rf"\b(\d+|{_NUMBER_WORDS})\s+(?:\w+\s+){{0,2}}?(?:{nouns})\b", self.low)
        return parse_int(m.group(1)) if m else None

    @cached_property
    def minutes(self) -> int | None:
        return parse_duration_minutes(self.text)

    @cached_property
    def action(self) -> Said:
        """What is asked, without the story before it: a delete takes its keys from here only
        ("somebody uploaded orders.csv three times. drop the copies" never drops orders.csv)."""
        bare = without_context(self.text)
        return self if bare == self.text else Said.of(bare)

    @cached_property
    def globs(self) -> list[str]:
        """Patterns for many objects: "core-*.dmp", "every .bak file", "anything ending in .tmp"."""
        out = [t.text for t in self.tokens if "*" in t.text and t.kind != "uri"]
        out += [f"*{t.lower}" for t in self.tokens if _SUFFIX.fullmatch(t.lower)]
        out += [f"*{m}" for m in re.findall(r"\bend(?:s|ing)? (?:in|with) (\S+\w)", self.low) if f"*{m}" not in out]
        return list(dict.fromkeys(out))

    @cached_property
    def kept(self) -> set[str]:
        """Names the request says to spare: "but leave readme.txt", "x.csv must stay", "except y"."""
        out: set[str] = set()
        for sentence in re.split(r"[;:!?]|\.(?:\s|$)|\bbut\b", self.text):
            # "delete a.csv, keep b.csv": a sentence that drops and keeps is read comma by comma.
            pieces = re.split(r",|\band\b", sentence) if _DROP.search(sentence.lower()) else [sentence]
            for piece in pieces:
                head, *rest = _EXCEPT.split(piece, maxsplit=1)
                low = head.lower()
                if _KEEP.search(low) and not _DROP.search(low):
                    out |= _named(head)
                out |= _named(rest[1]) if rest else set()
        return out

    @cached_property
    def refers_back(self) -> bool:
        return _BACK.search(self.low) is not None


def _named(text: str) -> set[str]:
    return {t.text for t in tokenize(text) if t.kind in {"path", "quoted", "uri"} or "." in t.text.strip(".")}


_EXCEPT = re.compile(r"\b(except(?: for)?|apart from|other than)\b")
_SUFFIX = re.compile(r"\.[a-z][a-z0-9]{0,7}")
_KEEP = re.compile(
    r"\b(leave|keep|spare|must stay|should stay|stays?|remain|untouched|don'?t (?:touch|delete|remove)|"
    r"not (?:the|that))\b"
)
_DROP = re.compile(r"(?<!don't )(?<!dont )(?<!not )\b(delete|remove|wipe|drop|get rid|purge|erase|trash|nuke|clear)\b")
_DETERMINERS = frozenset({"the", "my", "our", "a", "an", "this", "that", "your"})
_NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|couple(?: of)?|few"


def spelled_as(word: str, vocab: Iterable[str]) -> str | None:
    """The word of `vocab` that `word` is, or is misspelt from ("bukcet" -> "bucket"); None if none.
    Words under five letters are too short to tell a typo from another word."""
    if word in vocab:
        return word
    close = difflib.get_close_matches(word, list(vocab), n=1, cutoff=0.8) if len(word) >= 5 else []
    return close[0] if close else None


@functools.lru_cache(maxsize=4096)
def _is_noun(word: str, nouns: frozenset[str]) -> bool:
    """`word` is one of `nouns`, or one misspelt ("bukcet", "pipleine")."""
    if word.endswith("s") and word not in nouns and word[:-1] in nouns:
        return False  # a plural the caller did not ask for ("top-level folders" names no folder)
    return spelled_as(word, nouns) is not None


@functools.lru_cache(maxsize=512)
def _read(text: str) -> Said:
    clean = normalize(text)
    pairs, _rest = extract_key_values(clean)
    return Said(clean, tokenize(clean), pairs)


def bucket_like(name: str) -> bool:
    return is_valid_bucket_name(name.lower()) and name.lower() not in COMMON
