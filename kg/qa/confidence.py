"""How sure an answer read from passages is: a logistic model over a few signals.

The signals say whether the course speaks of what the question asks: the share
of the question's terms the course uses at all, the share (idf-weighted) the
chosen sentence covers, the semantic similarity of the closest passage, whether
the question names an entity of the graph, and whether it names something the
course never mentions (a capitalised word such as "vSphere" or "Kubernetes").
The weights are fitted on in-scope and out-of-scope questions by
``kg eval --fit-confidence`` and kept in ``kg/data/confidence.json`` with the
threshold below which the assistant declines.
"""

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "confidence.json"
FEATURES = (
    "term_coverage",
    "sentence_coverage",
    "dense_similarity",
    "entity_linked",
    "unknown_name",
)


@dataclass(frozen=True)
class Signals:
    term_coverage: float
    sentence_coverage: float
    dense_similarity: float
    entity_linked: float
    unknown_name: float

    def vector(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


@dataclass(frozen=True)
class ConfidenceModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, signals: Signals) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, signals.vector(), strict=True))
        return 1 / (1 + math.exp(-z))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "ConfidenceModel":
        """The fitted model; one that never declines (with a warning) when it is unusable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if tuple(data["features"]) != FEATURES:
                raise ValueError("fitted on other features")
            return cls(tuple(data["weights"]), float(data["bias"]), float(data["threshold"]))
        except (OSError, ValueError, KeyError) as error:
            log.warning(
                "confidence model %s unusable (%s): run `kg eval --fit-confidence`", path, error
            )
            return cls(tuple(0.0 for _ in FEATURES), 0.0, 0.0)

    def save(self, path: Path = MODEL_PATH) -> None:
        data = {
            "features": FEATURES,
            "weights": [round(w, 4) for w in self.weights],
            "bias": round(self.bias, 4),
            "threshold": round(self.threshold, 3),
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def fit(
    signals: list[Signals], in_scope: list[bool], max_wrongly_declined: float = 0.05
) -> ConfidenceModel:
    """Logistic regression (L2, gradient descent), then the threshold with the best F1 of
    declining out-of-scope questions among those that decline at most
    ``max_wrongly_declined`` of the in-scope ones."""
    x = np.array([s.vector() for s in signals], dtype=np.float64)
    y = np.array(in_scope, dtype=np.float64)
    weights = np.zeros(x.shape[1])
    bias = 0.0
    for _ in range(5000):
        p = 1 / (1 + np.exp(-(x @ weights + bias)))
        gradient = p - y
        weights -= 0.5 * (x.T @ gradient / len(y) + 0.01 * weights)
        bias -= 0.5 * float(gradient.mean())
    probabilities = 1 / (1 + np.exp(-(x @ weights + bias)))
    best = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        declined = probabilities < threshold
        wrongly = float(np.mean(declined[y == 1])) if (y == 1).any() else 0.0
        if wrongly > max_wrongly_declined:
            continue
        true_pos = float(np.sum(declined & (y == 0)))
        precision = true_pos / max(float(np.sum(declined)), 1.0)
        recall = true_pos / max(float(np.sum(y == 0)), 1.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[0]:
            best = (f1, float(threshold))
    return ConfidenceModel(tuple(float(w) for w in weights), bias, best[1])
