"""Retrieval quality and speed of the knowledge base over the built-in corpus.

1. Quality: the built-in corpus (swarmops docs + kfp/minio API reference) is indexed in a temp dir and
   every question of evals/rag/questions.jsonl is searched; a question counts as a hit at k when any
   of its acceptable sources is among the top-k hits (sources, not chunks: several chunks of one
   page count once). Reports hit@1, hit@5 and MRR (over the first 10 distinct sources) per mode.
2. Indexing throughput (chunks/s, model already loaded) with bf16 when the CPU supports it and with
   fp32, and the speed-up.
3. Scale (skipped with --quick): the index is padded to 10,000 chunks with synthetic but realistic
   chunks (API reference text with sentences permuted and words paraphrased, each under its own
   source), then query latency p50/p95 per mode, and quality again with those distractors present.

    python evals/bench_rag.py [--quick] [--mode dense|hybrid|both] [--misses]

Targets: hit@5 >= 0.9 on the built-in set; query p50 <= 25 ms at 10,000 chunks; indexing >= 100 chunks/s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from knowledge.builtin import BUILTIN_ORIGINS, builtin_documents  # noqa: E402
from knowledge.chunking import chunk_document  # noqa: E402
from knowledge.documents import Document  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "rag" / "questions.jsonl"
TARGET_HIT5 = 0.9
TARGET_P50_MS = 25.0
TARGET_CHUNKS_PER_S = 100.0
SCALE_CHUNKS = 10_000
DEPTH = 10  # distinct sources looked at for MRR


@dataclass
class Quality:
    mode: str
    hit1: float
    hit5: float
    mrr: float
    misses: list[tuple[str, list[str], list[str]]]  # question, expected, got (top 5 sources)


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ranked_sources(kb: Any, query: str, mode: str, depth: int = DEPTH) -> list[str]:
    """Distinct sources in rank order (chunks of one source count once)."""
    out: list[str] = []
    for hit in kb.search(query, k=depth * 3, mode=mode):
        if hit.source not in out:
            out.append(hit.source)
        if len(out) == depth:
            break
    return out


def evaluate(kb: Any, questions: list[dict[str, Any]], mode: str) -> Quality:
    hit1 = hit5 = 0
    rr = 0.0
    misses = []
    for q in questions:
        got = ranked_sources(kb, q["question"], mode)
        expected = set(q["expected_sources"])
        rank = next((i + 1 for i, s in enumerate(got) if s in expected), None)
        hit1 += rank == 1
        hit5 += rank is not None and rank <= 5
        rr += 1.0 / rank if rank else 0.0
        if rank is None or rank > 5:
            misses.append((q["question"], q["expected_sources"], got[:5]))
    n = len(questions)
    return Quality(mode, hit1 / n, hit5 / n, rr / n, misses)


def print_quality(results: list[Quality], label: str, show_misses: bool, *, target: bool = True) -> None:
    print(f"\n== retrieval quality: {label} ==")
    note = f"target hit@5 >= {TARGET_HIT5}" if target else "informational, no target"
    print(f"{'mode':8} {'hit@1':>7} {'hit@5':>7} {'MRR':>7}   {note}")
    for r in results:
        flag = ("ok" if r.hit5 >= TARGET_HIT5 else "BELOW TARGET") if target else ""
        print(f"{r.mode:8} {r.hit1:7.3f} {r.hit5:7.3f} {r.mrr:7.3f}   {flag}".rstrip())
    for r in results:
        if r.misses and show_misses:
            print(f"-- {r.mode}: {len(r.misses)} question(s) without an expected source in the top 5")
            for question, expected, got in r.misses:
                print(f"   {question!r}\n      expected {expected}\n      got      {got}")


# --- indexing throughput ---------------------------------------------------------------------------


def index_throughput(docs: list[Document], precision: str, tmp: Path) -> tuple[Any, float, float, int]:
    """A fresh KB indexed with one precision; the model is loaded (and warmed) before the clock starts."""
    from knowledge.embeddings import Embedder
    from knowledge.store import KnowledgeBase

    embedder = Embedder(precision)  # type: ignore[arg-type]
    started = time.perf_counter()
    embedder.encode(["warm up the model", "and its kernels for a batch of two"])
    load_s = time.perf_counter() - started
    kb = KnowledgeBase(tmp / f"kb-{precision}", embedder=embedder)
    kb.count()  # open Chroma outside the timed part too
    report = kb.index(docs, origins=BUILTIN_ORIGINS)
    return kb, report.chunks_written / report.seconds, load_s, report.chunks_written


# --- padding to 10,000 chunks ----------------------------------------------------------------------

_SYNONYMS = {
    "returns": "gives back",
    "return": "give back",
    "object": "item",
    "objects": "items",
    "bucket": "container",
    "buckets": "containers",
    "pipeline": "workflow",
    "pipelines": "workflows",
    "task": "step",
    "tasks": "steps",
    "specified": "given",
    "name": "identifier",
    "optional": "not required",
    "sets": "configures",
    "gets": "fetches",
    "list": "enumerate",
    "create": "make",
    "delete": "remove",
    "run": "execution",
    "runs": "executions",
    "default": "fallback",
    "parameter": "argument",
    "parameters": "arguments",
    "client": "connection",
    "version": "revision",
}
_TOPICS = [
    "inventory service",
    "billing exporter",
    "feature store",
    "labeling queue",
    "image resizer",
    "log shipper",
    "forecast job",
    "churn model",
    "fraud scorer",
    "search ranker",
    "report builder",
    "audit trail",
]


def _paraphrase(text: str, rng: random.Random) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        alt = _SYNONYMS.get(word.lower())
        return alt if alt and rng.random() < 0.5 else word

    return re.sub(r"[A-Za-z]+", swap, text)


def _prose(doc: Document) -> list[str]:
    """Sentences of a reference page without its code blocks and headings."""
    text = re.sub(r"```.*?```", " ", doc.text, flags=re.DOTALL)
    text = re.sub(r"^#.*$", " ", text, flags=re.MULTILINE)
    sentences = re.split(r"(?<=[.!?])\s+|\n\s*\n|\n- ", text)
    return [" ".join(s.split()) for s in sentences if len(s.split()) >= 4]


def synthetic_documents(base: list[Document], chunks_needed: int, seed: int = 7) -> list[Document]:
    """Realistic distractors: API reference prose, sentences shuffled and paraphrased, one chunk each."""
    rng = random.Random(seed)
    pools = [(d, _prose(d)) for d in base if d.origin == "api"]
    pools = [(d, s) for d, s in pools if len(s) >= 2]
    docs: list[Document] = []
    made = 0
    i = 0
    while made < chunks_needed:
        doc, sentences = pools[i % len(pools)]
        i += 1
        picked = rng.sample(sentences, k=min(len(sentences), rng.randint(2, 6)))
        topic = rng.choice(_TOPICS)
        body = _paraphrase(" ".join(picked), rng)[:700]
        name = doc.title.rsplit(".", 1)[-1]
        text = f"# Notes on {name} for the {topic} (variant {i})\n\n{body}\n"
        synthetic = Document(f"synthetic/{i:05d}/{doc.title}", text, "markdown", f"{name} notes", origin="synthetic")
        made += len(chunk_document(synthetic))
        docs.append(synthetic)
    return docs


def latency(kb: Any, questions: list[dict[str, Any]], mode: str, rounds: int) -> tuple[float, float]:
    for q in questions[:5]:  # warm-up: BM25 build, Chroma caches
        kb.search(q["question"], k=5, mode=mode)
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            kb.search(q["question"], k=5, mode=mode)
            times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5), percentile(times, 0.95)


# --- main ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-chunk latency part")
    parser.add_argument("--mode", choices=["dense", "hybrid", "both"], default="both")
    parser.add_argument("--misses", action="store_true", help="list every question that missed the top 5")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions for latency")
    args = parser.parse_args()
    modes = ["dense", "hybrid"] if args.mode == "both" else [args.mode]

    from knowledge.embeddings import bf16_supported

    questions = load_questions()
    started = time.perf_counter()
    docs = builtin_documents()
    build_s = time.perf_counter() - started
    n_docs = sum(d.origin == "docs" for d in docs)
    print(f"built-in corpus: {n_docs} doc pages + {len(docs) - n_docs} API reference entries in {build_s:.2f} s")
    print(f"questions: {len(questions)} from {QUESTIONS}")

    with tempfile.TemporaryDirectory(prefix="bench-rag-") as tmp_dir:
        tmp = Path(tmp_dir)
        precisions = ["bf16", "fp32"] if bf16_supported() else ["fp32"]
        speeds: dict[str, float] = {}
        kbs: dict[str, Any] = {}
        chunks = 0
        for precision in precisions:
            kb, speed, load_s, chunks = index_throughput(docs, precision, tmp)
            speeds[precision], kbs[precision] = speed, kb
            print(f"indexed {chunks} chunks with {precision}: {speed:.0f} chunks/s (model load {load_s:.1f} s)")
        kb = kbs[precisions[0]]

        print("\n== indexing throughput (built-in corpus, model loaded) ==")
        for precision in precisions:
            flag = "ok" if speeds[precision] >= TARGET_CHUNKS_PER_S else "below target"
            print(f"{precision:5} {speeds[precision]:7.0f} chunks/s   target >= {TARGET_CHUNKS_PER_S:.0f}: {flag}")
        if "bf16" in speeds:
            print(f"bf16 speed-up over fp32: {speeds['bf16'] / speeds['fp32']:.2f}x")
        else:
            print("bf16: not supported by this CPU (no avx512_bf16/amx_bf16), fp32 only")

        results = [evaluate(kb, questions, mode) for mode in modes]
        print_quality(results, f"built-in set, {chunks} chunks, {precisions[0]}", show_misses=args.misses)
        if len(precisions) > 1:
            other = [evaluate(kbs["fp32"], questions, mode) for mode in modes]
            print("   (fp32 index: " + ", ".join(f"{r.mode} hit@5 {r.hit5:.3f}" for r in other) + ")")

        if not args.quick:
            need = SCALE_CHUNKS - kb.count()
            print(f"\npadding the index to {SCALE_CHUNKS:,} chunks with {need:,} synthetic chunks ...", flush=True)
            padding = synthetic_documents(docs, need)
            pad = kb.index(padding)
            print(
                f"added {pad.chunks_written:,} chunks in {pad.seconds:.1f} s "
                f"({pad.chunks_written / pad.seconds:.0f} chunks/s); index now holds {kb.count():,} chunks"
            )
            print(f"\n== query latency at {kb.count():,} chunks (k=5, {len(questions) * args.rounds} queries) ==")
            for mode in modes:
                p50, p95 = latency(kb, questions, mode, args.rounds)
                flag = "ok" if p50 <= TARGET_P50_MS else "ABOVE TARGET"
                print(f"{mode:8} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   target p50 <= {TARGET_P50_MS:.0f} ms: {flag}")
            # Stress figure, not the target: every distractor paraphrases a real reference page, so near-copies of
            # the expected page (under other source ids) compete for the same five places.
            scaled = [evaluate(kb, questions, mode) for mode in modes]
            label = f"with {kb.count():,} chunks, synthetic near-duplicate distractors"
            print_quality(scaled, label, show_misses=args.misses, target=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
