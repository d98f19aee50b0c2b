"""Passage vectors in faiss: exact inner product, or HNSW for large corpora."""

from pathlib import Path

import faiss
import numpy as np

from kg.corpus import Passage
from kg.embed import Vectors
from kg.search.lexical import ScoredIndices

HNSW_NEIGHBOURS = 32
HNSW_SEARCH_DEPTH = 128


def embedding_text(passage: Passage) -> str:
    """What is embedded for a passage: its text, under its title when the slide has none."""
    if passage.text.startswith(passage.title):
        return passage.text
    return f"{passage.title}\n{passage.text}"


class VectorIndex:
    """Cosine similarity search over unit vectors (inner product)."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: Vectors, hnsw_threshold: int) -> "VectorIndex":
        """Exact search below ``hnsw_threshold`` vectors; an HNSW graph from there on."""
        count, dimension = vectors.shape
        index: faiss.Index
        if count >= hnsw_threshold:
            index = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 2 * HNSW_NEIGHBOURS
        else:
            index = faiss.IndexFlatIP(dimension)
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSWFlat) else "flat"

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, vector: Vectors, k: int) -> ScoredIndices:
        if self.size == 0:
            return []
        if isinstance(self.index, faiss.IndexHNSWFlat):
            self.index.hnsw.efSearch = max(HNSW_SEARCH_DEPTH, k)
        scores, indices = self.index.search(vector.reshape(1, -1), min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(indices[0], scores[0], strict=True) if i >= 0]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> "VectorIndex":
        return cls(faiss.read_index(str(path)))
