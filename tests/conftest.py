"""Shared fixtures: the real deck, and helpers to build graphs from changed copies of it."""

import os
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
from kg.local_store import free_port
from kg.publish import publish
from kg.remote import RemoteStore
from kg.store import OxigraphStore
from tests.oxigraph_server import OxigraphServer

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
        allowed_hosts=["testserver", "localhost", "127.0.0.1", "::1"],
    )


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server for the session; tests that stop one start their own."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()


def store_settings(settings, server: OxigraphServer):
    """The same settings, with the graph in the server's store."""
    return settings.model_copy(
        update={
            "sparql_endpoint": server.query,
            "sparql_update_endpoint": server.update,
            "sparql_store_endpoint": server.store,
        }
    )


@pytest.fixture(scope="session")
def remote_api_settings(api_settings, oxigraph_server) -> ApiSettings:
    """The session's settings with the graph published in the Oxigraph server."""
    settings = store_settings(api_settings, oxigraph_server)
    store = RemoteStore(settings.endpoints())
    publish(store, settings.artifacts_dir, record=False)
    store.close()
    return settings


@pytest.fixture(scope="session")
def remote_kb(remote_api_settings):
    """The knowledge base of the real deck over the Oxigraph server."""
    from kg.kb import KnowledgeBase

    return KnowledgeBase.open(remote_api_settings)


def wait_ready(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    """Until `kg serve` at ``base`` is ready; its log's end when it exits first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become ready")


@pytest.fixture(scope="session")
def live_server(api_settings, tmp_path_factory) -> Iterator[str]:
    """`kg serve` on 127.0.0.1 in a subprocess; stopped at the end of the session.

    Its log goes to a file: a pipe nobody reads would fill up and stall the server.
    """
    port = free_port()
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
        wait_ready(base, server, log_path)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
