"""How a request reads as clauses, shared by the fast router and the offline planner.

Without a model, a request has to be cut into the parts it asks for ("upload x; then validate
it"), with quoted names kept intact and the story around a request ("I tweaked the pipeline")
told apart from the request itself. Standard library only; names, paths and numbers are read by
`agents.words`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = [
    "CONTINUES",
    "PLACEHOLDER_RE",
    "is_context",
    "is_prohibition",
    "mask_quoted",
    "normalize",
    "quoted_content",
    "split_clauses",
    "unmask_quoted",
    "without_context",
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
PLACEHOLDER_RE = re.compile(r"\x00Q(\d+)\x00")


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
    return PLACEHOLDER_RE.sub(lambda m: originals[int(m.group(1))], text)


def quoted_content(original: str) -> str:
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


@functools.lru_cache(maxsize=16)
def _and_verb(verbs: frozenset[str]) -> re.Pattern[str]:
    """ "and"/"," before a verb; compiled once per vocabulary (a few hundred verbs, every turn)."""
    verb_re = _verb_alternation(verbs)
    return re.compile(rf"\s*,?\s+and\s+(?={_ADVERBS}{verb_re})|\s*,\s*(?={_ADVERBS}{verb_re})", re.IGNORECASE)


_COMMA_AND = re.compile(rf"\s*,\s*and\s+(?={_CLAUSE_STARTERS})", re.IGNORECASE)


def split_clauses(text: str, verbs: Iterable[str] | None = None) -> list[str]:
    """Split a request into the clauses a user meant as separate actions, in order.

    Splits on sentence ends, ";", "then"-style connectives, "and"/"," followed by a verb, and ", and"
    unless it continues a list of names ("a.csv, b.csv, and c.csv"). Quoted spans are never cut.
    `verbs` extends DEFAULT_VERBS with a specialist's own vocabulary (multi-word verbs allowed).
    """
    masked, originals = mask_quoted(normalize(text))
    and_verb = _and_verb(frozenset(DEFAULT_VERBS | {v.lower() for v in (verbs or ())}))
    pieces = [masked]
    for splitter in (_SENTENCE_SPLIT, _ALWAYS_SPLIT, and_verb, _COMMA_AND):
        pieces = [part for piece in pieces for part in splitter.split(piece)]

    clauses: list[str] = []
    for piece in pieces:
        piece = re.sub(r"^(?:and|also|,|\s)+\b", "", piece, flags=re.IGNORECASE)
        piece = re.sub(r"[\s,]+and$", "", piece, flags=re.IGNORECASE)
        piece = piece.strip(" ,.!?;:\t")
        if piece:
            clauses.append(unmask_quoted(piece, originals))
    return clauses
