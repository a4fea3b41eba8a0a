"""The embedder: unit float32 vectors, honest precision, no torch until first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import Embedder, bf16_supported
from tests.knowledge import shared_embedder


def test_encode_unit_float32_vectors() -> None:
    emb = shared_embedder()
    vecs = emb.encode(["Kubeflow pipelines cache step outputs.", "Buckets hold objects.", ""])
    assert vecs.dtype == np.float32 and vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert emb.encode([]).shape == (0, 384)
    similar = emb.encode(["How do I disable caching?", "Turn off the step cache", "The weather is sunny"])
    assert similar[0] @ similar[1] > similar[0] @ similar[2] + 0.2


def test_precision_choice() -> None:
    assert isinstance(bf16_supported(), bool)
    assert Embedder("fp32").precision_used == "fp32"
    assert Embedder("auto").precision_used == ("bf16" if bf16_supported() else "fp32")
    assert Embedder("bf16").precision_used == ("bf16" if bf16_supported() else "fp32")
    with pytest.raises(ValueError):
        Embedder("fp16")  # type: ignore[arg-type]


@pytest.mark.skipif(not bf16_supported(), reason="CPU without native bf16")
def test_bf16_matches_fp32() -> None:
    texts = ["Kubeflow pipelines cache step outputs when inputs are unchanged.", "Presigned URLs expire."]
    other = "fp32" if shared_embedder().precision_used == "bf16" else "bf16"
    a = shared_embedder().encode(texts)
    b = Embedder(other).encode(texts)
    assert (a * b).sum(axis=1).min() > 0.99


def test_knowledge_modules_import_without_torch() -> None:
    code = (
        "import sys, knowledge.store, knowledge.indexer, knowledge.loaders, knowledge.chunking, knowledge.hybrid\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'transformers') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@pytest.mark.skipif(not bf16_supported(), reason="CPU without native bf16: only fp32 is ever loaded")
def test_first_use_from_several_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers switches torch's process-wide default dtype while it loads a bf16 model; loads
    and encodes overlapping in threads (eval cases, each with its own backends) used to fail with
    "mat1 and mat2 must have the same dtype" and could leave the default switched."""
    import concurrent.futures

    import torch

    from knowledge import embeddings

    monkeypatch.setattr(embeddings, "_MODELS", {})
    texts = [f"object {i} in bucket raw-data" for i in range(8)]

    def first_use(precision: str) -> np.ndarray:
        return Embedder(precision).encode(texts)  # type: ignore[arg-type]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(first_use, ["bf16", "fp32", "bf16", "fp32", "bf16", "fp32"]))
    assert all(r.shape == (8, 384) for r in results)
    assert torch.get_default_dtype() == torch.float32
    assert (results[0] * results[1]).sum(axis=1).min() > 0.99


def test_embedders_of_one_precision_share_one_loaded_model() -> None:
    a, b = Embedder("fp32"), Embedder("fp32")
    a.encode(["x"])
    b.encode(["y"])
    assert a._model is b._model
