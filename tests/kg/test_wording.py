"""French wording of graph answers: every property, stated for each of its entities."""

import re

import pytest

from kg.link import LinkedEntity
from kg.qa.wording import Term, enumerate_fr, group_text, noun, of, state

_WRONG = [
    (re.compile(r"\bde (?:de|le|les)\b", re.IGNORECASE), "« de de », « de le » or « de les »"),
    (re.compile(r"\b(?:de|le|la|que|ne|se) [aeiouyéèêàh]", re.IGNORECASE), "a missing elision"),
    (re.compile(r"\bà (?:le|les)\b"), "« à le » or « à les »"),
    (re.compile(r"[{}]"), "a placeholder left"),
    (re.compile(r"\s{2,}|\s[,.]"), "a spacing error"),
]


def _groups(kb):
    for entity in kb.linker.entities.values():
        for group in kb.facts.groups(entity.id):
            yield entity, group


def test_every_property_of_the_vocabulary_is_worded_for_every_entity(kb):
    labels = kb.store.select("SELECT ?label WHERE { ?p rdfs:label ?label }")
    french = {str(r["label"]) for r in labels if r["label"].language == "fr"}
    english = {str(r["label"]) for r in labels if r["label"].language == "en"} - french
    stated = set()
    for _, group in _groups(kb):
        sentence = group_text(group, kb.linker.entities, kb.facts, kb.answerer.slides)
        stated.add(group.predicate)
        assert sentence[:1].isupper() or sentence[:1] == "«", sentence
        for pattern, what in _WRONG:
            # names may hold anything: only the assistant's own words are checked
            words = re.sub(r"«[^»]*»", "«»", sentence)
            for value in group.values:
                words = words.replace(value, "X")
            assert not pattern.search(words), f"{what}: {sentence}"
        for label in english:
            if len(label) > 3 and label not in group.values:
                assert f" {label} " not in f" {sentence} ", sentence
    predicates = {group.predicate for _, group in _groups(kb)}
    assert stated == predicates and len(predicates) >= 20


@pytest.mark.parametrize(
    ("label", "kind", "expected_noun", "expected_of"),
    [
        ("Émulation", "VirtualisationType", "l'émulation", "de l'émulation"),
        (
            "Paravirtualisation",
            "VirtualisationType",
            "la paravirtualisation",
            "de la paravirtualisation",
        ),
        ("Cloisonnement", "VirtualisationType", "le cloisonnement", "du cloisonnement"),
        ("Système hôte", "Concept", "le système hôte", "du système hôte"),
        ("Hyperviseur", "Concept", "l'hyperviseur", "de l'hyperviseur"),
        ("OpenVZ", "Product", "OpenVZ", "d'OpenVZ"),
        ("Xen", "Product", "Xen", "de Xen"),
        (
            "Université de Cambridge",
            "Organisation",
            "l'université de Cambridge",
            "de l'université de Cambridge",
        ),
    ],
)
def test_names_take_their_article_and_elision(label, kind, expected_noun, expected_of):
    entity = LinkedEntity("x", label, kind)
    assert noun(entity) == expected_noun
    assert of(entity) == expected_of


def test_a_pattern_agrees_with_its_subjects():
    pattern = "{sujet} {est} distribué{e} sous licence {objet}"
    assert state(pattern, [Term("Xen")], [Term("GPL")]) == "Xen est distribué sous licence GPL"
    two = state(pattern, [Term("Bochs"), Term("QEMU")], [Term("LGPL")])
    assert two == "Bochs et QEMU sont distribués sous licence LGPL"
    feminine = state(
        "{sujet} {a} été écrit{e} par {objet}", [Term("la licence MIT", True)], [Term("X")]
    )
    assert feminine == "La licence MIT a été écrite par X"
    choice = "{sujet} fonctionne{nt} sur {objet?l'architecture|les architectures} {objet}"
    assert state(choice, [Term("KVM")], [Term("x86")]) == "KVM fonctionne sur l'architecture x86"
    assert state(choice, [Term("Xen")], [Term("x86"), Term("ARM")]).endswith(
        "les architectures x86 et ARM"
    )
    assert enumerate_fr(["a", "b", "c"]) == "a, b et c"


def test_a_contradiction_names_the_slide_of_each_value(kb):
    licence = next(
        g for g in kb.facts.groups("product-wine") if g.forward and g.predicate.endswith("#licence")
    )
    sentence = group_text(licence, kb.linker.entities, kb.facts, kb.answerer.slides)
    assert "GPL (diapositive 33)" in sentence and "LGPL (diapositive 44)" in sentence
    assert "se contredisent" in sentence
