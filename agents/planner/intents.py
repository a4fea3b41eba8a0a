"""Which tool a request is for: a linear classifier over every tool's examples.

Requests and examples are compared with their names masked to their kind (`masked`): the words
around a name say what is wanted, the name itself is noise. Features are TF-IDF character 3-5-grams
(within words) and word 1-2-grams; the model is scikit-learn's LinearSVC, one class per tool plus
"none" for requests nobody owns (agents/examples.py).

Measured against nearest-example scoring on the same examples (README, "The offline planner"),
the linear model generalises better to wordings no example has. Fitting needs scikit-learn (~1 s
to import, ~0.3 s to fit), so the fitted model is kept in the user's cache directory keyed by a
hash of the examples: later processes load it with numpy alone in a few milliseconds, and any
change to an example refits it. Scoring a request costs ~0.15 ms.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.planner.synonyms import SYNONYMS
from agents.text import without_context
from agents.words import has_file_extension, is_identifier_like, tokenize

#: The class of requests no tool owns (greetings, out of scope).
NOBODY = "none"
#: Bump when the features or the model change: cached models of another version are refitted.
VERSION = 7

#: Politeness and framing around the request proper ("Hello! Would you be so kind as to ...",
#: "before the demo I need ..."): they carry no intent and pull requests towards greetings.
_FRAMING = re.compile(
    r"^before\b[^,:.]{0,60}?(?:,|:|\b(?:i|we) (?:need|want|must|have to|'d like)\b)|"
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|ok|okay|so|please|pls|wait|hold on|oops|"
    r"oh|hmm|actually|sorry|on second thought)\b[\s,!.]*)+|"
    r"\b(?:would you (?:mind|be so kind as to)|could you(?: please)?|can you(?: please)?|i'?d (?:really )?like you to|"
    r"i'?d be (?:really |very )?grateful if you could|i need you to|please|pls|thx|thanks|thank you|"
    r"actually|really|basically|literally|simply|kindly)\b",
    re.I,
)
_WORDS = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_CODE = re.compile(r"\.py$", re.I)


def core(text: str) -> str:
    """The request without politeness or the story before it ("I tweaked x. push it as a new
    version"), unless that is all there is ("hi, what can you do?")."""
    bare = _FRAMING.sub(" ", without_context(text))
    return bare if len(bare.split()) >= 3 else text


#: A question about how things are ("was versioning ever on?", "is anything running?") wants a
#: tool that reads, a command one that changes: the mood is a feature of its own (`ASKS`).
_QUESTION = re.compile(
    r"^\W*(?:is|are|was|were|does|did|has|have|had|what|what'?s|which|who|whose|how|when|where|whether|any|anything|"
    r"do (?:we|i|you|they))\b|\?\W*$|\b(?:tell me|know|check|see|wondering) (?:if|whether)\b",
    re.I,
)
ASKS = "moodquestion"
#: "on the pipelines server", "the kfp side": where, not what ("pipelines" is not a request to list them).
_SYSTEM = re.compile(r"\b(?:pipelines?|kfp|kubeflow)\s+(?:server|side|cluster|ui|instance|backend|deployment)\b", re.I)
#: The words names are masked to: never "corrected" into English ("somename" is not "someone").
MASKS = frozenset({"sthreeuri", "keyvalue", "codefile", "filename", "foldername", "somename", ASKS})


def asks(text: str) -> bool:
    return _QUESTION.search(text.strip()) is not None


def masked(text: str) -> str:
    """The request with its names replaced by their kind ("upload filename to somename")."""
    out = []
    for t in tokenize(text):
        if t.kind == "uri":
            out.append("sthreeuri")
        elif t.kind == "kv":
            out.append("keyvalue")
        elif _CODE.search(t.text):
            out.append("codefile")  # a pipeline source or package, most often
        elif t.kind == "path" or (t.kind == "quoted" and "/" in t.text):
            out.append("filename" if has_file_extension(t.text) else "foldername")
        elif t.kind == "quoted" or (t.kind == "word" and is_identifier_like(t.text)):
            out.append("filename" if has_file_extension(t.text) else "somename")
        else:
            out.append(t.text)
    return " ".join(out)


def char_grams(text: str) -> list[str]:
    """Character 3-5-grams inside word boundaries (what sklearn's "char_wb" analyzer gives)."""
    out = []
    for word in text.split():
        padded = f" {word} "
        for n in (3, 4, 5):
            if len(padded) < n:
                break
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


def word_grams(text: str) -> list[str]:
    words = _TOKEN.findall(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


ANALYZERS = (char_grams, word_grams)


@dataclass(frozen=True)
class Ranked:
    tool: str
    score: float


class Intents:
    """The fitted classifier; `rank` scores a request for every tool (the classifier's margins:
    above 0 the tool is likely, below about -0.5 unlikely)."""

    def __init__(self, texts: list[str], labels: list[str], cache: Path | None = None) -> None:
        import numpy as np

        self._np = np
        self._known = {w for t in texts for w in _WORDS.findall(t.lower()) if len(w) > 3}
        self._by_start: dict[str, list[str]] = {}
        for w in sorted(self._known):
            self._by_start.setdefault(w[0], []).append(w)
        key = hashlib.sha256(json.dumps([VERSION, texts, labels]).encode()).hexdigest()[:20]
        path = cache / f"intents-{key}" if cache else None
        model = _load(path) if path else None
        if model is None:
            model = self._fit(texts, labels)
            if path:
                _save(path, model)
        self._classes: list[str] = model["classes"]
        self._vocab: list[dict[str, int]] = model["vocab"]
        self._idf, self._coef, self._intercept = model["idf"], model["coef"], model["intercept"]

    def _fit(self, texts: list[str], labels: list[str]) -> dict[str, Any]:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        prepared = [self._prepared(t) for t in texts]
        vectorizers = [TfidfVectorizer(analyzer=a, sublinear_tf=True).fit(prepared) for a in ANALYZERS]
        matrix = hstack([v.transform(prepared) for v in vectorizers]).tocsr()
        svm = LinearSVC(C=0.5).fit(matrix, labels)
        vocab = [{g: int(i) for g, i in v.vocabulary_.items()} for v in vectorizers]
        return {
            "classes": [str(c) for c in svm.classes_],
            "vocab": vocab,
            "idf": [v.idf_ for v in vectorizers],
            "coef": svm.coef_.astype(self._np.float32),
            "intercept": svm.intercept_,
        }

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process (catalog.intents())
    def _spelled(self, word: str) -> str:
        """A word the examples never use as the example word it stands for: a synonym's, or for a
        misspelling the closest ("uplod" -> "upload")."""
        if word in self._known or word in MASKS or not word.isalpha():
            return word
        if (canonical := SYNONYMS.get(word)) is not None:
            return canonical  # a plain word the examples never use: "bin them" is "delete them"
        if len(word) < 4:
            return word
        swapped = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        if (known := next((w for w in swapped if w in self._known), None)) is not None:
            return known  # two letters swapped: "mvoe", "trian"
        near = [w for w in self._by_start.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, near, n=1, cutoff=0.8)
        return close[0] if close else word

    def _prepared(self, text: str) -> str:
        bare = _SYSTEM.sub("kubeflow", core(text))
        words = _WORDS.sub(lambda m: self._spelled(m.group(0)), masked(bare).lower())
        return f"{ASKS} {words}" if asks(bare) else words

    def _vector(self, text: str) -> tuple[list[int], Any]:
        """The request's TF-IDF vector, as the fitted vectorizers make it: (columns, weights)."""
        rows: list[int] = []
        weights: list[float] = []
        offset = 0
        for analyze, vocabulary, idf in zip(ANALYZERS, self._vocab, self._idf, strict=True):
            counts = Counter(g for g in analyze(text) if g in vocabulary)
            values = [(1 + math.log(c)) * float(idf[vocabulary[g]]) for g, c in counts.items()]
            norm = math.sqrt(sum(x * x for x in values)) or 1.0
            rows += [offset + vocabulary[g] for g in counts]
            weights += [x / norm for x in values]
            offset += len(vocabulary)
        return rows, self._np.array(weights, dtype=self._np.float32)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - the same clause is ranked several times a turn
    def _scores(self, text: str) -> dict[str, float]:
        rows, weights = self._vector(self._prepared(text))
        margins = (self._coef[:, rows] @ weights if rows else 0.0) + self._intercept
        return {c: float(m) for c, m in zip(self._classes, margins, strict=True)}

    def rank(self, text: str, allowed: set[str] | None = None) -> list[Ranked]:
        scores = self._scores(text)
        kept = ((t, v) for t, v in scores.items() if allowed is None or t in allowed or t == NOBODY)
        return [Ranked(t, v) for t, v in sorted(kept, key=lambda kv: -kv[1])]


def _load(path: Path) -> dict[str, Any] | None:
    import numpy as np

    try:
        meta = json.loads(path.with_suffix(".json").read_text())
        with np.load(path.with_suffix(".npz")) as arrays:
            idf = [arrays["idf0"], arrays["idf1"]]
            return {**meta, "idf": idf, "coef": arrays["coef"], "intercept": arrays["intercept"]}
    except (OSError, ValueError, KeyError):
        return None


def _save(path: Path, model: dict[str, Any]) -> None:
    """Written next to the final name, then renamed: a process loading it never sees half a model."""
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        np.savez(tmp.with_suffix(".npz"), idf0=model["idf"][0], idf1=model["idf"][1], coef=model["coef"],
                 intercept=model["intercept"])  # fmt: skip
        tmp.with_suffix(".json").write_text(json.dumps({"classes": model["classes"], "vocab": model["vocab"]}))
        os.replace(tmp.with_suffix(".npz"), path.with_suffix(".npz"))
        os.replace(tmp.with_suffix(".json"), path.with_suffix(".json"))
    except OSError:
        pass  # no writable cache: the next process fits again
