"""Question answering: linking, intents, citations, contradictions, abstention, follow-ups."""

import re

import pytest

from kg.kb import KnowledgeBase
from kg.qa import DECLINED, Intent, Message
from kg.qa.analysis import analyse
from kg.text import normalise
from tests.conftest import ONTOLOGY_DIR, Settings


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("les hyperviseurs", "concept-hyperviseur"),
        ("l'hyperviseur", "concept-hyperviseur"),
        ("SYSTEME INVITE", "concept-systeme-invite"),
        ("une VM", "concept-systeme-invite"),
        ("la paravirtualistion", "type-paravirtualisation"),
        ("full virtualization", "type-virtualisation-complete"),
        ("un isolateur", "type-cloisonnement"),
        ("UML", "product-user-mode-linux"),
        ("User Mode Linux", "product-user-mode-linux"),
        ("la JVM", "product-java-virtual-machine"),
        ("linux-vserver", "product-linux-vserver"),
    ],
)
def test_entity_linking_survives_variants(kb, text, entity):
    assert entity in [e.id for e in kb.linker.link(text)]


def test_the_longest_label_wins(kb):
    assert [e.id for e in kb.linker.link("User Mode Linux")] == ["product-user-mode-linux"]
    links = kb.linker.analyse("Que désigne le terme système hôte ?")
    assert [e.id for e in links.entities] == ["concept-systeme-hote"]
    assert not any(r.endswith("hostSystem") for r in links.relations)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Qu'est-ce que la paravirtualisation ?", Intent.DEFINITION),
        ("c'est quoi l'emulation", Intent.DEFINITION),
        ("Quelle est la licence de KVM ?", Intent.ATTRIBUTE),
        ("Qui maintient LGuest ?", Intent.ATTRIBUTE),
        ("Quelles solutions sont sous licence GPL ?", Intent.LIST),
        ("Quels produits s'installent en bare metal ?", Intent.LIST),
        ("Combien de solutions open source sont présentées ?", Intent.COUNT),
        ("Combien de solutions sont sous licence LGPL ?", Intent.COUNT),
        (
            "Quelle est la différence entre l'émulation et la paravirtualisation ?",
            Intent.COMPARISON,
        ),
        ("Compare Xen et KVM", Intent.COMPARISON),
        ("Quand AMD et Intel ont-ils intégré la virtualisation matérielle ?", Intent.HISTORY),
        ("En quelle année IBM a-t-il virtualisé ses mainframes ?", Intent.HISTORY),
        ("Quel lien entre KVM et QEMU ?", Intent.RELATION),
        ("Quelle relation entre OpenVZ et Virtuozzo ?", Intent.RELATION),
        ("Comment éviter les points d'échec unique ?", Intent.PASSAGE),
    ],
)
def test_intents(kb, question, intent):
    assert analyse(question, [], kb.linker).intent == intent


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Quelle est la licence de KVM ?", ["GPL"]),
        ("Qui maintient LGuest ?", ["Rusty Russell"]),
        ("Qui développe Xen ?", ["Cambridge"]),
        ("Quels produits s'installent en bare metal ?", ["LGuest", "OpenVZ", "Xen", "KVM"]),
        ("Combien de solutions open source sont présentées ?", ["12"]),
        ("Quel lien entre KVM et QEMU ?", ["fork"]),
        ("Quand AMD et Intel ont-ils intégré la virtualisation matérielle ?", ["2000"]),
        ("Quels sont les inconvénients de l'émulation ?", ["Faible performance"]),
    ],
)
def test_answers_come_from_the_graph(kb, question, expected):
    answer = kb.ask(question)
    assert not answer.abstained
    assert answer.facts
    for phrase in expected:
        assert normalise(phrase) in normalise(answer.answer), answer.answer


def test_citations_are_numbered_in_order_of_use_and_point_at_the_sentence(kb, deck_text):
    answer = kb.ask("Quelle est la différence entre l'émulation et la paravirtualisation ?")
    used = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    first_use = list(dict.fromkeys(used))
    assert first_use == list(range(1, len(answer.citations) + 1))
    assert [c.number for c in answer.citations] == first_use
    for citation in answer.citations:
        cited = deck_text[citation.start : citation.end]
        sentence = re.sub(r"(?m)^- ", "", citation.sentence)
        assert re.sub(r"[\s●]", "", cited) == re.sub(r"\s", "", sentence)
        assert citation.sentence in citation.text


def test_the_wine_contradiction_shows_both_licences_and_sources(kb):
    answer = kb.ask("Quelle est la licence de Wine ?")
    assert "divergent" in answer.answer
    assert "GPL" in answer.answer and "LGPL" in answer.answer
    assert {c.slide for c in answer.citations} >= {33, 44}
    assert {(f.object, f.source) for f in answer.facts if f.predicate == "licence"} == {
        ("GPL", "virtualisation-s33"),
        ("LGPL", "virtualisation-s44"),
    }


@pytest.mark.parametrize(
    "question",
    [
        "Quelle est la recette de la tarte tatin ?",
        "Qui a gagné la coupe du monde de football 2018 ?",
        "Comment configurer un cluster Kubernetes ?",
    ],
)
def test_out_of_scope_questions_are_declined_with_suggestions(kb, question):
    answer = kb.ask(question)
    assert answer.abstained
    assert answer.answer == DECLINED
    assert answer.citations == [] and answer.facts == []
    assert answer.closest and answer.confidence < kb.answerer.confidence.threshold


def test_a_follow_up_resolves_to_the_entity_of_the_previous_turn(kb):
    first = kb.ask("Qu'est-ce que Xen ?")
    history = [Message("user", "Qu'est-ce que Xen ?"), Message("assistant", first.answer)]
    answer = kb.ask("Et sa licence ?", history)
    assert "Licence de Xen : GPL" in answer.answer
    assert answer.citations[0].slide == 33
    alone = kb.ask("Et sa licence ?")
    assert "Xen" not in alone.answer


def test_suggestions_are_questions_the_graph_can_answer(kb):
    answer = kb.ask("Qu'est-ce que KVM ?")
    assert 2 <= len(answer.suggestions) <= 3
    for suggestion in answer.suggestions:
        follow = kb.ask(suggestion)
        assert not follow.abstained and follow.facts, suggestion


def test_a_changed_table_changes_the_answer(deck_variant, tmp_path):
    corpus = deck_variant(
        lambda t: t.replace("KVM Complète Bare Metal GPL", "KVM Complète Bare Metal MIT")
    )
    settings = Settings(corpus_dir=corpus, ontology_dir=ONTOLOGY_DIR, artifacts_dir=tmp_path / "a")
    answer = KnowledgeBase.open(settings).ask("Quelle est la licence de KVM ?")
    assert "Licence de KVM : MIT" in answer.answer
    assert "GPL" not in answer.answer.split("\n")[0]
