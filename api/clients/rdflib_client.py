"""Les produits du cours et leur licence, avec rdflib et un SPARQLStore distant."""

from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore

ENDPOINT = "http://127.0.0.1:8000/sparql"
QUERY = """
PREFIX vkg: <https://w3id.org/virtukg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?produit ?licence WHERE {
  ?p a vkg:Product ; skos:prefLabel ?produit ; vkg:licence ?l .
  ?l skos:prefLabel ?licence .
} ORDER BY ?produit
"""

graph = Graph(SPARQLStore(ENDPOINT))
for row in graph.query(QUERY):
    print(row.produit, row.licence, sep="\t")
