"""Search benchmark: latency and throughput per mode on the deck, then scale runs.

    .venv/bin/python bench/search.py [--scales 10000 100000] [--repeat 5]

Deck: warm latency (median, p95) and sequential throughput of each mode over the
dev and extra questions, and the index build time.

Scale: synthetic corpora made from the deck (each passage a shuffled mix of 3–6
of its sentences). Passage vectors there are the normalised mean of their
sentences' embeddings (each distinct sentence is embedded once), so the scale
run measures indexes and queries, not hours of encoding; the model's encoding
throughput is measured on real passages and the time a real encoding would take
is printed beside it. Queries embed the question with the model, as in service.

Encoders: the deck built with each embedding backend (torch, onnx, onnx-int8),
with the time to encode one question (one thread, as each server worker has)
and the dense and hybrid quality on the dev and extra questions.
"""

import argparse
import gc
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from common import percentile, rss_mib, table

from kg import evaluation
from kg.config import Settings
from kg.corpus import Passage
from kg.embed import EmbeddingBackend
from kg.kb import KnowledgeBase
from kg.search import RETRIEVAL_MODES, FusionConfig, Searcher, SearchMode
from kg.search.dense import VectorIndex, embedding_text
from kg.search.lexical import LexicalIndex
from kg.text import FrenchAnalyser, sentences


def time_queries(
    search: Callable[[str, int, SearchMode], object],
    queries: list[str],
    mode: SearchMode,
    repeat: int,
) -> dict[str, Any]:
    for query in queries[:5]:
        search(query, 5, mode)
    latencies = []
    started = time.perf_counter()
    for _ in range(repeat):
        for query in queries:
            t0 = time.perf_counter()
            search(query, 5, mode)
            latencies.append(1000 * (time.perf_counter() - t0))
    elapsed = time.perf_counter() - started
    return {
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
        "qps": len(latencies) / elapsed,
    }


def synthetic_corpus(deck: list[Passage], size: int, seed: int) -> list[Passage]:
    pool = [s for p in deck for s in sentences(p.text) if len(s) > 20]
    rng = random.Random(seed)
    passages = []
    for n in range(size):
        text = " ".join(rng.sample(pool, rng.randint(3, 6)))
        passages.append(Passage(f"synthetic-s{n}", "synthetic", n + 1, f"P{n}", "", text, 0, 0, ()))
    return passages


