"""Changing the deck changes the graph: nothing is typed in by hand."""

import re

import pytest

from kg.corpus import load_corpus
from kg.graph import build_dataset
from kg.link import EntityLinker
from kg.text import FrenchAnalyser
from kg.validate import ShapeViolation
from tests.conftest import ONTOLOGY_DIR, store_from_corpus

PRODUCT_FACTS = """
SELECT ?type ?mode ?licence WHERE {
  ?p skos:prefLabel ?name ; vkg:virtualisationType/skos:prefLabel ?type ;
     vkg:installationMode/skos:prefLabel ?mode ; vkg:licence/skos:prefLabel ?licence .
  FILTER(STR(?name) = ?wanted)
}
"""


def _facts(store, name):
    query = PRODUCT_FACTS.replace("?wanted", f'"{name}"')
    return {(str(r["type"]), str(r["mode"]), str(r["licence"])) for r in store.select(query)}


def test_a_new_row_in_the_solutions_table_becomes_a_product(deck_variant):
    corpus = deck_variant(
        lambda text: text.replace(
            "KVM Complète Bare Metal GPL\n",
            "KVM Complète Bare Metal GPL\n\nVirtualBox Complète Hébergé GPL\n",
        )
    )
    store = store_from_corpus(corpus)
    assert _facts(store, "VirtualBox") == {("Virtualisation complète", "Hébergé", "GPL")}
    assert store.ask('ASK { ?p vkg:listedIn ?t ; skos:prefLabel "VirtualBox"@fr }')


def test_a_renamed_licence_follows_into_the_graph(deck_variant):
    corpus = deck_variant(lambda text: text.replace("CDDL", "MPL"))
    store = store_from_corpus(corpus)
    assert _facts(store, "Solaris Containers") == {("Cloisonnement", "Hébergé", "MPL")}
    assert not store.ask('ASK { ?l skos:prefLabel "CDDL"@fr }')
    full_names = store.select('SELECT ?f WHERE { ?l skos:prefLabel "MPL"@fr ; vkg:fullName ?f }')
    assert [str(r["f"]) for r in full_names] == ["Common Development and Distribution License"]


def test_a_changed_cell_changes_the_fact(deck_variant):
    corpus = deck_variant(
        lambda text: text.replace("Bochs Emulation Hébergé LGPL", "Bochs Emulation Bare Metal GPL")
    )
    assert _facts(store_from_corpus(corpus), "Bochs") == {("Émulation", "Bare Metal", "GPL")}


def test_a_dropped_slide_takes_its_facts_with_it(deck_variant):
    def drop_kvm_slide(text: str) -> str:
        return re.sub(r"KVM\n\nKVM \(Kernel-based.*?kvmwiki\n", "", text, flags=re.DOTALL)

    store = store_from_corpus(deck_variant(drop_kvm_slide))
    assert _facts(store, "KVM") == {("Virtualisation complète", "Bare Metal", "GPL")}
    assert not store.ask("ASK { res:product-kvm vkg:forkOf ?x }")
    assert not store.ask("ASK { res:product-kvm vkg:kernelVersion ?v }")
    full = store_from_corpus(deck_variant(lambda text: text))
    assert full.ask(
        'ASK { res:product-kvm vkg:forkOf res:product-qemu ; vkg:kernelVersion "2.6.20" }'
    )


def _full_names(store, product_id):
    rows = store.select(f"SELECT ?f WHERE {{ res:{product_id} vkg:fullName ?f }}")
    return {str(r["f"]) for r in rows}


def test_what_a_product_name_stands_for_is_read_from_the_sentence_saying_it(deck_variant):
    corpus = deck_variant(
        lambda text: text.replace("« Wine Is Not an Emulator »", "« Wine Is Now Everywhere »")
    )
    assert _full_names(store_from_corpus(corpus), "product-wine") == {"Wine Is Now Everywhere"}
    # A phrase whose initials do not spell the name is no expansion of it.
    corpus = deck_variant(
        lambda text: text.replace("« Wine Is Not an Emulator »", "« un émulateur libre »")
    )
    assert _full_names(store_from_corpus(corpus), "product-wine") == set()


def test_an_expansion_said_of_no_named_subject_is_not_read(deck_variant):
    """« On lit parfois Wine comme l'acronyme de … » has no product's name as its subject."""
    corpus = deck_variant(
        lambda text: text.replace(
            "Wine est l'acronyme récursif anglophone de", "On lit parfois Wine comme l'acronyme de"
        )
    )
    assert _full_names(store_from_corpus(corpus), "product-wine") == set()


def test_a_new_maintainer_sentence_is_read(deck_variant):
    corpus = deck_variant(
        lambda text: text.replace(
            "KVM est un fork de QEMU.", "KVM est un fork de QEMU. KVM est maintenu par Avi Kivity."
        )
    )
    store = store_from_corpus(corpus)
    rows = store.select("SELECT ?who WHERE { res:product-kvm vkg:maintainer/skos:prefLabel ?who }")
    assert [str(r["who"]) for r in rows] == ["Avi Kivity"]


