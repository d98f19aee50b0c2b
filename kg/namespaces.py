"""The IRIs of the graph: one vocabulary namespace, one resource namespace.

Entity IRIs are made from a kind and a slug of the entity's label, so the same
deck always yields the same IRIs, build after build.
"""

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.text import slugify

VKG = Namespace("https://w3id.org/virtukg/ontology#")
RES = Namespace("https://w3id.org/virtukg/id/")
SCHEMA = Namespace("https://schema.org/")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/virtukg/graph/ontology")
# In an external store: which build `kg publish` loaded, and the graphs it owns.
PUBLICATION_GRAPH = URIRef("https://w3id.org/virtukg/graph/publication")

PREFIXES: dict[str, str] = {
    name: str(namespace)
    for name, namespace in (
        ("vkg", VKG),
        ("res", RES),
        ("schema", SCHEMA),
        ("skos", SKOS),
        ("dct", DCTERMS),
        ("prov", PROV),
        ("foaf", FOAF),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("owl", OWL),
        ("xsd", XSD),
    )
}


def entity_iri(kind: str, label: str) -> URIRef:
    """The stable IRI of an entity: ``res:{kind}-{slug of label}``."""
    return RES[f"{kind}-{slugify(label)}"]


def passage_iri(passage_id: str) -> URIRef:
    """The IRI of a passage, which is also the name of its named graph."""
    return RES[f"passage-{passage_id}"]


def document_iri(slug: str) -> URIRef:
    return RES[f"document-{slug}"]


def local_id(iri: str) -> str:
    """The short id of a resource IRI (``res:product-xen`` → ``product-xen``)."""
    return iri[len(str(RES)) :] if iri.startswith(str(RES)) else iri


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, to prepend to queries."""
    return "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in PREFIXES.items())


_IRI_OR_COMMENT = re.compile(r"<[^>\s]*>|#[^\n]*")


def declarations_used(query: str) -> str:
    """PREFIX declarations for the project prefixes ``query`` uses, so it runs anywhere."""
    text = _IRI_OR_COMMENT.sub(" ", query)
    return "".join(
        f"PREFIX {name}: <{ns}>\n"
        for name, ns in PREFIXES.items()
        if re.search(rf"(?<![\w-]){name}:", text)
    )
