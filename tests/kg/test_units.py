"""Answer units (sentences, lists, table rows) and the tables the extraction reads."""

from kg.corpus import load_corpus
from kg.units import UnitKind, all_units
from tests.conftest import CORPUS_DIR, store_from_corpus


def _units(store, corpus_dir=CORPUS_DIR):
    return all_units(store, load_corpus(corpus_dir).passages)


def _row_cells(store) -> dict[str, list[str]]:
    rows = store.select(
        """SELECT ?row ?column ?value WHERE {
             ?row a vkg:TableRow ; vkg:cell ?cell .
             ?cell vkg:columnNumber ?column ; rdf:value ?value }"""
    )
    cells: dict[str, dict[int, str]] = {}
    for row in rows:
        cells.setdefault(str(row["row"]), {})[int(str(row["column"]))] = str(row["value"])
    return {row: [c[k] for k in sorted(c)] for row, c in cells.items()}


def test_tables_are_read_row_by_row_with_their_cells(store):
    rows = list(_row_cells(store).values())
    assert ["Produits", "Virtualisation", "Installation", "Licence"] in rows
    assert ["Xen", "Complète / Para", "Bare Metal", "GPL"] in rows
    assert ["User Mode Linux (UML)", "Para", "Hébergé", "GPL"] in rows
    emulation = next(r for r in rows if r[0] == "Emulation")
    assert emulation[3] == "Faible performance Faible densité"


def test_a_new_row_in_the_deck_is_a_new_row_of_the_graph(deck_variant):
    corpus = deck_variant(
        lambda t: t.replace(
            "KVM Complète Bare Metal GPL",
            "KVM Complète Bare Metal GPL\n\nVirtIO Para Hébergé MIT",
        )
    )
    rows = list(_row_cells(store_from_corpus(corpus)).values())
    assert ["VirtIO", "Para", "Hébergé", "MIT"] in rows


def test_a_table_row_is_one_unit_and_its_cells_are_not(store):
    units = _units(store)
    rows = [u for u in units if u.kind == UnitKind.ROW]
    assert any(" ".join(u.text.split()) == "Xen Complète / Para Bare Metal GPL" for u in rows)
    assert not any(u.kind == UnitKind.SENTENCE and u.text == "Xen Complète / Para" for u in units)


def test_a_list_is_one_unit_with_the_line_that_introduces_it(store):
    units = _units(store)
    lists = [u for u in units if u.kind == UnitKind.LIST]
    drawbacks = next(u for u in lists if "présente des contraintes" in u.text)
    assert drawbacks.text.startswith("Comme toutes solutions informatiques")
    assert len(drawbacks.items) == 7


def test_a_sentence_opening_with_a_pronoun_is_read_with_the_one_before(store):
    units = _units(store)
    developed = next(u for u in units if "développé par l'université de Cambridge" in u.text)
    assert developed.text.startswith("Xen est un logiciel libre")


def test_titles_and_headings_are_never_units(store):
    for unit in _units(store):
        assert not unit.text.isupper()
        assert unit.text not in {"Système Hôte", "Hyperviseur", "Système Invité"}
