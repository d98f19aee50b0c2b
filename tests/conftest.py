"""Shared fixtures: the real deck, and helpers to build graphs from changed copies of it."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import ApiSettings
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


def build_command(settings: Settings) -> list[str]:
    """`kg build --force` over the given folders, as a subprocess command."""
    return [
        sys.executable, "-m", "kg.cli", "build", "--force",
        "--corpus-dir", str(settings.corpus_dir),
        "--ontology-dir", str(settings.ontology_dir),
        "--artifacts-dir", str(settings.artifacts_dir),
    ]  # fmt: skip


@pytest.fixture(scope="session")
def kb(tmp_path_factory):
    """The knowledge base of the real deck, built once per test session (model included)."""
    from kg.kb import KnowledgeBase

    artifacts_dir = tmp_path_factory.mktemp("kb") / "artifacts"
    settings = Settings(
        corpus_dir=CORPUS_DIR, ontology_dir=ONTOLOGY_DIR, artifacts_dir=artifacts_dir
    )
    return KnowledgeBase.open(settings)


@pytest.fixture(scope="session")
def api_settings(kb) -> ApiSettings:
    return ApiSettings(
        corpus_dir=kb.settings.corpus_dir,
        ontology_dir=kb.settings.ontology_dir,
        artifacts_dir=kb.settings.artifacts_dir,
        sparql_timeout=2.0,
        sparql_max_rows=1000,
        max_body_bytes=20_000,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(api_settings, tmp_path_factory) -> Iterator[str]:
    """`kg serve` on 127.0.0.1 in a subprocess; stopped at the end of the session.

    Its log goes to a file: a pipe nobody reads would fill up and stall the server.
    """
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    env = {
        **os.environ,
        "VIRTUKG_CORPUS_DIR": str(api_settings.corpus_dir),
        "VIRTUKG_ONTOLOGY_DIR": str(api_settings.ontology_dir),
        "VIRTUKG_ARTIFACTS_DIR": str(api_settings.artifacts_dir),
    }
    command = [sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log_file = log_path.open("wb")
    server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the server did not become ready")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