EXTENSIONS = """
SELECT ?name WHERE { ?p skos:prefLabel ?product ; vkg:requiredExtension/skos:prefLabel ?name .
                     FILTER(STR(?product) = ?wanted) }
"""


def _extensions(store, product):
    rows = store.select(EXTENSIONS.replace("?wanted", f'"{product}"'))
    return sorted(str(r["name"]) for r in rows)


def test_the_processor_extensions_a_product_needs_are_read_with_their_other_names(store):
    assert _extensions(store, "KVM") == ["AMD-V", "Intel VT"]
    names = store.select(
        "SELECT ?n WHERE { ?e a vkg:HardwareExtension ; skos:prefLabel 'AMD-V'@fr ; "
        "skos:altLabel ?n }"
    )
    assert {str(r["n"]) for r in names} == {"AMD SVM", "Pacifica"}


def test_a_new_extension_in_a_product_sentence_follows_into_the_graph(deck_variant):
    corpus = deck_variant(
        lambda text: text.replace(
            "disposant des technologies Intel VT ou AMD \nSVM (AMD-V).",
            "disposant des technologies VT-x d'Intel, AMD-V ou ARM VHE.",
        )
    )
    store = store_from_corpus(corpus)
    assert _extensions(store, "KVM") == ["AMD-V", "ARM VHE", "Intel VT-x"]
    assert not store.ask("ASK { ?e skos:altLabel 'AMD SVM'@fr }")


def test_the_real_deck_conforms_to_the_shapes(store):
    assert store.ask("ASK { ?p a vkg:Passage }")  # build_dataset validated it


def test_a_deck_that_breaks_a_shape_fails_with_a_readable_report(deck_variant):
    def drop_summary_tables(text: str) -> str:
        return re.sub(
            r"RECAPITULATIF DES TYPES DE \nVIRTUALISATION.*?code \nnatif\.",
            "",
            text,
            flags=re.DOTALL,
        )

    corpus = deck_variant(drop_summary_tables)
    with pytest.raises(ShapeViolation) as failure:
        build_dataset(load_corpus(corpus), ONTOLOGY_DIR)
    report = str(failure.value)
    assert "does not conform" in report
    assert "a virtualisation type needs its advantages (summary table)" in report
    assert "type-emulation" in report


@pytest.mark.parametrize(
    ("line", "name", "alias"),
    [
        ("Système hôte (Machine physique)", "Système hôte", "Machine physique"),
        ("Hyperviseur  (VMM)", "Hyperviseur", "VMM"),
    ],
)
def test_a_name_with_another_name_in_parentheses_gives_an_alternative_label(
    deck_variant, line, name, alias
):
    corpus = deck_variant(
        lambda text: text.replace("OS invité modifié\n", f"{line}\n\nOS invité modifié\n", 1)
    )
    store = store_from_corpus(corpus)
    assert store.ask(f'ASK {{ ?e skos:prefLabel "{name}"@fr ; skos:altLabel "{alias}"@fr }}')
    unchanged = store_from_corpus(deck_variant(lambda text: text))
    assert not unchanged.ask(f'ASK {{ ?e skos:altLabel "{alias}"@fr }}')


@pytest.mark.parametrize("line", ["Hyperviseur (suite)", "Hyperviseur (2/2)", "Hyperviseur (Xen)"])
def test_parentheses_that_hold_no_other_name_give_none(deck_variant, line):
    corpus = deck_variant(
        lambda text: text.replace("OS invité modifié\n", f"{line}\n\nOS invité modifié\n", 1)
    )
    store = store_from_corpus(corpus)
    inside = line[line.index("(") + 1 : -1]
    assert not store.ask(
        f'ASK {{ ?e skos:prefLabel "Hyperviseur"@fr ; skos:altLabel "{inside}"@fr }}'
    )


@pytest.mark.parametrize("subject", ["User Mode Linux ou UML", "UML ou User Mode Linux", "UML"])
def test_a_product_named_by_any_of_its_names_is_defined_by_that_sentence(deck_variant, subject):
    corpus = deck_variant(
        lambda text: text.replace("User Mode Linux ou UML est un noyau", f"{subject} est un noyau")
    )
    rows = store_from_corpus(corpus).select(
        "SELECT ?d WHERE { res:product-user-mode-linux skos:definition ?d }"
    )
    assert [str(r["d"]).split(" est ")[0] for r in rows] == [subject]


def test_the_notion_a_relation_names_is_the_term_the_deck_defines(deck_variant):
    """The host-system relation names the concept « Système hôte » because the deck defines
    a term of that name; a deck defining « Machine hôte » instead leaves the relation alone."""
    host = "https://w3id.org/virtukg/ontology#hostSystem"
    guest = "https://w3id.org/virtukg/ontology#guestSystem"
    linker = EntityLinker(store_from_corpus(deck_variant(lambda text: text)), FrenchAnalyser())
    notion = linker.notion_of(host)
    assert notion is not None and notion.label == "Système hôte"
    renamed = deck_variant(lambda text: text.replace("Système Hôte\n", "Machine Hôte\n", 1))
    linker = EntityLinker(store_from_corpus(renamed), FrenchAnalyser())
    assert linker.notion_of(host) is None
    assert linker.notion_of(guest) is not None
