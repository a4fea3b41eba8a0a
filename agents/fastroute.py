"""Routing without a model call when the request is clear-cut: nearest examples ("semantic routing").

Every specialist and tool carries example requests. A request (or each clause of a multi-part
request) is compared with all of them as TF-IDF vectors of character n-grams and words, which
tolerate typos, inflections and word order, and cost well under a millisecond for a few hundred
examples: no model, no torch. The router decides only when the best specialist wins clearly (an
absolute score and a margin over the runner-up); otherwise it returns None and the model router
decides, so an unusual request never gets a confident wrong route. When the best tool inside the
winning specialist also wins clearly, the part carries that tool as its `intent`: the graph may
then show a read-only result as rendered, without a final model call.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents.text import is_context, is_prohibition, split_clauses

if TYPE_CHECKING:
    from agents.registry import Specialist

#: Pseudo-specialist for requests that belong to nobody (greetings, out of scope): the model router
#: must answer those, so a confident "none" is never routed.
NONE = "none"

_WORD = re.compile(r"[a-z0-9][a-z0-9_.-]*")
#: Words by which a request asks for more than one tool's result as it is (an explanation, a choice,
#: a second step): such a request is answered by the model, never by a rendered result.
_ASKS_MORE = re.compile(
    r"\b(and|but|then|also|why|how|explain|compare|best|worst|most|least|biggest|largest|smallest|newest|"
    r"oldest|summari[sz]e|summary|tell me|should|recommend|if)\b",
    re.I,
)
#: A later clause that builds on an earlier one's outcome ("validate it", "tell me its accuracy").
_BACK_REFERENCE = re.compile(r"\b(it|its|that|those|them|this|these|the result|the output|there)\b", re.I)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "me",
        "i",
        "we",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "please",
        "pls",
        "can",
        "you",
        "could",
        "would",
        "it",
        "is",
    ]
)


def clauses_of(text: str) -> list[str]:
    """The parts a request reads as ("upload x; then validate it" is two), for routing each.

    A clause that only tells what happened ("I tweaked the hello-world pipeline", "batch-17 is
    done") is no action of its own: it travels with the clause after it, which it explains.
    """
    out: list[str] = []
    context: list[str] = []
    for clause in split_clauses(text) or [text]:
        if is_prohibition(clause) and out:  # "upload it, don't run it yet": a limit on the clause before
            out[-1] = f"{out[-1]}. {clause}"
            continue
        if is_context(clause):
            context.append(clause)
            continue
        out.append(". ".join([*context, clause]))
        context = []
    if context and out:
        out[-1] = ". ".join([out[-1], *context])
    return out or [text]


@dataclass(frozen=True)
class Example:
    text: str
    agent: str
    tool: str | None = None


@dataclass(frozen=True)
class Part:
    """One piece of a request and who does it; `intent` is the tool when that is clear-cut too."""

    agent: str
    task: str
    intent: str | None = None


@dataclass(frozen=True)
class Match:
    agent: str
    score: float
    margin: float
    tool: str | None
    tool_margin: float


def _features(text: str) -> Counter[str]:
    """Character 3-5-grams, words and word pairs."""
    norm = " ".join(text.lower().split())
    padded = f" {norm} "
    grams: Counter[str] = Counter()
    for n in (3, 4, 5):
        grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    words = [w for w in _WORD.findall(norm) if w not in _STOP]
    grams.update(f"w:{w}" for w in words)
    grams.update(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return grams


class _Index:
    """TF-IDF vectors (sublinear tf, l2-normalised) with cosine similarity, as one sparse matrix.

    Document frequency is counted over classes (a specialist, or "none"), not examples: a word
    every storage example shares ("bucket") must weigh more, not less, and one every class uses
    ("list", "show") must weigh little. The examples are one sparse matrix (features x examples),
    so comparing a request with a thousand examples costs a fraction of a millisecond.
    """

    def __init__(self, texts: Sequence[str], classes: Sequence[str]) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        counts = [_features(t) for t in texts]
        seen: dict[str, set[str]] = {}
        for c, label in zip(counts, classes, strict=True):
            for g in c:
                seen.setdefault(g, set()).add(label)
        n = len(set(classes))
        idf = {g: math.log((1 + n) / (1 + len(labels))) + 1 for g, labels in seen.items()}
        #: feature -> (its column, its idf)
        self._entry = {g: (i, weight) for i, (g, weight) in enumerate(idf.items())}
        self._np = np
        rows, cols, values = [], [], []
        for example, c in enumerate(counts):
            columns, weights = self._weighted(c)
            rows += columns
            cols += [example] * len(columns)
            values += weights.tolist()
        self._matrix = csr_matrix((values, (rows, cols)), shape=(len(self._entry), len(texts)), dtype=np.float64)

    def _weighted(self, counts: Counter[str]) -> tuple[list[int], Any]:
        """The known features' columns and their sublinear tf-idf weights, l2-normalised: the same for
        an example (building) and a request (every clause of every turn)."""
        rows, weights = [], []
        for g, c in counts.items():
            if (entry := self._entry.get(g)) is not None:
                rows.append(entry[0])
                weights.append((1 + math.log(c)) * entry[1])
        vector = self._np.array(weights, dtype=self._np.float64)
        return rows, vector / (math.sqrt(vector @ vector) or 1.0)

    def query(self, text: str) -> tuple[list[int], Any]:
        """The feature columns `text` has and their weights (its vector, sparse)."""
        return self._weighted(_features(text))

    def scores(self, text: str) -> Any:
        """Cosine similarity with every example, as a numpy array in the examples' order."""
        rows, weights = self.query(text)
        if not rows:
            return self._np.zeros(self._matrix.shape[1])
        return self._matrix[rows].T @ weights


class _Labelled:
    """Examples grouped by label, so a label's score (its nearest example's) is one numpy reduction:
    this runs for every clause of every turn, over a few thousand examples."""

    def __init__(self, labels: Sequence[str]) -> None:
        import numpy as np

        self.names = sorted(set(labels))
        ids = np.array([self.names.index(x) for x in labels])
        self._order = np.argsort(ids, kind="stable")
        self._starts = np.searchsorted(ids[self._order], np.arange(len(self.names)))

    def best(self, scores: Any) -> tuple[str, float, float]:
        """(best label, its score, its margin over the runner-up label)."""
        import numpy as np

        per_label = np.maximum.reduceat(scores[self._order], self._starts)
        ranked = np.argsort(-per_label, kind="stable")
        top = float(per_label[ranked[0]])
        runner_up = float(per_label[ranked[1]]) if len(ranked) > 1 else 0.0
        return self.names[int(ranked[0])], top, top - runner_up


class FastRouter:
    """Nearest-example routing with thresholds: decide only when the winner is clear."""

    def __init__(
        self,
        examples: Iterable[Example],
        *,
        min_score: float = 0.42,
        min_margin: float = 0.08,
        min_tool_margin: float = 0.1,
    ) -> None:
        self.examples = [e for e in examples if e.text.strip()]
        self.min_score, self.min_margin, self.min_tool_margin = min_score, min_margin, min_tool_margin
        texts, classes = [e.text for e in self.examples], [e.agent for e in self.examples]
        self._index = _Index(texts, classes) if self.examples else None
        self._agents = _Labelled(classes) if self.examples else None
        #: Per specialist, its examples indexed again with tools as the classes (the words that
        #: tell its tools apart), for the intent inside a route that is already clear.
        self._tools: dict[str, tuple[_Labelled, _Index]] = {}
        for agent in set(classes):
            tools = [e.tool for e in self.examples if e.agent == agent and e.tool]
            own = [e.text for e in self.examples if e.agent == agent and e.tool]
            if own:
                self._tools[agent] = (_Labelled(tools), _Index(own, tools))

    def match(self, text: str) -> Match | None:
        """The best specialist (and tool) for `text` with its score and margins; None without examples."""
        if self._index is None or self._agents is None or not text.strip():
            return None
        agent, score, margin = self._agents.best(self._index.scores(text))
        tool, tool_margin = None, 0.0
        if agent in self._tools:
            labelled, index = self._tools[agent]
            tool, _, tool_margin = labelled.best(index.scores(text))
        return Match(agent, score, margin, tool, tool_margin)

    def _confident(self, match: Match | None) -> bool:
        return match is not None and match.score >= self.min_score and match.margin >= self.min_margin

    def belongs_to_nobody(self, text: str) -> bool:
        """A greeting or an out-of-scope request, clearly: the model router answers those itself."""
        match = self.match(text)
        return self._confident(match) and match is not None and match.agent == NONE

    def route(self, text: str, available: Sequence[str]) -> list[Part] | None:
        """The parts of `text` in order, each with its specialist, or None when any doubt remains.

        A clause that matches nobody clearly joins the part before it ("... and tell me how it
        went"); if the first clause is unclear, or a clear one belongs to nobody, the model decides.
        """
        clauses = clauses_of(text)
        if len(clauses) > 1 and any(_BACK_REFERENCE.search(c) for c in clauses[1:]):
            return None  # "... and validate *it*": how one part feeds the next is the model router's to plan
        parts: list[Part] = []
        for clause in clauses:
            match = self.match(clause)
            if self._confident(match) and match is not None:
                if match.agent == NONE or match.agent not in available:
                    return None
                intent = match.tool if match.tool_margin >= self.min_tool_margin else None
                if parts and parts[-1].agent == match.agent:
                    parts[-1] = Part(match.agent, f"{parts[-1].task}, {clause}", None)
                else:
                    parts.append(Part(match.agent, clause, intent))
            elif parts:
                parts[-1] = Part(parts[-1].agent, f"{parts[-1].task}, {clause}", None)
            else:
                return None
        if len(parts) == 1:
            only = parts[0]
            simple = len(clauses) == 1 and not _ASKS_MORE.search(text)
            return [Part(only.agent, text.strip(), only.intent if simple else None)]
        return [Part(p.agent, p.task, None) for p in parts]


def router_for(specialists: Sequence[Specialist]) -> FastRouter:
    """A fast router over the specialists' own examples, their tools' examples, and requests nobody owns.

    Building the index takes ~0.1 s; every assistant over the same specialists (each eval case, each
    restart of a session) gets the same router, so it is built once per set of examples.
    """
    examples: list[Example] = []
    for spec in specialists:
        examples += [Example(text, spec.name) for text in spec.examples]
        for tool in spec.tools:
            examples += [Example(text, spec.name, tool.name) for text in dict.fromkeys(tool.examples)]
    return _router(tuple(examples))


@functools.lru_cache(maxsize=8)
def _router(examples: tuple[Example, ...]) -> FastRouter:
    from agents.examples import NONE as NOBODY

    return FastRouter([*examples, *(Example(text, NONE) for text in NOBODY)])
