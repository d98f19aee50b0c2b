"""Everything `kg build` derives, written to one folder with a manifest.

The manifest records what the artifacts were built from (a fingerprint of the
corpus, the ontology, the library code and versions). Loading compares it with
the current inputs and rebuilds only when they differ. A build writes to a
temporary folder and swaps it in at the end, under a lock, so a build killed
halfway or two builds at once never leave a half-written folder behind.
"""

import fcntl
import hashlib
import io
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from kg import __version__
from kg.config import Settings
from kg.corpus import Passage, load_corpus
from kg.embed import Embedder, EmbeddingBackend, Vectors, load_embedder
from kg.graph import build_dataset
from kg.onnx_encoder import OnnxEmbedder, export, load_onnx_embedder
from kg.search.dense import VectorIndex, embedding_text
from kg.search.lexical import LexicalIndex
from kg.store import OxigraphStore
from kg.text import FrenchAnalyser
from kg.units import Unit, UnitKind, all_units

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
GRAPH = "graph.trig"
PASSAGES = "passages.json"
LEXICAL_DIR = "lexical"
VECTORS = "vectors.faiss"
UNITS = "units.json"
UNIT_VECTORS = "unit_vectors.npy"
ENCODER_DIR = "encoder"
_CODE_DIR = Path(__file__).resolve().parent
_COUNT_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(vkg:)))
} GROUP BY ?class ORDER BY ?class
"""


class ArtifactsError(RuntimeError):
    """The artifacts folder is missing, unreadable or was built from other inputs."""


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(settings: Settings) -> dict[str, str]:
    """What the artifacts depend on; any change here means they must be rebuilt."""
    return {
        "format_version": str(FORMAT_VERSION),
        "corpus_sha256": _hash_files(list(settings.corpus_dir.glob("*.txt")), settings.corpus_dir),
        "ontology_sha256": _hash_files(
            [p for p in settings.ontology_dir.rglob("*") if p.is_file()], settings.ontology_dir
        ),
        "code_sha256": _hash_files(
            [*_CODE_DIR.rglob("*.py"), *_CODE_DIR.glob("data/*.txt")], _CODE_DIR
        ),
        "virtukg": __version__,
        "rdflib": version("rdflib"),
        "pyoxigraph": version("pyoxigraph"),
        "embedding_model": settings.embedding_model,
        "embedding_backend": settings.embedding_backend.value,
        "title_weight": str(settings.title_weight),
        "hnsw_threshold": str(settings.hnsw_threshold),
    }


def passage_to_json(passage: Passage) -> dict[str, Any]:
    return asdict(passage)


def passage_from_json(data: dict[str, Any]) -> Passage:
    return Passage(**{**data, "pieces": tuple(tuple(piece) for piece in data["pieces"])})


@contextmanager
def _build_lock(artifacts_dir: Path) -> Iterator[None]:
    artifacts_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = artifacts_dir.parent / f".{artifacts_dir.name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_manifest(artifacts_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((artifacts_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(settings: Settings) -> bool:
    manifest = read_manifest(settings.artifacts_dir)
    return manifest is not None and manifest.get("fingerprint") == fingerprint(settings)


def build(settings: Settings) -> dict[str, Any]:
    """Build the artifacts from the corpus and the ontology; return the manifest."""
    with _build_lock(settings.artifacts_dir):
        return _build_unlocked(settings)


def _build_unlocked(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    inputs = fingerprint(settings)
    corpus = load_corpus(settings.corpus_dir)
    log.info("read %d documents, %d passages", len(corpus.documents), len(corpus.passages))
    dataset = build_dataset(corpus, settings.ontology_dir)
    trig = dataset.serialize(format="trig").encode("utf-8")
    store = OxigraphStore(trig)
    counts = {
        str(row["class"]).split("#")[-1]: int(str(row["n"])) for row in store.select(_COUNT_CLASSES)
    }
    manifest: dict[str, Any] = {
        "fingerprint": inputs,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "documents": [
            {"file": doc.path.name, "sha256": doc.sha256, "passages": len(doc.passages)}
            for doc in corpus.documents
        ],
        "problems": corpus.problems,
        "quads": len(store),
        "counts": counts,
    }
    settings.artifacts_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(
            prefix=f".{settings.artifacts_dir.name}-", dir=settings.artifacts_dir.parent
        )
    )
    staging.chmod(0o755)
    try:
        (staging / GRAPH).write_bytes(trig)
        passages = [passage_to_json(p) for p in corpus.passages]
        (staging / PASSAGES).write_text(json.dumps(passages, ensure_ascii=False), encoding="utf-8")
        units = all_units(store, corpus.passages)
        manifest["search"] = _write_search_indexes(staging, corpus.passages, units, settings)
        manifest["build_seconds"] = round(time.perf_counter() - started, 3)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _swap_in(staging, settings.artifacts_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("built artifacts in %.2f s", manifest["build_seconds"])
    return manifest


def _write_search_indexes(
    directory: Path, passages: list[Passage], units: list[Unit], settings: Settings
) -> dict[str, Any]:
    started = time.perf_counter()
    LexicalIndex.build(passages, FrenchAnalyser(), settings.title_weight).save(
        directory / LEXICAL_DIR
    )
    embedder = _passage_encoder(directory, settings)
    vectors = embedder.encode([embedding_text(p) for p in passages])
    index = VectorIndex.build(vectors, settings.hnsw_threshold)
    index.save(directory / VECTORS)
    (directory / UNITS).write_text(
        json.dumps([asdict(u) for u in units], ensure_ascii=False), encoding="utf-8"
    )
    buffer = io.BytesIO()
    np.save(buffer, embedder.encode([u.text for u in units]) if units else np.zeros((0, 1)))
    (directory / UNIT_VECTORS).write_bytes(buffer.getvalue())
    log.info("indexed %d passages in %.2f s", len(passages), time.perf_counter() - started)
    return {
        "embedding_model": embedder.name,
        "embedding_backend": settings.embedding_backend.value,
        "dimension": embedder.dimension,
        "vector_index": index.kind,
        "title_weight": settings.title_weight,
        "index_seconds": round(time.perf_counter() - started, 3),
    }


def _passage_encoder(directory: Path, settings: Settings) -> Embedder:
    """The encoder for the passages; questions will be encoded by the same one."""
    backend = settings.embedding_backend
    if backend == EmbeddingBackend.TORCH:
        return load_embedder(settings.embedding_model)
    export(settings.embedding_model, directory / ENCODER_DIR, backend == EmbeddingBackend.ONNX_INT8)
    return OnnxEmbedder(directory / ENCODER_DIR)


def _question_encoder(directory: Path, search: dict[str, Any]) -> Embedder:
    if search.get("embedding_backend") == EmbeddingBackend.TORCH:
        return load_embedder(search["embedding_model"])
    return load_onnx_embedder(directory / ENCODER_DIR)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` so that readers see the old or the new folder, whole."""
    if target.exists():
        retired = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(target)


