import pytest

from kg.qa.measures import StatedMeasures

WITHOUT_AMOUNTS = ["Xen est un hyperviseur libre.", "La virtualisation réduit les coûts."]


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("Combien coûte une licence Xen ?", "price"),
        ("Xen, ça coûte combien ?", "price"),
        ("Quel est le tarif de Xen ?", "price"),
        ("Xen perd quel pourcentage de performance ?", "percentage"),
        ("Xen perd 10 % de performance ?", "percentage"),
        ("Combien de RAM pour Xen ?", "memory"),
        ("Xen demande quelle mémoire minimum ?", "memory"),
        ("Xen est combien de fois plus rapide que QEMU ?", "ratio"),
    ],
)
def test_an_amount_the_course_never_states_is_unstated(question, measure):
    assert StatedMeasures(WITHOUT_AMOUNTS).unstated_asked(question) == [measure]


@pytest.mark.parametrize(
    "text",
    [
        "Une licence Xen coûte 300 € par serveur.",
        "Xen perd environ 5 % de performance.",
        "Xen demande 512 Mo de mémoire.",
        "Xen est 3 fois plus rapide que QEMU.",
    ],
)
def test_a_course_stating_an_amount_of_that_kind_may_answer(text):
    measures = StatedMeasures([*WITHOUT_AMOUNTS, text])
    questions = [
        "Combien coûte une licence Xen ?",
        "Xen perd quel pourcentage de performance ?",
        "Combien de mémoire pour Xen ?",
        "Xen est combien de fois plus rapide que QEMU ?",
    ]
    assert sum(not measures.unstated_asked(q) for q in questions) == 1


@pytest.mark.parametrize(
    "question",
    [
        "Quels coûts la virtualisation réduit-elle ?",
        "Comment la mémoire est-elle virtualisée ?",
        "Combien de solutions libres le cours cite-t-il ?",
        "La paravirtualisation est-elle plus rapide que l'émulation ?",
    ],
)
def test_a_question_asking_no_amount_is_not_concerned(question):
    assert StatedMeasures(WITHOUT_AMOUNTS).unstated_asked(question) == []
