"""Keyword retrieval (BM25 via bm25s) and reciprocal rank fusion with the dense ranking.

Dense embeddings miss exact identifiers (`set_caching_options`, error codes, flag names) that users
paste verbatim; BM25 catches those. RRF fuses by rank, so the two incomparable score scales never
have to be calibrated against each other.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Standard RRF constant (Cormack et al.): damps the advantage of a single first place.
RRF_K = 60

_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_STOPWORD_TEXT = """
a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on or so such
that the their then there these they this to was we what when where which who why will with you your
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokenize(text: str) -> list[str]:
    """Lowercased words, plus the parts of snake_case and camelCase identifiers.

    `set_caching_options` stays a token of its own (exact matches score high) and also yields
    `set`, `caching`, `options`, so a question in plain words still finds the API.
    """
    out: list[str] = []
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower not in _STOPWORDS and len(lower) > 1:
            out.append(lower)
        pieces = [p for part in word.split("_") for p in _CAMEL.findall(part)]
        if len(pieces) > 1:
            out.extend(p.lower() for p in pieces if len(p) > 1 and p.lower() not in _STOPWORDS)
    return out


class BM25Index:
    """In-memory BM25 over chunk texts; rebuilt from the store (~100 ms per 2,000 chunks)."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG: its "Building index" lines would reach any root handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.size = len(texts)
        self._retriever = bm25s.BM25(method="lucene")
        if self.size:
            # An empty document would have no tokens; bm25s handles that with its empty token.
            self._retriever.index([tokenize(t) for t in texts], show_progress=False)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) best first, only rows with a positive score (at least one query term)."""
        import numpy as np

        tokens = [t for t in tokenize(query) if t in self._retriever.vocab_dict]
        if not self.size or not tokens or k <= 0:
            return []
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        if mask is not None:
            scores = scores * mask
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused
