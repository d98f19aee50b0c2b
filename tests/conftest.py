"""Shared fixtures: the real deck, and helpers to build graphs from changed copies of it."""

from collections.abc import Callable
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from kg.corpus import load_corpus
from kg.graph import build_dataset
from kg.store import OxigraphStore

CORPUS_DIR = PROJECT_ROOT / "corpus"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
DECK = CORPUS_DIR / "virtualisation.txt"
RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def deck_text() -> str:
    return DECK.read_text(encoding="utf-8")


def store_from_corpus(corpus_dir: Path) -> OxigraphStore:
    dataset = build_dataset(load_corpus(corpus_dir), ONTOLOGY_DIR)
    return OxigraphStore(dataset.serialize(format="trig").encode())


@pytest.fixture(scope="session")
def store() -> OxigraphStore:
    """The graph of the real deck, built once per test session."""
    return store_from_corpus(CORPUS_DIR)


@pytest.fixture
def deck_variant(tmp_path: Path, deck_text: str) -> Callable[[Callable[[str], str]], Path]:
    """Write a changed copy of the deck to a fresh corpus folder and return the folder."""

    def make(change: Callable[[str], str]) -> Path:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        (corpus / "virtualisation.txt").write_text(change(deck_text), encoding="utf-8")
        return corpus

    return make


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DECK.name).write_bytes(DECK.read_bytes())
    return Settings(
        corpus_dir=corpus, ontology_dir=ONTOLOGY_DIR, artifacts_dir=tmp_path / "artifacts"
    )


@pytest.fixture(scope="session")
def kb(tmp_path_factory):
    """The knowledge base of the real deck, built once per test session (model included)."""
    from kg.kb import KnowledgeBase

    artifacts_dir = tmp_path_factory.mktemp("kb") / "artifacts"
    settings = Settings(
        corpus_dir=CORPUS_DIR, ontology_dir=ONTOLOGY_DIR, artifacts_dir=artifacts_dir
    )
    return KnowledgeBase.open(settings)
