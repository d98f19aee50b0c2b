"""A readable reference of the vocabulary, generated from ``ontology/virtukg.ttl``."""

from html import escape
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.namespaces import PREFIXES, VKG


def _short(term: URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        if str(term).startswith(namespace):
            return f"{prefix}:{str(term)[len(namespace) :]}"
    return str(term)


def _text(graph: Graph, term: URIRef, predicate: URIRef, language: str) -> str:
    values = [
        str(v) for v in graph.objects(term, predicate) if getattr(v, "language", None) == language
    ]
    return " ; ".join(sorted(values))


PROVENANCE_QUERY = """SELECT ?licence ?slide ?start ?end WHERE {
  GRAPH ?passage {
    ?fact a rdf:Statement ; rdf:subject res:product-wine ; rdf:predicate vkg:licence ;
          rdf:object ?l ; vkg:startOffset ?start ; vkg:endOffset ?end .
  }
  ?l skos:prefLabel ?licence . ?passage vkg:slide ?slide .
}"""
PROVENANCE = (
    "<h2>Provenance</h2><p>Chaque fait est rangé dans le graphe nommé du passage (la "
    "diapositive) d’où il a été lu. Il y est aussi décrit par une déclaration réifiée "
    "(<code>rdf:Statement</code> : <code>rdf:subject</code>, <code>rdf:predicate</code>, "
    "<code>rdf:object</code>) qui porte les positions, dans le fichier source, de la phrase "
    "ou de la ligne de tableau lue (<code>vkg:startOffset</code>, <code>vkg:endOffset</code>). "
    "La réification plutôt que RDF-star : tout magasin SPARQL 1.1 la lit. Les tableaux sont "
    "décrits ligne par ligne (<code>vkg:Table</code>, <code>vkg:TableRow</code>, "
    "<code>vkg:cell</code>). Par exemple, les licences de Wine et d’où elles viennent :</p>"
    f"<pre>{escape(PROVENANCE_QUERY)}</pre>"
)


def reference_html(ontology_file: Path) -> str:
    """An HTML page listing classes and properties with French and English labels."""
    graph = Graph().parse(ontology_file, format="turtle")
    sections = []
    for title, kinds in (
        ("Classes", [OWL.Class]),
        ("Propriétés", [OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]),
    ):
        terms = sorted(
            {t for kind in kinds for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)},
            key=_short,
        )
        rows = []
        for term in terms:
            parents = ", ".join(
                sorted(
                    _short(p) for p in graph.objects(term, RDFS.subClassOf) if isinstance(p, URIRef)
                )
            )
            cells = [
                f"<code>{escape(_short(term))}</code>",
                escape(_text(graph, term, RDFS.label, "fr")),
                escape(_text(graph, term, SKOS.definition, "fr")),
                escape(_text(graph, term, SKOS.altLabel, "fr")),
                escape(_text(graph, term, VKG.answerPattern, "fr")),
                f"<code>{escape(parents)}</code>" if parents else "",
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        header = "".join(
            f'<th scope="col">{h}</th>'
            for h in (
                "Terme",
                "Libellé",
                "Définition",
                "Synonymes",
                "Formulation d'une réponse",
                "Hérite de",
            )
        )
        sections.append(
            f'<h2 id="{title.lower()}">{title} ({len(terms)})</h2>'
            f'<div class="table-scroll" role="region" aria-labelledby="{title.lower()}" '
            f'tabindex="0"><table><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Vocabulaire VirtuKG</title></head><body>"
        '<main id="main" tabindex="-1" class="reference">'
        "<h1>Vocabulaire VirtuKG</h1>"
        "<p>Généré depuis <code>ontology/virtukg.ttl</code>. "
        '<a href="/api/ontology">Télécharger en Turtle</a></p>'
        + PROVENANCE
        + "".join(sections)
        + "</main></body></html>"
    )
