"""Amounts a question can ask for (a price, a percentage, a quantity of memory, a ratio)
and whether a course states any amount of that kind. A course that never gives a price
cannot tell what a licence costs, whatever passage names the licence."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.text import normalise


@dataclass(frozen=True)
class Measure:
    name: str
    asked: re.Pattern[str]  # a question asking for such an amount (normalised text)
    stated: re.Pattern[str]  # such an amount, stated (normalised text)


PRICE = Measure(
    "price",
    re.compile(r"\b(?:prix|tarifs?|combien (?:\w+ )?cout\w*|cout\w* combien)\b|[€$]"),
    re.compile(r"\d ?(?:[€$]|euros?\b|dollars?\b)|[€$] ?\d"),
)
MEASURES = (
    PRICE,
    Measure(
        "percentage",
        re.compile(r"%|\bpour ?cent\w*\b"),
        re.compile(r"\d ?(?:%|pour ?cent)"),
    ),
    Measure(
        "memory",
        re.compile(
            r"\bcombien (?:de |d')?(?:ram|memoire|go|mo|gb|mb)\b"
            r"|\b(?:ram|memoire) minimum\b|\bminimum de (?:ram|memoire)\b"
        ),
        re.compile(r"\d ?(?:[kmgt]o|[kmgt]i?b|octets?)\b"),
    ),
    Measure("ratio", re.compile(r"\bcombien de fois\b"), re.compile(r"\d+ fois\b")),
)


class StatedMeasures:
    """The kinds of amount a course states."""

    def __init__(self, texts: Iterable[str]) -> None:
        folded = [normalise(text) for text in texts]
        self.stated = frozenset(m.name for m in MEASURES if any(m.stated.search(t) for t in folded))

    def unstated_asked(self, question: str) -> list[str]:
        """The kinds of amount the question asks for that the course never states."""
        folded = normalise(question)
        return [m.name for m in MEASURES if m.name not in self.stated and m.asked.search(folded)]


def asks_price(question: str) -> bool:
    return bool(PRICE.asked.search(normalise(question)))