def ensure_built(settings: Settings) -> dict[str, Any]:
    """The current manifest, building the artifacts first when missing or stale."""
    with _build_lock(settings.artifacts_dir):
        manifest = read_manifest(settings.artifacts_dir)
        if manifest is not None and manifest.get("fingerprint") == fingerprint(settings):
            return manifest
        reason = "missing" if manifest is None else "stale"
        log.info("artifacts in %s are %s: building", settings.artifacts_dir, reason)
        return _build_unlocked(settings)


@dataclass(frozen=True)
class Artifacts:
    directory: Path
    manifest: dict[str, Any]
    trig: bytes
    passages: list[Passage]
    lexical: LexicalIndex
    vectors: VectorIndex
    encoder: Embedder
    units: list[Unit]
    unit_vectors: Vectors


def load(artifacts_dir: Path) -> Artifacts:
    """Read built artifacts; raise :class:`ArtifactsError` when they are unusable."""
    manifest = read_manifest(artifacts_dir)
    if manifest is None:
        raise ArtifactsError(f"no readable {MANIFEST} in {artifacts_dir}: run `kg build`")
    try:
        trig = (artifacts_dir / GRAPH).read_bytes()
        raw = json.loads((artifacts_dir / PASSAGES).read_text(encoding="utf-8"))
        passages = [passage_from_json(item) for item in raw]
        lexical = LexicalIndex.load(artifacts_dir / LEXICAL_DIR, FrenchAnalyser())
        vectors = VectorIndex.load(artifacts_dir / VECTORS)
        encoder = _question_encoder(artifacts_dir, manifest["search"])
        units = [
            Unit(**{**item, "kind": UnitKind(item["kind"]), "items": tuple(item["items"])})
            for item in json.loads((artifacts_dir / UNITS).read_text(encoding="utf-8"))
        ]
        unit_vectors = np.load(artifacts_dir / UNIT_VECTORS, allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as error:
        raise ArtifactsError(f"artifacts in {artifacts_dir} are damaged: {error}") from error
    if not lexical.size == vectors.size == len(passages) or len(unit_vectors) != len(units):
        raise ArtifactsError(f"artifacts in {artifacts_dir} are damaged: index sizes differ")
    return Artifacts(
        artifacts_dir, manifest, trig, passages, lexical, vectors, encoder, units, unit_vectors
    )
