"""What the offline planner knows about tools: read from the tool registries, never listed here.

A tool brings its own language (tools/*/examples.py) and its argument slot kinds (tools/slots.py);
the planner classifies a request against every tool's examples, and fills the chosen tool's
arguments by their slot kinds. A new tool registered in tools/ is planned with no change here.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tools.base import ToolSpec
from tools.slots import SlotKind, slot_of

#: The class of requests no tool owns (greetings, out of scope): see agents/examples.py.
NOBODY = "none"


@dataclass(frozen=True)
class Arg:
    name: str
    kind: SlotKind | None
    required: bool
    default: Any


@dataclass(frozen=True)
class Tool:
    name: str
    owner: str  # the specialist: storage, pipelines, docs
    mutating: bool
    args: tuple[Arg, ...]

    @property
    def args_names(self) -> set[str]:
        return {a.name for a in self.args}

    def arg(self, name: str) -> Arg | None:
        return next((a for a in self.args if a.name == name), None)


def _tool(spec: ToolSpec[Any, Any], owner: str) -> Tool:
    fields = spec.args_schema.model_fields
    args = tuple(
        Arg(name, slot_of(f), f.is_required(), None if f.is_required() else f.get_default(call_default_factory=True))
        for name, f in fields.items()
    )
    return Tool(spec.name, owner, spec.mutating, args)


@functools.cache
def specs() -> dict[str, tuple[ToolSpec[Any, Any], str]]:
    from tools.docs import DOCS_TOOLS
    from tools.kfp import KFP_TOOLS
    from tools.storage import STORAGE_TOOLS

    groups = {"storage": STORAGE_TOOLS, "pipelines": KFP_TOOLS, "docs": DOCS_TOOLS}
    return {spec.name: (spec, owner) for owner, group in groups.items() for spec in group}


@functools.cache
def tools() -> dict[str, Tool]:
    return {name: _tool(spec, owner) for name, (spec, owner) in specs().items()}


def owner_of(tool: str) -> str | None:
    found = tools().get(tool)
    return found.owner if found else None


#: Politeness and framing around the request proper ("Hello! Would you be so kind as to ...",
#: "before the demo I need ..."): they carry no intent and pull requests towards greetings.
_FRAMING = re.compile(
    r"^before\b[^,:.]{0,60}?(?:,|:|\b(?:i|we) (?:need|want|must|have to|'d like)\b)|"
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|ok|okay|so|please|pls)\b[\s,!.]*)+|"
    r"\b(?:would you (?:mind|be so kind as to)|could you(?: please)?|can you(?: please)?|i'?d (?:really )?like you to|"
    r"i'?d be (?:really |very )?grateful if you could|i need you to|please|pls|thx|thanks|thank you)\b",
    re.I,
)


_WORDS = re.compile(r"[a-z]+")


def core(text: str) -> str:
    """The request without politeness, unless that is all there is ("hi, what can you do?")."""
    bare = _FRAMING.sub(" ", text)
    return bare if len(bare.split()) >= 3 else text


#: The placeholders masked() puts in place of names.
MARKS = frozenset({"zu", "zk", "zc", "zf", "zd", "zn"})
_CODE = re.compile(r"\.(?:py|ya?ml)$", re.I)


def masked(text: str) -> str:
    """The request with its names replaced by short kind marks ("upload zf to zn"): the words
    around names say the intent; the names themselves only add noise to the comparison."""
    from agents.planner.text import has_file_extension, is_identifier_like, tokenize

    out = []
    for t in tokenize(text):
        if t.kind == "uri":
            out.append("zu")
        elif t.kind == "kv":
            out.append("zk")
        elif _CODE.search(t.text):
            out.append("zc")  # a pipeline source or package, most often
        elif t.kind == "path" or (t.kind == "quoted" and "/" in t.text):
            out.append("zf" if has_file_extension(t.text) else "zd")
        elif t.kind == "quoted" or (t.kind == "word" and is_identifier_like(t.text)):
            out.append("zf" if has_file_extension(t.text) else "zn")
        else:
            out.append(t.text)
    return " ".join(out)


@dataclass(frozen=True)
class Ranked:
    tool: str
    score: float


class Intents:
    """Which tool a request is for: a linear classifier over every tool's examples (and the
    requests nobody owns), on TF-IDF character n-grams and words of the masked text.

    Measured against nearest-example scoring over the same examples (README, "The offline
    planner"), the linear model generalises better to wordings no example has, and is as fast:
    fitting takes ~0.1 s once per process, scoring a request well under a millisecond.
    Scores are the classifier's margins: above 0 the tool is likely, below about -0.5 unlikely.
    """

    def __init__(self) -> None:
        import numpy as np
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        from agents.examples import NONE

        texts: list[str] = []
        labels: list[str] = []
        for name, (spec, _owner) in specs().items():
            for text in dict.fromkeys(spec.examples):
                texts.append(text)
                labels.append(name)
        texts += NONE
        labels += [NOBODY] * len(NONE)
        self._known = {w for t in texts for w in _WORDS.findall(t.lower()) if len(w) > 3}
        self._by_start: dict[str, list[str]] = {}
        for w in sorted(self._known):
            self._by_start.setdefault(w[0], []).append(w)
        prepared = [self._prepared(t) for t in texts]
        self._vectorizers = [
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(prepared),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(prepared),
        ]
        model = LinearSVC(C=0.5).fit(hstack([v.transform(prepared) for v in self._vectorizers]).tocsr(), labels)
        self._np = np
        self._classes = [str(c) for c in model.classes_]
        self._coef, self._intercept = model.coef_, model.intercept_
        # Scoring one request through sklearn's transform costs ~1 ms of overhead; the same
        # features computed here directly (analyzer, vocabulary, idf, l2 norm) cost a tenth of it.
        self._parts = []
        offset = 0
        for v in self._vectorizers:
            self._parts.append((v.build_analyzer(), v.vocabulary_, v.idf_, offset))
            offset += len(v.vocabulary_)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process (intents())
    def _spelled(self, word: str) -> str:
        """A misspelt word as the example word it is closest to ("uplod" -> "upload")."""
        if len(word) < 4 or word in self._known or not word.isalpha():
            return word
        near = [w for w in self._by_start.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
        return close[0] if close else word

    def _prepared(self, text: str) -> str:
        return _WORDS.sub(lambda m: self._spelled(m.group(0)), masked(core(text)).lower())

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - the same clause is ranked several times a turn
    def _scores(self, text: str) -> dict[str, float]:
        rows, weights = self._features(self._prepared(text))
        margins = (self._coef[:, rows] @ weights if rows else 0.0) + self._intercept
        return {c: float(m) for c, m in zip(self._classes, margins, strict=True)}

    def _features(self, text: str) -> tuple[list[int], Any]:
        """The request's TF-IDF vector as sklearn's vectorizers would make it: (columns, weights)."""
        rows: list[int] = []
        weights: list[float] = []
        for analyze, vocabulary, idf, offset in self._parts:
            counts = Counter(g for g in analyze(text) if g in vocabulary)
            values = [(1 + math.log(c)) * idf[vocabulary[g]] for g, c in counts.items()]
            norm = math.sqrt(sum(x * x for x in values)) or 1.0
            rows += [offset + vocabulary[g] for g in counts]
            weights += [x / norm for x in values]
        return rows, self._np.array(weights)

    def rank(self, text: str, allowed: set[str] | None = None) -> list[Ranked]:
        scores = self._scores(text)
        kept = ((t, v) for t, v in scores.items() if allowed is None or t in allowed or t == NOBODY)
        return [Ranked(t, v) for t, v in sorted(kept, key=lambda kv: -kv[1])]


@functools.cache
def intents() -> Intents:
    return Intents()


def forget() -> None:
    """Drop cached scores (benchmarks time requests as new)."""
    Intents._scores.cache_clear()
    Intents._spelled.cache_clear()
