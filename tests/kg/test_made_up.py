"""Made-up off-course questions: names nobody knows, put where the course's names were."""

import random

import numpy as np
import pytest

from kg import fitting
from kg.made_up import made_up_name, made_up_off_course
from kg.qa.model import CONFIDENCE_FEATURES
from kg.text import is_ordinary_word


def test_made_up_names_are_capitalised_unknown_words_and_reproducible():
    names = [made_up_name(random.Random(seed)) for seed in range(30)]
    assert names == [made_up_name(random.Random(seed)) for seed in range(30)]
    assert all(n[0].isupper() and n[1:].islower() for n in names)
    assert not any(is_ordinary_word(n.lower()) for n in names)
    assert len(set(names)) > 25


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        (
            "Sous quelle licence est distribué QEMU aujourd'hui ?",
            "Sous quelle licence est distribué ",
        ),
        ("Quelle société a créé VMware Workstation ?", "Quelle société a créé "),
        ("Xen ou KVM, lequel fonctionne sans système hôte ?", " ou KVM, lequel"),
    ],
)
def test_the_first_name_of_a_question_is_replaced_by_a_made_up_one(kb, question, kept):
    (made_up,) = made_up_off_course(kb.linker, [question], seed=1)
    assert kept in made_up and made_up != question
    # The course has never heard of it.
    assert kb.answerer.read(made_up, []).question_signals["unknown_names"] >= 1


@pytest.mark.parametrize(
    "question",
    [
        "À quoi sert un hyperviseur ?",
        "la paravirtualisation est-elle rapide ?",
        "Paravirtualisation ou émulation, laquelle est plus lente ?",
        "C'est quoi ?",
    ],
)
def test_a_question_naming_no_name_makes_no_off_course_question(kb, question):
    assert made_up_off_course(kb.linker, [question], seed=1) == []


def test_the_confidence_model_learns_what_a_made_up_name_means():
    rng = np.random.default_rng(2)

    def signals(count: int, unknown: float, sure: tuple[float, float]) -> list[dict[str, float]]:
        rows = [dict.fromkeys(CONFIDENCE_FEATURES, 0.5) for _ in range(count)]
        for row in rows:
            row["probability"] = float(rng.uniform(*sure))
            row["unknown_names"] = unknown
        return rows

    real = signals(80, 0.0, (0.5, 1.0)) + signals(20, 0.0, (0.0, 0.4))
    in_scope = [True] * 80 + [False] * 20
    without, *_ = fitting.fit_confidence(real, in_scope, in_scope, [])
    with_made_up, *_ = fitting.fit_confidence(
        real, in_scope, in_scope, signals(40, 1.0, (0.5, 1.0))
    )
    unknown = CONFIDENCE_FEATURES.index("unknown_names")
    assert without.weights[unknown] == 0.0
    assert with_made_up.weights[unknown] < 0.0
