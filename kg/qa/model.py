"""The fitted parameters of question answering, kept in one file.

``kg/data/qa_model.json`` holds the search fusion weights, the reader's
weights (a linear score over ``kg.qa.candidates.FEATURES``, turned into a
probability over one question's candidates) and the confidence model (a
logistic model over ``CONFIDENCE_FEATURES`` with the thresholds that decide
between answering, answering with a warning, and declining). All of them are
fitted by ``kg eval --fit`` and measured by cross-validation (``kg eval``);
see ``kg.fitting``.
"""

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kg.qa.candidates import FEATURES

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "qa_model.json"
CONFIDENCE_FEATURES = (
    "probability",
    "margin",
    "best_score",
    "question_known",
    "topic_known",
    "unknown_names",
    "answer_coverage",
    "passage_coverage",
    "topic_coverage",
    "uncovered_rare",
    "entity",
    "dense_top",
    "fact",
    "about_now",
    "asks_how_to",
    "asks_price",
    "type_unmet",
)
Matrix = npt.NDArray[np.float64]


class ModelError(RuntimeError):
    """The fitted model file is missing, unreadable or fitted on other features."""


@dataclass(frozen=True)
class LinearModel:
    """``bias + weights · (x − mean) / scale`` over named features."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    bias: float = 0.0

    def scores(self, x: Matrix) -> Matrix:
        standard = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        scores: Matrix = self.bias + standard @ np.asarray(self.weights)
        return scores

    @classmethod
    def neutral(cls, features: tuple[str, ...]) -> "LinearModel":
        count = len(features)
        return cls(features, (0.0,) * count, (0.0,) * count, (1.0,) * count)


@dataclass(frozen=True)
class FusionWeights:
    lexical_weight: float = 0.5
    entity_boost: float = 0.1
    fact_boost: float = 0.5


@dataclass(frozen=True)
class QAModel:
    fusion: FusionWeights
    reader: LinearModel
    confidence: LinearModel
    decline_below: float  # confidence under which the assistant declines
    sure_from: float  # confidence from which an answer is shown without a warning
    fitted_on: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def unfitted(cls) -> "QAModel":
        """A model that knows nothing yet: what fitting starts from."""
        return cls(
            FusionWeights(),
            LinearModel.neutral(FEATURES),
            LinearModel.neutral(CONFIDENCE_FEATURES),
            0.0,
            1.0,
        )

    def probability(self, features: list[float]) -> float:
        z = float(self.confidence.scores(np.asarray([features]))[0])
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))

    def save(self, path: Path = MODEL_PATH) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "QAModel":
        """The fitted model; a clear :class:`ModelError` when it cannot be used."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reader = LinearModel(**{k: _tuple(v) for k, v in data["reader"].items()})
            confidence = LinearModel(**{k: _tuple(v) for k, v in data["confidence"].items()})
            model = cls(
                FusionWeights(**data["fusion"]),
                reader,
                confidence,
                float(data["decline_below"]),
                float(data["sure_from"]),
                dict(data.get("fitted_on", {})),
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelError(
                f"the question-answering model {path} cannot be read ({error}): "
                "run `kg eval --fit` to fit it"
            ) from error
        if reader.features != FEATURES or confidence.features != CONFIDENCE_FEATURES:
            raise ModelError(
                f"the question-answering model {path} was fitted on other features: "
                "run `kg eval --fit` to fit it again"
            )
        return model


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