def composed_vectors(searcher: Searcher, passages: list[Passage]) -> np.ndarray:
    distinct = sorted({s for p in passages for s in sentences(p.text)})
    vectors = searcher.embedder.encode(distinct)
    position = {s: i for i, s in enumerate(distinct)}
    out = np.zeros((len(passages), vectors.shape[1]), dtype=np.float32)
    for row, passage in enumerate(passages):
        out[row] = vectors[[position[s] for s in sentences(passage.text)]].mean(axis=0)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def compare_encoders(settings: Settings, questions: list[str]) -> list[dict[str, Any]]:
    """Build the deck with each backend; time one-question encodings, score retrieval."""
    question_sets = [
        (path.stem, evaluation.load_questions(path))
        for path in (evaluation.DEV_SET, evaluation.EXTRA_SET)
        if path.exists()
    ]
    os.environ["VIRTUKG_ENCODER_THREADS"] = "1"
    rows = []
    for backend in EmbeddingBackend:
        with tempfile.TemporaryDirectory() as folder:
            variant = settings.model_copy(
                update={"embedding_backend": backend, "artifacts_dir": Path(folder) / "a"}
            )
            kb = KnowledgeBase.open(variant)
            encoder = kb.searcher.embedder
            encoder.encode(questions[:5])
            latencies = []
            for question in questions:
                started = time.perf_counter()
                encoder.encode([question])
                latencies.append(1000 * (time.perf_counter() - started))
            row: dict[str, Any] = {
                "backend": backend.value,
                "encode_p50_ms": statistics.median(latencies),
                "encode_p95_ms": percentile(latencies, 0.95),
            }
            for name, items in question_sets:
                for scores in evaluation.evaluate_retrieval(kb.searcher, name, items):
                    if scores["mode"] != SearchMode.LEXICAL:
                        prefix = f"{name.removeprefix('questions.')} {scores['mode']}"
                        row[f"{prefix} hit@1"] = scores["hit_at_1"]
                        row[f"{prefix} hit@5"] = scores["hit_at_5"]
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    settings = Settings()
    kb = KnowledgeBase.open(settings)
    questions = [
        q.retrieval_query
        for path in (evaluation.DEV_SET, evaluation.EXTRA_SET)
        if path.exists()
        for q in evaluation.load_questions(path)
    ]
    deck = list(kb.passages.values())
    analyser = FrenchAnalyser()

    started = time.perf_counter()
    LexicalIndex.build(deck, analyser, settings.title_weight)
    lexical_build = time.perf_counter() - started
    texts = [embedding_text(p) for p in deck]
    kb.searcher.embedder.encode(texts[:4])
    started = time.perf_counter()
    deck_vectors = kb.searcher.embedder.encode(texts * 3)
    encode_rate = len(texts) * 3 / (time.perf_counter() - started)
    started = time.perf_counter()
    VectorIndex.build(deck_vectors[: len(texts)], settings.hnsw_threshold)
    vector_build = time.perf_counter() - started

    print(f"# Search benchmark — {len(deck)} passages, {len(questions)} questions\n")
    print(
        f"index build: BM25 {1000 * lexical_build:.1f} ms, "
        f"encoding {len(texts) / encode_rate:.2f} s ({encode_rate:.0f} passages/s), "
        f"faiss {1000 * vector_build:.2f} ms\n"
    )
    rows = [
        {"mode": mode.value, **time_queries(kb.search, questions, mode, args.repeat)}
        for mode in SearchMode
    ]
    print(table(rows, ["mode", "median_ms", "p95_ms", "qps"]))

    scale_rows = []
    for size in args.scales:
        gc.collect()
        passages = synthetic_corpus(deck, size, seed=size)
        before = rss_mib()
        started = time.perf_counter()
        lexical = LexicalIndex.build(passages, analyser, settings.title_weight)
        bm25_seconds = time.perf_counter() - started
        lexical_mib = rss_mib() - before
        vectors = composed_vectors(kb.searcher, passages)
        before = rss_mib()
        started = time.perf_counter()
        index = VectorIndex.build(vectors, settings.hnsw_threshold)
        faiss_seconds = time.perf_counter() - started
        vector_mib = rss_mib() - before
        searcher = Searcher(passages, lexical, index, kb.searcher.embedder, None, FusionConfig())
        timing = {
            mode: time_queries(searcher.search, questions, mode, 1) for mode in RETRIEVAL_MODES
        }
        scale_rows.append(
            {
                "passages": size,
                "vector_index": index.kind,
                "bm25_build_s": bm25_seconds,
                "faiss_build_s": faiss_seconds,
                "encode_s_projected": size / encode_rate,
                "bm25_mib": lexical_mib,
                "faiss_mib": vector_mib,
                "rss_mib": rss_mib(),
                "lexical_p50_ms": timing[SearchMode.LEXICAL]["median_ms"],
                "dense_p50_ms": timing[SearchMode.DENSE]["median_ms"],
                "hybrid_p50_ms": timing[SearchMode.HYBRID]["median_ms"],
                "hybrid_p95_ms": timing[SearchMode.HYBRID]["p95_ms"],
            }
        )
        del searcher, lexical, index, vectors, passages
    if scale_rows:
        print("\n## Scale (synthetic passages from the deck)\n")
        print(table(scale_rows, list(scale_rows[0])))

    print("\n## Encoders (one thread; retrieval on the deck)\n")
    print(table(compare_encoders(settings, questions)))


if __name__ == "__main__":
    main()
