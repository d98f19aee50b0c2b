"""Hybrid passage search: BM25 (French analyser) + dense vectors, fused, entity-boosted."""

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kg.corpus import Passage
from kg.embed import Embedder, Vectors
from kg.link import EntityLinker
from kg.search.dense import VectorIndex
from kg.search.fusion import convex, reciprocal_rank
from kg.search.lexical import LexicalIndex, ScoredIndices
from kg.text import without_course_references


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    LEXICAL = "lexical"
    DENSE = "dense"
    # Hybrid, then ordered by the answers a reader finds in the passages: done by
    # ``kg.qa`` (see ``KnowledgeBase.search``), not by the searcher.
    RERANKED = "reranked"


# The modes the searcher runs itself.
RETRIEVAL_MODES = (SearchMode.HYBRID, SearchMode.LEXICAL, SearchMode.DENSE)


class Fusion(StrEnum):
    CONVEX = "convex"
    RRF = "rrf"


@dataclass(frozen=True)
class FusionConfig:
    """How the two rankings are combined (the weight is tuned by ``kg eval --tune``)."""

    method: Fusion = Fusion.CONVEX
    lexical_weight: float = 0.5
    entity_boost: float = 0.1
    fact_boost: float = 1.0
    pool: int = 50


@dataclass(frozen=True)
class Hit:
    id: str
    document: str
    slide: int
    title: str
    text: str
    score: float


@dataclass(frozen=True)
class Candidates:
    """What each retriever found for one query, before fusion."""

    lexical: ScoredIndices
    dense: ScoredIndices
    entity_scores: dict[int, float]
    fact_scores: dict[int, float]


class Searcher:
    def __init__(
        self,
        passages: list[Passage],
        lexical: LexicalIndex,
        vectors: VectorIndex,
        embedder: Embedder,
        linker: EntityLinker | None,
        config: FusionConfig,
    ) -> None:
        self.passages = passages
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.linker = linker
        self.config = config
        self._position = {p.id: i for i, p in enumerate(passages)}

    def candidates(
        self, query: str, mode: SearchMode = SearchMode.HYBRID, vector: Vectors | None = None
    ) -> Candidates:
        """What each retriever finds for a query (``vector``: the query's, if already encoded).

        Words by which the query refers to the course itself (« d'après le cours ») are
        not searched for."""
        query = without_course_references(query)
        pool = self.config.pool
        lexical = self.lexical.search(query, pool) if mode != SearchMode.DENSE else []
        dense: ScoredIndices = []
        if mode != SearchMode.LEXICAL:
            if vector is None:
                vector = self.embedder.encode([query])[0]
            dense = self.vectors.search(vector, pool)
        if mode != SearchMode.HYBRID or self.linker is None:
            return Candidates(lexical, dense, {}, {})
        links = self.linker.analyse(query)
        entities = [entity.id for entity in links.entities]
        return Candidates(
            lexical,
            dense,
            self._entity_scores(entities),
            self._fact_scores(entities, links.relations),
        )

    def _entity_scores(self, entities: list[str]) -> dict[int, float]:
        """Share of the query's entities a passage mentions, rarer entities weighing more."""
        assert self.linker is not None
        total = len(self.passages)
        weights: dict[str, float] = {}
        for entity_id in entities:
            mentioned = self.linker.mentions.get(entity_id, set())
            if mentioned:
                weights[entity_id] = math.log(1 + total / len(mentioned))
        norm = sum(weights.values())
        scores: dict[int, float] = {}
        for entity_id, weight in weights.items():
            for passage_id in self.linker.mentions[entity_id]:
                index = self._position.get(passage_id)
                if index is not None:
                    scores[index] = scores.get(index, 0.0) + weight / norm
        return scores

    def _fact_scores(self, entities: list[str], relations: list[str]) -> dict[int, float]:
        """Share of the asked (entity, relation) pairs whose fact a passage states.

        "Quelle licence utilise BSD Jails ?" asks for (BSD Jails, licence): the
        passage the graph read that fact from is the one to cite.
        """
        assert self.linker is not None
        pairs = [(e, r) for e in entities for r in relations]
        scores: dict[int, float] = {}
        for pair in pairs:
            for passage_id in self.linker.stated_in.get(pair, set()):
                index = self._position.get(passage_id)
                if index is not None:
                    scores[index] = scores.get(index, 0.0) + 1 / len(pairs)
        return scores

    def fuse(
        self, found: Candidates, mode: SearchMode, config: FusionConfig | None = None
    ) -> list[tuple[int, float]]:
        """Passage indices ranked best first with their final scores."""
        _check_mode(mode)
        config = config or self.config
        if mode == SearchMode.LEXICAL:
            scores = dict(found.lexical)
        elif mode == SearchMode.DENSE:
            scores = dict(found.dense)
        else:
            if config.method == Fusion.RRF:
                scores = reciprocal_rank(found.lexical, found.dense)
            else:
                scores = convex(found.lexical, found.dense, config.lexical_weight)
            for boosts, weight in (
                (found.entity_scores, config.entity_boost),
                (found.fact_scores, config.fact_boost),
            ):
                for index, boost in boosts.items():
                    if index in scores:
                        scores[index] += weight * boost
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

    def search(self, query: str, k: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Hit]:
        """The ``k`` best passages for a query."""
        _check_mode(mode)
        if not query.strip():
            return []
        ranked = self.fuse(self.candidates(query, mode), mode)[:k]
        return [self.hit(index, score) for index, score in ranked]

    def index_of(self, passage_id: str) -> int | None:
        """The position of a passage in the index, if it is there."""
        return self._position.get(passage_id)

    def hit(self, index: int, score: float) -> Hit:
        """The hit for the passage at ``index`` of the index."""
        p = self.passages[index]
        return Hit(p.id, p.document, p.slide, p.title, p.text, round(float(np.float64(score)), 6))


def _check_mode(mode: SearchMode) -> None:
    if mode not in RETRIEVAL_MODES:
        raise ValueError(f"the searcher does not run {mode} search: see kg.qa")
