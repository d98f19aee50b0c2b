"""BM25 over the French analyser, the passage title weighted above the body, each word also
standing for its family."""

import logging
from pathlib import Path

import bm25s

from kg.corpus import Passage
from kg.text import FAMILY_PREFIX, FrenchAnalyser

ScoredIndices = list[tuple[int, float]]
_FAMILY_MARK = "^"


def _with_families(terms: list[str]) -> list[str]:
    """The terms, then for each word long enough to have a family the first letters it
    shares with it (« expériences », « expérimentation »): a passage in another word of
    the family is found too, below one in the same word."""
    return terms + [
        _FAMILY_MARK + t[:FAMILY_PREFIX] for t in terms if len(t) >= FAMILY_PREFIX and t.isalpha()
    ]


logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """A bm25s index over analysed passages; results are ``(passage index, score)``."""

    def __init__(self, retriever: bm25s.BM25, analyser: FrenchAnalyser) -> None:
        self._retriever = retriever
        self._analyser = analyser
        self.size = int(retriever.scores["num_docs"])

    @classmethod
    def build(
        cls, passages: list[Passage], analyser: FrenchAnalyser, title_weight: int = 2
    ) -> "LexicalIndex":
        """Index passages; the title's terms count ``title_weight`` extra times.

        Repeating the title's terms is the simple form of BM25F field weighting.
        """
        documents = [
            _with_families(analyser.tokens(p.title) * title_weight + analyser.tokens(p.text))
            for p in passages
        ]
        retriever = bm25s.BM25()
        retriever.index(documents, show_progress=False)
        return cls(retriever, analyser)

    def search(self, query: str, k: int) -> ScoredIndices:
        terms = _with_families(self._analyser.tokens(query))
        if not terms or self.size == 0:
            return []
        results = self._retriever.retrieve(
            [terms], k=min(k, self.size), show_progress=False, n_threads=0
        )
        indices, scores = results.documents[0], results.scores[0]
        return [(int(i), float(s)) for i, s in zip(indices, scores, strict=True) if s > 0]

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, analyser: FrenchAnalyser) -> "LexicalIndex":
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(retriever, analyser)
