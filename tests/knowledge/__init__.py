"""Helpers shared by the knowledge-base tests.

The embedding model is shared through `shared_embedder()` (one load per session) rather than a
conftest fixture, so every test module can also wrap it (see CountingEmbedder).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from knowledge.embeddings import Embedder

if TYPE_CHECKING:
    import numpy as np


@cache
def shared_embedder() -> Embedder:
    return Embedder("auto")


class CountingEmbedder(Embedder):
    """The shared model, counting how many texts were embedded (to prove unchanged input costs none)."""

    def __init__(self) -> None:
        super().__init__("auto")
        self.inner = shared_embedder()
        self.texts = 0
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)

    def reset(self) -> None:
        self.texts = self.calls = 0


def make_pdf(pages: Sequence[str], title: str = "") -> bytes:
    """A small valid PDF with one text line per input line (Helvetica), written by hand so the
    tests need no PDF-writing library."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i, text in enumerate(pages):
        shows = " ".join(f"({esc(line)}) '" for line in text.split("\n"))
        stream = f"BT /F1 11 Tf 72 740 Td 14 TL {shows} ET".encode("latin-1")
        objs[4 + 2 * i] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        ).encode()
        objs[5 + 2 * i] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    info = None
    if title:
        info = 4 + 2 * n
        objs[info] = f"<< /Title ({esc(title)}) >>".encode("latin-1")
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    trailer = f"<< /Size {size} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer.encode(), xref)
    return bytes(out)
