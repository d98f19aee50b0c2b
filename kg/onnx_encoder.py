"""The embedding model exported to ONNX, so questions are encoded without PyTorch.

`kg build` traces the sentence-transformers model (transformer, pooling and
normalisation together) into ``model.onnx`` beside its tokenizer; with
``int8`` the weights are then quantised per channel. The server only needs
onnxruntime and the tokenizer: no PyTorch in its workers, and a question is
encoded in about a third of PyTorch's time in float32, a fifth in int8
(`bench/search.py` compares the three, speed and retrieval quality).
"""

import json
import logging
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from kg.embed import (
    BatchingEmbedder,
    EmbeddingModelError,
    SentenceTransformerEmbedder,
    Vectors,
    encoder_threads,
)

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
OPSET = 17
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export(model: str, directory: Path, quantise: bool) -> None:
    """Write ``model`` as an ONNX encoder (and its tokenizer) into ``directory``."""
    import torch

    source = SentenceTransformerEmbedder(model).model.eval()
    tokenizer = getattr(source.tokenizer, "backend_tokenizer", None)
    if tokenizer is None:
        raise EmbeddingModelError(f"model {model!r} has no fast tokenizer to export")
    names = [n for n in source.tokenizer.model_input_names if n in _INPUTS]
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / TOKENIZER_FILE))
    sample = source.tokenizer(["exemple de phrase", "autre"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        traced = Path(scratch) / MODEL_FILE
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _traceable(source, names),
                tuple(sample[name] for name in names),
                str(traced),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes=axes | {"embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        if quantise:
            _quantise(traced, directory / MODEL_FILE)
        else:
            traced.replace(directory / MODEL_FILE)
    settings = {
        "model": model,
        "int8": quantise,
        "inputs": names,
        "max_tokens": source.max_seq_length,
        "pad_id": source.tokenizer.pad_token_id,
        "pad_token": source.tokenizer.pad_token,
        "dimension": source.get_embedding_dimension(),
    }
    (directory / SETTINGS_FILE).write_text(json.dumps(settings, indent=2), encoding="utf-8")


def _traceable(source: Any, names: list[str]) -> Any:
    """The whole sentence-transformers pipeline as one module of tensors to a tensor."""
    import torch

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.source = source

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            features = self.source(dict(zip(names, inputs, strict=True)))
            return torch.nn.functional.normalize(features["sentence_embedding"], dim=-1)

    return SentenceEmbedding()


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime logs its pre-processing advice on the root logger
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


class OnnxEmbedder:
    """Encodes texts with an exported ``model.onnx`` and its tokenizer (see `export`)."""

    def __init__(self, directory: Path, threads: int | None = None, batch_size: int = 32) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
            self.name = str(settings["model"])
            self.dimension = int(settings["dimension"])
            self._inputs: list[str] = settings["inputs"]
            # int8 activations are scaled over the whole batch: a text's vector would
            # depend on the texts beside it, so an int8 encoder runs one text at a time.
            self.batch_size = 1 if settings["int8"] else batch_size
            self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
            self._tokenizer.enable_truncation(int(settings["max_tokens"]))
            self._tokenizer.enable_padding(
                pad_id=settings["pad_id"], pad_token=settings["pad_token"]
            )
            options = onnxruntime.SessionOptions()
            if threads:
                options.intra_op_num_threads = threads
                options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(
                str(directory / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime's load errors derive from Exception only
            message = f"cannot load the ONNX encoder in {directory}: {error}"
            raise EmbeddingModelError(message) from error

    def encode(self, texts: list[str]) -> Vectors:
        """Batches of texts of similar length (little padding), results in the texts' order."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            vectors[rows] = self._encode_batch([texts[i] for i in rows])
        return vectors

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self._inputs}
        (vectors,) = self._session.run(["embedding"], feed)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def _cached(directory: str, modified: float) -> BatchingEmbedder:
    return BatchingEmbedder(OnnxEmbedder(Path(directory), encoder_threads()))


def load_onnx_embedder(directory: Path) -> BatchingEmbedder:
    """One session per exported encoder and process (a rebuilt one is loaded afresh)."""
    try:
        modified = (directory / MODEL_FILE).stat().st_mtime
    except OSError as error:
        raise EmbeddingModelError(f"no ONNX encoder in {directory}: {error}") from error
    return _cached(str(directory), modified)
