"""Every fact records the characters it was read from: its sentence or its table row."""

import re

from kg.text import FrenchAnalyser

_STATEMENTS = """
SELECT ?statement ?s ?p ?o ?start ?end (GROUP_CONCAT(?label; separator="|") AS ?labels) WHERE {
  GRAPH ?g {
    ?statement a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
               vkg:startOffset ?start ; vkg:endOffset ?end .
  }
  OPTIONAL { ?o skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label }
} GROUP BY ?statement ?s ?p ?o ?start ?end
"""
_BROKEN_WORD = re.compile(r"-\s*\n\s*")


def _read(deck_text: str, start: object, end: object) -> str:
    """The source characters of a span, with the words the export broke over two lines
    joined again (as the corpus cleaning does)."""
    return _BROKEN_WORD.sub("-", deck_text[int(str(start)) : int(str(end))])


def test_every_fact_has_a_span_that_holds_its_object(store, deck_text):
    analyser = FrenchAnalyser()
    rows = store.select(_STATEMENTS)
    assert len(rows) > 250
    periods = {(str(r["s"]), r["start"], r["end"]) for r in rows if str(r["p"]).endswith("#period")}
    for row in rows:
        text = _read(deck_text, row["start"], row["end"])
        datatype = str(getattr(row["o"], "datatype", "") or "")
        if datatype.endswith(("#gYear", "#date")):
            # a year or a date is written in its span, or worked out from a period and then
            # read off the period's words
            period = (str(row["s"]), row["start"], row["end"]) in periods
            assert str(row["o"])[:4] in text or period, row
            continue
        span = set(analyser.tokens(text))
        labels = str(row["labels"]).split("|") if row["labels"] else [str(row["o"])]
        assert any(set(analyser.tokens(label)) <= span for label in labels), (
            row["p"],
            labels,
            _read(deck_text, row["start"], row["end"]),
        )


def test_the_facts_of_a_table_point_at_their_own_row(store, deck_text):
    rows = store.select(
        """SELECT ?start ?end WHERE { GRAPH ?g {
             ?st rdf:subject res:product-xen ; rdf:predicate vkg:licence ;
                 vkg:startOffset ?start ; vkg:endOffset ?end } }"""
    )
    assert [" ".join(_read(deck_text, r["start"], r["end"]).split()) for r in rows] == [
        "Xen Complète / Para Bare Metal GPL"
    ]
    wine = store.select(
        """SELECT ?o ?start ?end WHERE { GRAPH ?g {
             ?st rdf:subject res:product-wine ; rdf:predicate vkg:licence ; rdf:object ?o ;
                 vkg:startOffset ?start ; vkg:endOffset ?end } }"""
    )
    spans = {str(r["o"]).rsplit("-", 1)[-1]: _read(deck_text, r["start"], r["end"]) for r in wine}
    assert spans["gpl"].startswith("Wine Bibliothèque")
    assert "Wine est maintenant sous licence LGPL" in spans["lgpl"]


def test_a_sentence_fact_points_at_its_sentence(store, deck_text):
    rows = store.select(
        """SELECT ?start ?end WHERE { GRAPH ?g {
             ?st rdf:subject res:product-kvm ; rdf:predicate vkg:kernelVersion ;
                 vkg:startOffset ?start ; vkg:endOffset ?end } }"""
    )
    (row,) = rows
    assert _read(deck_text, row["start"], row["end"]) == (
        "Le module est intégré dans le noyau Linux depuis la version 2.6.20."
    )


def test_the_documented_provenance_query_gives_each_fact_with_its_offsets(store, deck_text):
    from kg.reference import PROVENANCE_QUERY, reference_html
    from tests.conftest import ONTOLOGY_DIR

    rows = store.select(PROVENANCE_QUERY)
    found = {(str(r["licence"]), int(str(r["slide"]))) for r in rows}
    assert found == {("GPL", 33), ("LGPL", 44)}
    for row in rows:
        assert str(row["licence"]) in _read(deck_text, row["start"], row["end"])
    page = reference_html(ONTOLOGY_DIR / "virtukg.ttl")
    assert "rdf:Statement" in page and "vkg:startOffset" in page
    readme = (ONTOLOGY_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert PROVENANCE_QUERY.splitlines()[1].strip() in readme
